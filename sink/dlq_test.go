package sink_test

import (
	"context"
	"io"
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

// A record too large for the dead-letter topic does not stop the task under
// errors.tolerance=all: its context headers go to the queue with the key,
// without the value and headers, and a header says what was cut; the
// records after it go on and every offset is committed. Both refusals are
// covered: the broker's (the topic's max.message.bytes) and the producer's
// own (max.request.size).
func TestRecordTooLargeForTheDeadLetterQueueIsSentCut(t *testing.T) {
	for _, tc := range []struct {
		name      string
		configure func(t *testing.T, c *connectortest.Cluster, dlq string, cfg map[string]string)
	}{
		{"broker refuses", func(t *testing.T, c *connectortest.Cluster, dlq string, cfg map[string]string) {
			c.CreateTopic(t, dlq, 1)
			setMaxMessageBytes(t, c, dlq, "3000")
		}},
		{"producer refuses", func(t *testing.T, c *connectortest.Cluster, dlq string, cfg map[string]string) {
			cfg["producer.override.max.request.size"] = "4000"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := connectortest.NewCluster(t)
			c.CreateTopic(t, "in", 1)
			big := []byte(`{"a":"` + strings.Repeat("x", 10_000)) // not JSON: no closing quote
			c.Produce(t,
				connectortest.Record{Topic: "in", Key: []byte("k0"), Value: []byte(`{"a":1}`)},
				connectortest.Record{Topic: "in", Key: []byte("k1"), Value: big,
					Headers: []connectortest.RecordHeader{{Key: "trace", Value: []byte("t-1")}}},
				connectortest.Record{Topic: "in", Key: []byte("k2"), Value: []byte(`{"a":2}`)},
			)
			rec := newRecorder()
			cfg := dlqConfig(c, "too-large", "in", "dlq")
			tc.configure(t, c, "dlq", cfg)
			rt, err := sink.New(recordingConnector(rec, nil), cfg, sink.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
			require.NoError(t, err)
			stop := running(t, rt)
			c.WaitFor(t, 20*time.Second, func() bool {
				return c.CommittedOffsets(t, "connect-too-large")[connect.TopicPartition{Topic: "in"}] == 3
			}, "offsets pass the record that was too large")
			assert.Equal(t, connect.StateRunning, rt.Status().Tasks[0].State)
			require.NoError(t, stop())

			dlq := c.ReadAll(t, "dlq")
			require.Len(t, dlq, 1)
			assert.Equal(t, []byte("k1"), dlq[0].Key)
			assert.Empty(t, dlq[0].Value)
			hdr := map[string]string{}
			for _, h := range dlq[0].Headers {
				hdr[h.Key] = string(h.Value)
			}
			assert.Equal(t, "in", hdr[sink.HeaderErrorTopic])
			assert.Equal(t, "1", hdr[sink.HeaderErrorOffset])
			assert.Equal(t, "VALUE_CONVERTER", hdr[sink.HeaderErrorStage])
			assert.Contains(t, hdr[sink.HeaderTruncated], "value (10006 bytes)")
			assert.Contains(t, hdr[sink.HeaderTruncated], "headers (")
			assert.NotContains(t, hdr, "trace", "the original headers are cut too")
			assert.Equal(t, 2, rec.total(), "the records around it reached Put")
		})
	}
}
