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

	"github.com/prometheus/client_golang/prometheus"

	"github.com/connectkit/connectkit/internal/logs"
	"github.com/connectkit/connectkit/worker"
	"github.com/connectkit/connectkit/worker/bundled"
	"github.com/connectkit/connectkit/worker/rest"
)

// version is shown by GET / of the REST API.
const version = "connectkit-dev"

func main() {
	what := "connect-standalone runs connectors from Kafka Connect's own configuration files, like\n" +
		"Kafka's bin/connect-standalone.sh, and serves Kafka Connect's REST API on the worker's\n" +
		"listeners (default http://127.0.0.1:8083). SIGINT or SIGTERM stops every connector gracefully.\n\nconnectors:"
	for _, p := range bundled.Plugins() {
		what += fmt.Sprintf("\n  %s %v\n      %s", p.Name, p.Aliases, p.Doc)
	}
	flag.Usage = logs.Usage(flag.CommandLine, what,
		"connect-standalone [flags] worker.properties [connector.properties connector2.json ...]")
	lf := logs.AddFlags(flag.CommandLine)
	flag.Parse()
	// The REST API's /admin/loggers sets the levels; -v starts the root at
	// DEBUG. The format's handler passes everything the loggers let through.
	loggers := rest.NewLoggers(lf.Level())
	h, err := lf.Handler(os.Stderr, slog.Level(-100))
	if err != nil || flag.NArg() < 1 {
		if err != nil {
			fmt.Fprintln(os.Stderr, "connect-standalone:", err)
		}
		flag.Usage()
		os.Exit(2)
	}
	log := slog.New(loggers.Handler(h))
	slog.SetDefault(log)
	// One registry for every connector's metrics, served at /metrics.
	metrics := prometheus.NewRegistry()
	api := func(h worker.Herder) http.Handler {
		return rest.NewHandler(h, rest.Options{Version: version, Loggers: loggers, Logger: log,
			Metrics: worker.MetricsHandler(metrics)})
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = worker.RunFiles(ctx, flag.Arg(0), flag.Args()[1:], worker.Options{Registry: bundled.Registry(), Logger: log, API: api, Metrics: metrics})
	if err != nil {
		fmt.Fprintln(os.Stderr, "connect-standalone:", err)
		os.Exit(1)
	}
}
