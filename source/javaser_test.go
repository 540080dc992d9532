package source

import (
	"bytes"
	"os"
	"testing"
)

// FuzzDecodeJavaOffsets feeds hostile offsets files to the reader: it must
// return an error or entries, never panic, and never allocate more than the
// file holds; what it reads, written again, reads back the same.
func FuzzDecodeJavaOffsets(f *testing.F) {
	if b, err := os.ReadFile("testdata/offsets/connect-4.3.1.offsets"); err == nil {
		f.Add(b)
	}
	f.Add(encodeJavaOffsets(nil))
	f.Add(encodeJavaOffsets([]javaEntry{{key: []byte(`["c",{}]`), value: nil}, {key: nil, value: []byte("x")}}))
	f.Add([]byte("\xac\xed\x00\x05"))
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := decodeJavaOffsets(b)
		if err != nil {
			return
		}
		n := 0
		for _, e := range entries {
			n += len(e.key) + len(e.value)
		}
		if n > len(b) {
			t.Fatalf("%d bytes of entries from a %d-byte file", n, len(b))
		}
		again, err := decodeJavaOffsets(encodeJavaOffsets(entries))
		if err != nil {
			t.Fatalf("what was read does not read back once written: %v", err)
		}
		if len(again) != len(entries) {
			t.Fatalf("%d entries read back, want %d", len(again), len(entries))
		}
		for i := range entries {
			if !bytes.Equal(again[i].key, entries[i].key) || !bytes.Equal(again[i].value, entries[i].value) ||
				(again[i].key == nil) != (entries[i].key == nil) || (again[i].value == nil) != (entries[i].value == nil) {
				t.Fatalf("entry %d changed: %q=%q, want %q=%q", i, again[i].key, again[i].value, entries[i].key, entries[i].value)
			}
		}
	})
}
