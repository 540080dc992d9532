// Package connectortest is the test kit for connectors and the runtimes that
// drive them, in the spirit of [net/http/httptest]: everything a test needs
// to run a connector against Kafka without a Kafka installation.
//
// # Embedded cluster
//
// [NewCluster] starts an in-process Kafka cluster, kfake brokers speaking the
// real Kafka protocol over loopback TCP, and stops it when the test ends. The
// runtimes connect to it with librdkafka as they would to Apache Kafka,
// through [Cluster.BootstrapServers]:
//
//	c := connectortest.NewCluster(t)
//	c.CreateTopic(t, "orders", 1)
//	c.Produce(t, connectortest.GoldenRecords("orders")...)
//	// Run the sink under test, its consumer configured with
//	// c.ConsumerConfig("connect-my-sink", connectortest.ClassicProtocol).
//	tp := connect.TopicPartition{Topic: "orders", Partition: 0}
//	c.WaitFor(t, 10*time.Second, func() bool {
//		return c.CommittedOffsets(t, "connect-my-sink")[tp] == 8
//	}, "the sink to commit all 8 golden records")
//
// The helpers ([Cluster.Produce], [Cluster.ReadAll],
// [Cluster.CommittedOffsets]) use a different client, franz-go, so that a
// test does not check librdkafka against itself, and see the cluster only
// through the Kafka protocol. They work on [Record], the raw bytes of a
// Kafka record, not on the converted values of [connect.SinkRecord]. Those
// taking a testing.TB fail the test naming the topic or group; each has a
// ...Context variant returning an error, for other goroutines and for main
// packages, which start a cluster with [StartCluster]. [Cluster.Kfake]
// gives the fake brokers themselves, to inject errors into chosen requests
// ([kfake.Cluster.ControlKey]) or look inside consumer groups.
//
// The cluster departs from Kafka's defaults where tests gain by it, each a
// [ClusterOption] away: one broker, one partition per topic, a
// message.max.bytes of 8 MiB, session timeouts down to 100 ms, and 100 ms
// heartbeats for KIP-848 groups. Topics are not created implicitly unless
// [AutoCreateTopics] is given, so that a misspelt name fails the test.
//
// Consumer group rebalances are quick but not instant. Members learn of a
// rebalance from a heartbeat, so the heartbeat interval sets the pace: the
// cluster sets 100 ms for groups using KIP-848's consumer protocol, and
// [Cluster.ConsumerConfig] sets 100 ms on the members of classic groups,
// where the brokers have no say. A member joining a cooperative group then
// gets its partitions after about 0.1 s with the consumer protocol and 1 to
// 1.5 s with the classic one (two rounds, and librdkafka sends a member's
// JoinGroup requests at least a second apart), rather than the 6 s or more
// of the defaults. Tests wait for an outcome with [Cluster.WaitFor] instead
// of sleeping.
//
// kfake is built for correctness tests; it serves every request from one
// goroutine and neither replicates nor syncs to disk, so do not measure
// throughput against it.
//
// # Real brokers
//
// The same helpers work on a running Apache Kafka cluster: [ExternalCluster]
// connects them to one, and [ExternalKafka] to the one named by
// CONNECTKIT_KAFKA_BOOTSTRAP, skipping the test when it is unset. Tests
// against real servers carry the integration build tag, and .ci/integration.sh
// starts a broker and MinIO ([ExternalS3]) for them. [EachCluster] runs one
// test as a subtest on the embedded cluster and, under the tag, on the real
// broker, so that a guarantee is written down once and checked on both; as
// the real broker is shared across runs, such a test names its topics and
// connectors with [Cluster.Unique]. [RestartExternalKafka] kills the broker
// and starts it again, for tests of riding out an outage; such a test has
// BrokerRestart in its name, so that .ci/integration.sh runs it apart from
// the others, which the outage would disturb.
//
// # Golden records
//
// [GoldenCases] and [GoldenRecords] are records at the edges of what Kafka
// carries (tombstones, empty and binary values, nil keys, Unicode, a 1 MiB
// value, repeated and null headers, JSON), each named, for checking that a
// connector passes them through or rejects them cleanly.
//
// # Conformance suites
//
// [TestSinkTask] and [TestSourceTask] check, in the spirit of
// [testing/fstest.TestFS], what every sink and source task must honour,
// running it through the real runtimes against an embedded cluster. A sink's
// test supplies [WithReadBack], the means to read its destination, so that
// the suite checks what is written rather than what the task claims: a
// task whose Flush reports success for data only Stop writes fails. Each
// suite's own tests include broken tasks that it must fail.
package connectortest
