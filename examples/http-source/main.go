// Command http-source runs the HTTP source connector from a Kafka Connect
// connector file, .properties or JSON, such as castorm's
// quickstart-http.properties or the http-source.properties next to this
// file:
//
//	go run ./examples/http-source -bootstrap localhost:9092 examples/http-source/http-source.properties
//
// The file's connector.class, if any, must name the HTTP source
// (com.github.castorm.kafka.connect.http.HttpSourceConnector). Source
// offsets go to the Kafka topic offset.storage.topic (connect-offsets), as
// in Kafka Connect's distributed mode, or to a file with -offsets, as in
// standalone mode; either way a restart resumes where the connector was.
// SIGINT or SIGTERM stops the connector gracefully, storing the offsets of
// every record Kafka acknowledged.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/connectkit/connectkit/internal/logs"
	"github.com/connectkit/connectkit/source"
	"github.com/connectkit/connectkit/source/httpsource"
	"github.com/connectkit/connectkit/worker"
)

func main() {
	bootstrap := flag.String("bootstrap", "localhost:9092", "Kafka bootstrap servers")
	offsets := flag.String("offsets", "", "file to store source offsets in (default: the Kafka topic connect-offsets)")
	flag.Usage = logs.Usage(flag.CommandLine, `http-source runs the HTTP source connector (castorm's HttpSourceConnector) from a
Kafka Connect connector file, .properties or JSON: it polls an HTTP JSON API
and writes each new record to Kafka, resuming where it stopped. SIGINT or
SIGTERM stops it gracefully.`,
		"http-source [flags] connector.properties")
	lf := logs.AddFlags(flag.CommandLine)
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if _, err := lf.Logger(os.Stderr); err != nil { // the runtime logs through slog's default
		fmt.Fprintln(os.Stderr, "http-source:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *bootstrap, *offsets, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "http-source:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, bootstrap, offsets, file string) error {
	config, err := worker.LoadConfigFile(file)
	if err != nil {
		return err
	}
	switch class := config["connector.class"]; class {
	case "", httpsource.ClassName, "HttpSourceConnector", "HttpSource":
	default:
		return fmt.Errorf("%s: connector.class is %s, not the HTTP source", file, class)
	}
	workerConfig := map[string]string{"bootstrap.servers": bootstrap}
	if offsets != "" {
		workerConfig["offset.storage.file.filename"] = offsets
	}
	return source.Run(ctx, httpsource.NewConnector(), config, source.WithWorkerConfig(workerConfig))
}
