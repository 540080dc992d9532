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

	"github.com/connectkit/connectkit/connect"
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

// logCounter keeps the messages of the records logged at or above a level.
type logCounter struct {
	mu   sync.Mutex
	msgs []string
}

func (h *logCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h *logCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		h.mu.Lock()
		h.msgs = append(h.msgs, r.Message)
		h.mu.Unlock()
	}
	return nil
}
func (h *logCounter) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *logCounter) WithGroup(string) slog.Handler      { return h }

func (h *logCounter) errors() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.msgs...)
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
