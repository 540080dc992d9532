package kafkasink

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/sink"
)

// With the default settings a matching record whose key path is missing or
// null goes out without a key, and one whose timestamp is missing or does
// not parse goes out with the current time, as kakao's connector does
// (issue 12); before, both were bad records by default.
func TestDefaultsForwardMissingKeyAndTimestampAsKakao(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "in", 1)
	c.CreateTopic(t, "out", 1)
	produceValues(t, c, "in",
		`{"id":"a","ts":"2022-11-28 12:05:24"}`,
		`{"ts":"2022-11-28 12:05:24"}`,
		`{"id":null,"ts":"2022-11-28 12:05:24"}`,
		`{"id":"d"}`,
		`{"id":"e","ts":"yesterday"}`,
	)
	before := time.Now().Add(-time.Second)
	h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), sinkConfig(c, "defaults", "in", "out", map[string]string{
		KeyEnabledConfig:       "true",
		KeyFieldConfig:         "@.id",
		TimestampEnabledConfig: "true",
		TimestampFieldConfig:   "@.ts",
		TimestampFormatConfig:  "yyyy-MM-dd HH:mm:ss",
	}), sink.WithLogger(quiet))
	waitCommitted(t, c, "defaults", "in", 1, 5)
	require.NoError(t, h.Stop())
	out := c.ReadAll(t, "out")
	require.Len(t, out, 5)
	keys := make([]string, len(out))
	for i, r := range out {
		if r.Key == nil {
			keys[i] = "<null>"
		} else {
			keys[i] = string(r.Key)
		}
	}
	assert.Equal(t, []string{"a", "<null>", "<null>", "d", "e"}, keys)
	want := time.Date(2022, 11, 28, 12, 5, 24, 0, time.UTC)
	for _, i := range []int{0, 1, 2} {
		assert.True(t, out[i].Timestamp.Equal(want), "record %d: %v", i, out[i].Timestamp)
	}
	for _, i := range []int{3, 4} {
		assert.True(t, out[i].Timestamp.After(before), "record %d: %v is not the current time", i, out[i].Timestamp)
	}
}

// A value that is not valid UTF-8 and one nested deeper than the
// converters allow are bad records, which go to the dead-letter queue with
// the reason (issue 13.10; before, the first was forwarded as it was and
// the second, 10 KB of arrays 5,000 deep, stalled the task in its deep
// scan).
func TestHostileValuesAreBadRecords(t *testing.T) {
	c := connectortest.NewCluster(t)
	for _, topic := range []string{"in", "out", "dlq"} {
		c.CreateTopic(t, topic, 1)
	}
	deep := `{"a":` + strings.Repeat("[", 5000) + `{"x":1}` + strings.Repeat("]", 5000) + `}`
	produceValues(t, c, "in", `{"x":1}`, "{\"x\":\"\xff\xfe\"}", deep, `{"x":2}`)
	h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), sinkConfig(c, "hostile", "in", "out", map[string]string{
		FilterConditionConfig:                             "$..x",
		"errors.tolerance":                                "all",
		"errors.deadletterqueue.topic.name":               "dlq",
		"errors.deadletterqueue.topic.replication.factor": "1",
		"errors.deadletterqueue.context.headers.enable":   "true",
	}), sink.WithLogger(quiet))
	waitCommitted(t, c, "hostile", "in", 1, 4)
	require.NoError(t, h.Stop())
	assert.Equal(t, []string{`{"x":1}`, `{"x":2}`}, values(c.ReadAll(t, "out")))
	dead := c.ReadAll(t, "dlq")
	require.Len(t, dead, 2)
	var reasons []string
	for _, r := range dead {
		for _, hd := range r.Headers {
			if hd.Key == "__connect.errors.exception.message" {
				reasons = append(reasons, string(hd.Value))
			}
		}
	}
	require.Len(t, reasons, 2)
	assert.Contains(t, reasons[0], "invalid UTF-8")
	assert.Contains(t, reasons[1], "nesting deeper than 1000")
}
