package connectortest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectkit/connectkit/connect"
)

// SinkSuiteOption adjusts [TestSinkTask].
type SinkSuiteOption func(*sinkSuite)

// WithSinkConfig adds the task's own settings (and any runtime setting, such
// as converters) to the configuration the suite runs it with.
func WithSinkConfig(config map[string]string) SinkSuiteOption {
	return func(s *sinkSuite) { maps.Copy(s.config, config) }
}

// WithRecords sets how the suite makes record i; the default is a JSON
// object with a string key. Records must be ones the task can handle.
func WithRecords(gen func(i int) Record) SinkSuiteOption {
	return func(s *sinkSuite) { s.gen = gen }
}

// WithRecordCount sets how many records each check produces (default 300).
func WithRecordCount(n int) SinkSuiteOption {
	return func(s *sinkSuite) { s.count = n }
}

// WithReadBack lets the suite check the destination itself, in the way
// [testing/fstest.TestFS] checks a file system: the connector's test
// supplies the means to look, the suite decides what must be there. fn
// returns the record values the destination holds durably now (what a
// reader would find if the worker died this instant), in any order,
// duplicates and values of other checks allowed; it is called while the
// task runs, and may fail t. The values must be the records' values as
// produced (see [WithRecords]; the default ones are distinct), so that the
// suite can tell which records are there.
//
// With it, CommitsOnlyDurable and AtLeastOnceAcrossRealCrash check that
// no committed offset passes a record the destination does not hold, and
// the other checks that every record arrived. Without it the suite can
// only trust the task's PreCommit (or Flush) to tell what is durable, and
// a task that lies there passes.
func WithReadBack(fn func(t testing.TB) [][]byte) SinkSuiteOption {
	return func(s *sinkSuite) { s.readBack = fn }
}

// WithTimeout bounds each wait of the suite (default 60 s).
func WithTimeout(d time.Duration) SinkSuiteOption {
	return func(s *sinkSuite) { s.timeout = d }
}

type sinkSuite struct {
	config   map[string]string
	gen      func(i int) Record
	count    int
	readBack func(t testing.TB) [][]byte
	timeout  time.Duration
	newTask  func() connect.SinkTask
	pkg      string
}

// TestSinkTask checks that the sink task newTask makes honours what every
// sink must, running it through the real sink runtime against an embedded
// cluster:
//
//   - NothingLostInOrder: every record reaches Put, each partition's in
//     offset order without gaps, and the committed offsets reach the end.
//   - CommitsOnlyDurable: no committed offset passes what the task declared
//     durable through PreCommit or Flush, nor, with [WithReadBack], a
//     record the destination does not hold.
//   - AtLeastOnceAcrossCrash: after the task fails mid-stream (Put
//     returns an error; the runtime skips the final commit but still
//     calls Close and Stop), a new run delivers every record at least
//     once.
//   - AtLeastOnceAcrossRealCrash: the same after a crash no method
//     follows: once an offset was committed, the task instance is cut off
//     (Put fails; PreCommit, Flush, Close and Stop no longer reach it), as
//     if its process died. With [WithReadBack], the destination must then
//     hold every record below the committed offsets, and after a new run
//     every record. A task whose Flush reports success for what only Stop
//     writes fails here. (The dead instance is stopped at the end of the
//     check, to release what it holds.)
//   - RebalanceClosesOnlyMovedPartitions: when a second member joins, the
//     task closes exactly the partitions the newcomer opens.
//   - PutWithCancelledContext: Put returns promptly, without panicking,
//     when its context is already cancelled.
//   - NoLeakedGoroutines: nothing the runtime or the task started outlives
//     the runs.
//
// Each is a subtest. newTask is called for every task the runtime builds.
func TestSinkTask(t *testing.T, newTask func() connect.SinkTask, opts ...SinkSuiteOption) {
	s := &sinkSuite{config: map[string]string{}, count: 300, timeout: 60 * time.Second, newTask: newTask,
		gen: func(i int) Record {
			return Record{Key: []byte("key-" + strconv.Itoa(i%17)),
				Value: fmt.Appendf(nil, `{"id":%d,"name":"record-%d"}`, i, i)}
		}}
	for _, o := range opts {
		o(s)
	}
	s.pkg = pkgPath(newTask())
	c := NewCluster(t)
	baseline := runtime.NumGoroutine()

	t.Run("NothingLostInOrder", func(t *testing.T) { s.nothingLost(t, c) })
	t.Run("CommitsOnlyDurable", func(t *testing.T) { s.commitsOnlyDurable(t, c) })
	t.Run("AtLeastOnceAcrossCrash", func(t *testing.T) { s.atLeastOnceAcrossCrash(t, c) })
	t.Run("AtLeastOnceAcrossRealCrash", func(t *testing.T) { s.atLeastOnceAcrossRealCrash(t, c) })
	t.Run("RebalanceClosesOnlyMovedPartitions", func(t *testing.T) { s.rebalance(t, c) })
	t.Run("PutWithCancelledContext", func(t *testing.T) { s.putCancelled(t) })
	t.Run("NoLeakedGoroutines", func(t *testing.T) { s.noLeaks(t, baseline) })
}

func pkgPath(v any) string {
	typ := reflect.TypeOf(v)
	for typ != nil && typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if typ == nil {
		return ""
	}
	return typ.PkgPath()
}

var suiteSeq atomic.Int64

// produce writes count records spread over partitions and returns the
// values written.
func (s *sinkSuite) produce(t *testing.T, c *Cluster, topic string, partitions int32) [][]byte {
	t.Helper()
	values := make([][]byte, s.count)
	c.ProduceN(t, topic, s.count, func(i int) Record {
		r := s.gen(i)
		r.Topic, r.Partition = topic, int32(i)%partitions
		values[i] = r.Value
		return r
	})
	return values
}

// setup creates a fresh topic and connector name for one check.
func (s *sinkSuite) setup(t *testing.T, c *Cluster, partitions int32) (string, map[string]string) {
	n := suiteSeq.Add(1)
	topic := fmt.Sprintf("conformance-%d", n)
	c.CreateTopic(t, topic, partitions)
	cfg := c.SinkConfig(fmt.Sprintf("conformance-%d", n), topic)
	maps.Copy(cfg, s.config)
	cfg["topics"] = topic
	return topic, cfg
}

func (s *sinkSuite) connector(obs *observations) SinkConnectorFunc {
	return func() connect.SinkTask { return obs.wrap(s.newTask()) }
}

func (s *sinkSuite) nothingLost(t *testing.T, c *Cluster) {
	topic, cfg := s.setup(t, c, 3)
	values := s.produce(t, c, topic, 3)
	obs := newObservations()
	h := StartSink(t, s.connector(obs), cfg)
	ends := endOffsets(s.count, 3, topic)
	c.WaitFor(t, s.timeout, func() bool { return obs.covers(ends) || h.TaskState(0) == connect.StateFailed },
		"the task to declare every record durable")
	if err := h.Stop(); err != nil {
		t.Fatalf("runtime: %v", err)
	}
	obs.check(t)
	for tp, end := range ends {
		if got := obs.putOffsets(tp); len(got) < int(end) {
			t.Errorf("%s: Put received %d records, want %d", tp, len(got), end)
		}
	}
	committed := c.CommittedOffsets(t, "connect-"+cfg["name"])
	for tp, end := range ends {
		if committed[tp] != end {
			t.Errorf("%s: committed offset %d after a graceful stop, want %d", tp, committed[tp], end)
		}
	}
	s.checkReadBack(t, values)
}

func (s *sinkSuite) commitsOnlyDurable(t *testing.T, c *Cluster) {
	topic, cfg := s.setup(t, c, 2)
	s.produce(t, c, topic, 2)
	records := s.byOffset(t, c, topic)
	obs := newObservations()
	h := StartSink(t, s.connector(obs), cfg)
	group := "connect-" + cfg["name"]
	ends := endOffsets(s.count, 2, topic)
	deadline := time.Now().Add(s.timeout)
	// Sample commits while the task works, not only at the end, and go
	// on until everything is committed: a task whose Flush lies is seen
	// with the destination behind the commits, before Stop.
	var last map[connect.TopicPartition]int64
	for time.Now().Before(deadline) && h.TaskState(0) != connect.StateFailed {
		committed := c.CommittedOffsets(t, group)
		obs.checkCommitted(t, committed)
		if !maps.Equal(committed, last) {
			s.checkHeld(t, records, committed)
			last = committed
		}
		if maps.Equal(committed, ends) || t.Failed() {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := h.Stop(); err != nil {
		t.Fatalf("runtime: %v", err)
	}
	committed := c.CommittedOffsets(t, group)
	obs.checkCommitted(t, committed)
	s.checkHeld(t, records, committed)
	obs.check(t)
}

// byOffset returns the values of topic's records, by partition and offset.
func (s *sinkSuite) byOffset(t *testing.T, c *Cluster, topic string) map[connect.TopicPartition][][]byte {
	out := map[connect.TopicPartition][][]byte{}
	for _, r := range c.ReadAll(t, topic) {
		tp := r.TopicPartition()
		for int64(len(out[tp])) < r.Offset { // a gap (none in a fresh topic)
			out[tp] = append(out[tp], nil)
		}
		out[tp] = append(out[tp], r.Value)
	}
	return out
}

// checkHeld checks, with a read-back, that the destination holds every
// record below the committed offsets.
func (s *sinkSuite) checkHeld(t *testing.T, records map[connect.TopicPartition][][]byte, committed map[connect.TopicPartition]int64) {
	t.Helper()
	if s.readBack == nil || len(committed) == 0 {
		return
	}
	held := map[string]bool{}
	for _, v := range s.readBack(t) {
		held[string(v)] = true
	}
	for _, tp := range slices.SortedFunc(maps.Keys(committed), func(a, b connect.TopicPartition) int {
		return strings.Compare(a.String(), b.String())
	}) {
		missing, first := 0, int64(-1)
		for off := int64(0); off < committed[tp] && off < int64(len(records[tp])); off++ {
			if v := records[tp][off]; v != nil && !held[string(v)] {
				if first < 0 {
					first = off
				}
				missing++
			}
		}
		if missing > 0 {
			t.Errorf("%s: offset %d committed, but the destination does not hold %d record(s) below it, the first at offset %d (%q): the commit passed records that were not durable",
				tp, committed[tp], missing, first, records[tp][first])
		}
	}
}

func (s *sinkSuite) atLeastOnceAcrossCrash(t *testing.T, c *Cluster) {
	topic, cfg := s.setup(t, c, 2)
	// Small batches, so the crash comes mid-stream.
	cfg["consumer.override.max.poll.records"] = strconv.Itoa(max(1, s.count/10))
	values := s.produce(t, c, topic, 2)
	group := "connect-" + cfg["name"]
	ends := endOffsets(s.count, 2, topic)

	first := newObservations()
	first.crashAfter = 2 // successful Puts before the simulated crash
	h := StartSink(t, s.connector(first), cfg)
	c.WaitFor(t, s.timeout, func() bool { return h.TaskState(0) == connect.StateFailed }, "the simulated crash")
	_ = h.Stop()
	first.checkCommitted(t, c.CommittedOffsets(t, group))

	second := newObservations()
	h = StartSink(t, s.connector(second), cfg)
	c.WaitFor(t, s.timeout, func() bool { return second.covers(ends) }, "the restarted task to declare every record durable")
	if err := h.Stop(); err != nil {
		t.Fatalf("runtime after restart: %v", err)
	}
	second.check(t)
	for tp, end := range ends {
		seen := map[int64]bool{}
		for _, o := range first.putOffsets(tp) {
			seen[o] = true
		}
		for _, o := range second.putOffsets(tp) {
			seen[o] = true
		}
		for o := int64(0); o < end; o++ {
			if !seen[o] {
				t.Errorf("%s: record at offset %d never reached a successful Put across the crash", tp, o)
				break
			}
		}
	}
	s.checkReadBack(t, values)
}

func (s *sinkSuite) atLeastOnceAcrossRealCrash(t *testing.T, c *Cluster) {
	topic, cfg := s.setup(t, c, 2)
	cfg["consumer.override.max.poll.records"] = strconv.Itoa(max(1, s.count/10))
	group := "connect-" + cfg["name"]
	// Half the records first; the rest once the crash is armed, so that a
	// Put comes after it however fast the task is.
	half := s.count / 2
	values := make([][]byte, s.count)
	c.ProduceN(t, topic, half, func(i int) Record {
		r := s.gen(i)
		r.Topic, r.Partition = topic, int32(i)%2
		values[i] = r.Value
		return r
	})

	first := newObservations()
	h := StartSink(t, s.connector(first), cfg)
	c.WaitFor(t, s.timeout, func() bool {
		for _, off := range c.CommittedOffsets(t, group) {
			if off > 0 {
				return true
			}
		}
		return h.TaskState(0) == connect.StateFailed
	}, "a first commit")
	first.killNext()
	c.ProduceN(t, topic, s.count-half, func(i int) Record {
		r := s.gen(half + i)
		r.Topic, r.Partition = topic, int32(half+i)%2
		values[half+i] = r.Value
		return r
	})
	c.WaitFor(t, s.timeout, func() bool { return h.TaskState(0) == connect.StateFailed }, "the crash")
	_ = h.Stop()
	records := s.byOffset(t, c, topic)
	crashCommitted := c.CommittedOffsets(t, group)
	first.checkCommitted(t, crashCommitted)
	s.checkHeld(t, records, crashCommitted)

	second := newObservations()
	h = StartSink(t, s.connector(second), cfg)
	ends := endOffsets(s.count, 2, topic)
	c.WaitFor(t, s.timeout, func() bool { return second.covers(ends) || h.TaskState(0) == connect.StateFailed },
		"the restarted task to declare every record durable")
	if err := h.Stop(); err != nil {
		t.Fatalf("runtime after restart: %v", err)
	}
	second.check(t)
	s.checkReadBack(t, values)
	// Release what the dead instance holds only now: a lying task writes
	// its data in Stop.
	first.stopDead(t)
}

func (s *sinkSuite) rebalance(t *testing.T, c *Cluster) {
	topic, cfg := s.setup(t, c, 4)
	s.produce(t, c, topic, 4)
	obs := newObservations()
	conn := s.connector(obs)
	h1 := StartSink(t, conn, cfg)
	c.WaitFor(t, s.timeout, func() bool { return len(obs.openedBy(0)) == 4 }, "the first task to open all 4 partitions")
	h2 := StartSink(t, conn, cfg)
	// Keep records arriving while the group rebalances, so that revocations
	// land while batches are being polled.
	deadline := time.Now().Add(s.timeout)
	for !(len(obs.openedBy(1)) > 0) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %v waiting for the second member to get partitions", s.timeout)
		}
		s.produce(t, c, topic, 4)
		if t.Failed() {
			return
		}
	}
	c.WaitFor(t, s.timeout, func() bool { return len(obs.openedBy(1)) > 0 }, "the second member to get partitions")
	// Let the group settle, then look at what moved.
	c.WaitFor(t, s.timeout, func() bool { return len(obs.openedBy(1))+len(obs.openSet(0)) == 4 }, "a settled assignment")
	moved := obs.openedBy(1)
	closed := obs.closedBy(0)
	if !sameSet(moved, closed) {
		t.Errorf("the first task closed %v but the second opened %v: only moved partitions may be closed", closed, moved)
	}
	if n := obs.openCalls(0); n != 1 {
		t.Errorf("the first task had Open called %d times; the partitions it kept must not be reopened", n)
	}
	if err := h2.Stop(); err != nil {
		t.Errorf("second runtime: %v", err)
	}
	if err := h1.Stop(); err != nil {
		t.Errorf("first runtime: %v", err)
	}
	obs.check(t)
}

func (s *sinkSuite) putCancelled(t *testing.T) {
	task := s.newTask()
	cfg := maps.Clone(s.config)
	cfg["name"], cfg["topics"] = "conformance-cancelled", "conformance-cancelled"
	tc := &stubContext{config: cfg}
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	if err := task.Start(ctx, cfg, tc); err != nil {
		t.Fatalf("Start: %v", err)
	}
	cancelled, stop := context.WithCancel(context.Background())
	stop()
	records := make([]connect.SinkRecord, 10)
	for i := range records {
		r := s.gen(i)
		records[i] = connect.SinkRecord{Topic: "conformance-cancelled", Offset: int64(i),
			Key: r.Key, Value: r.Value, KeySchema: connect.OptionalBytesSchema, ValueSchema: connect.OptionalBytesSchema}
	}
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		_ = task.Put(cancelled, records)
	}()
	select {
	case p := <-done:
		if p != nil {
			t.Errorf("Put panicked with a cancelled context: %v", p)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("Put did not return within 10s of being called with a cancelled context")
		return
	}
	if err := task.Stop(ctx); err != nil {
		t.Errorf("Stop: %v", err)
	}
}

func (s *sinkSuite) noLeaks(t *testing.T, baseline int) {
	var extra []string
	deadline := time.Now().Add(10 * time.Second)
	for {
		extra = leakedGoroutines(s.pkg)
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

// leakedGoroutines returns the stacks of goroutines running code of the sink
// runtime, the Kafka client or the task's package, other than test
// goroutines.
func leakedGoroutines(taskPkg string) []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	markers := []string{"connectkit/sink.", "confluent-kafka-go"}
	if taskPkg != "" {
		markers = append(markers, taskPkg+".")
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "testing.tRunner") || strings.Contains(g, "leakedGoroutines") {
			continue
		}
		for _, m := range markers {
			if strings.Contains(g, m) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

func (s *sinkSuite) checkReadBack(t *testing.T, values [][]byte) {
	if s.readBack == nil {
		return
	}
	held := map[string]bool{}
	for _, v := range s.readBack(t) {
		held[string(v)] = true
	}
	missing := 0
	for _, v := range values {
		if !held[string(v)] {
			if missing < 3 {
				t.Errorf("the destination does not hold %q", v)
			}
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d records missing from the destination", missing, len(values))
	}
}

func endOffsets(count int, partitions int32, topic string) map[connect.TopicPartition]int64 {
	ends := map[connect.TopicPartition]int64{}
	for i := range count {
		ends[connect.TopicPartition{Topic: topic, Partition: int32(i) % partitions}]++
	}
	return ends
}

func sameSet(a, b []connect.TopicPartition) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[connect.TopicPartition]bool{}
	for _, tp := range a {
		m[tp] = true
	}
	for _, tp := range b {
		if !m[tp] {
			return false
		}
	}
	return true
}

// observations is what the suite saw of every task instance of one run.
type observations struct {
	mu         sync.Mutex
	instances  int
	puts       map[connect.TopicPartition][]int64 // offsets of successful Puts, in call order
	durable    map[connect.TopicPartition]int64   // highest offset declared durable
	opens      map[int][][]connect.TopicPartition // by instance
	closes     map[int][][]connect.TopicPartition
	violations []string
	crashAfter int // >0: fail Put after this many successful calls
	okPuts     int
	kill       bool            // the next Put kills the instance making it
	dead       []*observedTask // killed instances, cut off from the runtime
}

func newObservations() *observations {
	return &observations{puts: map[connect.TopicPartition][]int64{}, durable: map[connect.TopicPartition]int64{},
		opens: map[int][][]connect.TopicPartition{}, closes: map[int][][]connect.TopicPartition{}}
}

func (o *observations) violate(format string, args ...any) {
	o.violations = append(o.violations, fmt.Sprintf(format, args...))
}

func (o *observations) check(t *testing.T) {
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

func (o *observations) covers(ends map[connect.TopicPartition]int64) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for tp, end := range ends {
		if o.durable[tp] < end {
			return false
		}
	}
	return true
}

func (o *observations) putOffsets(tp connect.TopicPartition) []int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.puts[tp])
}

func (o *observations) checkCommitted(t *testing.T, committed map[connect.TopicPartition]int64) {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	for tp, off := range committed {
		if off > o.durable[tp] {
			t.Errorf("%s: offset %d committed, but the task declared only up to %d durable", tp, off, o.durable[tp])
		}
	}
}

// killNext makes the next Put of any instance kill it: from then on no
// call reaches the task under test, as if its process had died.
func (o *observations) killNext() {
	o.mu.Lock()
	o.kill = true
	o.mu.Unlock()
}

// stopDead stops the killed instances, to release what they hold.
func (o *observations) stopDead(t *testing.T) {
	o.mu.Lock()
	dead := o.dead
	o.dead = nil
	o.mu.Unlock()
	for _, d := range dead {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := d.inner.Stop(ctx); err != nil {
			t.Logf("stopping the instance killed by the simulated crash: %v", err)
		}
		cancel()
	}
}

func (o *observations) openedBy(instance int) []connect.TopicPartition {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []connect.TopicPartition
	for _, tps := range o.opens[instance] {
		out = append(out, tps...)
	}
	return out
}

func (o *observations) closedBy(instance int) []connect.TopicPartition {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []connect.TopicPartition
	for _, tps := range o.closes[instance] {
		out = append(out, tps...)
	}
	return out
}

func (o *observations) openCalls(instance int) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.opens[instance])
}

// openSet returns the partitions an instance has open now.
func (o *observations) openSet(instance int) []connect.TopicPartition {
	o.mu.Lock()
	defer o.mu.Unlock()
	open := map[connect.TopicPartition]bool{}
	for _, tps := range o.opens[instance] {
		for _, tp := range tps {
			open[tp] = true
		}
	}
	for _, tps := range o.closes[instance] {
		for _, tp := range tps {
			delete(open, tp)
		}
	}
	return slices.Collect(maps.Keys(open))
}

func (o *observations) wrap(inner connect.SinkTask) connect.SinkTask {
	o.mu.Lock()
	defer o.mu.Unlock()
	id := o.instances
	o.instances++
	return &observedTask{inner: inner, obs: o, id: id, next: map[connect.TopicPartition]int64{},
		open: map[connect.TopicPartition]bool{}, rewinds: map[connect.TopicPartition]int64{}}
}

// observedTask forwards every call to the task under test and records what
// it sees. It implements every optional interface; where the inner task
// lacks one it does exactly what the runtime does in its absence, so the
// task behaves as it would unobserved.
type observedTask struct {
	inner connect.SinkTask
	obs   *observations
	id    int
	next  map[connect.TopicPartition]int64 // expected next offset per partition
	open  map[connect.TopicPartition]bool
	// rewinds asked for during the current Put; they set next once the
	// batch is accepted (a retried batch arrives again unchanged).
	rewinds map[connect.TopicPartition]int64
	dead    bool // killed: no call reaches inner any more
}

// isDead reports whether the instance was killed.
func (o *observedTask) isDead() bool {
	o.obs.mu.Lock()
	defer o.obs.mu.Unlock()
	return o.dead
}

var (
	_ connect.PreCommitter    = (*observedTask)(nil)
	_ connect.PartitionOpener = (*observedTask)(nil)
	_ connect.PartitionCloser = (*observedTask)(nil)
)

func (o *observedTask) Start(ctx context.Context, cfg map[string]string, tc connect.SinkTaskContext) error {
	return o.inner.Start(ctx, cfg, &rewindWatcher{SinkTaskContext: tc, task: o})
}

func (o *observedTask) Put(ctx context.Context, batch []connect.SinkRecord) error {
	o.obs.mu.Lock()
	crash := o.obs.crashAfter > 0 && o.obs.okPuts >= o.obs.crashAfter
	if o.obs.kill && !o.dead {
		o.obs.kill = false
		o.dead = true
		o.obs.dead = append(o.obs.dead, o)
	}
	dead := o.dead
	o.obs.mu.Unlock()
	if dead {
		return fmt.Errorf("connectortest: task instance %d killed by a simulated crash", o.id)
	}
	if crash {
		return fmt.Errorf("connectortest: simulated crash of task instance %d", o.id)
	}
	err := o.inner.Put(ctx, batch)
	if err != nil && connect.IsRetriable(err) {
		return err
	}
	var be *connect.BatchError
	if err != nil && !errors.As(err, &be) { // classified as the runtime does
		return err
	}
	o.obs.mu.Lock()
	defer o.obs.mu.Unlock()
	o.obs.okPuts++
	for _, r := range batch {
		tp := r.TopicPartition()
		if !o.open[tp] {
			o.obs.violate("%s: Put received offset %d of a partition that is not open (not assigned, or already closed)", tp, r.Offset)
		}
		if want, ok := o.next[tp]; ok && r.Offset != want {
			o.obs.violate("%s: Put received offset %d, want %d: records must arrive in offset order without gaps", tp, r.Offset, want)
		}
		o.next[tp] = r.Offset + 1
		o.obs.puts[tp] = append(o.obs.puts[tp], r.Offset)
	}
	for tp, off := range o.rewinds {
		o.next[tp] = off
	}
	clear(o.rewinds)
	return err
}

func (o *observedTask) PreCommit(ctx context.Context, offsets map[connect.TopicPartition]int64) (map[connect.TopicPartition]int64, error) {
	if o.isDead() {
		return nil, fmt.Errorf("connectortest: task instance %d killed by a simulated crash", o.id)
	}
	var res map[connect.TopicPartition]int64
	var err error
	switch inner := o.inner.(type) {
	case connect.PreCommitter:
		res, err = inner.PreCommit(ctx, offsets)
	case connect.Flusher:
		err, res = inner.Flush(ctx, offsets), offsets
	default:
		res = offsets
	}
	if err != nil {
		return res, err
	}
	o.obs.mu.Lock()
	defer o.obs.mu.Unlock()
	for tp, off := range res {
		if off > o.obs.durable[tp] {
			o.obs.durable[tp] = off
		}
	}
	return res, nil
}

func (o *observedTask) Open(ctx context.Context, tps []connect.TopicPartition) error {
	o.obs.mu.Lock()
	o.obs.opens[o.id] = append(o.obs.opens[o.id], slices.Clone(tps))
	for _, tp := range tps {
		o.open[tp] = true
	}
	o.obs.mu.Unlock()
	if op, ok := o.inner.(connect.PartitionOpener); ok {
		return op.Open(ctx, tps)
	}
	return nil
}

func (o *observedTask) Close(ctx context.Context, tps []connect.TopicPartition) error {
	o.obs.mu.Lock()
	o.obs.closes[o.id] = append(o.obs.closes[o.id], slices.Clone(tps))
	for _, tp := range tps {
		delete(o.next, tp) // a reopened partition restarts from its commit
		delete(o.open, tp)
	}
	o.obs.mu.Unlock()
	if o.isDead() {
		return nil
	}
	if cl, ok := o.inner.(connect.PartitionCloser); ok {
		return cl.Close(ctx, tps)
	}
	return nil
}

func (o *observedTask) Stop(ctx context.Context) error {
	if o.isDead() {
		return nil
	}
	return o.inner.Stop(ctx)
}

// Unwrap returns the task under test.
func (o *observedTask) Unwrap() connect.SinkTask { return o.inner }

// rewindWatcher passes the task's context through, noting rewinds so that
// the order check expects the rewound offset next.
type rewindWatcher struct {
	connect.SinkTaskContext
	task *observedTask
}

// Unwrap returns the runtime's context, so that helpers that need it (such
// as sink.ConsumerGroupMetadata) see through the watcher.
func (r *rewindWatcher) Unwrap() connect.SinkTaskContext { return r.SinkTaskContext }

func (r *rewindWatcher) Offset(tp connect.TopicPartition, offset int64) {
	r.task.obs.mu.Lock()
	r.task.rewinds[tp] = offset
	r.task.obs.mu.Unlock()
	r.SinkTaskContext.Offset(tp, offset)
}

// stubContext is the task context for calling a task's methods directly.
type stubContext struct {
	config map[string]string
}

func (s *stubContext) Config() map[string]string                          { return s.config }
func (s *stubContext) Assignment() []connect.TopicPartition               { return nil }
func (s *stubContext) Pause(...connect.TopicPartition)                    {}
func (s *stubContext) Resume(...connect.TopicPartition)                   {}
func (s *stubContext) Offset(connect.TopicPartition, int64)               {}
func (s *stubContext) RequestCommit()                                     {}
func (s *stubContext) Timeout(time.Duration)                              {}
func (s *stubContext) ErrantRecordReporter() connect.ErrantRecordReporter { return s }
func (s *stubContext) Report(context.Context, *connect.SinkRecord, error) error {
	return nil
}
