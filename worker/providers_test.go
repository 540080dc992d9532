package worker_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/worker"
	"github.com/connectkit/connectkit/worker/bundled"
	"github.com/connectkit/connectkit/worker/configprovider"
)

// TestRunFilesResolvesConfigProviders runs a connector file whose settings
// come from the worker's config providers: the sink's output file from a
// .properties file, the topic from a directory entry, and the worker's
// bootstrap.servers from the environment.
func TestRunFilesResolvesConfigProviders(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "provided", 1)
	c.Produce(t, connectortest.Record{Topic: "provided", Value: []byte(`"hello"`)})
	dir := t.TempDir()
	out := filepath.Join(dir, "out.txt")
	t.Setenv("CK_TEST_BOOTSTRAP", c.BootstrapServers())
	require.NoError(t, os.WriteFile(filepath.Join(dir, "paths.properties"), fmt.Appendf(nil, "sink.file=%s\n", out), 0o600))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "secrets"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "secrets", "topic"), []byte("provided"), 0o600))
	workerFile := filepath.Join(dir, "worker.properties")
	require.NoError(t, os.WriteFile(workerFile, fmt.Appendf(nil, `config.providers=env,file,directory
config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
config.providers.file.param.allowed.paths=%[1]s
config.providers.directory.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider
bootstrap.servers=${env:CK_TEST_BOOTSTRAP}
value.converter=org.apache.kafka.connect.json.JsonConverter
value.converter.schemas.enable=false
offset.flush.interval.ms=500
`, dir), 0o644))
	connFile := filepath.Join(dir, "sink.properties")
	require.NoError(t, os.WriteFile(connFile, fmt.Appendf(nil, `name=provided-sink
connector.class=FileStreamSink
topics=${directory:%[1]s/secrets:topic}
file=${file:%[1]s/paths.properties:sink.file}
`, dir), 0o644))

	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- worker.RunFiles(ctx, workerFile, []string{connFile}, worker.Options{Registry: bundled.Registry(), Logger: log})
	}()
	c.WaitFor(t, 30*time.Second, func() bool {
		b, _ := os.ReadFile(out)
		return string(b) == "hello\n"
	}, "the sink to write to the file the provider named")
	cancel()
	require.NoError(t, <-done)
	assert.NotContains(t, logs.String(), "config.providers", "provider settings are used, not reported as unused")
}

func TestRunFilesReportsProviderFailures(t *testing.T) {
	dir := t.TempDir()
	workerFile := filepath.Join(dir, "worker.properties")
	require.NoError(t, os.WriteFile(workerFile, []byte(`bootstrap.servers=127.0.0.1:1
config.providers=file
config.providers.file.class=FileConfigProvider
`), 0o644))
	connFile := filepath.Join(dir, "sink.properties")
	require.NoError(t, os.WriteFile(connFile, fmt.Appendf(nil, "name=s\nconnector.class=FileStreamSink\ntopics=t\nfile=${file:%s/missing.properties:f}\n", dir), 0o644))
	err := worker.RunFiles(context.Background(), workerFile, []string{connFile}, worker.Options{Registry: bundled.Registry(), Logger: slog.New(slog.DiscardHandler)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "s: configprovider: provider file")
	assert.Contains(t, err.Error(), "missing.properties")
}

// mapProvider is a config provider of the test's own.
type mapProvider map[string]string

func (m mapProvider) Get(_ context.Context, _ string, keys []string) (map[string]string, error) {
	out := map[string]string{}
	for _, k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out, nil
}

func TestRegisteredConfigProviderResolvesConnectorSettings(t *testing.T) {
	reg := bundled.Registry()
	reg.RegisterConfigProvider("com.example.MapConfigProvider", func(params map[string]string, _ *slog.Logger) (configprovider.Provider, error) {
		return mapProvider{"tasks": params["tasks"]}, nil
	})
	err := worker.Run(context.Background(), map[string]string{
		"bootstrap.servers":                "127.0.0.1:1",
		"config.providers":                 "map",
		"config.providers.map.class":       "MapConfigProvider", // the simple class name works too
		"config.providers.map.param.tasks": "zero",
	}, []map[string]string{{"name": "s", "connector.class": "FileStreamSink", "topics": "t", "file": "/dev/null",
		"tasks.max": "${map:tasks}"}}, worker.Options{Registry: reg, Logger: slog.New(slog.DiscardHandler)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `tasks.max: invalid value "zero"`, "the placeholder was resolved before validation")
}
