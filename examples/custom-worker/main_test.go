package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connectortest"
)

var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "custom-worker-")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "custom-worker")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

// TestCustomAndBundledConnectorsFromFiles runs the custom SequenceSource
// and the bundled FileStreamSink, each named by a Kafka Connect class name
// in its own file, in one process: the source writes the sequence to a
// topic, the sink copies the topic to a file through the custom converter,
// named by its simple class name.
func TestCustomAndBundledConnectorsFromFiles(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "sequence", 1)
	dir := t.TempDir()
	out := filepath.Join(dir, "sequence.txt")
	workerFile := write(t, dir, "worker.properties", fmt.Sprintf(`bootstrap.servers=%s
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
offset.storage.file.filename=%s
offset.flush.interval.ms=500
`, c.BootstrapServers(), filepath.Join(dir, "offsets")))
	source := write(t, dir, "sequence.properties", `name=sequence
connector.class=com.example.connect.SequenceSourceConnector
topic=sequence
count=25
`)
	sink := write(t, dir, "file-sink.json", fmt.Sprintf(`{"name": "file-sink", "config": {
  "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
  "topics": "sequence", "file": %q, "offset.flush.interval.ms": "500",
  "value.converter": "UpperCaseConverter"}}`, out))

	cmd := exec.Command(bin, "-log.format=json", workerFile, source, sink)
	stderr, err := os.Create(filepath.Join(dir, "stderr"))
	require.NoError(t, err)
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())
	var want strings.Builder
	for i := range 25 {
		fmt.Fprintf(&want, "MESSAGE %d\n", i) // through our converter
	}
	c.WaitFor(t, 60*time.Second, func() bool {
		b, _ := os.ReadFile(out)
		return string(b) == want.String()
	}, "the file sink to hold the whole sequence")
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Wait(), "exit status after SIGTERM")

	// One stream: every line is JSON, and the custom task's own lines
	// carry its connector and task.
	f, err := os.Open(stderr.Name())
	require.NoError(t, err)
	defer f.Close()
	sawTaskLine := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var line map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &line), "a log line that is not JSON: %s", sc.Text())
		if line["msg"] == "sequence starts" {
			sawTaskLine = true
			assert.Equal(t, "sequence", line["connector"])
			assert.Equal(t, float64(0), line["task"])
		}
	}
	assert.True(t, sawTaskLine, "the custom task logs through the runtime's logger")
}

func TestHelpSaysWhatItDoes(t *testing.T) {
	out, err := exec.Command(bin, "-h").CombinedOutput()
	require.NoError(t, err, "-h is a request, not a mistake")
	for _, want := range []string{"custom-worker runs connectors", "usage: custom-worker", "-log.format",
		"SequenceSource", "FileStreamSink", "S3Sink", "HttpSource", "KafkaSink"} {
		assert.Contains(t, string(out), want)
	}
}

func TestBadLogFormatIsAnError(t *testing.T) {
	out, err := exec.Command(bin, "-log.format=xml", "w.properties", "c.properties").CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 2, ee.ExitCode())
	assert.Contains(t, string(out), `"xml" is neither text nor json`)
}
