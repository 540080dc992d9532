package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/source/httpsource"
)

// The HTTP leg walks the paginated API into the topic, every order once,
// and leaves the offset in Kafka Connect's format.
func TestHTTPLeg(t *testing.T) {
	cluster := connectortest.NewCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, runHTTPLeg(ctx, cluster.BootstrapServers(), slog.New(slog.NewTextHandler(io.Discard, nil))))
	recs := cluster.ReadAll(t, httpTopic)
	require.Len(t, recs, httpOrders)
	assert.Equal(t, "1", string(recs[0].Key))
	assert.Contains(t, string(recs[0].Value), `"order_id":1`)
	offsets := cluster.ReadAll(t, httpOffsetsTopic)
	require.NotEmpty(t, offsets)
	last := offsets[len(offsets)-1]
	assert.Equal(t, `["quickstart-http-source",{}]`, string(last.Key))
	var off map[string]any
	require.NoError(t, json.Unmarshal(last.Value, &off))
	assert.Equal(t, "250", off["key"])
	assert.Equal(t, "2024-01-01T00:04:10Z", off["timestamp"])
	assert.NotEmpty(t, off[httpsource.SeenOffsetProperty], "the versions produced, for the duplicate check after a restart")
}
