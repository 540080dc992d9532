package worker

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
)

// FuzzProperties reads .properties files: no panic, the only error is a
// *SyntaxError, and a file written back from what was read (keys and
// values escaped) reads the same.
func FuzzProperties(f *testing.F) {
	for _, s := range []string{"name=local-file-sink\nconnector.class=FileStreamSink\ntasks.max=1\n",
		"# comment\n! comment\nkey = value\\\n    continued\n", "a:b\nc d\ne\n", "\\u0041=\\u00e9\n", "\\u12=x\n", "\\uD800x=y\n",
		"k=v\r\nk2=v2\rk3=\\\r\n v3", "\xef\xbb\xbfutf8=été\n", "latin1=\xe9t\xe9\n", "key\\ with\\ spaces=\\=\\:\\#\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		props, err := parseProperties(data)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Errorf("error %v is not a *SyntaxError", err)
			}
			return
		}
		var b bytes.Buffer
		for k, v := range props {
			b.WriteString(escapeProperty(k, true) + "=" + escapeProperty(v, false) + "\n")
		}
		again, err := parseProperties(b.Bytes())
		if err != nil {
			t.Fatalf("written back as %q, which does not read: %v", b.String(), err)
		}
		if len(again) != len(props) {
			t.Fatalf("read %d keys, written back and read again %d", len(props), len(again))
		}
		for k, v := range props {
			if again[k] != v {
				t.Errorf("key %q: %q, written back and read again %q", k, v, again[k])
			}
		}
	})
}

// escapeProperty escapes s for a .properties file, as Properties.store
// does (with \uXXXX for everything outside printable ASCII).
func escapeProperty(s string, key bool) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == ' ' && (key || i == 0):
			b.WriteString(`\ `)
		case r == '\\' || r == '=' || r == ':' || r == '#' || r == '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || r > 0x7e:
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&b, `\u%04X`, u)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FuzzJSONConfig reads connector files in the JSON form of the REST API
// ({"name": ..., "config": {...}} or a flat object): no panic, and a
// refusal says why. (An empty key is valid, as in Java's maps.)
func FuzzJSONConfig(f *testing.F) {
	for _, s := range []string{`{"name":"a","config":{"connector.class":"FileStreamSink","tasks.max":1,"topics":"t"}}`,
		`{"name":"a","connector.class":"x","n":1.5,"b":true}`, `{"name":"a","config":{"x":null}}`, `{"config":[]}`,
		"\xef\xbb\xbf{}", `{"a":{"b":1}}`, `{`, `[]`, `{"name":"a","config":{"k":"\ud800"}}`, `{"name":"a"} trailing`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := parseJSONConfig(data); err != nil && err.Error() == "" {
			t.Error("empty error message")
		}
	})
}
