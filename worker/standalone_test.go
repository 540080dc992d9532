package worker_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/worker"
	"github.com/connectkit/connectkit/worker/bundled"
)

// TestRunFilesWithKafkasQuickstartFiles runs Kafka's own quickstart worker
// and file-sink files unchanged (but for the addresses) against records
// shaped as Kafka's FileStreamSource writes them.
func TestRunFilesWithKafkasQuickstartFiles(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "connect-test", 1)
	var lines []string
	for i := range 5 {
		line := fmt.Sprintf("line %d with unicode ü", i)
		lines = append(lines, line)
		c.Produce(t, connectortest.Record{Topic: "connect-test",
			Value: fmt.Appendf(nil, `{"schema":{"type":"string","optional":false},"payload":%q}`, line)})
	}
	dir := t.TempDir()
	sinkFile := filepath.Join(dir, "test.sink.txt")
	workerFile := copyReplacing(t, "testdata/kafka-quickstart/connect-standalone.properties", dir, "BOOTSTRAP", c.BootstrapServers())
	connFile := copyReplacing(t, "testdata/kafka-quickstart/connect-file-sink.properties", dir, "SINKFILE", sinkFile)

	logs := &syncWriter{w: &bytes.Buffer{}}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- worker.RunFiles(ctx, workerFile, []string{connFile}, worker.Options{Registry: bundled.Registry(), Logger: log})
	}()
	want := strings.Join(lines, "\n") + "\n"
	c.WaitFor(t, 30*time.Second, func() bool {
		// The sink writes on flush; the commit (10 s in this file) comes at shutdown.
		b, _ := os.ReadFile(sinkFile)
		return string(b) == want
	}, "the sink file to hold every line")
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("RunFiles did not return after cancel")
	}
	assert.Equal(t, int64(5), c.CommittedOffsets(t, "connect-local-file-sink")[tp("connect-test", 0)], "the final commit at shutdown")
	assert.Contains(t, logs.String(), "offset.storage.file.filename", "a worker setting this runner ignores is reported, not silent")
}

func TestRunReportsEveryProblemBeforeStartingAnything(t *testing.T) {
	err := worker.Run(context.Background(), map[string]string{"bootstrap.servers": "127.0.0.1:1"}, []map[string]string{
		{"name": "a", "connector.class": "FileStreamSinc", "topics": "t"},
		{"name": "b", "connector.class": "FileStreamSink", "tasks.max": "0", "errors.tolerance": "maybe"},
		{"name": "c", "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector"},
		{"connector.class": "FileStreamSink", "topics": "t"},
	}, worker.Options{Registry: bundled.Registry(), Logger: slog.New(slog.DiscardHandler)})
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		`a: worker: connector.class "FileStreamSinc"`, `did you mean "FileStreamSink"`,
		"b: invalid configuration", "tasks.max", "errors.tolerance",
		"c: invalid configuration", "topics",
		"connector #4", "name",
	} {
		assert.Contains(t, msg, want)
	}
}

func TestRunFilesReportsUnreadableFiles(t *testing.T) {
	dir := t.TempDir()
	workerFile := filepath.Join(dir, "worker.properties")
	require.NoError(t, os.WriteFile(workerFile, []byte("bootstrap.servers=127.0.0.1:1\n"), 0o644))
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"name": "x", "config": {`), 0o644))
	err := worker.RunFiles(context.Background(), workerFile, []string{bad, filepath.Join(dir, "missing.properties")}, worker.Options{Registry: bundled.Registry()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad.json")
	assert.Contains(t, err.Error(), "missing.properties")
}

func copyReplacing(t *testing.T, src, dir, old, replacement string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	require.NoError(t, err)
	dst := filepath.Join(dir, filepath.Base(src))
	require.NoError(t, os.WriteFile(dst, bytes.ReplaceAll(b, []byte(old), []byte(replacement)), 0o644))
	return dst
}

func tp(topic string, p int32) connect.TopicPartition {
	return connect.TopicPartition{Topic: topic, Partition: p}
}

// syncWriter lets the runtime's goroutines log into one buffer.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}
