package connectortest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/source"
)

// SourceSuiteOption adjusts [TestSourceTask].
type SourceSuiteOption func(*sourceSuite)

// WithSourceConfig adds the task's own settings (and any runtime setting,
// such as converters) to the configuration the suite runs it with.
func WithSourceConfig(config map[string]string) SourceSuiteOption {
	return func(s *sourceSuite) { maps.Copy(s.config, config) }
}

// WithSourceRecordCount sets how many records the suite waits for the task
// to have produced in each run (default 50). The task must be able to
// produce at least that many.
func WithSourceRecordCount(n int) SourceSuiteOption {
	return func(s *sourceSuite) { s.count = n }
}

// WithRecordIdentity sets how the suite tells records apart, to check that
// none is lost across a crash; the default formats the key and value with
// %v. Two runs over the same data must give a record the same identity.
func WithRecordIdentity(id func(rec *connect.SourceRecord) string) SourceSuiteOption {
	return func(s *sourceSuite) { s.id = id }
}

// WithSourceTimeout bounds each wait of the suite (default 60 s).
func WithSourceTimeout(d time.Duration) SourceSuiteOption {
	return func(s *sourceSuite) { s.timeout = d }
}

type sourceSuite struct {
	config  map[string]string
	count   int
	id      func(rec *connect.SourceRecord) string
	timeout time.Duration
	newTask func() connect.SourceTask
	pkg     string
	c       *Cluster
}

// TestSourceTask checks that the source task newTask makes honours what
// every source must, running it through the real source runtime against an
// embedded cluster. The suite sends each run's records to a topic of its
// own, whatever topic the task names.
//
//   - ProducesAndStoresOffsets: the task's records reach Kafka and their
//     offsets are stored; Stop is called once, after the last Poll.
//   - ResumesAfterCrash: after a run whose last offsets were never stored,
//     a new task resumes from the stored offsets: it produces again every
//     record after them, and none before them. The crash is made to land
//     mid-stream by holding Poll once it returned half the records; a
//     task that returns all of them in one Poll has them all stored
//     before the crash, and then the check is that the new task produces
//     none of them again.
//   - NoOffsetBeforeAck: while Kafka cannot take the records (their topic
//     does not exist yet), no offset is stored; once it can, they are.
//   - StopWhilePollBlocks: cancelling the runtime while Poll is in progress
//     makes Poll return promptly, and Stop is called once.
//   - NoLeakedGoroutines: nothing the runtime or the task started outlives
//     the runs.
//
// In every run the suite also checks that each offset stored belongs to a
// record Kafka acknowledged, with every earlier record of its source
// partition acknowledged too. Each check is a subtest. The task must be
// deterministic enough to resume: run again from the same stored offsets,
// it must produce the same records.
func TestSourceTask(t *testing.T, newTask func() connect.SourceTask, opts ...SourceSuiteOption) {
	s := &sourceSuite{config: map[string]string{
		"key.converter":                  "org.apache.kafka.connect.json.JsonConverter",
		"key.converter.schemas.enable":   "false",
		"value.converter":                "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable": "false",
	}, count: 50, timeout: 60 * time.Second, newTask: newTask,
		id: func(rec *connect.SourceRecord) string { return fmt.Sprintf("%v\x00%v", rec.Key, rec.Value) }}
	for _, o := range opts {
		o(s)
	}
	s.pkg = pkgPath(newTask())
	s.c = NewCluster(t)
	baseline := runtime.NumGoroutine()

	t.Run("ProducesAndStoresOffsets", s.producesAndStores)
	t.Run("ResumesAfterCrash", s.resumesAfterCrash)
	t.Run("NoOffsetBeforeAck", s.noOffsetBeforeAck)
	t.Run("StopWhilePollBlocks", s.stopWhilePollBlocks)
	t.Run("NoLeakedGoroutines", func(t *testing.T) { s.noLeaks(t, baseline) })
}

var sourceSeq atomic.Int64

// run is one run of the task through the runtime.
type sourceRun struct {
	obs     *sourceObservations
	harness *SourceHarness
	topic   string
}

// start runs a new task instance, writing to topic (created unless
// missing), with its offsets in store.
func (s *sourceSuite) start(t *testing.T, name, topic string, store *observedStore, obs *sourceObservations, extra map[string]string, log *slog.Logger) *sourceRun {
	t.Helper()
	cfg := s.c.SourceConfig(name)
	cfg["offset.flush.interval.ms"] = "10"
	maps.Copy(cfg, s.config)
	maps.Copy(cfg, extra)
	store.obs = obs
	conn := SourceConnectorFunc(func() connect.SourceTask { return obs.wrap(s.newTask(), topic) })
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := StartSource(t, conn, cfg, source.WithOffsetStore(store), source.WithLogger(log))
	return &sourceRun{obs: obs, harness: h, topic: topic}
}

func (s *sourceSuite) names() (name, topic string) {
	n := sourceSeq.Add(1)
	return fmt.Sprintf("source-conformance-%d", n), fmt.Sprintf("source-conformance-%d", n)
}

// stop stops a run gracefully and checks Stop was called once, after Poll.
func (s *sourceSuite) stop(t *testing.T, r *sourceRun) {
	t.Helper()
	if err := r.harness.Stop(); err != nil {
		t.Errorf("the runtime failed: %v", err)
	}
	r.obs.checkStopped(t)
	r.obs.check(t)
}

func (s *sourceSuite) waitFor(t *testing.T, r *sourceRun, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(s.timeout)
	for !cond() {
		select {
		case <-r.harness.Done():
			if !cond() {
				t.Fatalf("the runtime stopped (%v) while waiting for %s; task status %+v", r.harness.Stop(), what, r.harness.Status().Tasks)
			}
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			r.obs.check(t)
			t.Fatalf("gave up after %v waiting for %s", s.timeout, what)
		}
	}
}

func (s *sourceSuite) producesAndStores(t *testing.T) {
	name, topic := s.names()
	s.c.CreateTopic(t, topic, 1)
	store := newObservedStore()
	r := s.start(t, name, topic, store, newSourceObservations(s.id), nil, nil)
	s.waitFor(t, r, func() bool { return r.obs.acked() >= s.count }, fmt.Sprintf("%d records acknowledged", s.count))
	s.waitFor(t, r, r.obs.allStored, "the offsets of the acknowledged records to be stored")
	s.stop(t, r)
	if got, acked := len(s.c.ReadAll(t, topic)), r.obs.acked(); got < acked {
		t.Errorf("%d records acknowledged but %d in Kafka", acked, got)
	}
}

func (s *sourceSuite) resumesAfterCrash(t *testing.T) {
	name, topic := s.names()
	s.c.CreateTopic(t, topic, 1)
	store := newObservedStore()
	obs := newSourceObservations(s.id)
	// Poll is held once it returned half the records, so the crash lands
	// mid-stream however fast the task is.
	obs.holdAfter = max(s.count/2, 1)
	obs.hold = make(chan struct{})
	first := s.start(t, name, topic, store, obs, nil, nil)
	s.waitFor(t, first, func() bool { return obs.acked() >= obs.holdAfter && obs.allStored() },
		"the first half of the records acknowledged and their offsets stored")
	// The crash: from now on nothing is stored, so the stored offsets lag
	// behind what the first run produces next.
	store.broken.Store(true)
	close(obs.hold)
	s.waitFor(t, first, func() bool { return first.obs.acked() >= s.count }, fmt.Sprintf("%d records acknowledged", s.count))
	s.stop(t, first)
	covered, after := first.obs.split(store.snapshot())

	store.broken.Store(false)
	second := s.start(t, name, topic, store, newSourceObservations(s.id), nil, nil)
	if len(after) > 0 {
		s.waitFor(t, second, func() bool { return second.obs.ackedAll(after) },
			fmt.Sprintf("the %d records after the stored offsets to be produced again", len(after)))
	} else {
		// Every record had its offset stored before the crash (a task
		// that returns them all in one Poll): nothing is to be produced
		// again. Give the new task time to show whether it resumes:
		// until a Poll has waited a while for new records (or a few
		// returned), and what they returned is stored.
		t.Logf("the task returned every record before the crash could land mid-stream; checking that the new run produces none of them again")
		s.waitFor(t, second, func() bool {
			return second.obs.allStored() &&
				(second.obs.pollAge() >= 200*time.Millisecond || second.obs.polled() >= 3)
		}, "the restarted task to poll and then wait for new records")
	}
	s.stop(t, second)
	var again []string
	for id := range second.obs.ackedIDs() {
		if covered[id] {
			again = append(again, id)
		}
	}
	if len(again) > 0 {
		slices.Sort(again)
		t.Errorf("after the restart the task produced %d record(s) again whose offsets were stored; it did not resume from its stored offsets (Start should read them with SourceTaskContext.Offset). First: %q",
			len(again), again[0])
	}
}

func (s *sourceSuite) noOffsetBeforeAck(t *testing.T) {
	name, topic := s.names()
	store := newObservedStore()
	var retried atomic.Int64
	log := slog.New(matchHandler{msg: "records could not be delivered; producing them again", n: &retried})
	r := s.start(t, name, topic, store, newSourceObservations(s.id), map[string]string{
		"producer.override.delivery.timeout.ms": "500",
		"producer.override.request.timeout.ms":  "400",
		"producer.override.linger.ms":           "5",
		"errors.retry.delay.max.ms":             "100",
	}, log)
	s.waitFor(t, r, func() bool { return retried.Load() >= 2 }, "deliveries to the missing topic to fail and be retried")
	if n := store.entries(); n > 0 {
		t.Errorf("%d offset(s) stored although Kafka acknowledged none of the records", n)
	}
	s.c.CreateTopic(t, topic, 1)
	s.waitFor(t, r, func() bool { return r.obs.acked() > 0 && r.obs.allStored() }, "the offsets to be stored once the topic exists")
	s.stop(t, r)
}

func (s *sourceSuite) stopWhilePollBlocks(t *testing.T) {
	name, topic := s.names()
	s.c.CreateTopic(t, topic, 1)
	store := newObservedStore()
	r := s.start(t, name, topic, store, newSourceObservations(s.id), nil, nil)
	s.waitFor(t, r, func() bool { return r.obs.acked() >= 1 && r.obs.inPoll() }, "a record acknowledged and a Poll in progress")
	// Better still, a Poll that blocks because the task has nothing new:
	// wait a little for one that has lasted a while.
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline) && r.obs.pollAge() < 100*time.Millisecond; {
		time.Sleep(10 * time.Millisecond)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- r.harness.Stop() }()
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("the runtime failed: %v", err)
		}
	case <-time.After(s.timeout):
		t.Fatalf("Poll did not return within %v of its context being cancelled", s.timeout)
	}
	if r.obs.inPoll() {
		t.Error("Poll did not return after its context was cancelled (the runtime abandoned it)")
	}
	r.obs.checkStopped(t)
	r.obs.check(t)
}

func (s *sourceSuite) noLeaks(t *testing.T, baseline int) {
	var extra []string
	deadline := time.Now().Add(10 * time.Second)
	for {
		extra = leakedGoroutines(s.pkg)
		for _, g := range leakedGoroutines("github.com/connectkit/connectkit/source") {
			if !slices.Contains(extra, g) {
				extra = append(extra, g)
			}
		}
		if len(extra) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(extra) > 0 {
		t.Errorf("%d goroutine(s) of the runtime or the task outlived the runs (baseline %d, now %d):\n%s",
			len(extra), baseline, runtime.NumGoroutine(), strings.Join(extra, "\n\n"))
	}
}

// matchHandler counts log records with one message.
type matchHandler struct {
	msg string
	n   *atomic.Int64
}

func (h matchHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h matchHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.n.Add(1)
	}
	return nil
}
func (h matchHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h matchHandler) WithGroup(string) slog.Handler      { return h }

// jsonKey is the stable form of a source partition or offset.
func jsonKey(m map[string]any) string {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Sprintf("%v", m)
	}
	return string(b)
}

// observedStore is a memory offset store that checks, at each write, that
// the offsets stored are those of acknowledged records, and that can be
// broken to simulate a crash.
type observedStore struct {
	*source.MemoryOffsetStore
	obs    *sourceObservations
	broken atomic.Bool
	writes atomic.Int64

	mu     sync.Mutex
	stored map[string]string // partition -> offset, as JSON
}

func newObservedStore() *observedStore {
	return &observedStore{MemoryOffsetStore: source.NewMemoryOffsetStore(), stored: map[string]string{}}
}

func (o *observedStore) StoreOffsets(ctx context.Context, connector string, offsets []source.PartitionOffset) error {
	if o.broken.Load() {
		return fmt.Errorf("connectortest: simulated crash: offsets not stored")
	}
	o.obs.checkStore(offsets)
	if err := o.MemoryOffsetStore.StoreOffsets(ctx, connector, offsets); err != nil {
		return err
	}
	o.mu.Lock()
	for _, po := range offsets {
		if po.Offset == nil {
			delete(o.stored, jsonKey(po.Partition))
		} else {
			o.stored[jsonKey(po.Partition)] = jsonKey(po.Offset)
		}
	}
	o.mu.Unlock()
	o.writes.Add(1)
	return nil
}

func (o *observedStore) snapshot() map[string]string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return maps.Clone(o.stored)
}

func (o *observedStore) entries() int { return len(o.Entries()) }

// sourceObservations is what the suite saw of the task instances of one
// run: every record Poll returned, in order, and which were acknowledged.
type sourceObservations struct {
	id func(rec *connect.SourceRecord) string

	mu         sync.Mutex
	recs       []*observedRecord
	byPart     map[string][]*observedRecord // in poll order
	ackedCount int
	polls      int // Polls that returned
	polling    int
	pollSince  time.Time     // when the Poll in progress began
	holdAfter  int           // >0: Poll waits for hold once it returned this many records
	hold       chan struct{} // closed to let Poll go on
	stops      int
	stopEarly  bool // Stop was called while Poll was running
	lastStored map[string]string
	violations []string
}

type observedRecord struct {
	id, part, offset string
	acked            bool
}

func newSourceObservations(id func(rec *connect.SourceRecord) string) *sourceObservations {
	return &sourceObservations{id: id, byPart: map[string][]*observedRecord{}, lastStored: map[string]string{}}
}

func (o *sourceObservations) violate(format string, args ...any) {
	o.violations = append(o.violations, fmt.Sprintf(format, args...))
}

func (o *sourceObservations) check(t *testing.T) {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	for i, v := range o.violations {
		if i == 10 {
			t.Errorf("... and %d more violations", len(o.violations)-10)
			break
		}
		t.Error(v)
	}
}

func (o *sourceObservations) checkStopped(t *testing.T) {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stops != 1 {
		t.Errorf("Stop was called %d times, want once", o.stops)
	}
	if o.stopEarly {
		t.Error("Stop was called while Poll was running")
	}
}

func (o *sourceObservations) acked() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.ackedCount
}

// pollAge returns how long the Poll in progress has lasted, 0 if none.
func (o *sourceObservations) pollAge() time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.polling == 0 {
		return 0
	}
	return time.Since(o.pollSince)
}

// polled returns how many Polls returned.
func (o *sourceObservations) polled() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.polls
}

func (o *sourceObservations) inPoll() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.polling > 0
}

func (o *sourceObservations) ackedIDs() map[string]bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := map[string]bool{}
	for _, r := range o.recs {
		if r.acked {
			out[r.id] = true
		}
	}
	return out
}

// ackedAll reports whether every record named in ids was acknowledged.
func (o *sourceObservations) ackedAll(ids []string) bool {
	got := o.ackedIDs()
	for _, id := range ids {
		if !got[id] {
			return false
		}
	}
	return true
}

// allStored reports whether, for every source partition, the offset of its
// last acknowledged record (with every earlier one acknowledged) is stored.
func (o *sourceObservations) allStored() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for part, recs := range o.byPart {
		want := ""
		for _, r := range recs {
			if !r.acked {
				break
			}
			want = r.offset
		}
		if want != "" && o.lastStored[part] != want {
			return false
		}
	}
	return true
}

// split divides the records into those covered by the stored offsets and
// the identities of those after them.
func (o *sourceObservations) split(stored map[string]string) (covered map[string]bool, after []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	covered = map[string]bool{}
	for part, recs := range o.byPart {
		end := -1
		if off, ok := stored[part]; ok {
			for i, r := range recs {
				if r.offset == off {
					end = i
				}
			}
		}
		for i, r := range recs {
			if i <= end {
				covered[r.id] = true
			} else {
				after = append(after, r.id)
			}
		}
	}
	return covered, after
}

// checkStore checks offsets about to be stored: each must be the offset of
// an acknowledged record whose earlier records were all acknowledged.
func (o *sourceObservations) checkStore(offsets []source.PartitionOffset) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, po := range offsets {
		part, off := jsonKey(po.Partition), jsonKey(po.Offset)
		o.lastStored[part] = off
		ok := false
		for _, r := range o.byPart[part] {
			if !r.acked {
				break
			}
			if r.offset == off {
				ok = true
			}
		}
		if !ok {
			o.violate("offset %s of source partition %s was stored before Kafka acknowledged its record and every earlier record of that partition", off, part)
		}
	}
}

// wrap returns inner with its records sent to topic and its calls observed.
func (o *sourceObservations) wrap(inner connect.SourceTask, topic string) connect.SourceTask {
	return &observedSourceTask{inner: inner, obs: o, topic: topic}
}

// observedSourceTask wraps a task. It implements connect.RecordCommitter
// and connect.SourceCommitter to observe acknowledgements, and forwards
// them when the task implements them.
type observedSourceTask struct {
	inner connect.SourceTask
	obs   *sourceObservations
	topic string
	index map[*connect.SourceRecord]*observedRecord
	mu    sync.Mutex
	// polling is set while Poll runs: the runtime never calls Poll of one
	// task concurrently.
	polling bool
}

var (
	_ connect.RecordCommitter = (*observedSourceTask)(nil)
	_ connect.SourceCommitter = (*observedSourceTask)(nil)
)

func (w *observedSourceTask) Start(ctx context.Context, cfg map[string]string, tc connect.SourceTaskContext) error {
	w.index = map[*connect.SourceRecord]*observedRecord{}
	return w.inner.Start(ctx, cfg, tc)
}

func (w *observedSourceTask) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	o := w.obs
	o.mu.Lock()
	hold := o.hold
	if o.holdAfter == 0 || len(o.recs) < o.holdAfter {
		hold = nil
	}
	o.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	o.mu.Lock()
	w.mu.Lock()
	if w.polling {
		o.violate("Poll called while another Poll of the same task was running")
	}
	w.polling = true
	w.mu.Unlock()
	o.polling++
	o.pollSince = time.Now()
	o.mu.Unlock()
	recs, err := w.inner.Poll(ctx)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.polling--
	o.polls++
	w.mu.Lock()
	defer w.mu.Unlock()
	w.polling = false
	for i := range recs {
		rec := &recs[i]
		rec.Topic, rec.Partition = w.topic, nil
		or := &observedRecord{id: o.id(rec)}
		if rec.SourcePartition != nil {
			or.part, or.offset = jsonKey(rec.SourcePartition), jsonKey(rec.SourceOffset)
			o.byPart[or.part] = append(o.byPart[or.part], or)
		}
		o.recs = append(o.recs, or)
		w.index[rec] = or
	}
	return recs, err
}

func (w *observedSourceTask) CommitRecord(ctx context.Context, rec *connect.SourceRecord, meta connect.RecordMetadata) error {
	w.mu.Lock()
	or := w.index[rec]
	delete(w.index, rec)
	w.mu.Unlock()
	o := w.obs
	o.mu.Lock()
	if or == nil {
		o.violate("CommitRecord called for a record Poll did not return (or twice for one record)")
	} else if !or.acked {
		or.acked = true
		o.ackedCount++
	}
	o.mu.Unlock()
	if rc, ok := w.inner.(connect.RecordCommitter); ok {
		return rc.CommitRecord(ctx, rec, meta)
	}
	return nil
}

func (w *observedSourceTask) Commit(ctx context.Context) error {
	if sc, ok := w.inner.(connect.SourceCommitter); ok {
		return sc.Commit(ctx)
	}
	return nil
}

func (w *observedSourceTask) Stop(ctx context.Context) error {
	o := w.obs
	o.mu.Lock()
	o.stops++
	if o.polling > 0 {
		o.stopEarly = true
	}
	o.mu.Unlock()
	return w.inner.Stop(ctx)
}

// Unwrap returns the wrapped task.
func (w *observedSourceTask) Unwrap() connect.SourceTask { return w.inner }
