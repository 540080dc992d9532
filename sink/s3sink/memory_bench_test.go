package s3sink

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/internal/benchkit"
	"github.com/connectkit/connectkit/sink"
)

// BenchmarkS3SinkBufferMemory measures the peak RSS of the S3 sink
// (the sink runtime, JsonConverter, JsonFormat, one task) on 50 partitions
// of 10 KB JSON records, 27 MB per partition, into one object per
// partition: without a memory budget (s3.buffer.memory.bytes=0, as before
// it existed: each open object holds up to s3.part.size, 25 MiB) and with
// the default budget (256 MiB). The cluster (embedded, kfake) runs in a
// child process of its own, and so does each measured sink, whose S3 is a
// client that reads and discards what it is sent, so that the peak RSS
// (getrusage of the child) is the sink's own.
//
//	go test ./sink/s3sink -run '^$' -bench S3SinkBufferMemory -benchtime 1x
const (
	memBenchPartitions   = 50
	memBenchPerPartition = 2700 // records of 10 KB: 27 MB, more than one 25 MiB part
	memBenchTopic        = "wide"
	memBenchServersEnv   = "CONNECTKIT_S3_MEMBENCH_SERVERS"
	memBenchSideEnv      = "CONNECTKIT_S3_MEMBENCH_SIDE"
)

func BenchmarkS3SinkBufferMemory(b *testing.B) {
	kafkaAddr := benchkit.StartChild(b, "TestS3MemoryBenchServers", memBenchServersEnv)[0]
	for _, v := range []struct{ budget, gomemlimit string }{
		{"0", ""},
		{strconv.Itoa(defaultBufferMemory), ""},
		// The Go runtime lets the heap grow to twice what is live before
		// it collects (GOGC=100); a soft limit keeps it nearer.
		{strconv.Itoa(defaultBufferMemory), "512MiB"},
	} {
		name := "budget=" + v.budget
		if v.gomemlimit != "" {
			name += "/GOMEMLIMIT=" + v.gomemlimit
		}
		b.Run(name, func(b *testing.B) {
			var peak int64
			var elapsed time.Duration
			for i := range b.N {
				rss, took := runMemBenchSide(b, kafkaAddr, v.budget, v.gomemlimit, fmt.Sprintf("membench-%d-%d", i, time.Now().UnixNano()))
				peak = max(peak, rss)
				elapsed += took
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
			b.ReportMetric(elapsed.Seconds()/float64(b.N), "s/run")
		})
	}
}

// memBenchValue is a JSON record of about 10 KB.
func memBenchValue(i int) []byte {
	return fmt.Appendf(nil, `{"id":%d,"payload":"%s"}`, i, strings.Repeat(string(rune('a'+i%26)), 10_000))
}

func TestS3MemoryBenchServers(t *testing.T) {
	if os.Getenv(memBenchServersEnv) == "" {
		t.Skip("started by BenchmarkS3SinkBufferMemory")
	}
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, memBenchTopic, memBenchPartitions)
	c.ProduceN(t, memBenchTopic, memBenchPartitions*memBenchPerPartition, func(i int) connectortest.Record {
		return connectortest.Record{Partition: int32(i % memBenchPartitions), Value: memBenchValue(i)}
	})
	benchkit.Serve(c.BootstrapServers())
}

// runMemBenchSide runs the sink in a child until every record is in an
// object and committed, and returns the child's peak RSS and run time.
func runMemBenchSide(b *testing.B, kafkaAddr, budget, gomemlimit, group string) (int64, time.Duration) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestS3MemoryBenchSide$", "-test.v")
	cmd.Env = append(os.Environ(), memBenchSideEnv+"="+strings.Join([]string{kafkaAddr, budget, group}, " "))
	if gomemlimit != "" {
		cmd.Env = append(cmd.Env, "GOMEMLIMIT="+gomemlimit)
	}
	if os.Getenv("MEMBENCH_GCTRACE") == "1" { // the heap before and after each GC, on stderr
		cmd.Env = append(cmd.Env, "GODEBUG=gctrace=1")
	}
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	require.NoError(b, err, "%s", out)
	var took time.Duration
	for line := range strings.SplitSeq(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "ELAPSED "); ok {
			ns, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			require.NoError(b, err)
			took = time.Duration(ns)
		}
	}
	require.NotZero(b, took, "the sink printed no result: %s", out)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return ru.Maxrss << 10, took // Linux reports KiB
}

// TestS3MemoryBenchSide is the measured child of
// BenchmarkS3SinkBufferMemory.
func TestS3MemoryBenchSide(t *testing.T) {
	raw := os.Getenv(memBenchSideEnv)
	if raw == "" {
		t.Skip("started by BenchmarkS3SinkBufferMemory")
	}
	f := strings.Fields(raw)
	require.Len(t, f, 3)
	bootstrap, budget, group := f[0], f[1], f[2]
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := map[string]string{
		"name":                           group,
		"connector.class":                ConnectorClass,
		"topics":                         memBenchTopic,
		"value.converter":                "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable": "false",
		BucketConfig:                     "bench",
		FormatClassConfig:                JSONFormatClass,
		FlushSizeConfig:                  strconv.Itoa(memBenchPerPartition),
		BufferMemoryConfig:               budget,
	}
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		done <- sink.Run(ctx, NewConnector(WithLogger(quiet), WithClient(discardS3{})), cfg, sink.WithLogger(quiet),
			sink.WithWorkerConfig(map[string]string{"bootstrap.servers": bootstrap, "offset.flush.interval.ms": "1000"}))
	}()
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": bootstrap, "log_level": 3})
	require.NoError(t, err)
	defer admin.Close()
	for {
		select {
		case err := <-done:
			t.Fatalf("the sink stopped early: %v", err)
		case <-time.After(200 * time.Millisecond):
		}
		res, err := admin.ListConsumerGroupOffsets(ctx, []kafka.ConsumerGroupTopicPartitions{{Group: "connect-" + group}})
		if err != nil {
			continue
		}
		var total int64
		for _, g := range res.ConsumerGroupsTopicPartitions {
			for _, p := range g.Partitions {
				if p.Offset >= 0 {
					total += int64(p.Offset)
				}
			}
		}
		if total == memBenchPartitions*memBenchPerPartition {
			break
		}
	}
	took := time.Since(start)
	cancel()
	require.NoError(t, <-done)
	fmt.Printf("ELAPSED %d\n", took.Nanoseconds())
}

// discardS3 is an S3 that reads what it is sent and keeps nothing, so that
// a measurement sees only the sink's memory. It is safe for concurrent use.
type discardS3 struct{}

var _ Client = discardS3{}

func (discardS3) HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	return &s3.HeadBucketOutput{}, nil
}

func (discardS3) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	_, err := io.Copy(io.Discard, in.Body)
	return &s3.PutObjectOutput{}, err
}

func (discardS3) CreateMultipartUpload(context.Context, *s3.CreateMultipartUploadInput, ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error) {
	return &s3.CreateMultipartUploadOutput{UploadId: aws.String("discard")}, nil
}

func (discardS3) UploadPart(_ context.Context, in *s3.UploadPartInput, _ ...func(*s3.Options)) (*s3.UploadPartOutput, error) {
	_, err := io.Copy(io.Discard, in.Body)
	return &s3.UploadPartOutput{ETag: aws.String(`"discard"`)}, err
}

func (discardS3) CompleteMultipartUpload(context.Context, *s3.CompleteMultipartUploadInput, ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error) {
	return &s3.CompleteMultipartUploadOutput{}, nil
}

func (discardS3) AbortMultipartUpload(context.Context, *s3.AbortMultipartUploadInput, ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
	return &s3.AbortMultipartUploadOutput{}, nil
}

func (discardS3) HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	return nil, s3Error(404, "NotFound")
}

func (discardS3) ListMultipartUploads(context.Context, *s3.ListMultipartUploadsInput, ...func(*s3.Options)) (*s3.ListMultipartUploadsOutput, error) {
	return &s3.ListMultipartUploadsOutput{}, nil
}
