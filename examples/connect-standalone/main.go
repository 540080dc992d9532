// Command connect-standalone runs connectors from Kafka Connect's own
// configuration files, like Kafka's bin/connect-standalone.sh:
//
//	go run ./examples/connect-standalone worker.properties connector.properties [connector2.json ...]
//
// Files are Java .properties or JSON. connector.class may be a Kafka Connect
// class name (org.apache.kafka.connect.file.FileStreamSinkConnector) of a
// bundled connector. SIGINT or SIGTERM stops every connector gracefully,
// with a final flush and offset commit. An unknown class or an invalid
// configuration exits with status 1, listing every problem.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/connectkit/connectkit/internal/logs"
	"github.com/connectkit/connectkit/worker"
	"github.com/connectkit/connectkit/worker/bundled"
)

func main() {
	what := "connect-standalone runs connectors from Kafka Connect's own configuration files, like\n" +
		"Kafka's bin/connect-standalone.sh. SIGINT or SIGTERM stops every connector gracefully.\n\nconnectors:"
	for _, p := range bundled.Plugins() {
		what += fmt.Sprintf("\n  %s %v\n      %s", p.Name, p.Aliases, p.Doc)
	}
	flag.Usage = logs.Usage(flag.CommandLine, what,
		"connect-standalone [flags] worker.properties connector.properties [connector2.json ...]")
	lf := logs.AddFlags(flag.CommandLine)
	flag.Parse()
	log, err := lf.Logger(os.Stderr)
	if err != nil || flag.NArg() < 2 {
		if err != nil {
			fmt.Fprintln(os.Stderr, "connect-standalone:", err)
		}
		flag.Usage()
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = worker.RunFiles(ctx, flag.Arg(0), flag.Args()[1:], worker.Options{Registry: bundled.Registry(), Logger: log})
	if err != nil {
		fmt.Fprintln(os.Stderr, "connect-standalone:", err)
		os.Exit(1)
	}
}
