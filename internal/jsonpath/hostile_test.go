package jsonpath

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/internal/jsontext"
)

// nested returns an object holding x at the bottom of depth-1 nested
// arrays: {"a":[[...[{"x":1}]...]]}, depth levels in all.
func nested(depth int) []byte {
	var b strings.Builder
	b.WriteString(`{"a":`)
	for i := 0; i < depth-2; i++ {
		b.WriteByte('[')
	}
	b.WriteString(`{"x":1}`)
	for i := 0; i < depth-2; i++ {
		b.WriteByte(']')
	}
	b.WriteByte('}')
	return []byte(b.String())
}

// Invalid UTF-8 anywhere in a string, read or skipped, makes the value a
// bad record (issue 13.10); valid multibyte text passes.
func TestInvalidUTF8IsASyntaxError(t *testing.T) {
	cond, err := CompileCondition("$[?(@.a == 'x')]")
	require.NoError(t, err)
	for _, doc := range []string{
		"{\"a\":\"\xff\"}", "{\"b\":\"\xc3\"}", "{\"\xe2\x82\":1}", "{\"a\":\"x\",\"b\":[\"ok\",\"\xed\xa0\x80\"]}",
		"{\"b\":\"aaaaaaaaaaaaaaaaaaaaaaaa\xf8\x88\x80\x80\x80\"}",
	} {
		for _, p := range []*Projection{nil, &cond.proj} {
			_, err := new(Scratch).Decode([]byte(doc), p)
			if assert.ErrorIs(t, err, ErrSyntax, "%q", doc) {
				assert.Contains(t, err.Error(), "invalid UTF-8", "%q", doc)
			}
		}
		_, err := cond.MatchJSON([]byte(doc))
		assert.ErrorIs(t, err, ErrSyntax, "%q", doc)
	}
	ok, err := cond.MatchJSON([]byte(`{"a":"x","b":"Ä€😀 ünïcödé text that is longer than eight bytes"}`))
	require.NoError(t, err)
	assert.True(t, ok)
}

// Values nest up to jsontext.MaxDepth, as in the converters; one level
// more is a syntax error, whether the value is built or skipped.
func TestDepthLimit(t *testing.T) {
	deep, deeper := nested(jsontext.MaxDepth), nested(jsontext.MaxDepth+1)
	for _, expr := range []string{"$..x", "$[?(@.b)]", "$.a"} {
		cond, err := CompileCondition(expr)
		require.NoError(t, err)
		_, err = cond.MatchJSON(deep)
		require.NoError(t, err, expr)
		_, err = cond.MatchJSON(deeper)
		if assert.ErrorIs(t, err, ErrSyntax, expr) {
			assert.Contains(t, err.Error(), fmt.Sprintf("nesting deeper than %d", jsontext.MaxDepth))
		}
	}
	cond, err := CompileCondition("$..x")
	require.NoError(t, err)
	ok, err := cond.MatchJSON(deep)
	require.NoError(t, err)
	assert.True(t, ok, "the deep scan finds x at the bottom")
	// Issue 13.10's record: 10 KB of arrays nested 5,000 deep.
	_, err = cond.MatchJSON(nested(5000))
	assert.ErrorIs(t, err, ErrSyntax)
}

// BenchmarkScanDepth measures $..x, decoding included, on documents of
// nested arrays (depth=N) and on flat documents of N kilobytes (size=N):
// the cost per level and per byte stays flat (issue 13.10; before, a deep
// scan on 5,000 levels ran for minutes).
func BenchmarkScanDepth(b *testing.B) {
	cond, err := CompileCondition("$..x")
	if err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, doc []byte, unit int) {
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := cond.MatchJSON(doc); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(unit), "ns/unit")
	}
	for _, depth := range []int{10, 100, 250, 500, 1000} {
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) { run(b, nested(depth), depth) })
	}
	for _, kb := range []int{1, 10, 100} {
		var s strings.Builder
		s.WriteString(`{"items":[`)
		for i := 0; s.Len() < kb<<10; i++ {
			if i > 0 {
				s.WriteByte(',')
			}
			fmt.Fprintf(&s, `{"id":%d,"name":"item %d","tags":["a","b"],"x":{"y":%d}}`, i, i, i)
		}
		s.WriteString(`]}`)
		doc := []byte(s.String())
		b.Run(fmt.Sprintf("size=%dKB", kb), func(b *testing.B) { run(b, doc, len(doc)) })
	}
}
