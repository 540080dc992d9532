// Command kafka-filter-sink runs the filtering Kafka sink from a connector
// file, .properties or JSON, such as a file written for kakao's
// kafka-sink-connector or the kafka-filter-sink.properties next to this
// file:
//
//	go run ./examples/kafka-filter-sink -bootstrap localhost:9092 examples/kafka-filter-sink/kafka-filter-sink.properties
//
// -bootstrap is the source cluster (the worker's bootstrap.servers); the
// destination is the file's kafka.sink.bootstrap. The file's
// connector.class, if any, must name the filtering sink
// (com.kakao.connector.kafka.KafkaSinkConnector). SIGINT or SIGTERM stops
// the connector gracefully, committing what was delivered.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/connectkit/connectkit/internal/logs"
	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/sink/kafkasink"
	"github.com/connectkit/connectkit/worker"
)

func main() {
	bootstrap := flag.String("bootstrap", "localhost:9092", "source Kafka bootstrap servers")
	flag.Usage = logs.Usage(flag.CommandLine, `kafka-filter-sink runs the filtering Kafka sink (kakao's KafkaSinkConnector)
from a connector file, .properties or JSON: it forwards the JSON records of
its topics that match JSONPath conditions to a topic of another (or the
same) cluster. -bootstrap is the source cluster; the file's
kafka.sink.bootstrap is the destination. SIGINT or SIGTERM stops it
gracefully, committing what was delivered.`,
		"kafka-filter-sink [flags] connector.properties")
	lf := logs.AddFlags(flag.CommandLine)
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if _, err := lf.Logger(os.Stderr); err != nil { // the runtime logs through slog's default
		fmt.Fprintln(os.Stderr, "kafka-filter-sink:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *bootstrap, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "kafka-filter-sink:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, bootstrap, file string) error {
	config, err := worker.LoadConfigFile(file)
	if err != nil {
		return err
	}
	switch class := config["connector.class"]; class {
	case "", kafkasink.ConnectorClass, "KafkaSinkConnector", "KafkaFilterSink":
	default:
		return fmt.Errorf("%s: connector.class is %s, not the filtering Kafka sink", file, class)
	}
	return sink.Run(ctx, kafkasink.NewConnector(), config,
		sink.WithWorkerConfig(map[string]string{"bootstrap.servers": bootstrap}))
}
