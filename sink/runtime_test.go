package sink_test

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/sink"
)

// recorder is a sink task's destination: what every Put delivered, per
// partition, and the Open/Close calls, shared by all tasks of a connector.
type recorder struct {
	mu     sync.Mutex
	got    map[connect.TopicPartition][]int64
	values map[string]int // value -> times seen
	opened map[int][][]connect.TopicPartition
	closed map[int][][]connect.TopicPartition
	owns   map[int]map[connect.TopicPartition]bool // opened and not closed since
	puts   int
}

func newRecorder() *recorder {
	return &recorder{got: map[connect.TopicPartition][]int64{}, values: map[string]int{},
		opened: map[int][][]connect.TopicPartition{}, closed: map[int][][]connect.TopicPartition{},
		owns: map[int]map[connect.TopicPartition]bool{}}
}

// offsetsSeen returns how many distinct offsets of tp reached Put. The
// caller holds r.mu.
func (r *recorder) offsetsSeen(tp connect.TopicPartition) int {
	seen := map[int64]bool{}
	for _, off := range r.got[tp] {
		seen[off] = true
	}
	return len(seen)
}

// owned returns the partitions task id holds now. The caller holds r.mu.
func (r *recorder) owned(id int) []connect.TopicPartition {
	var out []connect.TopicPartition
	for tp := range r.owns[id] {
		out = append(out, tp)
	}
	return out
}

func (r *recorder) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, offs := range r.got {
		n += len(offs)
	}
	return n
}

func (r *recorder) distinct() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.values)
}

// task records into a recorder; hooks let tests inject behaviour.
type task struct {
	rec      *recorder
	id       int
	tc       connect.SinkTaskContext
	put      func(tc connect.SinkTaskContext, batch []connect.SinkRecord) error
	stopped  bool
	stopHook func()
}

func (t *task) Start(ctx context.Context, cfg map[string]string, tc connect.SinkTaskContext) error {
	t.tc = tc
	return nil
}

func (t *task) Put(ctx context.Context, batch []connect.SinkRecord) error {
	if t.put != nil {
		if err := t.put(t.tc, batch); err != nil {
			return err
		}
	}
	t.rec.mu.Lock()
	defer t.rec.mu.Unlock()
	t.rec.puts++
	for _, r := range batch {
		tp := r.TopicPartition()
		t.rec.got[tp] = append(t.rec.got[tp], r.Offset)
		if b, ok := r.Value.([]byte); ok {
			t.rec.values[string(b)]++
		}
	}
	return nil
}

func (t *task) Open(ctx context.Context, tps []connect.TopicPartition) error {
	t.rec.mu.Lock()
	defer t.rec.mu.Unlock()
	t.rec.opened[t.id] = append(t.rec.opened[t.id], tps)
	if t.rec.owns[t.id] == nil {
		t.rec.owns[t.id] = map[connect.TopicPartition]bool{}
	}
	for _, tp := range tps {
		t.rec.owns[t.id][tp] = true
	}
	return nil
}

func (t *task) Close(ctx context.Context, tps []connect.TopicPartition) error {
	t.rec.mu.Lock()
	defer t.rec.mu.Unlock()
	t.rec.closed[t.id] = append(t.rec.closed[t.id], tps)
	for _, tp := range tps {
		delete(t.rec.owns[t.id], tp)
	}
	return nil
}

func (t *task) Stop(ctx context.Context) error {
	t.stopped = true
	if t.stopHook != nil {
		t.stopHook()
	}
	return nil
}

// connector hands out tasks built by newTask, numbering them.
type connector struct {
	mu      sync.Mutex
	n       int
	newTask func(id int) connect.SinkTask
}

func (c *connector) ConfigDef() *connect.ConfigDef { return connect.NewConfigDef() }
func (c *connector) TaskConfigs(cfg map[string]string, max int) ([]map[string]string, error) {
	return connect.ReplicateConfig(cfg, max), nil
}
func (c *connector) NewTask() connect.SinkTask {
	c.mu.Lock()
	id := c.n
	c.n++
	c.mu.Unlock()
	return c.newTask(id)
}

func recordingConnector(rec *recorder, put func(tc connect.SinkTaskContext, batch []connect.SinkRecord) error) *connector {
	return &connector{newTask: func(id int) connect.SinkTask { return &task{rec: rec, id: id, put: put} }}
}

func baseConfig(c *connectortest.Cluster, name string, topics string) map[string]string {
	return map[string]string{
		"name":                                 name,
		"topics":                               topics,
		"bootstrap.servers":                    c.BootstrapServers(),
		"key.converter":                        "org.apache.kafka.connect.converters.ByteArrayConverter",
		"value.converter":                      "org.apache.kafka.connect.converters.ByteArrayConverter",
		"offset.flush.interval.ms":             "100",
		"consumer.override.session.timeout.ms": "6000",
		"consumer.override.heartbeat.interval.ms": "500",
	}
}

// dlqConfig is baseConfig for JSON values, bad records going to dlq with
// the context headers. The dead-letter queue has one replica, for the
// single real broker of the integration suite.
func dlqConfig(c *connectortest.Cluster, name, topic, dlq string) map[string]string {
	cfg := baseConfig(c, name, topic)
	cfg["value.converter"] = "org.apache.kafka.connect.json.JsonConverter"
	cfg["value.converter.schemas.enable"] = "false"
	cfg["errors.tolerance"] = "all"
	cfg["errors.deadletterqueue.topic.name"] = dlq
	cfg["errors.deadletterqueue.topic.replication.factor"] = "1"
	cfg["errors.deadletterqueue.context.headers.enable"] = "true"
	return cfg
}

// running starts rt and returns a function that shuts it down and returns
// Run's result.
func running(t *testing.T, rt *sink.Runtime) func() error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				err = errors.New("Run did not return within 30s of cancel")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

func produce(t *testing.T, c *connectortest.Cluster, topic string, partitions int32, n int) {
	t.Helper()
	c.ProduceN(t, topic, n, func(i int) connectortest.Record {
		return connectortest.Record{Topic: topic, Partition: int32(i) % partitions,
			Key: []byte("k" + strconv.Itoa(i)), Value: []byte("v" + strconv.Itoa(i))}
	})
}

// The runtime tests that matter most against a real broker, each written
// once and run by connectortest.EachCluster on the embedded cluster and,
// under the integration build tag, on Apache Kafka. They name topics and
// connectors with c.Unique, as the real broker is shared across runs.
var eachClusterTests = []struct {
	name string
	run  func(t *testing.T, c *connectortest.Cluster)
}{
	{"DeliversEverythingInOrderAndCommits", testDeliversEverythingInOrderAndCommits},
	{"CommitsOnlyWhatPreCommitDeclares", testCommitsOnlyWhatPreCommitDeclares},
	{"ToleratedErrorsGoToTheDeadLetterQueue", testToleratedErrorsGoToTheDeadLetterQueue},
	{"RebalanceBetweenTwoProcesses", testRebalanceBetweenTwoProcesses},
	{"RebalanceBetweenTwoStandaloneWorkers", testRebalanceBetweenTwoStandaloneWorkers},
	{"RebalanceBetweenTwoTasks", testRebalanceBetweenTwoTasks},
	{"RestartResumesFromCommittedOffsets", testRestartResumesFromCommittedOffsets},
	{"TopicsRegex", testTopicsRegex},
}

func TestRuntime(t *testing.T) {
	for _, tt := range eachClusterTests {
		t.Run(tt.name, func(t *testing.T) { connectortest.EachCluster(t, tt.run) })
	}
}

func testDeliversEverythingInOrderAndCommits(t *testing.T, c *connectortest.Cluster) {
	topic, name := c.Unique("orders"), c.Unique("in-order")
	c.CreateTopic(t, topic, 3)
	produce(t, c, topic, 3, 900)

	rec := newRecorder()
	rt, err := sink.New(recordingConnector(rec, nil), baseConfig(c, name, topic))
	require.NoError(t, err)
	stop := running(t, rt)
	c.WaitFor(t, 20*time.Second, func() bool { return rec.total() >= 900 }, "all records delivered")
	require.NoError(t, stop())

	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.Len(t, rec.got, 3)
	for tp, offs := range rec.got {
		require.Len(t, offs, 300, tp)
		for i, off := range offs {
			require.Equal(t, int64(i), off, "%s: records must reach Put in offset order", tp)
		}
	}
	assert.Equal(t, 900, len(rec.values), "each record exactly once")
	committed := c.CommittedOffsets(t, "connect-"+name)
	for p := int32(0); p < 3; p++ {
		assert.Equal(t, int64(300), committed[connect.TopicPartition{Topic: topic, Partition: p}])
	}
	st := rt.Status()
	assert.Equal(t, connect.StateStopped, st.Tasks[0].State)
}

// preCommitTask keeps everything in a buffer and only declares durable what
// it flushed: records with an even offset count, to prove commits follow it.
type preCommitTask struct {
	task
	durable map[connect.TopicPartition]int64
}

func (p *preCommitTask) Put(ctx context.Context, batch []connect.SinkRecord) error {
	if p.durable == nil {
		p.durable = map[connect.TopicPartition]int64{}
	}
	for _, r := range batch {
		if r.Offset < 50 { // the "destination" only ever persists the first 50
			p.durable[r.TopicPartition()] = r.Offset + 1
		}
	}
	return p.task.Put(ctx, batch)
}

func (p *preCommitTask) PreCommit(ctx context.Context, offsets map[connect.TopicPartition]int64) (map[connect.TopicPartition]int64, error) {
	out := map[connect.TopicPartition]int64{}
	for tp := range offsets {
		if d, ok := p.durable[tp]; ok {
			out[tp] = d
		}
	}
	return out, nil
}

func testCommitsOnlyWhatPreCommitDeclares(t *testing.T, c *connectortest.Cluster) {
	topic, name := c.Unique("events"), c.Unique("precommit")
	c.CreateTopic(t, topic, 1)
	produce(t, c, topic, 1, 200)
	rec := newRecorder()
	conn := &connector{newTask: func(id int) connect.SinkTask { return &preCommitTask{task: task{rec: rec, id: id}} }}
	rt, err := sink.New(conn, baseConfig(c, name, topic))
	require.NoError(t, err)
	stop := running(t, rt)
	c.WaitFor(t, 20*time.Second, func() bool { return rec.total() >= 200 }, "records delivered")
	require.NoError(t, stop())
	assert.Equal(t, int64(50), c.CommittedOffsets(t, "connect-"+name)[connect.TopicPartition{Topic: topic}])
}

func TestRetriableErrorRetriesTheSameBatch(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "retry", 1)
	produce(t, c, "retry", 1, 50)
	rec := newRecorder()
	var mu sync.Mutex
	failures := 0
	var firstBatch []int64
	conn := recordingConnector(rec, func(tc connect.SinkTaskContext, batch []connect.SinkRecord) error {
		mu.Lock()
		defer mu.Unlock()
		offs := make([]int64, len(batch))
		for i, r := range batch {
			offs[i] = r.Offset
		}
		if failures < 3 {
			if firstBatch == nil {
				firstBatch = offs
			} else if !assert.Equal(t, firstBatch, offs, "a retry must get the same batch") {
				return errors.New("batch changed")
			}
			failures++
			tc.Timeout(10 * time.Millisecond)
			return connect.Retriable(errors.New("destination busy"))
		}
		return nil
	})
	cfg := baseConfig(c, "retry", "retry")
	cfg["errors.retry.timeout"] = "10000"
	rt, err := sink.New(conn, cfg)
	require.NoError(t, err)
	stop := running(t, rt)
	c.WaitFor(t, 20*time.Second, func() bool { return rec.total() >= 50 }, "records delivered after retries")
	require.NoError(t, stop())
	assert.Equal(t, 3, failures)
	assert.Equal(t, 50, rec.distinct())
	assert.Equal(t, int64(50), c.CommittedOffsets(t, "connect-retry")[connect.TopicPartition{Topic: "retry"}])
}

func TestRetriesGiveUpAfterRetryTimeout(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "down", 1)
	produce(t, c, "down", 1, 10)
	rec := newRecorder()
	conn := recordingConnector(rec, func(tc connect.SinkTaskContext, batch []connect.SinkRecord) error {
		return connect.Retriable(errors.New("still down"))
	})
	cfg := baseConfig(c, "giveup", "down")
	cfg["errors.retry.timeout"] = "500"
	cfg["errors.retry.delay.max.ms"] = "100"
	rt, err := sink.New(conn, cfg)
	require.NoError(t, err)
	stop := running(t, rt)
	c.WaitFor(t, 20*time.Second, func() bool { return rt.Status().Tasks[0].State == connect.StateFailed }, "task fails")
	runErr := stop()
	require.Error(t, runErr)
	assert.Contains(t, runErr.Error(), "still down")
	assert.Contains(t, runErr.Error(), "errors.retry.timeout")
	var te *connect.TaskError
	require.ErrorAs(t, rt.Status().Tasks[0].Err, &te)
	assert.Equal(t, "Put", te.Op)
	assert.Empty(t, c.CommittedOffsets(t, "connect-giveup"), "nothing was handled, so nothing is committed")
}

func TestPanicFailsOnlyThatTask(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "boom", 2)
	rec := newRecorder()
	conn := &connector{newTask: func(id int) connect.SinkTask {
		tk := &task{rec: rec, id: id}
		if id == 0 { // the first task built panics; which runtime slot it lands in is up to the scheduler
			tk.put = func(connect.SinkTaskContext, []connect.SinkRecord) error { panic("task bug") }
		}
		return tk
	}}
	cfg := baseConfig(c, "panics", "boom")
	cfg["tasks.max"] = "2"
	rt, err := sink.New(conn, cfg)
	require.NoError(t, err)
	stop := running(t, rt)
	c.WaitFor(t, 20*time.Second, func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return len(rec.opened[0]) > 0 && len(rec.opened[1]) > 0
	}, "both tasks own a partition")
	produce(t, c, "boom", 2, 100)
	failed := func() int {
		for _, ts := range rt.Status().Tasks {
			if ts.State == connect.StateFailed {
				return ts.ID
			}
		}
		return -1
	}
	c.WaitFor(t, 20*time.Second, func() bool { return failed() >= 0 }, "the panicking task fails")
	// The survivor takes over the failed task's partitions once its consumer
	// leaves the group, and delivers everything.
	c.WaitFor(t, 30*time.Second, func() bool { return rec.distinct() == 100 }, "the other task delivers every record")
	bad := failed()
	assert.Equal(t, connect.StateRunning, rt.Status().Tasks[1-bad].State)
	runErr := stop()
	var te *connect.TaskError
	require.ErrorAs(t, runErr, &te)
	assert.Equal(t, bad, te.Task)
	assert.Equal(t, "Put", te.Op)
	assert.Contains(t, te.Err.Error(), "panic: task bug")
	assert.Contains(t, te.Stack, "runtime_test.go", "the stack points at the task's code")
}

func TestUndecodableRecordFailsTaskNamingIt(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "json", 1)
	c.Produce(t,
		connectortest.Record{Topic: "json", Value: []byte(`{"a":1}`)},
		connectortest.Record{Topic: "json", Value: []byte(`{"a":`)},
		connectortest.Record{Topic: "json", Value: []byte(`{"a":3}`)},
	)
	rec := newRecorder()
	cfg := baseConfig(c, "badjson", "json")
	cfg["value.converter"] = "org.apache.kafka.connect.json.JsonConverter"
	cfg["value.converter.schemas.enable"] = "false"
	rt, err := sink.New(recordingConnector(rec, nil), cfg)
	require.NoError(t, err)
	stop := running(t, rt)
	c.WaitFor(t, 20*time.Second, func() bool { return rt.Status().Tasks[0].State == connect.StateFailed }, "task fails")
	runErr := stop()
	require.Error(t, runErr)
	assert.Contains(t, runErr.Error(), "json-0@1", "the error names the record")
	assert.Contains(t, runErr.Error(), "VALUE_CONVERTER")
	// errors.tolerance=none stops at the record: the one before it is
	// delivered and committed, so a restart neither repeats nor skips it,
	// and the one after it never reaches the task.
	committed := c.CommittedOffsets(t, "connect-badjson")
	assert.Equal(t, int64(1), committed[connect.TopicPartition{Topic: "json"}], "committed up to the undecodable record")
	rec.mu.Lock()
	defer rec.mu.Unlock()
	assert.Equal(t, []int64{0}, rec.got[connect.TopicPartition{Topic: "json"}], "nothing after the undecodable record is put")
}

func testToleratedErrorsGoToTheDeadLetterQueue(t *testing.T, c *connectortest.Cluster) {
	in, dlqTopic, name := c.Unique("in"), c.Unique("in-dlq"), c.Unique("dlq")
	c.CreateTopic(t, in, 1)
	c.Produce(t,
		connectortest.Record{Topic: in, Key: []byte("k0"), Value: []byte(`{"a":1}`)},
		connectortest.Record{Topic: in, Key: []byte("k1"), Value: []byte(`not json`),
			Headers: []connectortest.RecordHeader{{Key: "trace", Value: []byte("t-1")}}},
		connectortest.Record{Topic: in, Key: []byte("k2"), Value: []byte(`{"a":2}`)},
		connectortest.Record{Topic: in, Key: []byte("k3"), Value: []byte(`{"reject":true}`)},
	)
	rec := newRecorder()
	conn := recordingConnector(rec, func(tc connect.SinkTaskContext, batch []connect.SinkRecord) error {
		for i := range batch {
			if m, ok := batch[i].Value.(map[string]any); ok && m["reject"] == true {
				if err := tc.ErrantRecordReporter().Report(context.Background(), &batch[i], errors.New("rejected by destination")); err != nil {
					return err
				}
			}
		}
		return nil
	})
	cfg := dlqConfig(c, name, in, dlqTopic)
	rt, err := sink.New(conn, cfg)
	require.NoError(t, err)
	stop := running(t, rt)
	c.WaitFor(t, 20*time.Second, func() bool {
		recs, err := c.ReadAllContext(context.Background(), dlqTopic)
		return err == nil && len(recs) == 2 // the runtime creates the topic on first use
	}, "two records dead-lettered")
	c.WaitFor(t, 20*time.Second, func() bool {
		return c.CommittedOffsets(t, "connect-"+name)[connect.TopicPartition{Topic: in}] == 4
	}, "offsets pass the dead-lettered records")
	require.NoError(t, stop())

	dlq := c.ReadAll(t, dlqTopic)
	bad := dlq[0]
	assert.Equal(t, []byte("k1"), bad.Key)
	assert.Equal(t, []byte("not json"), bad.Value)
	hdr := map[string]string{}
	for _, h := range bad.Headers {
		hdr[h.Key] = string(h.Value)
	}
	assert.Equal(t, "t-1", hdr["trace"], "original headers are kept")
	assert.Equal(t, in, hdr[sink.HeaderErrorTopic])
	assert.Equal(t, "0", hdr[sink.HeaderErrorPartition])
	assert.Equal(t, "1", hdr[sink.HeaderErrorOffset])
	assert.Equal(t, name, hdr[sink.HeaderErrorConnectorName])
	assert.Equal(t, "0", hdr[sink.HeaderErrorTaskID])
	assert.Equal(t, "VALUE_CONVERTER", hdr[sink.HeaderErrorStage])
	assert.Equal(t, sink.DefaultConverter, hdr[sink.HeaderErrorClassName])
	assert.NotEmpty(t, hdr[sink.HeaderErrorExceptionMessage])

	reported := dlq[1]
	assert.Equal(t, []byte(`{"reject":true}`), reported.Value)
	rh := map[string]string{}
	for _, h := range reported.Headers {
		rh[h.Key] = string(h.Value)
	}
	assert.Equal(t, "TASK_PUT", rh[sink.HeaderErrorStage])
	assert.Equal(t, "3", rh[sink.HeaderErrorOffset])
	assert.Contains(t, rh[sink.HeaderErrorExceptionMessage], "rejected by destination")
	assert.Equal(t, 3, rec.total(), "the good records and the reported one reached Put")
}

func testRebalanceBetweenTwoProcesses(t *testing.T, c *connectortest.Cluster) {
	rebalanceBetweenTwoProcesses(t, c, nil, nil)
}

// Two connect-standalone processes running the same connector, each with
// its own worker file: their consumers are static group members with
// different group.instance.id values, so they share the partitions as
// dynamic members do instead of fencing each other.
func testRebalanceBetweenTwoStandaloneWorkers(t *testing.T, c *connectortest.Cluster) {
	dir := t.TempDir()
	worker := func(file string) []sink.Option {
		return []sink.Option{sink.WithWorkerConfig(map[string]string{
			"offset.storage.file.filename": dir + "/" + file,
		})}
	}
	rebalanceBetweenTwoProcesses(t, c, worker("first.offsets"), worker("second.offsets"))
}

func rebalanceBetweenTwoProcesses(t *testing.T, c *connectortest.Cluster, opts1, opts2 []sink.Option) {
	topic := c.Unique("shared")
	c.CreateTopic(t, topic, 4)
	produce(t, c, topic, 4, 400)
	rec := newRecorder()
	conn := recordingConnector(rec, nil)
	cfg := baseConfig(c, c.Unique("rebalance"), topic)

	rt1, err := sink.New(conn, cfg, opts1...)
	require.NoError(t, err)
	stop1 := running(t, rt1)
	c.WaitFor(t, 20*time.Second, func() bool { return rec.distinct() == 400 }, "first process delivers everything")

	// A second process with the same connector name joins the group.
	rt2, err := sink.New(conn, cfg, opts2...)
	require.NoError(t, err)
	stop2 := running(t, rt2)
	c.WaitFor(t, 30*time.Second, func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return len(rec.opened[1]) > 0
	}, "second process gets partitions")
	produce(t, c, topic, 4, 400) // same values again; distinct stays 400, total grows
	c.WaitFor(t, 20*time.Second, func() bool { return rec.total() >= 800 }, "new records delivered by both")
	require.NoError(t, stop2())
	require.NoError(t, stop1())

	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.NotEmpty(t, rec.opened[0])
	first := rec.opened[0][0]
	assert.Len(t, first, 4, "the first task starts with every partition")
	require.NotEmpty(t, rec.closed[0])
	revoked := rec.closed[0][0]
	assert.NotEmpty(t, revoked)
	assert.Less(t, len(revoked), 4, "only the partitions that moved are closed")
	assert.ElementsMatch(t, revoked, rec.opened[1][0], "what the first task lost, the second opened")
	for tp := range rec.got {
		assert.Equal(t, 200, rec.offsetsSeen(tp), "%s: every offset delivered", tp)
	}
}

// Two tasks of one process share a topic's partitions through the group,
// as Kafka Connect's tasks do: between them they own each partition once,
// and a partition one of them closes while running, the other opens.
func testRebalanceBetweenTwoTasks(t *testing.T, c *connectortest.Cluster) {
	topic, name := c.Unique("split"), c.Unique("two-tasks")
	c.CreateTopic(t, topic, 4)
	produce(t, c, topic, 4, 400)
	rec := newRecorder()
	cfg := baseConfig(c, name, topic)
	cfg["tasks.max"] = "2"
	rt, err := sink.New(recordingConnector(rec, nil), cfg)
	require.NoError(t, err)
	stop := running(t, rt)
	c.WaitFor(t, 30*time.Second, func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		a, b := rec.owned(0), rec.owned(1)
		return len(a) > 0 && len(b) > 0 && len(a)+len(b) == 4
	}, "the two tasks to share the four partitions")
	c.WaitFor(t, 20*time.Second, func() bool { return rec.distinct() == 400 }, "every record delivered")

	rec.mu.Lock()
	owned := append(rec.owned(0), rec.owned(1)...)
	var closedWhileRunning, openedBy [2][]connect.TopicPartition
	for id := range 2 {
		for _, tps := range rec.closed[id] {
			closedWhileRunning[id] = append(closedWhileRunning[id], tps...)
		}
		for _, tps := range rec.opened[id] {
			openedBy[id] = append(openedBy[id], tps...)
		}
	}
	rec.mu.Unlock()
	require.NoError(t, stop())

	var all []connect.TopicPartition
	for p := range int32(4) {
		all = append(all, connect.TopicPartition{Topic: topic, Partition: p})
	}
	assert.ElementsMatch(t, all, owned, "each partition owned by exactly one task")
	for id := range 2 {
		for _, tp := range closedWhileRunning[id] {
			assert.Contains(t, openedBy[1-id], tp, "task %d closed %s, so the other task took it over", id, tp)
		}
	}
	committed := c.CommittedOffsets(t, "connect-"+name)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, tp := range all {
		assert.Equal(t, int64(100), committed[tp], tp)
		assert.Equal(t, 100, rec.offsetsSeen(tp), "%s: every offset delivered", tp)
	}
}

// A connector that stops and starts again resumes where its group
// committed: the records written while it was down, and nothing before.
func testRestartResumesFromCommittedOffsets(t *testing.T, c *connectortest.Cluster) {
	topic, name := c.Unique("resume"), c.Unique("resume")
	c.CreateTopic(t, topic, 2)
	produce(t, c, topic, 2, 100)
	cfg := baseConfig(c, name, topic)
	group := "connect-" + name
	tps := []connect.TopicPartition{{Topic: topic, Partition: 0}, {Topic: topic, Partition: 1}}

	first := newRecorder()
	rt, err := sink.New(recordingConnector(first, nil), cfg)
	require.NoError(t, err)
	stop := running(t, rt)
	c.WaitFor(t, 20*time.Second, func() bool { return first.total() >= 100 }, "the first run delivers everything")
	require.NoError(t, stop())
	for _, tp := range tps {
		require.Equal(t, int64(50), c.CommittedOffsets(t, group)[tp], tp)
	}

	c.ProduceN(t, topic, 60, func(i int) connectortest.Record {
		return connectortest.Record{Topic: topic, Partition: int32(i % 2), Value: []byte("after-" + strconv.Itoa(i))}
	})
	second := newRecorder()
	rt, err = sink.New(recordingConnector(second, nil), cfg)
	require.NoError(t, err)
	stop = running(t, rt)
	c.WaitFor(t, 20*time.Second, func() bool { return second.total() >= 60 }, "the second run delivers the new records")
	require.NoError(t, stop())

	second.mu.Lock()
	defer second.mu.Unlock()
	for _, tp := range tps {
		want := make([]int64, 30)
		for i := range want {
			want[i] = int64(50 + i)
		}
		assert.Equal(t, want, second.got[tp], "%s: only the records after the committed offset", tp)
		assert.Equal(t, int64(80), c.CommittedOffsets(t, group)[tp], tp)
	}
	for v := range second.values {
		assert.True(t, strings.HasPrefix(v, "after-"), "%q was delivered by the first run already", v)
	}
}

func TestRewindRedelivers(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "rewind", 1)
	produce(t, c, "rewind", 1, 20)
	rec := newRecorder()
	var once sync.Once
	conn := recordingConnector(rec, func(tc connect.SinkTaskContext, batch []connect.SinkRecord) error {
		if batch[len(batch)-1].Offset == 19 {
			once.Do(func() { tc.Offset(connect.TopicPartition{Topic: "rewind"}, 10) })
		}
		return nil
	})
	rt, err := sink.New(conn, baseConfig(c, "rewinder", "rewind"))
	require.NoError(t, err)
	stop := running(t, rt)
	c.WaitFor(t, 20*time.Second, func() bool { return rec.total() >= 30 }, "records 10..19 delivered twice")
	require.NoError(t, stop())
	rec.mu.Lock()
	defer rec.mu.Unlock()
	offs := rec.got[connect.TopicPartition{Topic: "rewind"}]
	require.Len(t, offs, 30)
	assert.Equal(t, int64(10), offs[20])
}

func testTopicsRegex(t *testing.T, c *connectortest.Cluster) {
	for _, topic := range []string{"metrics.cpu", "metrics.mem", "logs.app"} {
		c.CreateTopic(t, c.Unique(topic), 1)
		produce(t, c, c.Unique(topic), 1, 10)
	}
	rec := newRecorder()
	cfg := baseConfig(c, c.Unique("regex"), "")
	delete(cfg, "topics")
	cfg["topics.regex"] = regexp.QuoteMeta(c.Unique("metrics.")) + ".*"
	rt, err := sink.New(recordingConnector(rec, nil), cfg)
	require.NoError(t, err)
	stop := running(t, rt)
	c.WaitFor(t, 20*time.Second, func() bool { return rec.total() >= 20 }, "records of matching topics")
	require.NoError(t, stop())
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var topics []string
	for tp := range rec.got {
		topics = append(topics, tp.Topic)
	}
	assert.ElementsMatch(t, []string{c.Unique("metrics.cpu"), c.Unique("metrics.mem")}, topics)
}

func TestInvalidConfigListsEveryProblem(t *testing.T) {
	_, err := sink.New(recordingConnector(newRecorder(), nil), map[string]string{
		"tasks.max":                           "zero",
		"topics":                              "a",
		"topics.regex":                        "a.*",
		"errors.tolerance":                    "some",
		"consumer.override.ssl.keystore.type": "JKS",
	})
	require.Error(t, err)
	for _, key := range []string{"name", "bootstrap.servers", "tasks.max", "topics", "errors.tolerance"} {
		assert.Contains(t, err.Error(), key)
	}
}

func TestShutdownCommitsAndStops(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "final", 1)
	produce(t, c, "final", 1, 10)
	rec := newRecorder()
	var stopped sync.WaitGroup
	stopped.Add(1)
	conn := &connector{newTask: func(id int) connect.SinkTask {
		return &task{rec: rec, id: id, stopHook: stopped.Done}
	}}
	cfg := baseConfig(c, "final", "final")
	cfg["offset.flush.interval.ms"] = "3600000" // only the shutdown commit can do it
	rt, err := sink.New(conn, cfg)
	require.NoError(t, err)
	stop := running(t, rt)
	c.WaitFor(t, 20*time.Second, func() bool { return rec.total() >= 10 }, "delivered")
	require.NoError(t, stop())
	stopped.Wait()
	assert.Equal(t, int64(10), c.CommittedOffsets(t, "connect-final")[connect.TopicPartition{Topic: "final"}])
	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.NotEmpty(t, rec.closed[0], "partitions are closed at shutdown")
}

var discardLogger = slog.New(slog.DiscardHandler)

func TestStopErrorAfterAFailureIsReturned(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "stopfail", 1)
	produce(t, c, "stopfail", 1, 1)
	conn := &connector{newTask: func(id int) connect.SinkTask {
		return &failingStop{task{rec: newRecorder(), id: id,
			put: func(connect.SinkTaskContext, []connect.SinkRecord) error { return errors.New("put broke") }}}
	}}
	rt, err := sink.New(conn, baseConfig(c, "stopfail", "stopfail"), sink.WithLogger(discardLogger))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = rt.Run(ctx) // returns when its only task fails
	assert.ErrorContains(t, err, "Put: put broke", "the failure")
	assert.ErrorContains(t, err, "Stop: stop broke too", "Stop's error after the failure is not swallowed")
	assert.ErrorContains(t, rt.Status().Tasks[0].Err, "put broke", "the status keeps the first cause")
}

// failingStop is a task whose Stop fails.
type failingStop struct{ task }

func (f *failingStop) Stop(context.Context) error { return errors.New("stop broke too") }
