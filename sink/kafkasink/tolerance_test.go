package kafkasink

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/sink"
)

// Under errors.tolerance=none the task stops at a malformed record: the
// records before it are forwarded and committed, the one after it is not
// forwarded. Restarted with errors.tolerance=all, the connector skips the
// malformed record and forwards the rest, and nothing is forwarded twice.
func TestToleranceNoneStopsAtTheBadRecord(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "in", 1)
	c.CreateTopic(t, "out", 1)
	produceValues(t, c, "in", `{"id":1}`, `{"id":2}`, `{"id":3`, `{"id":4}`, `{"id":5}`)
	cfg := sinkConfig(c, "stop", "in", "out", nil)
	h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), cfg, sink.WithLogger(quiet))
	c.WaitFor(t, 30*time.Second, func() bool { return h.TaskState(0) == connect.StateFailed }, "the task to fail")
	err := h.Status().Tasks[0].Err
	require.Error(t, err)
	assert.Contains(t, err.Error(), "in-0@2")
	_ = h.Stop()
	assert.Equal(t, []string{`{"id":1}`, `{"id":2}`}, values(c.ReadAll(t, "out")), "nothing after the bad record")
	assert.Equal(t, int64(2), c.CommittedOffsets(t, "connect-stop")[connect.TopicPartition{Topic: "in"}],
		"the records before it are committed, the bad one is not")

	cfg["errors.tolerance"] = "all"
	h = connectortest.StartSink(t, NewConnector(WithLogger(quiet)), cfg, sink.WithLogger(quiet))
	waitCommitted(t, c, "stop", "in", 1, 5)
	require.NoError(t, h.Stop())
	assert.Equal(t, []string{`{"id":1}`, `{"id":2}`, `{"id":4}`, `{"id":5}`}, values(c.ReadAll(t, "out")), "each record once")
}
