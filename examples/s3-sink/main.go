// Command s3-sink runs the S3 sink connector from a Kafka Connect connector
// file, .properties or JSON, such as Confluent's quickstart-s3.properties or
// the s3-sink.properties next to this file:
//
//	go run ./examples/s3-sink -bootstrap localhost:9092 examples/s3-sink/s3-sink.properties
//
// The file's connector.class, if any, must name the S3 sink
// (io.confluent.connect.s3.S3SinkConnector). Credentials come from
// aws.access.key.id and aws.secret.access.key in the file, or else from the
// default AWS credential chain (AWS_ACCESS_KEY_ID, ~/.aws, roles); store.url
// points at MinIO or another S3-compatible store. SIGINT or SIGTERM stops
// the connector gracefully, committing what is in S3.
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
	"github.com/connectkit/connectkit/sink/s3sink"
	"github.com/connectkit/connectkit/worker"
)

func main() {
	bootstrap := flag.String("bootstrap", "localhost:9092", "Kafka bootstrap servers")
	flag.Usage = logs.Usage(flag.CommandLine, `s3-sink runs the S3 sink connector (Confluent's S3SinkConnector) from a
connector file, .properties or JSON: it writes the records of its topics to
S3 objects under Confluent's names, exactly once. Credentials come from the
file or the default AWS credential chain; store.url points at MinIO or
another S3-compatible store. SIGINT or SIGTERM stops it gracefully.`,
		"s3-sink [flags] connector.properties")
	lf := logs.AddFlags(flag.CommandLine)
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if _, err := lf.Logger(os.Stderr); err != nil { // the runtime logs through slog's default
		fmt.Fprintln(os.Stderr, "s3-sink:", err)
		os.Exit(2)
	}
	if err := run(*bootstrap, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "s3-sink:", err)
		os.Exit(1)
	}
}

func run(bootstrap, file string) error {
	config, err := worker.LoadConfigFile(file)
	if err != nil {
		return err
	}
	switch class := config["connector.class"]; class {
	case "", s3sink.ConnectorClass, "S3SinkConnector", "S3Sink":
	default:
		return fmt.Errorf("%s: connector.class is %s, not the S3 sink", file, class)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return sink.Run(ctx, s3sink.NewConnector(), config,
		sink.WithWorkerConfig(map[string]string{"bootstrap.servers": bootstrap}))
}
