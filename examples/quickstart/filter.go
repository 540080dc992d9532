package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

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
	runCtx, stopRuntime := context.WithCancel(ctx)
	defer stopRuntime()
	done := make(chan error, 1)
	go func() { done <- rt.Run(runCtx) }()

	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": bootstrap, "log_level": 3})
	if err != nil {
		return err
	}
	defer admin.Close()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	var committed int64
	for committed < filterRecords {
		select {
		case <-ctx.Done():
			stopRuntime()
			<-done
			return fmt.Errorf("filter leg: stopped with %d of %d events committed: %w", committed, filterRecords, ctx.Err())
		case err := <-done:
			return fmt.Errorf("filter leg: connector stopped early: %w", err)
		case <-tick.C:
		}
		if committed, err = groupCommitted(ctx, admin, "connect-"+name); err != nil {
			return err
		}
	}
	stopRuntime()
	if err := <-done; err != nil {
		return err
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

// produceEvents creates the source topic and writes n page events: every
// third is a click, every fourth comes from Korea.
func produceEvents(ctx context.Context, bootstrap string, n int) error {
	p, err := kafka.NewProducer(&kafka.ConfigMap{"bootstrap.servers": bootstrap, "linger.ms": 5, "log_level": 3})
	if err != nil {
		return err
	}
	defer p.Close()
	admin, err := kafka.NewAdminClientFromProducer(p)
	if err != nil {
		return err
	}
	specs := []kafka.TopicSpecification{{Topic: filterSource, NumPartitions: 3, ReplicationFactor: 1}}
	for _, t := range []string{filterClicks, filterKorea} {
		specs = append(specs, kafka.TopicSpecification{Topic: t, NumPartitions: 1, ReplicationFactor: 1})
	}
	_, err = admin.CreateTopics(ctx, specs)
	admin.Close()
	if err != nil {
		return err
	}
	topic := filterSource
	reports := make(chan kafka.Event, n)
	types := []string{"click", "view", "scroll"}
	countries := []string{"KR", "JP", "US", "DE"}
	for i := range n {
		value := fmt.Sprintf(`{"type":%q,"user":"user-%d","country":%q,"page":"/item/%d","time":"2024-05-01 09:%02d:%02d"}`,
			types[i%3], i%101, countries[i%4], i%37, i/60%60, i%60)
		if err := p.Produce(&kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny},
			Value: []byte(value)}, reports); err != nil {
			return err
		}
	}
	for range n {
		select {
		case ev := <-reports:
			if m, ok := ev.(*kafka.Message); ok && m.TopicPartition.Error != nil {
				return m.TopicPartition.Error
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func groupCommitted(ctx context.Context, admin *kafka.AdminClient, group string) (int64, error) {
	res, err := admin.ListConsumerGroupOffsets(ctx, []kafka.ConsumerGroupTopicPartitions{{Group: group}})
	if err != nil {
		return 0, err
	}
	var total int64
	for _, g := range res.ConsumerGroupsTopicPartitions {
		for _, p := range g.Partitions {
			if p.Offset >= 0 {
				total += int64(p.Offset)
			}
		}
	}
	return total, nil
}

// topicSize counts the records in topic from its watermarks.
func topicSize(bootstrap, topic string) (int64, error) {
	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": bootstrap, "group.id": "quickstart-count", "log_level": 3})
	if err != nil {
		return 0, err
	}
	defer c.Close()
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
