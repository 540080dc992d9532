package kafkasink

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/internal/jsonpath"
)

// golden is testdata/jayway/golden.json: kakao's JSONPath calls answered
// by Jayway json-path 2.6.0 (testdata/jayway/generate.sh).
type golden struct {
	Filters []struct {
		Expr         string `json:"expr"`
		CompileError string `json:"compileError"`
		Results      []struct {
			Doc   string `json:"doc"`
			Match *bool  `json:"match"`
			Error string `json:"error"`
		} `json:"results"`
	} `json:"filters"`
	Fields []struct {
		Paths   string `json:"paths"`
		Doc     string `json:"doc"`
		Value   *string
		Missing bool   `json:"missing"`
		Error   string `json:"error"`
	} `json:"fields"`
	Times []struct {
		Format string `json:"format"`
		Text   string `json:"text"`
		Millis *int64 `json:"millis"`
		Error  string `json:"error"`
	} `json:"times"`
}

func loadGolden(t *testing.T) golden {
	t.Helper()
	b, err := os.ReadFile("testdata/jayway/golden.json")
	require.NoError(t, err)
	var g golden
	require.NoError(t, json.Unmarshal(b, &g))
	require.NotEmpty(t, g.Filters)
	return g
}

// Every expression × document of the golden table gives Jayway's answer:
// forwarded where kakao forwards, filtered where its result is empty or
// where Jayway throws on valid JSON (a primitive root, a missing definite
// path). Documents that are not strict JSON are errors here, whatever
// json-smart's permissive parser made of them.
func TestGoldenFilters(t *testing.T) {
	g := loadGolden(t)
	for _, f := range g.Filters {
		t.Run(f.Expr, func(t *testing.T) {
			c, err := jsonpath.CompileCondition(f.Expr)
			if f.CompileError != "" {
				require.Error(t, err, "Jayway rejects it: %s", f.CompileError)
				return
			}
			require.NoError(t, err)
			for _, r := range f.Results {
				var s jsonpath.Scratch
				doc, err := s.Decode([]byte(r.Doc), c.Projection())
				if !json.Valid([]byte(r.Doc)) {
					assert.Error(t, err, "doc %s is not strict JSON", r.Doc)
					continue
				}
				require.NoError(t, err, "doc %s", r.Doc)
				want := r.Match != nil && *r.Match
				assert.Equal(t, want, c.Match(doc), "doc %s (Jayway: match=%v error=%s)", r.Doc, r.Match != nil && *r.Match, r.Error)
				full, err := s.Decode([]byte(r.Doc), nil)
				require.NoError(t, err)
				assert.Equal(t, want, c.Match(full), "doc %s decoded whole", r.Doc)
			}
		})
	}
}

// Key fields print as kakao prints them: Java's toString of each path's
// value, concatenated. A missing path, or a null value (where kakao's
// toString throws), has no text.
func TestGoldenFields(t *testing.T) {
	g := loadGolden(t)
	for _, f := range g.Fields {
		t.Run(f.Paths+" "+f.Doc, func(t *testing.T) {
			var paths []*jsonpath.Path
			for _, s := range jsonpath.SplitPaths(f.Paths) {
				p, err := jsonpath.CompilePath(s)
				require.NoError(t, err)
				paths = append(paths, p)
			}
			var sc jsonpath.Scratch
			doc, err := sc.Decode([]byte(f.Doc), nil)
			if !json.Valid([]byte(f.Doc)) {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			var b strings.Builder
			missing := false
			for _, p := range paths {
				s, ok := p.TextIn(doc)
				if !ok {
					missing = true
					break
				}
				b.WriteString(s)
			}
			switch {
			case f.Value != nil:
				assert.False(t, missing)
				assert.Equal(t, *f.Value, b.String())
			default: // missing, or a null value
				assert.True(t, missing, "Jayway: missing=%v error=%s", f.Missing, f.Error)
			}
		})
	}
}

// Timestamps parse as LocalDateTime.parse(text, ofPattern(format)) in UTC.
// A pattern that cannot give a date-time (kakao's default yyyy-MM-dd, which
// made every record fall back to the current time) is refused up front.
func TestGoldenTimes(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.Times {
		t.Run(c.Format+" "+c.Text, func(t *testing.T) {
			f, err := ParseTimeFormat(c.Format)
			if err != nil {
				assert.NotNil(t, c.Error, "Jayway parses it")
				assert.Contains(t, err.Error(), "year, month, day and hour")
				return
			}
			got, err := f.Parse(c.Text, time.UTC)
			if c.Millis == nil {
				assert.Error(t, err, "Java: %s", c.Error)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, *c.Millis, got.UnixMilli())
		})
	}
}
