package worker_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/worker"
)

// loggingSink's task logs each batch through its task context's logger.
type loggingSink struct{}

func (loggingSink) ConfigDef() *connect.ConfigDef { return connect.NewConfigDef() }
func (loggingSink) TaskConfigs(config map[string]string, n int) ([]map[string]string, error) {
	return connect.ReplicateConfig(config, n), nil
}
func (loggingSink) NewTask() connect.SinkTask { return &loggingTask{} }

type loggingTask struct{ log *slog.Logger }

func (t *loggingTask) Start(_ context.Context, _ map[string]string, tc connect.SinkTaskContext) error {
	t.log = connect.LoggerOf(tc)
	return nil
}

func (t *loggingTask) Put(_ context.Context, records []connect.SinkRecord) error {
	if len(records) > 0 {
		t.log.Info("batch", "records", len(records))
	}
	return nil
}

func (t *loggingTask) Stop(context.Context) error { return nil }

// TestSinkTaskLogsThroughTheWorkersLogger: a sink task's logger, from its
// task context, writes to the handler the worker was given, with the
// connector's name and the task's number.
func TestSinkTaskLogsThroughTheWorkersLogger(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "logged", 1)
	c.Produce(t, connectortest.Record{Topic: "logged", Value: []byte("x")})
	reg := worker.NewRegistry()
	reg.Register(worker.Plugin{Name: "LoggingSink", New: func() connect.Connector { return loggingSink{} }})
	logs := &syncWriter{w: new(bytes.Buffer)}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- worker.Run(ctx, map[string]string{"bootstrap.servers": c.BootstrapServers(), "value.converter": "org.apache.kafka.connect.storage.StringConverter"},
			[]map[string]string{{"name": "logging", "connector.class": "LoggingSink", "topics": "logged"}},
			worker.Options{Registry: reg, Logger: log})
	}()
	c.WaitFor(t, 30*time.Second, func() bool { return strings.Contains(logs.String(), `"msg":"batch"`) }, "the task's log line")
	cancel()
	require.NoError(t, <-done)
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m))
		if m["msg"] == "batch" {
			assert.Equal(t, "logging", m["connector"])
			assert.Equal(t, float64(0), m["task"])
			assert.Equal(t, float64(1), m["records"])
		}
	}
}
