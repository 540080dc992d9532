package worker_test

import (
	"context"
	"fmt"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/worker"
)

// LogSink is a sink connector that stands in for Kafka Connect's file sink.
type LogSink struct{}

func (LogSink) ConfigDef() *connect.ConfigDef { return connect.NewConfigDef() }

func (LogSink) TaskConfigs(config map[string]string, maxTasks int) ([]map[string]string, error) {
	return connect.ReplicateConfig(config, maxTasks), nil
}

func (LogSink) NewTask() connect.SinkTask { return logTask{} }

type logTask struct{}

func (logTask) Start(context.Context, map[string]string, connect.SinkTaskContext) error { return nil }

func (logTask) Put(_ context.Context, records []connect.SinkRecord) error {
	fmt.Println(len(records), "records")
	return nil
}

func (logTask) Stop(context.Context) error { return nil }

func Example_registry() {
	// A program registers its own connectors beside package bundled's.
	plugins := worker.NewRegistry()
	plugins.Register(worker.Plugin{
		Name:    "LogSink",
		Aliases: []string{"org.apache.kafka.connect.file.FileStreamSinkConnector"},
		New:     func() connect.Connector { return LogSink{} },
		Doc:     "Logs records instead of writing them to a file.",
	})

	// What a Kafka Connect file might say, in its three spellings.
	for _, class := range []string{
		"org.apache.kafka.connect.file.FileStreamSinkConnector",
		"FileStreamSinkConnector",
		"FileStreamSink",
	} {
		p, err := plugins.Lookup(class)
		if err != nil {
			fmt.Println(err)
			continue
		}
		_, isSink := p.New().(connect.SinkConnector)
		fmt.Println(class, "->", p.Name, "sink:", isSink)
	}

	_, err := plugins.Lookup("LogSnk")
	fmt.Println(err)
	// Output:
	// org.apache.kafka.connect.file.FileStreamSinkConnector -> LogSink sink: true
	// FileStreamSinkConnector -> LogSink sink: true
	// FileStreamSink -> LogSink sink: true
	// worker: connector.class "LogSnk": unknown connector class (did you mean "LogSink"?); registered: LogSink
}
