package kafkasink

import (
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
