package worker

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeFile writes content to a file named name in a fresh directory and
// returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

func TestLoadConfigFile(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		want    map[string]string
	}{
		{
			name:    "properties",
			file:    "sink.properties",
			content: "name=s\nconnector.class=FileStreamSink\n",
			want:    map[string]string{"name": "s", "connector.class": "FileStreamSink"},
		},
		{
			name:    "flat JSON",
			file:    "sink.json",
			content: `{"name": "s", "connector.class": "FileStreamSink", "topics": "t"}`,
			want:    map[string]string{"name": "s", "connector.class": "FileStreamSink", "topics": "t"},
		},
		{
			name:    "REST shape copies the name into the config",
			file:    "sink.json",
			content: `{"name": "s", "config": {"connector.class": "FileStreamSink"}}`,
			want:    map[string]string{"name": "s", "connector.class": "FileStreamSink"},
		},
		{
			name:    "REST shape with the same name in the config",
			file:    "sink.json",
			content: `{"name": "s", "config": {"name": "s", "connector.class": "FileStreamSink"}}`,
			want:    map[string]string{"name": "s", "connector.class": "FileStreamSink"},
		},
		{
			name:    "REST shape without a top-level name",
			file:    "sink.json",
			content: `{"config": {"name": "s"}}`,
			want:    map[string]string{"name": "s"},
		},
		{
			name: "REST shape of a saved GET response",
			file: "sink.json",
			content: `{"name": "s", "config": {"topics": "t"}, "type": "sink",
				"tasks": [{"connector": "s", "task": 0}], "initial_state": "RUNNING"}`,
			want: map[string]string{"name": "s", "topics": "t"},
		},
		{
			name:    "a config key that is not an object is a flat setting",
			file:    "sink.json",
			content: `{"name": "s", "config": "c"}`,
			want:    map[string]string{"name": "s", "config": "c"},
		},
		{
			name:    "JSON content wins over a .properties name",
			file:    "sink.properties",
			content: "\n\t  {\"name\": \"s\"}",
			want:    map[string]string{"name": "s"},
		},
		{
			name:    "JSON with a byte order mark",
			file:    "sink.conf",
			content: "\ufeff{\"name\": \"s\"}",
			want:    map[string]string{"name": "s"},
		},
		{
			name:    "no extension, properties",
			file:    "worker",
			content: "bootstrap.servers=localhost:9092",
			want:    map[string]string{"bootstrap.servers": "localhost:9092"},
		},
		{
			name: "numbers and booleans keep their text",
			file: "sink.json",
			content: `{"tasks.max": 1000, "ratio": 0.5, "big": 10000000, "exp": 1e3,
				"neg": -2, "zero": 0.0, "on": true, "off": false, "s": "1000"}`,
			want: map[string]string{
				"tasks.max": "1000", "ratio": "0.5", "big": "10000000", "exp": "1e3",
				"neg": "-2", "zero": "0.0", "on": "true", "off": "false", "s": "1000",
			},
		},
		{
			name:    "numbers in the REST shape and its name",
			file:    "sink.json",
			content: `{"name": 7, "config": {"tasks.max": 2}}`,
			want:    map[string]string{"name": "7", "tasks.max": "2"},
		},
		{
			name:    "later duplicate wins",
			file:    "sink.json",
			content: `{"a": "1", "a": "2"}`,
			want:    map[string]string{"a": "2"},
		},
		{
			name:    "empty properties file",
			file:    "empty.properties",
			content: "",
			want:    map[string]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadConfigFile(writeFile(t, tt.file, tt.content))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestLoadConfigFileErrors(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		wantErr string // after "worker: config file PATH: "
	}{
		{
			name:    "name mismatch",
			file:    "sink.json",
			content: `{"name": "a", "config": {"name": "b"}}`,
			wantErr: `name "a" does not match "b", the name in "config"`,
		},
		{
			name:    "null",
			file:    "sink.json",
			content: `{"name": "s", "topics": null}`,
			wantErr: `key "topics": value is null; leave the key out to use its default`,
		},
		{
			name:    "nested object and array, all reported in key order",
			file:    "sink.json",
			content: `{"name": "s", "topics": ["a", "b"], "headers": {"x": "y"}}`,
			wantErr: `key "headers": value is a JSON object, want a string, number or boolean; ` +
				`key "topics": value is a JSON array, want a string, number or boolean`,
		},
		{
			name:    "bad values in the REST shape",
			file:    "sink.json",
			content: `{"name": null, "config": {"topics": ["a"]}}`,
			wantErr: `key "name": value is null; leave the key out to use its default; ` +
				`key "topics" in "config": value is a JSON array, want a string, number or boolean`,
		},
		{
			name:    "unknown top-level keys in the REST shape",
			file:    "sink.json",
			content: `{"name": "s", "config": {}, "topics": "t", "confg": {}}`,
			wantErr: `unknown top-level keys ["confg" "topics"]: settings belong in "config"`,
		},
		{
			name:    "initial state other than running",
			file:    "sink.json",
			content: `{"name": "s", "config": {}, "initial_state": "PAUSED"}`,
			wantErr: `initial_state "PAUSED" is not supported, only RUNNING`,
		},
		{
			name:    "top-level array",
			file:    "sink.properties",
			content: `[{"name": "s"}]`,
			wantErr: "top level is a JSON array, want an object of settings",
		},
		{
			name:    "top-level null",
			file:    "sink.json",
			content: `null`,
			wantErr: "top level is a JSON null, want an object of settings",
		},
		{
			name:    "a .json file of properties",
			file:    "sink.json",
			content: "name=s\n",
			wantErr: "line 1, column 2 (byte 1): invalid character 'a' in literal null (expecting 'u')",
		},
		{
			name:    "malformed escape in properties",
			file:    "sink.properties",
			content: "name=s\ntopics=\\uXYZW\n",
			wantErr: `line 2, column 8 (byte 14): malformed \uXXXX escape "\\uXYZW"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.content)
			got, err := LoadConfigFile(path)
			assert.Nil(t, got)
			assert.EqualError(t, err, "worker: config file "+path+": "+tt.wantErr)
		})
	}
}

func TestLoadConfigFileJSONSyntaxError(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    SyntaxError
	}{
		{
			name:    "missing comma",
			content: "{\n  \"name\": \"s\"\n  \"topics\": \"t\"\n}",
			want:    SyntaxError{Line: 3, Column: 3, Offset: 18, Msg: "invalid character '\"' after object key:value pair"},
		},
		{
			name:    "trailing comma",
			content: "{\"a\": \"1\",\n}",
			want:    SyntaxError{Line: 2, Column: 1, Offset: 11, Msg: "invalid character '}' looking for beginning of object key string"},
		},
		{
			name:    "truncated",
			content: "{\"a\": ",
			want:    SyntaxError{Line: 1, Column: 6, Offset: 5, Msg: "unexpected end of JSON input"},
		},
		{
			name:    "offset counts the byte order mark",
			content: "\ufeff{\"a\" 1}",
			want:    SyntaxError{Line: 1, Column: 6, Offset: 8, Msg: "invalid character '1' after object key"},
		},
		{
			name:    "columns count characters",
			content: "{\"é\": x}",
			want:    SyntaxError{Line: 1, Column: 7, Offset: 7, Msg: "invalid character 'x' looking for beginning of value"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "c.json", tt.content)
			_, err := LoadConfigFile(path)
			var syn *SyntaxError
			require.ErrorAs(t, err, &syn)
			assert.Equal(t, tt.want, *syn)
			assert.Contains(t, err.Error(), path)
		})
	}
}

func TestLoadConfigFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.properties")
	_, err := LoadConfigFile(path)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.ErrorContains(t, err, path)
}

// TestLoadConfigFileShapesAgree loads the same connector written as
// properties (CRLF, no final newline) and in the REST JSON shape.
func TestLoadConfigFileShapesAgree(t *testing.T) {
	props, err := LoadConfigFile("testdata/connect-file-sink.properties")
	require.NoError(t, err)
	rest, err := LoadConfigFile("testdata/connect-file-sink.json")
	require.NoError(t, err)

	assert.Equal(t, "org.apache.kafka.connect.file.FileStreamSinkConnector", rest["connector.class"])
	assert.Equal(t, "FileStreamSink", props["connector.class"])
	delete(props, "connector.class")
	delete(rest, "connector.class")
	assert.Equal(t, props, rest)
}
