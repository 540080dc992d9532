package rest

import (
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes the API reference, docs/rest.md, from [Routes].
func WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString(`# REST API

A worker serves Kafka Connect's REST API on its ` + "`listeners`" + ` (default
` + "`http://127.0.0.1:8083`" + `; an empty ` + "`listeners=`" + ` turns it off), with
Kafka Connect 4.x's paths, methods, status codes and JSON shapes, so its
clients work unchanged. A program that embeds a worker mounts
` + "`rest.NewHandler`" + ` on its own server. Deliberate differences from Kafka
Connect are listed, with their reasons, in [compat/rest.md](compat/rest.md).

Errors are ` + "`{\"error_code\": N, \"message\": \"...\"}`" + `: 404 unknown connector, task or
path; 409 connector exists or worker busy; 400 malformed request or invalid
configuration (every problem listed); 413 body over the limit (1 MiB by
default); 500 otherwise. PASSWORD settings are shown as ` + "`[hidden]`" + `.

In standalone mode what the API changes lasts until the process stops: a
restart runs the connectors of the files again. Offsets survive.

This file is generated from the route table by ` + "`go run ./internal/cmd/gendocs`" + `.

| method | path | success | what it does |
|---|---|---|---|
`)
	for _, r := range Routes() {
		path := strings.TrimSuffix(r.Path, "{$}")
		fmt.Fprintf(&b, "| %s | `%s` | %d | %s |\n", r.Method, path, r.Status, strings.ReplaceAll(r.Doc, "|", `\|`))
	}
	b.WriteString("| GET | `/metrics` | 200 | Prometheus metrics, when the host program passes `rest.Options.Metrics`. |\n")
	_, err := io.WriteString(w, b.String())
	return err
}
