package source_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/source"
)

// greetingsTask returns three greetings from one source partition, resuming
// after the position stored for it, then waits for its context.
type greetingsTask struct {
	next int64
}

var greetings = []string{"hello", "bonjour", "hallo"}

func (t *greetingsTask) Start(ctx context.Context, _ map[string]string, tc connect.SourceTaskContext) error {
	off, err := tc.Offset(ctx, map[string]any{"list": "greetings"})
	if off != nil {
		t.next = off["position"].(int64)
	}
	return err
}

func (t *greetingsTask) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	var recs []connect.SourceRecord
	for ; t.next < int64(len(greetings)); t.next++ {
		recs = append(recs, connect.SourceRecord{
			SourcePartition: map[string]any{"list": "greetings"},
			SourceOffset:    map[string]any{"position": t.next + 1},
			Topic:           "greetings",
			ValueSchema:     connect.StringSchema,
			Value:           greetings[t.next],
		})
	}
	if len(recs) > 0 {
		return recs, nil
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

func (t *greetingsTask) Stop(context.Context) error { return nil }

// Run a source connector against Kafka (here an embedded cluster) until its
// context is cancelled; the offsets of the records Kafka acknowledged are
// stored before Run returns, in Kafka Connect's format.
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

	store := source.NewMemoryOffsetStore()
	conn := connectortest.SourceConnectorFunc(func() connect.SourceTask { return &greetingsTask{} })
	done := make(chan error, 1)
	go func() {
		done <- source.Run(ctx, conn, map[string]string{
			"name":            "greeter",
			"value.converter": "org.apache.kafka.connect.storage.StringConverter",
		}, source.WithWorkerConfig(map[string]string{"bootstrap.servers": cluster.BootstrapServers()}),
			source.WithOffsetStore(store), source.WithLogger(slog.New(slog.DiscardHandler)))
	}()

	for {
		recs, err := cluster.ReadAllContext(ctx, "greetings")
		if err != nil {
			panic(err)
		}
		if len(recs) == len(greetings) {
			for _, r := range recs {
				fmt.Printf("%s-%d@%d: %s\n", r.Topic, r.Partition, r.Offset, r.Value)
			}
			break
		}
	}
	stop()
	if err := <-done; err != nil {
		panic(err)
	}
	fmt.Println(store.Entries())
	// Output:
	// greetings-0@0: hello
	// greetings-0@1: bonjour
	// greetings-0@2: hallo
	// map[["greeter",{"list":"greetings"}]:{"position":3}]
}
