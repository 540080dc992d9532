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

	"github.com/connectkit/connectkit/sink"
)

func main() {
	bootstrap := flag.String("bootstrap", "localhost:9092", "Kafka bootstrap servers")
	topic := flag.String("topic", "orders", "topic to read")
	dir := flag.String("dir", "custom-sink-out", "output directory")
	flag.Parse()

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
