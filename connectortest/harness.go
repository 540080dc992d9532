package connectortest

import (
	"context"
	"errors"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/sink"
)

// SinkConfig returns the settings a sink connector needs to run against the
// cluster in a test: its name and topics, the cluster's address, byte-array
// converters (so any task sees the raw bytes; override them to test
// conversion), a 100 ms offset flush interval and classic-group timeouts that
// make rebalances take about a second.
func (c *Cluster) SinkConfig(name string, topics ...string) map[string]string {
	cfg := map[string]string{
		"name":                                    name,
		"bootstrap.servers":                       c.BootstrapServers(),
		"key.converter":                           "org.apache.kafka.connect.converters.ByteArrayConverter",
		"value.converter":                         "org.apache.kafka.connect.converters.ByteArrayConverter",
		"offset.flush.interval.ms":                "100",
		"consumer.override.session.timeout.ms":    "6000",
		"consumer.override.heartbeat.interval.ms": "100",
	}
	if len(topics) > 0 {
		t := topics[0]
		for _, more := range topics[1:] {
			t += "," + more
		}
		cfg["topics"] = t
	}
	return cfg
}

// SinkHarness runs a sink connector through the real sink runtime, as
// [sink.Run] does in production, for the duration of a test.
type SinkHarness struct {
	// Runtime is the runtime being driven, for its Status.
	Runtime *sink.Runtime

	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
	err    error
}

// StartSink validates config (see [Cluster.SinkConfig] for a starting point)
// and runs conn in the background until [SinkHarness.Stop] or the end of the
// test. A configuration error fails the test.
func StartSink(t testing.TB, conn connect.SinkConnector, config map[string]string, opts ...sink.Option) *SinkHarness {
	t.Helper()
	rt, err := sink.New(conn, maps.Clone(config), opts...)
	if err != nil {
		t.Fatalf("connectortest: start sink: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &SinkHarness{Runtime: rt, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(h.done)
		h.err = rt.Run(ctx)
	}()
	t.Cleanup(func() { _ = h.Stop() })
	return h
}

// Stop shuts the connector down gracefully (final flush and commit) and
// returns what Run returned. It may be called more than once.
func (h *SinkHarness) Stop() error {
	h.once.Do(func() {
		h.cancel()
		select {
		case <-h.done:
		case <-time.After(time.Minute):
			h.err = errors.New("connectortest: sink runtime did not stop within a minute")
		}
	})
	return h.err
}

// Done is closed when Run has returned, for instance because every task
// failed.
func (h *SinkHarness) Done() <-chan struct{} { return h.done }

// Status returns the connector's status.
func (h *SinkHarness) Status() connect.ConnectorStatus { return h.Runtime.Status() }

// TaskState returns the state of task id.
func (h *SinkHarness) TaskState(id int) connect.State {
	st := h.Runtime.Status()
	if id < len(st.Tasks) {
		return st.Tasks[id].State
	}
	return connect.StateUnassigned
}

// SinkConnectorFunc makes a [connect.SinkConnector] of a task constructor,
// for tests and for connectors whose tasks all share one configuration: it
// defines no settings of its own and gives every task the connector's
// configuration.
type SinkConnectorFunc func() connect.SinkTask

// ConfigDef returns an empty definition.
func (f SinkConnectorFunc) ConfigDef() *connect.ConfigDef { return connect.NewConfigDef() }

// TaskConfigs gives each of maxTasks tasks the connector's configuration.
func (f SinkConnectorFunc) TaskConfigs(config map[string]string, maxTasks int) ([]map[string]string, error) {
	return connect.ReplicateConfig(config, maxTasks), nil
}

// NewTask calls f.
func (f SinkConnectorFunc) NewTask() connect.SinkTask { return f() }
