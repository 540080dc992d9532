package worker_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/connectkit/connectkit/worker"
)

func ExampleParseProperties() {
	const text = `# A file sink, as in Kafka's quickstart.
name = local-file-sink
connector.class: FileStreamSink
topics=orders,\
       payments
file=C:\\data\\out.txt
`
	config, err := worker.ParseProperties(strings.NewReader(text))
	if err != nil {
		panic(err)
	}
	for _, k := range slices.Sorted(maps.Keys(config)) {
		fmt.Printf("%s = %s\n", k, config[k])
	}
	// Output:
	// connector.class = FileStreamSink
	// file = C:\data\out.txt
	// name = local-file-sink
	// topics = orders,payments
}

func ExampleLoadConfigFile() {
	// The body of a Kafka Connect REST request: {"name": ..., "config": {...}}.
	config, err := worker.LoadConfigFile("testdata/connect-file-sink.json")
	if err != nil {
		panic(err)
	}
	fmt.Println(config["name"], config["tasks.max"])
	// Output:
	// local-file-sink 1
}
