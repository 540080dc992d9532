package metrics

import (
	"fmt"
	"io"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// Type is how a metric is exposed to Prometheus.
type Type string

// The metric types the table uses.
const (
	Counter Type = "counter"
	Gauge   Type = "gauge"
	// Summary is a summary without quantiles: _sum and _count, from which
	// Prometheus computes Kafka Connect's averages over any window.
	Summary Type = "summary"
)

// Def describes one metric: its Prometheus name, type, labels and help, and
// the Kafka Connect metrics it stands for.
type Def struct {
	Name   string   // full Prometheus name
	Type   Type     // counter, gauge or summary
	Labels []string // variable labels, in order
	Group  string   // Kafka Connect metric group, "" when Kafka Connect has no such metric
	Kafka  []string // Kafka Connect metric names it covers
	Help   string

	desc *prometheus.Desc
}

func (d *Def) valueType() prometheus.ValueType {
	if d.Type == Counter {
		return prometheus.CounterValue
	}
	return prometheus.GaugeValue
}

// Kafka Connect's metric groups.
const (
	groupConnector = "connector-metrics"
	groupTask      = "connector-task-metrics"
	groupSink      = "sink-task-metrics"
	groupSource    = "source-task-metrics"
	groupErrors    = "task-error-metrics"
	groupWorker    = "connect-worker-metrics"
)

// lTask is the labels of a task's metrics.
var lTask = []string{"connector", "task"}

func def(name string, typ Type, labels []string, group string, kafka []string, help string) *Def {
	return &Def{Name: "kafka_connect_" + name, Type: typ, Labels: labels, Group: group, Kafka: kafka, Help: help}
}

// The metrics, in the order docs/metrics.md lists them.
var (
	connectorStatus = def("connector_status", Gauge, []string{"connector", "status"}, groupConnector, []string{"status"},
		"1 for the connector's current state (the status label: unassigned, running, paused, stopped, failed), 0 for the others.")
	connectorInfo = def("connector_info", Gauge, []string{"connector", "connector_type", "connector_class", "connector_version"}, groupConnector,
		[]string{"connector-type", "connector-class", "connector-version"},
		"Always 1; the labels say whether the connector is a source or a sink, its class (connector.class, or the Go type of a connector embedded without one), and its version (empty unless it implements connect.Versioned).")

	taskStatus = def("connector_task_status", Gauge, []string{"connector", "task", "status"}, groupTask, []string{"status"},
		"1 for the task's current state (the status label: unassigned, running, paused, stopped, failed), 0 for the others.")
	taskRunning = def("connector_task_running_seconds_total", Counter, lTask, groupTask, []string{"running-ratio"},
		"Seconds the task has spent in the running state; running-ratio is rate() of it.")
	taskPaused = def("connector_task_paused_seconds_total", Counter, lTask, groupTask, []string{"pause-ratio"},
		"Seconds the task has spent in the paused state; pause-ratio is rate() of it.")
	taskBatchSize = def("connector_task_batch_size", Summary, lTask, groupTask, []string{"batch-size-avg"},
		"Records per batch: what one Put received (sink) or one Poll returned (source).")
	taskBatchSizeMax = def("connector_task_batch_size_max", Gauge, lTask, groupTask, []string{"batch-size-max"},
		"The largest batch in the last 30 to 60 seconds, as Kafka Connect's two 30-second samples; 0 when there was none.")
	taskCommitTime = def("connector_task_offset_commit_time_seconds", Summary, lTask, groupTask, []string{"offset-commit-avg-time-ms"},
		"Time taken by offset commits that succeeded: flush or PreCommit and the consumer commit (sink), or storing the offsets (source).")
	taskCommitTimeMax = def("connector_task_offset_commit_max_time_seconds", Gauge, lTask, groupTask, []string{"offset-commit-max-time-ms"},
		"The longest offset commit in the last 30 to 60 seconds.")
	taskCommitSuccess = def("connector_task_offset_commit_success_total", Counter, lTask, groupTask, []string{"offset-commit-success-percentage"},
		"Offset commits that succeeded; the percentage is their share of success + failure.")
	taskCommitFailure = def("connector_task_offset_commit_failure_total", Counter, lTask, groupTask, []string{"offset-commit-failure-percentage"},
		"Offset commits that failed (the flush or the commit itself); the offsets are committed again later.")

	sinkRead = def("sink_task_sink_record_read_total", Counter, lTask, groupSink, []string{"sink-record-read-total", "sink-record-read-rate"},
		"Records read from Kafka, before conversion; the rate is rate() of it.")
	sinkSend = def("sink_task_sink_record_send_total", Counter, lTask, groupSink, []string{"sink-record-send-total", "sink-record-send-rate"},
		"Records handed to Put (after conversion; records that failed conversion are not counted).")
	sinkActive = def("sink_task_sink_records_active", Gauge, lTask, groupSink, []string{"sink-record-active-count"},
		"Records accepted by Put whose offsets are not committed yet, summed over the task's partitions; updated at each commit and rebalance.")
	sinkPartitions = def("sink_task_partitions", Gauge, lTask, groupSink, []string{"partition-count"},
		"Partitions assigned to the task.")
	sinkCommitSeq = def("sink_task_offset_commit_seq_no", Gauge, lTask, groupSink, []string{"offset-commit-seq-no"},
		"Sequence number of the last offset commit attempt.")
	sinkCommitCompletion = def("sink_task_offset_commit_completion_total", Counter, lTask, groupSink,
		[]string{"offset-commit-completion-total", "offset-commit-completion-rate"},
		"Offset commits that completed.")
	sinkCommitSkip = def("sink_task_offset_commit_skip_total", Counter, lTask, groupSink,
		[]string{"offset-commit-skip-total", "offset-commit-skip-rate"},
		"Offset commit completions received too late and ignored. Commits are synchronous here, so it stays 0.")
	sinkPutTime = def("sink_task_put_batch_time_seconds", Summary, lTask, groupSink, []string{"put-batch-avg-time-ms"},
		"Time taken by Put, per batch; retried Puts count once per call.")
	sinkPutTimeMax = def("sink_task_put_batch_max_time_seconds", Gauge, lTask, groupSink, []string{"put-batch-max-time-ms"},
		"The longest Put in the last 30 to 60 seconds.")
	sinkLag = def("sink_task_consumer_lag", Gauge, []string{"connector", "task", "topic", "partition"}, "", nil,
		"Per assigned partition: the log end offset (last stable offset under read_committed) minus the group's committed offset, "+
			"or minus the log start offset while nothing is committed. From librdkafka's statistics, so up to "+
			"statistics.interval.ms old. Kafka Connect has no such metric; its consumers' records-lag counts from the position, not the commit.")

	sourcePoll = def("source_task_source_record_poll_total", Counter, lTask, groupSource, []string{"source-record-poll-total", "source-record-poll-rate"},
		"Records returned by Poll.")
	sourceWrite = def("source_task_source_record_write_total", Counter, lTask, groupSource, []string{"source-record-write-total", "source-record-write-rate"},
		"Records written to Kafka and acknowledged.")
	sourceActive = def("source_task_source_records_active", Gauge, lTask, groupSource, []string{"source-record-active-count"},
		"Records handed to the producer and not yet acknowledged.")
	sourcePollTime = def("source_task_poll_batch_time_seconds", Summary, lTask, groupSource, []string{"poll-batch-avg-time-ms"},
		"Time taken by Poll calls that returned records.")
	sourcePollTimeMax = def("source_task_poll_batch_max_time_seconds", Gauge, lTask, groupSource, []string{"poll-batch-max-time-ms"},
		"The longest Poll that returned records in the last 30 to 60 seconds.")

	errFailures = def("task_error_record_failures_total", Counter, lTask, groupErrors, []string{"total-record-failures"},
		"Failed attempts at a record operation (conversion, Put, Poll, produce), retries included.")
	errErrors = def("task_error_record_errors_total", Counter, lTask, groupErrors, []string{"total-record-errors"},
		"Records that failed for good: a conversion, a Put or Poll error that is not retried, a failed produce. A record the task reports "+
			"(ErrantRecordReporter, BatchError) counts only when errors.tolerance=none, as in Kafka Connect's executeFailed.")
	errSkipped = def("task_error_records_skipped_total", Counter, lTask, groupErrors, []string{"total-records-skipped"},
		"Records skipped under errors.tolerance=all.")
	errRetries = def("task_error_retries_total", Counter, lTask, groupErrors, []string{"total-retries"},
		"Retries of failed operations.")
	errLogged = def("task_error_errors_logged_total", Counter, lTask, groupErrors, []string{"total-errors-logged"},
		"Errors logged under errors.log.enable=true.")
	errDLQRequests = def("task_error_deadletterqueue_produce_requests_total", Counter, lTask, groupErrors, []string{"deadletterqueue-produce-requests"},
		"Records sent to the dead-letter queue.")
	errDLQFailures = def("task_error_deadletterqueue_produce_failures_total", Counter, lTask, groupErrors, []string{"deadletterqueue-produce-failures"},
		"Dead-letter queue writes that failed.")
	errLast = def("task_error_last_error_timestamp_seconds", Gauge, lTask, groupErrors, []string{"last-error-timestamp"},
		"Unix time of the last record error; 0 when there was none.")

	workerConnectors = def("worker_connectors", Gauge, nil, groupWorker, []string{"connector-count"},
		"Connectors run by this worker.")
	workerTasks = def("worker_tasks", Gauge, nil, groupWorker, []string{"task-count"},
		"Tasks run by this worker.")
	workerConnectorTasks = def("worker_connector_tasks", Gauge, []string{"connector", "status"}, groupWorker,
		[]string{"connector-total-task-count", "connector-running-task-count", "connector-paused-task-count",
			"connector-failed-task-count", "connector-unassigned-task-count"},
		"The connector's tasks in each state; the total is sum() over status.")
	workerConnStartAttempts = def("worker_connector_startup_attempts_total", Counter, nil, groupWorker, []string{"connector-startup-attempts-total"},
		"Connector startups attempted: each sink.New or source.New.")
	workerConnStartSuccess = def("worker_connector_startup_success_total", Counter, nil, groupWorker,
		[]string{"connector-startup-success-total", "connector-startup-success-percentage"},
		"Connector startups that succeeded; the percentage is their share of the attempts.")
	workerConnStartFailure = def("worker_connector_startup_failure_total", Counter, nil, groupWorker,
		[]string{"connector-startup-failure-total", "connector-startup-failure-percentage"},
		"Connector startups that failed: an invalid configuration, say.")
	workerTaskStartAttempts = def("worker_task_startup_attempts_total", Counter, nil, groupWorker, []string{"task-startup-attempts-total"},
		"Task startups attempted.")
	workerTaskStartSuccess = def("worker_task_startup_success_total", Counter, nil, groupWorker,
		[]string{"task-startup-success-total", "task-startup-success-percentage"},
		"Tasks that started (Start returned and the cluster was reached).")
	workerTaskStartFailure = def("worker_task_startup_failure_total", Counter, nil, groupWorker,
		[]string{"task-startup-failure-total", "task-startup-failure-percentage"},
		"Tasks that failed to start.")
)

// Table lists every metric, in documentation order.
var Table = []*Def{
	connectorStatus, connectorInfo,
	taskStatus, taskRunning, taskPaused, taskBatchSize, taskBatchSizeMax, taskCommitTime, taskCommitTimeMax, taskCommitSuccess, taskCommitFailure,
	sinkRead, sinkSend, sinkActive, sinkPartitions, sinkCommitSeq, sinkCommitCompletion, sinkCommitSkip, sinkPutTime, sinkPutTimeMax, sinkLag,
	sourcePoll, sourceWrite, sourceActive, sourcePollTime, sourcePollTimeMax,
	errFailures, errErrors, errSkipped, errRetries, errLogged, errDLQRequests, errDLQFailures, errLast,
	workerConnectors, workerTasks, workerConnectorTasks, workerConnStartAttempts, workerConnStartSuccess, workerConnStartFailure,
	workerTaskStartAttempts, workerTaskStartSuccess, workerTaskStartFailure,
}

func init() {
	for _, d := range Table {
		d.desc = prometheus.NewDesc(d.Name, d.Help, d.Labels, nil)
	}
}

// WriteMarkdown writes the table of every metric as Markdown, for
// docs/metrics.md.
func WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| Prometheus metric | Type | Labels | Kafka Connect group | Kafka Connect metrics | Description |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, d := range Table {
		group, kafka := "—", "—"
		if d.Group != "" {
			group = "`" + d.Group + "`"
		}
		if len(d.Kafka) > 0 {
			kafka = "`" + strings.Join(d.Kafka, "`, `") + "`"
		}
		labels := "—"
		if len(d.Labels) > 0 {
			labels = "`" + strings.Join(d.Labels, "`, `") + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", d.Name, d.Type, labels, group, kafka, strings.ReplaceAll(d.Help, "|", "\\|"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
