// Package connectkit is a Go SDK for Kafka connectors: the library Go teams
// import to move data between Kafka and other systems without a JVM, with
// the delivery guarantees of Kafka Connect.
//
// A connector author implements a small task interface and a
// [connect.ConfigDef]; the runtimes do the rest: consumer groups,
// converters, batching, offsets, retries, dead-letter queues, rebalances and
// graceful shutdown. Kafka Connect's configuration keys, class names and
// files work unchanged.
//
// # Packages
//
//   - [github.com/connectkit/connectkit/connect]: the contract. Records,
//     schemas, the SinkTask and Connector interfaces with their optional
//     extras, ConfigDef, errors, task contexts.
//   - [github.com/connectkit/connectkit/converters]: bytes to values and
//     back: String, ByteArray, JSON (byte-compatible with Kafka's
//     JsonConverter), and header converters.
//   - [github.com/connectkit/connectkit/sink]: the sink runtime. One
//     librdkafka consumer per task in the group connect-<name>; commits
//     only what the task declared durable.
//   - [github.com/connectkit/connectkit/sink/filesink]: appends records to a
//     file (Kafka's FileStreamSinkConnector).
//   - [github.com/connectkit/connectkit/partitioner]: where an object-store
//     sink puts each record: Confluent's Default, Field and time-based
//     partitioners, with Joda-Time path formats.
//   - [github.com/connectkit/connectkit/worker]: hosts connectors from Kafka
//     Connect's .properties and JSON files, like connect-standalone, from
//     a registry of connectors and converters;
//     [github.com/connectkit/connectkit/worker/bundled] registers the
//     bundled ones and [github.com/connectkit/connectkit/worker/configprovider]
//     resolves Kafka's config provider placeholders.
//   - [github.com/connectkit/connectkit/connectortest]: the test kit. An
//     embedded Kafka cluster, a harness and conformance suites that prove a
//     connector's delivery guarantees in go test.
//   - examples/: quickstart (runs with no infrastructure),
//     connect-standalone, custom-worker (connect-standalone with your own
//     connectors), and custom-sink, the smallest connector to copy.
//
// # A five-minute tour
//
// A sink task receives batches of records and says what it made durable:
//
//	type Task struct{ /* your client */ }
//
//	func (t *Task) Start(ctx context.Context, cfg map[string]string, tc connect.SinkTaskContext) error
//	func (t *Task) Put(ctx context.Context, records []connect.SinkRecord) error
//	func (t *Task) Stop(ctx context.Context) error
//
// A connector describes its settings and makes tasks; [sink.Run] runs it
// against Kafka, and [connectortest.TestSinkTask] checks it honours the
// guarantees every sink must keep. See examples/custom-sink for the whole
// thing in one file.
package connectkit
