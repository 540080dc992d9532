package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/source"
)

// The keys of a sink connector's offsets in KIP-875's REST shape.
const (
	offsetTopicKey     = "kafka_topic"
	offsetPartitionKey = "kafka_partition"
	offsetOffsetKey    = "kafka_offset"
)

// Messages of a successful offsets change. This runtime has no hook for a
// connector that keeps offsets of its own, so they are Kafka Connect's
// words for such a connector.
const (
	offsetsAlteredMessage = "The Connect framework-managed offsets for this connector have been altered successfully. " +
		"However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses."
	offsetsResetMessage = "The Connect framework-managed offsets for this connector have been reset successfully. " +
		"However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses."
)

// consumerGroup is the consumer group of a sink connector.
func consumerGroup(c *connState) string {
	if g := c.config[sink.ConsumerOverridePrefix+"group.id"]; g != "" {
		return g
	}
	return "connect-" + c.name
}

// ConnectorOffsets implements [Herder]: a sink connector's committed
// offsets in its consumer group, a source connector's in the worker's
// offset store. It works in any state, as Kafka Connect's does.
func (s *Standalone) ConnectorOffsets(ctx context.Context, name string) (ConnectorOffsets, error) {
	c, err := s.lookup(name)
	if err != nil {
		return ConnectorOffsets{}, err
	}
	out := ConnectorOffsets{Offsets: []ConnectorOffset{}}
	if c.kind == "sink" {
		a, err := s.kafka.client()
		if err != nil {
			return out, err
		}
		res, err := a.ListConsumerGroupOffsets(ctx, []kafka.ConsumerGroupTopicPartitions{{Group: consumerGroup(c)}})
		var ke kafka.Error
		if errors.As(err, &ke) && ke.Code() == kafka.ErrGroupIDNotFound {
			return out, nil // never committed, or reset
		}
		if err != nil {
			return out, fmt.Errorf("worker: offsets of connector %s: %w", name, err)
		}
		for _, g := range res.ConsumerGroupsTopicPartitions {
			for _, tp := range g.Partitions {
				if tp.Error != nil {
					return out, fmt.Errorf("worker: offsets of connector %s: %s[%d]: %w", name, *tp.Topic, tp.Partition, tp.Error)
				}
				if tp.Offset < 0 {
					continue
				}
				out.Offsets = append(out.Offsets, ConnectorOffset{
					Partition: map[string]any{offsetTopicKey: *tp.Topic, offsetPartitionKey: int64(tp.Partition)},
					Offset:    map[string]any{offsetOffsetKey: int64(tp.Offset)},
				})
			}
		}
		slices.SortFunc(out.Offsets, func(a, b ConnectorOffset) int {
			if c := strings.Compare(a.Partition[offsetTopicKey].(string), b.Partition[offsetTopicKey].(string)); c != 0 {
				return c
			}
			return int(a.Partition[offsetPartitionKey].(int64) - b.Partition[offsetPartitionKey].(int64))
		})
		return out, nil
	}
	store, closeStore, err := s.offsetStore(ctx)
	if err != nil {
		return out, err
	}
	defer closeStore()
	pos, err := store.ConnectorOffsets(ctx, name)
	if err != nil {
		return out, fmt.Errorf("worker: offsets of connector %s: %w", name, err)
	}
	for _, po := range pos {
		out.Offsets = append(out.Offsets, ConnectorOffset{Partition: po.Partition, Offset: po.Offset})
	}
	return out, nil
}

// offsetStore returns the store of source offsets, to be closed with the
// returned function.
func (s *Standalone) offsetStore(ctx context.Context) (source.OffsetLister, func(), error) {
	if s.offsetFile != nil {
		return s.offsetFile, func() {}, nil
	}
	if s.wcfg[source.OffsetStorageTopicConfig] == "" {
		return nil, nil, badRequest("The worker has no source offset store: set %s or %s", source.OffsetStorageFileConfig, source.OffsetStorageTopicConfig)
	}
	ks, err := source.NewKafkaOffsetStore(ctx, s.wcfg, source.WithStoreLogger(s.log))
	if err != nil {
		return nil, nil, fmt.Errorf("worker: offset store: %w", err)
	}
	return ks, ks.Close, nil
}

// stoppedForOffsets returns the connector if it is STOPPED, as changing
// offsets requires.
func (s *Standalone) stoppedForOffsets(name string) (*connState, error) {
	c, err := s.lookup(name)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.target != TargetStopped || c.gen != nil {
		return nil, badRequest("Connectors must be in the STOPPED state before their offsets can be modified. "+
			"This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/%s/stop' endpoint", name)
	}
	return c, nil
}

// AlterConnectorOffsets implements [Herder]. For a sink connector each
// partition is {"kafka_topic", "kafka_partition"} and each offset
// {"kafka_offset"}; removing one partition's offset (a null offset) is not
// supported for sinks, as the Kafka client this worker uses has no
// OffsetDelete call: reset them all instead.
func (s *Standalone) AlterConnectorOffsets(ctx context.Context, name string, offsets ConnectorOffsets) (string, error) {
	s.ops.Lock()
	defer s.ops.Unlock()
	c, err := s.stoppedForOffsets(name)
	if err != nil {
		return "", err
	}
	if len(offsets.Offsets) == 0 {
		return "", badRequest("Partitions / offsets need to be provided for an alter offsets request")
	}
	if c.kind == "sink" {
		var tps []kafka.TopicPartition
		for _, o := range offsets.Offsets {
			tp, err := sinkPartition(o)
			if err != nil {
				return "", err
			}
			tps = append(tps, tp)
		}
		a, err := s.kafka.client()
		if err != nil {
			return "", err
		}
		res, err := a.AlterConsumerGroupOffsets(ctx, []kafka.ConsumerGroupTopicPartitions{{Group: consumerGroup(c), Partitions: tps}})
		if err != nil {
			return "", fmt.Errorf("worker: alter offsets of connector %s: %w", name, err)
		}
		for _, g := range res.ConsumerGroupsTopicPartitions {
			for _, tp := range g.Partitions {
				if tp.Error != nil {
					return "", fmt.Errorf("worker: alter offsets of connector %s: %s[%d]: %w", name, *tp.Topic, tp.Partition, tp.Error)
				}
			}
		}
		return offsetsAlteredMessage, nil
	}
	var pos []source.PartitionOffset
	for _, o := range offsets.Offsets {
		if o.Partition == nil {
			return "", badRequest("Source partitions may not be null")
		}
		pos = append(pos, source.PartitionOffset{Partition: o.Partition, Offset: o.Offset})
	}
	store, closeStore, err := s.offsetStore(ctx)
	if err != nil {
		return "", err
	}
	defer closeStore()
	if err := store.StoreOffsets(ctx, name, pos); err != nil {
		return "", fmt.Errorf("worker: alter offsets of connector %s: %w", name, err)
	}
	return offsetsAlteredMessage, nil
}

// sinkPartition checks one sink offset of a PATCH request.
func sinkPartition(o ConnectorOffset) (kafka.TopicPartition, error) {
	topic, ok := o.Partition[offsetTopicKey].(string)
	if !ok || topic == "" {
		return kafka.TopicPartition{}, badRequest("The partition for a sink connector offset must contain the keys '%s' and '%s', with a topic name and a partition number, but got: %v",
			offsetTopicKey, offsetPartitionKey, o.Partition)
	}
	partition, ok := integer(o.Partition[offsetPartitionKey])
	if !ok || partition < 0 || partition > math.MaxInt32 {
		return kafka.TopicPartition{}, badRequest("Failed to parse the following Kafka partition value in the provided offsets: '%v'. The value for '%s' must be an integer", o.Partition[offsetPartitionKey], offsetPartitionKey)
	}
	if o.Offset == nil {
		return kafka.TopicPartition{}, badRequest("Removing the offset of one partition of a sink connector is not supported by this worker; "+
			"reset all its offsets with DELETE /connectors/{name}/offsets (partition %s-%d)", topic, partition)
	}
	offset, ok := integer(o.Offset[offsetOffsetKey])
	if !ok || offset < 0 {
		return kafka.TopicPartition{}, badRequest("Failed to parse the following Kafka offset value in the provided offsets: '%v'. The value for '%s' must be a non-negative integer", o.Offset[offsetOffsetKey], offsetOffsetKey)
	}
	return kafka.TopicPartition{Topic: &topic, Partition: int32(partition), Offset: kafka.Offset(offset)}, nil
}

// integer reads a JSON number that is a whole number.
func integer(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > 1<<53 {
			return 0, false
		}
		return int64(n), true
	case int64:
		return n, true
	case int:
		return int64(n), true
	case string:
		// Kafka Connect parses a partition given as a string too.
		var i int64
		_, err := fmt.Sscan(n, &i)
		return i, err == nil
	}
	return 0, false
}

// ResetConnectorOffsets implements [Herder]: a sink connector's consumer
// group is deleted, a source connector's offsets are removed from the
// offset store.
func (s *Standalone) ResetConnectorOffsets(ctx context.Context, name string) (string, error) {
	s.ops.Lock()
	defer s.ops.Unlock()
	c, err := s.stoppedForOffsets(name)
	if err != nil {
		return "", err
	}
	if c.kind == "sink" {
		a, err := s.kafka.client()
		if err != nil {
			return "", err
		}
		res, err := a.DeleteConsumerGroups(ctx, []string{consumerGroup(c)})
		if err != nil {
			return "", fmt.Errorf("worker: reset offsets of connector %s: %w", name, err)
		}
		for _, g := range res.ConsumerGroupResults {
			if code := g.Error.Code(); code == kafka.ErrNoError || code == kafka.ErrGroupIDNotFound {
				continue
			}
			return "", fmt.Errorf("worker: reset offsets of connector %s: %w", name, g.Error)
		}
		return offsetsResetMessage, nil
	}
	store, closeStore, err := s.offsetStore(ctx)
	if err != nil {
		return "", err
	}
	defer closeStore()
	pos, err := store.ConnectorOffsets(ctx, name)
	if err != nil {
		return "", fmt.Errorf("worker: reset offsets of connector %s: %w", name, err)
	}
	for i := range pos {
		pos[i].Offset = nil
	}
	if len(pos) > 0 {
		if err := store.StoreOffsets(ctx, name, pos); err != nil {
			return "", fmt.Errorf("worker: reset offsets of connector %s: %w", name, err)
		}
	}
	return offsetsResetMessage, nil
}
