package metrics

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
)

func TestDistMaxSpansTheLastTwoWindows(t *testing.T) {
	var d Dist
	t0 := time.Unix(window*1000, 0)
	d.Observe(5, t0)
	d.Observe(2, t0.Add(time.Second))
	d.Observe(3, t0.Add(window*time.Second))
	for _, tc := range []struct {
		at   time.Duration
		want float64
	}{
		{window * time.Second, 5},     // the previous window still counts
		{2 * window * time.Second, 3}, // only the last window's
		{3 * window * time.Second, 0}, // nothing in the last two
	} {
		n, sum, mx := d.read(t0.Add(tc.at))
		assert.Equal(t, uint64(3), n)
		assert.Equal(t, 10.0, sum)
		assert.Equal(t, tc.want, mx, "max at +%v", tc.at)
	}
	d.Observe(1, t0.Add(5*window*time.Second))
	_, _, mx := d.read(t0.Add(5 * window * time.Second))
	assert.Equal(t, 1.0, mx, "a gap of several windows forgets the old maxima")
}

func TestUpdateLagFromLibrdkafkaStatistics(t *testing.T) {
	// Trimmed from a librdkafka statistics event.
	stats := `{"name":"c#consumer-1","topics":{
	  "a":{"topic":"a","partitions":{
	    "0":{"partition":0,"committed_offset":20,"lo_offset":0,"hi_offset":50,"ls_offset":50,"consumer_lag":30},
	    "1":{"partition":1,"committed_offset":-1001,"lo_offset":10,"hi_offset":25,"ls_offset":25},
	    "2":{"partition":2,"committed_offset":5,"lo_offset":0,"hi_offset":9,"ls_offset":9},
	    "-1":{"partition":-1,"committed_offset":-1001,"lo_offset":-1001,"hi_offset":-1001,"ls_offset":-1001}}},
	  "b":{"topic":"b","partitions":{
	    "0":{"partition":0,"committed_offset":7,"lo_offset":0,"hi_offset":-1001,"ls_offset":-1001}}}}}`
	assigned := map[connect.TopicPartition]bool{
		{Topic: "a", Partition: 0}: true, {Topic: "a", Partition: 1}: true, {Topic: "b", Partition: 0}: true,
	}
	var task Task
	require.NoError(t, task.UpdateLag(stats, assigned))
	assert.Equal(t, map[connect.TopicPartition]int64{
		{Topic: "a", Partition: 0}: 30, // log end minus committed
		{Topic: "a", Partition: 1}: 15, // nothing committed: from the log start
		// a-2 is not assigned to this task; b-0's end is unknown yet.
	}, task.Lag())

	delete(assigned, connect.TopicPartition{Topic: "a", Partition: 0})
	task.ForgetLag(assigned)
	assert.Equal(t, map[connect.TopicPartition]int64{{Topic: "a", Partition: 1}: 15}, task.Lag())

	assert.Error(t, task.UpdateLag("{not json", assigned))
}

func TestRegisterTwiceSharesTheCollector(t *testing.T) {
	reg := prometheus.NewRegistry()
	a, err := Register(reg)
	require.NoError(t, err)
	b, err := Register(reg)
	require.NoError(t, err)
	assert.Same(t, a, b)
	none, err := Register(nil)
	require.NoError(t, err)
	assert.Nil(t, none)
}

func TestMetricsFollowPrometheusConventions(t *testing.T) {
	reg := prometheus.NewRegistry()
	c, err := Register(reg)
	require.NoError(t, err)
	status := func(name string) func() connect.ConnectorStatus {
		return func() connect.ConnectorStatus {
			return connect.ConnectorStatus{Name: name, State: connect.StateRunning, Tasks: []connect.TaskStatus{{ID: 0, State: connect.StateRunning}}}
		}
	}
	sink := c.AddConnector("s", "sink", "S", "1.0", status("s")).NewTask(0)
	sink.UpdateLag(`{"topics":{"t":{"partitions":{"0":{"partition":0,"committed_offset":1,"lo_offset":0,"hi_offset":3,"ls_offset":3}}}}}`,
		map[connect.TopicPartition]bool{{Topic: "t"}: true})
	c.AddConnector("r", "source", "R", "", status("r")).NewTask(0).SetSourceActive(func() int { return 2 })

	problems, err := testutil.GatherAndLint(reg)
	require.NoError(t, err)
	assert.Empty(t, problems)
	n, err := testutil.GatherAndCount(reg)
	require.NoError(t, err)
	// Every metric of the table but the lag appears for one task of each
	// kind, and the lag for one partition.
	assert.Positive(t, n)

	got, err := Samples(reg)
	require.NoError(t, err)
	assert.Equal(t, 2.0, got[`kafka_connect_source_task_source_records_active{connector="r",task="0"}`])
	assert.Equal(t, 2.0, got[`kafka_connect_sink_task_consumer_lag{connector="s",partition="0",task="0",topic="t"}`])
	assert.Equal(t, 2.0, got[`kafka_connect_worker_connectors{}`])
	assert.Equal(t, 1.0, got[`kafka_connect_worker_connector_tasks{connector="s",status="running"}`])
	assert.Equal(t, 0.0, got[`kafka_connect_connector_task_status{connector="s",status="failed",task="0"}`])
}

func TestTableNamesAreUniqueAndDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range Table {
		assert.False(t, seen[d.Name], "%s listed twice", d.Name)
		seen[d.Name] = true
		assert.NotEmpty(t, d.Help, d.Name)
		assert.Equal(t, d.Group == "", len(d.Kafka) == 0, "%s: a Kafka Connect group goes with Kafka Connect names", d.Name)
	}
}

func TestRuntimesShareAWrappingRegisterer(t *testing.T) {
	reg := prometheus.NewRegistry()
	wrapped := prometheus.WrapRegistererWith(prometheus.Labels{"worker": "w1"}, reg)
	status := func(name string) func() connect.ConnectorStatus {
		return func() connect.ConnectorStatus {
			return connect.ConnectorStatus{Name: name, State: connect.StateRunning, Tasks: []connect.TaskStatus{{ID: 0, State: connect.StateRunning}}}
		}
	}
	for _, name := range []string{"a", "b"} {
		c, err := Register(wrapped)
		require.NoError(t, err, "a second runtime on the same wrapping registerer")
		c.AddConnector(name, "sink", "S", "", status(name)).NewTask(0).Read.Add(3)
	}
	got, err := Samples(reg)
	require.NoError(t, err, "the scrape has no duplicate series")
	assert.Equal(t, 3.0, got[`kafka_connect_sink_task_sink_record_read_total{connector="a",task="0",worker="w1"}`])
	assert.Equal(t, 3.0, got[`kafka_connect_sink_task_sink_record_read_total{connector="b",task="0",worker="w1"}`])
}
