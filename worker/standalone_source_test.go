package worker_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/worker"
)

// linesTask emits line-0 ... line-<n-1> from one source partition, resuming
// after its stored offset, like Kafka's FileStreamSource reading a file.
type linesTask struct {
	topic, file string
	n, next     int64
}

func (l *linesTask) Start(ctx context.Context, cfg map[string]string, tc connect.SourceTaskContext) error {
	l.topic, l.file = cfg["topic"], cfg["file"]
	l.n, _ = strconv.ParseInt(cfg["lines"], 10, 64)
	off, err := tc.Offset(ctx, map[string]any{"filename": l.file})
	if off != nil {
		l.next = off["position"].(int64)
	}
	return err
}

func (l *linesTask) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	if l.next >= l.n {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	rec := connect.SourceRecord{SourcePartition: map[string]any{"filename": l.file},
		SourceOffset: map[string]any{"position": l.next + 1}, Topic: l.topic,
		ValueSchema: connect.StringSchema, Value: "line-" + strconv.FormatInt(l.next, 10)}
	l.next++
	return []connect.SourceRecord{rec}, nil
}

func (l *linesTask) Stop(context.Context) error { return nil }

type linesSource struct{}

func (linesSource) ConfigDef() *connect.ConfigDef {
	return connect.NewConfigDef().Define(
		connect.ConfigKey{Name: "topic", Type: connect.ConfigString},
		connect.ConfigKey{Name: "file", Type: connect.ConfigString},
		connect.ConfigKey{Name: "lines", Type: connect.ConfigInt})
}
func (linesSource) TaskConfigs(cfg map[string]string, _ int) ([]map[string]string, error) {
	return connect.ReplicateConfig(cfg, 1), nil
}
func (linesSource) NewTask() connect.SourceTask { return &linesTask{} }

func TestRunHostsSourceConnectorsWithTheOffsetFile(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "lines", 1)
	reg := worker.NewRegistry()
	reg.Register(worker.Plugin{Name: "LinesSource", Aliases: []string{"org.apache.kafka.connect.file.FileStreamSourceConnector"},
		New: func() connect.Connector { return linesSource{} }})
	offsets := filepath.Join(t.TempDir(), "connect.offsets")
	wcfg := map[string]string{
		"bootstrap.servers":            c.BootstrapServers(),
		"offset.storage.file.filename": offsets,
		"offset.flush.interval.ms":     "10000",
		"value.converter":              "org.apache.kafka.connect.storage.StringConverter",
		"key.converter":                "org.apache.kafka.connect.storage.StringConverter",
	}
	run := func(lines int) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- worker.Run(ctx, wcfg, []map[string]string{{
				"name": "local-file-source", "connector.class": "FileStreamSource",
				"topic": "lines", "file": "/tmp/test.txt", "lines": strconv.Itoa(lines),
			}}, worker.Options{Registry: reg, Logger: slog.New(slog.DiscardHandler)})
		}()
		c.WaitFor(t, 30*time.Second, func() bool { return len(c.ReadAll(t, "lines")) == lines }, "every line in Kafka")
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(30 * time.Second):
			t.Fatal("Run did not return after cancel")
		}
	}
	run(3)
	b, err := os.ReadFile(offsets)
	require.NoError(t, err)
	// Kafka Connect's offsets file: a Java-serialized map of the offsets'
	// keys and values (source.FileOffsetStore).
	assert.Equal(t, []byte{0xAC, 0xED}, b[:2])
	assert.Contains(t, string(b), `["local-file-source",{"filename":"/tmp/test.txt"}]`)
	assert.Contains(t, string(b), `{"position":3}`, "the offsets stored at shutdown, in Kafka Connect's key and value format")

	run(5) // resumes after line-2
	var got []string
	for _, r := range c.ReadAll(t, "lines") {
		got = append(got, string(r.Value))
	}
	assert.Equal(t, []string{"line-0", "line-1", "line-2", "line-3", "line-4"}, got)
}
