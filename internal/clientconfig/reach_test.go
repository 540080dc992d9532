package clientconfig

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
)

// failingClient fails every metadata request at once, as librdkafka does
// once it knows every broker is down.
type failingClient struct{ calls atomic.Int32 }

func (c *failingClient) GetMetadata(*string, bool, int) (*kafka.Metadata, error) {
	c.calls.Add(1)
	return nil, kafka.NewError(kafka.ErrTransport, "broker transport failure", false)
}

func TestReachGivesUpAfterTheTimeoutWithoutSpinning(t *testing.T) {
	synctest.Test(t, testReachGivesUp)
}

func testReachGivesUp(t *testing.T) {
	c := &failingClient{}
	err := Reach(context.Background(), c, "b:9092", 1200*time.Millisecond, nil)
	var ce *connect.ClusterError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "b:9092", ce.BootstrapServers)
	assert.Contains(t, err.Error(), "bootstrap.servers=b:9092 within 1.2s: broker transport failure")
	assert.LessOrEqual(t, c.calls.Load(), int32(4), "one metadata request per step, not a busy loop")
}

func TestReachPrefersTheBrokersOwnError(t *testing.T) {
	synctest.Test(t, testReachPrefers)
}

func testReachPrefers(t *testing.T) {
	events := []error{
		kafka.NewError(kafka.ErrAllBrokersDown, "1/1 brokers are down", false),
		kafka.NewError(kafka.ErrTransport, "Connect to ipv4#127.0.0.1:1 failed: Connection refused", false),
		kafka.NewError(kafka.ErrAllBrokersDown, "1/1 brokers are down", false),
	}
	var i int
	next := func(time.Duration) error {
		if i >= len(events) {
			return nil
		}
		i++
		return events[i-1]
	}
	err := Reach(context.Background(), &failingClient{}, "b:9092", 1200*time.Millisecond, next)
	var ce *connect.ClusterError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, ce.Err.Error(), "Connection refused")
}

func TestReachStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Reach(ctx, &failingClient{}, "b:9092", time.Hour, nil)
	assert.True(t, errors.Is(err, context.Canceled))
}

// switchClient answers metadata requests while up is set.
type switchClient struct{ up atomic.Bool }

func (c *switchClient) GetMetadata(*string, bool, int) (*kafka.Metadata, error) {
	if c.up.Load() {
		return &kafka.Metadata{}, nil
	}
	return nil, kafka.NewError(kafka.ErrTransport, "broker transport failure", false)
}

func TestWatchReportsALostClusterOnceAndItsReturnOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		logs := &recordingHandler{}
		c := &switchClient{}
		var reach Reachability
		w := Watch{Client: c, Bootstrap: "b:9092", Timeout: 5 * time.Second, Log: slog.New(logs), Reach: &reach}
		tick := func(d time.Duration) {
			for end := time.Now().Add(d); time.Now().Before(end); {
				time.Sleep(100 * time.Millisecond)
				w.Check()
			}
		}

		// A blip shorter than the timeout is not reported.
		w.Event(kafka.NewError(kafka.ErrAllBrokersDown, "1/1 brokers are down", false))
		tick(2 * time.Second)
		c.up.Store(true)
		tick(2 * time.Second)
		assert.NoError(t, reach.Err())
		assert.Zero(t, logs.count("lost the Kafka cluster; the client keeps reconnecting"))

		// A loss that lasts is reported once, with the broker's error.
		c.up.Store(false)
		w.Event(kafka.NewError(kafka.ErrAllBrokersDown, "1/1 brokers are down", false))
		w.Event(kafka.NewError(kafka.ErrTransport, "Connect to ipv4#127.0.0.1:1 failed: Connection refused", false))
		tick(4 * time.Second)
		assert.NoError(t, reach.Err(), "not before the timeout")
		tick(20 * time.Second)
		var ce *connect.ClusterError
		require.ErrorAs(t, reach.Err(), &ce)
		assert.Contains(t, ce.Error(), "Connection refused")
		assert.Equal(t, 1, logs.count("lost the Kafka cluster; the client keeps reconnecting"))

		// Its return too.
		c.up.Store(true)
		tick(5 * time.Second)
		assert.NoError(t, reach.Err())
		assert.Equal(t, 1, logs.count("reached the Kafka cluster again"))
		assert.Equal(t, 1, logs.count("lost the Kafka cluster; the client keeps reconnecting"))
	})
}
