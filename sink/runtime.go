package sink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/converters"
	"github.com/connectkit/connectkit/internal/clientconfig"
	"github.com/connectkit/connectkit/internal/metrics"
	"github.com/connectkit/connectkit/internal/runner"
)

// Runtime runs one sink connector: its tasks, each with its own consumer in
// the group connect-<name>. Build it with [New] and start it with
// [Runtime.Run].
type Runtime struct {
	connector connect.SinkConnector
	config    map[string]string // the connector's own file
	settings  *settings
	log       *slog.Logger
	taskCfgs  []map[string]string
	opts      options
	collector *metrics.Collector // nil without WithMetrics
	m         *metrics.Connector // set by Run

	mu    sync.Mutex
	tasks []*taskRunner
}

// Option configures a [Runtime] with something that does not belong in a
// configuration file.
type Option func(*options)

type options struct {
	worker   map[string]string
	logger   *slog.Logger
	observer func(connect.TaskStatus)
	convs    *converters.Registry
	metrics  prometheus.Registerer
	cluster  time.Duration // see WithClusterTimeout
}

// WithWorkerConfig sets the worker configuration: bootstrap.servers, default
// converters, consumer.* and producer.* client settings, offset.flush.*.
// Keys in the connector configuration override it, as in Kafka Connect.
func WithWorkerConfig(worker map[string]string) Option {
	return func(o *options) { o.worker = worker }
}

// WithLogger sets the logger; the default is slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// WithConverters resolves key.converter, value.converter and
// header.converter in reg, which holds converters registered beside the
// [converters] package's own; without it only those are known.
func WithConverters(reg *converters.Registry) Option {
	return func(o *options) { o.convs = reg }
}

// WithStatusObserver registers fn to be called each time a task changes
// state, such as when it fails. fn must not block.
func WithStatusObserver(fn func(connect.TaskStatus)) Option {
	return func(o *options) { o.observer = fn }
}

// New validates the configuration of connector c and prepares to run it.
// config is the connector's configuration (its .properties or JSON file);
// worker settings come from [WithWorkerConfig]. The error, a
// [*connect.ConfigError] for configuration problems, lists every problem at
// once.
func New(c connect.SinkConnector, config map[string]string, opts ...Option) (_ *Runtime, err error) {
	o := options{logger: slog.Default(), cluster: clientconfig.DefaultClusterTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	collector, err := metrics.Register(o.metrics)
	if err != nil {
		return nil, fmt.Errorf("sink: %w", err)
	}
	defer func() { collector.ConnectorStarting(err) }()
	def := ConfigDef()
	parsed, own, err := runner.ParseConfig(c, def, o.worker, config)
	if err != nil {
		return nil, err
	}
	s := newSettings(parsed)
	s.convs = o.convs
	s.instanceBase = instanceBase(s.name, o.worker)
	runner.WarnUnused(o.logger, s.name, def, own, connectorPrefixes)
	if err := checkClients(s, o.logger); err != nil {
		return nil, err
	}
	if err := checkConverters(s); err != nil {
		return nil, err
	}
	r := &Runtime{connector: c, config: config, settings: s, opts: o, collector: collector,
		log: o.logger.With("connector", s.name)}
	if r.taskCfgs, err = runner.TaskConfigs("sink", s.name, c, config, s.tasksMax); err != nil {
		return nil, err
	}
	return r, nil
}

// connectorPrefixes are connector keys read by prefix: client overrides and
// converter settings.
var connectorPrefixes = []string{ConsumerOverridePrefix, ProducerOverridePrefix, AdminOverridePrefix,
	KeyConverterConfig + ".", ValueConverterConfig + ".", HeaderConverterConfig + "."}

// Name returns the connector's name.
func (r *Runtime) Name() string { return r.settings.name }

// Run runs the connector's tasks until ctx is cancelled or every task has
// stopped. Cancelling ctx is a graceful shutdown: each task finishes its
// current batch, flushes, commits its offsets, closes its partitions and is
// stopped, within task.shutdown.graceful.timeout.ms.
//
// A task that fails does not stop the others, as in Kafka Connect; its
// status shows the cause. Run returns nil after a graceful shutdown, and
// otherwise the failures of the tasks (each a [*connect.TaskError]), joined.
// Run returns only after every goroutine it started has exited, with one
// exception: a task that ignores its context for longer than the graceful
// timeout after it was cancelled is abandoned, and Run reports it.
func (r *Runtime) Run(ctx context.Context) error {
	r.mu.Lock()
	if r.tasks != nil {
		r.mu.Unlock()
		return errors.New("sink: Run called twice")
	}
	r.m = r.connectorMetrics()
	r.tasks = make([]*taskRunner, len(r.taskCfgs))
	for i, tc := range r.taskCfgs {
		r.tasks[i] = newTaskRunner(r, i, tc)
	}
	r.mu.Unlock()

	tasks := make([]runner.Task, len(r.tasks))
	for i, t := range r.tasks {
		tasks[i] = runner.Task{Run: func(ctx context.Context) error { return t.run(ctx) }, State: t.state}
	}
	err := runner.Run(ctx, "sink", r.settings.name, tasks, r.settings.shutdownTimeout, nil)
	if err == nil {
		// Failed tasks stay visible until a runtime of the same name
		// replaces them.
		r.m.Remove()
	}
	return err
}

// Status returns the state of the connector and its tasks.
func (r *Runtime) Status() connect.ConnectorStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	return runner.Status(r.settings.name, len(r.taskCfgs),
		runner.Statuses(r.tasks, func(t *taskRunner) *runner.TaskState { return t.state }))
}

// Run is [New] followed by [Runtime.Run].
func Run(ctx context.Context, c connect.SinkConnector, config map[string]string, opts ...Option) error {
	r, err := New(c, config, opts...)
	if err != nil {
		return err
	}
	return r.Run(ctx)
}
