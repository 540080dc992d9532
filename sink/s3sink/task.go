package s3sink

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/partitioner"
)

// Task writes the records of its partitions to S3 objects. Build it with
// [NewTask] or [Connector.NewTask]. The runtime calls its methods from one
// goroutine; uploads run on goroutines of their own, which end before the
// method that started them returns.
type Task struct {
	o *options

	s         *settings
	log       *slog.Logger
	tc        connect.SinkTaskContext
	client    Client
	up        *uploader
	part      partitioner.Partitioner
	timeBased partitioner.TimeBased // nil for the other partitioners
	format    Format
	ext       string

	// keys and headers encode the lines of the keys and headers objects
	// (nil unless store.kafka.keys or store.kafka.headers); keyLine and
	// headerLine hold the current record's.
	keys                lineEncoder
	headers             *jsonFormat
	keysExt, headersExt string
	keyLine, headerLine []byte

	parts        map[connect.TopicPartition]*partitionState
	pendingBytes int                   // cut parts and sealed tails not yet uploaded
	unreported   []connect.RecordError // bad records seen by a Put that then failed retriably
	// permanent is an upload error retrying cannot fix (access denied, a
	// bad request): it fails the task instead of rewinding forever.
	permanent error

	// s3.buffer.memory.bytes: the process's shared budget (nil for none),
	// what this task last told it it holds, the bytes written so far, and
	// how many had been written at the last look.
	mem                *memoryBudget
	published          int64
	written, checkedAt int
}

var (
	_ connect.SinkTask        = (*Task)(nil)
	_ connect.PreCommitter    = (*Task)(nil)
	_ connect.PartitionOpener = (*Task)(nil)
	_ connect.PartitionCloser = (*Task)(nil)
)

// NewTask returns an unstarted task.
func NewTask(opts ...Option) *Task { return &Task{o: newOptions(opts)} }

// cleanupTimeout bounds the aborts done on a context that is already
// cancelled.
const cleanupTimeout = 10 * time.Second

// Start parses the configuration, builds the S3 client (unless one was
// given with [WithClient]) and checks that the bucket exists and that the
// credentials may use it, so that a mistake fails the task at once.
func (t *Task) Start(ctx context.Context, config map[string]string, tc connect.SinkTaskContext) error {
	if t.o == nil {
		t.o = newOptions(nil)
	}
	cfg, err := configDef(t.o.formats).Parse(config)
	if err != nil {
		return fmt.Errorf("s3sink: %w", err)
	}
	if t.s, err = newSettings(cfg); err != nil {
		return fmt.Errorf("s3sink: %w", err)
	}
	// Without WithLogger, log where the runtime logs, as the runtime's task.
	t.log = connect.LoggerOf(tc)
	if t.o.logger != nil {
		t.log = t.o.logger
		if name := config["name"]; name != "" {
			t.log = t.log.With("connector", name)
		}
	}
	t.tc = tc
	if t.part, err = partitioner.New(config); err != nil {
		return fmt.Errorf("s3sink: %w", err)
	}
	t.timeBased, _ = t.part.(partitioner.TimeBased)
	if t.s.rotateInterval > 0 && t.timeBased == nil {
		// Confluent's connector has no record time without a time-based
		// partitioner and ignores the key; so do we, so that an unchanged
		// file draws the same objects.
		t.log.Warn(RotateIntervalConfig+" is ignored: it needs a time-based partitioner, as in Confluent's connector; "+
			"use "+RotateScheduleConfig+" or "+FlushSizeConfig+" to bound objects", "partitioner", config["partitioner.class"])
		t.s.rotateInterval = 0
	}
	if t.format, err = t.o.formats[cfg.Class(FormatClassConfig)](cfg); err != nil {
		return fmt.Errorf("s3sink: %s: %w", FormatClassConfig, err)
	}
	t.ext = t.format.Extension() + t.compressionExt()
	if t.s.storeKeys {
		if t.keys, err = newLineEncoder(cfg.Class(KeysFormatClassConfig), cfg); err != nil {
			return fmt.Errorf("s3sink: %s: %w", KeysFormatClassConfig, err)
		}
		t.keysExt = ".keys" + t.keys.Extension() + t.compressionExt()
	}
	if t.s.storeHeaders {
		// JsonFormat is the only headers format the configuration accepts.
		if t.headers, err = newJSONFormat(cfg.String(JSONDecimalFormatConfig)); err != nil {
			return fmt.Errorf("s3sink: %s: %w", HeadersFormatClassConfig, err)
		}
		t.headersExt = ".headers" + t.headers.Extension() + t.compressionExt()
	}
	if t.client = t.o.client; t.client == nil {
		c, err := newClient(ctx, t.s, t.log)
		if err != nil {
			return err
		}
		t.client = c
	}
	deterministic := t.s.rotateSchedule == 0 && !(t.timeBased != nil && t.s.wallclock)
	if !deterministic {
		t.log.Warn("object boundaries depend on the clock (rotate.schedule.interval.ms or the Wallclock timestamp extractor): " +
			"after a restart some records may be written again into other objects, and objects are overwritten rather than written conditionally")
	}
	// Unlike Confluent's connector, which turns conditional writes off when
	// keys or headers are stored, they stay on for the keys and headers
	// objects: their names, like the value object's, follow from the start
	// offset, and their lines from the same records, so an existing object
	// of that name holds what we would write and a 412 is as safe to
	// accept as for a value object.
	t.up = &uploader{
		client:      t.client,
		bucket:      t.s.bucket,
		retry:       &retrier{retries: t.s.partRetries, backoff: t.s.retryBackoff, timeout: t.s.requestTimeout, clock: t.o.clock, log: t.log},
		conditional: t.s.conditional && deterministic,
		sse:         t.s.sse,
		acl:         t.s.cannedACL,
		digest:      t.s.sendDigest,
		log:         t.log,
	}
	t.parts = map[connect.TopicPartition]*partitionState{}
	t.mem = sharedBudget(t.s.bufferMemory)
	return t.checkBucket(ctx)
}

// checkBucket fails with a message that says what to fix when the bucket
// is missing or the credentials cannot use it.
func (t *Task) checkBucket(ctx context.Context) error {
	err := t.up.retry.do(ctx, "HeadBucket", "", func(ctx context.Context) error {
		_, err := t.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &t.s.bucket})
		return err
	})
	if err == nil {
		return nil
	}
	b := t.s.bucket
	switch code := errorCode(err); {
	case httpStatus(err) == 404 || code == "NoSuchBucket" || code == "NotFound":
		return fmt.Errorf("s3sink: bucket %q does not exist (%s): %w", b, BucketConfig, err)
	case httpStatus(err) == 403 || code == "AccessDenied" || code == "Forbidden" ||
		code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch":
		return fmt.Errorf("s3sink: access to bucket %q denied: check the credentials (%s and %s, or the default AWS "+
			"credential chain) and that they allow s3:ListBucket on it: %w", b, AccessKeyIDConfig, SecretAccessKeyConfig, err)
	case httpStatus(err) == 301 || code == "PermanentRedirect":
		return fmt.Errorf("s3sink: bucket %q is not in region %q (%s): %w", b, t.s.region, RegionConfig, err)
	}
	return fmt.Errorf("s3sink: check bucket %q: %w", b, err)
}

// Open prepares newly assigned partitions. Their writing starts from
// whatever offset the runtime delivers first, the committed one. The
// incomplete multipart uploads an earlier owner left under their objects'
// names (a process killed mid-upload, say) are aborted: names are
// deterministic, so the objects are written again from the committed
// offset and nothing of value is lost.
func (t *Task) Open(ctx context.Context, partitions []connect.TopicPartition) error {
	for _, tp := range partitions {
		if old := t.parts[tp]; old != nil {
			t.abortAll(ctx, old)
		}
		p := newPartitionState(tp)
		p.opened = true
		t.parts[tp] = p
	}
	t.abortLeftovers(ctx, partitions)
	return nil
}

// abortLeftovers aborts the incomplete multipart uploads of the given
// partitions' objects: those under the topic's directory whose name is
// <topic><file.delim><partition><file.delim><offset>..., found in one
// listing of the bucket's incomplete uploads. It assumes, as
// the object names already do, that one connector writes a topic under a
// bucket's topics.dir. Failures are logged; a bucket lifecycle rule
// (AbortIncompleteMultipartUpload) is the fallback.
func (t *Task) abortLeftovers(ctx context.Context, partitions []connect.TopicPartition) {
	if t.up == nil || len(partitions) == 0 {
		return
	}
	ctx, cancel := cleanupContext(ctx)
	defer cancel()
	byTopic := map[string][]int32{}
	for _, tp := range partitions {
		byTopic[tp.Topic] = append(byTopic[tp.Topic], tp.Partition)
	}
	// The whole bucket's uploads, filtered here: MinIO lists uploads only
	// for an exact object name or for the whole bucket, not under a prefix.
	uploads, err := t.up.listUploads(ctx, "")
	if err != nil {
		t.log.Warn("could not look for incomplete multipart uploads left by an earlier owner", "err", err)
	}
	for topic, parts := range byTopic {
		prefix := t.part.Path(topic, "")
		if t.s.topicsDir != "" {
			prefix = t.s.topicsDir + t.s.dirDelim + prefix
		}
		for _, u := range uploads {
			if !strings.HasPrefix(u.key, prefix) {
				continue
			}
			name := u.key[strings.LastIndex(u.key, t.s.dirDelim)+len(t.s.dirDelim):]
			if !slices.ContainsFunc(parts, func(p int32) bool { return t.isObjectOf(name, topic, p) }) {
				continue
			}
			if t.up.abortUpload(ctx, u.key, u.id) {
				t.log.Info("aborted an incomplete multipart upload left by an earlier owner of the partition", "key", u.key, "upload_id", u.id)
			}
		}
	}
}

// isObjectOf reports whether an object name (without its directory) is one
// this connector gives to an object of topic's partition.
func (t *Task) isObjectOf(name, topic string, partition int32) bool {
	rest, ok := strings.CutPrefix(name, topic+t.s.fileDelim+strconv.FormatInt(int64(partition), 10)+t.s.fileDelim)
	return ok && rest != "" && rest[0] >= '0' && rest[0] <= '9'
}

// Close discards the open objects of the given partitions only, aborting
// their multipart uploads; the partitions the task keeps go on untouched.
// Objects are not committed early: their boundaries would no longer be the
// ones a restart draws, so the next owner rewrites them from the committed
// offset instead.
func (t *Task) Close(ctx context.Context, partitions []connect.TopicPartition) error {
	for _, tp := range partitions {
		if p := t.parts[tp]; p != nil {
			t.abortAll(ctx, p)
			delete(t.parts, tp)
		}
	}
	t.publishHeld()
	return nil
}

// Stop aborts the multipart uploads of every object still open.
func (t *Task) Stop(ctx context.Context) error {
	for tp, p := range t.parts {
		t.abortAll(ctx, p)
		delete(t.parts, tp)
	}
	t.releaseMemory()
	return nil
}

func (t *Task) abortAll(ctx context.Context, p *partitionState) {
	if t.up == nil {
		return
	}
	ctx, cancel := cleanupContext(ctx)
	defer cancel()
	for _, o := range p.objects() {
		t.up.abort(ctx, o)
	}
}

// cleanupContext returns ctx, or when ctx is already done a detached
// context with a short timeout, so that uploads are aborted even at a hard
// shutdown.
func cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx.Err() == nil {
		return ctx, func() {}
	}
	return context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
}

// Put writes the records into their objects, rotates objects by flush.size,
// record time, schedule and schema, and uploads what is ready. A record the
// partitioner or the format cannot handle, or a null value under
// behavior.on.null.values=fail, is named in a [*connect.BatchError] and the
// others go on. When uploads fail after s3.part.retries retries, the
// partitions concerned lose their unfinished objects, are rewound to the
// start of the first one, and Put returns a [connect.Retriable] error; a
// retry of the same batch skips what was already written.
// Under errors.tolerance=none Put stops at the first bad record: the
// records after it are not written.
func (t *Task) Put(ctx context.Context, records []connect.SinkRecord) error {
	now := t.o.clock.Now()
	var failed error
	for _, p := range t.parts {
		// The runtime applied any rewind asked for earlier before this
		// call, whether that Put failed or not: this batch starts there.
		p.rewinding = false
	}
	var bad []connect.RecordError
	for i := range records {
		rec := &records[i]
		p := t.parts[rec.TopicPartition()]
		if p == nil {
			// Open always comes first under the runtime; a caller
			// driving the task by hand may skip it.
			p = newPartitionState(rec.TopicPartition())
			t.parts[p.tp] = p
		}
		if p.fenced || p.rewinding || p.next >= 0 && rec.Offset < p.next {
			continue // no longer ours, to be read again, or already written by an earlier attempt of this batch
		}
		if err := t.write(p, rec, now); err != nil {
			var de *connect.DataError
			if !errors.As(err, &de) {
				return err
			}
			bad = append(bad, connect.RecordError{Record: rec, Err: err})
			if !t.s.tolerateAll {
				// errors.tolerance=none fails the task at this record:
				// nothing after it may reach S3. What came before is
				// uploaded as usual and committed by the runtime.
				break
			}
		}
		p.next = rec.Offset + 1
		if t.pendingBytes >= t.s.concurrency*t.s.partSize {
			if err := t.uploadAll(ctx); err != nil && failed == nil {
				failed = err
			}
		}
		if err := t.keepWithinBudget(ctx); err != nil && failed == nil {
			failed = err
		}
	}
	if err := t.uploadAll(ctx); err != nil && failed == nil {
		failed = err
	}
	if failed != nil && t.permanent != nil {
		return fmt.Errorf("s3sink: upload failed and cannot succeed by retrying: %w", t.permanent)
	}
	if failed != nil {
		for _, re := range bad {
			if p := t.parts[re.Record.TopicPartition()]; p != nil && (p.fenced || p.rewinding && re.Record.Offset >= p.rewindTo) {
				continue // its next owner reads it again, or it comes back with the rewind
			}
			r := *re.Record // the batch is reused once Put returns
			t.unreported = append(t.unreported, connect.RecordError{Record: &r, Err: re.Err})
		}
		return &connect.RetriableError{Err: failed, Backoff: t.s.taskBackoff}
	}
	bad = append(t.unreported, bad...)
	t.unreported = nil
	bad = slices.DeleteFunc(bad, func(re connect.RecordError) bool {
		p := t.parts[re.Record.TopicPartition()]
		return p != nil && p.fenced // its next owner reads it again
	})
	if len(bad) > 0 {
		return &connect.BatchError{Errors: bad}
	}
	return nil
}

// write puts one record into its file (its value, keys and headers
// objects), rotating first if a rule says so. It returns a
// [*connect.DataError] for a record to be reported.
func (t *Task) write(p *partitionState, rec *connect.SinkRecord, now time.Time) error {
	tombstone := rec.Value == nil
	if tombstone && t.s.nullValues != "write" {
		if t.s.nullValues == "fail" {
			return &connect.DataError{Op: "s3sink", Err: errors.New("null value (behavior.on.null.values=fail; set it to ignore to skip such records)")}
		}
		if t.s.reportNulls && t.s.tolerateAll {
			return &connect.DataError{Op: "s3sink", Err: errors.New("null value skipped (behavior.on.null.values=ignore)")}
		}
		return nil
	}
	// As Confluent's TombstoneSupportedPartitioner and
	// TombstoneTimestampExtractor: tombstones have a directory of their
	// own, and the record's time, as they have no field to read one from.
	encoded := t.s.tombstonePartition
	var err error
	if !tombstone {
		if encoded, err = t.part.Encode(rec, now); err != nil {
			return asDataError("s3sink: partitioner", err)
		}
	}
	var ts time.Time
	switch {
	case t.s.rotateInterval == 0:
	case tombstone:
		ts = rec.Timestamp
	default: // rotateInterval > 0: the partitioner is time-based
		if ts, err = t.timeBased.Timestamp(rec, now); err != nil {
			return asDataError("s3sink: timestamp", err)
		}
	}
	if p.count > 0 && t.shouldRotate(p, rec, encoded, tombstone, ts, now) {
		if err := t.rotate(p, rec.Offset); err != nil {
			return err
		}
	}
	// The key and headers are checked and encoded before anything of the
	// record is written, so that the file's objects stay aligned line for
	// line when one of them refuses the record.
	if err := t.encodeKeyAndHeaders(rec); err != nil {
		return err
	}
	f := p.open[encoded]
	fresh := f == nil
	if fresh {
		f = t.newFile(rec, encoded, tombstone)
	}
	if f.value != nil {
		if err := f.value.w.Write(rec); err != nil {
			// A fresh file is dropped with the record; an existing one
			// holds nothing of it (RecordWriter's contract).
			return asDataError("s3sink: format", err)
		}
	}
	if f.keys != nil {
		f.keys.writeLine(t.keyLine)
	}
	if f.headers != nil {
		f.headers.writeLine(t.headerLine)
	}
	if fresh {
		p.open[encoded] = f
		for _, o := range [...]*object{f.value, f.keys, f.headers} {
			if o != nil {
				p.order = append(p.order, o)
			}
		}
	}
	if p.count == 0 {
		p.setStart = rec.Offset
		if t.s.rotateSchedule > 0 {
			p.nextSchedule = nextScheduledRotation(now, t.s.rotateSchedule, t.s.scheduleZone)
		}
	}
	if !ts.IsZero() && !p.hasBase {
		p.baseTime, p.hasBase = ts, true
	}
	p.count++
	p.lastEncoded = encoded
	p.lastArrival = now
	for _, o := range [...]*object{f.value, f.keys, f.headers} {
		if o != nil {
			t.pendingBytes += o.cut(t.s.partSize)
		}
	}
	if p.count >= t.s.flushSize {
		return t.rotate(p, rec.Offset+1)
	}
	return nil
}

// encodeKeyAndHeaders fills t.keyLine and t.headerLine with rec's lines,
// under store.kafka.keys and store.kafka.headers. As in Confluent's
// connector, a null key or a record without headers is a bad record.
func (t *Task) encodeKeyAndHeaders(rec *connect.SinkRecord) error {
	var err error
	if t.keys != nil {
		if rec.Key == nil {
			return &connect.DataError{Op: "s3sink", Err: errors.New("null key (store.kafka.keys=true writes every record's key)")}
		}
		if t.keyLine, err = t.keys.appendLine(t.keyLine[:0], "key", rec.Topic, rec.KeySchema, rec.Key); err != nil {
			return err
		}
	}
	if t.headers != nil {
		if len(rec.Headers) == 0 {
			return &connect.DataError{Op: "s3sink", Err: errors.New("no headers (store.kafka.headers=true writes every record's headers)")}
		}
		if t.headerLine, err = t.headers.appendHeaders(t.headerLine[:0], rec.Topic, rec.Headers); err != nil {
			return err
		}
	}
	return nil
}

// shouldRotate applies the rules that commit the open set before rec:
// record time (rotate.interval.ms, and with a time-based partitioner a
// change of encoded partition), the schedule, a schema change, and a switch
// between tombstones and other records in one encoded partition.
func (t *Task) shouldRotate(p *partitionState, rec *connect.SinkRecord, encoded string, tombstone bool, ts, now time.Time) bool {
	if t.s.rotateInterval > 0 {
		if p.hasBase && !ts.IsZero() && ts.Sub(p.baseTime) >= t.s.rotateInterval {
			return true
		}
		// As in Confluent's connector, moving into or out of the
		// tombstone directory is no change of partition: rotating there
		// would make a small object of every run of tombstones.
		toOrFromTombstones := t.s.nullValues == "write" &&
			(encoded == t.s.tombstonePartition || p.lastEncoded == t.s.tombstonePartition)
		if t.s.rotateOnPartitionChange && encoded != p.lastEncoded && !toOrFromTombstones {
			return true
		}
	}
	if t.s.rotateSchedule > 0 && !now.Before(p.nextSchedule) {
		return true
	}
	if f := p.open[encoded]; f != nil {
		if f.tombstones != tombstone {
			return true // reference: Confluent's shouldRotateForNullSchema
		}
		if !tombstone && !sameSchema(f.schema, rec.ValueSchema) {
			return true
		}
	}
	return false
}

func (t *Task) rotate(p *partitionState, end int64) error {
	n, err := p.rotate(end)
	t.pendingBytes += n
	if err != nil {
		return fmt.Errorf("s3sink: finish objects of %s: %w", p.tp, err)
	}
	return nil
}

// newFile starts the objects of encoded partition encoded, from rec.
func (t *Task) newFile(rec *connect.SinkRecord, encoded string, tombstones bool) *file {
	base := t.objectBase(rec.Topic, rec.Partition, encoded, rec.Offset)
	f := &file{schema: rec.ValueSchema, tombstones: tombstones}
	if !tombstones {
		f.value = t.newObject(base+t.ext, rec.Offset)
		var w io.Writer = f.value
		if f.value.gz != nil {
			w = f.value.gz
		}
		f.value.w = t.format.NewWriter(w)
	}
	if t.keys != nil {
		f.keys = t.newObject(base+t.keysExt, rec.Offset)
	}
	if t.headers != nil {
		f.headers = t.newObject(base+t.headersExt, rec.Offset)
	}
	return f
}

func (t *Task) newObject(key string, start int64) *object {
	o := &object{key: key, start: start, written: &t.written}
	if t.s.gzip {
		o.gz, _ = gzip.NewWriterLevel(o, t.s.gzipLevel) // the level was validated
	}
	return o
}

func (t *Task) compressionExt() string {
	if t.s.gzip {
		return ".gz"
	}
	return ""
}

// objectBase names a file's objects as Confluent's connector does, but for
// their extensions:
// [<topics.dir><directory.delim>]<partitioner path><directory.delim><topic><file.delim><partition><file.delim><start offset>.
// The value object adds the format's extension, the keys and headers
// objects .keys or .headers and their format's, as Confluent's
// getAdjustedFilename; built from the base, a topic whose name holds the
// extension cannot garble them (Confluent issue 395).
func (t *Task) objectBase(topic string, partition int32, encoded string, start int64) string {
	var b strings.Builder
	if t.s.topicsDir != "" {
		b.WriteString(t.s.topicsDir)
		b.WriteString(t.s.dirDelim)
	}
	b.WriteString(t.part.Path(topic, encoded))
	b.WriteString(t.s.dirDelim)
	b.WriteString(topic)
	b.WriteString(t.s.fileDelim)
	b.WriteString(strconv.FormatInt(int64(partition), 10))
	b.WriteString(t.s.fileDelim)
	off := strconv.FormatInt(start, 10)
	for i := len(off); i < t.s.padWidth; i++ {
		b.WriteByte('0')
	}
	b.WriteString(off)
	return b.String()
}

// PreCommit commits the open objects that time says are due, even when no
// record has arrived since (rotate.schedule.interval.ms; rotate.interval.ms
// once a partition has been idle that long), and returns, per partition,
// the offset before which every record is in a completed object or was
// deliberately skipped: never past the start of an object still open.
func (t *Task) PreCommit(ctx context.Context, offsets map[connect.TopicPartition]int64) (map[connect.TopicPartition]int64, error) {
	now := t.o.clock.Now()
	for _, p := range t.parts {
		if p.count == 0 || p.rewinding {
			continue
		}
		due := t.s.rotateSchedule > 0 && !now.Before(p.nextSchedule)
		if t.s.rotateInterval > 0 {
			idle := now.Sub(p.lastArrival) >= t.s.rotateInterval
			wallclock := t.s.wallclock && p.hasBase && now.Sub(p.baseTime) >= t.s.rotateInterval
			due = due || idle || wallclock
		}
		if due {
			if err := t.rotate(p, p.next); err != nil {
				return nil, err
			}
		}
	}
	if err := t.uploadAll(ctx); err != nil {
		if t.permanent != nil {
			return nil, fmt.Errorf("s3sink: upload failed and cannot succeed by retrying: %w", t.permanent)
		}
		// The runtime applies the rewinds right after a commit, before it
		// polls again, so the failed partitions are read again at once; the
		// error keeps this commit from happening and lets
		// errors.retry.timeout bound repeated failures.
		return nil, &connect.RetriableError{Err: err, Backoff: t.s.taskBackoff}
	}
	out := make(map[connect.TopicPartition]int64, len(offsets))
	for tp, off := range offsets {
		if p := t.parts[tp]; p != nil {
			if p.fenced {
				continue // not ours: nothing to commit
			}
			off = p.safeOffset(off)
		}
		out[tp] = off
	}
	return out, nil
}

// uploadAll runs every pending upload, up to s3.upload.concurrency at once,
// and returns an error naming the failures, if any: how many partitions
// failed, and the first cause with its object key. A partition with a failed upload loses
// its unfinished objects (their multipart uploads aborted) and is to be
// read again from the start of the first. A partition the task no longer
// holds when one of its objects is to be completed loses them too, and
// is forgotten (see fence).
func (t *Task) uploadAll(ctx context.Context) error {
	type job struct {
		p   *partitionState
		o   *object
		err error
	}
	var jobs []*job
	for _, p := range t.parts {
		for _, o := range p.objects() {
			if o.pending() {
				jobs = append(jobs, &job{p: p, o: o})
			}
		}
	}
	t.pendingBytes = 0
	if len(jobs) == 0 {
		return nil
	}
	sem := make(chan struct{}, t.s.concurrency)
	var wg sync.WaitGroup
	for _, j := range jobs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			j.err = t.up.run(ctx, j.o, func() bool { return t.holds(j.p) })
		}()
	}
	wg.Wait()
	failedParts := map[*partitionState]error{}
	for _, j := range jobs {
		if j.err != nil && (failedParts[j.p] == nil || errors.Is(j.err, errNotHeld)) {
			failedParts[j.p] = j.err
		}
	}
	for _, p := range t.parts {
		p.popCompleted()
	}
	defer t.publishHeld()
	var first error
	n := 0
	for p, err := range failedParts {
		if errors.Is(err, errNotHeld) {
			t.fence(ctx, p)
			continue
		}
		t.fail(ctx, p, err)
		if first == nil {
			first = err
		}
		n++
	}
	if n == 0 {
		return nil
	}
	return fmt.Errorf("s3sink: uploads of %d partition(s) failed; they were rewound to their last committed object: %w", n, first)
}

// holds reports whether the task still holds p's Kafka partition, as far
// as the runtime knows: it is in the task's assignment. A partition the
// runtime never gave with Open (a caller driving the task by hand) has
// nothing to check against and counts as held. It is called from upload
// goroutines; the context's methods are safe for that.
func (t *Task) holds(p *partitionState) bool {
	if !p.opened || t.tc == nil {
		return true
	}
	return slices.Contains(t.tc.Assignment(), p.tp)
}

// fence discards the objects of a partition the task no longer holds,
// aborting their multipart uploads, and ignores its records until Open
// gives it back: its new owner writes them from the committed offset.
func (t *Task) fence(ctx context.Context, p *partitionState) {
	t.abortAll(ctx, p)
	p.discard()
	p.fenced = true
	t.log.Warn("the partition is no longer assigned to the task: its objects were discarded instead of completed",
		"partition", p.tp.String())
	kept := t.unreported[:0]
	for _, re := range t.unreported {
		if re.Record.TopicPartition() != p.tp {
			kept = append(kept, re)
		}
	}
	t.unreported = kept
}

// fail discards a partition's unfinished objects after an upload failed.
func (t *Task) fail(ctx context.Context, p *partitionState, err error) {
	if !retryable(err) && ctx.Err() == nil && t.permanent == nil {
		t.permanent = err
	}
	t.abortAll(ctx, p)
	from, ok := p.discard()
	if !ok {
		return
	}
	p.rewindTo = from
	t.log.Warn("upload failed; the partition's unfinished objects are discarded and its records will be read again",
		"partition", p.tp.String(), "from_offset", from, "err", err)
	// Bad records at or past the rewind come back with it.
	kept := t.unreported[:0]
	for _, re := range t.unreported {
		if re.Record.TopicPartition() != p.tp || re.Record.Offset < from {
			kept = append(kept, re)
		}
	}
	t.unreported = kept
	t.requestRewind(p)
}

func (t *Task) requestRewind(p *partitionState) {
	p.rewinding = true
	if t.tc != nil {
		t.tc.Offset(p.tp, p.rewindTo)
	}
}
