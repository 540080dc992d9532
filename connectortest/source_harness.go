package connectortest

import (
	"maps"
	"testing"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/source"
)

// SourceConfig returns the settings a source connector needs to run against
// the cluster in a test: its name, the cluster's address, byte-array
// converters (so a task's []byte keys and values reach Kafka unchanged;
// override them to test conversion), a 100 ms offset flush interval, and a
// 1 s graceful shutdown timeout. Offsets go to the store given with
// [source.WithOffsetStore], or add offset.storage.topic or
// offset.storage.file.filename.
func (c *Cluster) SourceConfig(name string) map[string]string {
	return map[string]string{
		"name":                              name,
		"bootstrap.servers":                 c.BootstrapServers(),
		"key.converter":                     "org.apache.kafka.connect.converters.ByteArrayConverter",
		"value.converter":                   "org.apache.kafka.connect.converters.ByteArrayConverter",
		"offset.flush.interval.ms":          "100",
		"task.shutdown.graceful.timeout.ms": "1000",
	}
}

// SourceHarness runs a source connector through the real source runtime, as
// [source.Run] does in production, for the duration of a test.
type SourceHarness struct {
	// Runtime is the runtime being driven, for its Status.
	Runtime *source.Runtime

	bg *background
}

// StartSource validates config (see [Cluster.SourceConfig] for a starting
// point) and runs conn in the background until [SourceHarness.Stop] or the
// end of the test. A configuration error fails the test.
func StartSource(t testing.TB, conn connect.SourceConnector, config map[string]string, opts ...source.Option) *SourceHarness {
	t.Helper()
	rt, err := source.New(conn, maps.Clone(config), opts...)
	if err != nil {
		t.Fatalf("connectortest: start source: %v", err)
	}
	return &SourceHarness{Runtime: rt, bg: runInBackground(t, "source", rt.Run, rt.Status)}
}

// Stop shuts the connector down gracefully (outstanding records awaited,
// offsets stored, tasks stopped) and returns what Run returned. It may be
// called more than once.
func (h *SourceHarness) Stop() error { return h.bg.stop() }

// Done is closed when Run has returned, for instance because every task
// failed.
func (h *SourceHarness) Done() <-chan struct{} { return h.bg.done }

// Status returns the connector's status.
func (h *SourceHarness) Status() connect.ConnectorStatus { return h.Runtime.Status() }

// TaskState returns the state of task id.
func (h *SourceHarness) TaskState(id int) connect.State { return h.bg.taskState(id) }

// SourceConnectorFunc makes a [connect.SourceConnector] of a task
// constructor, for tests: it defines no settings of its own and runs one
// task with the connector's configuration, whatever tasks.max says, since
// two copies of a source task would read the same data.
type SourceConnectorFunc func() connect.SourceTask

// ConfigDef returns an empty definition.
func (f SourceConnectorFunc) ConfigDef() *connect.ConfigDef { return connect.NewConfigDef() }

// TaskConfigs returns the connector's configuration, for one task.
func (f SourceConnectorFunc) TaskConfigs(config map[string]string, maxTasks int) ([]map[string]string, error) {
	return connect.ReplicateConfig(config, 1), nil
}

// NewTask calls f.
func (f SourceConnectorFunc) NewTask() connect.SourceTask { return f() }
