package kafkasink

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

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

// A record too large for its destination is a bad record, not a broken
// destination: under errors.tolerance=all it goes to the dead-letter queue
// and the task goes on; under none the task fails naming it. Both refusals
// are covered: the destination topic's max.message.bytes (the broker's
// answer) and the producer's own max.request.size.
func TestRecordTooLargeForTheDestinationIsABadRecord(t *testing.T) {
	for _, tc := range []struct {
		name      string
		configure func(t *testing.T, c *connectortest.Cluster, out string, cfg map[string]string)
	}{
		{"broker refuses", func(t *testing.T, c *connectortest.Cluster, out string, cfg map[string]string) {
			setMaxMessageBytes(t, c, out, "3000")
		}},
		{"producer refuses", func(t *testing.T, c *connectortest.Cluster, out string, cfg map[string]string) {
			cfg[SinkClientPrefix+"max.request.size"] = "4000"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			big := `{"id":2,"pad":"` + strings.Repeat("x", 10_000) + `"}`
			// Exactly-once is left out: a refusal fails the transaction, and
			// against kfake librdkafka then wants an epoch bump (an
			// OUT_OF_ORDER_SEQUENCE_NUMBER after the abort) that the task
			// does not make.
			for _, tolerance := range []string{"all", "none"} {
				t.Run(tolerance, func(t *testing.T) {
					c := connectortest.NewCluster(t)
					for _, topic := range []string{"in", "out", "dlq"} {
						c.CreateTopic(t, topic, 1)
					}
					produceValues(t, c, "in", `{"id":1}`, big, `{"id":3}`)
					cfg := sinkConfig(c, "big", "in", "out", map[string]string{"errors.tolerance": tolerance})
					if tolerance == "all" {
						cfg["errors.deadletterqueue.topic.name"] = "dlq"
						cfg["errors.deadletterqueue.topic.replication.factor"] = "1"
					}
					tc.configure(t, c, "out", cfg)
					h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), cfg, sink.WithLogger(quiet))
					if tolerance == "none" {
						err := waitFailed(t, c, h)
						assert.Contains(t, err, "in-0@1")
						assert.Contains(t, err, "too large")
						_ = h.Stop()
						assert.Equal(t, []string{`{"id":1}`}, values(c.ReadAll(t, "out")))
						return
					}
					waitDone(t, c, h, "big", "in", 3)
					assert.Equal(t, connect.StateRunning, h.TaskState(0))
					require.NoError(t, h.Stop())
					assert.Equal(t, []string{`{"id":1}`, `{"id":3}`}, valueSet(c.ReadAll(t, "out")), "at least once")
					assert.Equal(t, []string{big}, valueSet(c.ReadAll(t, "dlq")), "in the dead-letter queue (at least once)")
				})
			}
		})
	}
}

// setMaxMessageBytes sets a topic's max.message.bytes, as an operator would.
func setMaxMessageBytes(t *testing.T, c *connectortest.Cluster, topic, value string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(c.BootstrapServers(), ",")...))
	require.NoError(t, err)
	defer cl.Close()
	req := kmsg.NewPtrIncrementalAlterConfigsRequest()
	r := kmsg.NewIncrementalAlterConfigsRequestResource()
	r.ResourceType = kmsg.ConfigResourceTypeTopic
	r.ResourceName = topic
	cfg := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
	cfg.Name, cfg.Value, cfg.Op = "max.message.bytes", kmsg.StringPtr(value), kmsg.IncrementalAlterConfigOpSet
	r.Configs = append(r.Configs, cfg)
	req.Resources = append(req.Resources, r)
	resp, err := req.RequestWith(context.Background(), cl)
	require.NoError(t, err)
	require.Len(t, resp.Resources, 1)
	require.NoError(t, kerr.ErrorForCode(resp.Resources[0].ErrorCode))
}

// Exactly-once, with the destination refusing writes for a while: the
// transaction is aborted and its records read again, and none of them is
// skipped: the first Put after the rewind must not drop the records the
// rewind brings back, or a later transaction would commit offsets past
// records never sent.
func TestExactlyOnceAbortedTransactionLosesNothing(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "in", 1)
	c.CreateTopic(t, "out", 1)
	refusing := refuseProduce(c, "out", kerr.NotEnoughReplicas.Code)
	aborted := &logWatch{text: "flush failed"}
	cfg := sinkConfig(c, "eos-abort", "in", "out", map[string]string{
		ExactlyOnceConfig:                        "true",
		ExactlyOnceOffsetsConfig:                 OffsetsGroup,
		SinkClientPrefix + "delivery.timeout.ms": "500",
		SinkClientPrefix + "retry.backoff.ms":    "50",
	})
	c.Produce(t, numbered("in", 0, 5, nil)...)
	h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), cfg, sink.WithLogger(slog.New(aborted)))
	waitDone(t, c, h, "eos-abort", "in", 5)
	refusing.Store(true)
	c.Produce(t, numbered("in", 5, 10, nil)...)
	c.WaitFor(t, 30*time.Second, func() bool { return aborted.n.Load() > 0 }, "a transaction to be aborted")
	refusing.Store(false)
	c.Produce(t, numbered("in", 15, 5, nil)...)
	waitDone(t, c, h, "eos-abort", "in", 20)
	require.NoError(t, h.Stop())
	assert.Equal(t, valueSet(numbered("in", 0, 20, nil)), readCommitted(t, c, "out"), "every record once")
}
