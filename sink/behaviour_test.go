package sink_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
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

// hookTask hands every call to optional hooks and counts records.
type hookTask struct {
	mu    sync.Mutex
	tc    connect.SinkTaskContext
	got   []connect.SinkRecord
	put   func(tc connect.SinkTaskContext, batch []connect.SinkRecord) error
	flush func() error
	stop  func(ctx context.Context) error
}

func (h *hookTask) Start(_ context.Context, _ map[string]string, tc connect.SinkTaskContext) error {
	h.mu.Lock()
	h.tc = tc
	h.mu.Unlock()
	return nil
}

func (h *hookTask) Put(_ context.Context, batch []connect.SinkRecord) error {
	var err error
	if h.put != nil {
		err = h.put(h.tc, batch)
		var be *connect.BatchError
		if err != nil && !errors.As(err, &be) {
			return err
		}
	}
	h.record(batch)
	return err
}

func (h *hookTask) record(batch []connect.SinkRecord) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.got = append(h.got, batch...)
}

func (h *hookTask) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.got)
}

func (h *hookTask) Flush(context.Context, map[connect.TopicPartition]int64) error {
	if h.flush != nil {
		return h.flush()
	}
	return nil
}

func (h *hookTask) Stop(ctx context.Context) error {
	if h.stop != nil {
		return h.stop(ctx)
	}
	return nil
}

func one(task connect.SinkTask) connectortest.SinkConnectorFunc {
	return func() connect.SinkTask { return task }
}

func produceValues(t *testing.T, c *connectortest.Cluster, topic string, n int) {
	t.Helper()
	c.ProduceN(t, topic, n, func(i int) connectortest.Record {
		return connectortest.Record{Topic: topic, Value: []byte("v" + strconv.Itoa(i))}
	})
}

func TestPauseStopsDeliveryUntilResume(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "paused", 1)
	produceValues(t, c, "paused", 5)
	tp := connect.TopicPartition{Topic: "paused"}
	task := &hookTask{}
	var once sync.Once
	task.put = func(tc connect.SinkTaskContext, batch []connect.SinkRecord) error {
		once.Do(func() { tc.Pause(tp) })
		return nil
	}
	h := connectortest.StartSink(t, one(task), c.SinkConfig("pauser", "paused"))
	c.WaitFor(t, 20*time.Second, func() bool { return task.count() == 5 }, "the first records")
	produceValues(t, c, "paused", 5)
	time.Sleep(time.Second) // a paused partition must stay quiet; there is no event to wait for
	assert.Equal(t, 5, task.count(), "nothing is delivered from a paused partition")
	task.tc.Resume(tp)
	// Resume takes effect after the runtime's next call; records arriving
	// trigger one.
	c.WaitFor(t, 20*time.Second, func() bool { return task.count() == 10 }, "delivery after Resume")
	require.NoError(t, h.Stop())
}

func TestRequestCommitCommitsBeforeTheInterval(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "eager", 1)
	produceValues(t, c, "eager", 3)
	task := &hookTask{put: func(tc connect.SinkTaskContext, batch []connect.SinkRecord) error {
		tc.RequestCommit()
		return nil
	}}
	cfg := c.SinkConfig("eager", "eager")
	cfg["offset.flush.interval.ms"] = "3600000"
	h := connectortest.StartSink(t, one(task), cfg)
	c.WaitFor(t, 20*time.Second, func() bool {
		return c.CommittedOffsets(t, "connect-eager")[connect.TopicPartition{Topic: "eager"}] == 3
	}, "a commit long before the hour-long interval")
	require.NoError(t, h.Stop())
}

func TestBatchErrorUnderToleranceNoneFailsNamingTheRecord(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "strict", 1)
	produceValues(t, c, "strict", 4)
	task := &hookTask{put: func(tc connect.SinkTaskContext, batch []connect.SinkRecord) error {
		for i := range batch {
			if string(batch[i].Value.([]byte)) == "v2" {
				return connect.NewBatchError(connect.RecordError{Record: &batch[i], Err: errors.New("field too long")})
			}
		}
		return nil
	}}
	h := connectortest.StartSink(t, one(task), c.SinkConfig("strict", "strict"))
	c.WaitFor(t, 20*time.Second, func() bool { return h.TaskState(0) == connect.StateFailed }, "the task to fail")
	err := h.Stop()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "strict-0@2")
	assert.Contains(t, err.Error(), "field too long")
	committed, ok := c.CommittedOffsets(t, "connect-strict")[connect.TopicPartition{Topic: "strict"}]
	assert.True(t, !ok || committed <= 2, "no offset past the failed record, got %d", committed)
}

func TestBatchErrorUnderToleranceAllLogsAndGoesOn(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "lenient", 1)
	produceValues(t, c, "lenient", 4)
	task := &hookTask{put: func(tc connect.SinkTaskContext, batch []connect.SinkRecord) error {
		var be connect.BatchError
		for i := range batch {
			if string(batch[i].Value.([]byte)) == "v1" {
				be.Add(&batch[i], errors.New("field too long"))
			}
		}
		if len(be.Errors) > 0 {
			return &be
		}
		return nil
	}}
	logs := &lockedBuffer{}
	cfg := c.SinkConfig("lenient", "lenient")
	cfg["errors.tolerance"] = "all"
	cfg["errors.log.enable"] = "true"
	cfg["errors.log.include.messages"] = "true"
	h := connectortest.StartSink(t, one(task), cfg,
		sink.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	c.WaitFor(t, 20*time.Second, func() bool {
		return c.CommittedOffsets(t, "connect-lenient")[connect.TopicPartition{Topic: "lenient"}] == 4
	}, "offsets to pass the tolerated record")
	require.NoError(t, h.Stop())
	out := logs.String()
	assert.Contains(t, out, "tolerated error")
	assert.Contains(t, out, "lenient-0@1")
	assert.Contains(t, out, "TASK_PUT")
	assert.Contains(t, out, "value=v1", "errors.log.include.messages adds the value")
}

func TestStuckTaskIsAbandonedAfterTheGracefulTimeout(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "stuck", 1)
	produceValues(t, c, "stuck", 1)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	entered := make(chan struct{}, 1)
	task := &hookTask{put: func(tc connect.SinkTaskContext, batch []connect.SinkRecord) error {
		entered <- struct{}{}
		<-release // ignores its context
		return nil
	}}
	cfg := c.SinkConfig("stuck", "stuck")
	cfg["task.shutdown.graceful.timeout.ms"] = "200"
	h := connectortest.StartSink(t, one(task), cfg)
	select {
	case <-entered:
	case <-time.After(20 * time.Second):
		t.Fatal("Put was never called")
	}
	start := time.Now()
	err := h.Stop()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "did not stop within 200ms")
	assert.Contains(t, err.Error(), "still in Put")
	assert.Less(t, time.Since(start), 10*time.Second, "shutdown is bounded")
}

func TestStopReceivesACancelledContextAfterTheGracefulTimeout(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "slowstop", 1)
	var stopErr error
	task := &hookTask{stop: func(ctx context.Context) error {
		<-ctx.Done() // waits for the deadline the runtime sets
		stopErr = ctx.Err()
		return nil
	}}
	cfg := c.SinkConfig("slowstop", "slowstop")
	cfg["task.shutdown.graceful.timeout.ms"] = "300"
	h := connectortest.StartSink(t, one(task), cfg)
	c.WaitFor(t, 20*time.Second, func() bool { return h.TaskState(0) == connect.StateRunning }, "the task to run")
	require.NoError(t, h.Stop())
	assert.ErrorIs(t, stopErr, context.Canceled)
}

func TestClientOverrideWithoutEquivalentIsAConfigError(t *testing.T) {
	c := connectortest.NewCluster(t)
	cfg := c.SinkConfig("jks", "t")
	cfg["consumer.override.security.protocol"] = "SSL"
	cfg["consumer.override.ssl.truststore.location"] = "/etc/kafka/truststore.jks"
	cfg["consumer.override.ssl.truststore.type"] = "JKS"
	_, err := sink.New(one(&hookTask{}), cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ssl.truststore")
}

// lockedBuffer is a log destination shared by the runtime's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Clone(l.b.String())
}

func TestRetriablePutRetriesUntilSuccessByDefault(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "patient", 1)
	produceValues(t, c, "patient", 5)
	var mu sync.Mutex
	failures := 0
	task := &hookTask{put: func(tc connect.SinkTaskContext, batch []connect.SinkRecord) error {
		mu.Lock()
		defer mu.Unlock()
		if failures < 4 {
			failures++
			tc.Timeout(20 * time.Millisecond)
			return connect.Retriable(errors.New("destination unavailable"))
		}
		return nil
	}}
	cfg := c.SinkConfig("patient", "patient") // errors.retry.timeout left at its default, 0
	h := connectortest.StartSink(t, one(task), cfg)
	c.WaitFor(t, 20*time.Second, func() bool { return task.count() == 5 }, "delivery after four retriable failures")
	require.NoError(t, h.Stop())
	assert.Equal(t, 4, failures)
	assert.Equal(t, int64(5), c.CommittedOffsets(t, "connect-patient")[connect.TopicPartition{Topic: "patient"}])
}

// wrappedContext stands for a wrapper (metrics, a test kit) that exposes
// what it wraps.
type wrappedContext struct{ connect.SinkTaskContext }

func (w wrappedContext) Unwrap() connect.SinkTaskContext { return w.SinkTaskContext }

func TestConsumerGroupMetadataSeesThroughWrappers(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "cgm", 1)
	produceValues(t, c, "cgm", 1)
	type result struct {
		direct, wrapped, opaque error
	}
	got := make(chan result, 1)
	task := &hookTask{put: func(tc connect.SinkTaskContext, _ []connect.SinkRecord) error {
		var r result
		_, r.direct = sink.ConsumerGroupMetadata(tc)
		_, r.wrapped = sink.ConsumerGroupMetadata(wrappedContext{wrappedContext{tc}})
		_, r.opaque = sink.ConsumerGroupMetadata(struct{ connect.SinkTaskContext }{tc})
		select {
		case got <- r:
		default:
		}
		return nil
	}}
	h := connectortest.StartSink(t, one(task), c.SinkConfig("cgm", "cgm"))
	select {
	case r := <-got:
		assert.NoError(t, r.direct)
		assert.NoError(t, r.wrapped, "followed through Unwrap")
		assert.ErrorContains(t, r.opaque, "needs the task context of the sink runtime")
	case <-time.After(30 * time.Second):
		t.Fatal("no Put within 30 s")
	}
	require.NoError(t, h.Stop())
}
