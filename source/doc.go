// Package source runs source connectors: it calls a [connect.SourceTask]'s
// Poll, converts the records it returns, produces them to Kafka and stores
// their source offsets only once Kafka has acknowledged them. It is Kafka
// Connect's WorkerSourceTask and offset storage for Go.
//
// # Running a connector
//
// [Run] (or [New] then [Runtime.Run]) takes a [connect.SourceConnector] and
// its configuration, in Kafka Connect's keys:
//
//	err := source.Run(ctx, myConnector, map[string]string{
//		"name":            "orders-from-api",
//		"tasks.max":       "1",
//		"value.converter": "org.apache.kafka.connect.json.JsonConverter",
//	}, source.WithWorkerConfig(map[string]string{
//		"bootstrap.servers":    "localhost:9092",
//		"offset.storage.topic": "connect-offsets",
//	}))
//
// The connector's TaskConfigs splits the work into at most tasks.max task
// configurations; each runs in its own goroutine with its own producer.
// Cancelling ctx shuts down gracefully: Poll's context is cancelled, the
// records already produced are awaited (up to
// task.shutdown.graceful.timeout.ms), their offsets are stored and Stop is
// called, once.
//
// # The record path
//
// Poll returns records; the runtime converts keys, values and headers with
// the configured converters (key.converter, value.converter,
// header.converter; JsonConverter by default, worker defaults overridable
// per connector, sub-settings under the converter's prefix) and produces
// them. When the delivery report arrives, the runtime calls
// [connect.RecordCommitter.CommitRecord] (if the task has it) and marks the
// record done for the offset tracker.
//
// Each task has three goroutines. One calls Poll and converts what it
// returns; one calls Start and Stop and produces the converted records, so
// that the next Poll overlaps producing the records of the last; the third
// handles delivery reports, calls CommitRecord, stores offsets and calls
// [connect.SourceCommitter.Commit], so that offsets are stored on time even
// while Poll blocks. Start, Poll and Stop never run concurrently: Poll is
// called after Start returns, and Stop after the last Poll returns.
// CommitRecord and Commit may run while Poll does, as in Kafka Connect, but
// never concurrently with themselves or each other, and never after Stop: a
// task that shares state between Poll and CommitRecord must guard it.
//
// At most 10,000 records per task are unacknowledged at a time (fewer when
// the producer's queue.buffering.max.messages is lower); besides them, one
// converted batch at most waits to be produced. Poll is not called again
// until there is room, so memory stays bounded.
//
// A record with a nil Partition goes where the producer's partitioner puts
// it. The runtime sets librdkafka's partitioner to murmur2_random, the
// hash of Java's default partitioner, so a keyed record lands on the
// partition Kafka Connect would have chosen; producer.partitioner.class
// changes it.
//
// # Offsets
//
// The offset tracker keeps, for each source partition, the records in the
// order Poll returned them, and advances the partition's offset only over a
// run of acknowledged records: a record acknowledged out of order does not
// move the offset past an earlier record of its partition that is still
// outstanding. Offsets are stored every offset.flush.interval.ms (60 s) and
// at shutdown, each store bounded by offset.flush.timeout.ms (5 s); after a
// successful store the runtime calls [connect.SourceCommitter.Commit].
// Records with a nil SourcePartition have no offset.
//
// Where offsets go follows the worker configuration, as in Kafka Connect:
//
//   - offset.storage.topic, as in distributed mode: a compacted topic
//     ([NewKafkaOffsetStore]), created when missing with
//     offset.storage.partitions and offset.storage.replication.factor. Keys
//     and values are Kafka Connect's own: the key is the JSON array
//     ["<connector name>",{<source partition>}] and the value the JSON
//     object {<source offset>}, byte for byte as Kafka Connect's
//     JsonConverter writes them (Kafka Connect finds an offset by its key's
//     bytes); a null value deletes the offset. Keys are produced with the
//     murmur2 partitioner, so they land on the partition Kafka Connect's
//     producer would pick, and the two can share a topic. A topic the store
//     creates is used once its partitions' leaders are known.
//   - offset.storage.file.filename, as in standalone mode: a file
//     ([NewFileOffsetStore]) in Kafka Connect's format, a Java-serialized
//     map of the same keys and values, replaced atomically on each store;
//     the JSON files earlier versions wrote are still read.
//
// Offsets move between Kafka Connect and this runtime either way, in a file
// or a topic; docs/compat/offsets.md lists the differential tests that show
// it and the few differences.
//   - [WithOffsetStore] overrides both with any [OffsetStore], such as
//     [NewMemoryOffsetStore] in tests.
//
// Stored partitions are matched by content: a key written by Kafka Connect
// with the partition's fields in another order is still found.
//
// # Errors
//
// A Poll error wrapped with [connect.Retriable] is retried after a backoff
// (exponential from 300 ms up to errors.retry.delay.max.ms, jittered). So
// is a record whose delivery failed with a retriable error, such as a topic
// that does not exist yet: it is produced again, and no offset passes it
// meanwhile. With the default errors.retry.timeout of 0 the retries go on
// until they succeed, as in Kafka Connect; a positive errors.retry.timeout
// bounds them, after which the task fails. A record that cannot be
// converted or produced fails the task, naming its topic and source
// partition, unless errors.tolerance=all: then it is logged
// (errors.log.enable) and skipped. A source has no dead-letter queue, as in
// Kafka Connect. A skipped record's offset is still stored only once every
// earlier record of its source partition was acknowledged, and the task's
// CommitRecord is called for it with an Offset of -1 (Kafka Connect's
// commitRecord(record, null)), so a task that waits for every record to be
// committed does not stall. Any other error,
// and a panic, fails only the task it happened in; its [connect.TaskStatus]
// holds the cause, a [*connect.TaskError].
//
// # Topic creation
//
// When the connector sets topic.creation.default.replication.factor and
// topic.creation.default.partitions (and the worker leaves
// topic.creation.enable on), a topic that does not exist is created before
// the first record is produced to it.
//
// # Health and metrics
//
// A task first waits, within [WithClusterTimeout] (30 s), for a broker of
// bootstrap.servers to answer its producer; without one it fails with a
// [*connect.ClusterError] naming bootstrap.servers and the broker's error,
// logged once. A running task whose cluster stays unreachable that long
// keeps running (librdkafka reconnects) but logs one error, and one line
// when the cluster is back. [Runtime.Health] returns the cluster error
// while either lasts, for a /health endpoint. [WithMetrics] reports Kafka
// Connect's metrics to a Prometheus registry (docs/metrics.md).
//
// # Client settings
//
// Worker producer.* settings, and the connector's producer.override.*, use
// the Java client's names; they are translated to librdkafka's, and a
// setting that has no equivalent is reported as a configuration error. The
// runtime sets acks=all and enable.idempotence=true unless they are
// overridden.
package source
