package source

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/internal/metrics"
)

// WithMetrics makes the runtime report Kafka Connect's connector, task,
// source-task, task-error and worker metrics to reg (see docs/metrics.md).
// Runtimes may share one registry; each connector's series replace those
// of an earlier runtime of the same name. Without it nothing is
// registered.
func WithMetrics(reg prometheus.Registerer) Option {
	return func(o *options) { o.metrics = reg }
}

// connectorMetrics registers the connector's metrics for the length of
// Run.
func (r *Runtime) connectorMetrics() *metrics.Connector {
	version := ""
	if v, ok := r.connector.(connect.Versioned); ok {
		version = v.Version()
	}
	class := r.config[ConnectorClassConfig]
	if class == "" { // an embedded connector, not named by a file
		class = fmt.Sprintf("%T", r.connector)
	}
	return r.collector.AddConnector(r.settings.name, "source", class, version, r.Status)
}

// observer returns the task state observer: the task's metrics, then the
// one given with WithStatusObserver.
func observer(m *metrics.Task, next func(connect.TaskStatus)) func(connect.TaskStatus) {
	return func(st connect.TaskStatus) {
		m.StateChanged(st)
		if next != nil {
			next(st)
		}
	}
}

// polled counts a Poll that began at start and returned n records.
func (t *taskRunner) polled(n int, start time.Time) {
	if n == 0 {
		return
	}
	end := time.Now()
	t.m.Polled.Add(uint64(n))
	t.m.BatchSize.Observe(float64(n), end)
	t.m.PollTime.Observe(end.Sub(start).Seconds(), end)
}

// committed counts an offset flush that began at start.
func (t *taskRunner) committed(start time.Time, err error) {
	if err != nil {
		t.m.CommitFailure.Add(1)
		return
	}
	end := time.Now()
	t.m.CommitSuccess.Add(1)
	t.m.CommitTime.Observe(end.Sub(start).Seconds(), end)
}
