package httpsource_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/internal/benchkit"
	"github.com/connectkit/connectkit/source"
	"github.com/connectkit/connectkit/source/httpsource"
)

// The benchmark's API serves benchPages pages of benchPageSize records of
// about 200 bytes of JSON each, every page linking to the next.
const (
	benchPages      = 100
	benchPageSize   = 1000
	benchRecords    = benchPages * benchPageSize
	benchPartitions = 4
	benchClusterEnv = "CONNECTKIT_HTTPSOURCE_BENCH_CLUSTER"
)

// TestHTTPBenchCluster is the child process of BenchmarkHTTPSourceVsBareProducer:
// it serves an embedded cluster until its stdin closes, so that the broker's
// CPU time and allocations are not counted.
func TestHTTPBenchCluster(t *testing.T) {
	if os.Getenv(benchClusterEnv) == "" {
		t.Skip("started by BenchmarkHTTPSourceVsBareProducer")
	}
	c := connectortest.NewCluster(t)
	benchkit.Serve(c.BootstrapServers())
}

// benchCluster returns the broker to write to: the Apache Kafka broker named
// by CONNECTKIT_KAFKA_BOOTSTRAP when set, otherwise an embedded cluster in a
// child process.
func benchCluster(b *testing.B) *connectortest.Cluster {
	b.Helper()
	if bootstrap := os.Getenv(connectortest.EnvKafkaBootstrap); bootstrap != "" {
		return connectortest.ExternalCluster(b, bootstrap)
	}
	addr := benchkit.StartChild(b, "TestHTTPBenchCluster", benchClusterEnv)[0]
	c, err := connectortest.DialCluster(context.Background(), addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	return c
}

// benchAPI pre-renders the pages, so that serving them costs little, and
// returns the records' keys and values for the bare producer.
func benchAPI(b *testing.B) (url string, keys, values [][]byte) {
	pages := make([][]byte, benchPages+1)
	for p := 1; p <= benchPages; p++ {
		raw := make([]json.RawMessage, 0, benchPageSize)
		for i := range benchPageSize {
			id := (p-1)*benchPageSize + i + 1
			v := httpsource.BenchRecord(id)
			raw = append(raw, json.RawMessage(v))
			keys = append(keys, []byte(strconv.Itoa(id)))
			values = append(values, []byte(v))
		}
		body := map[string]any{"items": raw}
		if p < benchPages {
			body["next"] = "/items?page=" + strconv.Itoa(p+1)
		}
		pages[p], _ = json.Marshal(body)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := strconv.Atoi(r.URL.Query().Get("page"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(pages[max(p, 1)])
	}))
	b.Cleanup(srv.Close)
	return srv.URL + "/items", keys, values
}

// BenchmarkHTTPSourceVsBareProducer writes the same benchRecords records
// (pages of 1,000 records of about 200 bytes of JSON) to Kafka twice per
// iteration, each time to a new topic: once with a bare confluent-kafka-go
// producer (acks=all and idempotence, as the runtime sets, all records sent,
// then every delivery report awaited), once with the HTTP source connector
// under the source runtime, from a local paginated API (request, parse,
// filter, convert with the StringConverter and the JsonConverter, produce,
// CommitRecord), until every record is acknowledged. It reports both rates
// (records over the time from the start, creating the producer included,
// to the last acknowledgement), their ratio, the time each side then took
// to shut down, and allocations and CPU time per record (shutdown
// included).
func BenchmarkHTTPSourceVsBareProducer(b *testing.B) {
	cluster := benchCluster(b)
	url, keys, values := benchAPI(b)
	topics := 0
	newTopic := func(name string) string {
		topics++
		topic := cluster.Unique(name + "-" + strconv.Itoa(topics))
		if err := cluster.CreateTopicContext(context.Background(), topic, benchPartitions); err != nil {
			b.Fatal(err)
		}
		return topic
	}
	bareProduce(b, cluster.BootstrapServers(), newTopic("warmup"), keys, values)
	var bare, src benchkit.Cost
	for i := 0; b.Loop(); i++ {
		bareTopic, srcTopic := newTopic("bare"), newTopic("http")
		bare.Add(benchkit.MeasureAcked(func() time.Time {
			return labelled("bare", func() time.Time { return bareProduce(b, cluster.BootstrapServers(), bareTopic, keys, values) })
		}))
		src.Add(benchkit.MeasureAcked(func() time.Time {
			return labelled("http", func() time.Time { return sourceProduce(b, cluster.BootstrapServers(), srcTopic, url, i) })
		}))
	}
	n := float64(b.N) * benchRecords
	bareRate, srcRate := n/bare.Acked.Seconds(), n/src.Acked.Seconds()
	b.ReportMetric(bareRate, "bare-rec/s")
	b.ReportMetric(srcRate, "http-rec/s")
	b.ReportMetric(srcRate/bareRate, "ratio")
	b.ReportMetric(float64((bare.Wall-bare.Acked).Milliseconds())/float64(b.N), "bare-shutdown-ms")
	b.ReportMetric(float64((src.Wall-src.Acked).Milliseconds())/float64(b.N), "http-shutdown-ms")
	b.ReportMetric(float64(bare.Allocs)/n, "bare-allocs/rec")
	b.ReportMetric(float64(src.Allocs)/n, "http-allocs/rec")
	// CPU of this process (client, librdkafka's threads, runtime, and for
	// the source the API server too), per record; the broker runs in the
	// child.
	b.ReportMetric(float64(bare.CPU.Nanoseconds())/n, "bare-cpu-ns/rec")
	b.ReportMetric(float64(src.CPU.Nanoseconds())/n, "http-cpu-ns/rec")
}

// labelled runs fn with the profiler label side=side, which the goroutines
// it starts inherit, so that a CPU profile of the benchmark splits by side:
// go tool pprof -tagfocus=side=http.
func labelled(side string, fn func() time.Time) (acked time.Time) {
	pprof.Do(context.Background(), pprof.Labels("side", side), func(context.Context) { acked = fn() })
	return acked
}

// bareProduce returns when the last record was acknowledged.
func bareProduce(b *testing.B, addr, topic string, keys, values [][]byte) (acked time.Time) {
	// The producer settings the runtime sets, its partitioner among them.
	p, err := kafka.NewProducer(&kafka.ConfigMap{
		"bootstrap.servers": addr, "acks": "all", "enable.idempotence": true, "partitioner": "murmur2_random",
		"go.delivery.report.fields": "none", "log_level": 3,
	})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	reports := make(chan kafka.Event, len(keys))
	for i := range keys {
		msg := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny}, Key: keys[i], Value: values[i]}
		for {
			err := p.Produce(msg, reports)
			if err == nil {
				break
			}
			var kerr kafka.Error
			if !errors.As(err, &kerr) || kerr.Code() != kafka.ErrQueueFull {
				b.Fatal(err)
			}
			p.Flush(10)
		}
	}
	for range keys {
		if m, ok := (<-reports).(*kafka.Message); ok && m.TopicPartition.Error != nil {
			b.Fatal(m.TopicPartition.Error)
		}
	}
	return time.Now()
}

// ackCounter counts acknowledged records and says when all are.
type ackCounter struct {
	*httpsource.Task
	n    *atomic.Int64
	done chan struct{}
}

func (c ackCounter) CommitRecord(ctx context.Context, r *connect.SourceRecord, m connect.RecordMetadata) error {
	if c.n.Add(1) == benchRecords {
		close(c.done)
	}
	return c.Task.CommitRecord(ctx, r, m)
}

type ackCountingConnector struct {
	*httpsource.Connector
	n    *atomic.Int64
	done chan struct{}
}

func (c ackCountingConnector) NewTask() connect.SourceTask {
	return ackCounter{Task: httpsource.NewTask(httpsource.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))), n: c.n, done: c.done}
}

// sourceProduce returns when the last record was acknowledged.
func sourceProduce(b *testing.B, addr, topic, url string, i int) (acked time.Time) {
	conn := ackCountingConnector{Connector: httpsource.NewConnector(), n: new(atomic.Int64), done: make(chan struct{})}
	rt, err := source.New(conn, map[string]string{
		"name":                              "bench-" + strconv.Itoa(i),
		httpsource.TopicConfig:              topic,
		httpsource.URLConfig:                url,
		httpsource.ListPointerConfig:        "/items",
		httpsource.OffsetPointerConfig:      "key=/id, timestamp=/updated",
		httpsource.NextPagePointerConfig:    "/next",
		httpsource.RecordMapperConfig:       httpsource.JSONMapper, // the bare producer sends the same JSON
		"key.converter":                     "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":                   "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable":    "false",
		httpsource.ReadTimeoutConfig:        "30000",
		httpsource.TimerIntervalConfig:      "3600000",
		"task.shutdown.graceful.timeout.ms": "30000",
		"offset.flush.interval.ms":          "60000",
		"errors.retry.timeout":              "0",
	}, source.WithWorkerConfig(map[string]string{"bootstrap.servers": addr}),
		source.WithOffsetStore(source.NewMemoryOffsetStore()),
		source.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	select {
	case <-conn.done:
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
