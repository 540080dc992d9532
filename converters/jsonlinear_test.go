package converters

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/internal/jsontext"
	"github.com/connectkit/connectkit/internal/jsontext/jsondocs"
)

// The converters' three JSON readers (issue 13.10): JSONConverter's
// decoder, its check of a pre-encoded json.RawMessage value, and
// SimpleHeaderConverter's port of Values.parseString.
type jsonReader struct {
	name string
	// read reads doc and fails on an error, or on a result that shows
	// the document was not read as JSON (a header kept as text).
	read func(doc []byte) error
}

func jsonReaders(tb testing.TB) []jsonReader {
	plain, err := NewJSONConverter(map[string]string{"schemas.enable": "false"}, false)
	require.NoError(tb, err)
	header := &SimpleHeaderConverter{}
	return []jsonReader{
		{"ToConnectData", func(doc []byte) error {
			_, _, err := plain.ToConnectData("t", doc)
			return err
		}},
		{"RawMessage", func(doc []byte) error {
			_, err := plain.FromConnectData("t", nil, json.RawMessage(doc))
			return err
		}},
		{"Header", func(doc []byte) error {
			s, _, err := header.ToConnectHeader("t", "k", doc)
			if err == nil && s != nil && s.Type != connect.Array && s.Type != connect.Map {
				err = fmt.Errorf("header read as %s, not as an array or map", s.Type)
			}
			return err
		}},
	}
}

// benchUnit runs read on doc and reports the time per unit (a level or a
// byte) besides B/op and allocs/op, so that a flat figure across depths or
// sizes shows a linear total.
func benchUnit(b *testing.B, read func([]byte) error, doc []byte, unit int, name string) {
	if err := read(doc); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if err := read(doc); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(unit), "ns/"+name)
}

// BenchmarkJSONDepth reads one number nested in N arrays or N objects,
// N up to jsontext.MaxDepth: ns/level stays flat when the cost is linear
// in the depth.
func BenchmarkJSONDepth(b *testing.B) {
	for _, r := range jsonReaders(b) {
		for _, shape := range []struct {
			name string
			doc  func(int) []byte
		}{{"arrays", jsondocs.NestedArrays}, {"objects", jsondocs.NestedObjects}} {
			for _, depth := range []int{10, 100, 500, jsontext.MaxDepth} {
				b.Run(fmt.Sprintf("%s/%s/depth=%d", r.name, shape.name, depth), func(b *testing.B) {
					benchUnit(b, r.read, shape.doc(depth), depth, "level")
				})
			}
		}
	}
}

// BenchmarkJSONSize reads an array of flat records and one of records
// nested eight deep, 1 KB to 1 MB: ns/byte stays flat when the cost is
// linear in the size.
func BenchmarkJSONSize(b *testing.B) {
	for _, r := range jsonReaders(b) {
		for _, shape := range []struct {
			name string
			doc  func(int) []byte
		}{{"flat", jsondocs.Flat}, {"nested", jsondocs.Nested}} {
			for _, kb := range []int{1, 10, 100, 1000} {
				doc := shape.doc(kb << 10)
				b.Run(fmt.Sprintf("%s/%s/size=%dKB", r.name, shape.name, kb), func(b *testing.B) {
					benchUnit(b, r.read, doc, len(doc), "byte")
				})
			}
		}
	}
}

// A pre-encoded value nested jsontext.MaxDepth deep is written; one level
// more is refused with the converters' error, as ToConnectData refuses it.
func TestJSONRawMessageDepthLimit(t *testing.T) {
	c := newJSON(t, "schemas.enable", "false")
	for _, doc := range [][]byte{jsondocs.NestedArrays(jsontext.MaxDepth), jsondocs.NestedObjects(jsontext.MaxDepth)} {
		out, err := c.FromConnectData("t", nil, json.RawMessage(doc))
		require.NoError(t, err)
		assert.Equal(t, doc, out)
		_, err = c.FromConnectData("t", nil, json.RawMessage("["+string(doc)+"]"))
		requireDataError(t, err, fmt.Sprintf("nesting deeper than %d", jsontext.MaxDepth))
	}
}

// allocated returns the bytes and objects f allocates in one call.
func allocated(f func()) (bytes, objects uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, after.Mallocs - before.Mallocs
}

// 10 MB of '[', never closed, is refused after about jsontext.MaxDepth
// bytes, allocating a small constant amount, by every reader. The header
// converter keeps the header as bytes, as Kafka does with one it cannot
// parse; it copies the text once (decoding it as UTF-8), so its bound is the
// input's size plus a constant.
func TestJSONReadersRefuseOpenBrackets(t *testing.T) {
	doc := jsondocs.OpenBrackets(10 << 20)
	plain := newJSON(t, "schemas.enable", "false")
	enveloped := newJSON(t)
	const small = 256 << 10 // far below one byte per input byte
	for _, c := range []struct {
		name     string
		read     func()
		maxBytes uint64
	}{
		{"ToConnectData", func() {
			_, _, err := plain.ToConnectData("t", doc)
			requireDataError(t, err, fmt.Sprintf("nesting deeper than %d", jsontext.MaxDepth))
		}, small},
		{"ToConnectData envelope", func() {
			_, _, err := enveloped.ToConnectData("t", doc)
			requireDataError(t, err, fmt.Sprintf("nesting deeper than %d", jsontext.MaxDepth))
		}, small},
		{"RawMessage", func() {
			_, err := plain.FromConnectData("t", nil, json.RawMessage(doc))
			requireDataError(t, err, fmt.Sprintf("nesting deeper than %d", jsontext.MaxDepth))
		}, small},
		{"Header", func() {
			s, v, err := (&SimpleHeaderConverter{}).ToConnectHeader("t", "k", doc)
			require.NoError(t, err)
			assert.Equal(t, connect.BytesSchema, s)
			assert.Len(t, v, len(doc))
		}, uint64(len(doc)) + small},
	} {
		b, n := allocated(c.read)
		t.Logf("%s: %d bytes in %d allocations for %d input bytes", c.name, b, n, len(doc))
		assert.LessOrEqual(t, b, c.maxBytes, c.name)
		assert.LessOrEqual(t, testing.AllocsPerRun(3, c.read), 2.0*jsontext.MaxDepth, c.name)
	}
}
