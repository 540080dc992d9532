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
// connector's name. Worker settings this runner does not use (plugin.path,
// offset.storage.file.filename for sinks) are logged once rather than
// ignored silently. Sink connectors run in the sink runtime,
// source connectors in the source runtime, which keeps their offsets in
// offset.storage.file.filename (one file for every source connector, as
// connect-standalone does) or offset.storage.topic. Cancelling the context
// stops every connector gracefully: each task flushes, commits and stops.
//
// # Managing connectors while the worker runs
//
// A [Herder] holds a worker's connectors by name, with their
// configurations and target states (RUNNING, PAUSED, STOPPED), and starts,
// stops, restarts and reconfigures them while the worker runs: Kafka
// Connect's herder, the engine behind its REST API. [Standalone] is the
// herder of one process; a distributed herder implements the same
// interface. [Run] hosts the files' connectors in a Standalone and, with
// [Options.API] set, serves the API it makes on the worker's listeners
// (default http://127.0.0.1:8083; an empty listeners setting serves
// nothing); rest.advertised.host.name, rest.advertised.port and
// rest.advertised.listener set the worker id shown in statuses ([WorkerID]).
// Package [github.com/connectkit/connectkit/worker/rest] is that API.
//
// What the API changes lasts until the process stops, as in Kafka
// Connect's standalone mode: a restart runs the files' connectors again,
// in their files' configurations. Offsets survive, in consumer groups and
// the source offset store, so the connectors continue where they stopped.
//
// Passwords never leave the herder: every configuration it shows has the
// values of PASSWORD keys (of the connector's and its runtime's ConfigDef,
// and the Kafka clients' own secrets under any client or converter prefix)
// replaced by [Hidden], by key; ${provider:...} placeholders are shown as
// written, and [Options.ResolveConfig] resolves them only for the runtime.
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
// Converters are resolved the same way: key.converter, value.converter
// and header.converter name one of package converters' own (by Kafka
// Connect class name or alias) or one added with
// [Registry.RegisterConverter], and the runtimes build it from the
// registry [Run] was given. Transforms (SMTs) will be registered there too
// once the runtimes apply them.
//
// # Building your own worker
//
// The connectors that ship with connectkit are in package
// github.com/connectkit/connectkit/worker/bundled, apart from this package
// so that it does not carry every connector's dependencies. A program
// offers them beside its own with one call each:
//
//	reg := worker.NewRegistry()
//	bundled.Register(reg)
//	reg.Register(worker.Plugin{Name: "MySink", Aliases: []string{"com.example.MySinkConnector"}, New: newMySink})
//	err := worker.RunFiles(ctx, "worker.properties", files, worker.Options{Registry: reg})
//
// examples/custom-worker is such a program. Nothing registers itself:
// importing a connector package has no side effect, and [Default], the
// registry used when [Options] names none, stays empty until a program
// fills it. Everything that looks plugins up takes a *Registry, so tests
// build one holding just their fakes and two registries in one process do
// not interfere.
package worker
