package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/source"
	"github.com/connectkit/connectkit/source/httpsource"
	"github.com/connectkit/connectkit/worker"
)

// The sample file is a valid configuration for the connector and the
// runtime, with no key either ignores.
func TestSampleFileIsValid(t *testing.T) {
	cfg, err := worker.LoadConfigFile("http-source.properties")
	require.NoError(t, err)
	conn := httpsource.NewConnector()
	parsed, err := conn.ConfigDef().Parse(cfg)
	require.NoError(t, err)
	assert.Empty(t, conn.Validate(cfg))
	runtimeKeys := map[string]bool{}
	for _, k := range source.ConfigDef().Names() {
		runtimeKeys[k] = true
	}
	for _, k := range parsed.Unused() {
		if !runtimeKeys[k] && k != "value.converter.schemas.enable" {
			t.Errorf("%s is not a setting of the connector or the runtime", k)
		}
	}
}

func TestRunRefusesAnotherConnector(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file-sink.properties")
	require.NoError(t, os.WriteFile(file, []byte("name=x\nconnector.class=FileStreamSink\ntopics=t\n"), 0o600))
	err := run(context.Background(), "localhost:9092", "", file)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not the HTTP source")
}

// The command runs a JSON connector file end to end: records reach the
// topic and the offsets file.
func TestRunFromJSONFile(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode([]any{map[string]any{"id": 1, "v": "a"}, map[string]any{"id": 2, "v": "b"}})
	}))
	t.Cleanup(api.Close)
	cluster := connectortest.NewCluster(t)
	cluster.CreateTopic(t, "api", 1)
	dir := t.TempDir()
	file := filepath.Join(dir, "http.json")
	conf, err := json.Marshal(map[string]any{"name": "http-json", "config": map[string]string{
		"connector.class":                     httpsource.ClassName,
		"kafka.topic":                         "api",
		"http.request.url":                    api.URL,
		"http.response.record.offset.pointer": "key=/id",
		"http.response.record.mapper":         "JsonRecordMapper",
		"value.converter":                     "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable":      "false",
		"key.converter":                       "org.apache.kafka.connect.storage.StringConverter",
		"offset.flush.interval.ms":            "100",
	}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, conf, 0o600))
	offsets := filepath.Join(dir, "offsets.json")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, cluster.BootstrapServers(), offsets, file) }()
	cluster.WaitFor(t, 20*time.Second, func() bool { return len(cluster.ReadAll(t, "api")) == 2 }, "two records in the topic")
	cancel()
	require.NoError(t, <-done)
	recs := cluster.ReadAll(t, "api")
	assert.Equal(t, `{"id":1,"v":"a"}`, string(recs[0].Value))
	assert.Equal(t, "2", string(recs[1].Key))
	stored, err := os.ReadFile(offsets)
	require.NoError(t, err)
	assert.Contains(t, string(stored), `"key":"2"`, "Kafka Connect's offsets file holds the offset's JSON")
}
