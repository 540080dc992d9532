// Package partitioner decides in which directory an object-store sink writes
// each record, as the partitioners of Confluent's storage connectors (S3,
// GCS, Azure Blob, HDFS) do, so that a Go sink given a Confluent
// configuration writes its objects where the Java one would.
//
// A sink builds one [Partitioner] from its connector configuration with
// [New], which reads only the partitioner's settings ([ConfigDef]) and
// ignores the rest. For each record it calls [Partitioner.Encode] and
// writes the record under
//
//	<topics.dir>/<Path(topic, encoded)>/<object name>
//
// where [Partitioner.Path] is "<topic><directory.delim><encoded>" for every
// partitioner, as Confluent's generatePartitionedPath. Partitioners are safe
// for concurrent use.
//
// # Partitioners
//
// partitioner.class takes Confluent's class names
// (io.confluent.connect.storage.partitioner.DefaultPartitioner, see
// [DefaultPartitionerClass]) or their simple names:
//
//   - DefaultPartitioner (the default) keeps Kafka's partitioning:
//     partition=3.
//   - FieldPartitioner writes <field>=<value> for each field of
//     partition.field.name, joined by directory.delim: region=eu/tier=gold.
//     A dotted name reads a nested field. Integers, strings and booleans are
//     printed as Java prints them, and null as "null".
//   - TimeBasedPartitioner cuts time into buckets of partition.duration.ms
//     in timezone and names each bucket by path.format printed for its start:
//     year=2024/month=02/day=29/hour=13.
//   - DailyPartitioner and HourlyPartitioner are TimeBasedPartitioner with a
//     duration of a day or an hour and path.format
//     'year'=YYYY/'month'=MM/'day'=dd (and /'hour'=HH), built with
//     directory.delim in place of "/". They ignore partition.duration.ms and
//     path.format, and still need locale and timezone, as in Confluent.
//
// The time-based partitioners also implement [TimeBased], which a sink uses
// for rotate.interval.ms.
//
// # Record time
//
// timestamp.extractor chooses the time the time-based partitioners use:
//
//   - Wallclock (the default): the now the sink passes to Encode. A sink
//     reads its clock once per batch, so that a batch lands in one bucket.
//   - Record: the Kafka record's timestamp. A record without one is a
//     [connect.DataError].
//   - RecordField: the value field named by timestamp.field, dotted for
//     nested fields, in a [connect.Struct] or a schemaless map. It may hold
//     epoch milliseconds (any integer, or a string of up to 19 digits), an
//     ISO-8601 date-time string as Joda-Time's ISODateTimeFormat parses it,
//     or a time.Time of a Timestamp or Date field.
//
// Confluent's class names for the extractors work too
// ([WallclockExtractorClass]).
//
// # Buckets and daylight saving time
//
// A record's bucket is computed exactly as Confluent's
// TimeBasedPartitioner.getPartition does: the timestamp is moved to local
// time in timezone, rounded down to a multiple of partition.duration.ms
// counted from 1970-01-01T00:00 local time (toward zero, as Java divides, so
// instants before 1970 round up), and moved back with Joda-Time's
// convertLocalToUTC(local, false). Across daylight saving changes this keeps
// Confluent's results: both occurrences of the hour repeated in autumn share
// one bucket, and a bucket whose local start was skipped in spring (midnight,
// in zones that change at midnight) starts as much later as the clocks
// jumped. Golden vectors recorded from Joda-Time cover these cases in zones
// on both sides of Greenwich, with whole- and half-hour changes.
//
// # Joda-Time patterns
//
// path.format is a Joda-Time DateTimeFormat pattern, not a Go layout and not
// a java.time pattern. This package compiles it as Joda 2.13.1 does (the
// version Confluent's storage-common pins) and accepts every letter Joda
// does: G era, C century of era, Y year of era, y year, x week-based year,
// M month (MMM and MMMM names), d day of month, D day of year, w week of
// week-based year, e and E day of week (number, name), a half-day, h, H, k
// and K hours, m, s, S fraction of second, z zone name, Z offset (+0100), ZZ
// offset (+01:00), ZZZ zone ID; text in single quotes is printed as it is,
// and two quotes print one. Note that Joda's YYYY is the year of era, which
// equals yyyy after year 0, and that the ISO week-based year is xxxx, not
// java.time's YYYY. Any other letter is a configuration error naming
// path.format, as Joda rejects it.
//
// Names depend on locale, which Confluent reads with Java's
// new Locale(value). Only "en" gives English names (February, Thursday, AD).
// A value such as "en_US" or "en-US" - the form Confluent's docs suggest -
// is not a language to Java, which then falls back to its root locale; since
// Java 9 its long names are abbreviations (Feb, Thu, CE), and this package
// prints those too. Other languages are refused when path.format prints names, and
// accepted when it prints only numbers, as the usual patterns do.
//
// # Where this package differs from Confluent
//
// It mirrors Confluent's output, and refuses what it cannot mirror at
// configuration time rather than writing objects to other places:
//
//   - FieldPartitioner also reads schemaless maps, such as JSON without
//     schemas (Confluent's long-standing storage-common issue 32). A field
//     missing from the map is a [connect.DataError]; one holding null is
//     printed as null.
//   - A missing field, an intermediate field that is not a struct, or a
//     value of a type that cannot partition (floating point, bytes, Date,
//     Timestamp, Decimal, arrays) is a [connect.DataError] naming the
//     record (topic-partition@offset) and the setting, which sinks send to
//     the dead-letter queue. Confluent does not name the record, and fails the task
//     with a NullPointerException or ClassCastException on some of these (a
//     missing nested field, a Date or Timestamp field).
//   - RecordField also reads Date fields and any integer type, and refuses
//     NaN and infinite numbers instead of turning them into 0 or the ends
//     of time. A date-time string without an offset is read in UTC, where
//     Confluent uses the worker JVM's default zone (UTC on most
//     deployments).
//   - partition.duration.ms of 0 and a blank timestamp.field for
//     RecordField are refused at configuration, where Confluent fails on
//     the first record (dividing by zero, or looking up an empty field).
//     Custom partitioner or extractor classes cannot be loaded.
//   - z and zzzz print names from Java's locale data; they are supported for
//     UTC and fixed offsets only. ZZZ prints the timezone as configured,
//     where Joda prints the zone a link points to (US/Eastern prints
//     America/New_York in Joda). timezone offsets with milliseconds are
//     refused.
//   - Time zone rules come from the system's tz database (see
//     [LoadLocation]), Joda's from its own copy; they agree except for rules
//     changed between the two releases.
package partitioner
