// Package sink runs sink connectors: it reads records from Kafka, converts
// them, hands them to a [connect.SinkTask] and commits offsets only as far
// as the task has made records durable. It is Kafka Connect's
// WorkerSinkTask for Go.
//
// # Running a connector
//
// [Run] (or [New] then [Runtime.Run]) takes a [connect.SinkConnector] and its
// configuration, in Kafka Connect's keys:
//
//	err := sink.Run(ctx, myConnector, map[string]string{
//		"name":            "orders-to-files",
//		"topics":          "orders",
//		"tasks.max":       "2",
//		"value.converter": "org.apache.kafka.connect.json.JsonConverter",
//	}, sink.WithWorkerConfig(map[string]string{"bootstrap.servers": "localhost:9092"}))
//
// Each task gets its own librdkafka consumer in the group connect-<name>,
// with cooperative-sticky assignment, so several tasks in one process, or
// several processes running the same connector, share the partitions.
// Cancelling ctx shuts down gracefully: the current batch finishes, offsets
// are flushed and committed, partitions are closed and tasks stopped.
//
// # The record path
//
// The runtime polls up to max.poll.records (500) messages, converts keys,
// values and headers with the configured converters (key.converter,
// value.converter, header.converter; JsonConverter by default), and calls
// Put with the batch. Records of one partition reach Put in offset order.
//
// # Offsets
//
// Offsets are committed on offset.flush.interval.ms, when the task asks
// ([connect.SinkTaskContext.RequestCommit]), on rebalance for the revoked
// partitions, and at shutdown. What is committed is what the task declares
// durable: the result of [connect.PreCommitter.PreCommit] if the task has
// it; otherwise, after [connect.Flusher.Flush] succeeds (if it has that),
// everything Put accepted. An offset never passes a record that was not
// accepted by Put, deliberately skipped under errors.tolerance=all, or
// acknowledged by the dead-letter queue.
//
// # Errors
//
// A Put error wrapped with [connect.Retriable] pauses the partitions, backs
// off (exponentially from 300 ms up to errors.retry.delay.max.ms, jittered,
// or the task's [connect.SinkTaskContext.Timeout]) and retries the same
// batch. With the default errors.retry.timeout of 0 it retries until Put
// succeeds, as Kafka Connect does; a positive errors.retry.timeout bounds the
// retries (Kafka Connect offers no bound), after which the task fails with
// the last error. A [*connect.BatchError] names the records that failed while the
// rest were handled. Records that fail conversion or that a BatchError or
// the [connect.ErrantRecordReporter] names are, with errors.tolerance=all,
// logged (errors.log.enable) and written to the dead-letter queue
// (errors.deadletterqueue.topic.name, with the __connect.errors.* headers
// when errors.deadletterqueue.context.headers.enable is set). A tolerated
// error never stops the task: a record too large for the dead-letter topic
// is sent as its context headers and key, without its value and headers,
// with a [HeaderTruncated] header saying what was cut, and its coordinates
// are logged. With the default errors.tolerance=none they fail the task,
// naming the record; the records before it are delivered and committed,
// none after it. Any
// other error, and a panic, fails only the task it happened in; its
// [connect.TaskStatus] holds the cause (and the stack of a panic).
//
// # Health and metrics
//
// A task first waits, within [WithClusterTimeout] (30 s), for a broker of
// bootstrap.servers to answer; without one it fails with a
// [*connect.ClusterError] naming bootstrap.servers and the broker's error,
// logged once. A running task whose cluster stays unreachable that long
// keeps running (librdkafka reconnects) but logs one error, and one line
// when the cluster is back. [Runtime.Health] returns the cluster error
// while either lasts, for a /health endpoint. [WithMetrics] reports Kafka
// Connect's metrics, and each partition's consumer lag, to a Prometheus
// registry (docs/metrics.md).
//
// # Group membership
//
// A sink task's consumer is a static member of the connector's group
// (group.instance.id, KIP-345) when the worker configuration identifies
// the process: connect-<name>-<process>-<task>, where <process> is a hash
// of the host name and the worker's offset.storage.file.filename (else its
// listeners or rest.port), which stay the same across a restart and differ
// between two processes running the same connector. A worker killed and
// restarted then gets its partitions back at once, instead of after its
// dead predecessor's session (session.timeout.ms, 45 s) and a rebalance.
// A graceful stop still leaves the group at once: a static member does not
// leave when it closes (KIP-345), so the task unsubscribes first.
// consumer.group.instance.id (or consumer.override.group.instance.id)
// sets the stem instead, and an empty value turns static membership off.
//
// # Client settings
//
// Worker consumer.* and producer.* settings, and the connector's
// consumer.override.* and producer.override.*, use the Java client's names;
// they are translated to librdkafka's, and a setting that has no equivalent
// is reported as a configuration error. The runtime owns group.id,
// enable.auto.commit and the offset store.
package sink
