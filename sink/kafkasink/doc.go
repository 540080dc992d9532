// Package kafkasink is a sink connector that forwards JSON records from Kafka
// to Kafka, keeping those that match a JSONPath filter: a replacement for
// kakao's kafka-sink-connector (com.kakao.connector.kafka.KafkaSinkConnector)
// that accepts its configuration, gives the same filter results, and loses
// nothing.
//
// # Configuration
//
// kakao's keys keep their names and defaults: kafka.sink.bootstrap (required
// here: kakao's default is a placeholder), kafka.sink.topic,
// kafka.filtering.condition (default $.[?( !@.all )], every record without
// an "all" key), kafka.sampling.enabled and kafka.sampling.percentage (a
// fraction), kafka.key.enabled and kafka.key.field (comma-separated paths
// whose values are concatenated), kafka.timestamp.enabled,
// kafka.timestamp.field and kafka.timestamp.format (a Java DateTimeFormatter
// pattern, see [TimeFormat]), kafka.producer.linger.ms and
// kafka.producer.batch.size. Beyond kakao's:
//
//   - kafka.sink.<setting> passes any Java producer setting to the
//     destination client (security.protocol, sasl.jaas.config,
//     compression.type, acks...), translated to librdkafka's names;
//   - kafka.timestamp.zone (default UTC; kakao used the JVM's zone);
//   - kafka.forward.key, kafka.forward.headers and kafka.forward.timestamp
//     keep the consumed record's key, headers and timestamp (kakao dropped
//     them);
//   - kafka.routes, with kafka.route.<name>.condition and
//     kafka.route.<name>.topic, splits one topic into several;
//   - kafka.sampling.deterministic samples by a hash of the key (or of the
//     record's coordinates) so that a replay samples the same records.
//
// [ConfigDef] documents each key; docs/kafkasink.md lists them all.
//
// # Filters
//
// Conditions are Jayway JSONPath, as kakao's connector evaluates them with
// Jayway 2.6.0: a record is forwarded when
// !JsonPath.read(value, condition).toString().equals("[]"), and dropped
// where Jayway throws. The engine reproduces Jayway's compiler and
// evaluator, quirks included, and a differential test compares it with
// Jayway itself on tens of thousands of generated conditions and documents;
// docs/compat/jsonpath.md describes the semantics and lists every
// difference:
//
//   - a filter on an object tests the object itself, on an array each
//     element (the record is forwarded when one matches); $.[ is $[;
//     filters combine with deep scans, wildcards, slices, unions and other
//     filters ($..[?(@.eventType == 'click')]);
//   - @.x alone tests that x is present, !@.x that it is absent, whatever
//     their value (false and null are present);
//   - == and != are loose between strings and numbers ('5' == 5); numbers
//     compare exactly, as Java's BigDecimal; lists and objects as Java's
//     equals;
//   - =~ /re/flags is a Java regular expression matched on the whole text,
//     with Java's flags; the functions are Jayway 2.6.0's (length(),
//     size(), min(), max(), avg(), stddev(), sum(), keys(), concat(),
//     append());
//   - in key and timestamp paths a leading @ means the root.
//
// Expressions are compiled once, when the connector is configured; an
// invalid one is a configuration error naming its key. So are the few
// Jayway accepts but could never evaluate, or that Go's RE2 cannot express
// (look-arounds, back-references, nested character classes).
//
// # The record path
//
// Values must reach the task as text: value.converter is StringConverter
// (as kakao requires) or ByteArrayConverter. Each value is parsed once, for
// every route, the key and the timestamp together, and only the parts of
// the document that the expressions read are built; the rest is checked and
// skipped. The record is forwarded byte for byte.
//
// # Bad input
//
// Nothing is dropped without a trace. A value that is not strict JSON
// (RFC 8259: kakao's json-smart also read single quotes and bare words), a
// value that is not valid UTF-8 or nests deeper than 1,000 levels (the
// converters' limit), and a value that is not text are bad records: with
// errors.tolerance=all they go to the dead-letter queue with the reason, and
// otherwise the task fails naming the record and forwards nothing after
// it. So is a record the destination refuses as too large (its
// max.message.bytes, or kafka.sink.max.request.size): since the broker
// refuses a whole batch, each record of a refused batch is read again and
// sent in a batch of its own, and only one refused alone is a bad record.
// As kakao does, a matching record whose key path is missing or null is
// forwarded without a key, and one whose timestamp is missing or does not
// parse gets the current time; kafka.key.behavior.on.missing=fail and
// kafka.timestamp.behavior.on.invalid=fail make them bad records instead.
// Tombstones are skipped, as kakao did, or forwarded
// (kafka.behavior.on.null.values=forward).
//
// # Delivery
//
// By default delivery is at least once: the destination producer is
// idempotent with acks=all, and [Task.PreCommit] lets the runtime commit
// only offsets whose records were all acknowledged, filtered out or sampled
// away. A failed delivery makes the partition read again from the record
// that failed; after three failures of the same record, or at once for an
// error retrying cannot fix (authorization), the task fails.
//
// With kafka.exactly.once.enabled=true the task writes in Kafka
// transactions, with the transactional.id <prefix>-<task>, committed at
// every offset commit. The consumed offsets travel in the same transaction:
// to the consumer group (kafka.exactly.once.offsets=group, when the
// destination is the source cluster), or to a compacted topic on the
// destination (destination), from which they are restored when partitions
// are assigned. read_committed consumers of the destination then see each
// record once, even when a task is killed mid-transaction. In destination
// mode the consumer group's own offsets are not committed, and several
// processes running the same connector need different
// kafka.exactly.once.transactional.id.prefix values.
package kafkasink
