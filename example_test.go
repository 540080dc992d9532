package connectkit_test

import (
	"fmt"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/converters"
)

// A record's bytes become typed values through a converter, the same way
// the sink runtime prepares the records a task's Put receives.
func Example() {
	conv, err := converters.New("org.apache.kafka.connect.json.JsonConverter", map[string]string{"schemas.enable": "false"}, false)
	if err != nil {
		panic(err)
	}
	_, value, err := conv.ToConnectData("orders", []byte(`{"id":7,"items":["tea","milk"]}`))
	if err != nil {
		panic(err)
	}
	rec := connect.SinkRecord{Topic: "orders", Partition: 0, Offset: 41, Value: value}
	order := rec.Value.(map[string]any)
	fmt.Println(rec.String(), order["id"], order["items"])
	// Output: orders-0@41 7 [tea milk]
}
