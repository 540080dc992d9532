package sink_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/sink"
)

// closedAddr returns an address nothing listens on: a listener's, closed.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// logCounter keeps the messages of the records logged at ERROR, and at
// INFO too if level says so.
type logCounter struct {
	level slog.Level // the lowest level kept; zero (INFO) keeps INFO
	mu    sync.Mutex
	msgs  []string
	errs  []string
}

func (h *logCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h *logCounter) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r.Level >= h.level {
		h.msgs = append(h.msgs, r.Message)
	}
	if r.Level >= slog.LevelError {
		h.errs = append(h.errs, r.Message)
	}
	return nil
}
func (h *logCounter) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *logCounter) WithGroup(string) slog.Handler      { return h }

func (h *logCounter) errors() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.errs...)
}

func TestUnreachableClusterFailsTheTaskNamingBootstrapServers(t *testing.T) {
	addr := closedAddr(t)
	errs := &logCounter{}
	cfg := map[string]string{
		"name": "nowhere", "topics": "t", "bootstrap.servers": addr,
		"key.converter":   "org.apache.kafka.connect.converters.ByteArrayConverter",
		"value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
	}
	rt, err := sink.New(recordingConnector(newRecorder(), nil), cfg,
		sink.WithLogger(slog.New(errs)), sink.WithClusterTimeout(2*time.Second))
	require.NoError(t, err)
	require.NoError(t, rt.Health(), "healthy before any task tried")

	runErr := rt.Run(context.Background())

	var ce *connect.ClusterError
	require.ErrorAs(t, runErr, &ce, "Run returns the task's failure")
	assert.Equal(t, addr, ce.BootstrapServers)
	assert.Contains(t, runErr.Error(), "bootstrap.servers="+addr)
	assert.Contains(t, ce.Err.Error(), "Connection refused", "the broker's own error is the cause")

	st := rt.Status()
	require.Len(t, st.Tasks, 1)
	assert.Equal(t, connect.StateFailed, st.Tasks[0].State)
	require.ErrorAs(t, st.Tasks[0].Err, &ce, "the status trace is the cluster error")
	var te *connect.TaskError
	require.ErrorAs(t, st.Tasks[0].Err, &te)
	assert.Equal(t, "start", te.Op)

	health := rt.Health()
	require.ErrorAs(t, health, &ce, "Health reports the unreachable cluster")
	assert.Contains(t, health.Error(), "bootstrap.servers="+addr)
	assert.Equal(t, []string{"task failed"}, errs.errors(), "exactly one ERROR log for the failure")
}

func TestStopWhileWaitingForTheClusterIsClean(t *testing.T) {
	cfg := map[string]string{
		"name": "waiting", "topics": "t", "bootstrap.servers": closedAddr(t),
		"key.converter":   "org.apache.kafka.connect.converters.ByteArrayConverter",
		"value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
	}
	rt, err := sink.New(recordingConnector(newRecorder(), nil), cfg,
		sink.WithLogger(slog.New(slog.DiscardHandler)), sink.WithClusterTimeout(time.Hour))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err, "a stop is not a failure")
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after cancel while waiting for the cluster")
	}
	assert.Equal(t, connect.StateStopped, rt.Status().Tasks[0].State)
	assert.False(t, errors.Is(rt.Health(), context.Canceled))
	assert.NoError(t, rt.Health())
}

func (h *logCounter) count(msg string) int {
	n := 0
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.msgs {
		if m == msg {
			n++
		}
	}
	return n
}

func TestLostClusterIsReportedOnceAndRecoveryToo(t *testing.T) {
	port := freePort(t)
	first := connectortest.NewCluster(t, connectortest.KfakeOptions(kfake.Ports(port)))
	first.CreateTopic(t, "lost", 1)
	produce(t, first, "lost", 1, 5)

	logs := &logCounter{level: slog.LevelInfo}
	rec := newRecorder()
	rt, err := sink.New(recordingConnector(rec, nil), baseConfig(first, "lost", "lost"),
		sink.WithLogger(slog.New(logs)), sink.WithClusterTimeout(2*time.Second))
	require.NoError(t, err)
	stop := running(t, rt)
	first.WaitFor(t, 20*time.Second, func() bool { return rec.total() >= 5 }, "records delivered")

	first.Close()
	var ce *connect.ClusterError
	first.WaitFor(t, 30*time.Second, func() bool { return errors.As(rt.Health(), &ce) }, "Health to report the lost cluster")
	assert.Contains(t, rt.Health().Error(), "bootstrap.servers="+first.BootstrapServers())
	assert.Equal(t, connect.StateRunning, rt.Status().Tasks[0].State, "the client keeps reconnecting; the task is not failed")
	assert.Equal(t, 1, logs.count("lost the Kafka cluster; the client keeps reconnecting"))
	assert.Equal(t, []string{"lost the Kafka cluster; the client keeps reconnecting"}, logs.errors(), "one ERROR log for the loss")

	second := connectortest.NewCluster(t, connectortest.KfakeOptions(kfake.Ports(port)))
	second.WaitFor(t, 30*time.Second, func() bool { return rt.Health() == nil }, "Health to clear once the cluster is back")
	assert.Equal(t, 1, logs.count("reached the Kafka cluster again"))
	assert.Len(t, logs.errors(), 1, "no more ERROR logs")
	require.NoError(t, stop())
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	return port
}
