package sink

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/internal/clientconfig"
)

// defaultMaxPollRecords is Kafka's max.poll.records default, used as the
// largest batch handed to Put.
const defaultMaxPollRecords = 500

// internalTopics are Kafka's internal topics, as librdkafka patterns.
const internalTopics = `^__consumer_offsets$,^__transaction_state$,^__share_group_state$`

// consumerConfig builds the librdkafka configuration of task id's consumer,
// with the settings Kafka Connect's worker forces on sink consumers.
func consumerConfig(s *settings, id int) (*kafka.ConfigMap, int, []clientconfig.Warning, error) {
	mapped, err := clientconfig.Map(clientconfig.Consumer, s.consumerProps)
	if err != nil {
		return nil, 0, mapped.Warnings, fmt.Errorf("consumer settings: %w", err)
	}
	cfg := kafka.ConfigMap{
		"bootstrap.servers":             s.bootstrapServers,
		"client.id":                     "connector-consumer-" + s.name + "-" + strconv.Itoa(id),
		"auto.offset.reset":             "earliest",
		"partition.assignment.strategy": "cooperative-sticky",
	}
	if s.topicsRegex != "" {
		// Java consumers never match internal topics with a pattern
		// (exclude.internal.topics); librdkafka would.
		cfg["topic.blacklist"] = internalTopics
	}
	for k, v := range mapped.Config {
		cfg[k] = v
	}
	// Static membership (see instanceBase): a task restarted after a crash
	// takes its partitions back at once instead of waiting out its dead
	// predecessor's session.
	switch v, set := mapped.Config["group.instance.id"]; {
	case set && v == "":
		delete(cfg, "group.instance.id")
	case set:
		cfg["group.instance.id"] = v + "-" + strconv.Itoa(id) // one per task: tasks must not fence each other
	case s.instanceBase != "":
		cfg["group.instance.id"] = s.instanceBase + "-" + strconv.Itoa(id)
	}
	// The runtime decides what is committed and when.
	cfg["group.id"] = "connect-" + s.name
	cfg["enable.auto.commit"] = false
	cfg["enable.auto.offset.store"] = false
	cfg["go.logs.channel.enable"] = true
	maxBatch := defaultMaxPollRecords
	if mapped.MaxPollRecords > 0 {
		maxBatch = mapped.MaxPollRecords
	}
	return &cfg, maxBatch, mapped.Warnings, nil
}

// instanceBase returns the stem of the sink consumers' group.instance.id,
// connect-<name>-<process>, or "" for dynamic membership. A static member
// that restarts within session.timeout.ms takes its partitions back at
// once: with dynamic membership the group waits for the dead member's
// session to expire (45 s by default), and then rebalances.
//
// <process> tells apart two processes running the same connector, which
// share its partitions and must not fence each other; it must also stay
// the same across a restart. It is a hash of the host name and of what
// makes the worker process unique on its host and survives a restart: its
// offset.storage.file.filename (connect-standalone's own file; two
// processes cannot share one), else its REST listeners or rest.port (two
// processes cannot bind one). A worker configuration with none of them
// (a program that runs the runtime itself) gets dynamic membership. The
// consumer setting group.instance.id overrides this: its value, with the
// task number appended, or dynamic membership when it is empty.
//
// A static member does not leave its group when it closes (KIP-345), so a
// graceful stop unsubscribes first (see closeConsumer): only a crashed
// worker's partitions wait, for the process that restarts it.
func instanceBase(name string, worker map[string]string) string {
	var identity string
	switch {
	case worker["offset.storage.file.filename"] != "":
		f := worker["offset.storage.file.filename"]
		if abs, err := filepath.Abs(f); err == nil {
			f = abs
		}
		identity = "offsets:" + f
	case worker["listeners"] != "":
		identity = "listeners:" + worker["listeners"]
	case worker["rest.port"] != "":
		identity = "rest.port:" + worker["rest.port"]
	default:
		return ""
	}
	host, _ := os.Hostname()
	sum := sha256.Sum256([]byte(host + "\x00" + identity))
	return "connect-" + name + "-" + hex.EncodeToString(sum[:4])
}

// producerConfig builds the librdkafka configuration of a producer the
// runtime owns (the dead-letter queue's): durable by default.
func producerConfig(s *settings, clientID string) (*kafka.ConfigMap, []clientconfig.Warning, error) {
	return clientconfig.DurableProducer(s.bootstrapServers, clientID, s.producerProps)
}

// checkClients validates the client settings when the connector is
// configured, so a bad one is reported with the other configuration
// problems instead of when a task starts, and logs once each setting that
// was dropped or adjusted.
func checkClients(s *settings, log *slog.Logger) error {
	_, _, warnings, err := consumerConfig(s, 0)
	if s.dlqTopic != "" {
		_, pw, perr := producerConfig(s, "check")
		warnings = append(warnings, pw...)
		err = errors.Join(err, perr)
	}
	for _, w := range warnings {
		log.Warn("client setting has no librdkafka equivalent", "connector", s.name, "key", w.Key, "note", w.Message)
	}
	return err
}

// checkConverters builds the configured converters once, so an unknown class
// or a bad converter setting fails at configuration time.
func checkConverters(s *settings) error {
	if _, err := s.convs.New(s.keyConverter, s.converterConfigs[KeyConverterConfig], true); err != nil {
		return fmt.Errorf("%s: %w", KeyConverterConfig, err)
	}
	if _, err := s.convs.New(s.valueConverter, s.converterConfigs[ValueConverterConfig], false); err != nil {
		return fmt.Errorf("%s: %w", ValueConverterConfig, err)
	}
	if s.headerConverter != "" {
		if _, err := s.convs.NewHeaderConverter(s.headerConverter, s.converterConfigs[HeaderConverterConfig]); err != nil {
			return fmt.Errorf("%s: %w", HeaderConverterConfig, err)
		}
	}
	return nil
}

// ensureTopic creates the dead-letter queue topic if it does not exist, with
// one partition, as Kafka Connect does.
func ensureTopic(p *kafka.Producer, topic string, replication int, timeout time.Duration) error {
	admin, err := kafka.NewAdminClientFromProducer(p)
	if err != nil {
		return fmt.Errorf("dead-letter queue: admin client: %w", err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	md, err := admin.GetMetadata(&topic, false, int(timeout/time.Millisecond))
	if err == nil {
		if tm, ok := md.Topics[topic]; ok && tm.Error.Code() == kafka.ErrNoError {
			return nil
		}
	}
	res, err := admin.CreateTopics(ctx, []kafka.TopicSpecification{{Topic: topic, NumPartitions: 1, ReplicationFactor: replication}})
	if err != nil {
		return fmt.Errorf("dead-letter queue: create topic %s: %w", topic, err)
	}
	for _, r := range res {
		if c := r.Error.Code(); c != kafka.ErrNoError && c != kafka.ErrTopicAlreadyExists {
			return fmt.Errorf("dead-letter queue: create topic %s (replication factor %d, set by %s): %w",
				topic, replication, DLQReplicationConfig, r.Error)
		}
	}
	return nil
}
