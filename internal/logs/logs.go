package logs

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/aws/smithy-go/logging"
)

// Flags are the logging flags every example binary takes.
type Flags struct {
	verbose bool
	format  string
	level   slog.Level // without -v
}

// AddFlags defines -v and -log.format on fs.
func AddFlags(fs *flag.FlagSet) *Flags {
	f := &Flags{}
	fs.BoolVar(&f.verbose, "v", false, "debug logging: the runtimes' and connectors' debug lines and the Kafka clients' (librdkafka) logs")
	fs.StringVar(&f.format, "log.format", "text", "log format: text (slog's key=value lines) or json (one JSON object a line)")
	return f
}

// SetQuietLevel sets the level logged without -v (info by default), for a
// program whose own output is the point, such as a demo that prints its
// progress.
func (f *Flags) SetQuietLevel(l slog.Level) { f.level = l }

// Level is the level the flags ask for: debug with -v, else the quiet level.
func (f *Flags) Level() slog.Level {
	if f.verbose {
		return slog.LevelDebug
	}
	return f.level
}

// Handler returns a handler writing to w in the chosen format that passes
// records at or above min, for a program that filters levels itself (the
// REST API's /admin/loggers).
func (f *Flags) Handler(w io.Writer, min slog.Leveler) (slog.Handler, error) {
	opts := &slog.HandlerOptions{Level: min}
	switch strings.ToLower(f.format) {
	case "text", "":
		return slog.NewTextHandler(w, opts), nil
	case "json":
		return slog.NewJSONHandler(w, opts), nil
	default:
		return nil, fmt.Errorf("-log.format: %q is neither text nor json", f.format)
	}
}

// Logger returns a logger writing to w in the chosen format and level, and
// makes it slog's default, so that code logging through slog.Default() or
// the standard log package writes to the same stream.
func (f *Flags) Logger(w io.Writer) (*slog.Logger, error) {
	h, err := f.Handler(w, f.Level())
	if err != nil {
		return nil, err
	}
	l := slog.New(h)
	slog.SetDefault(l)
	return l, nil
}

// Usage returns a flag.Usage function that prints what the program does,
// its usage line and its flags.
func Usage(fs *flag.FlagSet, what, usage string) func() {
	return func() {
		out := fs.Output()
		fmt.Fprintf(out, "%s\n\nusage: %s\n\nflags:\n", strings.TrimSpace(what), usage)
		fs.PrintDefaults()
	}
}

// AWS returns a logger for the AWS SDK (aws.Config.Logger) that writes to
// l: the SDK's warnings as warnings, its debug lines (request and response
// logging, when a client log mode asks for them) as debug. Without it the
// SDK writes to the standard error by itself, outside the program's format.
func AWS(l *slog.Logger) logging.Logger { return awsLogger{l} }

type awsLogger struct{ l *slog.Logger }

func (a awsLogger) Logf(c logging.Classification, format string, v ...any) {
	a.logf(context.Background(), c, format, v...)
}

// WithContext implements logging.ContextLogger, so that the SDK passes the
// request's context on to the handler.
func (a awsLogger) WithContext(ctx context.Context) logging.Logger { return ctxLogger{a, ctx} }

func (a awsLogger) logf(ctx context.Context, c logging.Classification, format string, v ...any) {
	level := slog.LevelDebug
	if c == logging.Warn {
		level = slog.LevelWarn
	}
	if !a.l.Enabled(ctx, level) {
		return
	}
	a.l.Log(ctx, level, fmt.Sprintf(format, v...), "component", "aws-sdk")
}

type ctxLogger struct {
	a   awsLogger
	ctx context.Context
}

func (c ctxLogger) Logf(cl logging.Classification, format string, v ...any) {
	c.a.logf(c.ctx, cl, format, v...)
}
