package sink_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/internal/benchkit"
	"github.com/connectkit/connectkit/sink"
)

// The benchmark reads benchRecords records of about 100 bytes, in
// benchPartitions partitions, from an embedded cluster that runs in a child
// process, so that the broker's CPU time and allocations are not counted.
const (
	benchRecords    = 200_000
	benchPartitions = 4
	benchTopic      = "bench"
	clusterEnv      = "CONNECTKIT_BENCH_CLUSTER"
	// metricsEnv=1 runs the sink with metrics on (sink.WithMetrics), to
	// measure their cost against a run without.
	metricsEnv = "CONNECTKIT_BENCH_METRICS"
)

// TestBenchCluster is the child process of BenchmarkSinkVsBareConsumer: it
// serves a cluster holding the benchmark topic until its stdin closes.
func TestBenchCluster(t *testing.T) {
	if os.Getenv(clusterEnv) == "" {
		t.Skip("started by BenchmarkSinkVsBareConsumer")
	}
	c := connectortest.NewCluster(t)
	fillBenchTopic(t, c, benchTopic)
	benchkit.Serve(c.BootstrapServers())
}

func fillBenchTopic(t testing.TB, c *connectortest.Cluster, topic string) {
	c.CreateTopic(t, topic, benchPartitions)
	value := []byte(strings.Repeat("x", 90))
	c.ProduceN(t, topic, benchRecords, func(i int) connectortest.Record {
		return connectortest.Record{Topic: topic, Partition: int32(i % benchPartitions),
			Key: []byte("key-" + strconv.Itoa(i%1000)), Value: value}
	})
}

// startBenchCluster returns the broker and topic to read: the Apache Kafka
// broker named by CONNECTKIT_KAFKA_BOOTSTRAP when it is set (see
// .ci/kafka.sh), otherwise an embedded cluster in a child process.
func startBenchCluster(b *testing.B) (addr, topic string) {
	b.Helper()
	if bootstrap := os.Getenv(connectortest.EnvKafkaBootstrap); bootstrap != "" {
		c := connectortest.ExternalCluster(b, bootstrap)
		topic := c.Unique(benchTopic)
		fillBenchTopic(b, c, topic)
		return bootstrap, topic
	}
	return benchkit.StartChild(b, "TestBenchCluster", clusterEnv)[0], benchTopic
}

type noopTask struct{ seen *atomic.Int64 }

func (t noopTask) Start(context.Context, map[string]string, connect.SinkTaskContext) error {
	return nil
}
func (t noopTask) Put(_ context.Context, records []connect.SinkRecord) error {
	t.seen.Add(int64(len(records)))
	return nil
}
func (t noopTask) Stop(context.Context) error { return nil }

// BenchmarkSinkVsBareConsumer reads the same topic from the same cluster
// twice per iteration, with a new group each time: once with a bare
// confluent-kafka-go poll loop (poll every message, commit once at the end,
// close), once through the sink runtime (poll, convert with the
// ByteArrayConverter, a Put that does nothing, commit at shutdown). It
// reports both rates, their ratio, and allocations per record.
func BenchmarkSinkVsBareConsumer(b *testing.B) {
	addr, topic := startBenchCluster(b)
	// One unmeasured read first: a JVM broker is slow until its JIT has
	// warmed up, which would otherwise penalise whichever loop runs first.
	bareConsume(b, addr, topic, topic+"-warmup")
	var bare, sinkm benchkit.Cost
	for i := 0; b.Loop(); i++ {
		bare.Add(benchkit.Measure(func() { bareConsume(b, addr, topic, fmt.Sprintf("%s-bare-%d", topic, i)) }))
		sinkm.Add(benchkit.Measure(func() { sinkConsume(b, addr, topic, fmt.Sprintf("%s-sink-%d", topic, i)) }))
	}
	bareTime, sinkTime, bareAllocs, sinkAllocs := bare.Wall, sinkm.Wall, bare.Allocs, sinkm.Allocs
	n := float64(b.N) * benchRecords
	bareRate, sinkRate := n/bareTime.Seconds(), n/sinkTime.Seconds()
	b.ReportMetric(bareRate, "bare-rec/s")
	b.ReportMetric(sinkRate, "sink-rec/s")
	b.ReportMetric(sinkRate/bareRate, "ratio")
	b.ReportMetric(float64(bareAllocs)/n, "bare-allocs/rec")
	b.ReportMetric(float64(sinkAllocs)/n, "sink-allocs/rec")
	// CPU of this process only (the client, librdkafka's threads and the
	// runtime; the broker runs in the child), per record.
	b.ReportMetric(float64(bare.CPU.Nanoseconds())/n, "bare-cpu-ns/rec")
	b.ReportMetric(float64(sinkm.CPU.Nanoseconds())/n, "sink-cpu-ns/rec")
}

func bareConsume(b *testing.B, addr, topic, group string) {
	c, err := kafka.NewConsumer(&kafka.ConfigMap{
		"bootstrap.servers": addr, "group.id": group, "auto.offset.reset": "earliest",
		"enable.auto.commit": false, "enable.auto.offset.store": false,
		"partition.assignment.strategy": "cooperative-sticky", "log_level": 3,
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.SubscribeTopics([]string{topic}, nil); err != nil {
		b.Fatal(err)
	}
	next := map[int32]kafka.TopicPartition{}
	for n := 0; n < benchRecords; {
		switch e := c.Poll(100).(type) {
		case *kafka.Message:
			n++
			tp := e.TopicPartition
			tp.Offset++
			next[tp.Partition] = tp
		case kafka.Error:
			b.Fatal(e)
		}
	}
	offsets := make([]kafka.TopicPartition, 0, len(next))
	for _, tp := range next {
		offsets = append(offsets, tp)
	}
	if _, err := c.CommitOffsets(offsets); err != nil {
		b.Fatal(err)
	}
	c.Close()
}

func sinkConsume(b *testing.B, addr, topic, name string) {
	var seen atomic.Int64
	conn := connectortest.SinkConnectorFunc(func() connect.SinkTask { return noopTask{seen: &seen} })
	rt, err := sink.New(conn, map[string]string{
		"name": name, "topics": topic, "bootstrap.servers": addr,
		"key.converter":   "org.apache.kafka.connect.converters.ByteArrayConverter",
		"value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
	}, sink.WithLogger(discardLogger), benchMetrics())
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	for seen.Load() < benchRecords {
		select {
		case err := <-done:
			b.Fatalf("runtime stopped early: %v", err)
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

// benchMetrics returns the option that turns metrics on when metricsEnv
// asks for it.
func benchMetrics() sink.Option {
	if os.Getenv(metricsEnv) != "1" {
		return sink.WithMetrics(nil)
	}
	return sink.WithMetrics(prometheus.NewRegistry())
}
