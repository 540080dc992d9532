package sink

import (
	"fmt"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/internal/metrics"
)

// defaultStatisticsInterval is librdkafka's statistics.interval.ms when
// metrics are on and the consumer settings do not set it: how old the
// consumer lag may be.
const defaultStatisticsInterval = 5000

// WithMetrics makes the runtime report Kafka Connect's connector, task,
// sink-task, task-error and worker metrics, and each partition's consumer
// lag, to reg (see docs/metrics.md). Runtimes may share one registry;
// each connector's series replace those of an earlier runtime of the same
// name. Without it nothing is registered.
//
// The lag comes from librdkafka's statistics, so the consumers get
// statistics.interval.ms=5000 unless consumer.statistics.interval.ms (or
// consumer.override.statistics.interval.ms) says otherwise; 0 turns the
// lag off.
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
	return r.collector.AddConnector(r.settings.name, "sink", class, version, r.Status)
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

// statistics handles a librdkafka statistics event: the consumer lag.
func (t *taskRunner) statistics(e *kafka.Stats) {
	if err := t.m.UpdateLag(e.String(), t.assigned); err != nil {
		t.log.Debug("consumer statistics", "err", err)
	}
}

// assignmentChanged updates the metrics that follow the assignment.
func (t *taskRunner) assignmentChanged() {
	t.m.Partitions.Store(int64(len(t.assigned)))
	t.m.ForgetLag(t.assigned)
	t.countActive()
}

// countActive sets sink-record-active-count: records accepted by Put and
// not committed, over the assigned partitions.
func (t *taskRunner) countActive() {
	var n int64
	for tp, cur := range t.current {
		if !t.assigned[tp] {
			continue
		}
		if c, ok := t.committed[tp]; ok && cur > c {
			n += cur - c
		}
	}
	t.m.Active.Store(n)
}

// commitSucceeded counts an offset commit that began at start.
func (t *taskRunner) commitSucceeded(start time.Time) {
	end := time.Now()
	t.m.CommitSuccess.Add(1)
	t.m.CommitCompletion.Add(1)
	t.m.CommitTime.Observe(end.Sub(start).Seconds(), end)
	t.countActive()
}

// countError counts a failed record as Kafka Connect's error handling
// does: a failure, always; skipped when tolerated; an error when a
// converter failed (execute) or, for a record the task reported
// (executeFailed), when it is not tolerated.
func (t *taskRunner) countError(stage string, tolerated bool) {
	t.m.RecordFailure()
	if stage != stageTaskPut || !tolerated {
		t.m.Errors.Add(1)
	}
	if tolerated {
		t.m.Skipped.Add(1)
	}
}
