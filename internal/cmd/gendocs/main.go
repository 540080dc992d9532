// Command gendocs writes the configuration reference of every bundled
// connector to docs/, as Markdown tables generated from the connectors'
// ConfigDefs, so the docs cannot drift from the code. With -check it only
// reports files that are out of date, for CI.
//
//	go run ./internal/cmd/gendocs [-check] [-dir docs]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/internal/clientconfig"
	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/source"
	"github.com/connectkit/connectkit/worker/bundled"
	"github.com/connectkit/connectkit/worker/rest"
)

func main() {
	check := flag.Bool("check", false, "fail if a generated file differs instead of writing it")
	dir := flag.String("dir", "docs", "output directory")
	flag.Parse()
	files, err := render()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
	stale := 0
	for name, content := range files {
		path := filepath.Join(*dir, name)
		if *check {
			old, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(old, content) {
				fmt.Fprintf(os.Stderr, "gendocs: %s is out of date; run go run ./internal/cmd/gendocs\n", path)
				stale++
			}
			continue
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gendocs:", err)
			os.Exit(1)
		}
	}
	if stale > 0 {
		os.Exit(1)
	}
}

// render returns the reference files by name.
func render() (map[string][]byte, error) {
	out := map[string][]byte{}
	var b bytes.Buffer
	b.WriteString("# Sink runtime settings\n\nEvery sink connector accepts these, in addition to its own. Keys in the Worker group usually live in the worker file; a connector file may override them.\n\n")
	if err := sink.ConfigDef().WriteMarkdown(&b); err != nil {
		return nil, err
	}
	out["sink-runtime.md"] = bytes.Clone(b.Bytes())
	b.Reset()
	b.WriteString("# Source runtime settings\n\nEvery source connector accepts these, in addition to its own. Keys in the Worker group usually live in the worker file; a connector file may override them. Source offsets are stored in Kafka Connect's format: in `offset.storage.topic` (as in distributed mode) or `offset.storage.file.filename` (as in standalone mode; a JSON file, see the `source` package documentation).\n\n")
	if err := source.ConfigDef().WriteMarkdown(&b); err != nil {
		return nil, err
	}
	out["source-runtime.md"] = bytes.Clone(b.Bytes())
	b.Reset()
	b.WriteString("# Client settings\n\nWorker `consumer.*`, `producer.*` and `admin.*` settings, and a connector's `consumer.override.*`, `producer.override.*` and `admin.override.*`, use the Java client's names. This table says what each becomes in librdkafka.\n\n")
	if err := clientconfig.WriteTable(&b); err != nil {
		return nil, err
	}
	out["client-settings.md"] = bytes.Clone(b.Bytes())
	b.Reset()
	if err := rest.WriteMarkdown(&b); err != nil {
		return nil, err
	}
	out["rest.md"] = bytes.Clone(b.Bytes())
	for _, p := range bundled.Plugins() {
		b.Reset()
		fmt.Fprintf(&b, "# %s\n\n%s\n\n", p.Name, p.Doc)
		fmt.Fprintf(&b, "`connector.class`: `%s`", p.Name)
		for _, a := range p.Aliases {
			fmt.Fprintf(&b, " or `%s`", a)
		}
		b.WriteString("\n\n")
		c := p.New()
		if _, ok := c.(connect.SinkConnector); ok {
			b.WriteString("A sink connector: the [sink runtime settings](sink-runtime.md) apply too.\n\n")
		}
		if _, ok := c.(connect.SourceConnector); ok {
			b.WriteString("A source connector: the [source runtime settings](source-runtime.md) apply too.\n\n")
		}
		if err := c.ConfigDef().WriteMarkdown(&b); err != nil {
			return nil, err
		}
		out[strings.ToLower(p.Name)+".md"] = bytes.Clone(b.Bytes())
	}
	return out, nil
}
