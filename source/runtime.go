package source

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

// Runtime runs one source connector: its tasks, each with its own poll loop
// and producer, and the store of their source offsets. Build it with [New]
// and start it with [Runtime.Run].
type Runtime struct {
	connector connect.SourceConnector
	config    map[string]string // the connector's own file
	worker    map[string]string // worker and connector settings, merged
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
	store    OffsetStore
	metrics  prometheus.Registerer
	cluster  time.Duration // see WithClusterTimeout
}

// WithWorkerConfig sets the worker configuration: bootstrap.servers, default
// converters, producer.* client settings, offset.flush.*, offset storage.
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

// WithOffsetStore makes the runtime keep source offsets in store instead of
// the one the worker configuration names (offset.storage.topic or
// offset.storage.file.filename). The caller keeps ownership: the runtime
// does not close it.
func WithOffsetStore(store OffsetStore) Option {
	return func(o *options) { o.store = store }
}

// New validates the configuration of connector c and prepares to run it.
// config is the connector's configuration (its .properties or JSON file);
// worker settings come from [WithWorkerConfig]. The error, a
// [*connect.ConfigError] for configuration problems, lists every problem at
// once.
func New(c connect.SourceConnector, config map[string]string, opts ...Option) (_ *Runtime, err error) {
	o := options{logger: slog.Default(), cluster: clientconfig.DefaultClusterTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	collector, err := metrics.Register(o.metrics)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	defer func() { collector.ConnectorStarting(err) }()
	def := ConfigDef()
	parsed, own, err := runner.ParseConfig(c, def, o.worker, config)
	if err != nil {
		return nil, err
	}
	s := newSettings(parsed)
	s.convs = o.convs
	if o.store == nil && s.offsetTopic == "" && s.offsetFile == "" {
		return nil, connect.JoinConfigErrors(connect.KeyError(OffsetStorageTopicConfig,
			"source offsets need a store: set offset.storage.topic (as in distributed mode) or offset.storage.file.filename (as in standalone mode) in the worker configuration"))
	}
	runner.WarnUnused(o.logger, s.name, def, own, connectorPrefixes)
	if err := checkClients(s, o.logger); err != nil {
		return nil, err
	}
	if err := checkConverters(s); err != nil {
		return nil, err
	}
	r := &Runtime{connector: c, config: config, worker: parsed.Originals(), settings: s, opts: o, collector: collector,
		log: o.logger.With("connector", s.name)}
	if r.taskCfgs, err = runner.TaskConfigs("source", s.name, c, config, s.tasksMax); err != nil {
		return nil, err
	}
	return r, nil
}

// connectorPrefixes are connector keys read by prefix: client overrides,
// converter settings, and Kafka Connect's topic creation groups, of which
// only the default group is supported.
var connectorPrefixes = []string{ProducerOverridePrefix, AdminOverridePrefix,
	KeyConverterConfig + ".", ValueConverterConfig + ".", HeaderConverterConfig + "."}

// Name returns the connector's name.
func (r *Runtime) Name() string { return r.settings.name }

// Run runs the connector's tasks until ctx is cancelled or every task has
// stopped. Cancelling ctx is a graceful shutdown: each task stops polling,
// waits for its outstanding records to be acknowledged, stores their
// offsets and is stopped, within task.shutdown.graceful.timeout.ms.
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
		return errors.New("source: Run called twice")
	}
	r.m = r.connectorMetrics()
	r.tasks = make([]*taskRunner, len(r.taskCfgs))
	for i, tc := range r.taskCfgs {
		r.tasks[i] = newTaskRunner(r, i, tc)
	}
	r.mu.Unlock()

	start := time.Now()
	store, closeStore, err := r.openStore(ctx)
	if err != nil {
		err = fmt.Errorf("source: connector %s: offset store: %w", r.settings.name, r.unreachable(err, time.Since(start)))
		for _, t := range r.tasks {
			_ = t.fail("offset store", err) // recorded in the task status
		}
		return err
	}

	tasks := make([]runner.Task, len(r.tasks))
	for i, t := range r.tasks {
		tasks[i] = runner.Task{Run: func(ctx context.Context) error { return t.run(ctx, store) }, State: t.state}
	}
	// The store is closed once every task has returned, which is later
	// than Run when a task is abandoned: it may still store offsets.
	err = runner.Run(ctx, "source", r.settings.name, tasks, r.settings.shutdownTimeout, closeStore)
	if err == nil {
		// Failed tasks stay visible until a runtime of the same name
		// replaces them.
		r.m.Remove()
	}
	return err
}

// openStore returns the offset store: the one given with WithOffsetStore,
// or the one the worker configuration names, which Run owns and closes.
func (r *Runtime) openStore(ctx context.Context) (OffsetStore, func(), error) {
	if r.opts.store != nil {
		return r.opts.store, func() {}, nil
	}
	if r.settings.offsetFile != "" {
		fs, err := NewFileOffsetStore(r.settings.offsetFile)
		if err != nil {
			return nil, nil, err
		}
		return fs, func() {}, nil
	}
	ks, err := NewKafkaOffsetStore(ctx, r.worker, WithStoreLogger(r.log))
	if err != nil {
		return nil, nil, err
	}
	return ks, ks.Close, nil
}

// Status returns the state of the connector and its tasks.
func (r *Runtime) Status() connect.ConnectorStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	return runner.Status(r.settings.name, len(r.taskCfgs),
		runner.Statuses(r.tasks, func(t *taskRunner) *runner.TaskState { return t.state }))
}

// Run is [New] followed by [Runtime.Run].
func Run(ctx context.Context, c connect.SourceConnector, config map[string]string, opts ...Option) error {
	r, err := New(c, config, opts...)
	if err != nil {
		return err
	}
	return r.Run(ctx)
}
