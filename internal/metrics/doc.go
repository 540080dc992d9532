// Package metrics is what the sink and source runtimes report to
// Prometheus: Kafka Connect's metric groups (connector-metrics,
// connector-task-metrics, sink-task-metrics, source-task-metrics,
// task-error-metrics, connect-worker-metrics) under Prometheus names, plus
// each sink task's consumer lag per partition.
//
// # Names
//
// A Kafka Connect metric group-name becomes kafka_connect_<group>_<name>,
// with the group's "-metrics" suffix dropped ("connect-worker" becomes
// "worker") and dashes turned into underscores; a "-count" gauge is named
// for what it counts ("partition-count" is "partitions"), as Prometheus
// keeps _count for summaries. Rates are not exported:
// Prometheus computes them from the _total counters (rate()). Averages are
// summaries without quantiles (_sum and _count; the average over any range
// is rate(_sum)/rate(_count)); maxima are gauges over the last one or two
// 30-second windows, as Kafka's two default samples; percentages are pairs
// of success and failure counters; times are in seconds, Prometheus' base
// unit, where Kafka Connect uses milliseconds. [Table] lists every metric
// with the Kafka Connect names it covers; docs/metrics.md is generated from
// it.
//
// # Cost
//
// Runtimes add to plain atomics in a [Task] once per batch or event, never
// per record, and never resolve labels: labels and values are only built
// when the registry is scraped, by [Collector.Collect]. One [Collector]
// serves every runtime registered with the same prometheus.Registerer.
package metrics
