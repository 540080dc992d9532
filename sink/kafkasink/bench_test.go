package kafkasink

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PaesslerAG/gval"
	"github.com/PaesslerAG/jsonpath"
	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/internal/benchkit"
	cpath "github.com/connectkit/connectkit/internal/jsonpath"
	"github.com/connectkit/connectkit/sink"
)

// benchDocs are ~200-byte events, the kind kakao's users split.
func benchDocs(n int) [][]byte {
	types := []string{"click", "view", "scroll", "purchase"}
	out := make([][]byte, n)
	for i := range out {
		out[i] = fmt.Appendf(nil, `{"event":"%s","user":{"id":%d,"country":"%s","premium":%t},"ts":"2022-11-28 12:05:%02d",`+
			`"page":"/item/%d","ref":null,"items":[{"sku":"A%d","qty":%d}],"tags":["a","b"],"score":%d.5}`,
			types[i%4], 10000+i, []string{"KR", "JP", "US"}[i%3], i%2 == 0, i%60, i%97, i%13, 1+i%3, i%100)
	}
	return out
}

var benchConditions = []struct{ name, jayway, paessler string }{
	{"default", DefaultCondition, ""}, // PaesslerAG cannot express !@.all (reference 3.4)
	{"equals", "$.[?(@.event == 'click')]", `$[?(@.event == "click")]`},
	{"and", "$.[?(@.user.country == 'KR' && @.user.premium == true)]", `$[?(@.user.country == "KR" && @.user.premium == true)]`},
	{"regex-or", "$.[?(@.page =~ /\\/item\\/1.*/ || @.score > 50)]", `$[?(@.page =~ "^/item/1.*$" || @.score > 50)]`},
}

// BenchmarkFilter measures one record's filter decision on ~200-byte
// documents: this package (parse once, keeping only the values the
// condition reads, in storage reused from record to record, then Jayway
// semantics) next to the naive way, encoding/json into interface{} and then
// PaesslerAG/jsonpath (with gval's full language, the object wrapped in an
// array so that the filter sees it).
func BenchmarkFilter(b *testing.B) {
	docs := benchDocs(1024)
	b.Logf("document size: %d bytes", len(docs[0]))
	lang := gval.Full(jsonpath.PlaceholderExtension())
	for _, c := range benchConditions {
		cond, err := cpath.CompileCondition(c.jayway)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name+"/kafkasink", func(b *testing.B) {
			b.ReportAllocs()
			matched := 0
			for i := 0; b.Loop(); i++ {
				ok, err := cond.MatchJSON(docs[i%len(docs)])
				if err != nil {
					b.Fatal(err)
				}
				if ok {
					matched++
				}
			}
		})
		if c.paessler == "" {
			continue
		}
		ev, err := lang.NewEvaluable(c.paessler)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name+"/naive", func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for i := 0; b.Loop(); i++ {
				var doc any
				if err := json.Unmarshal(docs[i%len(docs)], &doc); err != nil {
					b.Fatal(err)
				}
				res, err := ev(ctx, []any{doc})
				if err != nil {
					b.Fatal(err)
				}
				_ = len(res.([]any)) > 0
			}
		})
	}
}

// The end-to-end benchmark reads benchE2ERecords documents from an
// embedded cluster running in a child process, so that the broker's CPU is
// not counted.
const (
	benchE2ERecords = 400_000
	benchE2EParts   = 4
	benchClusterEnv = "KAFKASINK_BENCH_CLUSTER"
)

// serveBenchCluster is the child process: it serves a cluster holding the
// benchmark topic until its stdin closes.
func serveBenchCluster() {
	c, err := connectortest.StartCluster()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer c.Close()
	ctx := context.Background()
	if err := c.CreateTopicContext(ctx, "bench-in", benchE2EParts); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	docs := benchDocs(1024)
	recs := make([]connectortest.Record, 0, 10_000)
	for i := 0; i < benchE2ERecords; i++ {
		recs = append(recs, connectortest.Record{Topic: "bench-in", Partition: int32(i % benchE2EParts), Value: docs[i%len(docs)]})
		if len(recs) == cap(recs) {
			if _, err := c.ProduceContext(ctx, recs...); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			recs = recs[:0]
		}
	}
	benchkit.Serve(c.BootstrapServers())
}

func startBenchCluster(b *testing.B) string {
	// No test runs in the child: TestMain serves the cluster instead.
	return benchkit.StartChild(b, "", benchClusterEnv)[0]
}

// BenchmarkEndToEnd copies the topic to a new one per run, twice per
// iteration: with a bare confluent-kafka-go loop (poll, produce, wait for
// every delivery, commit) and through the sink runtime with this connector
// and kakao's default condition, which every document passes. It reports
// both rates and their ratio.
func BenchmarkEndToEnd(b *testing.B) {
	addr := startBenchCluster(b)
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": addr, "log_level": 3})
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	topic := func(name string) string {
		_, err := admin.CreateTopics(context.Background(), []kafka.TopicSpecification{{Topic: name, NumPartitions: 1, ReplicationFactor: 1}})
		if err != nil {
			b.Fatal(err)
		}
		return name
	}
	bareCopy(b, addr, "warmup", topic("warmup-out"))
	var bare, conn time.Duration
	for i := 0; b.Loop(); i++ {
		out := topic("bare-out-" + strconv.Itoa(i))
		start := time.Now()
		bareCopy(b, addr, "bare-"+strconv.Itoa(i), out)
		bare += time.Since(start)
		out = topic("sink-out-" + strconv.Itoa(i))
		start = time.Now()
		sinkCopy(b, addr, "sink-"+strconv.Itoa(i), out)
		conn += time.Since(start)
	}
	n := float64(b.N) * benchE2ERecords
	bareRate, sinkRate := n/bare.Seconds(), n/conn.Seconds()
	b.ReportMetric(bareRate, "bare-rec/s")
	b.ReportMetric(sinkRate, "sink-rec/s")
	b.ReportMetric(sinkRate/bareRate, "ratio")
}

func bareCopy(b *testing.B, addr, group, out string) {
	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": addr, "group.id": group, "auto.offset.reset": "earliest",
		"enable.auto.commit": false, "partition.assignment.strategy": "cooperative-sticky", "log_level": 3})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	p, err := kafka.NewProducer(&kafka.ConfigMap{"bootstrap.servers": addr, "acks": "all", "enable.idempotence": true,
		"linger.ms": 5, "go.delivery.report.fields": "none", "log_level": 3})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	if err := c.SubscribeTopics([]string{"bench-in"}, nil); err != nil {
		b.Fatal(err)
	}
	reports := make(chan kafka.Event, 8192)
	pending, done := 0, 0
	for n := 0; n < benchE2ERecords; {
		switch e := c.Poll(100).(type) {
		case *kafka.Message:
			n++
			for {
				err := p.Produce(&kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &out, Partition: kafka.PartitionAny}, Value: e.Value}, reports)
				if err == nil {
					pending++
					break
				}
				<-reports
				pending--
				done++
			}
		case kafka.Error:
			b.Fatal(e)
		}
		for drained := false; !drained; {
			select {
			case ev := <-reports:
				if m := ev.(*kafka.Message); m.TopicPartition.Error != nil {
					b.Fatal(m.TopicPartition.Error)
				}
				pending--
				done++
			default:
				drained = true
			}
		}
	}
	for ; pending > 0; pending-- {
		<-reports
	}
	if _, err := c.Commit(); err != nil {
		b.Fatal(err)
	}
}

func sinkCopy(b *testing.B, addr, name, out string) {
	rt, err := sink.New(NewConnector(WithLogger(quiet)), map[string]string{
		"name": name, "topics": "bench-in", "bootstrap.servers": addr,
		"value.converter":          "org.apache.kafka.connect.converters.ByteArrayConverter",
		"key.converter":            "org.apache.kafka.connect.converters.ByteArrayConverter",
		SinkBootstrapConfig:        addr,
		SinkTopicConfig:            out,
		"kafka.sink.linger.ms":     "5",
		"offset.flush.interval.ms": "200",
	}, sink.WithLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": addr, "log_level": 3})
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	var committed atomic.Int64
	for committed.Load() < benchE2ERecords {
		select {
		case err := <-done:
			b.Fatalf("runtime stopped early: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
		res, err := admin.ListConsumerGroupOffsets(context.Background(), []kafka.ConsumerGroupTopicPartitions{{Group: "connect-" + name}})
		if err != nil {
			continue // the group does not exist before its first commit
		}
		var total int64
		for _, g := range res.ConsumerGroupsTopicPartitions {
			for _, p := range g.Partitions {
				if p.Offset >= 0 {
					total += int64(p.Offset)
				}
			}
		}
		committed.Store(total)
	}
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}
