package kafkasink_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/sink/kafkasink"
)

// The connector forwards the red fruits of one topic to another, keyed by
// name, with kakao's configuration keys.
func ExampleConnector() {
	cluster, err := connectortest.StartCluster()
	if err != nil {
		panic(err)
	}
	defer cluster.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, topic := range []string{"fruits", "red-fruits"} {
		if err := cluster.CreateTopicContext(ctx, topic, 1); err != nil {
			panic(err)
		}
	}
	var in []connectortest.Record
	for _, v := range []string{`{"name":"apple","color":"red"}`, `{"name":"banana","color":"yellow"}`, `{"name":"cherry","color":"red"}`} {
		in = append(in, connectortest.Record{Topic: "fruits", Value: []byte(v)})
	}
	if _, err := cluster.ProduceContext(ctx, in...); err != nil {
		panic(err)
	}

	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	rt, err := sink.New(kafkasink.NewConnector(kafkasink.WithLogger(quiet)), map[string]string{
		"name":                      "red-fruits",
		"connector.class":           kafkasink.ConnectorClass,
		"topics":                    "fruits",
		"value.converter":           "org.apache.kafka.connect.storage.StringConverter",
		"kafka.sink.bootstrap":      cluster.BootstrapServers(),
		"kafka.sink.topic":          "red-fruits",
		"kafka.filtering.condition": "$.[?(@.color == 'red')]",
		"kafka.key.enabled":         "true",
		"kafka.key.field":           "@.name",
	}, sink.WithWorkerConfig(map[string]string{
		"bootstrap.servers":        cluster.BootstrapServers(),
		"offset.flush.interval.ms": "100",
	}), sink.WithLogger(quiet))
	if err != nil {
		panic(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- rt.Run(runCtx) }()
	var out []connectortest.Record
	for len(out) < 2 && ctx.Err() == nil {
		time.Sleep(50 * time.Millisecond)
		if out, err = cluster.ReadAllContext(ctx, "red-fruits"); err != nil {
			panic(err)
		}
	}
	stop()
	if err := <-done; err != nil {
		panic(err)
	}
	for _, r := range out {
		fmt.Printf("%s %s\n", r.Key, r.Value)
	}
	// Output:
	// apple {"name":"apple","color":"red"}
	// cherry {"name":"cherry","color":"red"}
}
