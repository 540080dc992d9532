package source_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/internal/metrics"
	"github.com/connectkit/connectkit/source"
)

func TestMetricsCountPollsWritesSkipsAndCommits(t *testing.T) {
	c := sharedCluster(t)
	topic, name := unique("metered"), unique("conn")
	c.CreateTopic(t, topic, 1)
	// 10 records in batches of 3; records 1, 5 and 9 cannot be converted.
	task := &badValueTask{counter: counter{topic: topic, part: "p", limit: 10, batch: 3}, bad: func(i int) bool { return i%4 == 1 }}
	cfg := c.SourceConfig(name)
	cfg["value.converter"] = "org.apache.kafka.connect.json.JsonConverter"
	cfg["value.converter.schemas.enable"] = "false"
	cfg["errors.tolerance"] = "all"
	store := source.NewMemoryOffsetStore()
	reg := prometheus.NewRegistry()
	h := connectortest.StartSource(t, one(task), cfg, source.WithOffsetStore(store), source.WithLogger(quiet), source.WithMetrics(reg))
	c.WaitFor(t, 30*time.Second, func() bool { return storedPosition(t, store, name, "p") == 10 })

	key := func(metric string) string {
		return fmt.Sprintf(`kafka_connect_%s{connector=%q,task="0"}`, metric, name)
	}
	want := map[string]float64{
		key("source_task_source_record_poll_total"):      10,
		key("source_task_source_record_write_total"):     7,
		key("source_task_source_records_active"):         0,
		key("connector_task_batch_size_count"):           4, // 3+3+3+1
		key("connector_task_batch_size_sum"):             10,
		key("source_task_poll_batch_time_seconds_count"): 4,
		key("task_error_record_failures_total"):          3,
		key("task_error_record_errors_total"):            3,
		key("task_error_records_skipped_total"):          3,
		key("task_error_retries_total"):                  0,
		fmt.Sprintf(`kafka_connect_connector_info{connector=%q,connector_class="connectortest.SourceConnectorFunc",connector_type="source",connector_version=""}`, name): 1,
		fmt.Sprintf(`kafka_connect_connector_task_status{connector=%q,status="running",task="0"}`, name):                                                                 1,
	}
	var got map[string]float64
	c.WaitFor(t, 20*time.Second, func() bool {
		var err error
		got, err = metrics.Samples(reg)
		require.NoError(t, err)
		for k, v := range want {
			if got[k] != v {
				return false
			}
		}
		return got[key("connector_task_offset_commit_success_total")] > 0
	}, "the source metrics")
	require.NoError(t, h.Stop())
}

// errorLogs keeps the messages of the records logged at ERROR.
type errorLogs struct {
	mu   sync.Mutex
	msgs []string
}

func (h *errorLogs) Enabled(context.Context, slog.Level) bool { return true }
func (h *errorLogs) Handle(_ context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		h.mu.Lock()
		h.msgs = append(h.msgs, r.Message)
		h.mu.Unlock()
	}
	return nil
}
func (h *errorLogs) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *errorLogs) WithGroup(string) slog.Handler      { return h }

func TestUnreachableClusterFailsTheTaskNamingBootstrapServers(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	logs := &errorLogs{}
	cfg := map[string]string{"name": "nowhere", "bootstrap.servers": addr}
	rt, err := source.New(one(&counter{topic: "t", part: "p", limit: 1, batch: 1}), cfg,
		source.WithOffsetStore(source.NewMemoryOffsetStore()), source.WithLogger(slog.New(logs)),
		source.WithClusterTimeout(2*time.Second))
	require.NoError(t, err)

	runErr := rt.Run(context.Background())

	var ce *connect.ClusterError
	require.ErrorAs(t, runErr, &ce)
	assert.Equal(t, addr, ce.BootstrapServers)
	assert.Contains(t, ce.Err.Error(), "Connection refused", "the broker's own error is the cause")
	st := rt.Status().Tasks[0]
	assert.Equal(t, connect.StateFailed, st.State)
	require.ErrorAs(t, st.Err, &ce, "the status trace is the cluster error")
	require.ErrorAs(t, rt.Health(), &ce)
	assert.Contains(t, rt.Health().Error(), "bootstrap.servers="+addr)
	logs.mu.Lock()
	defer logs.mu.Unlock()
	assert.Equal(t, []string{"task failed"}, logs.msgs, "exactly one ERROR log for the failure")
}

func TestLostClusterIsReportedOnceAndRecoveryToo(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	first := connectortest.NewCluster(t, connectortest.KfakeOptions(kfake.Ports(port)))
	first.CreateTopic(t, "lost", 1)

	logs := &errorLogs{}
	task := &counter{topic: "lost", part: "p", limit: 3, batch: 3}
	h := connectortest.StartSource(t, one(task), first.SourceConfig("lost"), source.WithOffsetStore(source.NewMemoryOffsetStore()),
		source.WithLogger(slog.New(logs)), source.WithClusterTimeout(2*time.Second))
	first.WaitFor(t, 20*time.Second, func() bool { return len(first.ReadAll(t, "lost")) == 3 }, "records written")

	first.Close()
	var ce *connect.ClusterError
	first.WaitFor(t, 30*time.Second, func() bool { return errors.As(h.Runtime.Health(), &ce) }, "Health to report the lost cluster")
	assert.Equal(t, connect.StateRunning, h.Runtime.Status().Tasks[0].State, "the client keeps reconnecting; the task is not failed")
	logs.mu.Lock()
	assert.Equal(t, []string{"lost the Kafka cluster; the client keeps reconnecting"}, logs.msgs, "one ERROR log for the loss")
	logs.mu.Unlock()

	second := connectortest.NewCluster(t, connectortest.KfakeOptions(kfake.Ports(port)))
	second.WaitFor(t, 30*time.Second, func() bool { return h.Runtime.Health() == nil }, "Health to clear once the cluster is back")
	require.NoError(t, h.Stop())
	logs.mu.Lock()
	defer logs.mu.Unlock()
	assert.Len(t, logs.msgs, 1, "no more ERROR logs")
}

func TestUnreachableOffsetTopicNamesBootstrapServers(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	rt, err := source.New(one(&counter{topic: "t", part: "p", limit: 1, batch: 1}), map[string]string{"name": "nowhere"},
		source.WithWorkerConfig(map[string]string{"bootstrap.servers": addr, "offset.storage.topic": "offsets",
			"offset.storage.replication.factor": "1"}),
		source.WithLogger(quiet), source.WithClusterTimeout(2*time.Second))
	require.NoError(t, err)

	runErr := rt.Run(context.Background())

	var ce *connect.ClusterError
	require.ErrorAs(t, runErr, &ce, "the offset store's failure is a cluster error")
	assert.Contains(t, runErr.Error(), "bootstrap.servers="+addr)
	assert.Equal(t, connect.StateFailed, rt.Status().Tasks[0].State)
	require.ErrorAs(t, rt.Health(), &ce)
}
