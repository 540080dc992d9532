package jsonpath

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/internal/jsontext"
	"github.com/connectkit/connectkit/internal/jsontext/jsondocs"
)

// benchLinear runs $..x, decoding included, on doc, and reports the time
// per unit (a level or a byte) besides B/op and allocs/op. The documents
// hold no x: the deep scan visits every value.
func benchLinear(b *testing.B, doc []byte, unit int, name string) {
	cond, err := CompileCondition("$..x")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cond.MatchJSON(doc); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(unit), "ns/"+name)
}

// BenchmarkJSONDepth is BenchmarkScanDepth's depth half on the documents
// every JSON reader is measured on (internal/jsontext/jsondocs): N arrays
// or N objects, N up to jsontext.MaxDepth (issue 13.10).
func BenchmarkJSONDepth(b *testing.B) {
	for _, shape := range []struct {
		name string
		doc  func(int) []byte
	}{{"arrays", jsondocs.NestedArrays}, {"objects", jsondocs.NestedObjects}} {
		for _, depth := range []int{10, 100, 500, jsontext.MaxDepth} {
			b.Run(fmt.Sprintf("scan/%s/depth=%d", shape.name, depth), func(b *testing.B) {
				benchLinear(b, shape.doc(depth), depth, "level")
			})
		}
	}
}

// BenchmarkJSONSize is BenchmarkScanDepth's size half on flat records and
// records nested eight deep, 1 KB to 1 MB (issue 13.10).
func BenchmarkJSONSize(b *testing.B) {
	for _, shape := range []struct {
		name string
		doc  func(int) []byte
	}{{"flat", jsondocs.Flat}, {"nested", jsondocs.Nested}} {
		for _, kb := range []int{1, 10, 100, 1000} {
			doc := shape.doc(kb << 10)
			b.Run(fmt.Sprintf("scan/%s/size=%dKB", shape.name, kb), func(b *testing.B) {
				benchLinear(b, doc, len(doc), "byte")
			})
		}
	}
}

// 10 MB of '[', never closed, is refused after jsontext.MaxDepth bytes,
// allocating a small constant amount, whether the decoder builds the
// document or skips it (issue 13.10).
func TestOpenBracketsRefused(t *testing.T) {
	doc := jsondocs.OpenBrackets(10 << 20)
	for _, expr := range []string{"$..x", "$[?(@.b)]", "$.a"} {
		cond, err := CompileCondition(expr)
		require.NoError(t, err)
		read := func() {
			_, err := cond.MatchJSON(doc)
			if assert.ErrorIs(t, err, ErrSyntax, expr) {
				assert.Contains(t, err.Error(), fmt.Sprintf("nesting deeper than %d", jsontext.MaxDepth))
			}
		}
		read() // the scratch pool is filled
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		read()
		runtime.ReadMemStats(&after)
		allocated := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d bytes in %d allocations for %d input bytes", expr, allocated, after.Mallocs-before.Mallocs, len(doc))
		assert.LessOrEqual(t, allocated, uint64(256<<10), expr)
		assert.LessOrEqual(t, testing.AllocsPerRun(3, read), 2.0*jsontext.MaxDepth, expr)
	}
}
