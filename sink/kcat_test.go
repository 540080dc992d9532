//go:build integration

package sink_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
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

// Interoperability with a client that shares no code with ours: kcat, on
// librdkafka but written apart from confluent-kafka-go and franz-go,
// against the real broker.

// kcat runs kcat with args, stdin as its input, and returns its output.
func kcat(t *testing.T, stdin string, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("kcat"); err != nil {
		msg := "kcat is not installed (Debian: apt-get install -y kcat; .ci/kafka.sh installs it)"
		if os.Getenv(connectortest.EnvIntegrationRequired) == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "kcat", args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "kcat %s: %s", strings.Join(args, " "), stderr.String())
	return out
}

// capture keeps every record Put received, in order.
type capture struct {
	mu      sync.Mutex
	records []connect.SinkRecord
}

func (c *capture) Start(context.Context, map[string]string, connect.SinkTaskContext) error {
	return nil
}

func (c *capture) Put(_ context.Context, batch []connect.SinkRecord) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.records = append(c.records, batch...)
	return nil
}

func (c *capture) Stop(context.Context) error { return nil }

func (c *capture) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.records)
}

func TestKcatProducesWhatTheSinkReceives(t *testing.T) {
	c := connectortest.ExternalKafka(t)
	topic, name := c.Unique("from-kcat"), c.Unique("kcat-sink")
	c.CreateTopic(t, topic, 1)
	b := c.BootstrapServers()

	// Headers go on every record of one kcat run: a repeated key, an empty
	// value and a null one (no "=").
	kcat(t, "k1|v1\nk2|héllo wörld ✓\n",
		"-P", "-b", b, "-t", topic, "-p", "0", "-K", "|",
		"-H", "trace=t-1", "-H", "trace=t-2", "-H", "empty=", "-H", "null")
	// -Z turns an empty value into a tombstone and an empty key into none.
	kcat(t, "k3|\n|no key\n", "-P", "-b", b, "-t", topic, "-p", "0", "-K", "|", "-Z")

	task := &capture{}
	cfg := baseConfig(c, name, topic)
	cfg["header.converter"] = "org.apache.kafka.connect.converters.ByteArrayConverter"
	h := connectortest.StartSink(t, connectortest.SinkConnectorFunc(func() connect.SinkTask { return task }), cfg)
	c.WaitFor(t, 30*time.Second, func() bool { return task.len() >= 4 }, "the sink to receive kcat's 4 records")
	require.NoError(t, h.Stop())

	task.mu.Lock()
	defer task.mu.Unlock()
	require.Len(t, task.records, 4)
	type header struct {
		key   string
		value any
	}
	headers := func(r connect.SinkRecord) []header {
		var out []header
		for _, h := range r.Headers {
			out = append(out, header{h.Key, h.Value})
		}
		return out
	}
	want := []header{{"trace", []byte("t-1")}, {"trace", []byte("t-2")}, {"empty", []byte{}}, {"null", nil}}
	for i, r := range task.records {
		assert.Equal(t, topic, r.Topic)
		assert.Equal(t, int64(i), r.Offset)
		if i < 2 {
			assert.Equal(t, want, headers(r), "record %d: headers in order, empty and null kept apart", i)
		} else {
			assert.Empty(t, r.Headers, "record %d", i)
		}
	}
	assert.Equal(t, []byte("k1"), task.records[0].Key)
	assert.Equal(t, []byte("v1"), task.records[0].Value)
	assert.Equal(t, []byte("k2"), task.records[1].Key)
	assert.Equal(t, []byte("héllo wörld ✓"), task.records[1].Value)
	assert.Equal(t, []byte("k3"), task.records[2].Key)
	assert.Nil(t, task.records[2].Value, "a tombstone")
	assert.Nil(t, task.records[3].Key, "no key")
	assert.Equal(t, []byte("no key"), task.records[3].Value)
	assert.Equal(t, int64(4), c.CommittedOffsets(t, "connect-"+name)[connect.TopicPartition{Topic: topic}])
}

// kcatRecord is one line of kcat -J.
type kcatRecord struct {
	Topic     string   `json:"topic"`
	Partition int32    `json:"partition"`
	Offset    int64    `json:"offset"`
	Headers   []string `json:"headers"` // key, value, key, value...
	Key       *string  `json:"key"`
	Payload   *string  `json:"payload"`
}

func TestKcatReadsTheDeadLetterQueue(t *testing.T) {
	c := connectortest.ExternalKafka(t)
	in, dlq, name := c.Unique("to-dlq"), c.Unique("to-dlq-dlq"), c.Unique("dlq-for-kcat")
	c.CreateTopic(t, in, 1)
	c.Produce(t,
		connectortest.Record{Topic: in, Key: []byte("good"), Value: []byte(`{"a":1}`)},
		connectortest.Record{Topic: in, Key: []byte("bad"), Value: []byte(`{not json`),
			Headers: []connectortest.RecordHeader{{Key: "trace", Value: []byte("t-9")}}},
	)
	cfg := dlqConfig(c, name, in, dlq)
	task := &capture{}
	h := connectortest.StartSink(t, connectortest.SinkConnectorFunc(func() connect.SinkTask { return task }), cfg)
	c.WaitFor(t, 30*time.Second, func() bool {
		return c.CommittedOffsets(t, "connect-"+name)[connect.TopicPartition{Topic: in}] == 2
	}, "offsets to pass the dead-lettered record")
	require.NoError(t, h.Stop())
	assert.Equal(t, 1, task.len(), "the good record reached Put")

	out := kcat(t, "", "-C", "-b", c.BootstrapServers(), "-t", dlq, "-o", "beginning", "-e", "-q", "-J")
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, lines, 1, "one record in the dead-letter queue: %s", out)
	var r kcatRecord
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &r), lines[0])
	assert.Equal(t, dlq, r.Topic)
	require.NotNil(t, r.Key)
	assert.Equal(t, "bad", *r.Key)
	require.NotNil(t, r.Payload)
	assert.Equal(t, "{not json", *r.Payload, "the original bytes, not a re-encoding")
	require.Zero(t, len(r.Headers)%2, "headers come as key, value pairs: %v", r.Headers)
	hdr := map[string]string{}
	for i := 0; i < len(r.Headers); i += 2 {
		hdr[r.Headers[i]] = r.Headers[i+1]
	}
	assert.Equal(t, "t-9", hdr["trace"], "the original header is kept")
	assert.Equal(t, in, hdr[sink.HeaderErrorTopic])
	assert.Equal(t, "0", hdr[sink.HeaderErrorPartition])
	assert.Equal(t, "1", hdr[sink.HeaderErrorOffset])
	assert.Equal(t, name, hdr[sink.HeaderErrorConnectorName])
	assert.Equal(t, "0", hdr[sink.HeaderErrorTaskID])
	assert.Equal(t, "VALUE_CONVERTER", hdr[sink.HeaderErrorStage])
	assert.Equal(t, sink.DefaultConverter, hdr[sink.HeaderErrorClassName])
	assert.NotEmpty(t, hdr[sink.HeaderErrorExceptionMessage])
}
