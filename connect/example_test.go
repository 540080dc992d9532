package connect_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"

	"github.com/connectkit/connectkit/connect"
)

func ExampleStructSchema() {
	// Build schemas once and share them; Field indexes are assigned here.
	address := connect.StructSchema("address",
		connect.Field{Name: "city", Schema: connect.StringSchema},
	)
	user := connect.StructSchema("user",
		connect.Field{Name: "id", Schema: connect.Int64Schema},
		connect.Field{Name: "email", Schema: connect.OptionalStringSchema},
		connect.Field{Name: "address", Schema: address},
	)

	u := connect.NewStruct(user).
		MustPut("id", int64(7)).
		MustPut("address", connect.NewStruct(address).MustPut("city", "Gent"))
	fmt.Println(u.Get("id"), u.Get("email"), u.Get("address").(*connect.Struct).Get("city"))
	fmt.Println("valid:", u.Validate())

	// Put checks each value against its field's schema: int is not int64.
	fmt.Println(u.Put("id", 8))

	// Validate finds required fields that were never set.
	fmt.Println(connect.NewStruct(user).Validate())
	// Output:
	// 7 <nil> Gent
	// valid: <nil>
	// field id: int is not a valid value for Schema{int64}
	// field id: null value for required Schema{int64}
}

func ExampleHeaders() {
	// Kafka allows a key more than once, so Headers keeps every one, in order.
	var h connect.Headers
	h = h.Add("trace-id", connect.StringSchema, "a1").
		Add("retry", connect.StringSchema, "1").
		Add("retry", connect.StringSchema, "2")

	last, ok := h.Last("retry")
	fmt.Println(last.Value, ok)
	var retries []any
	for _, hd := range h.All("retry") {
		retries = append(retries, hd.Value)
	}
	fmt.Println(retries)
	_, ok = h.Last("tenant")
	fmt.Println(ok, len(h.All("tenant")))
	// Output:
	// 2 true
	// [1 2]
	// false 0
}

func ExampleDecimal_String() {
	for _, d := range []connect.Decimal{
		{Unscaled: big.NewInt(1230), Scale: 2},
		{Unscaled: big.NewInt(-5), Scale: 2},
		{Unscaled: big.NewInt(42), Scale: -3},
	} {
		fmt.Println(d)
	}
	// Output:
	// 12.30
	// -0.05
	// 42000
}

func ExampleIsRetriable() {
	// A task marks failures worth retrying; wrapping keeps the mark.
	timeout := connect.Retriable(errors.New("connection reset"))
	err := fmt.Errorf("mysink: write batch: %w", timeout)
	fmt.Println(connect.IsRetriable(err), errors.Is(err, connect.ErrRetriable))

	bad := connect.DataErrorf("field %q missing", "id")
	fmt.Println(connect.IsRetriable(bad))
	// Output:
	// true true
	// false
}

func ExampleBatchError() {
	batch := []connect.SinkRecord{
		{Topic: "orders", Partition: 0, Offset: 10},
		{Topic: "orders", Partition: 0, Offset: 11},
		{Topic: "orders", Partition: 0, Offset: 12},
	}
	// A task's Put names the records it could not write; the others count
	// as handled.
	be := connect.NewBatchError()
	be.Add(&batch[1], connect.DataErrorf("amount is negative"))
	var err error = fmt.Errorf("mysink: %w", be)

	// The runtime finds the BatchError through the wrapping.
	var got *connect.BatchError
	if errors.As(err, &got) {
		for _, re := range got.Errors {
			fmt.Println(re.Record, "->", re.Err)
		}
	}
	fmt.Println(err)
	// Output:
	// orders-0@11 -> amount is negative
	// mysink: 1 record(s) failed; record orders-0@11: amount is negative
}

// The rest of this file is a minimal sink connector: a task that writes each
// record's value as a line to an io.Writer, buffering until Flush.

// lineSinkConfigDef declares the connector's own settings; the runtime adds
// name, topics, converters and errors.* itself.
var lineSinkConfigDef = connect.NewConfigDef().Define(
	connect.ConfigKey{
		Name: "line.tag", Type: connect.ConfigString, Default: "line", Importance: connect.Low,
		Doc: "Tag written in brackets before each line.",
	},
)

// lineSinkConnector is the connector: settings, task configs, tasks.
type lineSinkConnector struct {
	out io.Writer // a Go-only dependency, not a setting
}

var _ connect.SinkConnector = (*lineSinkConnector)(nil)

func (c *lineSinkConnector) ConfigDef() *connect.ConfigDef { return lineSinkConfigDef }

// TaskConfigs gives every task the same configuration: the consumer group
// splits the partitions among them.
func (c *lineSinkConnector) TaskConfigs(config map[string]string, maxTasks int) ([]map[string]string, error) {
	return connect.ReplicateConfig(config, maxTasks), nil
}

func (c *lineSinkConnector) NewTask() connect.SinkTask { return &lineSinkTask{out: c.out} }

// lineSinkTask holds no locks: the runtime calls it from one goroutine.
type lineSinkTask struct {
	out io.Writer
	tag string
	buf []string
}

var (
	_ connect.SinkTask = (*lineSinkTask)(nil)
	_ connect.Flusher  = (*lineSinkTask)(nil) // optional: the task buffers
)

func (t *lineSinkTask) Start(ctx context.Context, config map[string]string, tc connect.SinkTaskContext) error {
	c, err := lineSinkConfigDef.Parse(config)
	if err != nil {
		return err
	}
	t.tag = c.String("line.tag")
	return nil
}

func (t *lineSinkTask) Put(ctx context.Context, records []connect.SinkRecord) error {
	var failed *connect.BatchError
	for i := range records {
		s, ok := records[i].Value.(string)
		if !ok {
			// Name the bad record and carry on with the others.
			if failed == nil {
				failed = connect.NewBatchError()
			}
			failed.Add(&records[i], connect.DataErrorf("value is %T, not a string", records[i].Value))
			continue
		}
		t.buf = append(t.buf, "["+t.tag+"] "+s)
	}
	if failed != nil {
		return failed
	}
	return nil
}

// Flush makes the buffered lines durable, before the runtime commits offsets.
func (t *lineSinkTask) Flush(ctx context.Context, offsets map[connect.TopicPartition]int64) error {
	for i, line := range t.buf {
		if _, err := fmt.Fprintln(t.out, line); err != nil {
			t.buf = t.buf[i:] // keep what was not written for the next Flush
			return connect.Retriable(err)
		}
	}
	t.buf = t.buf[:0]
	return nil
}

func (t *lineSinkTask) Stop(ctx context.Context) error { return nil }

// Example_sinkConnector drives the connector by hand, as a runtime would,
// without Kafka.
func Example_sinkConnector() {
	ctx := context.Background()
	var conn connect.SinkConnector = &lineSinkConnector{out: os.Stdout}

	configs, err := conn.TaskConfigs(map[string]string{"topics": "greetings", "line.tag": "greeting"}, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(configs), "task configs")

	task := conn.NewTask()
	// The runtime passes a SinkTaskContext; this task does not use it.
	if err := task.Start(ctx, configs[0], nil); err != nil {
		fmt.Println(err)
		return
	}
	err = task.Put(ctx, []connect.SinkRecord{
		{Topic: "greetings", Partition: 0, Offset: 0, Value: "hello"},
		{Topic: "greetings", Partition: 0, Offset: 1, Value: int64(42)},
		{Topic: "greetings", Partition: 0, Offset: 2, Value: "world"},
	})
	fmt.Println("put:", err)

	// The runtime finds optional interfaces by type assertion.
	if f, ok := task.(connect.Flusher); ok {
		tp := connect.TopicPartition{Topic: "greetings", Partition: 0}
		if err := f.Flush(ctx, map[connect.TopicPartition]int64{tp: 3}); err != nil {
			fmt.Println(err)
		}
	}
	fmt.Println("stop:", task.Stop(ctx))
	// Output:
	// 2 task configs
	// put: 1 record(s) failed; record greetings-0@1: value is int64, not a string
	// [greeting] hello
	// [greeting] world
	// stop: <nil>
}
