package kafkasink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/internal/clientconfig"
	"github.com/connectkit/connectkit/sink"
)

// transaction is the exactly-once state of a task: the transaction open
// since the last commit and the partitions it covers.
type transaction struct {
	open  bool
	start map[connect.TopicPartition]int64 // first offset handled in the open transaction
	next  map[connect.TopicPartition]int64 // offset after the last one handled
	group *kafka.ConsumerGroupMetadata     // group mode
}

func (x *transaction) track(tp connect.TopicPartition, offset int64) {
	if _, ok := x.start[tp]; !ok {
		x.start[tp] = offset
	}
	x.next[tp] = offset + 1
}

func (t *Task) startTransactions(ctx context.Context) error {
	t.txn = &transaction{start: map[connect.TopicPartition]int64{}, next: map[connect.TopicPartition]int64{}}
	if t.s.offsetsInGroup {
		md, err := sink.ConsumerGroupMetadata(t.tc)
		if err != nil {
			return fmt.Errorf("kafkasink: exactly-once in group mode: %w", err)
		}
		t.txn.group = md
	} else if err := t.ensureOffsetsTopic(ctx); err != nil {
		return err
	}
	// Fences an earlier instance of this task and aborts its open
	// transaction.
	if err := t.producer.InitTransactions(ctx); err != nil {
		return fmt.Errorf("kafkasink: init transactions (transactional.id %s-%d): %w", t.s.txnPrefix, t.id, err)
	}
	return nil
}

func (t *Task) begin() error {
	if err := t.producer.BeginTransaction(); err != nil {
		return fmt.Errorf("kafkasink: begin transaction: %w", err)
	}
	t.txn.open = true
	return nil
}

// commitTransaction commits the records and offsets of the open
// transaction, for every partition it covers whatever the runtime asked
// for: a transaction commits all it holds.
func (t *Task) commitTransaction(ctx context.Context, offsets map[connect.TopicPartition]int64) (map[connect.TopicPartition]int64, error) {
	x := t.txn
	if len(x.next) == 0 {
		return t.committedFor(offsets), nil
	}
	if !x.open {
		// Every record was filtered out: the offsets still move, in a
		// transaction of their own.
		if err := t.begin(); err != nil {
			return nil, err
		}
	}
	err := t.await(ctx)
	if err == nil && len(t.failed) > 0 {
		for tp, f := range t.failed {
			err = fmt.Errorf("kafkasink: delivery of record %s@%d failed: %w", tp, f.offset, f.err)
			break
		}
		clear(t.failed)
	}
	if err == nil {
		err = t.sendOffsets(ctx)
	}
	if err == nil {
		err = t.producer.CommitTransaction(ctx)
	}
	if err != nil {
		var kerr kafka.Error
		if t.fatal != nil || errors.As(err, &kerr) && kerr.IsFatal() {
			return nil, fmt.Errorf("kafkasink: commit transaction: %w", err)
		}
		if aerr := t.abort(ctx, nil); aerr != nil {
			return nil, aerr
		}
		// The runtime seeks to the rewinds right after this commit, before
		// its next poll: the next Put starts at them and must not skip
		// them (it would, and a later transaction would commit offsets
		// past records never sent).
		clear(t.rewound)
		return nil, connect.Retriable(fmt.Errorf("kafkasink: transaction aborted, its records will be read again: %w", err))
	}
	for tp, off := range x.next {
		t.offsets[tp] = off
	}
	x.open = false
	clear(x.start)
	clear(x.next)
	return t.committedFor(offsets), nil
}

// committedFor returns the offsets for the runtime to commit: none, since
// the transaction committed them, to the consumer group or to the
// destination's offsets topic, the only copy that counts.
func (t *Task) committedFor(map[connect.TopicPartition]int64) map[connect.TopicPartition]int64 {
	return map[connect.TopicPartition]int64{}
}

func (t *Task) sendOffsets(ctx context.Context) error {
	x := t.txn
	if x.group != nil {
		parts := make([]kafka.TopicPartition, 0, len(x.next))
		for tp, off := range x.next {
			topic := tp.Topic
			parts = append(parts, kafka.TopicPartition{Topic: &topic, Partition: tp.Partition, Offset: kafka.Offset(off)})
		}
		if err := t.producer.SendOffsetsToTransaction(ctx, parts, x.group); err != nil {
			return fmt.Errorf("kafkasink: send offsets to transaction: %w", err)
		}
		return nil
	}
	topic := t.s.offsetsTopic
	for tp, off := range x.next {
		key, val := offsetRecord(t.group(), tp, off)
		m := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny}, Key: key, Value: val,
			Opaque: source{tp: tp, offset: off}}
		if err := t.producer.Produce(m, t.reports); err != nil {
			return fmt.Errorf("kafkasink: store offsets in %s: %w", topic, err)
		}
		t.pending++
	}
	if err := t.await(ctx); err != nil {
		return err
	}
	if len(t.failed) > 0 {
		clear(t.failed)
		return fmt.Errorf("kafkasink: store offsets in %s: a write failed", topic)
	}
	return nil
}

// abort aborts the open transaction and rewinds the partitions it covered,
// but those in gone (closed), to where it started.
func (t *Task) abort(ctx context.Context, gone []connect.TopicPartition) error {
	x := t.txn
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := t.producer.AbortTransaction(actx); err != nil {
		return fmt.Errorf("kafkasink: abort transaction: %w", err)
	}
	// The aborted messages' reports are in; failures among them no longer
	// matter.
	_ = t.await(actx)
	clear(t.failed)
	for tp, off := range x.start {
		if !containsTP(gone, tp) {
			t.tc.Offset(tp, off)
			t.rewound[tp] = off
			t.next[tp] = off
		}
	}
	x.open = false
	clear(x.start)
	clear(x.next)
	return nil
}

func containsTP(tps []connect.TopicPartition, tp connect.TopicPartition) bool {
	for _, x := range tps {
		if x == tp {
			return true
		}
	}
	return false
}

func (t *Task) group() string { return "connect-" + t.s.name }

// offsetKey is the key of a stored offset in the offsets topic.
type offsetKey struct {
	Group     string `json:"group"`
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
}

type offsetValue struct {
	Offset int64 `json:"offset"`
}

func offsetRecord(group string, tp connect.TopicPartition, off int64) ([]byte, []byte) {
	k, _ := json.Marshal(offsetKey{Group: group, Topic: tp.Topic, Partition: tp.Partition})
	v, _ := json.Marshal(offsetValue{Offset: off})
	return k, v
}

// destinationConfig is the configuration of the helper clients that read
// and create the offsets topic: the destination's address and security.
func (t *Task) destinationConfig() kafka.ConfigMap {
	cfg := kafka.ConfigMap{"bootstrap.servers": t.s.bootstrap}
	for k, v := range t.s.producer {
		if strings.HasPrefix(k, "security.") || strings.HasPrefix(k, "ssl.") || strings.HasPrefix(k, "sasl.") {
			cfg[k] = v
		}
	}
	return cfg
}

// ensureOffsetsTopic creates the compacted offsets topic when it is missing.
func (t *Task) ensureOffsetsTopic(ctx context.Context) error {
	admin, err := kafka.NewAdminClientFromProducer(t.producer)
	if err != nil {
		return fmt.Errorf("kafkasink: admin client: %w", err)
	}
	defer admin.Close()
	topic := t.s.offsetsTopic
	md, err := admin.GetMetadata(&topic, false, 10000)
	if err == nil {
		if tm, ok := md.Topics[topic]; ok && tm.Error.Code() == kafka.ErrNoError && len(tm.Partitions) > 0 {
			return nil
		}
	}
	replication := 3
	if md != nil && len(md.Brokers) < replication {
		replication = max(1, len(md.Brokers))
	}
	res, err := admin.CreateTopics(ctx, []kafka.TopicSpecification{{Topic: topic, NumPartitions: 1, ReplicationFactor: replication,
		Config: map[string]string{"cleanup.policy": "compact"}}})
	if err != nil {
		return fmt.Errorf("kafkasink: create offsets topic %s (%s): %w", topic, OffsetsTopicConfig, err)
	}
	for _, r := range res {
		if c := r.Error.Code(); c != kafka.ErrNoError && c != kafka.ErrTopicAlreadyExists {
			return fmt.Errorf("kafkasink: create offsets topic %s (%s): %w", topic, OffsetsTopicConfig, r.Error)
		}
	}
	return nil
}

// restoreOffsets reads the offsets topic, committed records only, to its
// end and rewinds the given partitions to the offsets stored for them.
func (t *Task) restoreOffsets(ctx context.Context, partitions []connect.TopicPartition) error {
	stored, err := t.readOffsets(ctx)
	if err != nil {
		return err
	}
	group := t.group()
	for _, tp := range partitions {
		if off, ok := stored[offsetKey{Group: group, Topic: tp.Topic, Partition: tp.Partition}]; ok {
			t.tc.Offset(tp, off)
			t.next[tp] = off
			t.offsets[tp] = off
		}
	}
	return nil
}

func (t *Task) readOffsets(ctx context.Context) (map[offsetKey]int64, error) {
	cfg := t.destinationConfig()
	cfg["group.id"] = t.group() + "-offsets-reader" // never joined: partitions are assigned
	cfg["enable.auto.commit"] = false
	cfg["isolation.level"] = "read_committed"
	cfg["enable.partition.eof"] = true
	cfg["go.logs.channel.enable"] = true
	c, err := kafka.NewConsumer(&cfg)
	if err != nil {
		return nil, fmt.Errorf("kafkasink: offsets reader: %w", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		clientconfig.ForwardLogs(c.Logs(), t.log.With("client", "offsets-reader"))
	}()
	defer func() { c.Close(); <-done }()
	topic := t.s.offsetsTopic
	md, err := c.GetMetadata(&topic, false, 10000)
	if err != nil {
		return nil, fmt.Errorf("kafkasink: offsets topic %s: %w", topic, err)
	}
	tm := md.Topics[topic]
	var parts []kafka.TopicPartition
	for _, p := range tm.Partitions {
		parts = append(parts, kafka.TopicPartition{Topic: &topic, Partition: p.ID, Offset: kafka.OffsetBeginning})
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("kafkasink: offsets topic %s has no partitions", topic)
	}
	if err := c.Assign(parts); err != nil {
		return nil, fmt.Errorf("kafkasink: offsets topic %s: %w", topic, err)
	}
	out := map[offsetKey]int64{}
	left := map[int32]bool{}
	for _, p := range parts {
		left[p.Partition] = true
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(left) > 0 {
		if ctx.Err() != nil || time.Now().After(deadline) {
			return nil, fmt.Errorf("kafkasink: reading offsets topic %s did not reach its end", topic)
		}
		switch e := c.Poll(100).(type) {
		case *kafka.Message:
			var k offsetKey
			var v offsetValue
			if json.Unmarshal(e.Key, &k) != nil || e.Value == nil || json.Unmarshal(e.Value, &v) != nil {
				continue
			}
			out[k] = v.Offset
		case kafka.PartitionEOF:
			delete(left, e.Partition)
		case kafka.Error:
			if e.IsFatal() {
				return nil, fmt.Errorf("kafkasink: offsets topic %s: %w", topic, e)
			}
		}
	}
	return maps.Clone(out), nil
}
