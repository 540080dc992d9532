// Package worker hosts connectors from Kafka Connect's own configuration
// files, as connect-standalone does with
//
//	connect-standalone worker.properties connector1.properties connector2.json ...
//
// so that files written for Kafka Connect run unchanged. It reads those
// files, finds the Go connector that each connector.class names, and runs
// them.
//
// # Running connectors
//
// [RunFiles] is connect-standalone as a function: a worker file, then one
// file per connector. [Run] takes the same settings as maps, for programs
// that build them. Both check every connector before starting any, so a
// mistake in any file is reported at once with all the others (an unknown
// class, a missing topics, a bad number), each prefixed with its
// connector's name. Worker settings this runner does not use (rest.port,
// plugin.path, offset.storage.file.filename for sinks) are logged once
// rather than ignored silently. Sink connectors run in the sink runtime,
// source connectors in the source runtime, which keeps their offsets in
// offset.storage.file.filename (one file for every source connector, as
// connect-standalone does) or offset.storage.topic. Cancelling the context
// stops every connector gracefully: each task flushes, commits and stops.
//
// # Failures and metrics
//
// Each task waits at most [Options].ClusterTimeout (30 s) for its Kafka
// cluster to answer, then fails with a [*connect.ClusterError] naming
// bootstrap.servers; when no task is left running, [Run] returns the
// failures, so a worker pointed at a wrong address exits instead of idling.
// [Options].Metrics collects every connector's metrics in one Prometheus
// registry; [MetricsHandler] serves them (docs/metrics.md).
//
// # Configuration files
//
// [LoadConfigFile] reads a worker or connector file in either format Kafka
// Connect accepts: a Java .properties file, read by [ParseProperties] with
// exactly the rules of java.util.Properties (comments, the three
// separators, continuation lines, escapes), or JSON, either a flat object
// of settings or the {"name": ..., "config": {...}} body of Kafka Connect's
// REST API. Both give a map of string settings; checking them against the
// worker's and the connector's [connect.ConfigDef] is the caller's next
// step. A malformed file is reported as a [*SyntaxError] with its line.
//
// # Plugins
//
// A [Registry] maps connector.class values to [Plugin] values, each of
// which makes a [connect.SinkConnector] or [connect.SourceConnector]. A
// plugin is registered under its own name and aliases, usually the Java
// class name of the Kafka Connect connector it replaces; like Kafka
// Connect, [Registry.Lookup] also accepts the simple class name and that
// name without its "Connector" suffix ("FileStreamSink" for
// org.apache.kafka.connect.file.FileStreamSinkConnector). An unknown class
// gets an error listing the registered plugins and suggesting a close
// name, for the usual typo.
//
// # The Default registry
//
// Connector packages register into [Default] from an init function, as
// database/sql drivers do, so that a connect-standalone program offers
// every connector it imports and nothing more. Everything that looks
// plugins up takes a *Registry, though, rather than reaching for Default:
// tests build a registry holding just their fakes, a program that embeds
// one connector need not carry the others, and two registries in one
// process do not interfere. Default is only the conventional argument.
package worker
