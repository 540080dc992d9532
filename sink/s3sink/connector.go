package s3sink

import (
	"context"
	"log/slog"
	"time"

	"github.com/connectkit/connectkit/connect"
)

// Connector is the S3 sink connector. Build it with [NewConnector]; its
// zero value works too, with the defaults.
type Connector struct {
	opts []Option
}

var (
	_ connect.SinkConnector   = (*Connector)(nil)
	_ connect.ConfigValidator = (*Connector)(nil)
)

// NewConnector returns a connector whose tasks use opts.
func NewConnector(opts ...Option) *Connector { return &Connector{opts: opts} }

// ConfigDef describes the connector's settings, the partitioner's included.
func (c *Connector) ConfigDef() *connect.ConfigDef { return configDef(c.options().formats) }

// Validate checks what the ConfigDef cannot: that the format can be built
// from its settings.
func (c *Connector) Validate(config map[string]string) []error {
	o := c.options()
	cfg, err := configDef(o.formats).Parse(config)
	if err != nil {
		return nil // the runtime reports the ConfigDef's own problems
	}
	if _, err := o.formats[cfg.Class(FormatClassConfig)](cfg); err != nil {
		return []error{connect.KeyError(FormatClassConfig, err.Error())}
	}
	return nil
}

// TaskConfigs gives every task the same configuration: tasks share the
// topics' partitions through the consumer group.
func (c *Connector) TaskConfigs(config map[string]string, maxTasks int) ([]map[string]string, error) {
	return connect.ReplicateConfig(config, maxTasks), nil
}

// NewTask returns an unstarted task.
func (c *Connector) NewTask() connect.SinkTask { return NewTask(c.opts...) }

func (c *Connector) options() *options {
	if c == nil {
		return newOptions(nil)
	}
	return newOptions(c.opts)
}

// Option configures a connector's tasks with what does not belong in a
// configuration file.
type Option func(*options)

type options struct {
	client  Client
	clock   Clock
	logger  *slog.Logger
	formats map[string]FormatFactory
}

func newOptions(opts []Option) *options {
	o := &options{clock: systemClock{}, formats: builtinFormats()}
	for _, opt := range opts {
		opt(o)
	}
	return o
}

// WithClient makes tasks use c instead of an S3 client built from the
// configuration (s3.region, store.url, credentials...), which is then
// ignored apart from s3.bucket.name.
func WithClient(c Client) Option { return func(o *options) { o.client = c } }

// WithClock sets the clock that rotation and retry backoff follow; the
// default is the system's.
func WithClock(c Clock) Option { return func(o *options) { o.clock = c } }

// WithLogger sets the logger; the default is the task context's
// ([connect.LoggerOf]), which logs where the runtime does.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithFormat makes format.class=class select the format f builds, next to
// the built-in JsonFormat and ByteArrayFormat.
func WithFormat(class string, f FormatFactory) Option {
	return func(o *options) { o.formats[class] = f }
}

// Clock is the time source of a task: the wall clock for the Wallclock
// timestamp extractor and wall-clock rotation, and the waits between
// retries. Tests inject one to move time by hand.
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
