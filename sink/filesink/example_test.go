package filesink_test

import (
	"context"
	"fmt"
	"os"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/sink/filesink"
)

// The task on its own: Put buffers lines, Flush writes them out. Under the
// sink runtime, offsets are committed only after Flush.
func Example() {
	task := (&filesink.Connector{Stdout: os.Stdout}).NewTask()
	ctx := context.Background()
	if err := task.Start(ctx, map[string]string{filesink.FileConfig: ""}, nil); err != nil {
		panic(err)
	}
	_ = task.Put(ctx, []connect.SinkRecord{
		{Topic: "orders", Offset: 0, Value: map[string]any{"id": int64(1), "total": 9.5}},
		{Topic: "orders", Offset: 1, Value: "plain text"},
	})
	fmt.Println("before flush")
	_ = task.(connect.Flusher).Flush(ctx, nil)
	_ = task.Stop(ctx)
	// Output:
	// before flush
	// {"id":1,"total":9.5}
	// plain text
}
