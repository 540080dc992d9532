package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/sink/kafkasink"
	"github.com/connectkit/connectkit/worker"
)

// The sample file is a valid configuration for the connector and the
// runtime, with no key either ignores.
func TestSampleFileIsValid(t *testing.T) {
	cfg, err := worker.LoadConfigFile("kafka-filter-sink.properties")
	require.NoError(t, err)
	conn := kafkasink.NewConnector()
	parsed, err := conn.ConfigDef().Parse(cfg)
	require.NoError(t, err)
	assert.Empty(t, conn.Validate(cfg))
	runtimeKeys := map[string]bool{}
	for _, k := range sink.ConfigDef().Names() {
		runtimeKeys[k] = true
	}
	for _, k := range parsed.Unused() {
		if !runtimeKeys[k] {
			t.Errorf("%s is not a setting of the connector or the runtime", k)
		}
	}
}

// The sample file, pointed at an embedded cluster, filters clicks.
func TestRunFiltersClicks(t *testing.T) {
	c := connectortest.NewCluster(t)
	for _, topic := range []string{"events", "clicks", "click-filter-dlq"} {
		c.CreateTopic(t, topic, 1)
	}
	c.Produce(t,
		connectortest.Record{Topic: "events", Value: []byte(`{"type":"click","user":{"id":"u1"},"time":"2024-05-01 09:00:00"}`)},
		connectortest.Record{Topic: "events", Value: []byte(`{"type":"view","user":{"id":"u2"},"time":"2024-05-01 09:00:01"}`)},
		connectortest.Record{Topic: "events", Value: []byte(`{"type":"click","time":"2024-05-01 09:00:02"}`)},
	)
	b, err := os.ReadFile("kafka-filter-sink.properties")
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "sink.properties")
	content := strings.Replace(string(b), "kafka.sink.bootstrap=localhost:9092", "kafka.sink.bootstrap="+c.BootstrapServers(), 1) +
		"\nerrors.deadletterqueue.topic.replication.factor=1\noffset.flush.interval.ms=100\n"
	require.NoError(t, os.WriteFile(file, []byte(content), 0o600))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, c.BootstrapServers(), file) }()
	c.WaitFor(t, 60*time.Second, func() bool { return len(c.ReadAll(t, "click-filter-dlq")) == 1 && len(c.ReadAll(t, "clicks")) == 1 },
		"one click forwarded and the one without a user dead-lettered")
	cancel()
	require.NoError(t, <-done)
	out := c.ReadAll(t, "clicks")
	assert.Equal(t, "u1", string(out[0].Key))
	assert.Equal(t, time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), out[0].Timestamp)
}

func TestRunRefusesAnotherConnector(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file-sink.properties")
	require.NoError(t, os.WriteFile(file, []byte("name=x\nconnector.class=FileStreamSink\ntopics=t\n"), 0o600))
	err := run(context.Background(), "localhost:9092", file)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not the filtering Kafka sink")
}
