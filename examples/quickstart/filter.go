package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/internal/clientconfig"
	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/sink/kafkasink"
)

// The filter leg's topics and sample size.
const (
	filterSource  = "page-events"
	filterClicks  = "clicks"
	filterKorea   = "events-kr"
	filterRecords = 3000
)

// runFilterLeg splits a sample topic of page events with the filtering
// Kafka sink, run through the sink runtime with kakao's configuration keys:
// clicks go to one topic, events from Korea to another (a record may go to
// both), and everything else is filtered out. It prints the counts once
// every event is committed.
func runFilterLeg(ctx context.Context, bootstrap string, log *slog.Logger) error {
	start := time.Now()
	if err := produceEvents(ctx, bootstrap, filterRecords); err != nil {
		return fmt.Errorf("filter leg: %w", err)
	}
	fmt.Printf("produced %d page events to topic %q\n", filterRecords, filterSource)

	const name = "quickstart-filter"
	rt, err := sink.New(kafkasink.NewConnector(kafkasink.WithLogger(log)), map[string]string{
		"name":                         name,
		"connector.class":              kafkasink.ConnectorClass,
		"topics":                       filterSource,
		"value.converter":              "org.apache.kafka.connect.storage.StringConverter",
		"key.converter":                "org.apache.kafka.connect.storage.StringConverter",
		"kafka.sink.bootstrap":         bootstrap,
		"kafka.routes":                 "clicks,korea",
		"kafka.route.clicks.condition": "$.[?(@.type == 'click')]",
		"kafka.route.clicks.topic":     filterClicks,
		"kafka.route.korea.condition":  "$.[?(@.country == 'KR')]",
		"kafka.route.korea.topic":      filterKorea,
		"kafka.key.enabled":            "true",
		"kafka.key.field":              "@.user",
	}, sink.WithWorkerConfig(map[string]string{
		"bootstrap.servers":        bootstrap,
		"offset.flush.interval.ms": "500",
	}), sink.WithLogger(log))
	if err != nil {
		return fmt.Errorf("filter leg: %w", err)
	}
	committed, err := runUntilCommitted(ctx, rt, bootstrap, "connect-"+name, filterRecords)
	if err != nil {
		return fmt.Errorf("filter leg: %w", err)
	}
	clicks, err := topicSize(bootstrap, filterClicks)
	if err != nil {
		return err
	}
	korea, err := topicSize(bootstrap, filterKorea)
	if err != nil {
		return err
	}
	fmt.Printf("\nfilter leg\n")
	fmt.Printf("  events read:        %d (topic %s)\n", filterRecords, filterSource)
	fmt.Printf("  clicks forwarded:   %d (topic %s, want %d)\n", clicks, filterClicks, filterRecords/3)
	fmt.Printf("  Korea forwarded:    %d (topic %s, want %d)\n", korea, filterKorea, filterRecords/4)
	fmt.Printf("  offsets committed:  %d (group connect-%s)\n", committed, name)
	fmt.Printf("  elapsed:            %v\n", time.Since(start).Round(time.Millisecond))
	if clicks != filterRecords/3 || korea != filterRecords/4 {
		return fmt.Errorf("filter leg: forwarded %d clicks and %d Korean events, want %d and %d", clicks, korea, filterRecords/3, filterRecords/4)
	}
	return nil
}

// produceEvents creates the topics and writes n page events to the
// source: every third is a click, every fourth comes from Korea.
func produceEvents(ctx context.Context, bootstrap string, n int) error {
	types := []string{"click", "view", "scroll"}
	countries := []string{"KR", "JP", "US", "DE"}
	return produceAll(ctx, bootstrap, []kafka.TopicSpecification{
		{Topic: filterSource, NumPartitions: 3, ReplicationFactor: 1},
		{Topic: filterClicks, NumPartitions: 1, ReplicationFactor: 1},
		{Topic: filterKorea, NumPartitions: 1, ReplicationFactor: 1},
	}, n, func(i int) (key, value []byte) {
		return nil, fmt.Appendf(nil, `{"type":%q,"user":"user-%d","country":%q,"page":"/item/%d","time":"2024-05-01 09:%02d:%02d"}`,
			types[i%3], i%101, countries[i%4], i%37, i/60%60, i%60)
	})
}

// topicSize counts the records in topic from its watermarks.
func topicSize(bootstrap, topic string) (int64, error) {
	c, err := kafka.NewConsumer(clientConfig(kafka.ConfigMap{"bootstrap.servers": bootstrap, "group.id": "quickstart-count"}))
	if err != nil {
		return 0, err
	}
	defer c.Close()
	go clientconfig.ForwardLogs(c.Logs(), slog.Default()) // ends when c is closed
	md, err := c.GetMetadata(&topic, false, 10000)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, p := range md.Topics[topic].Partitions {
		lo, hi, err := c.QueryWatermarkOffsets(topic, p.ID, 10000)
		if err != nil {
			return 0, err
		}
		total += hi - lo
	}
	return total, nil
}
