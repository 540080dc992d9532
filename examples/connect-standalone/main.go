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
//
// Kafka Connect's REST API is served on the worker's listeners
// (default http://127.0.0.1:8083; an empty listeners= turns it off), so
// connectors can be watched and managed while it runs:
//
//	curl -s localhost:8083/connectors?expand=status
//
// With the REST API on, the connector files are optional: connectors can be
// created with POST /connectors. What the REST API changes lasts until the
// process stops; a restart runs the files' connectors again.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/connectkit/connectkit/internal/bundled"
	"github.com/connectkit/connectkit/worker"
	"github.com/connectkit/connectkit/worker/rest"
)

// version is shown by GET / of the REST API.
const version = "connectkit-dev"

func main() {
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: connect-standalone [-v] worker.properties [connector.properties connector2.json ...]\n\nconnectors:\n")
		for _, p := range bundled.Plugins() {
			fmt.Fprintf(flag.CommandLine.Output(), "  %s (%v): %s\n", p.Name, p.Aliases, p.Doc)
		}
		flag.PrintDefaults()
	}
	verbose := flag.Bool("v", false, "debug logging")
	flag.Parse()
	if flag.NArg() < 1 {
		flag.Usage()
		os.Exit(2)
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	// The REST API's /admin/loggers sets the levels; -v starts the root at DEBUG.
	loggers := rest.NewLoggers(level)
	log := slog.New(loggers.Handler(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.Level(-100)})))
	api := func(h worker.Herder) http.Handler {
		return rest.NewHandler(h, rest.Options{Version: version, Loggers: loggers, Logger: log})
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := worker.RunFiles(ctx, flag.Arg(0), flag.Args()[1:], worker.Options{Registry: bundled.Registry(), Logger: log, API: api})
	if err != nil {
		fmt.Fprintln(os.Stderr, "connect-standalone:", err)
		os.Exit(1)
	}
}
