// Package clientconfig translates the Java Kafka client settings of Kafka
// Connect configuration files into librdkafka properties.
//
// Kafka Connect users configure the clients of their connectors with Java
// client settings: consumer.*, producer.* and admin.* in the worker file,
// consumer.override.* and producer.override.* per connector. The runtime
// builds librdkafka clients through confluent-kafka-go, so [Map] turns the
// settings of one client, with the prefix removed, into a map to copy into a
// kafka.ConfigMap:
//
//	res, err := clientconfig.Map(clientconfig.Consumer, props)
//	for _, w := range res.Warnings {
//		logger.Warn("client setting", "key", w.Key, "detail", w.Message)
//	}
//	if err != nil {
//		return err // a *MapError naming every unusable setting
//	}
//
// # What happens to a setting
//
// Every setting gets one of these treatments, and none is dropped silently:
//
//   - Settings librdkafka reads under the same name with the same meaning
//     pass through: bootstrap.servers, fetch.min.bytes, acks, and every
//     librdkafka property that has no Java twin.
//   - Settings with another name or unit are converted: fetch.max.wait.ms
//     becomes fetch.wait.max.ms, buffer.memory becomes
//     queue.buffering.max.kbytes, PlainLoginModule credentials in
//     sasl.jaas.config become sasl.username and sasl.password.
//   - Java-only tuning (serializers, interceptors, metric reporters) is
//     dropped with a [Warning].
//   - Settings whose loss would change what the client does or how safely it
//     does it are errors: JKS truststores and keystores, login modules
//     librdkafka lacks, custom partitioners and assignors, Java cipher suite
//     names. So are unknown names and the settings the runtime owns
//     ([Reserved]).
//
// Where a name means different things to Java and to librdkafka
// (metadata.max.age.ms, request.timeout.ms), the Java meaning wins. ssl.*
// settings without TLS and sasl.* settings without SASL are ignored with a
// warning, as Java clients ignore them. Messages name each setting by the
// key the user wrote and never repeat a secret.
//
// [Rules] lists every special case and [WriteTable] renders them as the
// Markdown table kept in mapping.md.
//
// # Defaults
//
// Map adds one setting the user did not write: producers get
// partitioner=murmur2_random, Java's key hash, so that keyed records land on
// the same partitions as with Java clients; librdkafka's default hashes with
// CRC32. Other defaults differ too and are left to the runtime:
// enable.idempotence (Java true, librdkafka false), isolation.level (Java
// read_uncommitted, librdkafka read_committed), allow.auto.create.topics
// (Java true for consumers, librdkafka false), check.crcs (Java true,
// librdkafka false), partition.assignment.strategy (Java range then
// cooperative-sticky, librdkafka range then roundrobin) and
// socket.timeout.ms (Java's request.timeout.ms is 30 s, librdkafka's socket
// timeout 60 s).
//
// # The librdkafka version
//
// The property table is that of librdkafka 2.11.1, the version
// confluent-kafka-go v2.11.1 bundles, and the tests build real clients from
// mapped configurations to prove librdkafka accepts them. The bundled
// librdkafka has no GSSAPI (Kerberos), so sasl.mechanism=GSSAPI is an error.
package clientconfig
