package source_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/source"
)

var (
	sharedOnce sync.Once
	shared     *connectortest.Cluster
	sharedErr  error
	seq        atomic.Int64
)

// sharedCluster is one embedded cluster for the package's tests.
func sharedCluster(t *testing.T) *connectortest.Cluster {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = connectortest.StartCluster() })
	require.NoError(t, sharedErr)
	return shared
}

func unique(name string) string { return fmt.Sprintf("%s-%d", name, seq.Add(1)) }

var quiet = slog.New(slog.DiscardHandler)

// counter is a source task that emits records value-0, value-1, ... up to
// limit, batch at a time, from one source partition {"id": part}, with the
// offset {"position": next index}. It resumes after the stored offset, then
// blocks in Poll until its context ends.
type counter struct {
	topic string
	part  string
	limit int
	batch int
	// hooks
	poll func(next int) error // called before each Poll returns records

	mu         sync.Mutex
	next       int
	resumed    int // stored position found at Start, -1 if none
	committed  []int
	skipped    []int // committed with offset -1
	commits    int
	stops      int
	pollExited chan struct{}
}

func (c *counter) Start(ctx context.Context, _ map[string]string, tc connect.SourceTaskContext) error {
	off, err := tc.Offset(ctx, map[string]any{"id": c.part})
	if err != nil {
		return err
	}
	c.resumed = -1
	if off != nil {
		pos, ok := off["position"].(int64)
		if !ok {
			return fmt.Errorf("stored offset %v has no int64 position", off)
		}
		c.next, c.resumed = int(pos), int(pos)
	}
	return nil
}

func (c *counter) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	c.mu.Lock()
	next := c.next
	c.mu.Unlock()
	if next >= c.limit {
		<-ctx.Done()
		if c.pollExited != nil {
			close(c.pollExited)
			c.pollExited = nil
		}
		return nil, ctx.Err()
	}
	if c.poll != nil {
		if err := c.poll(next); err != nil {
			return nil, err
		}
	}
	var out []connect.SourceRecord
	for i := next; i < min(next+c.batch, c.limit); i++ {
		out = append(out, connect.SourceRecord{
			SourcePartition: map[string]any{"id": c.part},
			SourceOffset:    map[string]any{"position": int64(i + 1)},
			Topic:           c.topic,
			Key:             []byte("k" + strconv.Itoa(i%7)),
			Value:           []byte("value-" + strconv.Itoa(i)),
		})
	}
	c.mu.Lock()
	c.next = next + len(out)
	c.mu.Unlock()
	return out, nil
}

func (c *counter) CommitRecord(_ context.Context, rec *connect.SourceRecord, meta connect.RecordMetadata) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	pos := int(rec.SourceOffset["position"].(int64))
	c.committed = append(c.committed, pos)
	if meta.Offset == -1 {
		c.skipped = append(c.skipped, pos)
	}
	return nil
}

func (c *counter) Commit(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.commits++
	return nil
}

func (c *counter) Stop(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stops++
	return nil
}

func (c *counter) snapshot() (committed []int, commits, stops int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int(nil), c.committed...), c.commits, c.stops
}

func one(task connect.SourceTask) connectortest.SourceConnectorFunc {
	return func() connect.SourceTask { return task }
}

// values returns the record values in topic, partition by partition.
func values(t *testing.T, c *connectortest.Cluster, topic string) []string {
	t.Helper()
	var out []string
	for _, r := range c.ReadAll(t, topic) {
		out = append(out, string(r.Value))
	}
	return out
}

func storedPosition(t *testing.T, store source.OffsetStore, name, part string) int64 {
	t.Helper()
	offs, err := store.Offsets(context.Background(), name, []map[string]any{{"id": part}})
	require.NoError(t, err)
	if offs[0] == nil {
		return -1
	}
	return offs[0]["position"].(int64)
}

func TestProducesRecordsAndStoresTheirOffsets(t *testing.T) {
	c := sharedCluster(t)
	topic, name := unique("produce"), unique("conn")
	c.CreateTopic(t, topic, 3)
	task := &counter{topic: topic, part: "p", limit: 50, batch: 7}
	store := source.NewMemoryOffsetStore()
	h := connectortest.StartSource(t, one(task), c.SourceConfig(name), source.WithOffsetStore(store), source.WithLogger(quiet))

	c.WaitFor(t, 30*time.Second, func() bool { return storedPosition(t, store, name, "p") == 50 }, "offset of the last record stored")
	require.NoError(t, h.Stop())

	got := values(t, c, topic)
	assert.Len(t, got, 50)
	committed, commits, stops := task.snapshot()
	assert.Len(t, committed, 50, "CommitRecord once per record")
	assert.Positive(t, commits, "Commit after flushes")
	assert.Equal(t, 1, stops, "Stop called once")
	assert.Equal(t, map[string]string{`["` + name + `",{"id":"p"}]`: `{"position":50}`}, store.Entries())
	assert.Equal(t, connect.StateStopped, h.TaskState(0))
}

func TestKeyedRecordsLandWhereJavaProducersPutThem(t *testing.T) {
	c := sharedCluster(t)
	topic := unique("keyed")
	c.CreateTopic(t, topic, 5)
	task := &counter{topic: topic, part: "p", limit: 30, batch: 30}
	store := source.NewMemoryOffsetStore()
	name := unique("conn")
	h := connectortest.StartSource(t, one(task), c.SourceConfig(name), source.WithOffsetStore(store), source.WithLogger(quiet))
	c.WaitFor(t, 30*time.Second, func() bool { return storedPosition(t, store, name, "p") == 30 })
	require.NoError(t, h.Stop())

	// The test kit's producer partitions keys with Java's murmur2.
	ref := unique("keyed-ref")
	c.CreateTopic(t, ref, 5)
	want := map[string]int32{}
	for i := range 7 {
		recs := c.Produce(t, connectortest.Record{Topic: ref, Partition: connectortest.AnyPartition, Key: []byte("k" + strconv.Itoa(i))})
		want[string(recs[0].Key)] = recs[0].Partition
	}
	for _, r := range c.ReadAll(t, topic) {
		assert.Equal(t, want[string(r.Key)], r.Partition, "key %s", r.Key)
	}
}

// failingStore stores offsets until it is broken, then fails every write,
// as if the process had died before its next flush.
type failingStore struct {
	*source.MemoryOffsetStore
	broken  atomic.Bool
	written chan struct{} // closed after the first write
	once    sync.Once
}

func (f *failingStore) StoreOffsets(ctx context.Context, connector string, offsets []source.PartitionOffset) error {
	if f.broken.Load() {
		return errors.New("crashed")
	}
	err := f.MemoryOffsetStore.StoreOffsets(ctx, connector, offsets)
	f.once.Do(func() { close(f.written) })
	return err
}

func TestResumesFromStoredOffsetsAfterACrash(t *testing.T) {
	c := sharedCluster(t)
	topic, name := unique("crash"), unique("conn")
	c.CreateTopic(t, topic, 1)
	store := &failingStore{MemoryOffsetStore: source.NewMemoryOffsetStore(), written: make(chan struct{})}
	first := &counter{topic: topic, part: "p", limit: 40, batch: 5}
	first.poll = func(next int) error {
		if next == 20 {
			// Crash once something was stored: nothing more is.
			<-store.written
			store.broken.Store(true)
		}
		return nil
	}
	cfg := c.SourceConfig(name)
	cfg["offset.flush.interval.ms"] = "1"
	h := connectortest.StartSource(t, one(first), cfg, source.WithOffsetStore(store), source.WithLogger(quiet))
	c.WaitFor(t, 30*time.Second, func() bool { return len(values(t, c, topic)) == 40 })
	require.NoError(t, h.Stop())
	stored := storedPosition(t, store.MemoryOffsetStore, name, "p")
	require.GreaterOrEqual(t, stored, int64(0), "something was stored before the crash")
	require.LessOrEqual(t, stored, int64(20), "nothing was stored after the crash")

	second := &counter{topic: topic, part: "p", limit: 60, batch: 5}
	store.broken.Store(false)
	h = connectortest.StartSource(t, one(second), cfg, source.WithOffsetStore(store), source.WithLogger(quiet))
	c.WaitFor(t, 30*time.Second, func() bool { return storedPosition(t, store, name, "p") == 60 })
	require.NoError(t, h.Stop())
	assert.Equal(t, int(stored), second.resumed, "the second run resumed from the stored offset")

	got := values(t, c, topic)
	seen := map[string]int{}
	for _, v := range got {
		seen[v]++
	}
	for i := range 60 {
		assert.Positive(t, seen["value-"+strconv.Itoa(i)], "value-%d lost", i)
	}
	assert.Len(t, got, 40+60-int(stored), "records after the stored offset produced again, no others")
}

func TestNoOffsetStoredBeforeTheRecordIsAcknowledged(t *testing.T) {
	c := sharedCluster(t)
	topic, name := unique("later"), unique("conn")
	var retries atomic.Int64
	log := slog.New(countingHandler{msg: "records could not be delivered; producing them again", n: &retries})
	task := &counter{topic: topic, part: "p", limit: 10, batch: 10}
	store := source.NewMemoryOffsetStore()
	cfg := c.SourceConfig(name)
	cfg["producer.override.delivery.timeout.ms"] = "500"
	cfg["producer.override.request.timeout.ms"] = "400"
	cfg["producer.override.linger.ms"] = "5"
	cfg["errors.retry.delay.max.ms"] = "100"
	h := connectortest.StartSource(t, one(task), cfg, source.WithOffsetStore(store), source.WithLogger(log))

	// The topic does not exist: every delivery fails and is retried.
	c.WaitFor(t, 30*time.Second, func() bool { return retries.Load() >= 2 }, "deliveries retried")
	assert.Empty(t, store.Entries(), "an offset was stored for records Kafka never acknowledged")
	committed, _, _ := task.snapshot()
	assert.Empty(t, committed, "CommitRecord for records Kafka never acknowledged")

	c.CreateTopic(t, topic, 1)
	c.WaitFor(t, 30*time.Second, func() bool { return storedPosition(t, store, name, "p") == 10 }, "offsets stored once the topic exists")
	require.NoError(t, h.Stop())
	assert.Equal(t, []string{"value-0", "value-1", "value-2", "value-3", "value-4", "value-5", "value-6", "value-7", "value-8", "value-9"},
		values(t, c, topic), "all records, once each, in order")
}

// countingHandler counts log records with one message.
type countingHandler struct {
	msg  string
	n    *atomic.Int64
	next slog.Handler
}

func (h countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h countingHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.n.Add(1)
	}
	if h.next != nil {
		return h.next.Handle(context.Background(), r)
	}
	return nil
}
func (h countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h countingHandler) WithGroup(string) slog.Handler      { return h }

func TestCleanStopWhilePollBlocks(t *testing.T) {
	c := sharedCluster(t)
	topic, name := unique("block"), unique("conn")
	c.CreateTopic(t, topic, 1)
	exited := make(chan struct{})
	task := &counter{topic: topic, part: "p", limit: 3, batch: 3, pollExited: exited}
	store := source.NewMemoryOffsetStore()
	h := connectortest.StartSource(t, one(task), c.SourceConfig(name), source.WithOffsetStore(store), source.WithLogger(quiet))
	c.WaitFor(t, 30*time.Second, func() bool { return len(values(t, c, topic)) == 3 })

	require.NoError(t, h.Stop())
	select {
	case <-exited:
	default:
		t.Fatal("Run returned before Poll did")
	}
	_, _, stops := task.snapshot()
	assert.Equal(t, 1, stops)
	assert.Equal(t, int64(3), storedPosition(t, store, name, "p"), "offsets stored at shutdown")
	assert.Equal(t, connect.StateStopped, h.TaskState(0))
}

func TestRetriablePollErrorIsRetried(t *testing.T) {
	c := sharedCluster(t)
	topic, name := unique("retry"), unique("conn")
	c.CreateTopic(t, topic, 1)
	var fails atomic.Int64
	task := &counter{topic: topic, part: "p", limit: 5, batch: 5, poll: func(int) error {
		if fails.Add(1) <= 2 {
			return &connect.RetriableError{Err: errors.New("busy"), Backoff: time.Millisecond}
		}
		return nil
	}}
	store := source.NewMemoryOffsetStore()
	errs := &errAttrs{}
	h := connectortest.StartSource(t, one(task), c.SourceConfig(name), source.WithOffsetStore(store), source.WithLogger(slog.New(errs)))
	c.WaitFor(t, 30*time.Second, func() bool { return storedPosition(t, store, name, "p") == 5 })
	require.NoError(t, h.Stop())
	assert.Len(t, values(t, c, topic), 5)
	assert.Equal(t, []string{"retriable: busy", "retriable: busy"}, errs.values(), "each retry warning names the Poll error")
}

// errAttrs is a log handler that keeps the err attribute of every record.
type errAttrs struct {
	mu   sync.Mutex
	errs []string
}

func (h *errAttrs) Enabled(context.Context, slog.Level) bool { return true }
func (h *errAttrs) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *errAttrs) WithGroup(string) slog.Handler            { return h }

func (h *errAttrs) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" {
			h.mu.Lock()
			h.errs = append(h.errs, a.Value.String())
			h.mu.Unlock()
		}
		return true
	})
	return nil
}

func (h *errAttrs) values() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.errs...)
}

func TestRetriesGiveUpAfterRetryTimeout(t *testing.T) {
	c := sharedCluster(t)
	name := unique("conn")
	task := &counter{topic: "unused", part: "p", limit: 5, batch: 5, poll: func(int) error {
		return connect.Retriable(errors.New("down"))
	}}
	cfg := c.SourceConfig(name)
	cfg["errors.retry.timeout"] = "200"
	cfg["errors.retry.delay.max.ms"] = "20"
	h := connectortest.StartSource(t, one(task), cfg, source.WithOffsetStore(source.NewMemoryOffsetStore()), source.WithLogger(quiet))
	select {
	case <-h.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the task kept retrying")
	}
	err := h.Stop()
	var te *connect.TaskError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "Poll", te.Op)
	assert.ErrorContains(t, err, "errors.retry.timeout")
	assert.ErrorContains(t, err, "down")
	st := h.Status().Tasks[0]
	assert.Equal(t, connect.StateFailed, st.State)
	_, _, stops := task.snapshot()
	assert.Equal(t, 1, stops, "a failed task is stopped once")
}

// badValueTask returns records whose value the JSON converter cannot write
// where bad says so.
type badValueTask struct {
	counter
	bad func(i int) bool
}

func (b *badValueTask) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	recs, err := b.counter.Poll(ctx)
	for i := range recs {
		pos := int(recs[i].SourceOffset["position"].(int64)) - 1
		recs[i].Value = "value-" + strconv.Itoa(pos)
		if b.bad(pos) {
			recs[i].Value = make(chan int)
		}
	}
	return recs, err
}

func TestUnconvertibleRecordFailsTheTaskNamingIt(t *testing.T) {
	c := sharedCluster(t)
	topic, name := unique("bad"), unique("conn")
	c.CreateTopic(t, topic, 1)
	task := &badValueTask{counter: counter{topic: topic, part: "p", limit: 10, batch: 10}, bad: func(i int) bool { return i == 4 }}
	cfg := c.SourceConfig(name)
	cfg["value.converter"] = "org.apache.kafka.connect.json.JsonConverter"
	cfg["value.converter.schemas.enable"] = "false"
	store := source.NewMemoryOffsetStore()
	h := connectortest.StartSource(t, one(task), cfg, source.WithOffsetStore(store), source.WithLogger(quiet))
	<-h.Done()
	err := h.Stop()
	require.Error(t, err)
	assert.ErrorContains(t, err, "topic "+topic)
	assert.ErrorContains(t, err, `source partition {"id":"p"}`)
	assert.ErrorContains(t, err, "errors.tolerance=none")
	assert.Equal(t, connect.StateFailed, h.TaskState(0))
	assert.Equal(t, int64(4), storedPosition(t, store, name, "p"), "offsets of the records before it were stored")
}

func TestToleratedConversionFailureIsSkipped(t *testing.T) {
	c := sharedCluster(t)
	topic, name := unique("skip"), unique("conn")
	c.CreateTopic(t, topic, 1)
	task := &badValueTask{counter: counter{topic: topic, part: "p", limit: 10, batch: 3}, bad: func(i int) bool { return i%4 == 1 }}
	cfg := c.SourceConfig(name)
	cfg["value.converter"] = "org.apache.kafka.connect.json.JsonConverter"
	cfg["value.converter.schemas.enable"] = "false"
	cfg["errors.tolerance"] = "all"
	store := source.NewMemoryOffsetStore()
	h := connectortest.StartSource(t, one(task), cfg, source.WithOffsetStore(store), source.WithLogger(quiet))
	c.WaitFor(t, 30*time.Second, func() bool { return storedPosition(t, store, name, "p") == 10 })
	require.NoError(t, h.Stop())
	assert.Equal(t, []string{`"value-0"`, `"value-2"`, `"value-3"`, `"value-4"`, `"value-6"`, `"value-7"`, `"value-8"`}, values(t, c, topic))
	committed, _, _ := task.snapshot()
	assert.ElementsMatch(t, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, committed, "CommitRecord for every record, skipped or written")
	task.mu.Lock()
	defer task.mu.Unlock()
	assert.ElementsMatch(t, []int{2, 6, 10}, task.skipped, "skipped records are committed with offset -1")
}

func TestCreatesMissingTopics(t *testing.T) {
	c := sharedCluster(t)
	topic, name := unique("created"), unique("conn")
	two := int32(2)
	task := &partitionedTask{counter: counter{topic: topic, part: "p", limit: 3, batch: 3}, partition: &two}
	cfg := c.SourceConfig(name)
	cfg["topic.creation.default.partitions"] = "3"
	cfg["topic.creation.default.replication.factor"] = "1"
	store := source.NewMemoryOffsetStore()
	h := connectortest.StartSource(t, one(task), cfg, source.WithOffsetStore(store), source.WithLogger(quiet))
	c.WaitFor(t, 30*time.Second, func() bool { return storedPosition(t, store, name, "p") == 3 })
	require.NoError(t, h.Stop())
	recs := c.ReadAll(t, topic)
	require.Len(t, recs, 3)
	for _, r := range recs {
		assert.Equal(t, int32(2), r.Partition, "the record's Partition is honoured in the created topic")
	}
}

// partitionedTask sets every record's Kafka partition.
type partitionedTask struct {
	counter
	partition *int32
}

func (p *partitionedTask) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	recs, err := p.counter.Poll(ctx)
	for i := range recs {
		recs[i].Partition = p.partition
	}
	return recs, err
}

// splitConnector runs one counter per task, each on its own source
// partition.
type splitConnector struct {
	topic string
	mu    sync.Mutex
	tasks []*counter
}

func (s *splitConnector) ConfigDef() *connect.ConfigDef { return connect.NewConfigDef() }
func (s *splitConnector) TaskConfigs(cfg map[string]string, maxTasks int) ([]map[string]string, error) {
	out := connect.ReplicateConfig(cfg, maxTasks)
	for i := range out {
		out[i]["part"] = "p" + strconv.Itoa(i)
	}
	return out, nil
}
func (s *splitConnector) NewTask() connect.SourceTask { return &configuredCounter{s: s} }

type configuredCounter struct {
	*counter
	s *splitConnector
}

func (c *configuredCounter) Start(ctx context.Context, cfg map[string]string, tc connect.SourceTaskContext) error {
	c.counter = &counter{topic: c.s.topic, part: cfg["part"], limit: 10, batch: 4}
	c.s.mu.Lock()
	c.s.tasks = append(c.s.tasks, c.counter)
	c.s.mu.Unlock()
	return c.counter.Start(ctx, cfg, tc)
}

func TestTasksMaxStartsOneTaskPerTaskConfig(t *testing.T) {
	c := sharedCluster(t)
	topic, name := unique("split"), unique("conn")
	c.CreateTopic(t, topic, 2)
	conn := &splitConnector{topic: topic}
	cfg := c.SourceConfig(name)
	cfg["tasks.max"] = "3"
	store := source.NewMemoryOffsetStore()
	h := connectortest.StartSource(t, conn, cfg, source.WithOffsetStore(store), source.WithLogger(quiet))
	c.WaitFor(t, 30*time.Second, func() bool {
		for i := range 3 {
			if storedPosition(t, store, name, "p"+strconv.Itoa(i)) != 10 {
				return false
			}
		}
		return true
	})
	assert.Len(t, h.Status().Tasks, 3)
	require.NoError(t, h.Stop())
	assert.Len(t, values(t, c, topic), 30)
}

func TestConfigurationErrors(t *testing.T) {
	conn := one(&counter{})
	_, err := source.New(conn, map[string]string{"name": "x"}, source.WithWorkerConfig(map[string]string{"bootstrap.servers": "localhost:1"}))
	require.Error(t, err)
	assert.ErrorContains(t, err, "offset.storage.topic")

	_, err = source.New(conn, map[string]string{"name": "", "tasks.max": "0",
		"topic.creation.default.partitions": "3", "producer.override.no.such.setting": "1"},
		source.WithWorkerConfig(map[string]string{"bootstrap.servers": "localhost:1", "offset.storage.file.filename": "/tmp/x"}))
	require.Error(t, err)
	for _, want := range []string{"name", "tasks.max", "topic.creation.default.replication.factor"} {
		assert.ErrorContains(t, err, want)
	}
}

func TestOffsetsInAFileSurviveTheRuntime(t *testing.T) {
	c := sharedCluster(t)
	topic, name := unique("file"), unique("conn")
	c.CreateTopic(t, topic, 1)
	file := t.TempDir() + "/offsets.json"
	cfg := c.SourceConfig(name)
	cfg["offset.storage.file.filename"] = file
	task := &counter{topic: topic, part: "p", limit: 6, batch: 6}
	h := connectortest.StartSource(t, one(task), cfg, source.WithLogger(quiet))
	c.WaitFor(t, 30*time.Second, func() bool { return len(values(t, c, topic)) == 6 })
	require.NoError(t, h.Stop())

	second := &counter{topic: topic, part: "p", limit: 8, batch: 8}
	h = connectortest.StartSource(t, one(second), cfg, source.WithLogger(quiet))
	c.WaitFor(t, 30*time.Second, func() bool { return len(values(t, c, topic)) == 8 })
	require.NoError(t, h.Stop())
	assert.Equal(t, 6, second.resumed)
	assert.True(t, bytes.HasPrefix([]byte(values(t, c, topic)[7]), []byte("value-7")))
}

// stuckStore is an offset store whose writes block, ignoring their
// context, until release is closed: a store that hangs.
type stuckStore struct {
	*source.MemoryOffsetStore
	entered chan struct{} // closed at the first write
	once    sync.Once
	release chan struct{}
}

func (s *stuckStore) StoreOffsets(ctx context.Context, connector string, offsets []source.PartitionOffset) error {
	s.once.Do(func() { close(s.entered) })
	<-s.release
	return s.MemoryOffsetStore.StoreOffsets(ctx, connector, offsets)
}

func TestATaskStuckStoringOffsetsIsReportedAtShutdown(t *testing.T) {
	c := sharedCluster(t)
	topic, name := unique("stuck"), unique("conn")
	c.CreateTopic(t, topic, 1)
	store := &stuckStore{MemoryOffsetStore: source.NewMemoryOffsetStore(), entered: make(chan struct{}), release: make(chan struct{})}
	defer close(store.release) // lets the abandoned task return at the end
	task := &counter{topic: topic, part: "p", limit: 3, batch: 3}
	cfg := c.SourceConfig(name)
	cfg["offset.flush.interval.ms"] = "1"
	cfg["task.shutdown.graceful.timeout.ms"] = "100"
	h := connectortest.StartSource(t, one(task), cfg, source.WithOffsetStore(store), source.WithLogger(quiet))
	select {
	case <-store.entered:
	case <-time.After(30 * time.Second):
		t.Fatal("no offsets stored")
	}

	err := h.Stop()
	require.Error(t, err, "Run returned nil for a task it abandoned")
	assert.ErrorContains(t, err, "connector "+name+" task 0: shutdown: did not stop within 100ms (task.shutdown.graceful.timeout.ms) and was abandoned 1.2s after shutdown began: still in store offsets")
	st := h.Status().Tasks[0]
	assert.Equal(t, connect.StateFailed, st.State)
	var te *connect.TaskError
	if assert.ErrorAs(t, st.Err, &te) {
		assert.Contains(t, te.Stack, "stuckStore", "the trace shows the store call")
	}
}
