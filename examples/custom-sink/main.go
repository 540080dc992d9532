// Command custom-sink is the smallest complete sink connector, to copy:
// connector.go is the connector, connector_test.go proves its delivery
// guarantees with connectortest, and this file runs it against Kafka.
//
//	go run ./examples/custom-sink -bootstrap localhost:9092 -topic orders -dir /tmp/orders
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
)

func main() {
	bootstrap := flag.String("bootstrap", "localhost:9092", "Kafka bootstrap servers")
	topic := flag.String("topic", "orders", "topic to read")
	dir := flag.String("dir", "custom-sink-out", "output directory")
	flag.Usage = logs.Usage(flag.CommandLine, `custom-sink runs the smallest complete sink connector (connector.go): it
writes the record values of each partition of a topic to a file of its own
in a directory, one line per record. Copy it to start a connector of your
own. SIGINT or SIGTERM stops it gracefully.`,
		"custom-sink [flags]")
	lf := logs.AddFlags(flag.CommandLine)
	flag.Parse()
	if _, err := lf.Logger(os.Stderr); err != nil { // the runtime logs through slog's default
		fmt.Fprintln(os.Stderr, "custom-sink:", err)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := sink.Run(ctx, Connector{}, map[string]string{
		"name":            "custom-sink",
		"topics":          *topic,
		"value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
		DirConfig:         *dir,
	}, sink.WithWorkerConfig(map[string]string{"bootstrap.servers": *bootstrap}))
	if err != nil {
		fmt.Fprintln(os.Stderr, "custom-sink:", err)
		os.Exit(1)
	}
}
