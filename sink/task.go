package sink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
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

// pollTimeout bounds how long the loop waits for the first record of a batch,
// so commits and shutdown are noticed promptly when the topic is idle.
const pollTimeout = 50 * time.Millisecond

// taskRunner drives one SinkTask. All its fields except status are owned by
// the goroutine running run; the rebalance callback runs inside
// consumer.Poll on that same goroutine.
type taskRunner struct {
	rt     *Runtime
	id     int
	config map[string]string
	log    *slog.Logger
	s      *settings

	task         connect.SinkTask
	flusher      connect.Flusher
	preCommitter connect.PreCommitter
	opener       connect.PartitionOpener
	closer       connect.PartitionCloser

	consumer  *kafka.Consumer
	keyConv   converters.Converter
	valueConv converters.Converter
	hdrConv   converters.HeaderConverter
	maxBatch  int
	tc        *taskContext
	errs      *errorHandler

	taskCtx context.Context // cancelled after the graceful timeout once shutdown began

	assigned      map[connect.TopicPartition]bool
	current       map[connect.TopicPartition]int64 // next offset after what Put accepted
	committed     map[connect.TopicPartition]int64 // last committed next offsets
	pausedByRetry bool
	msgs          []*kafka.Message
	batch         []connect.SinkRecord
	batchEnd      map[connect.TopicPartition]int64 // next offset after the current batch, per partition, including skipped records
	lastCommit    time.Time
	// flushFailingSince is when PreCommit/Flush began failing with
	// retriable errors; zero while they succeed.
	flushFailingSince time.Time
	// putFailingSince is when Put began failing with retriable errors;
	// zero once a Put succeeds.
	putFailingSince time.Time
	closing         bool
	static          bool  // the consumer has a group.instance.id (see closeConsumer)
	fatal           error // set inside callbacks; checked by the loop

	bg sync.WaitGroup // log and event forwarders of the task's clients

	state *runner.TaskState
	m     *metrics.Task
	reach clientconfig.Reachability
	watch clientconfig.Watch // owned by the task's goroutine
}

func newTaskRunner(rt *Runtime, id int, config map[string]string) *taskRunner {
	m := rt.m.NewTask(id)
	return &taskRunner{
		rt: rt, id: id, config: config, s: rt.settings,
		log:       rt.log.With("task", id),
		assigned:  map[connect.TopicPartition]bool{},
		current:   map[connect.TopicPartition]int64{},
		committed: map[connect.TopicPartition]int64{},
		batchEnd:  map[connect.TopicPartition]int64{},
		state:     runner.NewTaskState(rt.settings.name, id, observer(m, rt.opts.observer)),
		m:         m,
	}
}

// fail records err as the task's failure cause.
func (t *taskRunner) fail(op string, err error) error {
	var te *connect.TaskError
	if !errors.As(err, &te) {
		te = &connect.TaskError{Connector: t.s.name, Task: t.id, Op: op, Err: err}
	}
	t.log.Error("task failed", "op", te.Op, "err", te.Err, "stack", te.Stack)
	t.state.Set(connect.StateFailed, te)
	return te
}

// run is the task's whole life: start, consume until ctx is done or the task
// fails, then a final commit, close and stop.
func (t *taskRunner) run(ctx context.Context) (err error) {
	taskCtx, stopGrace := runner.GraceContext(ctx, t.s.shutdownTimeout)
	defer stopGrace()
	t.taskCtx = taskCtx

	defer t.bg.Wait()
	if err := t.setup(ctx); err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			t.state.Set(connect.StateStopped, nil) // stopped while waiting for the cluster
			return nil
		}
		return t.fail("start", err)
	}
	defer func() {
		defer t.state.Enter("close the dead-letter queue producer")()
		t.errs.close()
	}()

	t.task = t.rt.connector.NewTask()
	t.flusher, _ = t.task.(connect.Flusher)
	t.preCommitter, _ = t.task.(connect.PreCommitter)
	t.opener, _ = t.task.(connect.PartitionOpener)
	t.closer, _ = t.task.(connect.PartitionCloser)
	if err := t.state.Call("Start", func() error { return t.task.Start(taskCtx, t.config, t.tc) }); err != nil {
		t.closing = true // a task that did not start gets no Close or PreCommit
		t.closeConsumer()
		return t.fail("Start", err)
	}
	t.state.Set(connect.StateRunning, nil)
	t.log.Info("task started")

	loopErr := t.loop(ctx)
	shutdownErr := t.shutdown(loopErr == nil)
	if loopErr != nil {
		te := t.fail("poll", loopErr)
		if shutdownErr != nil {
			// The status keeps the first cause; the shutdown's failure
			// (Close, Stop) is logged and returned with it.
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
	if t.keyConv, err = t.s.convs.New(t.s.keyConverter, t.s.converterConfigs[KeyConverterConfig], true); err != nil {
		return fmt.Errorf("%s: %w", KeyConverterConfig, err)
	}
	if t.valueConv, err = t.s.convs.New(t.s.valueConverter, t.s.converterConfigs[ValueConverterConfig], false); err != nil {
		return fmt.Errorf("%s: %w", ValueConverterConfig, err)
	}
	hc := t.s.headerConverter
	if hc == "" {
		hc = converters.SimpleHeaderConverterClass
	}
	if t.hdrConv, err = t.s.convs.NewHeaderConverter(hc, t.s.converterConfigs[HeaderConverterConfig]); err != nil {
		return fmt.Errorf("%s: %w", HeaderConverterConfig, err)
	}
	cfg, maxBatch, _, err := consumerConfig(t.s, t.id)
	if err != nil {
		return err
	}
	if _, set := (*cfg)["statistics.interval.ms"]; !set && t.rt.collector != nil {
		(*cfg)["statistics.interval.ms"] = defaultStatisticsInterval
	}
	t.maxBatch = maxBatch
	if id, ok := (*cfg)["group.instance.id"]; ok {
		t.static = true
		t.log.Info("the consumer joins its group as a static member", "group.instance.id", id)
	}
	t.msgs = make([]*kafka.Message, 0, maxBatch)
	t.batch = make([]connect.SinkRecord, 0, maxBatch)
	if t.consumer, err = kafka.NewConsumer(cfg); err != nil {
		return fmt.Errorf("create consumer: %w", err)
	}
	t.forwardLogs(t.consumer.Logs(), "consumer")
	bootstrap := fmt.Sprint((*cfg)["bootstrap.servers"])
	if err := t.reachCluster(ctx, bootstrap); err != nil {
		t.consumer.Close()
		return err
	}
	t.watch = clientconfig.Watch{Client: t.consumer, Bootstrap: bootstrap, Timeout: t.rt.opts.cluster, Log: t.log, Reach: &t.reach}
	t.tc = newTaskContext(t.config)
	t.tc.log = t.log
	t.tc.consumer = t.consumer
	t.tc.bootstrap = t.s.bootstrapServers
	t.errs = newErrorHandler(t)
	t.tc.reporter = t.errs
	if t.s.topicsRegex != "" {
		err = t.consumer.SubscribeTopics([]string{anchorRegex(t.s.topicsRegex)}, t.rebalance)
	} else {
		err = t.consumer.SubscribeTopics(t.s.topics, t.rebalance)
	}
	if err != nil {
		t.closeConsumer()
		return fmt.Errorf("subscribe: %w", err)
	}
	return nil
}

// forwardLogs copies a client's librdkafka log lines to the task's logger
// until the client is closed.
func (t *taskRunner) forwardLogs(logs chan kafka.LogEvent, client string) {
	t.bg.Add(1)
	go func() {
		defer t.bg.Done()
		clientconfig.ForwardLogs(logs, t.log.With("client", client))
	}()
}

// anchorRegex turns Kafka Connect's topics.regex, which must match a whole
// topic name, into a librdkafka subscription pattern.
func anchorRegex(re string) string { return "^(" + re + ")$" }

func (t *taskRunner) loop(ctx context.Context) error {
	t.lastCommit = time.Now()
	for ctx.Err() == nil {
		if err := t.pollBatch(); err != nil {
			return err
		}
		t.watch.Check()
		t.m.Read.Add(uint64(len(t.msgs)))
		if t.fatal != nil {
			return t.fatal
		}
		if len(t.msgs) > 0 {
			if err := t.convertBatch(); err != nil {
				var stop *stopAtRecord
				if errors.As(err, &stop) {
					return t.stopAt(ctx, stop)
				}
				return err
			}
			if err := t.deliver(ctx); err != nil {
				return err
			}
			if t.fatal != nil {
				return t.fatal
			}
		}
		if err := t.applyRequests(); err != nil {
			return err
		}
		if t.tc.takeCommitRequest() || time.Since(t.lastCommit) >= t.s.flushInterval {
			if err := t.commit(nil); err != nil {
				return err
			}
			// A rewind asked for in PreCommit (say, after a failed
			// upload) must apply before the next poll, as in Kafka Connect.
			if err := t.applyRequests(); err != nil {
				return err
			}
		}
	}
	return nil
}

// pollBatch fills t.msgs with up to maxBatch messages: it waits up to
// pollTimeout for the first and then takes what is already buffered.
func (t *taskRunner) pollBatch() error {
	t.msgs = t.msgs[:0]
	timeout := int(pollTimeout / time.Millisecond)
	for len(t.msgs) < t.maxBatch {
		ev := t.consumer.Poll(timeout)
		if ev == nil {
			return nil
		}
		switch e := ev.(type) {
		case *kafka.Message:
			if e.TopicPartition.Error != nil {
				t.log.Warn("consume error", "partition", e.TopicPartition.String(), "err", e.TopicPartition.Error)
				continue
			}
			t.msgs = append(t.msgs, e)
			timeout = 0
		case kafka.Error:
			if e.IsFatal() {
				return fmt.Errorf("consumer: %w", e)
			}
			t.log.Debug("consumer error", "err", e)
			t.watch.Event(e)
		case *kafka.Stats:
			t.statistics(e)
		}
	}
	return nil
}

// convertBatch converts t.msgs into t.batch. A record that fails conversion
// is handled by the error handler: under errors.tolerance=all it is reported
// and skipped, otherwise the task fails naming it.
func (t *taskRunner) convertBatch() error {
	t.batch = t.batch[:0]
	clear(t.batchEnd)
	for i, m := range t.msgs {
		tp := connect.TopicPartition{Topic: *m.TopicPartition.Topic, Partition: m.TopicPartition.Partition}
		prevEnd, had := t.batchEnd[tp]
		t.batchEnd[tp] = int64(m.TopicPartition.Offset) + 1
		t.batch = append(t.batch, connect.SinkRecord{})
		rec := &t.batch[len(t.batch)-1]
		stage, err := t.convert(m, tp, rec)
		if err != nil {
			t.batch = t.batch[:len(t.batch)-1]
			if err := t.errs.conversionFailed(m, stage, err); err != nil {
				// Not tolerated: the batch ends before this record.
				if had {
					t.batchEnd[tp] = prevEnd
				} else {
					delete(t.batchEnd, tp)
				}
				t.msgs = t.msgs[:i]
				return &stopAtRecord{err: err}
			}
		}
	}
	return nil
}

// stopAtRecord is a record that errors.tolerance=none does not tolerate,
// met while converting a batch: the records before it are delivered and
// committed, and the task fails without anything after it reaching the
// task.
type stopAtRecord struct{ err error }

func (e *stopAtRecord) Error() string { return e.err.Error() }
func (e *stopAtRecord) Unwrap() error { return e.err }

// stopAt delivers and commits the records of the batch before a record
// that is not tolerated, then returns the error that fails the task. Kafka
// Connect's worker would deliver none of the batch; delivering them, and
// committing what was delivered, means that a restart (say, with
// errors.tolerance=all) neither repeats nor skips any record.
func (t *taskRunner) stopAt(ctx context.Context, stop *stopAtRecord) error {
	// The records before it are delivered as if it had not been met.
	t.errs.takeStop()
	if err := t.deliver(ctx); err != nil {
		return errors.Join(stop.err, err)
	}
	t.commitBeforeFailing()
	return stop.err
}

// commitBeforeFailing commits what was accepted so far, before the task
// fails on a record it may not skip: the records before it were handled,
// and committing them keeps a restart from handling them twice. A failure
// here is only logged; the task fails anyway, with the record's error.
func (t *taskRunner) commitBeforeFailing() {
	if err := t.commit(nil); err != nil {
		t.log.Warn("could not commit the records before the record that stops the task", "err", err)
	}
}

// acceptBefore marks as accepted the records of the batch that come before
// rec, in batch order, for a task that stopped at rec: the task handled
// them, and nothing of rec or after it.
func (t *taskRunner) acceptBefore(rec *connect.SinkRecord) {
	for _, r := range t.batch {
		if r.Topic == rec.Topic && r.Partition == rec.Partition && r.Offset == rec.Offset {
			break
		}
		if tp := r.TopicPartition(); t.assigned[tp] {
			t.current[tp] = r.Offset + 1
		}
	}
	// A record the task reported from an earlier batch: never past it.
	if cur, ok := t.current[rec.TopicPartition()]; ok && cur > rec.Offset {
		t.current[rec.TopicPartition()] = rec.Offset
	}
	clear(t.batchEnd)
	t.batch = t.batch[:0]
}

func (t *taskRunner) convert(m *kafka.Message, tp connect.TopicPartition, rec *connect.SinkRecord) (string, error) {
	rec.Topic, rec.Partition, rec.Offset = tp.Topic, tp.Partition, int64(m.TopicPartition.Offset)
	switch m.TimestampType {
	case kafka.TimestampCreateTime:
		rec.Timestamp, rec.TimestampType = m.Timestamp, connect.CreateTime
	case kafka.TimestampLogAppendTime:
		rec.Timestamp, rec.TimestampType = m.Timestamp, connect.LogAppendTime
	}
	var err error
	if rec.KeySchema, rec.Key, err = t.keyConv.ToConnectData(tp.Topic, m.Key); err != nil {
		return stageKeyConverter, err
	}
	if rec.ValueSchema, rec.Value, err = t.valueConv.ToConnectData(tp.Topic, m.Value); err != nil {
		return stageValueConverter, err
	}
	if len(m.Headers) > 0 {
		rec.Headers = make(connect.Headers, len(m.Headers))
		for i, h := range m.Headers {
			s, v, err := t.hdrConv.ToConnectHeader(tp.Topic, h.Key, h.Value)
			if err != nil {
				return stageHeaderConverter, fmt.Errorf("header %q: %w", h.Key, err)
			}
			rec.Headers[i] = connect.Header{Key: h.Key, Schema: s, Value: v}
		}
	}
	return "", nil
}

// deliver calls Put with the batch, retrying retriable failures with backoff
// for up to errors.retry.timeout while the consumer is paused, and then
// advances the current offsets past every record of the batch.
func (t *taskRunner) deliver(ctx context.Context) error {
	// Records the task reports, or names in a BatchError, are dead-lettered
	// with their original bytes, found among the batch's messages.
	t.errs.setInFlight(t.msgs)
	defer t.errs.setInFlight(nil)
	for attempt := 0; ; attempt++ {
		var err error
		put := len(t.batch) > 0
		if put {
			if attempt == 0 {
				t.m.Send.Add(uint64(len(t.batch)))
				t.m.BatchSize.Observe(float64(len(t.batch)), time.Now())
			}
			start := time.Now()
			err = t.state.Call("Put", func() error { return t.task.Put(t.taskCtx, t.batch) })
			end := time.Now()
			t.m.PutTime.Observe(end.Sub(start).Seconds(), end)
		}
		if ferr := t.errs.err(); ferr != nil {
			// The task reported a record that may not be skipped, or the
			// dead-letter queue failed: nothing past it may be committed.
			return ferr
		}
		if err == nil {
			if put {
				t.putFailingSince = time.Time{}
			}
			t.resumeAfterRetry()
			t.advance()
			return nil
		}
		var be *connect.BatchError
		if errors.As(err, &be) && !connect.IsRetriable(err) {
			for _, re := range be.Errors {
				if rerr := t.errs.putFailed(re.Record, re.Err); rerr != nil {
					if !t.s.tolerateAll {
						// The task stopped at this record (see
						// connect.BatchError): commit what came before.
						t.acceptBefore(t.firstInBatch(be))
						t.commitBeforeFailing()
					}
					return rerr
				}
			}
			t.resumeAfterRetry()
			t.advance()
			return nil
		}
		t.m.RecordFailure()
		if !connect.IsRetriable(err) {
			t.m.Errors.Add(1)
			return t.wrap("Put", err)
		}
		// Bounded only when errors.retry.timeout is positive; 0 (the
		// default) and -1 keep Kafka Connect's retry-until-success for Put.
		// The clock runs from the first failure until a Put succeeds, across
		// batches, so a task that rewinds and fails again is bounded too.
		if t.putFailingSince.IsZero() {
			t.putFailingSince = time.Now()
		}
		if failing := time.Since(t.putFailingSince); t.s.retryTimeout > 0 && failing >= t.s.retryTimeout {
			return t.wrap("Put", fmt.Errorf("giving up after failing for %v (errors.retry.timeout=%v): %w",
				failing.Round(time.Millisecond), t.s.retryTimeout, err))
		}
		// A rewind asked for in the failed Put applies before the retry:
		// the next record Put sees for that partition is the one rewound to.
		if err := t.rewindBatch(); err != nil {
			return err
		}
		delay := t.backoff(attempt, err)
		t.m.Retries.Add(1)
		t.log.Warn("Put failed with a retriable error; retrying", "attempt", attempt+1, "backoff", delay, "err", err)
		t.pauseForRetry()
		if err := t.waitPolling(ctx, delay); err != nil {
			return err
		}
		if ctx.Err() != nil {
			// Shutting down: the batch was not accepted, so its offsets are
			// not committed and the next owner reads it again.
			t.resumeAfterRetry()
			return nil
		}
		if t.fatal != nil {
			return t.fatal
		}
	}
}

// firstInBatch returns the record named in be that comes first in the
// batch.
func (t *taskRunner) firstInBatch(be *connect.BatchError) *connect.SinkRecord {
	named := make(map[connect.TopicPartition]map[int64]bool, len(be.Errors))
	for _, re := range be.Errors {
		tp := re.Record.TopicPartition()
		if named[tp] == nil {
			named[tp] = map[int64]bool{}
		}
		named[tp][re.Record.Offset] = true
	}
	for i := range t.batch {
		if named[t.batch[i].TopicPartition()][t.batch[i].Offset] {
			return &t.batch[i]
		}
	}
	return be.Errors[0].Record
}

func (t *taskRunner) wrap(op string, err error) error {
	var te *connect.TaskError
	if errors.As(err, &te) {
		return err
	}
	return &connect.TaskError{Connector: t.s.name, Task: t.id, Op: op, Err: err}
}

// backoff returns the delay before retry attempt+1: the task's hint if it
// gave one, otherwise exponential from retryMinDelay with full jitter,
// capped at errors.retry.delay.max.ms.
func (t *taskRunner) backoff(attempt int, err error) time.Duration {
	if d := t.tc.takeTimeout(); d > 0 {
		return d
	}
	var re *connect.RetriableError
	if errors.As(err, &re) && re.Backoff > 0 {
		return re.Backoff
	}
	d := retryMinDelay << min(attempt, 20)
	if d > t.s.retryMaxDelay {
		d = t.s.retryMaxDelay
	}
	return d/2 + rand.N(d/2+1)
}

// waitPolling sleeps for d while still polling the consumer, so that the
// group sees the member alive and rebalances are served. Partitions are
// paused, so no records should arrive; if one does, its partition is sought
// back to it so nothing is skipped.
func (t *taskRunner) waitPolling(ctx context.Context, d time.Duration) error {
	deadline := time.Now().Add(d)
	for ctx.Err() == nil {
		left := time.Until(deadline)
		if left <= 0 {
			return nil
		}
		ev := t.consumer.Poll(int(min(left, pollTimeout) / time.Millisecond))
		switch e := ev.(type) {
		case *kafka.Message:
			if err := t.consumer.Seek(e.TopicPartition, -1); err != nil {
				return fmt.Errorf("seek %s back to %d: %w", e.TopicPartition, e.TopicPartition.Offset, err)
			}
		case kafka.Error:
			if e.IsFatal() {
				return fmt.Errorf("consumer: %w", e)
			}
			t.watch.Event(e)
		case *kafka.Stats:
			t.statistics(e)
		}
		if t.fatal != nil {
			return t.fatal
		}
		t.watch.Check()
	}
	return nil
}

func (t *taskRunner) pauseForRetry() {
	if t.pausedByRetry {
		return
	}
	if err := t.consumer.Pause(toKafka(t.assignedList())); err != nil {
		t.log.Warn("pause", "err", err)
	}
	t.pausedByRetry = true
}

func (t *taskRunner) resumeAfterRetry() {
	if !t.pausedByRetry {
		return
	}
	t.pausedByRetry = false
	var resume []connect.TopicPartition
	for tp := range t.assigned {
		if !t.tc.isPaused(tp) {
			resume = append(resume, tp)
		}
	}
	if err := t.consumer.Resume(toKafka(resume)); err != nil {
		t.log.Warn("resume", "err", err)
	}
}

// advance marks the whole batch, skipped records included, as accepted.
func (t *taskRunner) advance() {
	for tp, next := range t.batchEnd {
		if t.assigned[tp] {
			t.current[tp] = next
		}
	}
	clear(t.batchEnd)
	t.batch = t.batch[:0]
}

// rewindBatch applies the rewinds the task asked for and drops the rewound
// partitions' records from the pending batch; they are read again from the
// rewound offsets.
func (t *taskRunner) rewindBatch() error {
	rewinds := t.tc.takeRewinds()
	if len(rewinds) == 0 {
		return nil
	}
	drop := make(map[connect.TopicPartition]bool, len(rewinds))
	for tp := range rewinds {
		drop[tp] = true
		delete(t.batchEnd, tp)
	}
	t.batch = filterRecords(t.batch, drop)
	return t.seek(rewinds)
}

// seek moves partitions to the given offsets; commits restart from there.
func (t *taskRunner) seek(offsets map[connect.TopicPartition]int64) error {
	for tp, off := range offsets {
		if !t.assigned[tp] {
			t.log.Warn("ignoring rewind of a partition not assigned to the task", "partition", tp.String())
			continue
		}
		err := t.consumer.Seek(kafka.TopicPartition{Topic: &tp.Topic, Partition: tp.Partition, Offset: kafka.Offset(off)}, -1)
		if err != nil {
			return fmt.Errorf("rewind %s to %d: %w", tp, off, err)
		}
		t.current[tp] = off
		delete(t.committed, tp)
	}
	return nil
}

// applyRequests carries out what the task asked for through its context
// during the last call: rewinds, pauses and resumes.
func (t *taskRunner) applyRequests() error {
	rewinds, pause, resume := t.tc.takeRequests()
	if err := t.seek(rewinds); err != nil {
		return err
	}
	if len(pause) > 0 {
		if err := t.consumer.Pause(toKafka(pause)); err != nil {
			t.log.Warn("pause", "err", err)
		}
	}
	if len(resume) > 0 && !t.pausedByRetry {
		if err := t.consumer.Resume(toKafka(resume)); err != nil {
			t.log.Warn("resume", "err", err)
		}
	}
	return nil
}

// commit asks the task what is durable (PreCommit, or Flush) for the given
// partitions (nil: all assigned) and commits that, never past what Put
// accepted, and never for a record reported to the dead-letter queue before
// the queue acknowledged it.
func (t *taskRunner) commit(only []connect.TopicPartition) error {
	t.lastCommit = time.Now()
	offsets := map[connect.TopicPartition]int64{}
	if only == nil {
		for tp, off := range t.current {
			if t.assigned[tp] {
				offsets[tp] = off
			}
		}
	} else {
		for _, tp := range only {
			if off, ok := t.current[tp]; ok {
				offsets[tp] = off
			}
		}
	}
	if len(offsets) == 0 && t.preCommitter == nil && t.flusher == nil {
		return nil
	}
	if err := t.errs.flushDLQ(t.taskCtx, t.s.flushTimeout); err != nil {
		return t.wrap("dead-letter queue", err)
	}
	t.m.CommitSeq.Add(1)
	start := time.Now()
	// No deadline here beyond shutdown's: Kafka Connect does not bound a
	// sink's flush, and a task may be uploading its last part.
	ctx := t.taskCtx
	safe := offsets
	var err error
	switch {
	case t.preCommitter != nil:
		err = t.state.Call("PreCommit", func() error {
			var perr error
			safe, perr = t.preCommitter.PreCommit(ctx, clonedOffsets(offsets))
			return perr
		})
	case t.flusher != nil:
		err = t.state.Call("Flush", func() error { return t.flusher.Flush(ctx, clonedOffsets(offsets)) })
	}
	if err != nil {
		if connect.IsRetriable(err) {
			// Retried on the next commit, with the same bound as Put.
			if t.flushFailingSince.IsZero() {
				t.flushFailingSince = time.Now()
			}
			if failing := time.Since(t.flushFailingSince); t.s.retryTimeout > 0 && failing >= t.s.retryTimeout {
				return t.wrap(t.flushOp(), fmt.Errorf("giving up after failing for %v (errors.retry.timeout=%v): %w",
					failing.Round(time.Millisecond), t.s.retryTimeout, err))
			}
			t.m.CommitFailure.Add(1)
			t.log.Warn("flush failed; offsets not committed this time", "err", err)
			return nil
		}
		return t.wrap(t.flushOp(), err)
	}
	t.flushFailingSince = time.Time{}
	var toCommit []kafka.TopicPartition
	for tp, off := range safe {
		cur, ok := offsets[tp]
		switch {
		case !ok:
			t.log.Warn("ignoring offset for a partition not being committed", "partition", tp.String(), "offset", off)
			continue
		case off > cur:
			t.log.Warn("ignoring offset past what Put received", "partition", tp.String(), "offset", off, "current", cur)
			continue
		}
		if prev, ok := t.committed[tp]; ok && prev == off {
			continue
		}
		topic := tp.Topic
		toCommit = append(toCommit, kafka.TopicPartition{Topic: &topic, Partition: tp.Partition, Offset: kafka.Offset(off)})
	}
	if len(toCommit) == 0 {
		t.commitSucceeded(start)
		return nil
	}
	leave := t.state.Enter("commit offsets")
	_, err = t.consumer.CommitOffsets(toCommit)
	leave()
	if err != nil {
		// A failed commit loses nothing: the records are read again.
		t.m.CommitFailure.Add(1)
		t.log.Warn("offset commit failed; will retry", "err", err)
		return nil
	}
	for _, p := range toCommit {
		t.committed[connect.TopicPartition{Topic: *p.Topic, Partition: p.Partition}] = int64(p.Offset)
	}
	t.commitSucceeded(start)
	t.log.Debug("committed offsets", "partitions", len(toCommit))
	return nil
}

// flushOp names the task method a commit calls, for errors.
func (t *taskRunner) flushOp() string {
	if t.preCommitter != nil {
		return "PreCommit"
	}
	return "Flush"
}

func clonedOffsets(m map[connect.TopicPartition]int64) map[connect.TopicPartition]int64 {
	c := make(map[connect.TopicPartition]int64, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// rebalance is the consumer's rebalance callback. It runs inside Poll, on the
// task's goroutine.
func (t *taskRunner) rebalance(c *kafka.Consumer, ev kafka.Event) error {
	switch e := ev.(type) {
	case kafka.AssignedPartitions:
		t.onAssigned(e.Partitions)
	case kafka.RevokedPartitions:
		t.onRevoked(e.Partitions, c.AssignmentLost())
	}
	return nil
}

func (t *taskRunner) onAssigned(parts []kafka.TopicPartition) {
	if len(parts) == 0 {
		// Cooperative rebalancing hands out empty increments; they change
		// nothing, so the task does not hear of them.
		return
	}
	tps := fromKafka(parts)
	for _, tp := range tps {
		t.assigned[tp] = true
		delete(t.current, tp)
		delete(t.committed, tp)
	}
	t.tc.setAssignment(t.assignedList())
	if t.opener != nil && !t.closing && t.fatal == nil {
		if err := t.state.Call("Open", func() error { return t.opener.Open(t.taskCtx, tps) }); err != nil {
			t.fatal = t.wrap("Open", err)
		}
	}
	// Rewinds requested in Open become the starting offsets.
	rewinds := t.tc.takeRewinds()
	for i := range parts {
		tp := connect.TopicPartition{Topic: *parts[i].Topic, Partition: parts[i].Partition}
		if off, ok := rewinds[tp]; ok {
			parts[i].Offset = kafka.Offset(off)
			t.current[tp] = off
		}
	}
	if err := t.consumer.IncrementalAssign(parts); err != nil {
		t.fatal = t.wrap("assign", fmt.Errorf("incremental assign: %w", err))
		return
	}
	if t.pausedByRetry {
		_ = t.consumer.Pause(parts)
	}
	t.assignmentChanged()
	t.log.Info("partitions assigned", "partitions", tpStrings(tps))
}

func (t *taskRunner) onRevoked(parts []kafka.TopicPartition, lost bool) {
	if len(parts) == 0 {
		return
	}
	tps := fromKafka(parts)
	// Records of revoked partitions still waiting in a batch belong to the
	// next owner now; they were not accepted, so they are not committed.
	revoked := map[connect.TopicPartition]bool{}
	for _, tp := range tps {
		revoked[tp] = true
	}
	t.batch = filterRecords(t.batch, revoked)
	t.msgs = filterMessages(t.msgs, revoked) // polled before the revocation, inside this same poll loop
	for tp := range revoked {
		delete(t.batchEnd, tp)
	}
	if !lost && !t.closing && t.fatal == nil {
		if err := t.commit(tps); err != nil {
			t.fatal = err
		}
	}
	if t.closer != nil && !t.closing {
		if err := t.state.Call("Close", func() error { return t.closer.Close(t.taskCtx, tps) }); err != nil {
			if t.fatal == nil {
				t.fatal = t.wrap("Close", err)
			} else {
				t.log.Error("Close failed after the task had failed", "partitions", tpStrings(tps), "err", err)
			}
		}
	}
	for _, tp := range tps {
		delete(t.assigned, tp)
		delete(t.current, tp)
		delete(t.committed, tp)
	}
	t.tc.forget(tps)
	t.tc.setAssignment(t.assignedList())
	if err := t.consumer.IncrementalUnassign(parts); err != nil {
		t.log.Warn("incremental unassign", "err", err)
	}
	t.assignmentChanged()
	t.log.Info("partitions revoked", "partitions", tpStrings(tps), "lost", lost)
}

func filterMessages(msgs []*kafka.Message, drop map[connect.TopicPartition]bool) []*kafka.Message {
	out := msgs[:0]
	for _, m := range msgs {
		if !drop[connect.TopicPartition{Topic: *m.TopicPartition.Topic, Partition: m.TopicPartition.Partition}] {
			out = append(out, m)
		}
	}
	clear(msgs[len(out):])
	return out
}

func filterRecords(batch []connect.SinkRecord, drop map[connect.TopicPartition]bool) []connect.SinkRecord {
	out := batch[:0]
	for _, r := range batch {
		if !drop[r.TopicPartition()] {
			out = append(out, r)
		}
	}
	return out
}

// shutdown does the final commit (only when the loop ended cleanly), closes
// the partitions, stops the task and closes the consumer.
func (t *taskRunner) shutdown(clean bool) error {
	var errs []error
	if clean {
		if err := t.commit(nil); err != nil {
			errs = append(errs, err)
		}
	}
	t.closing = true
	if t.closer != nil && len(t.assigned) > 0 {
		tps := t.assignedList()
		if err := t.state.Call("Close", func() error { return t.closer.Close(t.taskCtx, tps) }); err != nil {
			errs = append(errs, t.wrap("Close", err))
		}
	}
	if err := t.state.Call("Stop", func() error { return t.task.Stop(t.taskCtx) }); err != nil {
		errs = append(errs, t.wrap("Stop", err))
	}
	t.closeConsumer()
	return errors.Join(errs...)
}

// closeConsumer closes the consumer, which leaves the group; a failure
// loses nothing (the group evicts the member), so it is logged.
//
// A static member (group.instance.id, KIP-345) does not leave its group
// when it closes: its partitions would wait out its session, and the group
// would refuse offset changes (KIP-875's alter and reset on a stopped
// connector) until then. librdkafka does send the LeaveGroup of a static
// member that unsubscribes, once the revocation is done, so a graceful stop
// unsubscribes and serves the revocation first; only a crash leaves the
// member in the group, for the restarted process to take back at once.
func (t *taskRunner) closeConsumer() {
	defer t.state.Enter("close consumer")()
	if t.static {
		t.leaveGroup()
	}
	if err := t.consumer.Close(); err != nil {
		t.log.Warn("close consumer", "err", err)
	}
}

// leaveGroup unsubscribes and polls until the revocation has been served
// (t.closing keeps the task out of it), for at most leaveTimeout. Records
// polled meanwhile are dropped: they were neither put nor committed.
func (t *taskRunner) leaveGroup() {
	if err := t.consumer.Unsubscribe(); err != nil {
		t.log.Warn("unsubscribe before leaving the group", "err", err)
		return
	}
	deadline := time.Now().Add(leaveTimeout)
	for time.Now().Before(deadline) {
		parts, err := t.consumer.Assignment()
		if err != nil || len(parts) == 0 {
			return
		}
		t.consumer.Poll(100)
	}
	t.log.Warn("the group did not take the partitions back in time; they wait for the session to expire", "waited", leaveTimeout)
}

// leaveTimeout bounds how long a graceful stop waits for the revocation
// that lets a static member leave its group.
const leaveTimeout = 10 * time.Second

func (t *taskRunner) assignedList() []connect.TopicPartition {
	out := make([]connect.TopicPartition, 0, len(t.assigned))
	for tp := range t.assigned {
		out = append(out, tp)
	}
	return out
}

func toKafka(tps []connect.TopicPartition) []kafka.TopicPartition {
	out := make([]kafka.TopicPartition, len(tps))
	for i, tp := range tps {
		topic := tp.Topic
		out[i] = kafka.TopicPartition{Topic: &topic, Partition: tp.Partition}
	}
	return out
}

func fromKafka(parts []kafka.TopicPartition) []connect.TopicPartition {
	out := make([]connect.TopicPartition, len(parts))
	for i, p := range parts {
		out[i] = connect.TopicPartition{Topic: *p.Topic, Partition: p.Partition}
	}
	return out
}

func tpStrings(tps []connect.TopicPartition) []string {
	out := make([]string, len(tps))
	for i, tp := range tps {
		out[i] = tp.String()
	}
	return out
}
