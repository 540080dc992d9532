package bundled

import (
	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/sink/filesink"
	"github.com/connectkit/connectkit/sink/kafkasink"
	"github.com/connectkit/connectkit/sink/s3sink"
	"github.com/connectkit/connectkit/source/httpsource"
	"github.com/connectkit/connectkit/worker"
)

// Plugins returns the bundled connectors, each under the Kafka Connect class
// name of the connector it replaces, in a stable order.
func Plugins() []worker.Plugin {
	return []worker.Plugin{
		{
			Name:    "FileStreamSink",
			Aliases: []string{filesink.ClassName},
			New:     func() connect.Connector { return &filesink.Connector{} },
			Doc:     "Appends record values to a file, one per line (Kafka's FileStreamSinkConnector).",
		},
		{
			Name:    "KafkaSink",
			Aliases: []string{kafkasink.ConnectorClass, "KafkaSinkConnector"},
			New:     func() connect.Connector { return kafkasink.NewConnector() },
			Doc:     "Forwards the JSON records that match JSONPath filters to another Kafka topic or cluster, at least once or exactly once (kakao's KafkaSinkConnector).",
		},
		{
			Name:    "S3Sink",
			Aliases: []string{s3sink.ConnectorClass},
			New:     func() connect.Connector { return s3sink.NewConnector() },
			Doc:     "Writes records to S3 objects, exactly once, under Confluent's names (Confluent's S3SinkConnector).",
		},
		{
			Name:    "HttpSource",
			Aliases: []string{httpsource.ClassName},
			New:     func() connect.Connector { return httpsource.NewConnector() },
			Doc:     "Polls an HTTP JSON API and writes each new record to Kafka as JSON, following pages and resuming where it stopped (castorm's HttpSourceConnector).",
		},
	}
}

// Register adds every bundled connector to r. It panics, as
// [worker.Registry.Register] does, if r already holds one of their names,
// such as after a second call.
func Register(r *worker.Registry) {
	for _, p := range Plugins() {
		r.Register(p)
	}
}

// Registry returns a new registry holding the bundled connectors and
// nothing else.
func Registry() *worker.Registry {
	r := worker.NewRegistry()
	Register(r)
	return r
}
