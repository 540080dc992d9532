package httpsource

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/connectkit/connectkit/connect"
)

// Connector is the HTTP source connector. Build it with [NewConnector]; its
// zero value works too, with the defaults.
type Connector struct {
	opts []Option
}

var (
	_ connect.SourceConnector = (*Connector)(nil)
	_ connect.ConfigValidator = (*Connector)(nil)
	_ connect.SourceTask      = (*Task)(nil)
	_ connect.RecordCommitter = (*Task)(nil)
)

// NewConnector returns a connector whose tasks use opts.
func NewConnector(opts ...Option) *Connector { return &Connector{opts: opts} }

// ConfigDef describes the connector's settings: castorm's keys, then the
// ones this connector adds.
func (c *Connector) ConfigDef() *connect.ConfigDef { return configDef() }

// Validate checks what the ConfigDef cannot: templates, JSON Pointers and
// the other values compiled when a task starts.
func (c *Connector) Validate(config map[string]string) []error {
	if _, err := configDef().Parse(config); err != nil {
		return nil // the runtime reports the ConfigDef's own problems
	}
	if _, err := compileSettings(config); err != nil {
		return []error{err}
	}
	return nil
}

// TaskConfigs returns one task for http.request.url, since two tasks
// polling one URL would produce every record twice and fight over one
// offset (castorm's tasks.max did exactly that). With http.request.urls,
// the URLs are dealt out among up to maxTasks tasks, round robin, so that
// each URL is polled by one task.
func (c *Connector) TaskConfigs(config map[string]string, maxTasks int) ([]map[string]string, error) {
	urls := splitList(config[URLsConfig])
	if len(urls) == 0 || strings.TrimSpace(config[URLConfig]) != "" {
		return connect.ReplicateConfig(config, 1), nil
	}
	n := max(1, min(maxTasks, len(urls)))
	shares := make([][]string, n)
	for i, u := range urls {
		shares[i%n] = append(shares[i%n], u)
	}
	out := connect.ReplicateConfig(config, n)
	for i := range out {
		out[i][URLsConfig] = strings.Join(shares[i], ",")
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// NewTask returns an unstarted task.
func (c *Connector) NewTask() connect.SourceTask { return NewTask(c.opts...) }

// Option configures a connector's tasks with what does not belong in a
// configuration file.
type Option func(*options)

type options struct {
	clock  Clock
	logger *slog.Logger
	client *http.Client
}

func newOptions(opts []Option) *options {
	o := &options{clock: systemClock{}}
	for _, opt := range opts {
		opt(o)
	}
	return o
}

// WithClock sets the clock that the poll timer and retry backoff follow;
// the default is the system's.
func WithClock(c Clock) Option { return func(o *options) { o.clock = c } }

// WithLogger sets the logger; the default is the task context's
// ([connect.LoggerOf]), which logs where the runtime does.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithHTTPClient makes tasks send requests with c instead of a client
// built from the http.client.* settings, which are then ignored.
// Authentication, headers and timeouts of the read are still applied.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.client = c } }

// Clock is the time source of a task: when the next poll is due, and the
// waits before it. Tests inject one to move time by hand.
type Clock interface {
	Now() time.Time
	// Sleep waits for d, or until ctx is done, when it returns ctx.Err().
	Sleep(ctx context.Context, d time.Duration) error
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
