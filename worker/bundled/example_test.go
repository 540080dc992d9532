package bundled_test

import (
	"fmt"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/worker"
	"github.com/connectkit/connectkit/worker/bundled"
)

func ExampleRegister() {
	reg := worker.NewRegistry()
	bundled.Register(reg)
	// A connector of your own, beside the bundled ones; its New would
	// return your connect.SinkConnector or connect.SourceConnector.
	reg.Register(worker.Plugin{
		Name:    "MySink",
		Aliases: []string{"com.example.MySinkConnector"},
		New:     func() connect.Connector { return nil },
	})
	for _, class := range []string{"io.confluent.connect.s3.S3SinkConnector", "FileStreamSink", "MySinkConnector"} {
		p, err := reg.Lookup(class)
		fmt.Println(class, "->", p.Name, err)
	}
	// Output:
	// io.confluent.connect.s3.S3SinkConnector -> S3Sink <nil>
	// FileStreamSink -> FileStreamSink <nil>
	// MySinkConnector -> MySink <nil>
}
