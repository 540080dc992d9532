package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/internal/clientconfig"
)

// KafkaOffsetStore is an [OffsetStore] backed by a compacted topic, as Kafka
// Connect's distributed mode keeps offsets in offset.storage.topic, and in
// the same format (see the package documentation), so offsets move between
// it and Kafka Connect unchanged.
//
// Every read first consumes the topic up to its end, so offsets written by
// another process running the same connector are seen, as Kafka Connect's
// KafkaOffsetBackingStore does. Writes return once the brokers acknowledged
// them.
type KafkaOffsetStore struct {
	topic    string
	producer *kafka.Producer
	consumer *kafka.Consumer
	admin    *kafka.AdminClient
	parts    []kafka.TopicPartition
	t        *table
	log      *slog.Logger
	bg       sync.WaitGroup

	readMu sync.Mutex // one read to the end at a time
}

var _ OffsetStore = (*KafkaOffsetStore)(nil)

// StoreOption configures an offset store.
type StoreOption func(*storeOptions)

type storeOptions struct {
	log *slog.Logger
}

// WithStoreLogger sets the logger of a store's Kafka clients; the default is
// slog.Default().
func WithStoreLogger(l *slog.Logger) StoreOption {
	return func(o *storeOptions) { o.log = l }
}

// storeConfigDef is the part of the worker configuration the Kafka store
// reads.
func storeConfigDef() *connect.ConfigDef {
	def := ConfigDef()
	out := connect.NewConfigDef()
	for _, name := range []string{BootstrapServersConfig, OffsetStoragePartitionsConf, OffsetStorageReplicationConf, OffsetFlushTimeoutConfig} {
		k, _ := def.Key(name)
		out.Define(k)
	}
	k, _ := def.Key(OffsetStorageTopicConfig)
	k.Default, k.Validator = nil, connect.NonEmpty()
	return out.Define(k)
}

// storeClientProps returns the worker's own client settings, which Kafka
// Connect applies to the clients of its internal topics: security.protocol
// and the ssl.* and sasl.* settings.
func storeClientProps(worker map[string]string) map[string]string {
	props := map[string]string{}
	for k, v := range worker {
		if k == "security.protocol" || strings.HasPrefix(k, "ssl.") || strings.HasPrefix(k, "sasl.") {
			props[k] = v
		}
	}
	return props
}

// NewKafkaOffsetStore opens the offset topic that the worker configuration
// names (offset.storage.topic, with bootstrap.servers and the worker's
// security.protocol, ssl.* and sasl.* settings), creating it, compacted,
// with offset.storage.partitions and offset.storage.replication.factor when
// it is missing, and reads it to the end. ctx bounds the opening. Close
// releases its clients.
func NewKafkaOffsetStore(ctx context.Context, worker map[string]string, opts ...StoreOption) (*KafkaOffsetStore, error) {
	o := storeOptions{log: slog.Default()}
	for _, opt := range opts {
		opt(&o)
	}
	c, err := storeConfigDef().Parse(worker)
	if err != nil {
		return nil, err
	}
	s := &KafkaOffsetStore{topic: c.String(OffsetStorageTopicConfig), t: newTable(),
		log: o.log.With("offset.storage.topic", c.String(OffsetStorageTopicConfig))}
	bootstrap := strings.Join(c.List(BootstrapServersConfig), ",")
	props := storeClientProps(worker)

	pcfg, _, err := clientconfig.DurableProducer(bootstrap, "connect-offsets-producer", props)
	if err != nil {
		return nil, fmt.Errorf("source: offset store: %w", err)
	}
	// Write reads only each report's error, none of the message's fields.
	(*pcfg)["go.delivery.report.fields"] = "none"
	if s.producer, err = kafka.NewProducer(pcfg); err != nil {
		return nil, fmt.Errorf("source: offset store: producer: %w", err)
	}
	clientconfig.ForwardProducer(&s.bg, s.producer, s.log.With("client", "offsets-producer"))
	if s.admin, err = kafka.NewAdminClientFromProducer(s.producer); err != nil {
		s.Close()
		return nil, fmt.Errorf("source: offset store: admin client: %w", err)
	}
	if err := s.ensureTopic(ctx, c.Int(OffsetStoragePartitionsConf), c.Int(OffsetStorageReplicationConf)); err != nil {
		s.Close()
		return nil, err
	}

	cm, err := clientconfig.Map(clientconfig.Consumer, props)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("source: offset store: %w", err)
	}
	ccfg := kafka.ConfigMap{"bootstrap.servers": bootstrap, "client.id": "connect-offsets-consumer",
		// Assigned, never subscribed: the group is never joined.
		"group.id": "connect-offsets-reader", "enable.auto.commit": false, "enable.auto.offset.store": false,
		"auto.offset.reset": "earliest", "isolation.level": "read_committed", "go.logs.channel.enable": true}
	for k, v := range cm.Config {
		ccfg[k] = v
	}
	if s.consumer, err = kafka.NewConsumer(&ccfg); err != nil {
		s.Close()
		return nil, fmt.Errorf("source: offset store: consumer: %w", err)
	}
	s.forwardLogs(s.consumer.Logs(), "offsets-consumer")
	for i := range s.parts {
		s.parts[i].Offset = kafka.OffsetBeginning
	}
	if err := s.consumer.Assign(s.parts); err != nil {
		s.Close()
		return nil, fmt.Errorf("source: offset store: assign %s: %w", s.topic, err)
	}
	s.readMu.Lock()
	err = s.readToEnd(ctx)
	s.readMu.Unlock()
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *KafkaOffsetStore) forwardLogs(logs chan kafka.LogEvent, client string) {
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		clientconfig.ForwardLogs(logs, s.log.With("client", client))
	}()
}

// ensureTopic creates the offset topic, compacted, when it does not exist,
// and learns its partitions.
func (s *KafkaOffsetStore) ensureTopic(ctx context.Context, partitions, replication int) error {
	for attempt := 0; ; attempt++ {
		n, err := s.partitionCount(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			s.parts = make([]kafka.TopicPartition, n)
			for i := range s.parts {
				s.parts[i] = kafka.TopicPartition{Topic: &s.topic, Partition: int32(i)}
			}
			return nil
		}
		if attempt > 0 {
			// Created, but its metadata has not reached the broker yet.
			select {
			case <-ctx.Done():
				return fmt.Errorf("source: offset store: topic %s: %w", s.topic, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
			continue
		}
		res, err := s.admin.CreateTopics(ctx, []kafka.TopicSpecification{{Topic: s.topic, NumPartitions: partitions,
			ReplicationFactor: replication, Config: map[string]string{"cleanup.policy": "compact"}}})
		if err != nil {
			return fmt.Errorf("source: offset store: create topic %s: %w", s.topic, err)
		}
		for _, r := range res {
			if code := r.Error.Code(); code != kafka.ErrNoError && code != kafka.ErrTopicAlreadyExists {
				return fmt.Errorf("source: offset store: create topic %s (partitions %d set by %s, replication factor %d set by %s): %w",
					s.topic, partitions, OffsetStoragePartitionsConf, replication, OffsetStorageReplicationConf, r.Error)
			}
		}
		s.log.Info("created the offset storage topic", "partitions", partitions, "replication.factor", replication)
	}
}

// partitionCount returns the number of partitions of the offset topic, 0
// when it does not exist.
func (s *KafkaOffsetStore) partitionCount(ctx context.Context) (int, error) {
	timeout := 10 * time.Second
	if d, ok := ctx.Deadline(); ok {
		timeout = max(time.Until(d), time.Millisecond)
	}
	md, err := s.admin.GetMetadata(&s.topic, false, int(timeout/time.Millisecond))
	if err != nil {
		return 0, fmt.Errorf("source: offset store: metadata of %s: %w", s.topic, err)
	}
	tm, ok := md.Topics[s.topic]
	if !ok || tm.Error.Code() == kafka.ErrUnknownTopicOrPart || tm.Error.Code() == kafka.ErrUnknownTopic {
		return 0, nil
	}
	if tm.Error.Code() != kafka.ErrNoError {
		return 0, fmt.Errorf("source: offset store: metadata of %s: %w", s.topic, tm.Error)
	}
	return len(tm.Partitions), nil
}

// readToEnd consumes the topic up to the end offsets it has now, applying
// each record to the table. The caller holds readMu.
func (s *KafkaOffsetStore) readToEnd(ctx context.Context) error {
	ends, err := s.endOffsets(ctx)
	if err != nil {
		return err
	}
	for {
		pos, err := s.consumer.Position(s.parts)
		if err != nil {
			return fmt.Errorf("source: offset store: position: %w", err)
		}
		done := true
		for _, p := range pos {
			if end := ends[p.Partition]; end > 0 && (p.Offset < 0 || int64(p.Offset) < end) {
				done = false
				break
			}
		}
		if done {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("source: offset store: read %s: %w", s.topic, err)
		}
		switch e := s.consumer.Poll(50).(type) {
		case *kafka.Message:
			if e.TopicPartition.Error != nil {
				return fmt.Errorf("source: offset store: read %s: %w", s.topic, e.TopicPartition.Error)
			}
			if err := s.t.apply(e.Key, e.Value); err != nil {
				// Another program's record: Kafka Connect skips those too.
				s.log.Warn("skipping an offset record that is not in Kafka Connect's format",
					"partition", e.TopicPartition.Partition, "offset", e.TopicPartition.Offset, "err", err)
			}
		case kafka.Error:
			if e.IsFatal() {
				return fmt.Errorf("source: offset store: read %s: %w", s.topic, e)
			}
		}
	}
}

// endOffsets returns, by partition, the offset after the last record a
// read_committed consumer can read, and 0 for an empty partition.
func (s *KafkaOffsetStore) endOffsets(ctx context.Context) (map[int32]int64, error) {
	req := func(spec kafka.OffsetSpec) map[kafka.TopicPartition]kafka.OffsetSpec {
		m := make(map[kafka.TopicPartition]kafka.OffsetSpec, len(s.parts))
		for _, p := range s.parts {
			m[kafka.TopicPartition{Topic: &s.topic, Partition: p.Partition}] = spec
		}
		return m
	}
	list := func(spec kafka.OffsetSpec) (map[int32]int64, error) {
		res, err := s.admin.ListOffsets(ctx, req(spec), kafka.SetAdminIsolationLevel(kafka.IsolationLevelReadCommitted))
		if err != nil {
			return nil, fmt.Errorf("source: offset store: end offsets of %s: %w", s.topic, err)
		}
		out := make(map[int32]int64, len(res.ResultInfos))
		for tp, info := range res.ResultInfos {
			if info.Error.Code() != kafka.ErrNoError {
				return nil, fmt.Errorf("source: offset store: end offset of %s-%d: %w", s.topic, tp.Partition, info.Error)
			}
			out[tp.Partition] = int64(info.Offset)
		}
		return out, nil
	}
	// A topic just created, by this store or by another worker, answers
	// "not leader" until its partitions' leaders are elected and known to
	// every broker; a leader may also move. Those errors are waited out
	// until ctx ends, with a short backoff.
	var latest, earliest map[int32]int64
	for backoff := 20 * time.Millisecond; ; backoff = min(2*backoff, time.Second) {
		var err error
		if latest, err = list(kafka.LatestOffsetSpec); err == nil {
			if earliest, err = list(kafka.EarliestOffsetSpec); err == nil {
				break
			}
		}
		if !leaderMoving(err) {
			return nil, err
		}
		s.log.Debug("waiting for the offset topic's partition leaders", "err", err)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (waiting for the partitions' leaders: %w)", err, ctx.Err())
		case <-time.After(backoff):
		}
	}
	for p, end := range latest {
		if earliest[p] >= end {
			latest[p] = 0 // nothing to read
		}
	}
	return latest, nil
}

// leaderMoving reports an error that ends once a partition's leader is
// elected and known: the state of a new topic.
func leaderMoving(err error) bool {
	var ke kafka.Error
	if !errors.As(err, &ke) {
		return false
	}
	switch ke.Code() {
	case kafka.ErrNotLeaderForPartition, kafka.ErrLeaderNotAvailable, kafka.ErrUnknownTopicOrPart,
		kafka.ErrUnknownLeaderEpoch, kafka.ErrFencedLeaderEpoch, kafka.ErrNotCoordinator:
		return true
	}
	return ke.IsRetriable()
}

// Offsets implements [OffsetStore]. It reads the topic to its end first.
func (s *KafkaOffsetStore) Offsets(ctx context.Context, connector string, partitions []map[string]any) ([]map[string]any, error) {
	s.readMu.Lock()
	defer s.readMu.Unlock()
	if err := s.readToEnd(ctx); err != nil {
		return nil, err
	}
	return s.t.lookup(connector, partitions)
}

// StoreOffsets implements [OffsetStore]. It returns once every record was
// acknowledged by the brokers.
func (s *KafkaOffsetStore) StoreOffsets(ctx context.Context, connector string, offsets []PartitionOffset) error {
	entries, err := encodeOffsets(connector, offsets)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	// Buffered for every report, so librdkafka never waits on us even when
	// ctx ends first.
	reports := make(chan kafka.Event, len(entries))
	for _, e := range entries {
		m := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &s.topic, Partition: kafka.PartitionAny},
			Key: e.key, Value: e.value}
		if err := s.producer.Produce(m, reports); err != nil {
			return fmt.Errorf("source: offset store: write %s: %w", s.topic, err)
		}
	}
	var errs []error
	for range entries {
		select {
		case ev := <-reports:
			if m, ok := ev.(*kafka.Message); ok && m.TopicPartition.Error != nil {
				errs = append(errs, m.TopicPartition.Error)
			}
		case <-ctx.Done():
			return fmt.Errorf("source: offset store: write %s: %w", s.topic, ctx.Err())
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("source: offset store: write %s: %w", s.topic, err)
	}
	return nil
}

// Close releases the store's clients. Writes not yet acknowledged are
// abandoned; the runtime only closes a store after its last write returned.
func (s *KafkaOffsetStore) Close() {
	if s.consumer != nil {
		s.consumer.Close()
	}
	if s.admin != nil {
		s.admin.Close()
	}
	if s.producer != nil {
		s.producer.Close()
	}
	s.bg.Wait()
}
