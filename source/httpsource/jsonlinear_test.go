package httpsource

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/internal/jsontext"
	"github.com/connectkit/connectkit/internal/jsontext/jsondocs"
)

// benchTape checks doc as a response body, noting values three levels
// deep as a list pointer such as /data/items needs, and reports the time
// per unit (a level or a byte) besides B/op and allocs/op.
func benchTape(b *testing.B, doc []byte, unit int, name string) {
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		t, err := readTape(doc, 3)
		if err != nil {
			b.Fatal(err)
		}
		t.release()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(unit), "ns/"+name)
}

// BenchmarkJSONDepth checks a body of one number nested in N arrays or N
// objects, N up to jsontext.MaxDepth: ns/level stays flat when the cost
// is linear in the depth (issue 13.10).
func BenchmarkJSONDepth(b *testing.B) {
	for _, shape := range []struct {
		name string
		doc  func(int) []byte
	}{{"arrays", jsondocs.NestedArrays}, {"objects", jsondocs.NestedObjects}} {
		for _, depth := range []int{10, 100, 500, jsontext.MaxDepth} {
			b.Run(fmt.Sprintf("tape/%s/depth=%d", shape.name, depth), func(b *testing.B) {
				benchTape(b, shape.doc(depth), depth, "level")
			})
		}
	}
}

// BenchmarkJSONSize checks a body of flat records and one of records
// nested eight deep, 1 KB to 1 MB: ns/byte stays flat when the cost is
// linear in the size (issue 13.10).
func BenchmarkJSONSize(b *testing.B) {
	for _, shape := range []struct {
		name string
		doc  func(int) []byte
	}{{"flat", jsondocs.Flat}, {"nested", jsondocs.Nested}} {
		for _, kb := range []int{1, 10, 100, 1000} {
			doc := shape.doc(kb << 10)
			b.Run(fmt.Sprintf("tape/%s/size=%dKB", shape.name, kb), func(b *testing.B) {
				benchTape(b, doc, len(doc), "byte")
			})
		}
	}
}

// A body nested jsontext.MaxDepth deep is read; one level more is refused
// naming the limit, for objects as for arrays (TestTapeErrorsSayWhere has
// the arrays' exact message).
func TestTapeDepthLimit(t *testing.T) {
	for _, nested := range []func(int) []byte{jsondocs.NestedArrays, jsondocs.NestedObjects} {
		tp, err := readTape(nested(jsontext.MaxDepth), 3)
		require.NoError(t, err)
		tp.release()
		_, err = readTape(nested(jsontext.MaxDepth+1), 3)
		require.Error(t, err)
		assert.Contains(t, err.Error(), fmt.Sprintf("nesting deeper than %d", jsontext.MaxDepth))
	}
}

// 10 MB of '[', never closed, is refused after jsontext.MaxDepth bytes,
// allocating a small constant amount.
func TestTapeRefusesOpenBrackets(t *testing.T) {
	doc := jsondocs.OpenBrackets(10 << 20)
	read := func() {
		_, err := readTape(doc, 3)
		require.Error(t, err)
		assert.Equal(t, fmt.Sprintf("nesting deeper than %d at byte %d", jsontext.MaxDepth, jsontext.MaxDepth), err.Error())
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	read()
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d bytes in %d allocations for %d input bytes", allocated, after.Mallocs-before.Mallocs, len(doc))
	assert.LessOrEqual(t, allocated, uint64(256<<10))
	assert.LessOrEqual(t, testing.AllocsPerRun(3, read), 64.0)
}
