// Command gendocs writes the configuration reference of every bundled
// connector to docs/, as Markdown tables generated from the connectors'
// ConfigDefs, so the docs cannot drift from the code. With -check it only
// reports files that are out of date, for CI.
//
//	go run ./internal/cmd/gendocs [-check] [-dir docs]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/internal/clientconfig"
	"github.com/connectkit/connectkit/internal/metrics"
	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/source"
	"github.com/connectkit/connectkit/worker/bundled"
	"github.com/connectkit/connectkit/worker/rest"
)

func main() {
	check := flag.Bool("check", false, "fail if a generated file differs instead of writing it")
	dir := flag.String("dir", "docs", "output directory")
	flag.Parse()
	files, err := render()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
	stale := 0
	for name, content := range files {
		path := filepath.Join(*dir, name)
		if *check {
			old, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(old, content) {
				fmt.Fprintf(os.Stderr, "gendocs: %s is out of date; run go run ./internal/cmd/gendocs\n", path)
				stale++
			}
			continue
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gendocs:", err)
			os.Exit(1)
		}
	}
	if stale > 0 {
		os.Exit(1)
	}
}

// render returns the reference files by name.
func render() (map[string][]byte, error) {
	out := map[string][]byte{}
	var b bytes.Buffer
	b.WriteString("# Sink runtime settings\n\nEvery sink connector accepts these, in addition to its own. Keys in the Worker group usually live in the worker file; a connector file may override them.\n\n")
	if err := sink.ConfigDef().WriteMarkdown(&b); err != nil {
		return nil, err
	}
	out["sink-runtime.md"] = bytes.Clone(b.Bytes())
	b.Reset()
	b.WriteString("# Source runtime settings\n\nEvery source connector accepts these, in addition to its own. Keys in the Worker group usually live in the worker file; a connector file may override them. Source offsets are stored in Kafka Connect's format: in `offset.storage.topic` (as in distributed mode) or `offset.storage.file.filename` (as in standalone mode, in Kafka Connect's own file format; see the `source` package documentation).\n\n")
	if err := source.ConfigDef().WriteMarkdown(&b); err != nil {
		return nil, err
	}
	out["source-runtime.md"] = bytes.Clone(b.Bytes())
	b.Reset()
	b.WriteString("# Client settings\n\nWorker `consumer.*`, `producer.*` and `admin.*` settings, and a connector's `consumer.override.*`, `producer.override.*` and `admin.override.*`, use the Java client's names. This table says what each becomes in librdkafka.\n\n")
	if err := clientconfig.WriteTable(&b); err != nil {
		return nil, err
	}
	out["client-settings.md"] = bytes.Clone(b.Bytes())
	b.Reset()
	if err := rest.WriteMarkdown(&b); err != nil {
		return nil, err
	}
	out["rest.md"] = bytes.Clone(b.Bytes())
	b.Reset()
	b.WriteString(metricsIntro)
	if err := metrics.WriteMarkdown(&b); err != nil {
		return nil, err
	}
	out["metrics.md"] = bytes.Clone(b.Bytes())
	for _, p := range bundled.Plugins() {
		b.Reset()
		fmt.Fprintf(&b, "# %s\n\n%s\n\n", p.Name, p.Doc)
		fmt.Fprintf(&b, "`connector.class`: `%s`", p.Name)
		for _, a := range p.Aliases {
			fmt.Fprintf(&b, " or `%s`", a)
		}
		b.WriteString("\n\n")
		c := p.New()
		if _, ok := c.(connect.SinkConnector); ok {
			b.WriteString("A sink connector: the [sink runtime settings](sink-runtime.md) apply too.\n\n")
		}
		if _, ok := c.(connect.SourceConnector); ok {
			b.WriteString("A source connector: the [source runtime settings](source-runtime.md) apply too.\n\n")
		}
		if err := c.ConfigDef().WriteMarkdown(&b); err != nil {
			return nil, err
		}
		out[strings.ToLower(p.Name)+".md"] = bytes.Clone(b.Bytes())
	}
	return out, nil
}

// metricsIntro heads docs/metrics.md.
const metricsIntro = `# Metrics

The sink and source runtimes report Kafka Connect's metric groups to a
Prometheus registry: pass one with ` + "`sink.WithMetrics(reg)`" + `,
` + "`source.WithMetrics(reg)`" + ` or ` + "`worker.Options{Metrics: reg}`" + ` (no global
registry is used), and serve it at ` + "`/metrics`" + ` with
` + "`worker.MetricsHandler(reg)`" + `. Runtimes may share one registry.

## From Kafka Connect's names to Prometheus'

- A Kafka Connect metric ` + "`<group>:<name>`" + ` becomes ` + "`kafka_connect_<group>_<name>`" + `,
  the group without its ` + "`-metrics`" + ` suffix (` + "`connect-worker-metrics`" + ` is
  ` + "`worker`" + `), dashes turned into underscores. The connector and task tags
  are the ` + "`connector`" + ` and ` + "`task`" + ` labels.
- A ` + "`*-count`" + ` gauge is named for what it counts, as Prometheus keeps
  ` + "`_count`" + ` for summaries: ` + "`partition-count`" + ` is ` + "`sink_task_partitions`" + `,
  ` + "`sink-record-active-count`" + ` is ` + "`sink_task_sink_records_active`" + `.
- Totals keep their name, with ` + "`_total`" + ` at the end as Prometheus counters
  must: ` + "`total-record-failures`" + ` is ` + "`task_error_record_failures_total`" + `.
- Rates (` + "`*-rate`" + `) are not exported: ` + "`rate(x_total[1m])`" + ` computes them
  over any window.
- Averages are summaries without quantiles (` + "`_sum`" + ` and ` + "`_count`" + `): the
  average is ` + "`rate(x_sum[1m]) / rate(x_count[1m])`" + `. Maxima are gauges
  holding the largest value of the last 30 to 60 seconds, as Kafka's two
  30-second samples.
- Percentages are pairs of counters: ` + "`offset-commit-success-percentage`" + ` is
  ` + "`success_total / (success_total + failure_total)`" + ` over a window.
- Times are in seconds, Prometheus' base unit, where Kafka Connect uses
  milliseconds; ` + "`running-ratio`" + ` and ` + "`pause-ratio`" + ` are rates of the seconds
  spent in each state.
- String-valued metrics (` + "`status`" + `, ` + "`connector-class`" + `, ...) are labels:
  ` + "`status`" + ` is 1 for the current state and 0 for the others.

A task's series appear when its connector starts and go when it stops
gracefully; a connector whose tasks failed keeps its series (status
` + "`failed`" + `) until a runtime of the same name replaces it. Counters start
at zero with each runtime, as Kafka Connect's do with each task.

## Consumer lag

` + "`kafka_connect_sink_task_consumer_lag`" + ` is, per assigned partition, the log end
offset (the last stable offset under librdkafka's default
` + "`isolation.level=read_committed`" + `) minus the group's committed offset, from
librdkafka's statistics. Metrics switch those on every 5 s unless the
consumer settings set ` + "`statistics.interval.ms`" + ` (` + "`consumer.statistics.interval.ms`" + `
in the worker, ` + "`consumer.override.statistics.interval.ms`" + ` in a connector); 0
turns the lag off. It falls to 0 once the sink has committed everything
written. Kafka Connect has no such metric (its ` + "`sink-record-lag-max`" + ` was
never implemented), and the Java consumer's ` + "`records-lag`" + ` counts from the
consumer's position rather than from the commit.

## Cost

Tasks add to atomics once per batch, never per record; label values and
series are built only when the registry is scraped.

## Every metric

`
