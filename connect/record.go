package connect

import (
	"fmt"
	"time"
)

// TopicPartition names one partition of a Kafka topic.
type TopicPartition struct {
	Topic     string
	Partition int32
}

// String formats tp the way Kafka does: "topic-partition".
func (tp TopicPartition) String() string { return fmt.Sprintf("%s-%d", tp.Topic, tp.Partition) }

// TimestampType says where a record's timestamp came from.
type TimestampType int8

// The timestamp types, as in Kafka's org.apache.kafka.common.record.TimestampType.
const (
	NoTimestampType TimestampType = iota
	CreateTime
	LogAppendTime
)

// String returns Kafka's name for the type.
func (t TimestampType) String() string {
	switch t {
	case CreateTime:
		return "CreateTime"
	case LogAppendTime:
		return "LogAppendTime"
	default:
		return "NoTimestampType"
	}
}

// Header is one record header. Schema is nil for headers whose value was not
// converted (the runtime's header converter sets it).
type Header struct {
	Key    string
	Schema *Schema
	Value  any
}

// Headers are a record's headers in order. Kafka allows repeated keys, so this
// is a slice, not a map.
type Headers []Header

// Add appends a header and returns the extended slice, like append.
func (h Headers) Add(key string, schema *Schema, value any) Headers {
	return append(h, Header{Key: key, Schema: schema, Value: value})
}

// Last returns the last header named key and whether there was one.
func (h Headers) Last(key string) (Header, bool) {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Key == key {
			return h[i], true
		}
	}
	return Header{}, false
}

// All returns every header named key, in order.
func (h Headers) All(key string) []Header {
	var out []Header
	for _, hd := range h {
		if hd.Key == key {
			out = append(out, hd)
		}
	}
	return out
}

// SinkRecord is a record read from Kafka and handed to a [SinkTask].
//
// Key and Value hold what the key and value converters produced: plain Go
// values when there is no schema (see the package doc), typed values matching
// KeySchema and ValueSchema otherwise. A nil Value with a nil ValueSchema is a
// tombstone.
type SinkRecord struct {
	Topic         string
	Partition     int32
	Offset        int64
	Timestamp     time.Time // zero when the record carries none
	TimestampType TimestampType
	KeySchema     *Schema
	Key           any
	ValueSchema   *Schema
	Value         any
	Headers       Headers
}

// TopicPartition returns the partition the record was read from.
func (r *SinkRecord) TopicPartition() TopicPartition {
	return TopicPartition{Topic: r.Topic, Partition: r.Partition}
}

// String names the record by its coordinates, the way errors and logs refer
// to it. It never includes the key or value, which may be sensitive.
func (r *SinkRecord) String() string {
	return fmt.Sprintf("%s-%d@%d", r.Topic, r.Partition, r.Offset)
}

// SourceRecord is a record a [SourceTask] produced, to be written to Kafka.
//
// SourcePartition identifies where in the external system the record came
// from (a table, a URL) and SourceOffset the position within it; the runtime
// stores the latest acknowledged SourceOffset for each SourcePartition and
// hands it back on restart. Both maps hold only strings, numbers, booleans
// and nil so that they serialize to JSON exactly as Kafka Connect stores them.
type SourceRecord struct {
	SourcePartition map[string]any
	SourceOffset    map[string]any
	Topic           string
	// Partition, when non-nil, selects the Kafka partition; nil lets the
	// producer's partitioner choose from the key.
	Partition   *int32
	Timestamp   time.Time // zero lets the producer stamp the record
	KeySchema   *Schema
	Key         any
	ValueSchema *Schema
	Value       any
	Headers     Headers
}
