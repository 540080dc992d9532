package source

import (
	"context"
	"fmt"
)

// OffsetLister is an [OffsetStore] that can list every offset it holds for
// a connector, as Kafka Connect's GET /connectors/{name}/offsets does
// (KIP-875). The stores of this package implement it.
type OffsetLister interface {
	OffsetStore
	// ConnectorOffsets returns every stored offset of connector, in no
	// particular order. Cancelling ctx abandons the read.
	ConnectorOffsets(ctx context.Context, connector string) ([]PartitionOffset, error)
}

var (
	_ OffsetLister = (*MemoryOffsetStore)(nil)
	_ OffsetLister = (*FileOffsetStore)(nil)
	_ OffsetLister = (*KafkaOffsetStore)(nil)
)

// list returns the offsets of connector in t.
func (t *table) list(connector string) ([]PartitionOffset, error) {
	var out []PartitionOffset
	for _, e := range t.snapshot() {
		name, partition, err := decodeKey(e.key)
		if err != nil {
			return nil, err
		}
		if name != connector {
			continue
		}
		offset, err := decodeValue(e.value)
		if err != nil {
			return nil, fmt.Errorf("offset of source partition %s: %w", e.key, err)
		}
		out = append(out, PartitionOffset{Partition: partition, Offset: offset})
	}
	return out, nil
}

// ConnectorOffsets implements [OffsetLister].
func (m *MemoryOffsetStore) ConnectorOffsets(ctx context.Context, connector string) ([]PartitionOffset, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return m.t.list(connector)
}

// ConnectorOffsets implements [OffsetLister].
func (s *FileOffsetStore) ConnectorOffsets(ctx context.Context, connector string) ([]PartitionOffset, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.t.list(connector)
}

// ConnectorOffsets implements [OffsetLister]. It reads the topic to its
// end first.
func (s *KafkaOffsetStore) ConnectorOffsets(ctx context.Context, connector string) ([]PartitionOffset, error) {
	s.readMu.Lock()
	defer s.readMu.Unlock()
	if err := s.readToEnd(ctx); err != nil {
		return nil, err
	}
	return s.t.list(connector)
}
