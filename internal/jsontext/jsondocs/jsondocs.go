// Package jsondocs makes the JSON documents that the benchmarks and tests
// of every JSON reader share (issue 13.10), so that their figures in
// BENCHMARKS.md are measured on the same text: values nested N deep, flat
// and nested documents of a given size, and the hostile unterminated run of
// brackets.
package jsondocs

import (
	"bytes"
	"fmt"
)

// NestedArrays is the number 1 inside depth arrays: [[[1]]].
func NestedArrays(depth int) []byte {
	return nest(depth, "[", "]")
}

// NestedObjects is the number 1 inside depth objects: {"a":{"a":1}}.
func NestedObjects(depth int) []byte {
	return nest(depth, `{"a":`, "}")
}

func nest(depth int, open, closing string) []byte {
	var b bytes.Buffer
	b.Grow(depth*(len(open)+len(closing)) + 1)
	for i := 0; i < depth; i++ {
		b.WriteString(open)
	}
	b.WriteByte('1')
	for i := 0; i < depth; i++ {
		b.WriteString(closing)
	}
	return b.Bytes()
}

// Flat is an array of small flat records (one level of objects, strings,
// numbers, booleans), at least size bytes long.
func Flat(size int) []byte {
	return records(size, func(b *bytes.Buffer, i int) {
		fmt.Fprintf(b, `{"id":%d,"name":"item %d","ok":true,"score":%d.5,"note":"some text"}`, i, i, i%1000)
	})
}

// Nested is an array of records that each nest objects and arrays eight
// levels deep, at least size bytes long.
func Nested(size int) []byte {
	return records(size, func(b *bytes.Buffer, i int) {
		fmt.Fprintf(b, `{"id":%d,"a":{"b":[{"c":{"d":[[{"e":"x%d"}]]}}]},"f":[1,[2,[3]]]}`, i, i)
	})
}

func records(size int, record func(*bytes.Buffer, int)) []byte {
	var b bytes.Buffer
	b.Grow(size + 256)
	b.WriteByte('[')
	for i := 0; b.Len() < size-1; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		record(&b, i)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// OpenBrackets is n bytes of '[': nested far past jsontext.MaxDepth and
// never closed, the hostile input every reader must refuse after reading
// about MaxDepth bytes.
func OpenBrackets(n int) []byte { return bytes.Repeat([]byte{'['}, n) }
