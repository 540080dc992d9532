package source

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"sync"
)

// OffsetStore keeps the source offsets of connectors: for each connector
// name and source partition, the latest offset stored. The runtime reads it
// through [connect.SourceTaskContext] and writes it on
// offset.flush.interval.ms and at shutdown, only with offsets of records
// Kafka acknowledged. Several tasks share one store, so its methods must be
// safe for concurrent use.
//
// The package provides a Kafka topic store ([NewKafkaOffsetStore]), a file
// store ([NewFileOffsetStore]) and a memory store ([NewMemoryOffsetStore]);
// another, in a database say, plugs in with [WithOffsetStore].
type OffsetStore interface {
	// Offsets returns the stored offsets of partitions of connector, in
	// the order given; an entry is nil where none is stored. Cancelling
	// ctx abandons the read.
	Offsets(ctx context.Context, connector string, partitions []map[string]any) ([]map[string]any, error)
	// StoreOffsets stores offsets of connector durably before it returns
	// nil. A nil Offset deletes the partition's entry. On error, any
	// subset may have been stored. Cancelling ctx abandons the write.
	StoreOffsets(ctx context.Context, connector string, offsets []PartitionOffset) error
}

// PartitionOffset is the offset of one source partition.
type PartitionOffset struct {
	Partition map[string]any
	Offset    map[string]any // nil deletes the stored offset
}

// The offsets' wire format is Kafka Connect's: the key is the JSON array
// ["<connector>",{<partition>}] and the value the JSON object {<offset>},
// byte for byte as its JsonConverter (schemas.enable=false) writes them
// (see marshalJava).
// A nil value (a tombstone) means no offset.

// encodeKey returns the stored form of a connector's source partition.
func encodeKey(connector string, partition map[string]any) ([]byte, error) {
	return marshalJava([]any{connector, partition})
}

// encodeValue returns the stored form of an offset; nil for a nil offset.
func encodeValue(offset map[string]any) ([]byte, error) {
	if offset == nil {
		return nil, nil
	}
	return marshalJava(offset)
}

// marshal writes v as compact JSON without Go's HTML escaping, which
// Jackson does not do: offsets keep the bytes Kafka Connect would write.
// Object keys are sorted.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// decodeKey parses a stored key into its connector name and partition.
func decodeKey(key []byte) (string, map[string]any, error) {
	var parts []json.RawMessage
	if err := json.Unmarshal(key, &parts); err != nil || len(parts) != 2 {
		return "", nil, fmt.Errorf("offset key %.200q is not a [connector, partition] JSON array", key)
	}
	var name string
	if err := json.Unmarshal(parts[0], &name); err != nil {
		return "", nil, fmt.Errorf("offset key %.200q: connector name is not a string", key)
	}
	partition, err := decodeObject(parts[1])
	if err != nil {
		return "", nil, fmt.Errorf("offset key %.200q: partition: %w", key, err)
	}
	return name, partition, nil
}

// decodeValue parses a stored offset; a nil or JSON null value is no offset.
func decodeValue(value []byte) (map[string]any, error) {
	if value == nil {
		return nil, nil
	}
	m, err := decodeObject(value)
	if err != nil {
		return nil, fmt.Errorf("offset value %.200q: %w", value, err)
	}
	return m, nil
}

// decodeObject parses a JSON object, keeping integers exact: they become
// int64, other numbers float64, as Kafka Connect's JsonConverter reads them
// into Long and Double.
func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not a JSON object")
	}
	return fixNumbers(m).(map[string]any), nil
}

func fixNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = fixNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = fixNumbers(e)
		}
	}
	return v
}

// canonicalKey is the lookup form of a key: decoded and encoded again, so a
// key written by Kafka Connect with its partition's fields in another order
// still matches.
func canonicalKey(key []byte) (string, error) {
	name, partition, err := decodeKey(key)
	if err != nil {
		return "", err
	}
	b, err := encodeKey(name, partition)
	return string(b), err
}

// table is the in-memory image of stored offsets that the Kafka and file
// stores keep: each key, by its canonical form, with the bytes last stored.
type table struct {
	mu      sync.Mutex
	entries map[string]entry
}

type entry struct{ key, value []byte }

func newTable() *table { return &table{entries: map[string]entry{}} }

// apply records one stored key and value; a nil value deletes the key. A
// key that cannot be parsed is reported and left out.
func (t *table) apply(key, value []byte) error {
	ck, err := canonicalKey(key)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if value == nil {
		delete(t.entries, ck)
	} else {
		t.entries[ck] = entry{key: bytes.Clone(key), value: bytes.Clone(value)}
	}
	return nil
}

// lookup returns the offsets of partitions of connector.
func (t *table) lookup(connector string, partitions []map[string]any) ([]map[string]any, error) {
	out := make([]map[string]any, len(partitions))
	for i, p := range partitions {
		key, err := encodeKey(connector, p)
		if err != nil {
			return nil, fmt.Errorf("source partition %v: %w", p, err)
		}
		ck, err := canonicalKey(key)
		if err != nil {
			return nil, err
		}
		t.mu.Lock()
		e, ok := t.entries[ck]
		t.mu.Unlock()
		if !ok {
			continue
		}
		if out[i], err = decodeValue(e.value); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// snapshot returns every stored key and value.
func (t *table) snapshot() map[string]entry {
	t.mu.Lock()
	defer t.mu.Unlock()
	return maps.Clone(t.entries)
}

// encodeOffsets returns the stored forms of offsets of connector.
func encodeOffsets(connector string, offsets []PartitionOffset) ([]entry, error) {
	out := make([]entry, len(offsets))
	for i, po := range offsets {
		k, err := encodeKey(connector, po.Partition)
		if err != nil {
			return nil, fmt.Errorf("source partition %v: %w", po.Partition, err)
		}
		v, err := encodeValue(po.Offset)
		if err != nil {
			return nil, fmt.Errorf("source offset of partition %s: %w", k, err)
		}
		out[i] = entry{key: k, value: v}
	}
	return out, nil
}

// MemoryOffsetStore is an [OffsetStore] that keeps offsets in memory, in
// Kafka Connect's format, for tests and for connectors whose offsets need
// not survive the process.
type MemoryOffsetStore struct {
	t *table
}

var _ OffsetStore = (*MemoryOffsetStore)(nil)

// NewMemoryOffsetStore returns an empty store.
func NewMemoryOffsetStore() *MemoryOffsetStore { return &MemoryOffsetStore{t: newTable()} }

// Offsets implements [OffsetStore].
func (m *MemoryOffsetStore) Offsets(ctx context.Context, connector string, partitions []map[string]any) ([]map[string]any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return m.t.lookup(connector, partitions)
}

// StoreOffsets implements [OffsetStore].
func (m *MemoryOffsetStore) StoreOffsets(ctx context.Context, connector string, offsets []PartitionOffset) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	entries, err := encodeOffsets(connector, offsets)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := m.t.apply(e.key, e.value); err != nil {
			return err
		}
	}
	return nil
}

// Entries returns every stored key and value as Kafka Connect would write
// them, such as `["my-conn",{"url":"http://x"}]` and `{"position":5}`.
func (m *MemoryOffsetStore) Entries() map[string]string {
	out := map[string]string{}
	for _, e := range m.t.snapshot() {
		out[string(e.key)] = string(e.value)
	}
	return out
}
