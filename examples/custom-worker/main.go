// Command custom-worker is connect-standalone with a connector of your own
// beside the bundled ones: it runs Kafka Connect's files, as
// bin/connect-standalone.sh does, and connector.class may name the
// SequenceSource of sequence.go as well as any bundled connector, and
// value.converter the UpperCaseConverter of converter.go as well as
// Kafka's converters.
//
//	go run ./examples/custom-worker worker.properties sequence.properties file-sink.properties
//
// Copy it and replace SequenceSource with your connectors: the whole
// program is the registry below and the call to worker.RunFiles.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/converters"
	"github.com/connectkit/connectkit/internal/logs"
	"github.com/connectkit/connectkit/worker"
	"github.com/connectkit/connectkit/worker/bundled"
)

// registry holds the bundled connectors, ours and our converter.
func registry() *worker.Registry {
	reg := worker.NewRegistry()
	bundled.Register(reg)
	reg.Register(worker.Plugin{
		Name:    "SequenceSource",
		Aliases: []string{"com.example.connect.SequenceSourceConnector"},
		New:     func() connect.Connector { return SequenceSource{} },
		Doc:     "Writes the messages 0, 1, 2, ... to a topic, resuming after the last one stored.",
	})
	reg.RegisterConverter(converters.Plugin{
		Name: "com.example.connect.UpperCaseConverter",
		New:  newUpperCase,
		Doc:  "Text, upper-cased when read from Kafka.",
	})
	return reg
}

func main() {
	reg := registry()
	flag.Usage = logs.Usage(flag.CommandLine, `custom-worker runs connectors from Kafka Connect's configuration files, like
connect-standalone, with a custom connector (SequenceSource) beside the bundled
ones. SIGINT or SIGTERM stops every connector gracefully.`+pluginList(reg),
		"custom-worker [flags] worker.properties connector.properties [connector2.json ...]")
	lf := logs.AddFlags(flag.CommandLine)
	flag.Parse()
	log, err := lf.Logger(os.Stderr)
	if err != nil || flag.NArg() < 2 {
		if err != nil {
			fmt.Fprintln(os.Stderr, "custom-worker:", err)
		}
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := worker.RunFiles(ctx, flag.Arg(0), flag.Args()[1:], worker.Options{Registry: reg, Logger: log}); err != nil {
		fmt.Fprintln(os.Stderr, "custom-worker:", err)
		os.Exit(1)
	}
}

func pluginList(reg *worker.Registry) string {
	s := "\n\nconnectors:"
	for _, p := range reg.Plugins() {
		s += fmt.Sprintf("\n  %s %v\n      %s", p.Name, p.Aliases, p.Doc)
	}
	return s
}
