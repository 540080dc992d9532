package httpsource

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzTemplate compiles castorm's FreeMarker subset and Go templates as
// http.request.url, headers, params and bodies are, in each escaping
// context, and renders them with an offset: no panic, and a value cannot
// break out of its place (a JSON body stays JSON when the template is one).
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{
		`http://api/items?since=${offset.timestamp}`,
		`${offset.key!"0"}`, `${offset.timestamp?datetime.iso?long}`,
		`${offset.timestamp?datetime.iso?string['yyyy-MM-dd']}`,
		`{"after": "${offset.key}", "n": ${offset.n!0}}`,
		`{{.offset.key}}`, `{{formatTime "yyyy-MM-dd'T'HH:mm[:ss]X" .offset.timestamp}}`,
		`{{epochMillis .offset.timestamp}}`, `{{raw .offset.key | default "x"}}`,
		`${`, `${}`, `${offset.}`, `{{`, `{{end}}`, `{{define "x"}}{{end}}`,
	} {
		f.Add(s, `a"b\c,{}`)
	}
	f.Fuzz(func(t *testing.T, src, value string) {
		if strings.Contains(src, "range") || strings.Contains(src, "template") || strings.Contains(src, "block") {
			// Go template loops and recursion cost what the template
			// asks; the configuration is trusted, record values are not.
			return
		}
		for _, ctx := range []textContext{ctxRaw, ctxURL, ctxQuery, ctxHeader, ctxJSON} {
			for _, mode := range []templateMode{templatesBackwardsCompatible, templatesOffsetOnly} {
				tpl, err := compileTemplate("fuzz", src, ctx, mode, templateFuncs(time.UTC))
				if err != nil {
					continue
				}
				off := map[string]string{"key": value, "timestamp": "2020-01-01T00:00:00Z", "n": value}
				out, err := tpl.render(map[string]any{"offset": off, "key": value})
				if err != nil || ctx != ctxJSON || !utf8.ValidString(value) {
					continue
				}
				// A JSON body whose template is JSON with the value in a
				// string stays JSON whatever the value.
				plain, perr := tpl.render(map[string]any{"offset": map[string]string{"key": "v", "timestamp": "2020-01-01T00:00:00Z", "n": "1"}, "key": "v"})
				if perr == nil && json.Valid([]byte(plain)) && strings.Count(src, "offset.key") == strings.Count(src, `"${offset.key}"`) &&
					!strings.Contains(src, "{{") && !strings.Contains(src, "offset.n") && !json.Valid([]byte(out)) {
					t.Errorf("template %q: the value %q made the JSON body invalid: %s", src, value, out)
				}
			}
		}
	})
}

// FuzzPointers parses http.response.list.pointer-style JSON Pointers and
// http.offset.pointer / http.offset.initial lists: no panic, and a parsed
// pointer prints back as one that parses to the same.
func FuzzPointers(f *testing.F) {
	for _, s := range []string{"/", "/items", "/a~1b/~0c/0", "key=/id, timestamp=/ts", "timestamp=2020-01-01T00:00:00Z,key=1",
		"timestamp=1714979289000", "a", "=", "/~2", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if p, err := parsePointer(s); err == nil {
			again, err := parsePointer(p.String())
			if err != nil || again.String() != p.String() {
				t.Errorf("pointer %q prints as %q, which parses to %q (%v)", s, p.String(), again, err)
			}
		}
		_, _ = parseNamedPointers(s)
		_, _ = parseInitialOffset(s)
	})
}

// FuzzISOInstant reads offset timestamps (ISO-8601 instants or epoch
// milliseconds): what parses prints as an instant that parses to the same
// time.
func FuzzISOInstant(f *testing.F) {
	for _, s := range []string{"2020-01-01T00:00:00Z", "2020-01-01T00:00:00.123456789+02:00", "1714979289000", "-1", "0",
		"9999-12-31T23:59:59.999999999Z", "2020-13-01T00:00:00Z", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := parseInstant(s)
		if err != nil {
			return
		}
		printed := formatInstant(ts)
		again, err := parseInstant(printed)
		if ts.Year() >= 0 && ts.Year() <= 9999 && (err != nil || !again.Equal(ts)) {
			t.Errorf("%q is %v, printed %q, read back as %v (%v)", s, ts, printed, again, err)
		}
	})
}

// FuzzHeaders reads Link (RFC 8288) and Retry-After headers: no panic, a
// next link is a value between <>, and a wait is never negative.
func FuzzHeaders(f *testing.F) {
	for _, s := range []string{`<https://api/items?page=2>; rel="next"`, `<a>; rel=prev, <b>; rel="next last"`,
		`<a,b>; title="x, y"; rel=next`, `120`, `Wed, 21 Oct 2015 07:28:00 GMT`, `-5`, `<`, `"`, `;;,,`} {
		f.Add(s)
	}
	now := time.Date(2015, 10, 21, 7, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, h string) {
		if next := nextLink([]string{h, h}); next != "" && !strings.Contains(h, next) {
			t.Errorf("next link %q is not in the header %q", next, h)
		}
		if d := retryAfter(h, now); d < 0 {
			t.Errorf("Retry-After %q: negative wait %v", h, d)
		}
	})
}

// FuzzTimestampPattern compiles http.response.record.timestamp.parser.pattern
// and parses with it, as records' timestamps are: no panic.
func FuzzTimestampPattern(f *testing.F) {
	f.Add("yyyy-MM-dd'T'HH:mm:ss[.SSS]X", "2020-01-01T00:00:00.123Z")
	f.Add("dd/MM/yyyy HH:mm:ss", "06/05/2024 09:08:09")
	f.Fuzz(func(t *testing.T, pattern, text string) {
		p, err := compileJavaPattern(pattern)
		if err != nil {
			return
		}
		_, _ = p.Parse(text, time.UTC)
		_ = p.Format(time.Unix(1714979289, 5), time.UTC)
	})
}
