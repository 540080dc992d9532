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
// Jayway 2.6: a record is forwarded when JsonPath.read(value, condition)
// is not empty. This package gives the same answers, checked against a
// golden table that Jayway itself computed (testdata/jayway):
//
//   - a filter on an object tests the object itself, on an array each
//     element (the record is forwarded when one matches), and a primitive
//     never matches; $.[ is $[;
//   - @.x alone tests that x is present, !@.x that it is absent, whatever
//     their value (false and null are present);
//   - == and != are loose between strings and numbers ('5' == 5), and
//     decided by the left side as in Jayway; <, <=, >, >= compare two
//     numbers or two strings, and nothing else;
//   - =~ /re/flags matches the whole text; in, nin, contains, subsetof,
//     anyof, noneof, size, empty, ===, !==, &&, || and ! work as in Jayway;
//   - a missing property makes its comparison false (and != true), never an
//     error;
//   - in key and timestamp paths a leading @ means the root.
//
// Expressions are compiled once, when the connector is configured; an
// invalid one is a configuration error naming its key. Paths of names and
// indexes are followed directly; those with wildcards, deep scans, slices or
// unions are evaluated by github.com/PaesslerAG/jsonpath after the syntax
// rewrites it needs. A filter cannot be combined with those, and only one
// filter per expression is supported. Regular expressions use Go's RE2
// syntax, which lacks Java's look-arounds and back-references.
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
// value that is not text, a matching record whose key path is missing or
// null (kafka.key.behavior.on.missing=fail, the default), and a matching
// record whose timestamp is missing or does not parse
// (kafka.timestamp.behavior.on.invalid=fail) are bad records: with
// errors.tolerance=all they go to the dead-letter queue with the reason, and
// otherwise the task fails naming the record and forwards nothing after
// it. So is a record the destination refuses as too large (its
// max.message.bytes, or kafka.sink.max.request.size): since the broker
// refuses a whole batch, each record of a refused batch is read again and
// sent in a batch of its own, and only one refused alone is a bad record.
// Tombstones are skipped, as
// kakao did, or forwarded (kafka.behavior.on.null.values=forward).
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
