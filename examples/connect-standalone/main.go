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
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/connectkit/connectkit/worker"
	"github.com/connectkit/connectkit/worker/bundled"
)

func main() {
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: connect-standalone [-v] worker.properties connector.properties [connector2.properties ...]\n\nconnectors:\n")
		for _, p := range bundled.Plugins() {
			fmt.Fprintf(flag.CommandLine.Output(), "  %s (%v): %s\n", p.Name, p.Aliases, p.Doc)
		}
		flag.PrintDefaults()
	}
	verbose := flag.Bool("v", false, "debug logging")
	flag.Parse()
	if flag.NArg() < 2 {
		flag.Usage()
		os.Exit(2)
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := worker.RunFiles(ctx, flag.Arg(0), flag.Args()[1:], worker.Options{Registry: bundled.Registry(), Logger: log})
	if err != nil {
		fmt.Fprintln(os.Stderr, "connect-standalone:", err)
		os.Exit(1)
	}
}
