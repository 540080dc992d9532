package clientconfig

import (
	"context"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDurableProducer(t *testing.T) {
	cfg, _, err := DurableProducer("b:9092", "p-1", map[string]string{"linger.ms": "7"})
	require.NoError(t, err)
	for k, want := range map[string]any{"bootstrap.servers": "b:9092", "client.id": "p-1", "acks": "all",
		"enable.idempotence": true, "go.logs.channel.enable": true, "linger.ms": "7"} {
		got, err := cfg.Get(k, nil)
		require.NoError(t, err)
		assert.Equal(t, want, got, k)
	}

	// The user's settings win over the defaults.
	cfg, _, err = DurableProducer("b:9092", "p-1", map[string]string{"acks": "1", "enable.idempotence": "false"})
	require.NoError(t, err)
	acks, _ := cfg.Get("acks", nil)
	assert.Equal(t, "1", acks)

	_, _, err = DurableProducer("b:9092", "p-1", map[string]string{"no.such.setting": "x"})
	assert.ErrorContains(t, err, "producer settings:")
	assert.ErrorContains(t, err, "no.such.setting")
}

// A producer that cannot reach its broker reports client errors on its
// Events channel; ForwardEvents logs them and returns once the producer is
// closed.
func TestForwardEventsLogsClientErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now
	cfg, _, err := DurableProducer(addr, "events-test", nil)
	require.NoError(t, err)
	(*cfg)["go.logs.channel.enable"] = false
	p, err := kafka.NewProducer(cfg)
	require.NoError(t, err)
	rec := &recordingHandler{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		ForwardEvents(p.Events(), slog.New(rec))
	}()
	require.Eventually(t, func() bool { return rec.count("client error") > 0 }, 30*time.Second, 10*time.Millisecond,
		"the refused connection is reported")
	p.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("ForwardEvents did not return after Close")
	}
}

// recordingHandler counts log records by message.
type recordingHandler struct {
	mu   sync.Mutex
	msgs map[string]int
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.msgs == nil {
		h.msgs = map[string]int{}
	}
	h.msgs[r.Message]++
	return nil
}
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler      { return h }

func (h *recordingHandler) count(msg string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.msgs[msg]
}
