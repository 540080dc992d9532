package kafkasink

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/sink"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// sinkConfig runs the connector from topic src to dst on the same cluster.
func sinkConfig(c *connectortest.Cluster, name, src, dst string, overrides map[string]string) map[string]string {
	cfg := c.SinkConfig(name, src)
	cfg["connector.class"] = ConnectorClass
	cfg[SinkBootstrapConfig] = c.BootstrapServers()
	cfg[SinkTopicConfig] = dst
	maps.Copy(cfg, overrides)
	return cfg
}

func values(recs []connectortest.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = string(r.Value)
	}
	return out
}

func waitCommitted(t *testing.T, c *connectortest.Cluster, name, topic string, partitions int32, total int64) {
	t.Helper()
	c.WaitFor(t, 60*time.Second, func() bool { return committedTotal(t, c, name, topic) == total },
		"the connector to commit every record of "+topic)
}

// committedTotal sums connector name's committed offsets of topic.
func committedTotal(t *testing.T, c *connectortest.Cluster, name, topic string) int64 {
	t.Helper()
	var sum int64
	for tp, off := range c.CommittedOffsets(t, "connect-"+name) {
		if tp.Topic == topic {
			sum += off
		}
	}
	return sum
}

func produceValues(t *testing.T, c *connectortest.Cluster, topic string, vals ...string) {
	t.Helper()
	recs := make([]connectortest.Record, len(vals))
	for i, v := range vals {
		recs[i] = connectortest.Record{Topic: topic, Key: []byte("k" + strconv.Itoa(i)), Value: []byte(v)}
		if v == "<null>" {
			recs[i].Value = nil
		}
	}
	c.Produce(t, recs...)
}

// Records that match go to the destination with the key and timestamp
// taken from their value, as kakao's connector configures them; the
// others are filtered out and still committed.
func TestForwardsMatchingRecordsWithKeyAndTimestamp(t *testing.T) {
	connectortest.EachCluster(t, func(t *testing.T, c *connectortest.Cluster) {
		src, dst, name := c.Unique("fruits"), c.Unique("red-fruits"), c.Unique("kafkasink-forward")
		c.CreateTopic(t, src, 1)
		c.CreateTopic(t, dst, 1)
		produceValues(t, c, src,
			`{"color":"red","data":{"type":"fruit","name":"apple"},"ts":"20221128 120524 645"}`,
			`{"color":"yellow","data":{"type":"fruit","name":"banana"},"ts":"20221128 120524 645"}`,
			`{"color":"red","all":false,"data":{"type":"fruit","name":"cherry"},"ts":"20221128 120524 645"}`,
			`{"color":"red","data":{"type":"veg","name":"pepper"},"ts":"20221129 000000 000"}`,
		)
		cfg := sinkConfig(c, name, src, dst, map[string]string{
			FilterConditionConfig:  "$.[?(@.color == 'red' && !@.all)]",
			KeyEnabledConfig:       "true",
			KeyFieldConfig:         "@.data.type,@.data.name",
			TimestampEnabledConfig: "true",
			TimestampFieldConfig:   "@.ts",
			TimestampFormatConfig:  "yyyyMMdd HHmmss SSS",
			TimestampZoneConfig:    "Asia/Seoul",
		})
		h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), cfg, sink.WithLogger(quiet))
		waitCommitted(t, c, name, src, 1, 4)
		require.NoError(t, h.Stop())
		out := c.ReadAll(t, dst)
		require.Len(t, out, 2)
		assert.Equal(t, "fruitapple", string(out[0].Key))
		assert.Equal(t, "vegpepper", string(out[1].Key))
		// Kakao's own test value, which passes there only in KST.
		assert.Equal(t, int64(1669604724645), out[0].Timestamp.UnixMilli())
		assert.Contains(t, string(out[1].Value), "pepper")
	})
}

// Several routes split one topic; a record goes to every route it matches.
func TestRoutesSplitATopic(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "events", 2)
	for _, topic := range []string{"clicks", "views", "kr"} {
		c.CreateTopic(t, topic, 1)
	}
	var vals []string
	for i := range 30 {
		kind := []string{"click", "view", "scroll"}[i%3]
		country := []string{"KR", "JP"}[i%2]
		vals = append(vals, `{"kind":"`+kind+`","country":"`+country+`","n":`+strconv.Itoa(i)+`}`)
	}
	recs := make([]connectortest.Record, len(vals))
	for i, v := range vals {
		recs[i] = connectortest.Record{Topic: "events", Partition: int32(i % 2), Value: []byte(v)}
	}
	c.Produce(t, recs...)
	cfg := sinkConfig(c, "routes", "events", "", map[string]string{
		RoutesConfig:                         "clicks,views,kr",
		"kafka.route.clicks.condition":       "$[?(@.kind == 'click')]",
		"kafka.route.clicks.topic":           "clicks",
		"kafka.route.views.condition":        "$[?(@.kind == \"view\")]",
		"kafka.route.views.topic":            "views",
		"kafka.route.kr.condition":           "$[?(@.country == 'KR')]",
		"kafka.route.kr.topic":               "kr",
		ForwardKeyConfig:                     "true",
		"consumer.override.max.poll.records": "7",
	})
	delete(cfg, SinkTopicConfig)
	h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), cfg, sink.WithLogger(quiet))
	waitCommitted(t, c, "routes", "events", 2, 30)
	require.NoError(t, h.Stop())
	assert.Len(t, c.ReadAll(t, "clicks"), 10)
	assert.Len(t, c.ReadAll(t, "views"), 10)
	kr := c.ReadAll(t, "kr")
	assert.Len(t, kr, 15)
	for _, r := range kr {
		assert.Contains(t, string(r.Value), `"KR"`)
	}
}

// Values that are not JSON, and matching records without their key, go to
// the dead-letter queue under errors.tolerance=all; the rest is forwarded,
// and everything is committed.
func TestBadRecordsGoToTheDeadLetterQueue(t *testing.T) {
	c := connectortest.NewCluster(t)
	for _, topic := range []string{"in", "out", "dlq"} {
		c.CreateTopic(t, topic, 1)
	}
	produceValues(t, c, "in",
		`{"id":"a"}`, `not json`, `{"id":"b"`, `{"other":1}`, `{"id":"c"}`, `{color=red}`, `<null>`)
	cfg := sinkConfig(c, "dlq", "in", "out", map[string]string{
		FilterConditionConfig:               "$[?(!@.skip)]",
		KeyEnabledConfig:                    "true",
		KeyFieldConfig:                      "@.id",
		KeyMissingConfig:                    BehaviorFail,
		"errors.tolerance":                  "all",
		"errors.deadletterqueue.topic.name": "dlq",
		"errors.deadletterqueue.topic.replication.factor": "1",
		"errors.deadletterqueue.context.headers.enable":   "true",
	})
	h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), cfg, sink.WithLogger(quiet))
	waitCommitted(t, c, "dlq", "in", 1, 7)
	require.NoError(t, h.Stop())
	assert.Equal(t, []string{`{"id":"a"}`, `{"id":"c"}`}, values(c.ReadAll(t, "out")))
	dead := c.ReadAll(t, "dlq")
	assert.Equal(t, []string{`not json`, `{"id":"b"`, `{"other":1}`, `{color=red}`}, values(dead))
	for _, r := range dead {
		var msg string
		for _, hd := range r.Headers {
			if hd.Key == "__connect.errors.exception.message" {
				msg = string(hd.Value)
			}
		}
		assert.Regexp(t, "not valid JSON|missing or null", msg)
	}
}

// Under errors.tolerance=none a bad record fails the task, naming it, and
// no offset passes it.
func TestBadRecordFailsTheTask(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "in", 1)
	c.CreateTopic(t, "out", 1)
	produceValues(t, c, "in", `{"id":1}`, `{"id":2`, `{"id":3}`)
	h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), sinkConfig(c, "fail", "in", "out", nil), sink.WithLogger(quiet))
	c.WaitFor(t, 30*time.Second, func() bool { return h.TaskState(0) == connect.StateFailed }, "the task to fail")
	err := h.Status().Tasks[0].Err
	require.Error(t, err)
	assert.Contains(t, err.Error(), "in-0@1")
	assert.Contains(t, err.Error(), "not valid JSON")
	_ = h.Stop()
	assert.LessOrEqual(t, c.CommittedOffsets(t, "connect-fail")[connect.TopicPartition{Topic: "in"}], int64(1))
}

// Tombstones are skipped by default and forwarded on request, with the
// source key.
func TestTombstones(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "in", 1)
	produceValues(t, c, "in", `{"a":1}`, `<null>`, `{"a":2}`)
	for _, behavior := range []string{BehaviorSkip, BehaviorForward} {
		t.Run(behavior, func(t *testing.T) {
			out, name := "out-"+behavior, "tomb-"+behavior
			c.CreateTopic(t, out, 1)
			h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), sinkConfig(c, name, "in", out, map[string]string{
				NullValuesConfig: behavior, ForwardKeyConfig: "true",
			}), sink.WithLogger(quiet))
			waitCommitted(t, c, name, "in", 1, 3)
			require.NoError(t, h.Stop())
			got := c.ReadAll(t, out)
			if behavior == BehaviorSkip {
				assert.Equal(t, []string{`{"a":1}`, `{"a":2}`}, values(got))
				return
			}
			require.Len(t, got, 3)
			assert.Nil(t, got[1].Value)
			assert.Equal(t, "k1", string(got[1].Key))
		})
	}
}

// A delivery that cannot succeed fails the task, and the offsets of the
// records it did not deliver are not committed.
func TestDeliveryFailureFailsTheTask(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "in", 1)
	c.CreateTopic(t, "out", 1)
	produceValues(t, c, "in", `{"a":1}`, `{"a":2}`, `{"a":3}`)
	// Every produce to "out" is refused for want of authorization.
	refuseProduce(c, "out", kerr.TopicAuthorizationFailed.Code).Store(true)
	h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), sinkConfig(c, "refused", "in", "out", nil), sink.WithLogger(quiet))
	c.WaitFor(t, 30*time.Second, func() bool { return h.TaskState(0) == connect.StateFailed }, "the task to fail")
	assert.Contains(t, h.Status().Tasks[0].Err.Error(), "cannot succeed by retrying")
	_ = h.Stop()
	assert.Zero(t, c.CommittedOffsets(t, "connect-refused")[connect.TopicPartition{Topic: "in"}])
}

// A configuration mistake names its key.
func TestConfigErrorsNameTheKey(t *testing.T) {
	base := map[string]string{"name": "x", SinkBootstrapConfig: "localhost:9092",
		TimestampEnabledConfig: "true", TimestampFormatConfig: "yyyy-MM-dd HH:mm:ss"}
	for key, val := range map[string]string{
		FilterConditionConfig:         "$.[?(@.color == )]",
		TimestampFormatConfig:         "yyyy-MM-dd",
		TimestampZoneConfig:           "Mars/Olympus",
		"kafka.sink.transactional.id": "mine",
		SamplingPercentageConfig:      "1.5",
	} {
		cfg := maps.Clone(base)
		cfg[key] = val
		_, err := ConfigDef().Parse(cfg)
		require.Error(t, err, key)
		var ce *connect.ConfigError
		require.ErrorAs(t, err, &ce)
		var keys []string
		for _, p := range ce.Problems {
			keys = append(keys, p.Key)
		}
		assert.Contains(t, keys, key, "%v", err)
	}
	assert.NotEmpty(t, NewConnector().Validate(map[string]string{"value.converter": "org.apache.kafka.connect.json.JsonConverter"}))
}

// readCommitted returns the values of committed transactions in topic.
func readCommitted(t *testing.T, c *connectortest.Cluster, topic string) []string {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.BootstrapServers()), kgo.ConsumeTopics(topic),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	require.NoError(t, err)
	defer cl.Close()
	var out []string
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for ctx.Err() == nil {
		f := cl.PollFetches(ctx)
		f.EachRecord(func(r *kgo.Record) { out = append(out, string(r.Value)) })
	}
	slices.Sort(out)
	return out
}
