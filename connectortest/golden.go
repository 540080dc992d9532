package connectortest

import (
	"fmt"
	"time"
)

// Golden is one golden record: a record at an edge of what Kafka carries,
// named so that a test can report, skip or single out a case.
type Golden struct {
	Name   string
	Record Record
}

// The names of the golden records, in the order [GoldenCases] returns them.
// Each case differs from a plain record (short ASCII key and value, no
// headers) in the one way its name says.
const (
	// GoldenTombstone has a key and a nil value: a delete, for a sink.
	GoldenTombstone = "tombstone"
	// GoldenEmptyValue has a value of zero bytes, which is not a tombstone.
	GoldenEmptyValue = "empty-value"
	// GoldenNilKey has no key at all (not an empty one).
	GoldenNilKey = "nil-key"
	// GoldenBinary has a value of every byte 0x00 to 0xff in order, which
	// is neither valid UTF-8 nor free of NULs.
	GoldenBinary = "binary"
	// GoldenUnicode has a UTF-8 value mixing scripts (Latin with a
	// combining accent, Cyrillic, Greek, Han, Japanese kana, Arabic and
	// Hebrew, right to left, Devanagari) and emoji outside the Basic
	// Multilingual Plane, including a ZWJ sequence and a flag.
	GoldenUnicode = "unicode"
	// GoldenLarge has a value of exactly 1 MiB of ASCII text. Framed as a
	// record batch it exceeds Kafka's default message.max.bytes, which
	// [NewCluster] raises; a client writing it needs its own limit raised
	// too (librdkafka's message.max.bytes).
	GoldenLarge = "large"
	// GoldenHeaders has headers: a key repeated with two values, an empty
	// value, and a null (nil) value, in that order.
	GoldenHeaders = "headers"
	// GoldenJSON has a JSON object as its key and a JSON object as its
	// value, the value with nesting, an array, a null, a float and escaped
	// characters.
	GoldenJSON = "json"
)

// GoldenTime is the timestamp of the first golden record; each following
// one is a second later. Fixed timestamps keep a sink's output (time-based
// partitions, file names) the same from run to run. On a real broker they
// are old: create the topic with retention.ms=-1 or they may be deleted.
// Do not modify it.
var GoldenTime = time.Date(2024, time.February, 29, 12, 34, 56, 789_000_000, time.UTC)

// GoldenCases returns the golden records for topic, all for partition 0, in
// a fixed order, freshly built on each call so callers may modify them.
func GoldenCases(topic string) []Golden {
	binary := make([]byte, 256)
	for i := range binary {
		binary[i] = byte(i)
	}
	cases := []Golden{
		{GoldenTombstone, Record{Key: []byte("tombstone"), Value: nil}},
		{GoldenEmptyValue, Record{Key: []byte("empty-value"), Value: []byte{}}},
		{GoldenNilKey, Record{Key: nil, Value: []byte("nil-key")}},
		{GoldenBinary, Record{Key: []byte("binary"), Value: binary}},
		{GoldenUnicode, Record{Key: []byte("unicode"), Value: []byte(
			"Cafe\u0301 · Здравствуй, мир · Γειά σου κόσμε · 你好，世界 · こんにちは · " +
				"مرحبا بالعالم · שלום עולם · नमस्ते दुनिया · 🦀🚀 👩\u200d💻 🇺🇳")}},
		{GoldenLarge, Record{Key: []byte("large"), Value: largeValue(1 << 20)}},
		{GoldenHeaders, Record{Key: []byte("headers"), Value: []byte("headers"), Headers: []RecordHeader{
			{Key: "repeated", Value: []byte("first")},
			{Key: "repeated", Value: []byte("second")},
			{Key: "empty", Value: []byte{}},
			{Key: "null", Value: nil},
		}}},
		{GoldenJSON, Record{Key: []byte(`{"id":42}`), Value: []byte(
			`{"id":42,"name":"Ada Lovelace","active":true,"score":98.6,"manager":null,` +
				`"tags":["math","engines"],"address":{"city":"London","zip":"W1"},` +
				`"note":"quote \" backslash \\ newline \n tab \t accent \u00e9 emoji \ud83e\udd80"}`)}},
	}
	for i := range cases {
		cases[i].Record.Topic = topic
		cases[i].Record.Timestamp = GoldenTime.Add(time.Duration(i) * time.Second)
	}
	return cases
}

// GoldenRecords returns the records of [GoldenCases], in the same order,
// ready for [Cluster.Produce].
func GoldenRecords(topic string) []Record {
	cases := GoldenCases(topic)
	out := make([]Record, len(cases))
	for i, g := range cases {
		out[i] = g.Record
	}
	return out
}

// largeValue is n bytes of numbered lines of text: readable in a diff,
// compressible like logs, and different at every line so that a dropped or
// repeated chunk shows.
func largeValue(n int) []byte {
	b := make([]byte, 0, n+64)
	for line := 0; len(b) < n; line++ {
		b = fmt.Appendf(b, "%08d the quick brown fox jumps over the lazy dog\n", line)
	}
	return b[:n]
}
