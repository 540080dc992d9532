package connectortest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
)

// One cluster for the tests that need nothing special of it: starting one
// takes a few milliseconds, but sharing also shows the helpers work side by
// side. Each test uses its own topics and groups.
func sharedCluster(t *testing.T) *connectortest.Cluster {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = connectortest.StartCluster() })
	require.NoError(t, sharedErr)
	return shared
}

var (
	sharedOnce sync.Once
	shared     *connectortest.Cluster
	sharedErr  error
)

func TestMain(m *testing.M) {
	m.Run() // the exit code is kept when TestMain returns
	if shared != nil {
		shared.Close()
	}
}

func TestGoldenRoundTrip(t *testing.T) {
	c := sharedCluster(t)
	const topic = "golden"
	c.CreateTopic(t, topic, 1)

	cases := connectortest.GoldenCases(topic)
	written := c.Produce(t, connectortest.GoldenRecords(topic)...)
	got := c.ReadAll(t, topic)
	require.Len(t, written, len(cases))
	require.Len(t, got, len(cases))

	for i, g := range cases {
		t.Run(g.Name, func(t *testing.T) {
			want := g.Record
			w, r := written[i], got[i]
			assert.Equal(t, int32(0), w.Partition)
			assert.Equal(t, int64(i), w.Offset)
			assert.Equal(t, want.Timestamp, w.Timestamp)

			assert.Equal(t, topic, r.Topic)
			assert.Equal(t, int32(0), r.Partition)
			assert.Equal(t, int64(i), r.Offset)
			assert.Equal(t, want.Timestamp, r.Timestamp)
			assertSameBytes(t, "key", want.Key, r.Key)
			assertSameBytes(t, "value", want.Value, r.Value)
			require.Len(t, r.Headers, len(want.Headers))
			for j, h := range want.Headers {
				assert.Equal(t, h.Key, r.Headers[j].Key, "header %d", j)
				assertSameBytes(t, fmt.Sprintf("header %d (%s)", j, h.Key), h.Value, r.Headers[j].Value)
			}
		})
	}
}

// assertSameBytes checks byte-exact equality, nil and empty told apart,
// without printing a megabyte on failure.
func assertSameBytes(t *testing.T, what string, want, got []byte) {
	t.Helper()
	assert.Equal(t, want == nil, got == nil, "%s: want nil %v, got nil %v", what, want == nil, got == nil)
	if !bytes.Equal(want, got) {
		at := 0
		for at < min(len(want), len(got)) && want[at] == got[at] {
			at++
		}
		t.Errorf("%s: want %d bytes, got %d, first difference at byte %d", what, len(want), len(got), at)
	}
}

func TestGoldenCases(t *testing.T) {
	cases := connectortest.GoldenCases("t")
	byName := map[string]connectortest.Record{}
	for _, g := range cases {
		require.NotContains(t, byName, g.Name, "duplicate name")
		byName[g.Name] = g.Record
		assert.Equal(t, "t", g.Record.Topic, g.Name)
		assert.Equal(t, int32(0), g.Record.Partition, g.Name)
	}
	names := []string{
		connectortest.GoldenTombstone, connectortest.GoldenEmptyValue, connectortest.GoldenNilKey,
		connectortest.GoldenBinary, connectortest.GoldenUnicode, connectortest.GoldenLarge,
		connectortest.GoldenHeaders, connectortest.GoldenJSON,
	}
	require.Len(t, cases, len(names))
	for i, n := range names {
		assert.Equal(t, n, cases[i].Name, "order")
	}

	assert.NotNil(t, byName[connectortest.GoldenTombstone].Key)
	assert.Nil(t, byName[connectortest.GoldenTombstone].Value)
	assert.NotNil(t, byName[connectortest.GoldenEmptyValue].Value)
	assert.Empty(t, byName[connectortest.GoldenEmptyValue].Value)
	assert.Nil(t, byName[connectortest.GoldenNilKey].Key)
	assert.NotNil(t, byName[connectortest.GoldenNilKey].Value)

	bin := byName[connectortest.GoldenBinary].Value
	require.Len(t, bin, 256)
	for i, b := range bin {
		assert.Equal(t, byte(i), b)
	}
	assert.False(t, utf8.Valid(bin))

	uni := byName[connectortest.GoldenUnicode].Value
	assert.True(t, utf8.Valid(uni))
	for _, want := range []string{"e\u0301", "мир", "世界", "こんにちは", "مرحبا", "שלום", "नमस्ते", "🦀", "\u200d", "🇺🇳"} {
		assert.Contains(t, string(uni), want)
	}

	large := byName[connectortest.GoldenLarge].Value
	assert.Len(t, large, 1<<20)
	assert.True(t, utf8.Valid(large))

	hs := byName[connectortest.GoldenHeaders].Headers
	require.Len(t, hs, 4)
	assert.Equal(t, hs[0].Key, hs[1].Key, "repeated key")
	assert.NotEqual(t, hs[0].Value, hs[1].Value)
	assert.NotNil(t, hs[2].Value)
	assert.Empty(t, hs[2].Value)
	assert.Nil(t, hs[3].Value)

	js := byName[connectortest.GoldenJSON]
	var key, value map[string]any
	require.NoError(t, json.Unmarshal(js.Key, &key))
	require.NoError(t, json.Unmarshal(js.Value, &value))
	assert.Contains(t, value["note"], "🦀")
	assert.Contains(t, value["note"], "\"")

	for i, g := range cases {
		assert.Equal(t, connectortest.GoldenTime.Add(time.Duration(i)*time.Second), g.Record.Timestamp, g.Name)
	}
	// Fresh on every call: callers may modify what they get.
	cases[0].Record.Key[0] = 'X'
	assert.Equal(t, byte('t'), connectortest.GoldenCases("t")[0].Record.Key[0])
}

func TestProducePartitioning(t *testing.T) {
	c := sharedCluster(t)
	const topic = "partitioning"
	c.CreateTopic(t, topic, 3)

	var in []connectortest.Record
	for i := range 30 {
		in = append(in, connectortest.Record{Topic: topic, Partition: int32(i % 3), Value: fmt.Appendf(nil, "v%d", i)})
	}
	for i := range 10 {
		in = append(in, connectortest.Record{Topic: topic, Partition: connectortest.AnyPartition, Key: []byte("same-key"), Value: fmt.Appendf(nil, "k%d", i)})
	}
	out := c.Produce(t, in...)

	keyed := out[30].Partition
	for _, r := range out[30:] {
		assert.Equal(t, keyed, r.Partition, "one key, one partition")
	}
	next := map[int32]int64{}
	for _, r := range out {
		assert.Equal(t, next[r.Partition], r.Offset, "%s: order within partition", r)
		next[r.Partition]++
	}

	got := c.ReadAll(t, topic)
	require.Len(t, got, len(in))
	for i := 1; i < len(got); i++ {
		prev, r := got[i-1], got[i]
		ordered := prev.Partition < r.Partition || prev.Partition == r.Partition && prev.Offset+1 == r.Offset
		assert.True(t, ordered, "%s after %s", r, prev)
	}
	// Same records, found by their coordinates.
	at := map[string]connectortest.Record{}
	for _, r := range got {
		at[r.String()] = r
	}
	for _, w := range out {
		assert.Equal(t, w, at[w.String()])
		assert.Equal(t, connect.TopicPartition{Topic: topic, Partition: w.Partition}, w.TopicPartition())
	}
}

func TestProduceN(t *testing.T) {
	c := sharedCluster(t)
	const topic = "produce-n"
	c.CreateTopic(t, topic, 4)
	const n = 2000
	c.ProduceN(t, topic, n, func(i int) connectortest.Record {
		return connectortest.Record{Partition: int32(i % 4), Key: fmt.Appendf(nil, "%d", i)}
	})
	got := c.ReadAll(t, topic)
	require.Len(t, got, n)
	for _, r := range got {
		// Within a partition, offsets follow the order of i.
		assert.Equal(t, fmt.Sprint(r.Offset*4+int64(r.Partition)), string(r.Key), "%s", r)
		assert.Nil(t, r.Value)
	}
}

func TestErrorsNameTheTopic(t *testing.T) {
	c := sharedCluster(t)
	ctx := t.Context()
	c.CreateTopic(t, "errors", 2)

	tests := []struct {
		name string
		run  func() error
		want []string
	}{
		{"create existing topic", func() error {
			return c.CreateTopicContext(ctx, "errors", 1)
		}, []string{`"errors"`, "TOPIC_ALREADY_EXISTS"}},
		{"produce to missing topic", func() error {
			_, err := c.ProduceContext(ctx, connectortest.Record{Topic: "no-such-topic"})
			return err
		}, []string{`"no-such-topic"`, "UNKNOWN_TOPIC_OR_PARTITION"}},
		{"produce to missing partition", func() error {
			_, err := c.ProduceContext(ctx, connectortest.Record{Topic: "errors", Partition: 7})
			return err
		}, []string{`"errors"`, "partition 7"}},
		{"produce without topic", func() error {
			_, err := c.ProduceContext(ctx, connectortest.Record{})
			return err
		}, []string{"no topic"}},
		{"read missing topic", func() error {
			_, err := c.ReadAllContext(ctx, "no-such-topic")
			return err
		}, []string{`"no-such-topic"`, "UNKNOWN_TOPIC_OR_PARTITION"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}

	// The TB methods fail the test with the same message.
	ft := runFailing(t, func(tb testing.TB) { c.ReadAll(tb, "no-such-topic") })
	assert.Contains(t, ft, `read topic "no-such-topic"`)
}

func TestReadAllEmpty(t *testing.T) {
	c := sharedCluster(t)
	c.CreateTopic(t, "empty", 3)
	assert.Empty(t, c.ReadAll(t, "empty"))
}

func TestCommittedOffsets(t *testing.T) {
	c := sharedCluster(t)
	const topic, group = "committed", "committed-group"
	c.CreateTopic(t, topic, 2)
	c.ProduceN(t, topic, 10, func(i int) connectortest.Record {
		return connectortest.Record{Partition: int32(i % 2), Value: []byte("v")}
	})
	assert.Empty(t, c.CommittedOffsets(t, group), "before any commit")

	cl, err := kgo.NewClient(
		kgo.SeedBrokers(strings.Split(c.BootstrapServers(), ",")...),
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.DisableAutoCommit(),
	)
	require.NoError(t, err)
	defer cl.Close()
	var n int
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for n < 10 {
		fs := cl.PollFetches(ctx)
		require.NoError(t, ctx.Err(), "consumed %d of 10", n)
		require.Empty(t, fs.Errors())
		n += fs.NumRecords()
	}
	require.NoError(t, cl.CommitUncommittedOffsets(ctx))

	assert.Equal(t, map[connect.TopicPartition]int64{
		{Topic: topic, Partition: 0}: 5,
		{Topic: topic, Partition: 1}: 5,
	}, c.CommittedOffsets(t, group))
}

func TestConcurrentUse(t *testing.T) {
	c := sharedCluster(t)
	for i := range 4 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			topic := fmt.Sprintf("concurrent-%d", i)
			c.CreateTopic(t, topic, 2)
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Go(func() {
					recs := make([]connectortest.Record, 25)
					for j := range recs {
						recs[j] = connectortest.Record{Topic: topic, Partition: int32(g % 2), Value: fmt.Appendf(nil, "%d-%d", g, j)}
					}
					_, err := c.ProduceContext(t.Context(), recs...)
					assert.NoError(t, err)
				})
			}
			wg.Wait()
			assert.Len(t, c.ReadAll(t, topic), 100)
		})
	}
}

func TestWaitFor(t *testing.T) {
	c := sharedCluster(t)
	start := time.Now()
	c.WaitFor(t, time.Second, func() bool { return time.Since(start) > 30*time.Millisecond }, "30ms to pass")

	msg := runFailing(t, func(tb testing.TB) {
		c.WaitFor(tb, 50*time.Millisecond, func() bool { return false }, "%d records in %q", 3, "out")
	})
	assert.Contains(t, msg, `waiting for: 3 records in "out"`)
	assert.Contains(t, msg, "gave up after")
}

// runFailing runs f with a testing.TB whose Fatalf ends f, as the real one
// ends a test, and returns what it was given.
func runFailing(t *testing.T, f func(testing.TB)) string {
	t.Helper()
	ft := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(ft)
	}()
	<-done
	require.NotEmpty(t, ft.msg, "Fatalf was not called")
	return ft.msg
}

type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestClusterOptions(t *testing.T) {
	t.Run("brokers", func(t *testing.T) {
		c := connectortest.NewCluster(t, connectortest.Brokers(3), connectortest.SeedTopics(6, "spread"))
		assert.Len(t, strings.Split(c.BootstrapServers(), ","), 3)
		leaders := map[int32]bool{}
		for p := range int32(6) {
			leaders[c.Kfake().LeaderFor("spread", p)] = true
		}
		require.Greater(t, len(leaders), 1, "partitions on more than one broker")
		var in []connectortest.Record
		for p := range int32(6) {
			in = append(in, connectortest.Record{Topic: "spread", Partition: p, Value: []byte{byte(p)}})
		}
		c.Produce(t, in...)
		got := c.ReadAll(t, "spread")
		require.Len(t, got, 6)
		for p, r := range got {
			assert.Equal(t, int32(p), r.Partition)
			assert.Equal(t, []byte{byte(p)}, r.Value)
		}
	})
	t.Run("auto-create", func(t *testing.T) {
		c := connectortest.NewCluster(t, connectortest.AutoCreateTopics(), connectortest.DefaultPartitions(3))
		c.Produce(t, connectortest.Record{Topic: "implicit", Partition: 2})
		assert.Len(t, c.ReadAll(t, "implicit"), 1)
	})
	t.Run("message size", func(t *testing.T) {
		c := connectortest.NewCluster(t, connectortest.BrokerConfig("message.max.bytes", "1048588")) // Kafka's
		c.CreateTopic(t, "sized", 1)
		var large connectortest.Record
		for _, g := range connectortest.GoldenCases("sized") {
			if g.Name == connectortest.GoldenLarge {
				large = g.Record
			}
		}
		_, err := c.ProduceContext(t.Context(), large)
		require.Error(t, err, "1 MiB does not fit Kafka's default limit")
		assert.Contains(t, err.Error(), "MESSAGE_TOO_LARGE")
		large.Value = large.Value[:1<<19]
		c.Produce(t, large)
	})
	t.Run("session timeouts", func(t *testing.T) {
		c := connectortest.NewCluster(t, connectortest.GroupSessionTimeouts(time.Second, time.Minute))
		c.CreateTopic(t, "sessions", 1)
		join := func(session time.Duration) error {
			cl, err := kgo.NewClient(
				kgo.SeedBrokers(strings.Split(c.BootstrapServers(), ",")...),
				kgo.ConsumerGroup(fmt.Sprintf("sessions-%v", session)),
				kgo.ConsumeTopics("sessions"),
				kgo.SessionTimeout(session),
				kgo.HeartbeatInterval(session/10),
			)
			require.NoError(t, err)
			defer cl.Close()
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			for {
				fs := cl.PollFetches(ctx)
				if errs := fs.Errors(); len(errs) > 0 {
					return errs[0].Err
				}
				if ctx.Err() != nil {
					return nil // joined and waited: no error
				}
			}
		}
		assert.ErrorContains(t, join(500*time.Millisecond), "INVALID_SESSION_TIMEOUT")
	})
	t.Run("helpers in cleanup", func(t *testing.T) {
		c := connectortest.NewCluster(t)
		c.CreateTopic(t, "late", 1)
		t.Cleanup(func() {
			c.Produce(t, connectortest.Record{Topic: "late"})
			assert.Len(t, c.ReadAll(t, "late"), 1)
		})
	})
}
