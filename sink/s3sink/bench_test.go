package s3sink

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/internal/benchkit"
	"github.com/connectkit/connectkit/sink"
)

// BenchmarkS3SinkVsBareConsumer sinks benchS3Records JSON records of about
// 100 bytes, in benchS3Partitions partitions, into S3 and compares with a
// bare consume loop reading the same topic in the same run. Three processes
// keep the measurements apart: the servers (an embedded Kafka cluster and an
// in-process S3 server) run in one child, and each side of the comparison in
// a child of its own, so that its peak RSS is its own. Each side counts from
// its start to the moment every record is consumed (bare) or in S3 and
// committed (sink).
//
//	go test ./sink/s3sink -run '^$' -bench S3SinkVsBareConsumer -benchtime 1x
const (
	benchS3Records    = 1_000_000
	benchS3Partitions = 8
	benchS3Topic      = "events"
	benchS3Bucket     = "bench"
	benchServersEnv   = "CONNECTKIT_S3_BENCH_SERVERS"
	benchSideEnv      = "CONNECTKIT_S3_BENCH_SIDE"
)

func BenchmarkS3SinkVsBareConsumer(b *testing.B) {
	kafkaAddr, s3Addr := startBenchServers(b)
	// flush.size divides the records of a partition, so that the last
	// objects rotate too.
	perPartition := benchS3Records / benchS3Partitions
	for _, bc := range []struct {
		name      string
		flushSize int
	}{
		// Objects of about 1.3 MiB, each written with one PutObject.
		{"objects=1.3MiB", perPartition / 10},
		// Objects of about 6.5 MiB, each a multipart upload of two parts
		// of s3.part.size (5 MiB, the least S3 allows): each partition
		// holds up to a part in memory before it can upload it.
		{"objects=6.5MiB-multipart", perPartition / 2},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var bare, snk benchSide
			for b.Loop() {
				// Unique across -count repetitions, which share the servers.
				run := fmt.Sprintf("%s-%d", bc.name, benchRuns.Add(1))
				bare.add(runBenchSide(b, benchSideArgs{Side: "bare", Bootstrap: kafkaAddr, Group: "bare-" + run}))
				snk.add(runBenchSide(b, benchSideArgs{Side: "sink", Bootstrap: kafkaAddr, S3: s3Addr,
					Group: "s3-" + run, TopicsDir: run, FlushSize: bc.flushSize}))
			}
			n := float64(b.N) * benchS3Records
			bareRate, sinkRate := n/bare.elapsed.Seconds(), n/snk.elapsed.Seconds()
			b.ReportMetric(bareRate, "bare-rec/s")
			b.ReportMetric(sinkRate, "sink-rec/s")
			b.ReportMetric(sinkRate/bareRate, "ratio")
			b.ReportMetric(float64(bare.maxRSS)/(1<<20), "bare-peak-RSS-MiB")
			b.ReportMetric(float64(snk.maxRSS)/(1<<20), "sink-peak-RSS-MiB")
			b.ReportMetric(float64(bare.cpu.Nanoseconds())/n, "bare-cpu-ns/rec")
			b.ReportMetric(float64(snk.cpu.Nanoseconds())/n, "sink-cpu-ns/rec")
		})
	}
}

// benchRuns numbers the runs, for their group names and topics.dir.
var benchRuns atomic.Int64

// benchValue is a JSON event of about 100 bytes.
func benchValue(i int) []byte {
	return fmt.Appendf(nil, `{"id":%d,"user":"user-%04d","event":"page_view","ts":%d,"path":"/products/%06d"}`,
		i, i%9973, 1_700_000_000_000+int64(i), i%999_983)
}

// TestS3BenchServers is the servers' child process of
// BenchmarkS3SinkVsBareConsumer: it fills the topic, starts S3 and serves
// both until its stdin closes.
func TestS3BenchServers(t *testing.T) {
	if os.Getenv(benchServersEnv) == "" {
		t.Skip("started by BenchmarkS3SinkVsBareConsumer")
	}
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, benchS3Topic, benchS3Partitions)
	c.ProduceN(t, benchS3Topic, benchS3Records, func(i int) connectortest.Record {
		return connectortest.Record{Partition: int32(i % benchS3Partitions), Key: []byte("user-" + strconv.Itoa(i%9973)), Value: benchValue(i)}
	})
	store := connectortest.NewS3(t, benchS3Bucket)
	benchkit.Serve(c.BootstrapServers(), store.Endpoint)
}

func startBenchServers(b *testing.B) (kafkaAddr, s3Addr string) {
	addrs := benchkit.StartChild(b, "TestS3BenchServers", benchServersEnv)
	return addrs[0], addrs[1]
}

type benchSideArgs struct {
	Side, Bootstrap, S3, Group, TopicsDir string
	FlushSize                             int
}

type benchSide struct {
	elapsed, cpu time.Duration
	maxRSS       int64 // bytes, the largest of the runs
}

func (s *benchSide) add(o benchSide) {
	s.elapsed += o.elapsed
	s.cpu += o.cpu
	s.maxRSS = max(s.maxRSS, o.maxRSS)
}

// runBenchSide runs one side in a child process and returns its time (as
// the child measured it), CPU time and peak RSS.
func runBenchSide(b *testing.B, args benchSideArgs) benchSide {
	b.Helper()
	raw, err := json.Marshal(args)
	require.NoError(b, err)
	cmd := exec.Command(os.Args[0], "-test.run=^TestS3BenchSide$", "-test.v")
	cmd.Env = append(os.Environ(), benchSideEnv+"="+string(raw))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	require.NoError(b, err, "%s side: %s", args.Side, out)
	var res benchSide
	for line := range strings.SplitSeq(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "ELAPSED "); ok {
			ns, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			require.NoError(b, err)
			res.elapsed = time.Duration(ns)
		}
	}
	require.NotZero(b, res.elapsed, "%s side printed no result: %s", args.Side, out)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	res.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	res.maxRSS = ru.Maxrss << 10 // Linux reports KiB
	return res
}

// TestS3BenchSide is a measured child process of
// BenchmarkS3SinkVsBareConsumer.
func TestS3BenchSide(t *testing.T) {
	raw := os.Getenv(benchSideEnv)
	if raw == "" {
		t.Skip("started by BenchmarkS3SinkVsBareConsumer")
	}
	var args benchSideArgs
	require.NoError(t, json.Unmarshal([]byte(raw), &args))
	start := time.Now()
	switch args.Side {
	case "bare":
		benchBareConsume(t, args)
	case "sink":
		benchSink(t, args)
	default:
		t.Fatalf("unknown side %q", args.Side)
	}
	fmt.Printf("ELAPSED %d\n", time.Since(start).Nanoseconds())
}

// benchBareConsume reads every record with a plain confluent-kafka-go
// poll loop and commits once at the end.
func benchBareConsume(t *testing.T, args benchSideArgs) {
	c, err := kafka.NewConsumer(&kafka.ConfigMap{
		"bootstrap.servers": args.Bootstrap, "group.id": args.Group, "auto.offset.reset": "earliest",
		"enable.auto.commit": false, "enable.auto.offset.store": false,
		"partition.assignment.strategy": "cooperative-sticky", "log_level": 3,
	})
	require.NoError(t, err)
	require.NoError(t, c.SubscribeTopics([]string{benchS3Topic}, nil))
	next := map[int32]kafka.TopicPartition{}
	for n := 0; n < benchS3Records; {
		switch e := c.Poll(100).(type) {
		case *kafka.Message:
			n++
			tp := e.TopicPartition
			tp.Offset++
			next[tp.Partition] = tp
		case kafka.Error:
			t.Fatal(e)
		}
	}
	offsets := make([]kafka.TopicPartition, 0, len(next))
	for _, tp := range next {
		offsets = append(offsets, tp)
	}
	_, err = c.CommitOffsets(offsets)
	require.NoError(t, err)
	require.NoError(t, c.Close())
}

// benchSink runs the S3 sink as a user of Confluent's connector would
// configure it (JSON converter without schemas, JsonFormat, the default
// partitioner) until every record is in S3 and committed.
func benchSink(t *testing.T, args benchSideArgs) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := map[string]string{
		"name":                           args.Group,
		"connector.class":                ConnectorClass,
		"topics":                         benchS3Topic,
		"key.converter":                  "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":                "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable": "false",
		BucketConfig:                     benchS3Bucket,
		StoreURLConfig:                   args.S3,
		RegionConfig:                     "us-east-1",
		AccessKeyIDConfig:                "bench",
		SecretAccessKeyConfig:            "bench",
		TopicsDirConfig:                  args.TopicsDir,
		FormatClassConfig:                JSONFormatClass,
		FlushSizeConfig:                  strconv.Itoa(args.FlushSize),
		PartSizeConfig:                   strconv.Itoa(5 << 20),
	}
	done := make(chan error, 1)
	go func() {
		done <- sink.Run(ctx, NewConnector(WithLogger(quiet)), cfg, sink.WithLogger(quiet),
			sink.WithWorkerConfig(map[string]string{"bootstrap.servers": args.Bootstrap, "offset.flush.interval.ms": "100"}))
	}()
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": args.Bootstrap, "log_level": 3})
	require.NoError(t, err)
	defer admin.Close()
	group := "connect-" + args.Group
	for {
		select {
		case err := <-done:
			t.Fatalf("the sink stopped early: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
		res, err := admin.ListConsumerGroupOffsets(ctx, []kafka.ConsumerGroupTopicPartitions{{Group: group}})
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
		if total == benchS3Records {
			break
		}
	}
	cancel()
	require.NoError(t, <-done)
}
