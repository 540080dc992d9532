//go:build integration

package kafkasink

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/sink"
)

// The broker is killed and started again while the connector forwards a
// live stream: with at-least-once delivery (the default) no record the
// filter keeps is lost, duplicates are allowed, and the same connector,
// never restarted, goes on to commit the whole source.
func TestAtLeastOnceAcrossBrokerRestart(t *testing.T) {
	c := connectortest.ExternalKafka(t)
	src, dst, name := c.Unique("restart-in"), c.Unique("restart-out"), c.Unique("kafkasink-restart")
	const partitions = 3
	c.CreateTopic(t, src, partitions)
	c.CreateTopic(t, dst, 2)

	// Every fourth record is filtered out, so the filter runs across the
	// restart too and what it drops must stay dropped.
	record := func(id int) connectortest.Record {
		kind := "keep"
		if id%4 == 0 {
			kind = "drop"
		}
		return connectortest.Record{Topic: src, Partition: int32(id % partitions),
			Value: []byte(`{"id":` + strconv.Itoa(id) + `,"kind":"` + kind + `"}`)}
	}
	const before = 2000
	c.ProduceN(t, src, before, record)

	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg := sinkConfig(c, name, src, dst, map[string]string{FilterConditionConfig: "$.[?(@.kind == 'keep')]"})
	h := connectortest.StartSink(t, NewConnector(WithLogger(log)), cfg, sink.WithLogger(log))
	// alive fails the test at once if the connector gave up, rather than
	// when a wait for its progress times out.
	alive := func() {
		t.Helper()
		select {
		case <-h.Done():
			require.FailNow(t, "the connector stopped", "status: %+v, Stop: %v", h.Status(), h.Stop())
		default:
		}
		require.NotEqual(t, connect.StateFailed, h.TaskState(0), "status: %+v", h.Status())
	}
	c.WaitFor(t, 60*time.Second, func() bool {
		alive()
		return len(c.ReadAll(t, dst)) >= 100
	}, "the connector to forward records")

	// The stream goes on through the outage: a producer of its own writes
	// small batches, each waiting (its client retrying) until the broker
	// has acknowledged it.
	var (
		mu      sync.Mutex
		written = before
		prodErr error
	)
	// produced returns how many records the source holds, failing the
	// test if the producer gave up.
	produced := func() int {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		require.NoError(t, prodErr, "the producer of the source")
		return written
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			mu.Lock()
			from := written
			mu.Unlock()
			batch := make([]connectortest.Record, 20)
			for i := range batch {
				batch[i] = record(from + i)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			_, err := c.ProduceContext(ctx, batch...)
			cancel()
			mu.Lock()
			if err != nil {
				prodErr = err
				mu.Unlock()
				return
			}
			written += len(batch)
			mu.Unlock()
		}
	})
	stopProducing := sync.OnceFunc(func() {
		close(stop)
		wg.Wait()
	})
	t.Cleanup(stopProducing)
	c.WaitFor(t, 60*time.Second, func() bool { return produced() >= before+200 }, "the source to grow while the connector reads it")

	atRestart, restartedAt := produced(), time.Now()
	connectortest.RestartExternalKafka(t)
	outage := time.Since(restartedAt)
	back := produced()
	c.WaitFor(t, 120*time.Second, func() bool {
		alive()
		return produced() >= back+1000
	}, "the source to grow after the restart")
	stopProducing()
	total := produced()

	// The source as written: each id once, and where each partition ends.
	end := map[connect.TopicPartition]int64{}
	inSource := map[int]bool{}
	for _, r := range c.ReadAll(t, src) {
		inSource[valueID(t, r.Value)] = true
		end[r.TopicPartition()] = r.Offset + 1
	}
	require.Len(t, inSource, total, "the source holds every id written")
	var endSum int64
	for _, off := range end {
		endSum += off
	}

	group := "connect-" + name
	c.WaitFor(t, 180*time.Second, func() bool {
		alive()
		var sum int64
		for tp, off := range c.CommittedOffsets(t, group) {
			if tp.Topic == src {
				sum += off
			}
		}
		return sum == endSum
	}, "the connector to commit the end of every source partition")
	committed := c.CommittedOffsets(t, group)
	for tp, off := range end {
		assert.Equal(t, off, committed[tp], "committed offset of %s", tp)
	}

	// What is committed was delivered first, so the destination is
	// complete by now.
	out := c.ReadAll(t, dst)
	copies := map[int]int{}
	for _, r := range out {
		copies[valueID(t, r.Value)]++
	}
	var (
		kept    int
		missing []int
	)
	for id := range total {
		if id%4 == 0 {
			assert.Zero(t, copies[id], "record %d is filtered out, yet was forwarded", id)
			continue
		}
		kept++
		if copies[id] == 0 {
			missing = append(missing, id)
		}
	}
	assert.Empty(t, missing[:min(len(missing), 20)], "records lost across the restart: %d of %d kept (the first 20 shown)", len(missing), kept)
	require.NoError(t, h.Stop())
	t.Logf("%d records written (%d before the connector, %d while it ran, the broker down for %v around record %d); "+
		"%d kept by the filter, %d forwarded, %d of them duplicates",
		total, before, total-before, outage.Round(100*time.Millisecond), atRestart,
		kept, len(out), len(out)-len(copies))
}

// valueID returns the id of a record the test wrote.
func valueID(t *testing.T, v []byte) int {
	t.Helper()
	var rec struct {
		ID *int `json:"id"`
	}
	require.NoError(t, json.Unmarshal(v, &rec), "value %q", v)
	require.NotNil(t, rec.ID, "value %q", v)
	return *rec.ID
}
