package connectortest

import (
	"context"
	"fmt"
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

	bg *background
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
	return &SinkHarness{Runtime: rt, bg: runInBackground(t, "sink", rt.Run, rt.Status)}
}

// Stop shuts the connector down gracefully (final flush and commit) and
// returns what Run returned. It may be called more than once.
func (h *SinkHarness) Stop() error { return h.bg.stop() }

// Done is closed when Run has returned, for instance because every task
// failed.
func (h *SinkHarness) Done() <-chan struct{} { return h.bg.done }

// Status returns the connector's status.
func (h *SinkHarness) Status() connect.ConnectorStatus { return h.Runtime.Status() }

// TaskState returns the state of task id.
func (h *SinkHarness) TaskState(id int) connect.State { return h.bg.taskState(id) }

// background runs a runtime until stopped: what [SinkHarness] and
// [SourceHarness] share.
type background struct {
	kind   string
	status func() connect.ConnectorStatus
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
	err    error
}

// runInBackground starts run and stops it at the end of the test.
func runInBackground(t testing.TB, kind string, run func(context.Context) error, status func() connect.ConnectorStatus) *background {
	ctx, cancel := context.WithCancel(context.Background())
	b := &background{kind: kind, status: status, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(b.done)
		b.err = run(ctx)
	}()
	t.Cleanup(func() { _ = b.stop() })
	return b
}

func (b *background) stop() error {
	b.once.Do(func() {
		b.cancel()
		select {
		case <-b.done:
		case <-time.After(time.Minute):
			b.err = fmt.Errorf("connectortest: %s runtime did not stop within a minute", b.kind)
		}
	})
	return b.err
}

func (b *background) taskState(id int) connect.State {
	st := b.status()
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
