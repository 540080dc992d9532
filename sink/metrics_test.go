package sink_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/internal/metrics"
	"github.com/connectkit/connectkit/sink"
)

// scrape gathers reg: see metrics.Samples.
func scrape(t *testing.T, reg prometheus.Gatherer) map[string]float64 {
	t.Helper()
	m, err := metrics.Samples(reg)
	require.NoError(t, err, "a scrape must succeed")
	return m
}

// task0 is the label set of task 0 of connector name.
func task0(metric, name string) string {
	return fmt.Sprintf(`kafka_connect_%s{connector=%q,task="0"}`, metric, name)
}

func lagKey(name, topic string, p int) string {
	return fmt.Sprintf(`kafka_connect_sink_task_consumer_lag{connector=%q,partition="%d",task="0",topic=%q}`, name, p, topic)
}

// waitMetrics waits until every metric in want has its value.
func waitMetrics(t *testing.T, c *connectortest.Cluster, reg prometheus.Gatherer, want map[string]float64, what string) {
	t.Helper()
	var last map[string]float64
	ok := false
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		last = scrape(t, reg)
		ok = true
		for k, v := range want {
			if got, found := last[k]; !found || got != v {
				ok = false
			}
		}
		if ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	for k, v := range want {
		got, found := last[k]
		assert.True(t, found && got == v, "%s: %s = %v (present %v), want %v", what, k, got, found, v)
	}
	t.FailNow()
}

// heldTask declares durable only offsets below limit, so a test decides
// what is committed.
type heldTask struct {
	task
	limit *atomic.Int64
}

func (h *heldTask) PreCommit(_ context.Context, offsets map[connect.TopicPartition]int64) (map[connect.TopicPartition]int64, error) {
	out := map[connect.TopicPartition]int64{}
	for tp, off := range offsets {
		out[tp] = min(off, h.limit.Load())
	}
	return out, nil
}

// TestMetricsCountReadsPutsCommitsAndLag runs on the embedded cluster and,
// under the integration build tag, on Apache Kafka, whose log end and
// committed offsets librdkafka's statistics then report.
func TestMetricsCountReadsPutsCommitsAndLag(t *testing.T) {
	connectortest.EachCluster(t, testMetricsCountReadsPutsCommitsAndLag)
}

func testMetricsCountReadsPutsCommitsAndLag(t *testing.T, c *connectortest.Cluster) {
	topic, name := c.Unique("metered"), c.Unique("metered-sink")
	c.CreateTopic(t, topic, 2)
	produce(t, c, topic, 2, 100) // 50 per partition

	var limit atomic.Int64
	limit.Store(20)
	rec := newRecorder()
	conn := &connector{newTask: func(id int) connect.SinkTask { return &heldTask{task: task{rec: rec, id: id}, limit: &limit} }}
	cfg := baseConfig(c, name, topic)
	cfg["connector.class"] = "HeldSink"
	cfg["consumer.override.statistics.interval.ms"] = "100"
	reg := prometheus.NewRegistry()
	rt, err := sink.New(conn, cfg, sink.WithMetrics(reg))
	require.NoError(t, err)
	stop := running(t, rt)

	c.WaitFor(t, 20*time.Second, func() bool { return rec.total() >= 100 }, "all records put")
	c.WaitFor(t, 20*time.Second, func() bool {
		off := c.CommittedOffsets(t, "connect-"+name)
		return off[connect.TopicPartition{Topic: topic}] == 20 && off[connect.TopicPartition{Topic: topic, Partition: 1}] == 20
	}, "20 committed in each partition")
	// The lag is the log end offset (50) minus what was committed (20).
	waitMetrics(t, c, reg, map[string]float64{
		task0("sink_task_sink_record_read_total", name):     100,
		task0("sink_task_sink_record_send_total", name):     100,
		task0("sink_task_partitions", name):                 2,
		task0("sink_task_sink_records_active", name):        60,
		lagKey(name, topic, 0):                              30,
		lagKey(name, topic, 1):                              30,
		task0("task_error_record_failures_total", name):     0,
		task0("task_error_records_skipped_total", name):     0,
		`kafka_connect_worker_connectors{}`:                 1,
		`kafka_connect_worker_tasks{}`:                      1,
		`kafka_connect_worker_task_startup_success_total{}`: 1,
		fmt.Sprintf(`kafka_connect_connector_task_status{connector=%q,status="running",task="0"}`, name):                                      1,
		fmt.Sprintf(`kafka_connect_connector_status{connector=%q,status="running"}`, name):                                                    1,
		fmt.Sprintf(`kafka_connect_connector_info{connector=%q,connector_class="HeldSink",connector_type="sink",connector_version=""}`, name): 1,
	}, "while 20 of 50 are committed")
	m := scrape(t, reg)
	assert.Equal(t, float64(rec.puts), m[task0("connector_task_batch_size_count", name)], "one batch-size sample per Put")
	assert.Equal(t, 100.0, m[task0("connector_task_batch_size_sum", name)], "batch sizes add up to the records put")
	assert.Equal(t, float64(rec.puts), m[task0("sink_task_put_batch_time_seconds_count", name)])
	assert.Positive(t, m[task0("connector_task_offset_commit_success_total", name)])
	assert.Positive(t, m[task0("sink_task_offset_commit_seq_no", name)])
	assert.Positive(t, m[task0("connector_task_running_seconds_total", name)])

	// The task catches up: everything is durable, and the lag falls to 0.
	limit.Store(1 << 62)
	waitMetrics(t, c, reg, map[string]float64{
		lagKey(name, topic, 0):                       0,
		lagKey(name, topic, 1):                       0,
		task0("sink_task_sink_records_active", name): 0,
	}, "after catching up")
	assert.Equal(t, int64(50), c.CommittedOffsets(t, "connect-"+name)[connect.TopicPartition{Topic: topic, Partition: 1}])

	// New records on partition 0 while the task is held again show as lag
	// there only.
	limit.Store(50)
	c.ProduceN(t, topic, 7, func(i int) connectortest.Record {
		return connectortest.Record{Topic: topic, Partition: 0, Value: []byte("late")}
	})
	waitMetrics(t, c, reg, map[string]float64{
		lagKey(name, topic, 0):                          7,
		lagKey(name, topic, 1):                          0,
		task0("sink_task_sink_record_read_total", name): 107,
	}, "with 7 new records held")

	require.NoError(t, stop())
	assert.Empty(t, scrape(t, reg)[task0("sink_task_sink_record_read_total", name)],
		"a connector stopped gracefully leaves no series behind")
}

func TestMetricsCountErrorsSkipsAndDeadLetters(t *testing.T) {
	c := connectortest.NewCluster(t)
	const in, dlq, name = "errs", "errs-dlq", "errs-sink"
	c.CreateTopic(t, in, 1)
	c.Produce(t,
		connectortest.Record{Topic: in, Value: []byte(`{"a":1}`)},
		connectortest.Record{Topic: in, Value: []byte(`not json`)},
		connectortest.Record{Topic: in, Value: []byte(`{"reject":true}`)},
		connectortest.Record{Topic: in, Value: []byte(`{"a":2}`)},
	)
	var failedPut atomic.Bool
	rec := newRecorder()
	conn := recordingConnector(rec, func(tc connect.SinkTaskContext, batch []connect.SinkRecord) error {
		if failedPut.CompareAndSwap(false, true) {
			tc.Timeout(10 * time.Millisecond)
			return connect.Retriable(errors.New("destination busy"))
		}
		for i := range batch {
			if m, ok := batch[i].Value.(map[string]any); ok && m["reject"] == true {
				if err := tc.ErrantRecordReporter().Report(context.Background(), &batch[i], errors.New("rejected")); err != nil {
					return err
				}
			}
		}
		return nil
	})
	cfg := dlqConfig(c, name, in, dlq)
	cfg["errors.log.enable"] = "true"
	cfg["errors.retry.timeout"] = "10000"
	reg := prometheus.NewRegistry()
	before := float64(time.Now().UnixNano()) / 1e9
	rt, err := sink.New(conn, cfg, sink.WithLogger(slog.New(slog.DiscardHandler)), sink.WithMetrics(reg))
	require.NoError(t, err)
	stop := running(t, rt)
	c.WaitFor(t, 20*time.Second, func() bool {
		return c.CommittedOffsets(t, "connect-"+name)[connect.TopicPartition{Topic: in}] == 4
	}, "offsets pass the dead-lettered records")

	// A converter failure is a failure, an error and a skip; a record the
	// task reports under errors.tolerance=all a failure and a skip (Kafka
	// Connect's executeFailed counts an error only when it is not
	// tolerated); the retried Put a failure and a retry.
	waitMetrics(t, c, reg, map[string]float64{
		task0("sink_task_sink_record_read_total", name):                  4,
		task0("sink_task_sink_record_send_total", name):                  3,
		task0("task_error_record_failures_total", name):                  3,
		task0("task_error_record_errors_total", name):                    1,
		task0("task_error_records_skipped_total", name):                  2,
		task0("task_error_retries_total", name):                          1,
		task0("task_error_errors_logged_total", name):                    2,
		task0("task_error_deadletterqueue_produce_requests_total", name): 2,
		task0("task_error_deadletterqueue_produce_failures_total", name): 0,
	}, "after two bad records and one retry")
	last := scrape(t, reg)[task0("task_error_last_error_timestamp_seconds", name)]
	assert.GreaterOrEqual(t, last, before, "last-error-timestamp is the time of the last failure")
	assert.LessOrEqual(t, last, float64(time.Now().UnixNano())/1e9)
	require.NoError(t, stop())
}

func TestMetricsOfTwoRuntimesShareARegistry(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "shared", 1)
	produce(t, c, "shared", 1, 10)
	reg := prometheus.NewRegistry()
	var recs [2]*recorder
	for i := range recs {
		recs[i] = newRecorder()
		rt, err := sink.New(recordingConnector(recs[i], nil), baseConfig(c, fmt.Sprintf("shared-%d", i), "shared"), sink.WithMetrics(reg))
		require.NoError(t, err)
		running(t, rt)
	}
	waitMetrics(t, c, reg, map[string]float64{
		task0("sink_task_sink_record_read_total", "shared-0"):    10,
		task0("sink_task_sink_record_read_total", "shared-1"):    10,
		`kafka_connect_worker_connectors{}`:                      2,
		`kafka_connect_worker_connector_startup_success_total{}`: 2,
	}, "both connectors in one registry")

	_, err := sink.New(recordingConnector(newRecorder(), nil), map[string]string{"name": "bad"}, sink.WithMetrics(reg))
	require.Error(t, err)
	assert.Equal(t, 1.0, scrape(t, reg)[`kafka_connect_worker_connector_startup_failure_total{}`], "an invalid configuration is a failed startup")
}
