package source

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/converters"
	"github.com/connectkit/connectkit/internal/clientconfig"
	"github.com/connectkit/connectkit/internal/metrics"
	"github.com/connectkit/connectkit/internal/runner"
)

// Retry delays grow from retryMinDelay, as in Kafka Connect's
// RetryWithToleranceOperator.
const retryMinDelay = 300 * time.Millisecond

// reportWait is how long produce waits before offering a record again to a
// producer whose queue is full.
const reportWait = 50 * time.Millisecond

// taskRunner drives one SourceTask with three goroutines: the poll loop
// (pollLoop), which calls Poll and converts records; the producing loop
// (run and loop), which calls Start and Stop and produces the converted
// records; and the acknowledger (acknowledge), which handles delivery
// reports, calls CommitRecord, stores offsets and calls Commit, so that
// offsets are stored on time even while Poll blocks, as Kafka Connect's
// committer thread does.
type taskRunner struct {
	rt     *Runtime
	id     int
	config map[string]string
	log    *slog.Logger
	s      *settings

	task            connect.SourceTask
	recordCommitter connect.RecordCommitter
	sourceCommitter connect.SourceCommitter

	producer  *kafka.Producer
	reports   chan kafka.Event
	skips     chan *pending // records the poll loop skipped, for the acknowledger to commit
	keyConv   converters.Converter
	valueConv converters.Converter
	hdrConv   converters.HeaderConverter
	topics    *topicCreator
	store     OffsetStore
	tracker   *offsetTracker
	window    *window // records produced and not yet reported

	taskCtx    context.Context // cancelled after the graceful timeout once shutdown began
	cancelPoll context.CancelFunc

	gate *gate // closed while failed deliveries wait to be produced again

	// Owned by the poll loop.
	pollRetry retryClock
	lastTopic *string // the topic of the last record converted

	// Owned by the acknowledger until it exits, then by run.
	lastFlush     time.Time
	deliveryRetry retryClock
	retries       []*pending               // deliveries that failed retriably, holding their window places
	acked         []*pending               // acknowledged, waiting for finishAcks
	ackMeta       []connect.RecordMetadata // where each of acked was written, for CommitRecord
	retryAt       time.Time
	draining      bool // shutdown began: failed deliveries are no longer retried

	bg sync.WaitGroup // log forwarder and acknowledger

	state *runner.TaskState
	m     *metrics.Task
	reach clientconfig.Reachability
	watch clientconfig.Watch // owned by the acknowledger

	mu    sync.Mutex
	fatal error // set by the acknowledger: a delivery that may not be skipped failed
}

func newTaskRunner(rt *Runtime, id int, config map[string]string) *taskRunner {
	m := rt.m.NewTask(id)
	return &taskRunner{
		rt: rt, id: id, config: config, s: rt.settings,
		log:     rt.log.With("task", id),
		tracker: newOffsetTracker(),
		state:   runner.NewTaskState(rt.settings.name, id, observer(m, rt.opts.observer)),
		m:       m,
	}
}

// fail records err as the task's failure cause.
func (t *taskRunner) fail(op string, err error) error {
	te := t.wrap(op, err)
	t.log.Error("task failed", "op", te.Op, "err", te.Err, "stack", te.Stack)
	t.state.Set(connect.StateFailed, te)
	return te
}

func (t *taskRunner) wrap(op string, err error) *connect.TaskError {
	var te *connect.TaskError
	if errors.As(err, &te) {
		return te
	}
	return &connect.TaskError{Connector: t.s.name, Task: t.id, Op: op, Err: err}
}

// run is the task's whole life: start, poll and produce until ctx is done
// or the task fails, then wait for acknowledgements, store offsets, stop.
func (t *taskRunner) run(ctx context.Context, store OffsetStore) error {
	taskCtx, stopGrace := runner.GraceContext(ctx, t.s.shutdownTimeout)
	defer stopGrace()
	t.taskCtx = taskCtx
	pollCtx, cancelPoll := context.WithCancel(ctx)
	defer cancelPoll()
	t.cancelPoll = cancelPoll
	t.store = store

	defer t.bg.Wait()
	if err := t.setup(ctx); err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			t.state.Set(connect.StateStopped, nil) // stopped while waiting for the cluster
			return nil
		}
		return t.fail("start", err)
	}
	defer t.closeProducer()

	t.task = t.rt.connector.NewTask()
	t.recordCommitter, _ = t.task.(connect.RecordCommitter)
	t.sourceCommitter, _ = t.task.(connect.SourceCommitter)
	tc := &taskContext{config: t.config, connector: t.s.name, store: store, log: t.log}
	if err := t.state.Call("Start", func() error { return t.task.Start(taskCtx, t.config, tc) }); err != nil {
		// A task that did not start is not stopped, as in Kafka Connect.
		return t.fail("Start", err)
	}
	t.state.Set(connect.StateRunning, nil)
	t.log.Info("task started")

	drain, stopAck, ackDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
	t.bg.Add(1)
	go func() {
		defer t.bg.Done()
		defer close(ackDone)
		t.acknowledge(drain, stopAck)
	}()

	loopErr := t.loop(pollCtx)
	shutdownErr := t.shutdown(drain, stopAck, ackDone)
	if loopErr == nil {
		loopErr = t.fatalErr()
	}
	if loopErr != nil {
		te := t.fail("poll", loopErr)
		if shutdownErr != nil {
			// The status keeps the first cause; Stop's failure is
			// logged and returned with it.
			t.log.Error("shutdown after the failure failed too", "err", shutdownErr)
			return errors.Join(te, shutdownErr)
		}
		return te
	}
	if shutdownErr != nil {
		return t.fail("shutdown", shutdownErr)
	}
	t.state.Set(connect.StateStopped, nil)
	t.log.Info("task stopped")
	return nil
}

func (t *taskRunner) setup(ctx context.Context) error {
	var err error
	if t.keyConv, t.valueConv, t.hdrConv, err = newConverters(t.s); err != nil {
		return err
	}
	cfg, _, err := producerConfig(t.s, "connector-producer-"+t.s.name+"-"+strconv.Itoa(t.id))
	if err != nil {
		return err
	}
	max := maxOutstanding(cfg)
	t.window = newWindow(max)
	t.m.SetSourceActive(t.window.size)
	t.gate = newGate()
	// Room for every report, so librdkafka never waits on the task.
	t.reports = make(chan kafka.Event, max)
	t.skips = make(chan *pending, 64)
	if t.producer, err = kafka.NewProducer(cfg); err != nil {
		return fmt.Errorf("create producer: %w", err)
	}
	t.bg.Add(1)
	go func() {
		defer t.bg.Done()
		clientconfig.ForwardLogs(t.producer.Logs(), t.log.With("client", "producer"))
	}()
	bootstrap := fmt.Sprint((*cfg)["bootstrap.servers"])
	if err := t.reachCluster(ctx, bootstrap); err != nil {
		t.producer.Close()
		return err
	}
	t.watch = clientconfig.Watch{Client: t.producer, Bootstrap: bootstrap, Timeout: t.rt.opts.cluster, Log: t.log, Reach: &t.reach}
	if t.topics, err = newTopicCreator(t.s, t.producer); err != nil {
		t.producer.Close()
		return err
	}
	return nil
}

// closeProducer closes the producer. Records still unacknowledged after the
// graceful shutdown are purged first: their offsets were not stored, so
// they are polled again on restart.
func (t *taskRunner) closeProducer() {
	defer t.state.Enter("close producer")()
	t.topics.close()
	if t.window.size() > 0 {
		_ = t.producer.Purge(kafka.PurgeQueue | kafka.PurgeInFlight | kafka.PurgeNonBlocking)
	}
	t.producer.Close()
}

// setFatal records the error that fails the task and interrupts Poll.
func (t *taskRunner) setFatal(err error) {
	t.mu.Lock()
	if t.fatal == nil {
		t.fatal = err
	}
	t.mu.Unlock()
	t.cancelPoll()
}

func (t *taskRunner) fatalErr() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.fatal
}

// loop polls and produces until ctx is done. ctx is also cancelled when the
// acknowledger meets an error that fails the task.
//
// Polling and converting run on a goroutine of their own (pollLoop), which
// hands each converted batch to this one to produce. So the next Poll, and
// the conversion of what it returns, overlap producing the last batch: a
// task that spends as long in Poll as the producer spends on its records
// (reading and parsing a response, say) does not leave either waiting for
// the other. The hand-off is unbuffered: besides the batch being produced,
// at most one converted batch waits.
func (t *taskRunner) loop(ctx context.Context) error {
	batches := make(chan batch)
	var pollErr error
	go func() {
		defer close(batches)
		pollErr = t.pollLoop(ctx, batches)
	}()
	var sendErr error
	for b := range batches {
		if sendErr != nil {
			continue // not produced: their offsets are never stored
		}
		if sendErr = t.send(b); sendErr != nil {
			t.cancelPoll()
		}
	}
	if sendErr != nil {
		return sendErr
	}
	return pollErr
}

// batch is the records of one Poll, converted, on their way to the
// producer.
type batch struct {
	ps  []*pending // the records to produce, in poll order
	err error      // fails the task once ps are produced
}

// pollLoop calls Poll and converts what it returns until ctx is done, and
// sends each batch to out. It returns a Poll error that fails the task; a
// record that cannot be converted or tracked ends the loop with its batch.
func (t *taskRunner) pollLoop(ctx context.Context, out chan<- batch) error {
	for ctx.Err() == nil {
		var recs []connect.SourceRecord
		start := time.Now()
		err := t.state.Call("Poll", func() error {
			var perr error
			recs, perr = t.task.Poll(ctx)
			return perr
		})
		t.polled(len(recs), start)
		if err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				break // Poll noticed the shutdown
			}
			if err := t.pollFailed(ctx, err); err != nil {
				return err
			}
			continue
		}
		t.pollRetry.reset()
		if len(recs) == 0 {
			continue
		}
		// Records Poll returned are produced even when shutdown began
		// during the call: the graceful shutdown awaits them.
		b := t.convertBatch(recs)
		out <- b
		if b.err != nil {
			break
		}
	}
	return nil
}

// pollFailed backs off after a retriable Poll error, within
// errors.retry.timeout, and returns any other error.
func (t *taskRunner) pollFailed(ctx context.Context, err error) error {
	t.m.RecordFailure()
	if !connect.IsRetriable(err) {
		t.m.Errors.Add(1)
		return t.wrap("Poll", err)
	}
	delay, rerr := t.pollRetry.next(t.s, err)
	if rerr != nil {
		t.m.Errors.Add(1)
		return t.wrap("Poll", rerr)
	}
	t.m.Retries.Add(1)
	t.log.Warn("Poll failed with a retriable error; retrying", "attempt", t.pollRetry.attempt, "backoff", delay, "err", err)
	sleep(ctx, delay)
	return nil
}

// retryClock times the retries of one kind of operation: exponential
// backoff, bounded by errors.retry.timeout from the first failure.
type retryClock struct {
	since   time.Time // first failure since the last success; zero after a success
	attempt int
}

// next returns the delay before the next retry of an operation that failed
// with err, or an error once errors.retry.timeout has passed since the
// failures began.
func (c *retryClock) next(s *settings, err error) (time.Duration, error) {
	if c.since.IsZero() {
		c.since = time.Now()
	}
	if failing := time.Since(c.since); s.retryTimeout > 0 && failing >= s.retryTimeout {
		return 0, fmt.Errorf("giving up after failing for %v (errors.retry.timeout=%v): %w",
			failing.Round(time.Millisecond), s.retryTimeout, err)
	}
	attempt := c.attempt
	c.attempt++
	var re *connect.RetriableError
	if errors.As(err, &re) && re.Backoff > 0 {
		return re.Backoff, nil
	}
	d := min(retryMinDelay<<min(attempt, 20), s.retryMaxDelay)
	return d/2 + rand.N(d/2+1), nil
}

func (c *retryClock) reset() { c.since, c.attempt = time.Time{}, 0 }

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}

// convertBatch tracks and converts recs, in order. A record that cannot be
// converted is skipped under errors.tolerance=all; otherwise the batch ends
// before it, with the error.
func (t *taskRunner) convertBatch(recs []connect.SourceRecord) batch {
	ps, trackErr := t.tracker.track(recs)
	b := batch{ps: make([]*pending, 0, len(ps))}
	for i := range ps {
		p := &ps[i]
		if err := t.convert(p); err != nil {
			if b.err = t.tolerate(p, "convert", err); b.err != nil {
				return b
			}
			t.skips <- p
			continue
		}
		b.ps = append(b.ps, p)
	}
	if trackErr != nil {
		rec := &recs[len(ps)]
		b.err = t.wrap("track", fmt.Errorf("record for topic %s: %w", rec.Topic, trackErr))
	}
	return b
}

// send produces the records of b, in order, then returns b's error.
func (t *taskRunner) send(b batch) error {
	for _, p := range b.ps {
		if err := t.topics.ensure(t.taskCtx, p.rec.Topic); err != nil {
			return t.wrap("create topic", err)
		}
		if err := t.produce(p); err != nil {
			return err
		}
	}
	return b.err
}

// convert serializes the key, value and headers of p's record into p.
func (t *taskRunner) convert(p *pending) error {
	rec := p.rec
	if rec.Topic == "" {
		return &connect.DataError{Op: "record", Err: errors.New("no topic")}
	}
	key, err := t.keyConv.FromConnectData(rec.Topic, rec.KeySchema, rec.Key)
	if err != nil {
		return &connect.DataError{Op: "convert key", Err: err}
	}
	value, err := t.valueConv.FromConnectData(rec.Topic, rec.ValueSchema, rec.Value)
	if err != nil {
		return &connect.DataError{Op: "convert value", Err: err}
	}
	p.key, p.value, p.topic, p.partition = key, value, t.topicPtr(rec.Topic), kafka.PartitionAny
	if rec.Partition != nil {
		p.partition = *rec.Partition
	}
	if len(rec.Headers) > 0 {
		p.headers = make([]kafka.Header, len(rec.Headers))
		for i, h := range rec.Headers {
			b, err := t.hdrConv.FromConnectHeader(rec.Topic, h.Key, h.Schema, h.Value)
			if err != nil {
				return &connect.DataError{Op: fmt.Sprintf("convert header %q", h.Key), Err: err}
			}
			p.headers[i] = kafka.Header{Key: h.Key, Value: b}
		}
	}
	return nil
}

// topicPtr returns a shared pointer to topic for kafka.Message, sparing an
// allocation per record: tasks mostly write to one topic.
func (t *taskRunner) topicPtr(topic string) *string {
	if t.lastTopic == nil || *t.lastTopic != topic {
		// A copy, so that only a new topic moves to the heap, not
		// every call's argument.
		s := topic
		t.lastTopic = &s
	}
	return t.lastTopic
}

// describe names a record for errors and logs: its topic and source
// partition, never its key or value.
func describe(rec *connect.SourceRecord) string {
	if rec.SourcePartition == nil {
		return fmt.Sprintf("record for topic %s", rec.Topic)
	}
	b, _ := marshal(rec.SourcePartition)
	return fmt.Sprintf("record for topic %s from source partition %s", rec.Topic, b)
}

// tolerate applies errors.tolerance to a record that could not be converted
// or produced: under all it is logged and nil is returned, and the caller
// skips it (see skipped); otherwise it returns the error that fails the
// task, naming the record.
func (t *taskRunner) tolerate(p *pending, stage string, cause error) error {
	t.m.RecordFailure()
	t.m.Errors.Add(1)
	if !t.s.tolerateAll {
		return t.wrap(stage, fmt.Errorf("%s: %w (errors.tolerance=none)", describe(p.rec), cause))
	}
	if t.s.logErrors {
		attrs := []any{"stage", stage, "record", describe(p.rec), "err", cause}
		if t.s.logMessages {
			attrs = append(attrs, "source_offset", p.rec.SourceOffset)
		}
		t.log.Error("tolerated error; record skipped", attrs...)
		t.m.Logged.Add(1)
	}
	t.m.Skipped.Add(1)
	return nil
}

// skipped finishes a record skipped under errors.tolerance=all, on the
// acknowledger: CommitRecord with offset -1, as Kafka Connect calls
// commitRecord(record, null), so that a task waiting for every record is not
// stalled; then the offset tracker may pass it (once every earlier record of
// its partition is done).
func (t *taskRunner) skipped(p *pending) {
	if t.recordCommitter != nil {
		meta := connect.RecordMetadata{Topic: p.rec.Topic, Partition: -1, Offset: -1}
		if err := t.state.Call("CommitRecord", func() error { return t.recordCommitter.CommitRecord(t.taskCtx, p.rec, meta) }); err != nil {
			t.log.Error("CommitRecord failed", "record", describe(p.rec), "err", err)
		}
	}
	t.tracker.done(p)
}

// produce hands one record to the producer once the window of
// unacknowledged records has room. Once shutdown began it waits only
// within the graceful timeout; a record not produced then is simply not
// acknowledged, so its offset is never stored.
func (t *taskRunner) produce(p *pending) error {
	if err := t.gate.wait(t.taskCtx); err != nil {
		return nil
	}
	if err := t.window.acquire(t.taskCtx); err != nil {
		return nil
	}
	msg := p.message()
	for {
		err := t.producer.Produce(&msg, t.reports)
		if err == nil {
			return nil
		}
		var kerr kafka.Error
		if errors.As(err, &kerr) && kerr.Code() == kafka.ErrQueueFull {
			// librdkafka's byte limit (queue.buffering.max.kbytes) is
			// full: the acknowledger is draining it.
			sleep(t.taskCtx, reportWait)
			if t.taskCtx.Err() != nil {
				t.window.release(1)
				return nil
			}
			continue
		}
		t.window.release(1)
		if errors.As(err, &kerr) && kerr.IsFatal() {
			return t.wrap("produce", fmt.Errorf("%s: %w", describe(p.rec), err))
		}
		// The producer refused the record itself (too large, say).
		if err := t.tolerate(p, "produce", err); err != nil {
			return err
		}
		t.skips <- p
		return nil
	}
}

// acknowledge handles delivery reports, produces again the records whose
// delivery failed retriably, and flushes offsets on
// offset.flush.interval.ms, until stop is closed. Closing drain ends the
// retries: from then on a failed record is left unacknowledged.
func (t *taskRunner) acknowledge(drain, stop <-chan struct{}) {
	t.lastFlush = time.Now()
	ticker := time.NewTicker(min(t.s.flushInterval, time.Second))
	defer ticker.Stop()
	var retryTimer <-chan time.Time
	for {
		select {
		case ev := <-t.reports:
			t.deliveredBatch(ev)
		case p := <-t.skips:
			t.skipped(p)
		case ev := <-t.producer.Events():
			t.producerEvent(ev)
		case <-ticker.C:
		case <-retryTimer:
			retryTimer = nil
		case <-drain:
			drain = nil
			t.draining = true
			t.dropRetries()
		case <-stop:
			return
		}
		if len(t.retries) > 0 && retryTimer == nil {
			if wait := time.Until(t.retryAt); wait > 0 {
				retryTimer = time.After(wait)
			} else if t.window.size() == len(t.retries) {
				// Every other record is reported: produce the failed
				// ones again, in the order Poll returned them.
				t.produceRetries()
			}
		}
		if time.Since(t.lastFlush) >= t.s.flushInterval {
			t.flush()
		}
		t.watch.Check()
	}
}

// retry queues a record whose delivery failed retriably. It keeps its
// window place, and new records wait at the gate, until it is produced
// again after a backoff.
func (t *taskRunner) retry(p *pending, err error) {
	t.m.RecordFailure()
	if t.draining {
		t.window.release(1)
		return
	}
	if len(t.retries) == 0 {
		t.gate.close()
		delay, rerr := t.deliveryRetry.next(t.s, err)
		if rerr != nil {
			t.window.release(1)
			t.setFatal(t.wrap("produce", fmt.Errorf("%s: %w", describe(p.rec), rerr)))
			t.draining = true
			t.dropRetries()
			return
		}
		t.retryAt = time.Now().Add(delay)
		t.m.Retries.Add(1)
		t.log.Warn("records could not be delivered; producing them again", "first", describe(p.rec),
			"backoff", delay, "err", err)
	}
	t.retries = append(t.retries, p)
}

func (t *taskRunner) produceRetries() {
	slices.SortFunc(t.retries, func(a, b *pending) int { return cmp.Compare(a.seq, b.seq) })
	for i, p := range t.retries {
		msg := p.message()
		if err := t.producer.Produce(&msg, t.reports); err != nil {
			// The queue is full or the producer failed: try the rest
			// again after another backoff.
			t.retries = slices.Delete(t.retries, 0, i)
			delay, rerr := t.deliveryRetry.next(t.s, err)
			if rerr != nil {
				t.setFatal(t.wrap("produce", fmt.Errorf("%s: %w", describe(p.rec), rerr)))
				t.dropRetries()
				return
			}
			t.retryAt = time.Now().Add(delay)
			return
		}
	}
	t.retries = t.retries[:0]
	t.gate.open()
}

// dropRetries gives up the queued retries: the records stay
// unacknowledged, so no offset passes them.
func (t *taskRunner) dropRetries() {
	if len(t.retries) > 0 {
		t.log.Warn("records not delivered; they will be polled again after a restart", "records", len(t.retries),
			"first", describe(t.retries[0].rec))
	}
	t.window.release(len(t.retries))
	t.retries = nil
	t.gate.open()
}

// collectReports handles the delivery reports already in, after the
// acknowledger has exited.
func (t *taskRunner) collectReports() {
	for {
		select {
		case ev := <-t.reports:
			t.deliveredBatch(ev)
		case p := <-t.skips:
			t.skipped(p)
		default:
			return
		}
	}
}

func (t *taskRunner) producerEvent(ev kafka.Event) {
	if e, ok := ev.(kafka.Error); ok {
		if e.IsFatal() {
			t.setFatal(t.wrap("produce", fmt.Errorf("producer: %w", e)))
			return
		}
		t.log.Debug("producer error", "err", e)
		t.watch.Event(e)
	}
}

// ackBatch bounds the delivery reports handled together: one CommitRecord
// call frame, one offset tracker lock and one window release per batch
// instead of per record.
const ackBatch = 1024

// deliveredBatch handles ev and the delivery reports already waiting behind
// it, up to ackBatch.
func (t *taskRunner) deliveredBatch(ev kafka.Event) {
	t.delivered(ev)
more:
	for range ackBatch - 1 {
		select {
		case ev := <-t.reports:
			t.delivered(ev)
		default:
			break more
		}
	}
	t.finishAcks()
}

// delivered handles one delivery report: a success is queued for
// finishAcks; a failure is retried or handled by errors.tolerance.
func (t *taskRunner) delivered(ev kafka.Event) {
	m, ok := ev.(*kafka.Message)
	if !ok {
		return
	}
	p := m.Opaque.(*pending)
	if err := m.TopicPartition.Error; err != nil {
		if retriableDelivery(err) {
			t.retry(p, err)
			return
		}
		t.window.release(1)
		if terr := t.tolerate(p, "produce", err); terr != nil {
			t.setFatal(terr)
			return
		}
		t.skipped(p)
		return
	}
	t.deliveryRetry.reset()
	t.acked = append(t.acked, p)
	if t.recordCommitter != nil {
		t.ackMeta = append(t.ackMeta, connect.RecordMetadata{Topic: *m.TopicPartition.Topic,
			Partition: m.TopicPartition.Partition, Offset: int64(m.TopicPartition.Offset), Timestamp: m.Timestamp})
	}
}

// finishAcks calls CommitRecord for each record acknowledged since the last
// call, in order, then lets the offset tracker pass them and frees their
// window places.
func (t *taskRunner) finishAcks() {
	if len(t.acked) == 0 {
		return
	}
	if t.recordCommitter != nil {
		for i := 0; i < len(t.acked); {
			err := t.state.Call("CommitRecord", func() error {
				for ; i < len(t.acked); i++ {
					if err := t.recordCommitter.CommitRecord(t.taskCtx, t.acked[i].rec, t.ackMeta[i]); err != nil {
						// As in Kafka Connect: the record is in Kafka, so
						// this is only logged.
						t.log.Error("CommitRecord failed", "record", describe(t.acked[i].rec), "err", err)
					}
				}
				return nil
			})
			if err != nil { // a panic in the call for record i
				t.log.Error("CommitRecord failed", "record", describe(t.acked[i].rec), "err", err)
				i++
			}
		}
	}
	t.m.Written.Add(uint64(len(t.acked)))
	t.tracker.done(t.acked...)
	t.window.release(len(t.acked))
	clear(t.acked)
	t.acked, t.ackMeta = t.acked[:0], t.ackMeta[:0]
}

// retriableDelivery reports whether a failed delivery may succeed if the
// record is produced again: a timeout, a topic that does not exist yet, a
// leader that moved.
func retriableDelivery(err error) bool {
	var kerr kafka.Error
	if !errors.As(err, &kerr) {
		return false
	}
	if kerr.IsFatal() {
		return false
	}
	if kerr.IsRetriable() || kerr.IsTimeout() {
		return true
	}
	switch kerr.Code() {
	case kafka.ErrMsgTimedOut, kafka.ErrTimedOut, kafka.ErrUnknownTopic, kafka.ErrUnknownTopicOrPart,
		kafka.ErrUnknownPartition, kafka.ErrLeaderNotAvailable, kafka.ErrNotLeaderForPartition,
		kafka.ErrNotEnoughReplicas, kafka.ErrNotEnoughReplicasAfterAppend, kafka.ErrTransport,
		kafka.ErrAllBrokersDown, kafka.ErrRequestTimedOut, kafka.ErrNetworkException:
		return true
	}
	return false
}

// flush stores the offsets that moved since the last flush, within
// offset.flush.timeout.ms, and then tells the task. A failed store is
// logged and retried at the next flush: nothing is lost, records after the
// stored offsets are produced again after a restart.
func (t *taskRunner) flush() {
	t.lastFlush = time.Now()
	f := t.tracker.unflushed()
	if len(f.offsets) > 0 {
		start := time.Now()
		ctx, cancel := context.WithTimeout(t.taskCtx, t.s.flushTimeout)
		leave := t.state.Enter("store offsets")
		err := t.store.StoreOffsets(ctx, t.s.name, f.offsets)
		leave()
		cancel()
		t.committed(start, err)
		if err != nil {
			t.log.Error("storing source offsets failed; will retry at the next flush", "partitions", len(f.offsets), "err", err)
			return
		}
		t.tracker.stored(f)
		t.log.Debug("stored source offsets", "partitions", len(f.offsets))
	}
	if t.sourceCommitter != nil {
		if err := t.state.Call("Commit", func() error { return t.sourceCommitter.Commit(t.taskCtx) }); err != nil {
			t.log.Error("Commit failed", "err", err)
		}
	}
}

// shutdown waits, within the graceful timeout, for the records produced so
// far to be acknowledged, stops the acknowledger, stores the offsets and
// stops the task. It runs after a failure too: offsets of acknowledged
// records are safe to store, as in Kafka Connect.
func (t *taskRunner) shutdown(drain, stopAck chan struct{}, ackDone <-chan struct{}) error {
	close(drain)
	if err := t.window.waitEmpty(t.taskCtx); err != nil {
		t.log.Warn("records not acknowledged within the graceful shutdown timeout; they will be polled again",
			"records", t.window.size(), "timeout", t.s.shutdownTimeout)
	}
	close(stopAck)
	<-ackDone
	t.collectReports()
	t.flush()
	if err := t.state.Call("Stop", func() error { return t.task.Stop(t.taskCtx) }); err != nil {
		return t.wrap("Stop", err)
	}
	return nil
}

// window bounds the records produced and not yet reported.
type window struct {
	mu      sync.Mutex
	n       int
	max     int
	waiting int           // goroutines waiting on wake
	wake    chan struct{} // closed, and replaced, when n drops and someone waits
}

func newWindow(max int) *window { return &window{max: max, wake: make(chan struct{})} }

// acquire takes a place, waiting for one while the window is full.
func (w *window) acquire(ctx context.Context) error {
	return w.wait(ctx, func() bool {
		if w.n < w.max {
			w.n++
			return true
		}
		return false
	})
}

// waitEmpty waits until every place taken was released.
func (w *window) waitEmpty(ctx context.Context) error {
	return w.wait(ctx, func() bool { return w.n == 0 })
}

// wait waits until ok, called with mu held, returns true.
func (w *window) wait(ctx context.Context, ok func() bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for !ok() {
		wake := w.wake
		w.waiting++
		w.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
		}
		w.mu.Lock()
		w.waiting--
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// release frees n places.
func (w *window) release(n int) {
	w.mu.Lock()
	w.n -= n
	if w.waiting > 0 {
		close(w.wake)
		w.wake = make(chan struct{})
	}
	w.mu.Unlock()
}

func (w *window) size() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// gate holds new records back while failed ones wait to be produced again,
// so that records keep the order Poll returned them in.
type gate struct {
	shut   atomic.Bool // the gate is closed: spares wait the lock while it is open
	mu     sync.Mutex
	opened chan struct{} // closed while the gate is open
}

func newGate() *gate {
	g := &gate{opened: make(chan struct{})}
	close(g.opened)
	return g
}

func (g *gate) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.opened:
		g.opened = make(chan struct{})
		g.shut.Store(true)
	default:
	}
}

func (g *gate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.opened:
	default:
		g.shut.Store(false)
		close(g.opened)
	}
}

// wait returns once the gate is open, or ctx's error.
func (g *gate) wait(ctx context.Context) error {
	if !g.shut.Load() {
		return nil
	}
	g.mu.Lock()
	opened := g.opened
	g.mu.Unlock()
	select {
	case <-opened:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
