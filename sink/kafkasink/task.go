package kafkasink

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/converters"
	"github.com/connectkit/connectkit/internal/clientconfig"
	"github.com/connectkit/connectkit/internal/jsonpath"
	"github.com/connectkit/connectkit/sink"
)

// Task forwards the records of its partitions that match a route to the
// destination cluster. The runtime calls its methods from one goroutine.
type Task struct {
	o   *options
	s   *settings
	log *slog.Logger
	tc  connect.SinkTaskContext
	id  int

	producer *kafka.Producer
	reports  chan kafka.Event
	pending  int                                // messages produced and not yet reported
	next     map[connect.TopicPartition]int64   // offset after the last record Put handled
	failed   map[connect.TopicPartition]failure // lowest undelivered offset per partition
	attempts map[connect.TopicPartition]failure // the last failure rewound to, per partition
	rewound  map[connect.TopicPartition]int64   // rewinds requested during the current Put
	// suspect holds records the destination refused as too large. The
	// broker refuses a whole batch, so each is read again after a rewind
	// and sent alone (alone, aloneErr): only a record refused alone is a
	// bad record.
	suspect  map[source]bool
	alone    source
	aloneErr error
	// tooLarge holds records refused alone: read again (after an aborted
	// transaction, say), they are reported without being sent again.
	tooLarge map[source]error
	fatal    error // the producer cannot go on
	hdrConv  converters.HeaderConverter
	rand     func() float64
	txn      *transaction                     // exactly-once only
	offsets  map[connect.TopicPartition]int64 // committed through transactions
	scratch  jsonpath.Scratch                 // decoding storage, reused by each record
	logs     sync.WaitGroup
}

// failure is a record whose delivery failed.
type failure struct {
	offset int64
	count  int
	err    error
}

// source is what a produced message carries back in its delivery report:
// the record it came from.
type source struct {
	tp     connect.TopicPartition
	offset int64
}

var (
	_ connect.SinkTask        = (*Task)(nil)
	_ connect.PreCommitter    = (*Task)(nil)
	_ connect.PartitionOpener = (*Task)(nil)
	_ connect.PartitionCloser = (*Task)(nil)
)

// maxDeliveryAttempts is how many times a record whose delivery keeps
// failing is read again before the task fails. Each attempt already lasts
// up to the producer's delivery timeout (kafka.sink.delivery.timeout.ms).
const maxDeliveryAttempts = 3

// NewTask returns an unstarted task.
func NewTask(opts ...Option) *Task { return &Task{o: newOptions(opts)} }

// Start compiles the configuration (conditions, paths, the timestamp
// pattern) and connects the destination producer; with exactly-once it
// initializes the task's transactions, which fences a previous instance.
func (t *Task) Start(ctx context.Context, config map[string]string, tc connect.SinkTaskContext) error {
	if t.o == nil {
		t.o = newOptions(nil)
	}
	cfg, err := ConfigDef().Parse(config)
	if err != nil {
		return fmt.Errorf("kafkasink: %w", err)
	}
	s, errs := newSettings(cfg)
	if len(errs) > 0 {
		return fmt.Errorf("kafkasink: %w", errors.Join(errs...))
	}
	t.s, t.tc = s, tc
	if s.exactlyOnce && strings.EqualFold(cfg.String(ExactlyOnceOffsetsConfig), OffsetsAuto) && config["bootstrap.servers"] == "" {
		// bootstrap.servers is often only in the worker's file, which
		// Kafka Connect does not pass to tasks: the runtime knows it.
		if servers, ok := sink.BootstrapServers(tc); ok {
			s.offsetsInGroup = sameServers(s.bootstrap, servers)
		}
	}
	if t.id, err = strconv.Atoi(config[TaskIDConfig]); err != nil {
		t.id = 0
	}
	t.log = connect.LoggerOf(tc)
	if t.o.logger != nil {
		t.log = t.o.logger.With("connector", s.name, "task", t.id)
	}
	if s.exactlyOnce {
		where := "the destination's offsets topic " + s.offsetsTopic
		if s.offsetsInGroup {
			where = "the consumer group"
		}
		t.log.Info("exactly-once: offsets are committed in the transactions, to "+where, "mode", cfg.String(ExactlyOnceOffsetsConfig))
	}
	t.rand = t.o.rand
	if t.rand == nil {
		t.rand = rand.Float64
	}
	hc := s.headerConverter
	if hc == "" {
		hc = converters.SimpleHeaderConverterClass
	}
	if t.hdrConv, err = converters.NewHeaderConverter(hc, nil); err != nil {
		return fmt.Errorf("kafkasink: header.converter: %w", err)
	}
	t.next = map[connect.TopicPartition]int64{}
	t.failed = map[connect.TopicPartition]failure{}
	t.attempts = map[connect.TopicPartition]failure{}
	t.rewound = map[connect.TopicPartition]int64{}
	t.offsets = map[connect.TopicPartition]int64{}
	t.suspect = map[source]bool{}
	t.tooLarge = map[source]error{}

	pc := kafka.ConfigMap{}
	for k, v := range s.producer {
		pc[k] = v
	}
	pc["bootstrap.servers"] = s.bootstrap
	pc["client.id"] = "connector-producer-" + s.name + "-" + strconv.Itoa(t.id)
	pc["go.delivery.report.fields"] = "none"
	pc["go.logs.channel.enable"] = true
	if s.exactlyOnce {
		pc["transactional.id"] = s.txnPrefix + "-" + strconv.Itoa(t.id)
	}
	if t.producer, err = kafka.NewProducer(&pc); err != nil {
		return fmt.Errorf("kafkasink: destination producer: %w", err)
	}
	t.logs.Add(1)
	go func() {
		defer t.logs.Done()
		clientconfig.ForwardLogs(t.producer.Logs(), t.log)
	}()
	t.reports = make(chan kafka.Event, 8192)
	if s.exactlyOnce {
		if err := t.startTransactions(ctx); err != nil {
			t.closeProducer()
			return err
		}
	}
	return nil
}

// Open restores, in exactly-once destination mode, the offsets stored on
// the destination for the partitions assigned.
func (t *Task) Open(ctx context.Context, partitions []connect.TopicPartition) error {
	for _, tp := range partitions {
		delete(t.next, tp)
		delete(t.failed, tp)
		delete(t.attempts, tp)
	}
	if t.s.exactlyOnce && !t.s.offsetsInGroup {
		return t.restoreOffsets(ctx, partitions)
	}
	return nil
}

// Close forgets the partitions. In exactly-once mode an open transaction
// is aborted when the runtime could not commit before the partitions went
// (they were lost); the partitions the task keeps are rewound to their
// last committed offsets.
func (t *Task) Close(ctx context.Context, partitions []connect.TopicPartition) error {
	if t.txn != nil && t.txn.open {
		if err := t.abort(ctx, partitions); err != nil {
			return err
		}
	}
	for _, tp := range partitions {
		delete(t.next, tp)
		delete(t.failed, tp)
		delete(t.attempts, tp)
		delete(t.offsets, tp)
	}
	for src := range t.suspect {
		if containsTP(partitions, src.tp) {
			delete(t.suspect, src) // the next owner finds out again
		}
	}
	for src := range t.tooLarge {
		if containsTP(partitions, src.tp) {
			delete(t.tooLarge, src)
		}
	}
	return nil
}

// Stop waits, within ctx, for the deliveries still pending and closes the
// producer. The runtime has committed what was delivered before.
func (t *Task) Stop(ctx context.Context) error {
	if t.producer == nil {
		return nil
	}
	defer t.closeProducer()
	if t.txn != nil && t.txn.open {
		abortCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = t.producer.AbortTransaction(abortCtx)
		t.txn.open = false
	}
	if ctx.Err() == nil {
		_ = t.await(ctx)
	}
	return nil
}

func (t *Task) closeProducer() {
	t.producer.Close()
	t.logs.Wait()
	t.producer = nil
}

// Put parses each record's value once, samples it, tests the routes and
// sends it to the topic of every route that matches, with the key,
// timestamp and headers the configuration asks for. A record that cannot
// be handled (a value that is not JSON, a missing key or timestamp) is
// named in a [*connect.BatchError], so that errors.tolerance decides its
// fate; under errors.tolerance=all the others go on, under none Put stops
// at it and forwards nothing after it.
func (t *Task) Put(ctx context.Context, records []connect.SinkRecord) error {
	// The runtime applies the rewinds asked for before or during this
	// call as soon as it returns, whether it failed or not: the next call
	// starts at them and must not skip them.
	defer clear(t.rewound)
	if err := t.collect(ctx, false); err != nil {
		return err
	}
	if err := t.rewindFailed(); err != nil {
		return err
	}
	var bad *connect.BatchError
	for i := range records {
		rec := &records[i]
		tp := rec.TopicPartition()
		if off, ok := t.rewound[tp]; ok && rec.Offset >= off {
			continue // read again from off
		}
		if err := t.put(ctx, rec); err != nil {
			var de *connect.DataError
			if !errors.As(err, &de) {
				return err
			}
			if bad == nil {
				bad = &connect.BatchError{}
			}
			bad.Add(rec, err)
			if !t.s.tolerateAll {
				// errors.tolerance=none fails the task at this record:
				// nothing after it is forwarded. The runtime commits
				// what came before, once it is delivered.
				break
			}
		}
		t.next[tp] = rec.Offset + 1
		if t.txn != nil {
			t.txn.track(tp, rec.Offset)
		}
	}
	if bad != nil {
		return bad
	}
	return nil
}

// put handles one record.
func (t *Task) put(ctx context.Context, rec *connect.SinkRecord) error {
	s := t.s
	var val []byte
	switch v := rec.Value.(type) {
	case []byte:
		val = v
	case string:
		// Read-only view: the decoder never writes, and Produce copies.
		val = unsafe.Slice(unsafe.StringData(v), len(v))
	case nil:
		if !s.forwardNulls {
			return nil
		}
		key, err := t.sourceKey(rec)
		if err != nil {
			return err
		}
		for i := range s.routes {
			if err := t.produce(ctx, rec, &s.routes[i].topic, key, nil, t.sourceTime(rec)); err != nil {
				return err
			}
		}
		return nil
	default:
		return &connect.DataError{Op: "kafkasink: read value",
			Err: fmt.Errorf("the value is a %T, not JSON text: use value.converter=org.apache.kafka.connect.storage.StringConverter", v)}
	}
	if s.sampling && t.sample(rec) >= s.sampleRate {
		return nil
	}
	doc, err := t.scratch.Decode(val, &s.proj)
	if err != nil {
		return &connect.DataError{Op: "kafkasink: parse value", Err: err}
	}
	matched := false
	var (
		key []byte
		ts  time.Time
	)
	for i := range s.routes {
		r := &s.routes[i]
		if !r.cond.Match(doc) {
			continue
		}
		if !matched {
			matched = true
			if key, err = t.key(rec, doc); err != nil {
				return err
			}
			if ts, err = t.timestamp(rec, doc); err != nil {
				return err
			}
		}
		if err := t.produce(ctx, rec, &r.topic, key, val, ts); err != nil {
			return err
		}
	}
	return nil
}

// sample returns a number in [0, 1): random, or a hash of the record.
func (t *Task) sample(rec *connect.SinkRecord) float64 {
	if !t.s.deterministic {
		return t.rand()
	}
	h := fnv.New64a()
	if k, ok := keyBytes(rec.Key); ok && k != nil {
		_, _ = h.Write(k)
	} else {
		_, _ = h.Write([]byte(rec.Topic))
		_, _ = h.Write(strconv.AppendInt(nil, int64(rec.Partition), 10))
		_, _ = h.Write([]byte{'@'})
		_, _ = h.Write(strconv.AppendInt(nil, rec.Offset, 10))
	}
	// FNV-1a's last multiply hardly reaches the top bits, which decide:
	// keys that differ only at the end would be sampled alike. murmur3's
	// finalizer mixes every bit into them.
	x := h.Sum64()
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return float64(x>>11) / (1 << 53)
}

func keyBytes(k any) ([]byte, bool) {
	switch k := k.(type) {
	case nil:
		return nil, true
	case []byte:
		return k, true
	case string:
		return []byte(k), true
	}
	return nil, false
}

func (t *Task) sourceKey(rec *connect.SinkRecord) ([]byte, error) {
	if !t.s.forwardKey {
		return nil, nil
	}
	k, ok := keyBytes(rec.Key)
	if !ok {
		return nil, &connect.DataError{Op: "kafkasink: forward key",
			Err: fmt.Errorf("the key is a %T: use key.converter=org.apache.kafka.connect.storage.StringConverter or ByteArrayConverter", rec.Key)}
	}
	return k, nil
}

func (t *Task) sourceTime(rec *connect.SinkRecord) time.Time {
	if t.s.forwardTimestamp {
		return rec.Timestamp
	}
	return time.Time{}
}

// key builds the output key: from kafka.key.field, or the source key.
func (t *Task) key(rec *connect.SinkRecord, doc jsonpath.Document) ([]byte, error) {
	if len(t.s.keyPaths) == 0 {
		return t.sourceKey(rec)
	}
	var key []byte
	for _, p := range t.s.keyPaths {
		s, ok := p.TextIn(doc)
		if !ok {
			if t.s.keyMissingNull {
				return nil, nil
			}
			return nil, &connect.DataError{Op: "kafkasink: build key",
				Err: fmt.Errorf("%s: the path %s is missing or null (%s=%s)", KeyFieldConfig, p, KeyMissingConfig, BehaviorFail)}
		}
		key = append(key, s...)
	}
	return key, nil
}

// timestamp returns the output timestamp; zero lets the producer stamp it.
func (t *Task) timestamp(rec *connect.SinkRecord, doc jsonpath.Document) (time.Time, error) {
	if t.s.tsPath == nil {
		return t.sourceTime(rec), nil
	}
	s, ok := t.s.tsPath.TextIn(doc)
	var err error
	if !ok {
		err = fmt.Errorf("%w: the path %s is missing or null", errNoTimestamp, t.s.tsPath)
	} else {
		var ts time.Time
		if ts, err = t.s.tsFormat.Parse(s, t.s.tsZone); err == nil {
			return ts, nil
		}
	}
	switch t.s.tsInvalid {
	case BehaviorNow:
		return time.Now(), nil
	case BehaviorRecord:
		return rec.Timestamp, nil
	}
	return time.Time{}, &connect.DataError{Op: "kafkasink: read timestamp",
		Err: fmt.Errorf("%s: %w (%s=%s)", TimestampFieldConfig, err, TimestampInvalidConfig, BehaviorFail)}
}

// produce queues one message; when librdkafka's queue is full it waits for
// deliveries first.
func (t *Task) produce(ctx context.Context, rec *connect.SinkRecord, topic *string, key, val []byte, ts time.Time) error {
	if t.txn != nil && !t.txn.open {
		if err := t.begin(); err != nil {
			return err
		}
	}
	src := source{tp: rec.TopicPartition(), offset: rec.Offset}
	if err, ok := t.tooLarge[src]; ok {
		return err
	}
	m := &kafka.Message{
		TopicPartition: kafka.TopicPartition{Topic: topic, Partition: kafka.PartitionAny},
		Key:            key,
		Value:          val,
		Timestamp:      ts,
		Opaque:         src,
	}
	if t.s.forwardHeaders && len(rec.Headers) > 0 {
		m.Headers = make([]kafka.Header, len(rec.Headers))
		for i, h := range rec.Headers {
			b, err := t.headerBytes(rec, h)
			if err != nil {
				return err
			}
			m.Headers[i] = kafka.Header{Key: h.Key, Value: b}
		}
	}
	if len(t.suspect) > 0 && t.suspect[src] {
		return t.produceAlone(ctx, rec, m)
	}
	for {
		err := t.producer.Produce(m, t.reports)
		if err == nil {
			t.pending++
			return nil
		}
		var kerr kafka.Error
		if errors.As(err, &kerr) && kerr.Code() == kafka.ErrQueueFull && t.pending > 0 {
			if err := t.collectOne(ctx); err != nil {
				return err
			}
			continue
		}
		if errors.As(err, &kerr) && kerr.Code() == kafka.ErrMsgSizeTooLarge {
			return tooLargeError(rec, *topic, err)
		}
		if errors.As(err, &kerr) && (kerr.IsFatal() || permanent(kerr.Code())) {
			// The same failure as a delivery report's, seen first: once a
			// produce to a topic was refused, Produce may refuse the next.
			return fmt.Errorf("kafkasink: delivery of record %s to %s failed and cannot succeed by retrying: %w", rec, *topic, err)
		}
		return fmt.Errorf("kafkasink: produce record %s to %s: %w", rec, *topic, err)
	}
}

// produceAlone sends a record that was refused as too large in a batch,
// in a batch of its own, and waits for the answer: refused again, it is a
// bad record, for errors.tolerance to decide.
func (t *Task) produceAlone(ctx context.Context, rec *connect.SinkRecord, m *kafka.Message) error {
	src := m.Opaque.(source)
	delete(t.suspect, src)
	if err := t.await(ctx); err != nil {
		return err
	}
	t.alone, t.aloneErr = src, nil
	defer func() { t.alone = source{} }()
	if err := t.producer.Produce(m, t.reports); err != nil {
		var kerr kafka.Error
		if errors.As(err, &kerr) && kerr.Code() == kafka.ErrMsgSizeTooLarge {
			return tooLargeError(rec, *m.TopicPartition.Topic, err)
		}
		return fmt.Errorf("kafkasink: produce record %s to %s: %w", rec, *m.TopicPartition.Topic, err)
	}
	t.pending++
	if err := t.await(ctx); err != nil {
		return err
	}
	if t.aloneErr != nil {
		err := tooLargeError(rec, *m.TopicPartition.Topic, t.aloneErr)
		t.tooLarge[src] = err
		if t.txn != nil {
			// The refusal fails the whole transaction: abort it and read
			// its records again; this one is then reported unsent.
			if aerr := t.abort(ctx, nil); aerr != nil {
				return aerr
			}
			return connect.Retriable(fmt.Errorf("kafkasink: transaction aborted: record %s was refused as too large, and the records of the transaction will be read again: %w",
				rec, t.aloneErr))
		}
		return err
	}
	return nil
}

func (t *Task) headerBytes(rec *connect.SinkRecord, h connect.Header) ([]byte, error) {
	switch v := h.Value.(type) {
	case nil:
		return nil, nil
	case []byte:
		return v, nil
	case string:
		return []byte(v), nil
	}
	b, err := t.hdrConv.FromConnectHeader(rec.Topic, h.Key, h.Schema, h.Value)
	if err != nil {
		return nil, &connect.DataError{Op: "kafkasink: forward header " + h.Key, Err: err}
	}
	return b, nil
}

// collect handles the delivery reports that are in; with wait, it waits
// until every message produced has been reported (or ctx ends).
func (t *Task) collect(ctx context.Context, wait bool) error {
	for {
		if t.fatal != nil {
			return t.fatal
		}
		select {
		case ev := <-t.reports:
			t.delivered(ev)
			continue
		case ev := <-t.producer.Events():
			t.event(ev)
			continue
		default:
		}
		if !wait || t.pending == 0 {
			return t.fatal
		}
		if err := t.collectOne(ctx); err != nil {
			return err
		}
	}
}

// await waits for every pending delivery.
func (t *Task) await(ctx context.Context) error { return t.collect(ctx, true) }

func (t *Task) collectOne(ctx context.Context) error {
	select {
	case ev := <-t.reports:
		t.delivered(ev)
	case ev := <-t.producer.Events():
		t.event(ev)
	case <-ctx.Done():
		return connect.Retriable(fmt.Errorf("kafkasink: %d deliveries still pending: %w", t.pending, ctx.Err()))
	}
	return t.fatal
}

func (t *Task) delivered(ev kafka.Event) {
	m, ok := ev.(*kafka.Message)
	if !ok {
		t.event(ev)
		return
	}
	t.pending--
	err := m.TopicPartition.Error
	if err == nil {
		return
	}
	src, _ := m.Opaque.(source)
	var kerr kafka.Error
	if errors.As(err, &kerr) && kerr.Code() == kafka.ErrMsgSizeTooLarge && !kerr.IsFatal() {
		if src == t.alone {
			t.aloneErr = err
			return
		}
		// Maybe a bad record, not a broken destination: the partition is
		// read again from it, and produce sends it alone to tell.
		t.suspect[src] = true
		if f, ok := t.failed[src.tp]; !ok || src.offset < f.offset {
			t.failed[src.tp] = failure{offset: src.offset, err: err}
		}
		return
	}
	if errors.As(err, &kerr) && (kerr.IsFatal() || permanent(kerr.Code())) {
		if t.fatal == nil {
			t.fatal = fmt.Errorf("kafkasink: delivery of record %s-%d@%d to %s failed and cannot succeed by retrying: %w",
				src.tp.Topic, src.tp.Partition, src.offset, *m.TopicPartition.Topic, err)
		}
		return
	}
	if f, ok := t.failed[src.tp]; !ok || src.offset < f.offset {
		t.failed[src.tp] = failure{offset: src.offset, err: err}
	}
}

func (t *Task) event(ev kafka.Event) {
	switch e := ev.(type) {
	case kafka.Error:
		if e.IsFatal() && t.fatal == nil {
			t.fatal = fmt.Errorf("kafkasink: destination producer: %w", e)
			return
		}
		t.log.Debug("destination producer error", "err", e)
	case *kafka.Message:
		t.delivered(e)
	}
}

// tooLargeError is the bad-record error of a record the destination
// refused as too large.
func tooLargeError(rec *connect.SinkRecord, topic string, err error) error {
	return &connect.DataError{Op: "kafkasink: forward",
		Err: fmt.Errorf("record %s-%d@%d is too large for %s: %w", rec.Topic, rec.Partition, rec.Offset, topic, err)}
}

// permanent lists the delivery errors that retrying the same record cannot
// fix.
func permanent(c kafka.ErrorCode) bool {
	switch c {
	case kafka.ErrMsgSizeTooLarge, kafka.ErrTopicAuthorizationFailed, kafka.ErrClusterAuthorizationFailed,
		kafka.ErrInvalidRecord, kafka.ErrRecordListTooLarge, kafka.ErrTopicException, kafka.ErrInvalidMsg,
		kafka.ErrUnknownTopic, kafka.ErrTransactionalIDAuthorizationFailed:
		return true
	}
	return false
}

// rewindFailed asks the runtime to read again from each partition's first
// undelivered record, and fails the task when the same record failed too
// often. A record past what Put has seen since is read again anyway.
func (t *Task) rewindFailed() error {
	for tp, f := range t.failed {
		delete(t.failed, tp)
		next, ok := t.next[tp]
		if !ok || f.offset >= next {
			continue
		}
		if prev, ok := t.attempts[tp]; ok && prev.offset == f.offset {
			f.count = prev.count + 1
		} else {
			f.count = 1
		}
		if f.count >= maxDeliveryAttempts {
			t.fatal = fmt.Errorf("kafkasink: delivery of record %s@%d failed %d times: %w", tp, f.offset, f.count, f.err)
			return t.fatal
		}
		t.attempts[tp] = f
		t.log.Warn("delivery failed; reading the partition again from the record", "partition", tp.String(), "offset", f.offset, "err", f.err)
		t.tc.Offset(tp, f.offset)
		t.rewound[tp] = f.offset
		t.next[tp] = f.offset
	}
	return nil
}

// PreCommit waits until every record sent so far is acknowledged, and
// returns the offsets up to which every record was delivered, filtered out
// or sampled away. A partition whose deliveries failed is rewound to the
// first failed record and committed only up to it.
//
// With exactly-once, PreCommit commits the task's transaction, which
// carries the offsets (to the consumer group, or to the destination's
// offsets topic), and returns none: the runtime has nothing left to commit.
func (t *Task) PreCommit(ctx context.Context, offsets map[connect.TopicPartition]int64) (map[connect.TopicPartition]int64, error) {
	if t.txn != nil {
		return t.commitTransaction(ctx, offsets)
	}
	if err := t.await(ctx); err != nil {
		return nil, err
	}
	failed := map[connect.TopicPartition]int64{}
	for tp, f := range t.failed {
		failed[tp] = f.offset
	}
	if err := t.rewindFailed(); err != nil {
		return nil, err
	}
	// The runtime seeks before its next poll, so the next Put starts at
	// the rewound offsets and must not skip them.
	clear(t.rewound)
	safe := make(map[connect.TopicPartition]int64, len(offsets))
	for tp, off := range offsets {
		if f, ok := failed[tp]; ok && f < off {
			off = f
		}
		if next, ok := t.next[tp]; ok && next < off {
			off = next // rewound earlier
		}
		safe[tp] = off
	}
	return safe, nil
}
