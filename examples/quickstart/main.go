// Command quickstart runs the bundled connectors end to end with no
// infrastructure: it starts an embedded Kafka cluster and writes sample
// orders to a topic. Then, each through the real sink runtime and each
// reporting progress from its consumer group's committed offsets until
// every record is written and committed:
//
//   - the file sink writes the topic to a file;
//
//   - the S3 sink, configured with the keys of Confluent's S3 sink, writes
//     it to an in-process S3 server, and the objects it wrote are listed;
//
//   - the Kafka sink, configured with the keys of kakao's connector, splits
//     a topic of events into topics by JSONPath conditions;
//
//   - the HTTP source, configured with the keys of castorm's connector,
//     polls a local paginated JSON API into a topic and stores its offset in
//     Kafka Connect's format.
//
//     go run ./examples/quickstart
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/internal/clientconfig"
	"github.com/connectkit/connectkit/internal/logs"
	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/sink/filesink"
)

func main() {
	records := flag.Int("records", 10000, "number of sample records")
	timeout := flag.Duration("timeout", 2*time.Minute, "give up after this long")
	flag.Usage = logs.Usage(flag.CommandLine, `quickstart runs the bundled connectors end to end with no infrastructure: an
embedded Kafka cluster, sample orders, then the file sink, the S3 sink (to an
in-process S3 server), the Kafka sink (splitting a topic by JSONPath) and the
HTTP source (from a local paginated API), each until every record is written
and committed. Only warnings are logged unless -v is given.`,
		"quickstart [flags]")
	lf := logs.AddFlags(flag.CommandLine)
	lf.SetQuietLevel(slog.LevelWarn) // the progress lines are the output
	flag.Parse()
	log, err := lf.Logger(os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := run(ctx, *records, log); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, n int, log *slog.Logger) error {
	start := time.Now()
	cluster, err := connectortest.StartCluster()
	if err != nil {
		return err
	}
	defer cluster.Close()
	fmt.Printf("embedded Kafka listening on %s\n", cluster.BootstrapServers())

	const topic = "orders"
	if err := produceOrders(ctx, cluster.BootstrapServers(), topic, n); err != nil {
		return err
	}
	fmt.Printf("produced %d orders to topic %q\n", n, topic)

	fmt.Printf("\n== file leg: the FileStreamSink connector writes the topic to a file\n")
	dir, err := os.MkdirTemp("", "quickstart-")
	if err != nil {
		return err
	}
	out := filepath.Join(dir, "orders.jsonl")

	// The same keys a Kafka Connect user writes in connect-file-sink.properties.
	rt, err := sink.New(&filesink.Connector{}, map[string]string{
		"name":                           "quickstart-file-sink",
		"connector.class":                filesink.ClassName,
		"topics":                         topic,
		"file":                           out,
		"key.converter":                  "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":                "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable": "false",
	}, sink.WithWorkerConfig(map[string]string{
		"bootstrap.servers":        cluster.BootstrapServers(),
		"offset.flush.interval.ms": "500",
	}), sink.WithLogger(log))
	if err != nil {
		return err
	}
	committed, err := runUntilCommitted(ctx, rt, cluster.BootstrapServers(), "connect-quickstart-file-sink", int64(n))
	if err != nil {
		return err
	}
	lines, first, err := countLines(out)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	fmt.Printf("\nsummary\n")
	fmt.Printf("  records produced:   %d\n", n)
	fmt.Printf("  lines in %s: %d\n", out, lines)
	fmt.Printf("  offsets committed:  %d (group connect-quickstart-file-sink)\n", committed)
	fmt.Printf("  elapsed:            %v\n", elapsed.Round(time.Millisecond))
	fmt.Printf("  first line:         %s\n", first)
	if lines < n {
		return fmt.Errorf("file has %d lines, want at least %d", lines, n)
	}

	fmt.Printf("\n== S3 leg: the same topic through the S3 sink into an in-process S3 server\n")
	if err := runS3Leg(ctx, cluster.BootstrapServers(), topic, n, log); err != nil {
		return err
	}

	fmt.Printf("\n== filter leg: the Kafka sink splits a topic of events by JSONPath conditions\n")
	if err := runFilterLeg(ctx, cluster.BootstrapServers(), log); err != nil {
		return err
	}

	fmt.Printf("\n== HTTP leg: the HTTP source polls a local paginated JSON API into a topic\n")
	return runHTTPLeg(ctx, cluster.BootstrapServers(), log)
}

// runUntilCommitted runs rt until its consumer group has committed n
// offsets in all, printing progress, then stops it gracefully.
func runUntilCommitted(ctx context.Context, rt *sink.Runtime, bootstrap, group string, n int64) (int64, error) {
	runCtx, stopRuntime := context.WithCancel(ctx)
	defer stopRuntime()
	done := make(chan error, 1)
	go func() { done <- rt.Run(runCtx) }()

	admin, closeAdmin, err := newAdmin(bootstrap)
	if err != nil {
		stopRuntime()
		<-done
		return 0, err
	}
	defer closeAdmin()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	var committed int64
	for committed < n {
		select {
		case <-ctx.Done():
			stopRuntime()
			<-done
			return committed, fmt.Errorf("stopped with %d of %d records committed: %w", committed, n, ctx.Err())
		case err := <-done:
			return committed, fmt.Errorf("connector stopped early: %w", err)
		case <-tick.C:
		}
		if committed, err = committedTotal(ctx, admin, group); err != nil {
			stopRuntime()
			<-done
			return committed, err
		}
		fmt.Printf("progress: %d/%d records written and committed (%s)\n", committed, n, rt.Status().Tasks[0].State)
	}
	stopRuntime()
	return committed, <-done
}

func produceOrders(ctx context.Context, bootstrap, topic string, n int) error {
	return produceAll(ctx, bootstrap, []kafka.TopicSpecification{{Topic: topic, NumPartitions: 3, ReplicationFactor: 1}}, n,
		func(i int) (key, value []byte) {
			return fmt.Appendf(nil, "customer-%d", i%97),
				fmt.Appendf(nil, `{"order_id":%d,"customer":"customer-%d","amount":%d.%02d,"currency":"EUR"}`, i, i%97, 10+i%500, i%100)
		})
}

// produceAll creates the topics, then writes n records made by gen to the
// first one and waits until all are acknowledged.
func produceAll(ctx context.Context, bootstrap string, topics []kafka.TopicSpecification, n int, gen func(i int) (key, value []byte)) error {
	p, err := kafka.NewProducer(clientConfig(kafka.ConfigMap{"bootstrap.servers": bootstrap, "linger.ms": 5}))
	if err != nil {
		return err
	}
	defer p.Close()
	go clientconfig.ForwardLogs(p.Logs(), slog.Default()) // ends when p is closed
	admin, err := kafka.NewAdminClientFromProducer(p)
	if err != nil {
		return err
	}
	_, err = admin.CreateTopics(ctx, topics)
	admin.Close()
	if err != nil {
		return err
	}
	topic := topics[0].Topic
	reports := make(chan kafka.Event, n)
	for i := range n {
		key, value := gen(i)
		m := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny}, Key: key, Value: value}
		if err := p.Produce(m, reports); err != nil {
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

func committedTotal(ctx context.Context, admin *kafka.AdminClient, group string) (int64, error) {
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

func countLines(path string) (int, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = f.Close() }() // read-only: nothing to lose
	sc := bufio.NewScanner(f)
	n, first := 0, ""
	for sc.Scan() {
		if n == 0 {
			first = sc.Text()
		}
		n++
	}
	if err := sc.Err(); err != nil && !errors.Is(err, bufio.ErrTooLong) {
		return n, first, err
	}
	return n, first, nil
}

// clientConfig returns cfg for one of the quickstart's own clients: only
// errors logged, and those through slog, in the program's log format.
func clientConfig(cfg kafka.ConfigMap) *kafka.ConfigMap {
	cfg["log_level"] = 3
	cfg["go.logs.channel.enable"] = true
	return &cfg
}

// newAdmin returns an admin client whose log lines go through slog: one
// made from a producer, as a standalone admin client has no Logs channel.
func newAdmin(bootstrap string) (*kafka.AdminClient, func(), error) {
	p, err := kafka.NewProducer(clientConfig(kafka.ConfigMap{"bootstrap.servers": bootstrap}))
	if err != nil {
		return nil, nil, err
	}
	go clientconfig.ForwardLogs(p.Logs(), slog.Default()) // ends when p is closed
	admin, err := kafka.NewAdminClientFromProducer(p)
	if err != nil {
		p.Close()
		return nil, nil, err
	}
	return admin, func() { admin.Close(); p.Close() }, nil
}
