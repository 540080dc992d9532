package kafkasink

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/sink"
)

// numbered returns n records for topic whose values are {"n":i}, keyed by
// key(i) (nil for no key).
func numbered(topic string, from, n int, key func(i int) []byte) []connectortest.Record {
	recs := make([]connectortest.Record, n)
	for i := range n {
		recs[i] = connectortest.Record{Topic: topic, Value: []byte(`{"n":` + strconv.Itoa(from+i) + `}`)}
		if key != nil {
			recs[i].Key = key(from + i)
		}
	}
	return recs
}

func keyOf(i int) []byte { return []byte("key-" + strconv.Itoa(i)) }

func valueSet(recs []connectortest.Record) []string {
	out := slices.Sorted(slices.Values(values(recs)))
	return slices.Compact(out)
}

// waitDone waits until connector name has committed total offsets of topic,
// and stops the test at once, with the task's error, if the task fails.
func waitDone(t *testing.T, c *connectortest.Cluster, h *connectortest.SinkHarness, name, topic string, total int) {
	t.Helper()
	c.WaitFor(t, 30*time.Second, func() bool {
		if h.TaskState(0) == connect.StateFailed {
			require.FailNow(t, "the task failed", "%v", h.Status().Tasks[0].Err)
		}
		return committedTotal(t, c, name, topic) == int64(total)
	}, "the connector to commit every record of "+topic)
}

// waitFailed waits for the task to fail and returns its error.
func waitFailed(t *testing.T, c *connectortest.Cluster, h *connectortest.SinkHarness) string {
	t.Helper()
	c.WaitFor(t, 30*time.Second, func() bool { return h.TaskState(0) == connect.StateFailed }, "the task to fail")
	err := h.Status().Tasks[0].Err
	require.Error(t, err)
	return err.Error()
}

// Sampling keeps about kafka.sampling.percentage of the records, as a
// fraction, whether at random or by hash, and commits the offsets of the
// records it leaves out.
func TestSamplingForwardsTheFraction(t *testing.T) {
	c := connectortest.NewCluster(t)
	const n, fraction = 300, 0.3
	c.CreateTopic(t, "in", 1)
	c.Produce(t, numbered("in", 0, n, keyOf)...)
	for _, deterministic := range []bool{false, true} {
		t.Run("deterministic="+strconv.FormatBool(deterministic), func(t *testing.T) {
			name := "share-" + strconv.FormatBool(deterministic)
			out := name + "-out"
			c.CreateTopic(t, out, 1)
			h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), sinkConfig(c, name, "in", out, map[string]string{
				SamplingEnabledConfig:       "true",
				SamplingPercentageConfig:    strconv.FormatFloat(fraction, 'g', -1, 64),
				SamplingDeterministicConfig: strconv.FormatBool(deterministic),
			}), sink.WithLogger(quiet))
			waitDone(t, c, h, name, "in", n)
			require.NoError(t, h.Stop())
			got := len(c.ReadAll(t, out))
			// 45 is 5.7 standard deviations of a binomial(300, 0.3): random
			// sampling stays inside it but for a chance of about 1e-8;
			// deterministic sampling gives the same count every run.
			assert.InDelta(t, fraction*n, got, 45, "records forwarded out of %d", n)
		})
	}
}

// Sampling draws for every record before the filter is tested, as kakao's
// connector does, and keeps a record when its draw is below the fraction.
func TestSamplingDrawsBeforeTheFilter(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "in", 1)
	c.CreateTopic(t, "out", 1)
	var vals []string
	for i := range 40 {
		if i%10 == 1 {
			vals = append(vals, `{"n":`+strconv.Itoa(i)+`,"skip":true}`)
		} else {
			vals = append(vals, `{"n":`+strconv.Itoa(i)+`}`)
		}
	}
	produceValues(t, c, "in", vals...)
	// Draws 0, 0.1, ... 0.9, 0, 0.1, ...: with 0.3, records 0, 1 and 2 of
	// every ten are sampled, and record 1 is then filtered out.
	var draws int
	draw := func() float64 {
		d := float64(draws%10) / 10
		draws++
		return d
	}
	h := connectortest.StartSink(t, NewConnector(WithLogger(quiet), WithRandom(draw)), sinkConfig(c, "draws", "in", "out", map[string]string{
		FilterConditionConfig:    "$[?(!@.skip)]",
		SamplingEnabledConfig:    "true",
		SamplingPercentageConfig: "0.3",
	}), sink.WithLogger(quiet))
	waitDone(t, c, h, "draws", "in", 40)
	require.NoError(t, h.Stop())
	assert.Equal(t, []string{`{"n":0}`, `{"n":2}`, `{"n":10}`, `{"n":12}`, `{"n":20}`, `{"n":22}`, `{"n":30}`, `{"n":32}`},
		values(c.ReadAll(t, "out")))
}

// Deterministic sampling chooses the same records when the same input is
// read again by a new consumer group: keyed records by their key, wherever
// they are, and records without a key by their place in the log.
func TestDeterministicSamplingReplays(t *testing.T) {
	c := connectortest.NewCluster(t)
	const n = 200
	c.CreateTopic(t, "keyed", 1)
	c.CreateTopic(t, "unkeyed", 1)
	c.CreateTopic(t, "moved", 2)
	c.Produce(t, numbered("keyed", 0, n, keyOf)...)
	c.Produce(t, numbered("unkeyed", n, n, nil)...)
	// The keyed records again, in reverse order over two partitions: each
	// at other coordinates than in "keyed".
	moved := numbered("moved", 0, n, keyOf)
	slices.Reverse(moved)
	for i := range moved {
		moved[i].Partition = int32(i % 2)
	}
	c.Produce(t, moved...)

	run := func(name string, topics ...string) []string {
		t.Helper()
		out := name + "-out"
		c.CreateTopic(t, out, 1)
		cfg := sinkConfig(c, name, "", out, map[string]string{
			"topics":                    strings.Join(topics, ","),
			SamplingEnabledConfig:       "true",
			SamplingPercentageConfig:    "0.3",
			SamplingDeterministicConfig: "true",
		})
		h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), cfg, sink.WithLogger(quiet))
		for _, topic := range topics {
			waitDone(t, c, h, name, topic, n)
		}
		require.NoError(t, h.Stop())
		return valueSet(c.ReadAll(t, out))
	}
	first := run("first", "keyed", "unkeyed")
	replay := run("replay", "keyed", "unkeyed")
	elsewhere := run("elsewhere", "moved")

	var keyed, unkeyed []string
	for _, v := range first {
		if i, _ := strconv.Atoi(strings.Trim(v, `{"n:}`)); i < n {
			keyed = append(keyed, v)
		} else {
			unkeyed = append(unkeyed, v)
		}
	}
	// Each half is a fair sample, neither none nor all of it.
	assert.InDelta(t, 0.3*n, len(keyed), 30, "keyed records sampled")
	assert.InDelta(t, 0.3*n, len(unkeyed), 30, "unkeyed records sampled")
	assert.Equal(t, first, replay, "a new group samples the same records")
	assert.Equal(t, keyed, elsewhere, "the same keys are sampled at other offsets and partitions")
}

// The consumed record's key, headers and timestamp are kept only when asked
// (kakao dropped them); a key or timestamp read from the value wins over
// them. Key paths are concatenated, a leading @ is the root, and timestamps
// are read in kafka.timestamp.zone.
func TestForwardingKeyHeadersAndTimestamp(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "in", 1)
	srcTime := time.Date(2021, 3, 4, 5, 6, 7, 89e6, time.UTC)
	headers := []connectortest.RecordHeader{{Key: "h", Value: []byte("v")}, {Key: "bin", Value: []byte{0, 1, 0xff}}, {Key: "h", Value: []byte("again")}}
	c.Produce(t,
		connectortest.Record{Topic: "in", Key: []byte("src-0"), Headers: headers, Timestamp: srcTime,
			Value: []byte(`{"a":"x","b":{"c":12},"when":"2022-11-28 12:05:24.645","meta":{"ts":"04/07/2023 09:30"}}`)},
		connectortest.Record{Topic: "in", Key: []byte("src-1"), Timestamp: srcTime.Add(time.Second),
			Value: []byte(`{"a":"y","b":{"c":-3},"when":"2022-11-28 00:00:00.000","meta":{"ts":"31/12/2023 23:59"}}`)},
	)
	srcHeaders := [][]connectortest.RecordHeader{headers, nil}
	srcKeys := [][]byte{[]byte("src-0"), []byte("src-1")}
	srcTimes := []time.Time{srcTime, srcTime.Add(time.Second)}
	kst := []time.Time{time.Date(2022, 11, 28, 3, 5, 24, 645e6, time.UTC), time.Date(2022, 11, 27, 15, 0, 0, 0, time.UTC)}
	newYork := []time.Time{time.Date(2023, 7, 4, 13, 30, 0, 0, time.UTC), time.Date(2024, 1, 1, 4, 59, 0, 0, time.UTC)}

	for _, tc := range []struct {
		name    string
		config  map[string]string
		keys    [][]byte    // nil: no key
		headers bool        // the source headers, byte for byte
		times   []time.Time // nil: stamped by the producer
	}{
		{name: "kakao", config: nil},
		{name: "key", config: map[string]string{ForwardKeyConfig: "true"}, keys: srcKeys},
		{name: "headers", config: map[string]string{ForwardHeadersConfig: "true"}, headers: true},
		{name: "timestamp", config: map[string]string{ForwardTimestampConfig: "true"}, times: srcTimes},
		{name: "all", config: map[string]string{ForwardKeyConfig: "true", ForwardHeadersConfig: "true", ForwardTimestampConfig: "true"},
			keys: srcKeys, headers: true, times: srcTimes},
		{name: "key-paths-at-root", config: map[string]string{KeyEnabledConfig: "true", KeyFieldConfig: "@.a,@.b.c", ForwardKeyConfig: "true"},
			keys: [][]byte{[]byte("x12"), []byte("y-3")}},
		{name: "key-paths-dollar", config: map[string]string{KeyEnabledConfig: "true", KeyFieldConfig: "$.b.c,$.a"},
			keys: [][]byte{[]byte("12x"), []byte("-3y")}},
		{name: "timestamp-at-root", config: map[string]string{TimestampEnabledConfig: "true", TimestampFieldConfig: "@.when",
			TimestampFormatConfig: "yyyy-MM-dd HH:mm:ss.SSS", TimestampZoneConfig: "Asia/Seoul", ForwardTimestampConfig: "true"},
			times: kst},
		{name: "timestamp-dollar-dst", config: map[string]string{TimestampEnabledConfig: "true", TimestampFieldConfig: "$.meta.ts",
			TimestampFormatConfig: "dd/MM/yyyy HH:mm", TimestampZoneConfig: "America/New_York"},
			times: newYork},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name, out := "fwd-"+tc.name, "out-"+tc.name
			c.CreateTopic(t, out, 1)
			cfg := sinkConfig(c, name, "in", out, tc.config)
			cfg["header.converter"] = "org.apache.kafka.connect.converters.ByteArrayConverter"
			start := time.Now()
			h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), cfg, sink.WithLogger(quiet))
			waitDone(t, c, h, name, "in", 2)
			require.NoError(t, h.Stop())
			got := c.ReadAll(t, out)
			require.Len(t, got, 2)
			for i, r := range got {
				if tc.keys == nil {
					assert.Nil(t, r.Key, "record %d key", i)
				} else {
					assert.Equal(t, string(tc.keys[i]), string(r.Key), "record %d key", i)
				}
				if tc.headers {
					assert.Equal(t, srcHeaders[i], r.Headers, "record %d headers", i)
				} else {
					assert.Empty(t, r.Headers, "record %d headers", i)
				}
				if tc.times == nil {
					assert.WithinRange(t, r.Timestamp, start.Add(-time.Second).Truncate(time.Millisecond), time.Now(), "record %d timestamp", i)
				} else {
					assert.Equal(t, tc.times[i], r.Timestamp, "record %d timestamp", i)
				}
			}
		})
	}
}

// Tombstones, which no condition can test, go to every route's topic with
// kafka.behavior.on.null.values=forward and nowhere with skip; either way
// their offsets are committed, a tombstone at the end of the log included.
func TestTombstonesAcrossRoutes(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "in", 1)
	tombTime := time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC)
	c.Produce(t,
		connectortest.Record{Topic: "in", Key: []byte("a"), Value: []byte(`{"kind":"a"}`)},
		connectortest.Record{Topic: "in", Key: []byte("b"), Value: []byte(`{"kind":"b"}`)},
		connectortest.Record{Topic: "in", Key: []byte("gone"), Timestamp: tombTime},
	)
	for _, behavior := range []string{BehaviorSkip, BehaviorForward} {
		t.Run(behavior, func(t *testing.T) {
			name, ta, tb := "routes-"+behavior, "a-"+behavior, "b-"+behavior
			c.CreateTopic(t, ta, 1)
			c.CreateTopic(t, tb, 1)
			cfg := sinkConfig(c, name, "in", "", map[string]string{
				RoutesConfig:                "a,b",
				RoutePrefix + "a.condition": "$[?(@.kind == 'a')]",
				RoutePrefix + "a.topic":     ta,
				RoutePrefix + "b.condition": "$[?(@.kind == 'b')]",
				RoutePrefix + "b.topic":     tb,
				NullValuesConfig:            behavior,
				ForwardKeyConfig:            "true",
				ForwardTimestampConfig:      "true",
			})
			delete(cfg, SinkTopicConfig)
			h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), cfg, sink.WithLogger(quiet))
			waitDone(t, c, h, name, "in", 3)
			require.NoError(t, h.Stop())
			for _, topic := range []string{ta, tb} {
				got := c.ReadAll(t, topic)
				if behavior == BehaviorSkip {
					require.Len(t, got, 1, topic)
					continue
				}
				require.Len(t, got, 2, topic)
				assert.Equal(t, "gone", string(got[1].Key))
				assert.Nil(t, got[1].Value, "a tombstone, not an empty value")
				assert.Equal(t, tombTime, got[1].Timestamp)
			}
		})
	}
}

// logWatch counts the log records whose message contains text.
type logWatch struct {
	text string
	n    atomic.Int32
}

func (w *logWatch) Enabled(context.Context, slog.Level) bool { return true }
func (w *logWatch) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, w.text) {
		w.n.Add(1)
	}
	return nil
}
func (w *logWatch) WithAttrs([]slog.Attr) slog.Handler { return w }
func (w *logWatch) WithGroup(string) slog.Handler      { return w }

// refuseProduce makes the cluster answer every produce request to topic
// with the error code while the switch it returns is on; it starts off.
func refuseProduce(c *connectortest.Cluster, topic string, code int16) *atomic.Bool {
	refusing := new(atomic.Bool)
	fake := c.Kfake()
	fake.ControlKey(int16(kmsg.Produce), func(req kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		pr := req.(*kmsg.ProduceRequest)
		if !refusing.Load() || !slices.ContainsFunc(pr.Topics, func(rt kmsg.ProduceRequestTopic) bool { return rt.Topic == topic }) {
			return nil, nil, false
		}
		resp := pr.ResponseKind().(*kmsg.ProduceResponse)
		for _, rt := range pr.Topics {
			st := kmsg.NewProduceResponseTopic()
			st.Topic = rt.Topic
			for _, rp := range rt.Partitions {
				sp := kmsg.NewProduceResponseTopicPartition()
				sp.Partition = rp.Partition
				sp.ErrorCode = code
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
	return refusing
}

// checkCommittedDelivered fails the test when the group committed an offset
// of "in" past a record {"n":i} that is not in "out". Offsets are read
// before the destination, which only grows.
func checkCommittedDelivered(t *testing.T, c *connectortest.Cluster, group string) int64 {
	t.Helper()
	committed := c.CommittedOffsets(t, group)[connect.TopicPartition{Topic: "in"}]
	delivered := valueSet(c.ReadAll(t, "out"))
	for i := range committed {
		v := fmt.Sprintf(`{"n":%d}`, i)
		if _, ok := slices.BinarySearch(delivered, v); !ok {
			require.Failf(t, "committed past an undelivered record", "offset %d committed, record %s not in the destination", committed, v)
		}
	}
	return committed
}

// A delivery that fails with an error retrying can fix (here, the
// destination refusing writes as under-replicated until librdkafka's
// delivery timeout) makes the task read the partition again from the first
// undelivered record, whether the failure is found by PreCommit or by the
// next Put: once the fault clears every record arrives, and no offset is
// committed past a record that was not delivered.
func TestRetriableDeliveryFailureRewinds(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flush string // offset.flush.interval.ms
		// trickle produces a record now and then while the destination
		// refuses, so that a Put finds the failure: PreCommit, which
		// waits for every delivery, comes too seldom to find it first.
		trickle bool
	}{
		{name: "found-by-precommit", flush: "100"},
		{name: "found-by-put", flush: "600000", trickle: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := connectortest.NewCluster(t)
			c.CreateTopic(t, "in", 1)
			c.CreateTopic(t, "out", 1)
			refusing := refuseProduce(c, "out", kerr.NotEnoughReplicas.Code)
			rewinds := &logWatch{text: "delivery failed"}
			cfg := sinkConfig(c, "retry", "in", "out", map[string]string{
				"offset.flush.interval.ms": tc.flush,
				// librdkafka retries refused writes itself; a short delivery
				// timeout hands the failure to the task within the test.
				SinkClientPrefix + "delivery.timeout.ms": "500",
				SinkClientPrefix + "retry.backoff.ms":    "50",
			})
			produced, last := 0, time.Now()
			produce := func(n int) {
				c.Produce(t, numbered("in", produced, n, nil)...)
				produced, last = produced+n, time.Now()
			}
			// trickle adds a record now and then, up to a total of limit.
			trickle := func(limit int) {
				if produced < limit && time.Since(last) > 200*time.Millisecond {
					produce(1)
				}
			}
			produce(5)
			h := connectortest.StartSink(t, NewConnector(WithLogger(slog.New(rewinds))), cfg, sink.WithLogger(quiet))
			c.WaitFor(t, 30*time.Second, func() bool { return len(c.ReadAll(t, "out")) == produced }, "the first records")

			refusing.Store(true)
			produce(10)
			c.WaitFor(t, 30*time.Second, func() bool {
				if tc.trickle {
					trickle(math.MaxInt)
				} else {
					assert.LessOrEqual(t, checkCommittedDelivered(t, c, "connect-retry"), int64(5), "committed while the destination refuses")
				}
				return rewinds.n.Load() > 0
			}, "a delivery to fail and the task to rewind")
			refusing.Store(false)

			// More records after the fault: a task that skipped the failed
			// ones would deliver these and commit past them.
			limit := produced + 5
			if tc.trickle {
				c.WaitFor(t, 30*time.Second, func() bool {
					trickle(limit)
					return produced == limit && len(c.ReadAll(t, "out")) >= produced
				}, "every record")
				require.NoError(t, h.Stop()) // commits
				assert.Equal(t, int64(produced), checkCommittedDelivered(t, c, "connect-retry"))
			} else {
				c.WaitFor(t, 30*time.Second, func() bool {
					trickle(limit)
					return checkCommittedDelivered(t, c, "connect-retry") == int64(limit)
				}, "every record to be delivered and committed")
				assert.Equal(t, connect.StateRunning, h.TaskState(0))
				require.NoError(t, h.Stop())
			}
			assert.Equal(t, valueSet(numbered("in", 0, produced, nil)), valueSet(c.ReadAll(t, "out")), "every record at least once")
		})
	}
}

// A delivery that keeps failing with a retriable error fails the task after
// a few attempts, naming the record, rather than being logged and dropped.
func TestRetriableDeliveryFailureFailsTheTaskInTheEnd(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "in", 1)
	c.CreateTopic(t, "out", 1)
	refuseProduce(c, "out", kerr.NotEnoughReplicas.Code).Store(true)
	c.Produce(t, numbered("in", 0, 3, nil)...)
	h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), sinkConfig(c, "retry-fail", "in", "out", map[string]string{
		SinkClientPrefix + "delivery.timeout.ms": "500",
		SinkClientPrefix + "retry.backoff.ms":    "50",
	}), sink.WithLogger(quiet))
	err := waitFailed(t, c, h)
	assert.Contains(t, err, "in-0@0")
	assert.Contains(t, err, fmt.Sprintf("failed %d times", maxDeliveryAttempts))
	_ = h.Stop()
	assert.Zero(t, c.CommittedOffsets(t, "connect-retry-fail")[connect.TopicPartition{Topic: "in"}])
}

// A delivery error retrying cannot fix fails the task at once, naming the
// record and the destination topic; what was delivered before stays
// committed and nothing after it is.
func TestPermanentDeliveryFailureFailsTheTask(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "in", 1)
	c.CreateTopic(t, "out", 1)
	refusing := refuseProduce(c, "out", kerr.TopicAuthorizationFailed.Code)
	c.Produce(t, numbered("in", 0, 3, nil)...)
	h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), sinkConfig(c, "refused", "in", "out", nil), sink.WithLogger(quiet))
	waitDone(t, c, h, "refused", "in", 3)
	refusing.Store(true)
	c.Produce(t, numbered("in", 3, 3, nil)...)
	// The first refused record, or one after it that Produce refused.
	assert.Regexp(t, `delivery of record in-0@[345] to out failed and cannot succeed by retrying`, waitFailed(t, c, h))
	_ = h.Stop()
	assert.Equal(t, int64(3), checkCommittedDelivered(t, c, "connect-refused"))
}
