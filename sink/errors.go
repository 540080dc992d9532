package sink

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/internal/clientconfig"
)

// Stages of the record pipeline, as Kafka Connect names them in
// __connect.errors.stage.
const (
	stageKeyConverter    = "KEY_CONVERTER"
	stageValueConverter  = "VALUE_CONVERTER"
	stageHeaderConverter = "HEADER_CONVERTER"
	stageTaskPut         = "TASK_PUT"
)

// The dead-letter queue context headers, as Kafka Connect's
// DeadLetterQueueReporter writes them.
const (
	HeaderErrorTopic            = "__connect.errors.topic"
	HeaderErrorPartition        = "__connect.errors.partition"
	HeaderErrorOffset           = "__connect.errors.offset"
	HeaderErrorConnectorName    = "__connect.errors.connector.name"
	HeaderErrorTaskID           = "__connect.errors.task.id"
	HeaderErrorStage            = "__connect.errors.stage"
	HeaderErrorClassName        = "__connect.errors.class.name"
	HeaderErrorExceptionClass   = "__connect.errors.exception.class.name"
	HeaderErrorExceptionMessage = "__connect.errors.exception.message"
	HeaderErrorExceptionTrace   = "__connect.errors.exception.stacktrace"
)

// errorHandler applies errors.tolerance, errors.log.* and the dead-letter
// queue for one task. Tasks may report records from any goroutine, so its
// state is guarded by mu.
type errorHandler struct {
	t *taskRunner

	mu       sync.Mutex
	inFlight []*kafka.Message // raw messages of the batch in Put, for reports
	producer *kafka.Producer
	reports  chan kafka.Event
	pending  int
	failure  error // a DLQ write failed
	stop     error // an intolerable record was reported
}

var _ connect.ErrantRecordReporter = (*errorHandler)(nil)

func newErrorHandler(t *taskRunner) *errorHandler { return &errorHandler{t: t} }

// conversionFailed handles a record that a converter rejected.
func (h *errorHandler) conversionFailed(m *kafka.Message, stage string, err error) error {
	return h.handle(m, nil, stage, err)
}

// putFailed handles a record the task named in a BatchError.
func (h *errorHandler) putFailed(rec *connect.SinkRecord, err error) error {
	return h.handle(h.rawFor(rec), rec, stageTaskPut, err)
}

// Report implements connect.ErrantRecordReporter.
func (h *errorHandler) Report(ctx context.Context, rec *connect.SinkRecord, err error) error {
	return h.handle(h.rawFor(rec), rec, stageTaskPut, err)
}

// handle logs and dead-letters one failed record, or, when errors are not
// tolerated, returns the error that fails the task, naming the record.
func (h *errorHandler) handle(m *kafka.Message, rec *connect.SinkRecord, stage string, cause error) error {
	s := h.t.s
	var coords string
	if m != nil {
		coords = fmt.Sprintf("%s-%d@%d", *m.TopicPartition.Topic, m.TopicPartition.Partition, m.TopicPartition.Offset)
	} else {
		coords = rec.String()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.t.countError(stage, s.tolerateAll)
	if !s.tolerateAll {
		err := &connect.TaskError{Connector: s.name, Task: h.t.id, Op: stage,
			Err: fmt.Errorf("record %s: %w (errors.tolerance=none)", coords, cause)}
		if h.stop == nil {
			h.stop = err
		}
		return err
	}
	if s.logErrors {
		attrs := []any{"stage", stage, "record", coords, "err", cause}
		if s.logMessages && m != nil {
			attrs = append(attrs, "key", string(m.Key), "value", string(m.Value))
		}
		h.t.log.Error("tolerated error", attrs...)
		h.t.m.Logged.Add(1)
	}
	if s.dlqTopic == "" {
		return nil
	}
	if m == nil {
		var err error
		if m, err = h.reconvert(rec); err != nil {
			h.failure = fmt.Errorf("dead-letter queue: cannot serialize record %s: %w", coords, err)
			return h.failure
		}
	}
	return h.sendLocked(m, stage, cause)
}

// HeaderTruncated marks a dead-letter record that had to be cut to fit the
// dead-letter topic: it says what was left out, with the sizes. It is this
// runtime's own header; Kafka Connect has none, and fails the task instead.
const HeaderTruncated = "__connectkit.errors.truncated"

// Limits of what a cut dead-letter record keeps.
const (
	cutKeyMax     = 1 << 10 // a longer key is left out too
	cutMessageMax = 8 << 10 // exception message and chain, each
)

// dlqRecord is what a dead-letter write carries in its delivery report, so
// that a record refused as too large can be sent again without its value.
type dlqRecord struct {
	src       kafka.TopicPartition // where the failed record was consumed
	key       []byte               // nil when longer than cutKeyMax
	keyLen    int
	valueLen  int
	headerLen int
	timestamp time.Time
	stage     string
	cause     error
	cut       bool // this write is already the cut one
}

func (r *dlqRecord) coords() string {
	return fmt.Sprintf("%s-%d@%d", *r.src.Topic, r.src.Partition, r.src.Offset)
}

// sendLocked queues m for the dead-letter queue. Deliveries are awaited in
// flushDLQ, before any offset past m is committed.
func (h *errorHandler) sendLocked(m *kafka.Message, stage string, cause error) error {
	if h.producer == nil {
		if err := h.startProducerLocked(); err != nil {
			h.failure = err
			return err
		}
	}
	rec := &dlqRecord{src: m.TopicPartition, keyLen: len(m.Key), valueLen: len(m.Value),
		timestamp: m.Timestamp, stage: stage, cause: cause}
	if len(m.Key) <= cutKeyMax {
		rec.key = m.Key
	}
	for _, hd := range m.Headers {
		rec.headerLen += len(hd.Key) + len(hd.Value)
	}
	if rec.timestamp.IsZero() {
		rec.timestamp = time.Now()
	}
	topic := h.t.s.dlqTopic
	out := &kafka.Message{
		TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny},
		Key:            m.Key, Value: m.Value,
		Headers:   append([]kafka.Header(nil), m.Headers...),
		Timestamp: rec.timestamp,
		Opaque:    rec,
	}
	if h.t.s.dlqContextHeaders {
		out.Headers = h.appendContextHeaders(out.Headers, rec, 0)
	}
	h.produceLocked(out, rec)
	// Collect reports that are already in, so the channel never fills.
	for h.pending > 0 {
		select {
		case ev := <-h.reports:
			h.deliveredLocked(ev)
		default:
			return h.failure
		}
	}
	return h.failure
}

// appendContextHeaders adds the __connect.errors.* headers; limit, when
// positive, caps the exception message and chain.
func (h *errorHandler) appendContextHeaders(hs []kafka.Header, rec *dlqRecord, limit int) []kafka.Header {
	s := h.t.s
	str := func(k, v string) { hs = append(hs, kafka.Header{Key: k, Value: []byte(v)}) }
	capped := func(v string) string {
		if limit > 0 && len(v) > limit {
			return v[:limit]
		}
		return v
	}
	str(HeaderErrorTopic, *rec.src.Topic)
	str(HeaderErrorPartition, strconv.Itoa(int(rec.src.Partition)))
	str(HeaderErrorOffset, strconv.FormatInt(int64(rec.src.Offset), 10))
	str(HeaderErrorConnectorName, s.name)
	str(HeaderErrorTaskID, strconv.Itoa(h.t.id))
	str(HeaderErrorStage, rec.stage)
	str(HeaderErrorClassName, h.stageClass(rec.stage))
	str(HeaderErrorExceptionClass, errorClass(rec.cause))
	str(HeaderErrorExceptionMessage, capped(rec.cause.Error()))
	str(HeaderErrorExceptionTrace, capped(errorChain(rec.cause)))
	return hs
}

// cutMessage is the dead-letter record for a record too large for the
// dead-letter topic: its context headers, always, and its key when short,
// without its value and headers, and a header saying what was cut. A
// tolerated error must never stop the task; this keeps the record's
// coordinates and cause where whoever reads the queue looks.
func (h *errorHandler) cutMessage(rec *dlqRecord, why error) *kafka.Message {
	rec.cut = true
	topic := h.t.s.dlqTopic
	cut := []string{fmt.Sprintf("value (%d bytes)", rec.valueLen)}
	if rec.key == nil && rec.keyLen > 0 {
		cut = append(cut, fmt.Sprintf("key (%d bytes)", rec.keyLen))
	}
	if rec.headerLen > 0 {
		cut = append(cut, fmt.Sprintf("headers (%d bytes)", rec.headerLen))
	}
	note := strings.Join(cut, ", ") + " left out: the record is larger than the dead-letter queue accepts"
	hs := []kafka.Header{{Key: HeaderTruncated, Value: []byte(note)}}
	out := &kafka.Message{
		TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny},
		Key:            rec.key,
		Headers:        h.appendContextHeaders(hs, rec, cutMessageMax),
		Timestamp:      rec.timestamp,
		Opaque:         rec,
	}
	h.t.log.Warn("record too large for the dead-letter queue; sending its context headers without its value",
		"record", rec.coords(), "dlq", topic, "value_bytes", rec.valueLen, "key_bytes", rec.keyLen,
		"header_bytes", rec.headerLen, "err", why)
	return out
}

// produceLocked sends out, cutting it once if it is too large, and records
// a failure that names the record.
func (h *errorHandler) produceLocked(out *kafka.Message, rec *dlqRecord) {
	topic := h.t.s.dlqTopic
	for {
		err := h.producer.Produce(out, h.reports)
		if err == nil {
			h.pending++
			h.t.m.DLQRequests.Add(1)
			return
		}
		var kerr kafka.Error
		if errors.As(err, &kerr) && kerr.Code() == kafka.ErrQueueFull && h.pending > 0 {
			h.awaitOneLocked(time.Second)
			continue
		}
		if errors.As(err, &kerr) && kerr.Code() == kafka.ErrMsgSizeTooLarge && !rec.cut {
			out = h.cutMessage(rec, err)
			continue
		}
		h.t.m.DLQFailures.Add(1)
		if h.failure == nil {
			h.failure = fmt.Errorf("dead-letter queue %s: record %s: %w", topic, rec.coords(), err)
		}
		return
	}
}

func (h *errorHandler) stageClass(stage string) string {
	switch stage {
	case stageKeyConverter:
		return h.t.s.keyConverter
	case stageValueConverter:
		return h.t.s.valueConverter
	case stageHeaderConverter:
		return h.t.s.headerConverter
	default:
		return fmt.Sprintf("%T", h.t.task)
	}
}

// errorClass names the outermost error in err's chain that is more than a
// fmt.Errorf wrapper (a *connect.DataError, say): the nearest Go
// equivalent of the exception class Kafka Connect reports.
func errorClass(err error) string {
	for e := err; e != nil; e = errors.Unwrap(e) {
		switch name := fmt.Sprintf("%T", e); name {
		case "*fmt.wrapError", "*fmt.wrapErrors":
		default:
			return name
		}
	}
	return fmt.Sprintf("%T", err)
}

// errorChain lists the messages of err's chain, one per line: Go errors carry
// no stack trace, so this stands in for Kafka's.
func errorChain(err error) string {
	var out string
	for e := err; e != nil; e = errors.Unwrap(e) {
		out += fmt.Sprintf("%T: %v\n", e, e)
	}
	return out
}

func (h *errorHandler) startProducerLocked() error {
	cfg, _, err := producerConfig(h.t.s, "connector-dlq-producer-"+h.t.s.name+"-"+strconv.Itoa(h.t.id))
	if err != nil {
		return err
	}
	p, err := kafka.NewProducer(cfg)
	if err != nil {
		return fmt.Errorf("dead-letter queue producer: %w", err)
	}
	clientconfig.ForwardProducer(&h.t.bg, p, h.t.log.With("client", "dlq-producer"))
	if err := ensureTopic(p, h.t.s.dlqTopic, h.t.s.dlqReplication, h.t.s.flushTimeout); err != nil {
		p.Close()
		return err
	}
	h.producer = p
	h.reports = make(chan kafka.Event, 4096)
	return nil
}

func (h *errorHandler) deliveredLocked(ev kafka.Event) {
	m, ok := ev.(*kafka.Message)
	if !ok {
		return
	}
	h.pending--
	err := m.TopicPartition.Error
	if err == nil {
		return
	}
	h.t.m.DLQFailures.Add(1)
	rec, _ := m.Opaque.(*dlqRecord)
	var kerr kafka.Error
	if rec != nil && !rec.cut && errors.As(err, &kerr) &&
		(kerr.Code() == kafka.ErrMsgSizeTooLarge || kerr.Code() == kafka.ErrRecordListTooLarge) {
		h.produceLocked(h.cutMessage(rec, err), rec)
		return
	}
	if h.failure == nil {
		what := "a record"
		if rec != nil {
			what = "record " + rec.coords()
		}
		h.failure = fmt.Errorf("dead-letter queue %s: write of %s failed: %w", h.t.s.dlqTopic, what, err)
	}
}

func (h *errorHandler) awaitOneLocked(d time.Duration) {
	select {
	case ev := <-h.reports:
		h.deliveredLocked(ev)
	case <-time.After(d):
	}
}

// flushDLQ waits until every dead-lettered record is acknowledged, and
// reports any failure: offsets must not pass a record that is neither
// handled nor safely in the dead-letter queue.
func (h *errorHandler) flushDLQ(ctx context.Context, timeout time.Duration) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	deadline := time.Now().Add(timeout)
	for h.pending > 0 {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("%d dead-letter queue write(s) not acknowledged within %v", h.pending, timeout)
		}
		h.awaitOneLocked(min(left, 100*time.Millisecond))
	}
	return h.failure
}

// err returns the failure that must stop the task, if any.
func (h *errorHandler) err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failure != nil {
		return h.failure
	}
	return h.stop
}

// takeStop forgets the record that was not tolerated, once the caller has
// taken charge of failing the task for it.
func (h *errorHandler) takeStop() {
	h.mu.Lock()
	h.stop = nil
	h.mu.Unlock()
}

func (h *errorHandler) setInFlight(msgs []*kafka.Message) {
	h.mu.Lock()
	h.inFlight = msgs
	h.mu.Unlock()
}

// rawFor finds the consumed message of a record in the batch being put.
func (h *errorHandler) rawFor(rec *connect.SinkRecord) *kafka.Message {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.inFlight {
		if int64(m.TopicPartition.Offset) == rec.Offset && m.TopicPartition.Partition == rec.Partition && *m.TopicPartition.Topic == rec.Topic {
			return m
		}
	}
	return nil
}

// reconvert serializes a record that is no longer in the current batch (a
// task reported it after buffering it) with the task's converters, as Kafka
// Connect's errant record reporter does.
func (h *errorHandler) reconvert(rec *connect.SinkRecord) (*kafka.Message, error) {
	t := h.t
	key, err := t.keyConv.FromConnectData(rec.Topic, rec.KeySchema, rec.Key)
	if err != nil {
		return nil, err
	}
	val, err := t.valueConv.FromConnectData(rec.Topic, rec.ValueSchema, rec.Value)
	if err != nil {
		return nil, err
	}
	topic := rec.Topic
	m := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: rec.Partition, Offset: kafka.Offset(rec.Offset)},
		Key: key, Value: val, Timestamp: rec.Timestamp}
	for _, hd := range rec.Headers {
		b, err := t.hdrConv.FromConnectHeader(rec.Topic, hd.Key, hd.Schema, hd.Value)
		if err != nil {
			return nil, err
		}
		m.Headers = append(m.Headers, kafka.Header{Key: hd.Key, Value: b})
	}
	return m, nil
}

func (h *errorHandler) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.producer != nil {
		h.producer.Close()
		h.producer = nil
	}
}
