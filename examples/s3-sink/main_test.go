package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/sink/s3sink"
	"github.com/connectkit/connectkit/worker"
)

// The sample file is a valid configuration for the connector and the
// runtime, with no key either ignores.
func TestSampleFileIsValid(t *testing.T) {
	cfg, err := worker.LoadConfigFile("s3-sink.properties")
	require.NoError(t, err)
	conn := s3sink.NewConnector()
	parsed, err := conn.ConfigDef().Parse(cfg)
	require.NoError(t, err)
	assert.Empty(t, conn.Validate(cfg))
	runtimeKeys := map[string]bool{}
	for _, k := range sink.ConfigDef().Names() {
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
	err := run("localhost:9092", file)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not the S3 sink")
}
