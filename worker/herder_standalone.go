package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/converters"
	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/source"
)

// Standalone is the [Herder] of one worker process, Kafka Connect's
// standalone mode: connectors live in memory, configured by files at
// start-up and by the REST API afterwards.
//
// What a restart keeps: nothing of what the REST API changed. A
// restarted process runs the connectors of its files again, with the
// configurations written there, in the RUNNING state, as Kafka Connect's
// ConnectStandalone does. Offsets survive: a sink's in its consumer group
// connect-<name>, a source's in offset.storage.file.filename or
// offset.storage.topic, so a connector created by REST and created again
// after a restart continues where it stopped.
//
// Build it with [NewStandalone], add connectors with its [Herder] methods
// (before or while [Standalone.Run] runs) and call Run, which starts them
// and returns after every runtime it started has stopped. The methods are
// safe to call from any goroutine; changes are done one at a time.
type Standalone struct {
	opts       Options // Metrics and ClusterTimeout, for the runtimes
	wcfg       map[string]string
	reg        *Registry
	log        *slog.Logger
	workerID   string
	resolve    func(ctx context.Context, config map[string]string) (map[string]string, error)
	offsetFile *source.FileOffsetStore
	kafka      *clusterClient

	ops sync.Mutex // one change at a time, as Kafka Connect's herder thread

	mu      sync.Mutex // guards what follows
	conns   map[string]*connState
	runCtx  context.Context // set while Run runs; parent of every runtime
	started bool            // Run was called
	done    bool            // Run is returning: no new runtime may start
	wg      sync.WaitGroup  // runtimes started
	errs    []error         // failures of runtimes Run will report

	// ended is signalled each time a runtime returns, for Run to decide
	// whether the worker has anything left to do (see stopOnItsOwn).
	ended chan struct{}
	// Set by [Run] before it calls Standalone.Run: whether the herder
	// returns once no runtime is left running (no REST API can start one
	// again), or once every runtime failed to reach its Kafka cluster.
	// Neither is set for a program that runs a Standalone itself.
	stopWhenIdle, stopWhenUnreachable bool
}

// connState is what the herder knows of one connector.
type connState struct {
	name     string
	config   map[string]string // as given, ${provider:...} placeholders kept
	plugin   Plugin
	kind     string // "sink" or "source"
	target   TargetState
	taskCfgs []map[string]string // of the last runtime built
	failure  error               // the connector could not be started
	gen      *generation         // the running runtime, if any
}

// generation is one run of a connector's runtime.
type generation struct {
	status func() connect.ConnectorStatus
	cancel context.CancelFunc
	done   chan struct{}
	err    error // set before done is closed
}

var _ Herder = (*Standalone)(nil)

// NewStandalone returns a standalone herder for the worker settings wcfg
// (bootstrap.servers, converters, offset storage, listeners, ...), used as
// given: [Run] resolves their config provider placeholders first.
func NewStandalone(wcfg map[string]string, opts Options) (*Standalone, error) {
	opts, err := opts.withResolver(wcfg)
	if err != nil {
		return nil, err
	}
	reg, log := opts.defaults()
	s := &Standalone{
		opts: opts, wcfg: maps.Clone(wcfg), reg: reg, log: log, resolve: opts.ResolveConfig,
		workerID: WorkerID(wcfg),
		conns:    map[string]*connState{},
		ended:    make(chan struct{}, 1),
	}
	// Source connectors share the worker's offset file, as in
	// connect-standalone; an offset topic is opened by each runtime.
	if f := wcfg[source.OffsetStorageFileConfig]; f != "" && wcfg[source.OffsetStorageTopicConfig] == "" {
		if s.offsetFile, err = source.NewFileOffsetStore(f); err != nil {
			return nil, fmt.Errorf("worker: %s: %w", source.OffsetStorageFileConfig, err)
		}
	}
	s.kafka = newClusterClient(s.wcfg, log)
	return s, nil
}

// Run starts the connectors whose target state is RUNNING and runs until
// ctx is cancelled; connectors created meanwhile start at once. Then it
// stops every connector gracefully, closes the herder's clients and returns
// the failures of the runtimes that were running, joined, once all have
// returned. Run may be called once.
func (s *Standalone) Run(ctx context.Context) error {
	s.ops.Lock()
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		s.ops.Unlock()
		return errors.New("worker: Run called twice")
	}
	s.started = true
	s.runCtx = ctx
	var names []string
	for name := range s.conns {
		names = append(names, name)
	}
	s.mu.Unlock()
	slices.Sort(names)
	for _, name := range names {
		s.mu.Lock()
		c := s.conns[name]
		s.mu.Unlock()
		if c.target == TargetRunning {
			s.start(ctx, c)
		}
	}
	s.ops.Unlock()

	for stop := false; !stop; {
		select {
		case <-ctx.Done():
			stop = true
		case <-s.ended:
			stop = s.stopOnItsOwn()
		}
	}

	s.ops.Lock()
	s.mu.Lock()
	s.done = true
	s.mu.Unlock()
	s.ops.Unlock()
	// Runtimes stop on their own when ctx, their parent, is cancelled.
	s.wg.Wait()
	s.kafka.close()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		if c.gen != nil && c.gen.err != nil {
			s.errs = append(s.errs, c.gen.err)
		}
	}
	return errors.Join(s.errs...)
}

// stopOnItsOwn says whether Run should return before its context ends,
// once no runtime is left running. [Run] without a REST API asks for that
// (nothing can start a runtime again, so the worker is done, as
// connect-standalone was before it had an API); with an API the worker
// keeps serving, as Kafka Connect's does, unless every connector it ran
// failed because its Kafka cluster could not be reached (a wrong
// bootstrap.servers), where Kafka Connect's worker fails at start-up.
func (s *Standalone) stopOnItsOwn() bool {
	if !s.stopWhenIdle && !s.stopWhenUnreachable {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ran, unreachable := 0, 0
	for _, c := range s.conns {
		if c.gen == nil {
			continue
		}
		select {
		case <-c.gen.done:
		default:
			return false // still running
		}
		ran++
		var ce *connect.ClusterError
		if errors.As(c.gen.err, &ce) {
			unreachable++
		}
	}
	if ran == 0 {
		return false
	}
	return s.stopWhenIdle || unreachable == ran
}

// runtimeConfig is where a stored connector configuration becomes the one
// given to a runtime: config providers (KIP-297) resolve ${provider:...}
// placeholders here, through [Options.ResolveConfig], so that secrets exist
// only in the runtime, never in what the herder stores or shows.
func (s *Standalone) runtimeConfig(ctx context.Context, stored map[string]string) (map[string]string, error) {
	cfg := maps.Clone(stored)
	if s.resolve == nil {
		return cfg, nil
	}
	return s.resolve(ctx, cfg)
}

// start builds the connector's runtime and runs it; a connector that
// cannot be built is recorded as FAILED. The caller holds s.ops.
func (s *Standalone) start(ctx context.Context, c *connState) {
	s.mu.Lock()
	parent, done := s.runCtx, s.done
	s.mu.Unlock()
	if parent == nil || done {
		return // Run starts it, or the worker is stopping
	}
	s.mu.Lock()
	c.failure = nil
	s.mu.Unlock()
	cfg, err := s.runtimeConfig(ctx, c.config)
	if err != nil {
		s.fail(c, fmt.Errorf("worker: connector %s: resolve configuration: %w", c.name, err))
		return
	}
	rt, err := s.newRuntime(c.plugin, cfg, s.log)
	if err != nil {
		s.fail(c, err)
		return
	}
	gctx, cancel := context.WithCancel(parent)
	g := &generation{status: rt.Status, cancel: cancel, done: make(chan struct{})}
	s.mu.Lock()
	c.taskCfgs = rt.TaskConfigs()
	c.gen = g
	s.wg.Add(1)
	s.mu.Unlock()
	s.log.Info("starting connector", "connector", c.name)
	go func() {
		defer s.wg.Done()
		err := rt.Run(gctx)
		if err != nil {
			// The runtime logged each failure at ERROR when it happened.
			s.log.Info("connector stopped with errors", "connector", c.name, "err", err)
		}
		g.err = err
		close(g.done)
		select {
		case s.ended <- struct{}{}:
		default:
		}
	}()
}

// runtime is what the herder uses of the sink and source runtimes.
type runtime interface {
	Run(ctx context.Context) error
	Status() connect.ConnectorStatus
	TaskConfigs() []map[string]string
}

// newRuntime builds the runtime of a connector of plugin p, configured by
// cfg, which validates it and computes its task configurations.
func (s *Standalone) newRuntime(p Plugin, cfg map[string]string, log *slog.Logger) (runtime, error) {
	switch conn := p.New().(type) {
	case connect.SinkConnector:
		return sink.New(conn, cfg, sink.WithWorkerConfig(s.wcfg), sink.WithLogger(log), sink.WithConverters(s.reg.Converters()),
			sink.WithMetrics(s.opts.Metrics), sink.WithClusterTimeout(s.opts.ClusterTimeout))
	case connect.SourceConnector:
		opts := []source.Option{source.WithWorkerConfig(s.wcfg), source.WithLogger(log), source.WithConverters(s.reg.Converters()),
			source.WithMetrics(s.opts.Metrics), source.WithClusterTimeout(s.opts.ClusterTimeout)}
		if s.offsetFile != nil {
			opts = append(opts, source.WithOffsetStore(s.offsetFile))
		}
		return source.New(conn, cfg, opts...)
	}
	return nil, fmt.Errorf("worker: plugin %s makes neither a sink nor a source connector", p.Name)
}

// fail records that connector c could not be started.
func (s *Standalone) fail(c *connState, err error) {
	s.log.Error("connector failed to start", "connector", c.name, "err", err)
	s.mu.Lock()
	c.failure = err
	c.taskCfgs = nil
	s.mu.Unlock()
}

// stop stops the connector's runtime, if one runs, and waits for it. The
// caller holds s.ops.
func (s *Standalone) stop(c *connState) {
	s.mu.Lock()
	g := c.gen
	c.gen = nil
	s.mu.Unlock()
	if g == nil {
		return
	}
	g.cancel()
	<-g.done
	if g.err != nil {
		s.log.Warn("connector stopped with errors", "connector", c.name, "err", g.err)
	}
}

// read looks the named connector up and returns fn's view of it, taken
// under the herder's lock.
func read[T any](s *Standalone, name string, fn func(c *connState) T) (T, error) {
	c, err := s.lookup(name)
	if err != nil {
		var zero T
		return zero, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(c), nil
}

// lookup returns the named connector, or a not-found error.
func (s *Standalone) lookup(name string) (*connState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.conns[name]
	if !ok {
		return nil, notFound("Connector %s not found", name)
	}
	return c, nil
}

// Connectors implements [Herder].
func (s *Standalone) Connectors(ctx context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := slices.Collect(maps.Keys(s.conns))
	slices.Sort(names)
	if names == nil {
		names = []string{}
	}
	return names, nil
}

// ConnectorInfo implements [Herder].
func (s *Standalone) ConnectorInfo(ctx context.Context, name string) (ConnectorInfo, error) {
	return read(s, name, s.infoLocked)
}

func (s *Standalone) infoLocked(c *connState) ConnectorInfo {
	info := ConnectorInfo{Name: c.name, Config: s.mask(c, c.config), Type: c.kind, Tasks: []TaskID{}}
	if c.target != TargetStopped {
		for i := range c.taskCfgs {
			info.Tasks = append(info.Tasks, TaskID{Connector: c.name, Task: i})
		}
	}
	return info
}

// ConnectorConfig implements [Herder].
func (s *Standalone) ConnectorConfig(ctx context.Context, name string) (map[string]string, error) {
	return read(s, name, func(c *connState) map[string]string { return s.mask(c, c.config) })
}

// TaskConfigs implements [Herder].
func (s *Standalone) TaskConfigs(ctx context.Context, name string) ([]TaskInfo, error) {
	return read(s, name, func(c *connState) []TaskInfo {
		out := []TaskInfo{}
		if c.target == TargetStopped {
			return out
		}
		for i, tc := range c.taskCfgs {
			out = append(out, TaskInfo{ID: TaskID{Connector: name, Task: i}, Config: s.mask(c, tc)})
		}
		return out
	})
}

// ConnectorStatus implements [Herder].
func (s *Standalone) ConnectorStatus(ctx context.Context, name string) (ConnectorStateInfo, error) {
	return read(s, name, s.statusLocked)
}

// undefinedVersion is Kafka Connect's version of a plugin that has none.
const undefinedVersion = "undefined"

// pluginVersion is the version of plugin p.
func pluginVersion(p Plugin) string {
	if v, ok := p.New().(connect.Versioned); ok && v.Version() != "" {
		return v.Version()
	}
	return undefinedVersion
}

func (s *Standalone) state(state connect.State, err error) StateInfo {
	st := StateInfo{State: string(state), WorkerID: s.workerID}
	if err != nil {
		st.Trace = trace(err)
	}
	return st
}

// trace is a failure's text for a status, with the stack of a panic.
func trace(err error) string {
	var te *connect.TaskError
	if errors.As(err, &te) && te.Stack != "" {
		return err.Error() + "\n" + te.Stack
	}
	return err.Error()
}

func (s *Standalone) statusLocked(c *connState) ConnectorStateInfo {
	st := s.statusOf(c)
	v := pluginVersion(c.plugin)
	st.Connector.Version = v
	for i := range st.Tasks {
		st.Tasks[i].Version = v
	}
	return st
}

func (s *Standalone) statusOf(c *connState) ConnectorStateInfo {
	st := ConnectorStateInfo{Name: c.name, Type: c.kind, Tasks: []TaskStateInfo{}}
	switch {
	case c.target == TargetStopped:
		st.Connector = s.state(connect.StateStopped, nil)
	case c.target == TargetPaused:
		st.Connector = s.state(connect.StatePaused, nil)
		for i := range c.taskCfgs {
			st.Tasks = append(st.Tasks, TaskStateInfo{ID: i, StateInfo: s.state(connect.StatePaused, nil)})
		}
	case c.failure != nil:
		st.Connector = s.state(connect.StateFailed, c.failure)
	case c.gen == nil:
		st.Connector = s.state(connect.StateUnassigned, nil)
		for i := range c.taskCfgs {
			st.Tasks = append(st.Tasks, TaskStateInfo{ID: i, StateInfo: s.state(connect.StateUnassigned, nil)})
		}
	default:
		// The connector itself is RUNNING while its runtime is, whatever
		// its tasks do, as in Kafka Connect.
		st.Connector = s.state(connect.StateRunning, nil)
		for _, ts := range c.gen.status().Tasks {
			st.Tasks = append(st.Tasks, TaskStateInfo{ID: ts.ID, StateInfo: s.state(ts.State, ts.Err)})
		}
	}
	return st
}

// TaskStatus implements [Herder].
func (s *Standalone) TaskStatus(ctx context.Context, name string, task int) (TaskStateInfo, error) {
	st, err := s.ConnectorStatus(ctx, name)
	if err != nil {
		return TaskStateInfo{}, err
	}
	for _, ts := range st.Tasks {
		if ts.ID == task {
			return ts, nil
		}
	}
	return TaskStateInfo{}, notFound("No status found for task %s-%d", name, task)
}

// ConnectorTopics implements [Herder]. It returns the topics a sink
// connector's topics setting names; Kafka Connect lists those a task has
// seen records of, which topics.regex and source connectors need. Neither
// is tracked yet, so both give an empty list.
func (s *Standalone) ConnectorTopics(ctx context.Context, name string) ([]string, error) {
	return read(s, name, func(c *connState) []string {
		topics := []string{}
		if c.kind == "sink" {
			for _, t := range strings.Split(c.config[sink.TopicsConfig], ",") {
				if t = strings.TrimSpace(t); t != "" {
					topics = append(topics, t)
				}
			}
		}
		slices.Sort(topics)
		return topics
	})
}

// ResetConnectorTopics implements [Herder]. The topics shown are the
// configured ones, so there is nothing to forget.
func (s *Standalone) ResetConnectorTopics(ctx context.Context, name string) error {
	_, err := s.lookup(name)
	return err
}

// checkName validates a connector name as Kafka Connect does: not empty
// once trimmed, and free of control characters.
func checkName(name string) error {
	if strings.TrimSpace(name) == "" {
		return badRequest("Connector name is required and may not be empty or blank")
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return badRequest("Connector name %q may not contain control characters", name)
		}
	}
	return nil
}

// add checks a new connector's configuration and stores it; the caller
// holds s.ops. check says whether to run the full validation (REST) or
// only what is needed to store it (files, already checked by Run).
func (s *Standalone) add(ctx context.Context, config map[string]string, target TargetState, check bool) (*connState, error) {
	name := config[sink.NameConfig]
	if err := checkName(name); err != nil {
		return nil, err
	}
	c, err := s.prepare(ctx, name, config, check)
	if err != nil {
		return nil, err
	}
	c.target = target
	s.mu.Lock()
	if _, ok := s.conns[name]; ok {
		s.mu.Unlock()
		return nil, &herderError{kind: ErrAlreadyExists, msg: fmt.Sprintf("Connector %s already exists", name)}
	}
	s.conns[name] = c
	s.mu.Unlock()
	return c, nil
}

// prepare validates config (when check is set) and returns the connector
// it describes, not yet stored.
func (s *Standalone) prepare(ctx context.Context, name string, config map[string]string, check bool) (*connState, error) {
	class := config[sink.ConnectorClassConfig]
	if class == "" {
		return nil, badRequest("Connector config %s contains no connector type", s.maskPlain(config))
	}
	p, err := s.reg.Lookup(class)
	if err != nil {
		return nil, badRequest("%v", err)
	}
	c := &connState{name: name, config: maps.Clone(config), plugin: p}
	switch p.New().(type) {
	case connect.SinkConnector:
		c.kind = "sink"
	case connect.SourceConnector:
		c.kind = "source"
	default:
		return nil, badRequest("plugin %s makes neither a sink nor a source connector", p.Name)
	}
	if check {
		infos, err := s.ValidateConfig(ctx, class, config)
		if err != nil {
			return nil, err
		}
		if infos.ErrorCount > 0 {
			var b strings.Builder
			fmt.Fprintf(&b, "Connector configuration is invalid and contains the following %d error(s):", infos.ErrorCount)
			for _, ci := range infos.Configs {
				for _, e := range ci.Value.Errors {
					b.WriteString("\n" + e)
				}
			}
			b.WriteString("\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`")
			return nil, badRequest("%s", b.String())
		}
	}
	return c, nil
}

// CreateConnector implements [Herder].
func (s *Standalone) CreateConnector(ctx context.Context, config map[string]string, initial TargetState) (ConnectorInfo, error) {
	switch initial {
	case "":
		initial = TargetRunning
	case TargetRunning, TargetPaused, TargetStopped:
	default:
		return ConnectorInfo{}, badRequest("Invalid initial state %q: use RUNNING, PAUSED or STOPPED", initial)
	}
	s.ops.Lock()
	defer s.ops.Unlock()
	if err := s.acceptingChanges(); err != nil {
		return ConnectorInfo{}, err
	}
	c, err := s.add(ctx, config, initial, true)
	if err != nil {
		return ConnectorInfo{}, err
	}
	s.configure(ctx, c)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.infoLocked(c), nil
}

// configure brings a new or reconfigured connector to its target state:
// running, or with its task configurations computed for a paused one.
// The caller holds s.ops.
func (s *Standalone) configure(ctx context.Context, c *connState) {
	s.mu.Lock()
	running := s.runCtx != nil
	s.mu.Unlock()
	if c.target == TargetRunning && running {
		s.start(ctx, c)
		return
	}
	if c.target != TargetStopped {
		s.mu.Lock()
		c.taskCfgs = s.plannedTasks(ctx, c)
		s.mu.Unlock()
	}
}

// plannedTasks asks the connector for its task configurations without
// running it, for the status of a connector that is not running.
func (s *Standalone) plannedTasks(ctx context.Context, c *connState) []map[string]string {
	cfg, err := s.runtimeConfig(ctx, c.config)
	if err != nil {
		return nil
	}
	rt, err := s.newRuntime(c.plugin, cfg, discard)
	if err != nil {
		return nil
	}
	return rt.TaskConfigs()
}

var discard = slog.New(slog.DiscardHandler)

// acceptingChanges returns a conflict error once Run is returning.
func (s *Standalone) acceptingChanges() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return conflict("The worker is shutting down")
	}
	return nil
}

// PutConnectorConfig implements [Herder].
func (s *Standalone) PutConnectorConfig(ctx context.Context, name string, config map[string]string) (ConnectorInfo, bool, error) {
	if name != config[sink.NameConfig] {
		config = maps.Clone(config)
		if have, ok := config[sink.NameConfig]; ok {
			return ConnectorInfo{}, false, badRequest("Connector name configuration (%s) doesn't match connector name in the URL (%s)", have, name)
		}
		config[sink.NameConfig] = name
	}
	s.ops.Lock()
	defer s.ops.Unlock()
	if err := s.acceptingChanges(); err != nil {
		return ConnectorInfo{}, false, err
	}
	s.mu.Lock()
	old, exists := s.conns[name]
	s.mu.Unlock()
	if !exists {
		c, err := s.add(ctx, config, TargetRunning, true)
		if err != nil {
			return ConnectorInfo{}, false, err
		}
		s.configure(ctx, c)
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.infoLocked(c), true, nil
	}
	info, err := s.reconfigure(ctx, old, config)
	return info, false, err
}

// reconfigure replaces the configuration of c and restarts it; the caller
// holds s.ops.
func (s *Standalone) reconfigure(ctx context.Context, old *connState, config map[string]string) (ConnectorInfo, error) {
	c, err := s.prepare(ctx, old.name, config, true)
	if err != nil {
		return ConnectorInfo{}, err
	}
	s.stop(old)
	s.mu.Lock()
	c.target = old.target
	s.conns[c.name] = c
	s.mu.Unlock()
	s.configure(ctx, c)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.infoLocked(c), nil
}

// PatchConnectorConfig implements [Herder].
func (s *Standalone) PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (ConnectorInfo, error) {
	s.ops.Lock()
	defer s.ops.Unlock()
	if err := s.acceptingChanges(); err != nil {
		return ConnectorInfo{}, err
	}
	old, err := s.lookup(name)
	if err != nil {
		return ConnectorInfo{}, err
	}
	config := maps.Clone(old.config)
	for k, v := range patch {
		if v == nil {
			delete(config, k)
		} else {
			config[k] = *v
		}
	}
	if config[sink.NameConfig] != name {
		return ConnectorInfo{}, badRequest("Connector name configuration (%s) doesn't match connector name in the URL (%s)", config[sink.NameConfig], name)
	}
	return s.reconfigure(ctx, old, config)
}

// DeleteConnector implements [Herder]. The connector's offsets are kept,
// as in Kafka Connect.
func (s *Standalone) DeleteConnector(ctx context.Context, name string) error {
	s.ops.Lock()
	defer s.ops.Unlock()
	c, err := s.lookup(name)
	if err != nil {
		return err
	}
	s.stop(c)
	s.mu.Lock()
	delete(s.conns, name)
	s.mu.Unlock()
	s.log.Info("deleted connector", "connector", name)
	return nil
}

// setTarget moves a connector to a target state.
func (s *Standalone) setTarget(ctx context.Context, name string, target TargetState) error {
	s.ops.Lock()
	defer s.ops.Unlock()
	c, err := s.lookup(name)
	if err != nil {
		return err
	}
	s.mu.Lock()
	prev := c.target
	c.target = target
	s.mu.Unlock()
	if prev == target {
		return nil
	}
	s.log.Info("connector target state changed", "connector", name, "from", prev, "to", target)
	switch target {
	case TargetRunning:
		s.start(ctx, c)
	case TargetPaused:
		// A paused connector's runtime stops: its tasks keep no
		// partitions, unlike Kafka Connect's, whose consumers stay in the
		// group (see docs/compat/rest.md).
		s.stop(c)
		if prev == TargetStopped {
			s.configure(ctx, c)
		}
	case TargetStopped:
		s.stop(c)
	}
	return nil
}

// PauseConnector implements [Herder].
func (s *Standalone) PauseConnector(ctx context.Context, name string) error {
	return s.setTarget(ctx, name, TargetPaused)
}

// ResumeConnector implements [Herder].
func (s *Standalone) ResumeConnector(ctx context.Context, name string) error {
	return s.setTarget(ctx, name, TargetRunning)
}

// StopConnector implements [Herder].
func (s *Standalone) StopConnector(ctx context.Context, name string) error {
	return s.setTarget(ctx, name, TargetStopped)
}

// RestartConnector implements [Herder]. A connector's runtime runs its
// tasks together, so restarting any task restarts them all; the plan
// returned marks as RESTARTING what the request asked for, as Kafka
// Connect's does.
func (s *Standalone) RestartConnector(ctx context.Context, name string, req RestartRequest) (ConnectorStateInfo, error) {
	s.ops.Lock()
	defer s.ops.Unlock()
	c, err := s.lookup(name)
	if err != nil {
		return ConnectorStateInfo{}, err
	}
	s.mu.Lock()
	plan := s.statusLocked(c)
	target := c.target
	s.mu.Unlock()
	restartConnector := !req.OnlyFailed || plan.Connector.State == string(connect.StateFailed)
	restartTasks := false
	if restartConnector {
		plan.Connector.State = "RESTARTING"
	}
	if req.IncludeTasks {
		for i, ts := range plan.Tasks {
			if !req.OnlyFailed || ts.State == string(connect.StateFailed) {
				plan.Tasks[i].State = "RESTARTING"
				plan.Tasks[i].Trace = ""
				restartTasks = true
			}
		}
	}
	if plan.Connector.State == "RESTARTING" {
		plan.Connector.Trace = ""
	}
	if target != TargetRunning {
		// Kafka Connect restarts nothing of a paused or stopped connector.
		return plan, nil
	}
	s.mu.Lock()
	failed := c.failure != nil
	s.mu.Unlock()
	if restartTasks || (restartConnector && failed) {
		s.stop(c)
		s.start(ctx, c)
	}
	return plan, nil
}

// RestartTask implements [Herder]; it restarts every task of the
// connector (see [Standalone.RestartConnector]).
func (s *Standalone) RestartTask(ctx context.Context, name string, task int) error {
	s.ops.Lock()
	defer s.ops.Unlock()
	c, err := s.lookup(name)
	if err != nil {
		return err
	}
	s.mu.Lock()
	n, target := len(c.taskCfgs), c.target
	s.mu.Unlock()
	if task < 0 || task >= n || target == TargetStopped {
		return notFound("Task %s-%d not found", name, task)
	}
	if target == TargetRunning {
		s.stop(c)
		s.start(ctx, c)
	}
	return nil
}

// Plugins implements [Herder].
func (s *Standalone) Plugins(ctx context.Context, connectorsOnly bool) []PluginInfo {
	out := s.connectorPlugins()
	if connectorsOnly {
		return out
	}
	return append(out, converterPlugins(s.reg.Converters())...)
}

// builtinConverters are the Kafka converters the converters package
// implements, and whether each also converts headers (all but
// SimpleHeaderConverter convert keys and values).
var builtinConverters = []struct {
	class        string
	value, heads bool
}{
	{converters.ByteArrayConverterClass, true, true},
	{converters.JSONConverterClass, true, true},
	{converters.SimpleHeaderConverterClass, false, true},
	{converters.StringConverterClass, true, true},
}

// converterPlugins lists the converters, then the header converters, each
// sorted by class, as Kafka Connect's ConnectorPluginsResource lists them
// after the connectors (a class that is both is listed twice, once with
// each type). reg's registered plugins are listed under their Name.
func converterPlugins(reg *converters.Registry) []PluginInfo {
	var convs, heads []PluginInfo
	for _, b := range builtinConverters {
		if b.value {
			convs = append(convs, PluginInfo{Class: b.class, Type: "converter", Version: undefinedVersion})
		}
		if b.heads {
			heads = append(heads, PluginInfo{Class: b.class, Type: "header_converter", Version: undefinedVersion})
		}
	}
	for _, p := range reg.Plugins() {
		if p.New != nil {
			convs = append(convs, PluginInfo{Class: p.Name, Type: "converter", Version: undefinedVersion})
		}
		if p.NewHeader != nil {
			heads = append(heads, PluginInfo{Class: p.Name, Type: "header_converter", Version: undefinedVersion})
		}
	}
	byClass := func(a, b PluginInfo) int { return strings.Compare(a.Class, b.Class) }
	slices.SortFunc(convs, byClass)
	slices.SortFunc(heads, byClass)
	return append(convs, heads...)
}

// connectorPlugins lists the sink and source connector plugins by class.
func (s *Standalone) connectorPlugins() []PluginInfo {
	var out []PluginInfo
	for _, p := range s.reg.Plugins() {
		info := PluginInfo{Class: className(p), Version: undefinedVersion}
		c := p.New()
		switch c.(type) {
		case connect.SinkConnector:
			info.Type = "sink"
		case connect.SourceConnector:
			info.Type = "source"
		default:
			continue
		}
		if v, ok := c.(connect.Versioned); ok && v.Version() != "" {
			info.Version = v.Version()
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b PluginInfo) int { return strings.Compare(a.Class, b.Class) })
	return out
}

// className is the class name a plugin is listed under: its first alias
// that is a Java class name, the one Kafka Connect lists, else its name.
func className(p Plugin) string {
	for _, a := range p.Aliases {
		if strings.Contains(a, ".") {
			return a
		}
	}
	return p.Name
}

// ClusterID implements [Herder].
func (s *Standalone) ClusterID(ctx context.Context) (string, error) {
	return s.kafka.clusterID(ctx)
}

// healthTimeout bounds how long GET /health waits for the cluster.
const healthTimeout = 5 * time.Second

// Health implements [Herder]: the worker is unhealthy while Run has not
// started, when the cluster cannot be reached within a few seconds, or
// when a task of a RUNNING connector has FAILED.
func (s *Standalone) Health(ctx context.Context) error {
	s.mu.Lock()
	started, done := s.runCtx != nil, s.done
	var failed []string
	for _, c := range s.conns {
		if c.target != TargetRunning {
			continue
		}
		st := s.statusLocked(c)
		if st.Connector.State == string(connect.StateFailed) {
			failed = append(failed, c.name)
		}
		for _, ts := range st.Tasks {
			if ts.State == string(connect.StateFailed) {
				failed = append(failed, fmt.Sprintf("%s-%d", c.name, ts.ID))
			}
		}
	}
	s.mu.Unlock()
	if !started {
		return conflict("Worker is still starting up")
	}
	if done {
		return conflict("Worker is shutting down")
	}
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	if _, err := s.kafka.clusterID(ctx); err != nil {
		return fmt.Errorf("cannot reach the Kafka cluster at %s=%s: %w", sink.BootstrapServersConfig, s.wcfg[sink.BootstrapServersConfig], err)
	}
	if len(failed) > 0 {
		slices.Sort(failed)
		return fmt.Errorf("failed: %s", strings.Join(failed, ", "))
	}
	return nil
}
