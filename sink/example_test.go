package sink_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/sink"
)

// printTask prints each record's value and says when it has seen enough.
type printTask struct {
	want int
	done context.CancelFunc
}

func (t *printTask) Start(context.Context, map[string]string, connect.SinkTaskContext) error {
	return nil
}

func (t *printTask) Put(_ context.Context, records []connect.SinkRecord) error {
	for _, r := range records {
		fmt.Printf("%s: %v\n", r.String(), r.Value)
		if t.want--; t.want == 0 {
			t.done()
		}
	}
	return nil
}

func (t *printTask) Stop(context.Context) error { return nil }

// Run a sink connector against Kafka (here an embedded cluster) until its
// context is cancelled; the final commit happens before Run returns.
func ExampleRun() {
	cluster, err := connectortest.StartCluster()
	if err != nil {
		panic(err)
	}
	defer cluster.Close()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	if err := cluster.CreateTopicContext(ctx, "greetings", 1); err != nil {
		panic(err)
	}
	if _, err := cluster.ProduceContext(ctx,
		connectortest.Record{Topic: "greetings", Value: []byte(`"hello"`)},
		connectortest.Record{Topic: "greetings", Value: []byte(`"bonjour"`)},
		connectortest.Record{Topic: "greetings", Value: []byte(`"hallo"`)},
	); err != nil {
		panic(err)
	}

	conn := connectortest.SinkConnectorFunc(func() connect.SinkTask { return &printTask{want: 3, done: stop} })
	err = sink.Run(ctx, conn, map[string]string{
		"name":                           "greeter",
		"topics":                         "greetings",
		"value.converter":                "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable": "false",
	}, sink.WithWorkerConfig(map[string]string{"bootstrap.servers": cluster.BootstrapServers()}),
		sink.WithLogger(slog.New(slog.DiscardHandler)))
	fmt.Println("stopped:", err)
	// Output:
	// greetings-0@0: hello
	// greetings-0@1: bonjour
	// greetings-0@2: hallo
	// stopped: <nil>
}

// whereTask tells in Start whether it writes to the cluster it reads from,
// as a Kafka-to-Kafka task must know to commit offsets in its transactions.
type whereTask struct {
	destination string
	stop        context.CancelFunc
}

func (t *whereTask) Start(_ context.Context, _ map[string]string, tc connect.SinkTaskContext) error {
	source, ok := sink.BootstrapServers(tc)
	fmt.Println("known:", ok, "same cluster:", source == t.destination)
	t.stop()
	return nil
}

func (t *whereTask) Put(context.Context, []connect.SinkRecord) error { return nil }
func (t *whereTask) Stop(context.Context) error                      { return nil }

// A task learns the bootstrap.servers its records come from, even when
// they are only in the worker's file, which Kafka Connect does not pass to
// tasks.
func ExampleBootstrapServers() {
	cluster, err := connectortest.StartCluster()
	if err != nil {
		panic(err)
	}
	defer cluster.Close()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	if err := cluster.CreateTopicContext(ctx, "orders", 1); err != nil {
		panic(err)
	}
	conn := connectortest.SinkConnectorFunc(func() connect.SinkTask {
		return &whereTask{destination: cluster.BootstrapServers(), stop: stop}
	})
	err = sink.Run(ctx, conn, map[string]string{"name": "where", "topics": "orders"},
		sink.WithWorkerConfig(map[string]string{"bootstrap.servers": cluster.BootstrapServers()}),
		sink.WithLogger(slog.New(slog.DiscardHandler)))
	fmt.Println("stopped:", err)
	// Output:
	// known: true same cluster: true
	// stopped: <nil>
}
