package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/converters"
	"github.com/connectkit/connectkit/internal/clientconfig"
)

// defaultMaxOutstanding bounds the records a task has produced but Kafka has
// not yet acknowledged, so that a task's memory stays bounded however fast it
// polls: Poll is not called again until acknowledgements make room. It
// follows the producer's queue.buffering.max.messages when that is smaller.
const defaultMaxOutstanding = 10000

// producerConfig builds the librdkafka configuration of a task's producer
// with what Kafka Connect's worker sets on source producers: acks=all and
// idempotence (the Kafka 3 default), so a retried send neither duplicates
// nor reorders records. Keyed records without a partition go where Java's
// producer would put them (partitioner=murmur2_random, set by
// clientconfig).
func producerConfig(s *settings, clientID string) (*kafka.ConfigMap, []clientconfig.Warning, error) {
	cfg, warnings, err := clientconfig.DurableProducer(s.bootstrapServers, clientID, s.producerProps)
	if err != nil {
		return nil, warnings, err
	}
	// Acknowledgements are matched by the Opaque the runtime sets, so the
	// reports need none of the message's fields.
	(*cfg)["go.delivery.report.fields"] = "none"
	return cfg, warnings, nil
}

// adminConfig builds the librdkafka configuration of the admin client that
// creates topics.
func adminConfig(s *settings, clientID string) (*kafka.ConfigMap, []clientconfig.Warning, error) {
	mapped, err := clientconfig.Map(clientconfig.Admin, s.adminProps)
	if err != nil {
		return nil, mapped.Warnings, fmt.Errorf("admin settings: %w", err)
	}
	cfg := kafka.ConfigMap{"bootstrap.servers": s.bootstrapServers, "client.id": clientID}
	for k, v := range mapped.Config {
		cfg[k] = v
	}
	return &cfg, mapped.Warnings, nil
}

// maxOutstanding is the bound on unacknowledged records of a producer
// configured with cfg.
func maxOutstanding(cfg *kafka.ConfigMap) int {
	if v, err := cfg.Get("queue.buffering.max.messages", nil); err == nil && v != nil {
		if n, err := strconv.Atoi(fmt.Sprint(v)); err == nil && n > 0 && n < defaultMaxOutstanding {
			return n
		}
	}
	return defaultMaxOutstanding
}

// checkClients validates the client settings when the connector is
// configured, so a bad one is reported with the other configuration
// problems instead of when a task starts, and logs once each setting that
// was dropped or adjusted.
func checkClients(s *settings, log *slog.Logger) error {
	_, warnings, err := producerConfig(s, "check")
	if s.createTopics {
		_, aw, aerr := adminConfig(s, "check")
		warnings = append(warnings, aw...)
		err = errors.Join(err, aerr)
	}
	for _, w := range warnings {
		log.Warn("client setting has no librdkafka equivalent", "connector", s.name, "key", w.Key, "note", w.Message)
	}
	return err
}

// checkConverters builds the configured converters once, so an unknown class
// or a bad converter setting fails at configuration time.
func checkConverters(s *settings) error {
	_, _, _, err := newConverters(s)
	return err
}

func newConverters(s *settings) (key, value converters.Converter, hdr converters.HeaderConverter, err error) {
	if key, err = s.convs.New(s.keyConverter, s.converterConfigs[KeyConverterConfig], true); err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", KeyConverterConfig, err)
	}
	if value, err = s.convs.New(s.valueConverter, s.converterConfigs[ValueConverterConfig], false); err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", ValueConverterConfig, err)
	}
	hc := s.headerConverter
	if hc == "" {
		hc = converters.SimpleHeaderConverterClass
	}
	if hdr, err = s.convs.NewHeaderConverter(hc, s.converterConfigs[HeaderConverterConfig]); err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", HeaderConverterConfig, err)
	}
	return key, value, hdr, nil
}

// topicCreator creates, once each, the topics a task writes to that do not
// exist yet, with topic.creation.default.partitions and
// .replication.factor, as Kafka Connect's TopicCreation does.
type topicCreator struct {
	s     *settings
	admin *kafka.AdminClient
	known map[string]bool
}

func newTopicCreator(s *settings, p *kafka.Producer) (*topicCreator, error) {
	if !s.createTopics {
		return nil, nil
	}
	admin, err := kafka.NewAdminClientFromProducer(p)
	if err != nil {
		return nil, fmt.Errorf("topic creation: admin client: %w", err)
	}
	return &topicCreator{s: s, admin: admin, known: map[string]bool{}}, nil
}

// ensure makes sure topic exists. A nil creator does nothing.
func (c *topicCreator) ensure(ctx context.Context, topic string) error {
	if c == nil || c.known[topic] {
		return nil
	}
	timeout := c.s.flushTimeout
	md, err := c.admin.GetMetadata(&topic, false, int(timeout/time.Millisecond))
	if err == nil {
		if tm, ok := md.Topics[topic]; ok && tm.Error.Code() == kafka.ErrNoError && len(tm.Partitions) > 0 {
			c.known[topic] = true
			return nil
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := c.admin.CreateTopics(ctx, []kafka.TopicSpecification{{
		Topic: topic, NumPartitions: c.s.topicPartitions, ReplicationFactor: c.s.topicReplication}})
	if err != nil {
		return connect.Retriable(fmt.Errorf("create topic %s: %w", topic, err))
	}
	for _, r := range res {
		switch r.Error.Code() {
		case kafka.ErrNoError, kafka.ErrTopicAlreadyExists:
		default:
			err := fmt.Errorf("create topic %s (partitions %d, replication factor %d, set by topic.creation.default.*): %w",
				topic, c.s.topicPartitions, c.s.topicReplication, r.Error)
			if r.Error.IsRetriable() {
				return connect.Retriable(err)
			}
			return err
		}
	}
	c.known[topic] = true
	return nil
}

func (c *topicCreator) close() {
	if c != nil {
		c.admin.Close()
	}
}
