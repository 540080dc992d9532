package kafkasink

import (
	"log/slog"
	"strconv"
	"strings"

	"github.com/connectkit/connectkit/connect"
)

// Connector is the filtering Kafka sink. Its zero value works; build one
// with options with [NewConnector].
type Connector struct {
	opts []Option
}

var (
	_ connect.SinkConnector   = (*Connector)(nil)
	_ connect.ConfigValidator = (*Connector)(nil)
)

// NewConnector returns a connector whose tasks use opts.
func NewConnector(opts ...Option) *Connector { return &Connector{opts: opts} }

// ConfigDef describes the connector's settings.
func (c *Connector) ConfigDef() *connect.ConfigDef { return ConfigDef() }

// valueConverters are the converters that hand the task a value's bytes.
var valueConverters = []string{
	"org.apache.kafka.connect.storage.StringConverter", "StringConverter",
	"org.apache.kafka.connect.converters.ByteArrayConverter", "ByteArrayConverter",
}

// Validate checks that the value converter, when the connector's file names
// one, gives the task the value as written: filters read JSON text, and the
// record is forwarded unchanged.
func (c *Connector) Validate(config map[string]string) []error {
	if vc, ok := config["value.converter"]; ok && vc != "" {
		for _, ok := range valueConverters {
			if strings.EqualFold(vc, ok) {
				return nil
			}
		}
		return []error{connect.KeyError("value.converter",
			"the filtering Kafka sink reads values as text: use org.apache.kafka.connect.storage.StringConverter "+
				"(as kakao's connector requires) or org.apache.kafka.connect.converters.ByteArrayConverter")}
	}
	return nil
}

// TaskConfigs gives every task the connector's configuration and its
// number, task.id, as kakao's connector does; exactly-once names each
// task's transactional.id after it.
func (c *Connector) TaskConfigs(config map[string]string, maxTasks int) ([]map[string]string, error) {
	cfgs := connect.ReplicateConfig(config, maxTasks)
	for i, cfg := range cfgs {
		cfg[TaskIDConfig] = strconv.Itoa(i)
	}
	return cfgs, nil
}

// TaskIDConfig is the task's number in its configuration.
const TaskIDConfig = "task.id"

// NewTask returns an unstarted task.
func (c *Connector) NewTask() connect.SinkTask {
	if c == nil {
		return NewTask()
	}
	return NewTask(c.opts...)
}

// Option configures a connector's tasks with what does not belong in a
// configuration file.
type Option func(*options)

type options struct {
	logger *slog.Logger
	rand   func() float64
}

func newOptions(opts []Option) *options {
	o := &options{}
	for _, opt := range opts {
		opt(o)
	}
	return o
}

// WithLogger sets the logger; the default is the task context's
// ([connect.LoggerOf]), which logs where the runtime does.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithRandom sets the source of random sampling, a function returning
// numbers in [0, 1); the default is math/rand/v2's Float64.
func WithRandom(f func() float64) Option { return func(o *options) { o.rand = f } }
