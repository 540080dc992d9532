package source_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/internal/benchkit"
	"github.com/connectkit/connectkit/source"
)

// The benchmark produces benchRecords records of about 100 bytes, in pages of
// benchPage, to an embedded cluster that runs in a child process, so that the
// broker's CPU time and allocations are not counted.
const (
	benchRecords    = 100_000
	benchPage       = 1000
	benchPartitions = 4
	clusterEnv      = "CONNECTKIT_SOURCE_BENCH_CLUSTER"
)

// TestBenchCluster is the child process of BenchmarkSourceVsBareProducer: it
// serves a cluster until its stdin closes.
func TestBenchCluster(t *testing.T) {
	if os.Getenv(clusterEnv) == "" {
		t.Skip("started by BenchmarkSourceVsBareProducer")
	}
	c := connectortest.NewCluster(t, connectortest.DefaultPartitions(benchPartitions), connectortest.AutoCreateTopics())
	benchkit.Serve(c.BootstrapServers())
}

func startBenchCluster(b *testing.B) string {
	b.Helper()
	if bootstrap := os.Getenv(connectortest.EnvKafkaBootstrap); bootstrap != "" {
		return bootstrap
	}
	return benchkit.StartChild(b, "TestBenchCluster", clusterEnv)[0]
}

var benchValue = []byte(strings.Repeat("x", 90))

// pageTask returns benchRecords records in pages of benchPage, each with
// its own offset, and counts acknowledgements.
type pageTask struct {
	topic string
	next  int
	acked chan struct{} // closed when every record is acknowledged
	count int
}

func (p *pageTask) Start(context.Context, map[string]string, connect.SourceTaskContext) error {
	return nil
}

func (p *pageTask) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	if p.next >= benchRecords {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	recs := make([]connect.SourceRecord, 0, benchPage)
	part := map[string]any{"source": "bench"}
	for ; len(recs) < benchPage && p.next < benchRecords; p.next++ {
		recs = append(recs, connect.SourceRecord{SourcePartition: part,
			SourceOffset: map[string]any{"position": p.next + 1}, Topic: p.topic,
			Key: []byte("key-" + strconv.Itoa(p.next%1000)), Value: benchValue})
	}
	return recs, nil
}

func (p *pageTask) CommitRecord(context.Context, *connect.SourceRecord, connect.RecordMetadata) error {
	if p.count++; p.count == benchRecords {
		close(p.acked)
	}
	return nil
}

func (p *pageTask) Stop(context.Context) error { return nil }

// BenchmarkSourceVsBareProducer produces the same records to the same
// cluster twice per iteration, each time to a new topic: once with a bare
// confluent-kafka-go producer (Produce every record with a delivery
// channel, read every report, close), once through the source runtime
// (Poll pages of 1,000, ByteArrayConverter, produce, CommitRecord per ack,
// offset tracking, a final offset store). It reports both rates (records
// over the time from the start, creating the producer included, to the
// last acknowledgement), their ratio, the time each side then took to shut
// down, and allocations and CPU time per record (shutdown included).
func BenchmarkSourceVsBareProducer(b *testing.B) {
	addr := startBenchCluster(b)
	bareProduce(b, addr, "warmup")
	var bare, src benchkit.Cost
	for i := 0; b.Loop(); i++ {
		bare.Add(benchkit.MeasureAcked(func() time.Time { return bareProduce(b, addr, fmt.Sprintf("bench-bare-%d", i)) }))
		src.Add(benchkit.MeasureAcked(func() time.Time { return sourceProduce(b, addr, fmt.Sprintf("bench-source-%d", i)) }))
	}
	n := float64(b.N) * benchRecords
	bareRate, srcRate := n/bare.Acked.Seconds(), n/src.Acked.Seconds()
	b.ReportMetric(bareRate, "bare-rec/s")
	b.ReportMetric(srcRate, "source-rec/s")
	b.ReportMetric(srcRate/bareRate, "ratio")
	b.ReportMetric(float64((bare.Wall-bare.Acked).Milliseconds())/float64(b.N), "bare-shutdown-ms")
	b.ReportMetric(float64((src.Wall-src.Acked).Milliseconds())/float64(b.N), "source-shutdown-ms")
	b.ReportMetric(float64(bare.Allocs)/n, "bare-allocs/rec")
	b.ReportMetric(float64(src.Allocs)/n, "source-allocs/rec")
	b.ReportMetric(float64(bare.CPU.Nanoseconds())/n, "bare-cpu-ns/rec")
	b.ReportMetric(float64(src.CPU.Nanoseconds())/n, "source-cpu-ns/rec")
}

// bareProduce returns when the last record was acknowledged.
func bareProduce(b *testing.B, addr, topic string) (acked time.Time) {
	p, err := kafka.NewProducer(&kafka.ConfigMap{"bootstrap.servers": addr, "acks": "all",
		"enable.idempotence": true, "partitioner": "murmur2_random", "go.delivery.report.fields": "none", "log_level": 3})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	reports := make(chan kafka.Event, 10000)
	done := make(chan error, 1)
	go func() {
		for n := 0; n < benchRecords; n++ {
			if m := (<-reports).(*kafka.Message); m.TopicPartition.Error != nil {
				done <- m.TopicPartition.Error
				return
			}
		}
		done <- nil
	}()
	for i := range benchRecords {
		m := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny},
			Key: []byte("key-" + strconv.Itoa(i%1000)), Value: benchValue}
		for {
			err := p.Produce(m, reports)
			if err == nil {
				break
			}
			if kerr := (kafka.Error{}); errors.As(err, &kerr) && kerr.Code() == kafka.ErrQueueFull {
				time.Sleep(time.Millisecond)
				continue
			}
			b.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	return time.Now()
}

// sourceProduce returns when the last record was acknowledged.
func sourceProduce(b *testing.B, addr, topic string) (acked time.Time) {
	task := &pageTask{topic: topic, acked: make(chan struct{})}
	rt, err := source.New(connectortest.SourceConnectorFunc(func() connect.SourceTask { return task }), map[string]string{
		"name": topic, "bootstrap.servers": addr,
		"key.converter":   "org.apache.kafka.connect.converters.ByteArrayConverter",
		"value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
	}, source.WithOffsetStore(source.NewMemoryOffsetStore()), source.WithLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	select {
	case <-task.acked:
		acked = time.Now()
	case err := <-done:
		b.Fatalf("runtime stopped early: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	return acked
}
