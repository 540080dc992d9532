// Package s3sink is a sink connector that writes Kafka records to Amazon S3
// or an S3-compatible store: the Go counterpart of Confluent's S3 sink
// (io.confluent.connect.s3.S3SinkConnector). It reads the same
// configuration files, under the same keys and defaults, and writes the
// same objects under the same names, without the bugs listed below.
//
// # Objects
//
// Each Kafka partition's records are written into objects, one per
// encoded partition of the [partitioner] (partitioner.class), named as
// Confluent names them:
//
//	<topics.dir>/<topic>/<encoded partition>/<topic>+<partition>+<start offset><extension>
//	topics/orders/partition=0/orders+0+0000000000.json
//
// where the start offset is the offset of the object's first record,
// zero-padded to filename.offset.zero.pad.width digits, the delimiters are
// directory.delim and file.delim, and the extension is the format's (.json,
// or format.bytearray.extension) followed by .gz under
// s3.compression.type=gzip. An empty topics.dir leaves out the first
// directory.
//
// format.class selects JsonFormat (one JSON value per line, as Kafka
// Connect's JsonConverter writes it without a schema: a String is a quoted
// JSON string, bytes are base64) or ByteArrayFormat (each value's bytes
// followed by format.bytearray.separator, a newline by default). A
// [Format] is a small interface, so that other formats plug in ([WithFormat]).
//
// # Keys, headers and tombstones
//
// With store.kafka.keys and store.kafka.headers, each value object has
// siblings that hold, line for line, the keys and the headers of its
// records, named as Confluent names them: the value extension gives way to
// .keys or .headers and the extension of keys.format.class or
// headers.format.class, then .gz under gzip:
//
//	topics/orders/partition=0/orders+0+0000000000.json
//	topics/orders/partition=0/orders+0+0000000000.keys.json
//	topics/orders/partition=0/orders+0+0000000000.headers.json
//
// Keys are written by JsonFormat or ByteArrayFormat, headers by JsonFormat
// only, in Confluent's envelope, {"headers":[{"key":"k","value":"v"}]}, each
// value as text as Kafka's Values.convertToString writes it. A value object
// and its siblings share their start offset, rotation and commit: the
// offset moves past them only once all of them are in S3, and a failed
// upload of any one discards and rewrites them all. A record with a null
// key (under store.kafka.keys) or without headers (under
// store.kafka.headers) is a bad record, and so is a key its format cannot
// write; this is checked before anything of the record is written, so the
// objects stay aligned.
//
// behavior.on.null.values=write, which needs store.kafka.keys, writes
// tombstones: their keys (and headers) go to objects under the encoded
// partition tombstone.encoded.partition instead of the partitioner's,
// topics/orders/tombstone/orders+0+0000000004.keys.json, with no value
// object. As in Confluent's connector, a switch between tombstones and other
// records within one encoded partition commits the open objects, and
// moving into or out of the tombstone directory does not count as a change
// of partition for rotate.file.on.partition.change.
//
// # Rotation
//
// A Kafka partition's open objects are committed together, as in
// Confluent's connector, when one of these rules fires:
//
//   - flush.size records of the partition have been written (across all
//     its open objects: it is not a size per object);
//   - rotate.interval.ms, with a time-based partitioner only (as in
//     Confluent's connector, the key is ignored with a warning otherwise):
//     a record's time, as the partitioner's timestamp.extractor gives it,
//     is that long after the time of the first record of the open objects,
//     or, with rotate.file.on.partition.change, a record's encoded
//     partition differs from the previous one's;
//   - rotate.schedule.interval.ms: the wall clock passed the next multiple
//     of the interval counted from midnight in timezone;
//   - a record's value schema differs from its object's
//     (schema.compatibility=NONE).
//
// The record that triggers a rotation goes into the next objects. Rules of
// time are also checked in PreCommit, which the runtime calls every
// offset.flush.interval.ms, so that objects are committed without waiting
// for a record; the uploads done there must fit in offset.flush.timeout.ms.
// A partition counts as idle for rotate.interval.ms by the clock; as long as
// record times follow their arrival, that draws the boundary the
// record-time rule would draw at the next record, so restarts still write
// the same objects.
//
// # Delivery
//
// The task implements [connect.PreCommitter]: the runtime commits, per
// partition, only the offset before which every record is in an object
// completely uploaded to S3 (or was deliberately skipped), never past the
// start of an object still open. After a crash or a rebalance the next
// owner reads again from there and, when object boundaries are
// deterministic (they are unless rotate.schedule.interval.ms or the
// Wallclock timestamp extractor is used), writes objects of the same names
// with the same records.
//
// Objects are created with If-None-Match: * (on PutObject and
// CompleteMultipartUpload), so an object is never overwritten, not even by
// a task that lost its partitions and does not know it yet. A 412
// Precondition Failed means that an object of that name exists; since the
// name fixes the records, it was written from the same records by an
// earlier owner, or by our own earlier attempt whose answer was lost, so
// the connector counts it as written and moves on. When boundaries depend
// on the clock that reasoning does not hold: objects are then overwritten,
// as Confluent's connector did before its conditional writes, and a
// restart may leave some records in two objects, but never loses one.
// enable.conditional.writes=false turns the header off for stores that
// refuse it. Keys and headers objects are written conditionally too (not so
// in Confluent's connector): their names and lines follow from the same
// records as their value object's.
//
// Just before it completes an object (PutObject or
// CompleteMultipartUpload), the task checks that its Kafka partition is
// still in the task's assignment ([connect.SinkTaskContext.Assignment]). If
// not, it aborts the upload, forgets the partition's open objects, and
// ignores its records until Open gives it back: they are the new owner's.
// This catches a revocation the runtime has learned of while objects were
// being uploaded. It cannot catch what the runtime does not know: a process
// whose group membership expired (a long pause, a network partition,
// max.poll.interval.ms exceeded) but that has not polled since still
// believes it holds its partitions, and may complete an object after the
// new owner started. With deterministic boundaries conditional writes make
// that late write harmless: the object of that name holds the same
// records, whoever writes it first. With boundaries that depend on the
// clock they are off, and such a late object may replace the new owner's
// object of the same name, whose records may differ (Confluent issues 800
// and 253); deterministic rotation is the remedy.
//
// # Uploads
//
// An object is encoded as its records arrive. Whenever it holds
// s3.part.size bytes, that part is uploaded (a multipart upload is created
// for the first), so an open object holds only what is not yet uploaded;
// an object still smaller than one part when it is committed is written
// with a single PutObject. Uploads of different objects run in parallel, up
// to s3.upload.concurrency at once, and end before Put or PreCommit
// returns.
//
// Every S3 request has a deadline, s3.request.timeout.ms, so a store that
// stops answering costs bounded time. Throttling (503 SlowDown), other 5xx
// answers, requests cut off by that deadline and broken connections are
// retried s3.part.retries times with exponential backoff from
// s3.retry.backoff.ms; each retry is logged with the operation, the object
// key, the attempt number, the HTTP status, S3's error code and the error,
// and so is giving up. Beyond that the partitions concerned lose their
// unfinished objects, whose multipart uploads are aborted, are rewound to
// the start of the first ([connect.SinkTaskContext.Offset]), and Put
// returns a [connect.Retriable] error with retry.backoff.ms as backoff: the
// runtime retries the batch until the uploads succeed (or for at most a
// positive errors.retry.timeout), without duplicating or losing records.
// Any multipart upload that is not
// completed is aborted: on failure, on Close for the revoked partitions
// only, and on Stop. After a crash of the process itself, the task that
// takes a partition next aborts, in Open, the incomplete uploads under the
// names of that partition's objects (found with ListMultipartUploads):
// names are deterministic, so nothing of value is lost. A bucket lifecycle rule AbortIncompleteMultipartUpload remains a
// good fallback, for a partition no task takes again.
//
// Start checks the bucket with HeadBucket, so that a missing bucket, a
// wrong region or credentials that cannot use it fail the task at once,
// with a message that names the setting to fix. Credentials are
// aws.access.key.id and aws.secret.access.key when both are set, else the
// default AWS credential chain; store.url points the client at MinIO, Ceph
// or another S3-compatible store.
//
// # Bad records
//
// A record the partitioner or the format cannot handle, such as a value
// that is not bytes under ByteArrayFormat, a null value under
// behavior.on.null.values=fail, and a null key or missing headers when they
// are stored, is returned in a [*connect.BatchError]:
// errors.tolerance decides between failing the task, naming the record, and
// the dead-letter queue. Under errors.tolerance=all the other records go
// on; under none Put stops at the bad record, so that nothing after it
// reaches S3, and the runtime commits the records before it. With
// behavior.on.null.values=ignore null values are skipped, and also sent to
// the dead-letter queue under errors.tolerance=all and
// report.null.values.to.dlq.
//
// # Differences from Confluent's connector
//
// Bugs of Confluent's connector that this one does not have:
//
//   - rotate.interval.ms fires only when a new record arrives (issue 144):
//     here a partition that has received no record for rotate.interval.ms
//     is committed by PreCommit, and so is a schedule that is due.
//   - Close on a rebalance discards the writers of every partition, not
//     only the revoked ones (PRs 794, 950): here only the revoked
//     partitions' objects are discarded.
//   - A failed CompleteMultipartUpload, and the writers replaced after a
//     retriable error, leave multipart uploads behind: here every upload
//     not completed is aborted.
//   - Each open object allocates a whole s3.part.size buffer up front
//     (issues 29, 177, 454): here memory follows the data not yet uploaded.
//   - Uploads are serial (PR 231): here objects upload in parallel.
//   - A task that lost its partition can overwrite a newer object with less
//     data (issues 800, 253): with deterministic boundaries, conditional
//     writes prevent it, and the fence before completing narrows the window
//     otherwise (see Delivery).
//   - A key or headers the format cannot write fail the record after its
//     value is written, leaving the objects misaligned, and a null header
//     value is such a failure: here every check comes before the first
//     write, and a null header value is written as "value":null.
//   - Any object whose name contains tombstone.encoded.partition
//     ("tombstone" by default, so also a topic named "user-tombstones")
//     gets no value writer, and its records are refused: here only
//     tombstones go without a value object.
//   - s3.part.retries counts attempts although its documentation says
//     retries: here it counts retries.
//
// Not supported yet, and refused with a clear message: Avro and Parquet,
// for values, keys and headers (the default of keys.format.class and
// headers.format.class is AvroFormat, so storing keys or headers needs
// them set), schema.compatibility other than NONE
// (schema projection), s3.object.tagging, s3.proxy.url (HTTPS_PROXY works)
// and the schema name in paths (s3.schema.partition.affix.type).
// s3.credentials.provider.class accepts only the default chain.
// s3.http.send.expect.continue and the s3.elastic.buffer settings are
// accepted and have no effect.
package s3sink
