package s3sink

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
)

// The sink conformance suite, reading objects back from the fake S3.
// flush.size divides the records each check puts in a partition (300 over
// 3 or 2 partitions), so every record ends up in a committed object.
func TestConformance(t *testing.T) {
	fake := newFakeS3("conformance")
	connectortest.TestSinkTask(t, func() connect.SinkTask { return NewTask(WithClient(fake), WithLogger(quiet)) },
		connectortest.WithSinkConfig(map[string]string{
			BucketConfig:      "conformance",
			FormatClassConfig: ByteArrayFormatClass,
			FlushSizeConfig:   "25",
		}),
		connectortest.WithReadBack(func(testing.TB) [][]byte { return fake.lines("conformance") }),
	)
	assert.Empty(t, fake.openUploads(), "no multipart upload is left behind")
}

// runtimeConfig is a connector configuration for the embedded cluster.
func runtimeConfig(c *connectortest.Cluster, name, topic string, overrides map[string]string) map[string]string {
	cfg := c.SinkConfig(name, topic)
	maps.Copy(cfg, map[string]string{
		BucketConfig:                         bucket,
		FormatClassConfig:                    ByteArrayFormatClass,
		FlushSizeConfig:                      "10",
		PartRetriesConfig:                    "1",
		RetryBackoffConfig:                   "1",
		"consumer.override.max.poll.records": "7",
	})
	maps.Copy(cfg, overrides)
	return cfg
}

func value(p int32, i int) []byte { return fmt.Appendf(nil, "p%d-record-%03d", p, i) }

// produce writes n records to each of the topic's partitions.
func produce(t *testing.T, c *connectortest.Cluster, topic string, partitions int32, n int) {
	t.Helper()
	c.ProduceN(t, topic, int(partitions)*n, func(i int) connectortest.Record {
		p := int32(i) % partitions
		return connectortest.Record{Topic: topic, Partition: p, Value: value(p, i/int(partitions))}
	})
}

// expectedObjects returns the objects that n records in each partition,
// made by produce, give under flush.size 10 with ByteArrayFormat: their
// contents by key.
func expectedObjects(topic string, partitions int32, n int) map[string]string {
	out := map[string]string{}
	for p := int32(0); p < partitions; p++ {
		for start := 0; start < n; start += 10 {
			var content []byte
			for i := start; i < start+10; i++ {
				content = append(append(content, value(p, i)...), '\n')
			}
			out[fmt.Sprintf("topics/%s/partition=%d/%s+%d+%010d.bin", topic, p, topic, p, start)] = string(content)
		}
	}
	return out
}

// checkExactlyOnce checks that the bucket holds exactly the expected
// objects, each created once and holding exactly its records, and no
// unfinished upload.
func checkExactlyOnce(t *testing.T, fake *fakeS3, topic string, partitions int32, n int) {
	t.Helper()
	want := expectedObjects(topic, partitions, n)
	for key, content := range want {
		assert.Equal(t, content, string(fake.object(bucket, key)), "content of %s", key)
		assert.Equal(t, 1, fake.writeCount(bucket, key), "%s created once", key)
	}
	var got []string
	for _, k := range fake.keys(bucket) {
		if strings.HasPrefix(k, "topics/"+topic+"/") {
			got = append(got, k)
		}
	}
	assert.Equal(t, slices.Sorted(maps.Keys(want)), got)
	assert.Empty(t, fake.openUploads())
}

func waitCommitted(t *testing.T, c *connectortest.Cluster, group, topic string, partitions int32, n int64) {
	t.Helper()
	c.WaitFor(t, 60*time.Second, func() bool {
		committed := c.CommittedOffsets(t, group)
		for p := int32(0); p < partitions; p++ {
			if committed[connect.TopicPartition{Topic: topic, Partition: p}] != n {
				return false
			}
		}
		return true
	}, "the sink to commit every record of "+topic)
}

// A task that dies mid-stream, with some objects written and others not,
// is restarted: in the end every expected object exists exactly once with
// exactly its records, whatever the first run left behind.
func TestRestartAfterFailureWritesEachObjectOnce(t *testing.T) {
	c := connectortest.NewCluster(t)
	const topic, partitions, n = "restart", 2, 100
	c.CreateTopic(t, topic, partitions)
	produce(t, c, topic, partitions, n)
	fake := newFakeS3(bucket)
	cfg := runtimeConfig(c, "s3-restart", topic, nil)

	// From the sixth object on, S3 denies writes: an error no retry can
	// fix, so the task fails mid-stream.
	var puts int
	fake.hook = func(op, _ string) {
		if op != "PutObject" {
			return
		}
		fake.mu.Lock()
		defer fake.mu.Unlock()
		if puts++; puts == 6 {
			fake.always["PutObject"] = s3Error(403, "AccessDenied")
		}
	}
	conn := NewConnector(WithClient(fake), WithLogger(quiet))
	h := connectortest.StartSink(t, conn, cfg)
	c.WaitFor(t, 30*time.Second, func() bool { return h.TaskState(0) == connect.StateFailed }, "the task to fail")
	_ = h.Stop()
	written := len(fake.keys(bucket))
	require.Less(t, written, partitions*n/10, "the first run stops mid-stream")

	fake.failAlways("PutObject", nil)
	fake.hook = nil
	h = connectortest.StartSink(t, conn, cfg)
	waitCommitted(t, c, "connect-s3-restart", topic, partitions, n)
	require.NoError(t, h.Stop())
	checkExactlyOnce(t, fake, topic, partitions, n)
	t.Logf("first run wrote %d of %d objects", written, partitions*n/10)
}

// Uploads that keep failing beyond s3.part.retries make Put return a
// retriable error; the runtime retries, the task rewinds the partitions
// concerned, and the records end up in S3 exactly once.
func TestRecoversThroughTheRuntimeAfterExhaustedRetries(t *testing.T) {
	c := connectortest.NewCluster(t)
	const topic, partitions, n = "recover", 2, 100
	c.CreateTopic(t, topic, partitions)
	produce(t, c, topic, partitions, n)
	fake := newFakeS3(bucket)
	// Three PutObjects fail twice in a row: one retry is not enough.
	var calls int
	fake.hook = func(op, _ string) {
		if op != "PutObject" {
			return
		}
		fake.mu.Lock()
		defer fake.mu.Unlock()
		if calls++; calls == 3 || calls == 9 || calls == 16 {
			fake.faults["PutObject"] = append(fake.faults["PutObject"], s3Error(503, "SlowDown"), s3Error(503, "SlowDown"))
		}
	}
	cfg := runtimeConfig(c, "s3-recover", topic, map[string]string{
		"errors.retry.timeout": "60000",
		TaskRetryBackoffConfig: "10",
	})
	h := connectortest.StartSink(t, NewConnector(WithClient(fake), WithLogger(quiet)), cfg)
	waitCommitted(t, c, "connect-s3-recover", topic, partitions, n)
	require.NoError(t, h.Stop())
	checkExactlyOnce(t, fake, topic, partitions, n)
	assert.GreaterOrEqual(t, len(fake.callsOf("PutObject")), partitions*n/10+6, "uploads failed and were redone")
}

// Bad records go to the dead-letter queue under errors.tolerance=all while
// the others reach S3.
func TestBadRecordsGoToTheDeadLetterQueue(t *testing.T) {
	c := connectortest.NewCluster(t)
	const topic = "dlq-source"
	c.CreateTopic(t, topic, 1)
	c.CreateTopic(t, "dlq", 1)
	var records []connectortest.Record
	for i := range 20 {
		v := []byte(`{"n":` + strconv.Itoa(i) + `}`)
		if i%7 == 3 {
			v = nil // a null value: behavior.on.null.values=fail
		}
		records = append(records, connectortest.Record{Topic: topic, Value: v})
	}
	c.Produce(t, records...)
	fake := newFakeS3(bucket)
	cfg := runtimeConfig(c, "s3-dlq", topic, map[string]string{
		FormatClassConfig:                                 JSONFormatClass,
		FlushSizeConfig:                                   "17",
		"value.converter":                                 "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable":                  "false",
		"errors.tolerance":                                "all",
		"errors.deadletterqueue.topic.name":               "dlq",
		"errors.deadletterqueue.topic.replication.factor": "1",
	})
	h := connectortest.StartSink(t, NewConnector(WithClient(fake), WithLogger(quiet)), cfg)
	waitCommitted(t, c, "connect-s3-dlq", topic, 1, 20)
	require.NoError(t, h.Stop())
	dead := c.ReadAll(t, "dlq")
	assert.Len(t, dead, 3)
	var want bytes.Buffer
	for i := range 20 {
		if i%7 != 3 {
			fmt.Fprintf(&want, "{\"n\":%d}\n", i)
		}
	}
	assert.Equal(t, want.String(), string(fake.object(bucket, "topics/dlq-source/partition=0/dlq-source+0+0000000000.json")))
}
