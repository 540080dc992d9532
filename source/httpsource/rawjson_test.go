package httpsource

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tapeSeeds are bodies at the edges of what the JsonConverter accepts.
var tapeSeeds = []string{
	``, ` `, `null`, `true`, `false`, `tru`, `nul`, `0`, `-0`, `007`, `-`, `1.`, `.5`, `1e`, `1e+`, `1E-7`, `+1`, `1.5e3`,
	`""`, `"a"`, `"\u00e9"`, `"\u00g9"`, `"\x"`, `"\/\b\f\n\r\t\"\\"`, "\"a\tb\"", "\"\x01\"", "\"\xff\"", "\"é\"",
	"\"\xe9t\xe9\"", `"abcdefghijklmnopqrstuvwxyz"`, `"abcdefgh\"ijklmno"`, "\"abcdefghijklmn\xc3\"", `"unterminated`,
	`{}`, `[]`, `{"a":1}`, `{"a":1,}`, `[1,]`, `[1 2]`, `{"a" 1}`, `{a:1}`, `{"a":1}}`, `[[[]]]`, `{"a":[1,{"b":null}]}`,
	" {\n \"a\" : [ 1 , 2 ] \n} \n", "\ufeff{}", `{"a":1} x`, `{"a":"b"}{"c":1}`, "[\"\x00\"]", `{"\u0061":1,"a":2}`,
	strings.Repeat("[", 1000) + strings.Repeat("]", 1000),
	strings.Repeat("[", 1001) + strings.Repeat("]", 1001),
	strings.Repeat("1", 1000), strings.Repeat("1", 1001), "-" + strings.Repeat("1", 999), "-" + strings.Repeat("1", 1000),
	`{"a": 007}`, "[ \"a\\\" b\" , { \"c\" :\t[ ] } ]",
	`{"items":[{"id":1,"t":"2024-01-01T00:00:00Z","v":{"x":[1,2]}}],"next":"/p?2"}`,
}

// FuzzTapeAcceptsWhatTheConverterAccepts checks that the tape refuses a body
// exactly when the JsonConverter would refuse it, and that its values are
// the body's, white space between tokens removed.
func FuzzTapeAcceptsWhatTheConverterAccepts(f *testing.F) {
	for _, s := range tapeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		_, convErr := plainJSON.FromConnectData("", nil, json.RawMessage(body))
		tp, err := readTape(body, 2)
		if convErr != nil {
			require.Error(t, err, "the converter refuses %q: %v", body, convErr)
			return
		}
		require.NoError(t, err, "%q", body)
		defer tp.release()
		for n := range tp.nodes {
			raw := tp.raw(n)
			_, err := plainJSON.FromConnectData("", nil, raw)
			require.NoError(t, err, "node %d of %q: %q", n, body, raw)
			if raw[0] == 'n' {
				assert.Nil(t, tp.value(n))
			} else {
				assert.Equal(t, withoutSpaces(raw), string(tp.value(n)), "node %d of %q", n, body)
			}
		}
		assert.Equal(t, string(bytes.TrimLeft(bytes.TrimRight(body, " \t\r\n"), " \t\r\n")), string(tp.raw(0)))
	})
}

// withoutSpaces drops the white space outside the strings of valid JSON.
func withoutSpaces(raw []byte) string {
	var out []byte
	inString := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inString && c == '\\':
			out = append(out, c, raw[i+1])
			i++
			continue
		case c == '"':
			inString = !inString
		case !inString && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			continue
		}
		out = append(out, c)
	}
	return string(out)
}

func TestTapeFollowsPointers(t *testing.T) {
	body := []byte(`{"a/b":{"x~y":[{"k":[0,"first"],"k":[0,"second"]},{"e\u0073c":true}]},"n":null,"a\\b":1}`)
	tp, err := readTape(body, 5)
	require.NoError(t, err)
	defer tp.release()
	for ptr, want := range map[string]string{
		"/":                 string(body),
		"/a~1b/x~0y/0/k/1":  `"second"`,
		"/a~1b/x~0y/1/esc":  `true`,
		"/a~1b/x~0y/1":      `{"e\u0073c":true}`,
		"/n":                `null`,
		`/a\b`:              "1",
		`/a\\b`:             "",
		"/a~1b/x~0y/2":      "",
		"/a~1b/x~0y/-1":     "",
		"/a~1b/x~0y/0/k/x":  "",
		"/missing":          "",
		"/n/deeper":         "",
		"/a~1b/x~0y/0/k/1/": "",
	} {
		p, err := parsePointer(ptr)
		require.NoError(t, err)
		n := tp.find(0, p)
		if want == "" {
			assert.Equal(t, -1, n, ptr)
			continue
		}
		require.GreaterOrEqual(t, n, 0, ptr)
		assert.Equal(t, want, string(tp.raw(n)), ptr)
	}
}

func TestTapeErrorsSayWhere(t *testing.T) {
	for body, want := range map[string]string{
		`[{"id": 1`:               "unexpected end of JSON input at byte 9",
		`{"a":1,}`:                `invalid character '}' looking for beginning of object key string at byte 7`,
		"[\"a\xffb\"]":            "invalid UTF-8 in string at byte 3",
		`[1 2]`:                   "invalid character '2' after array element at byte 3",
		strings.Repeat("[", 1001): "nesting deeper than 1000 at byte 1000",
		strings.Repeat("9", 1001): "number longer than 1000 characters at byte 0",
		"{\"a\":\"\x01\"}":        `invalid character '\x01' in string literal at byte 6`,
		"\xef\xbb\xbf{}":          `invalid character '\xef' looking for beginning of value at byte 0`,
		`"\q"`:                    `invalid character 'q' in string escape code at byte 2`,
		`{"a":tru}`:               `invalid character '}' in literal true (expecting 'e') at byte 8`,
		`{"a":"b"} {}`:            `invalid character '{' after top-level value at byte 10`,
		`"\u12x4"`:                `invalid character 'x' in \u hexadecimal character escape at byte 5`,
	} {
		_, err := readTape([]byte(body), 3)
		require.Error(t, err, "%q", body)
		assert.Equal(t, want, err.Error(), "%q", body)
	}
}
