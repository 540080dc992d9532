package worker

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestParseProperties(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  map[string]string
	}{
		{"empty", "", map[string]string{}},
		{"blank lines", "\n\n   \n\t\f\n", map[string]string{}},
		{"hash comment", "# a=b\nc=d", map[string]string{"c": "d"}},
		{"bang comment", "! a=b\nc=d", map[string]string{"c": "d"}},
		{"indented comment", "   \t# a=b\nc=d", map[string]string{"c": "d"}},
		{"hash inside a value", "a=b # not a comment", map[string]string{"a": "b # not a comment"}},
		{"comment does not continue", "# c \\\na=b", map[string]string{"a": "b"}},

		{"equals", "a=b", map[string]string{"a": "b"}},
		{"colon", "a:b", map[string]string{"a": "b"}},
		{"space", "a b", map[string]string{"a": "b"}},
		{"tab", "a\tb", map[string]string{"a": "b"}},
		{"form feed", "a\fb", map[string]string{"a": "b"}},
		{"spaces around equals", "a   =   b", map[string]string{"a": "b"}},
		{"spaces around colon", "a : b", map[string]string{"a": "b"}},
		{"only the first separator", "a=b=c:d e", map[string]string{"a": "b=c:d e"}},
		{"whitespace then one equals", "a = = b", map[string]string{"a": "= b"}},
		{"space separator then equals in value", "a b=c", map[string]string{"a": "b=c"}},
		{"leading whitespace of the line", "   a=b", map[string]string{"a": "b"}},
		{"trailing whitespace kept", "a = b \t", map[string]string{"a": "b \t"}},
		{"key alone", "key", map[string]string{"key": ""}},
		{"key and whitespace", "key   ", map[string]string{"key": ""}},
		{"key and separator", "key=", map[string]string{"key": ""}},
		{"empty key", "=b", map[string]string{"": "b"}},

		{"escape tab", `a=x\ty`, map[string]string{"a": "x\ty"}},
		{"escape newline", `a=x\ny`, map[string]string{"a": "x\ny"}},
		{"escape return", `a=x\ry`, map[string]string{"a": "x\ry"}},
		{"escape form feed", `a=x\fy`, map[string]string{"a": "x\fy"}},
		{"escape backslash", `a=x\\y`, map[string]string{"a": `x\y`}},
		{"escape equals", `a=x\=y`, map[string]string{"a": "x=y"}},
		{"escape colon", `a=x\:y`, map[string]string{"a": "x:y"}},
		{"escape hash", `a=\#y`, map[string]string{"a": "#y"}},
		{"escape bang", `a=\!y`, map[string]string{"a": "!y"}},
		{"escape space", `a=\ \ y`, map[string]string{"a": "  y"}},
		{"other escapes drop the backslash", `a=\q\b\"`, map[string]string{"a": `qb"`}},
		{"windows path needs doubled backslashes", `dir=C:\\temp\\new`, map[string]string{"dir": `C:\temp\new`}},
		{"windows path with single backslashes", `dir=C:\temp\new`, map[string]string{"dir": "C:\temp\new"}},

		{"key with escaped spaces", `my\ key\ name = v`, map[string]string{"my key name": "v"}},
		{"key with escaped equals", `a\=b=c`, map[string]string{"a=b": "c"}},
		{"key with escaped colon", `a\:b:c`, map[string]string{"a:b": "c"}},
		{"key ending in escaped backslash", `a\\=b`, map[string]string{`a\`: "b"}},
		{"key starting with escaped hash", `\#a=b`, map[string]string{"#a": "b"}},

		{"unicode escape", `a=\u0041\u00e9\u20AC`, map[string]string{"a": "Aé€"}},
		{"unicode escape in key", `\u006bey=v`, map[string]string{"key": "v"}},
		{"surrogate pair", `a=\uD83D\uDE00`, map[string]string{"a": "😀"}},
		{"lone high surrogate", `a=\uD83Dx`, map[string]string{"a": "\uFFFDx"}},
		{"lone low surrogate", `a=\uDE00`, map[string]string{"a": "\uFFFD"}},
		{"raw UTF-8", "név=érték", map[string]string{"név": "érték"}},

		{"continuation", "a=b\\\n  c", map[string]string{"a": "bc"}},
		{"continuation keeps space before the backslash", "a=one, \\\n    two", map[string]string{"a": "one, two"}},
		{"continuation over several lines", "a=1\\\n 2\\\n\t3\nb=4", map[string]string{"a": "123", "b": "4"}},
		{"continuation in the key", "ke\\\n  y=v", map[string]string{"key": "v"}},
		{"continued line starting with hash", "a=b\\\n  # c", map[string]string{"a": "b# c"}},
		{"continuation with CRLF", "a=b\\\r\n  c\r\nd=e", map[string]string{"a": "bc", "d": "e"}},
		{"continuation with CR", "a=b\\\r  c\rd=e", map[string]string{"a": "bc", "d": "e"}},
		{"continuation onto a blank line ends it", "a=b\\\n\nc=d", map[string]string{"a": "b", "c": "d"}},
		{"backslash at end of text", "a=b\\", map[string]string{"a": "b"}},
		{"two backslashes do not continue", "a=b\\\\\nc=d", map[string]string{"a": `b\`, "c": "d"}},
		{"three backslashes continue", "a=b\\\\\\\nc", map[string]string{"a": `b\c`}},

		{"CRLF", "a=1\r\nb=2\r\n", map[string]string{"a": "1", "b": "2"}},
		{"CR", "a=1\rb=2\r", map[string]string{"a": "1", "b": "2"}},
		{"no final newline", "a=1\nb=2", map[string]string{"a": "1", "b": "2"}},
		{"later duplicate wins", "a=1\nb=2\na=3", map[string]string{"a": "3", "b": "2"}},
		{"byte order mark", "\ufeffa=1", map[string]string{"a": "1"}},
		{"ISO-8859-1 when not UTF-8", "n\xe9v=\xe9t\xe9", map[string]string{"név": "été"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseProperties(strings.NewReader(tt.input))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParsePropertiesMalformedEscape(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		want    SyntaxError
		wantErr string
	}{
		{
			name:    "bad hex digit",
			input:   "a=1\nb=x\\u12G4\n",
			want:    SyntaxError{Line: 2, Column: 4, Offset: 7},
			wantErr: `worker: parse properties: line 2, column 4 (byte 7): malformed \uXXXX escape "\\u12G4"`,
		},
		{
			name:  "too short in a key",
			input: "# comment\n\n\\u00=b",
			want:  SyntaxError{Line: 3, Column: 1, Offset: 11},
		},
		{
			name:  "too short at the end",
			input: "a=\\u4",
			want:  SyntaxError{Line: 1, Column: 3, Offset: 2},
		},
		{
			name:  "on a continued line",
			input: "a=x\\\n  \\uZZZZ",
			want:  SyntaxError{Line: 2, Column: 3, Offset: 7},
		},
		{
			name:  "CRLF counts as one line end",
			input: "a=1\r\nb=2\r\n\r\nc=\\u",
			want:  SyntaxError{Line: 4, Column: 3, Offset: 14},
		},
		{
			name:  "CR alone ends a line",
			input: "a=1\rc=\\u",
			want:  SyntaxError{Line: 2, Column: 3, Offset: 6},
		},
		{
			name:  "columns count characters",
			input: "é=\\u",
			want:  SyntaxError{Line: 1, Column: 3, Offset: 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseProperties(strings.NewReader(tt.input))
			var syn *SyntaxError
			require.ErrorAs(t, err, &syn)
			assert.Equal(t, tt.want.Line, syn.Line, "line")
			assert.Equal(t, tt.want.Column, syn.Column, "column")
			assert.Equal(t, tt.want.Offset, syn.Offset, "offset")
			assert.Contains(t, syn.Msg, `malformed \uXXXX escape`)
			if tt.wantErr != "" {
				assert.EqualError(t, err, tt.wantErr)
			}
		})
	}
}

func TestParsePropertiesReadError(t *testing.T) {
	boom := errors.New("boom")
	_, err := ParseProperties(iotest.ErrReader(boom))
	assert.ErrorIs(t, err, boom)
	assert.EqualError(t, err, "worker: read properties: boom")
}

// TestParsePropertiesJavaVectors checks ParseProperties against what
// java.util.Properties.load made of random inputs built from the format's
// special characters (testdata/PropertiesVectors.java).
func TestParsePropertiesJavaVectors(t *testing.T) {
	data, err := os.ReadFile("testdata/properties-vectors.json")
	require.NoError(t, err)
	var vectors []struct {
		Name  string            `json:"name"`
		Input string            `json:"input"`
		Want  map[string]string `json:"want"`
		Error bool              `json:"error"`
	}
	require.NoError(t, json.Unmarshal(data, &vectors))
	require.NotEmpty(t, vectors)
	for _, v := range vectors {
		t.Run(v.Name, func(t *testing.T) {
			got, err := ParseProperties(strings.NewReader(v.Input))
			if v.Error {
				var syn *SyntaxError
				assert.ErrorAs(t, err, &syn, "input %q", v.Input)
				return
			}
			require.NoError(t, err, "input %q", v.Input)
			assert.Equal(t, v.Want, got, "input %q", v.Input)
		})
	}
}

// TestPropertiesGolden reads whole files shaped like the ones Kafka ships.
func TestPropertiesGolden(t *testing.T) {
	for _, name := range []string{"connect-standalone.properties", "connect-file-sink.properties"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			got, err := LoadConfigFile(path)
			require.NoError(t, err)
			checkGolden(t, path+".golden", got)
		})
	}
}

// checkGolden compares config with the JSON in golden, or rewrites golden
// under -update.
func checkGolden(t *testing.T, golden string, config map[string]string) {
	t.Helper()
	if *update {
		data, err := json.MarshalIndent(config, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(golden, append(data, '\n'), 0o644))
	}
	data, err := os.ReadFile(golden)
	require.NoError(t, err)
	var want map[string]string
	require.NoError(t, json.Unmarshal(data, &want))
	assert.Equal(t, want, config)
}
