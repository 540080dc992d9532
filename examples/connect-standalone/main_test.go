package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
)

// build compiles the command once per test binary run.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "connect-standalone")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

func TestSIGTERMFlushesAndCommits(t *testing.T) {
	bin := build(t)
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "connect-test", 1)
	for i := range 20 {
		c.Produce(t, connectortest.Record{Topic: "connect-test", Value: fmt.Appendf(nil, `"line %d"`, i)})
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "sink.txt")
	workerFile := write(t, dir, "worker.properties", fmt.Sprintf(`bootstrap.servers=%s
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
value.converter.schemas.enable=false
# no REST API: tests run in parallel
listeners=
# only the shutdown commit can commit within this test
offset.flush.interval.ms=3600000
`, c.BootstrapServers()))
	connFile := write(t, dir, "sink.json", fmt.Sprintf(`{"name": "signal-sink", "config": {
  "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
  "topics": "connect-test", "file": %q, "tasks.max": 1}}`, out))

	// The file is written only on flush, which here happens at shutdown, so
	// the sign that the task has the records is the consumer asking for
	// what follows them: a fetch from offset 20 means all 20 arrived, and
	// the task's poll, waiting on the client's queue, takes them at once.
	var fetchedAll atomic.Bool
	c.Kfake().ControlKey(kmsg.Fetch.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake().KeepControl()
		for _, tp := range req.(*kmsg.FetchRequest).Topics {
			for _, p := range tp.Partitions {
				if p.FetchOffset >= 20 {
					fetchedAll.Store(true)
				}
			}
		}
		return nil, nil, false
	})
	cmd := exec.Command(bin, workerFile, connFile)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	c.WaitFor(t, 30*time.Second, fetchedAll.Load, "the connector to fetch the 20 records")
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	err := cmd.Wait()
	require.NoError(t, err, "exit status after SIGTERM; stderr:\n%s", stderr.String())

	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, 20, strings.Count(string(b), "\n"), "every line flushed at shutdown")
	assert.Equal(t, int64(20), c.CommittedOffsets(t, "connect-signal-sink")[connect.TopicPartition{Topic: "connect-test"}],
		"the final commit at shutdown")
}

func TestInvalidFilesExitNonZeroListingEveryProblem(t *testing.T) {
	bin := build(t)
	dir := t.TempDir()
	workerFile := write(t, dir, "worker.properties", "bootstrap.servers=127.0.0.1:1\n")
	a := write(t, dir, "a.properties", "name=a\nconnector.class=com.example.NoSuchConnector\ntopics=t\n")
	b := write(t, dir, "b.properties", "name=b\nconnector.class=FileStreamSink\ntasks.max=-3\n")
	cmd := exec.Command(bin, workerFile, a, b)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "want a non-zero exit, got %v", err)
	assert.Equal(t, 1, exit.ExitCode())
	for _, want := range []string{"com.example.NoSuchConnector", "unknown connector class", "tasks.max", "topics"} {
		assert.Contains(t, string(out), want)
	}
}

// TestRESTAPIOnListeners starts the command with only a worker file, creates
// a connector through the REST API on the worker's listener, watches it run
// and stops the command.
func TestRESTAPIOnListeners(t *testing.T) {
	bin := build(t)
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "rest-in", 1)
	c.Produce(t, connectortest.Record{Topic: "rest-in", Value: []byte(`"hello"`)})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	dir := t.TempDir()
	workerFile := write(t, dir, "worker.properties", fmt.Sprintf(`bootstrap.servers=%s
value.converter=org.apache.kafka.connect.json.JsonConverter
value.converter.schemas.enable=false
offset.flush.interval.ms=200
listeners=http://127.0.0.1:%d
rest.advertised.host.name=worker-1.example
`, c.BootstrapServers(), port))
	cmd := exec.Command(bin, workerFile)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	get := func(path string) (int, map[string]any) {
		resp, err := http.Get(base + path)
		if err != nil {
			return 0, nil
		}
		defer resp.Body.Close()
		var v map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v
	}
	c.WaitFor(t, 30*time.Second, func() bool { code, _ := get("/"); return code == 200 }, "the REST API to answer")

	out := filepath.Join(dir, "out.txt")
	body := fmt.Sprintf(`{"name":"rest-sink","config":{"connector.class":"FileStreamSink","topics":"rest-in","file":%q}}`, out)
	resp, err := http.Post(base+"/connectors", "application/json", strings.NewReader(body))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 201, resp.StatusCode)
	c.WaitFor(t, 30*time.Second, func() bool {
		b, _ := os.ReadFile(out)
		return string(b) == "hello\n"
	}, "the record in the file")
	code, st := get("/connectors/rest-sink/status")
	require.Equal(t, 200, code)
	assert.Equal(t, "RUNNING", st["connector"].(map[string]any)["state"])
	assert.Equal(t, fmt.Sprintf("worker-1.example:%d", port), st["connector"].(map[string]any)["worker_id"])

	// The same listener serves the runtimes' metrics: the record read.
	resp, err = http.Get(base + "/metrics")
	require.NoError(t, err)
	metrics, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode)
	assert.Regexp(t, `(?m)^kafka_connect_sink_task_sink_record_read_total\{connector="rest-sink",task="0"\} 1$`, string(metrics))

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-exited:
		require.NoError(t, err, "stderr:\n%s", stderr.String())
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("no exit after SIGTERM; stderr:\n%s", stderr.String())
	}
	assert.NotContains(t, stderr.String(), "worker setting is not used", "listeners and rest.advertised.* are used")
}

func TestUnreachableClusterExitsNonZeroNamingBootstrapServers(t *testing.T) {
	bin := build(t)
	dir := t.TempDir()
	// A port nothing listens on: the task waits the documented 30 s for a
	// broker, fails, and with no task left the worker exits.
	workerFile := write(t, dir, "worker.properties", "bootstrap.servers=127.0.0.1:1\n"+
		"key.converter=org.apache.kafka.connect.storage.StringConverter\n"+
		"value.converter=org.apache.kafka.connect.storage.StringConverter\n")
	conn := write(t, dir, "sink.properties", "name=nowhere\nconnector.class=FileStreamSink\ntopics=t\nfile="+filepath.Join(dir, "out.txt")+"\n")
	cmd := exec.Command(bin, workerFile, conn)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(90 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("still running 90 s after start; stderr:\n%s", stderr.String())
	}
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "want a non-zero exit, got %v; stderr:\n%s", err, stderr.String())
	assert.Equal(t, 1, exit.ExitCode())
	assert.Contains(t, stderr.String(), "cannot reach the Kafka cluster at bootstrap.servers=127.0.0.1:1 within 30s")
	assert.Equal(t, 1, strings.Count(stderr.String(), "level=ERROR"), "one ERROR log line for the failed task; stderr:\n%s", stderr.String())
}
