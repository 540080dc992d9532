// Package runner is what the sink and source runtimes share about hosting a
// connector: checking its configuration, asking it for its task
// configurations, warning about settings nobody reads, running one
// goroutine per task with Kafka Connect's graceful shutdown, and summing the
// tasks' states into the connector's.
package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/connectkit/connectkit/connect"
)

// TaskConfigs asks c for at most maxTasks task configurations and checks
// that it gave at least one and no more. kind ("sink", "source") prefixes
// the errors.
func TaskConfigs(kind, name string, c connect.Connector, config map[string]string, maxTasks int) ([]map[string]string, error) {
	cfgs, err := c.TaskConfigs(maps.Clone(config), maxTasks)
	if err != nil {
		return nil, fmt.Errorf("%s: connector %s: task configs: %w", kind, name, err)
	}
	if len(cfgs) == 0 {
		return nil, fmt.Errorf("%s: connector %s: TaskConfigs returned no tasks", kind, name)
	}
	if len(cfgs) > maxTasks {
		return nil, fmt.Errorf("%s: connector %s: TaskConfigs returned %d tasks, more than tasks.max=%d", kind, name, len(cfgs), maxTasks)
	}
	return cfgs, nil
}

// ParseConfig checks a connector's configuration for a runtime and returns
// the runtime's settings, parsed from the worker's settings overlaid with
// the connector's, and the connector's own, parsed from config alone. The
// error joins every problem, the connector's Validate ones included, so
// that a user sees them all at once.
func ParseConfig(c connect.Connector, runtimeDef *connect.ConfigDef, worker, config map[string]string) (parsed, own *connect.Config, err error) {
	merged := make(map[string]string, len(worker)+len(config))
	maps.Copy(merged, worker)
	maps.Copy(merged, config)

	var problems []error
	if parsed, err = runtimeDef.Parse(merged); err != nil {
		problems = append(problems, err)
	}
	if own, err = c.ConfigDef().Parse(config); err != nil {
		problems = append(problems, err)
	}
	if v, ok := c.(connect.ConfigValidator); ok {
		problems = append(problems, v.Validate(config)...)
	}
	if err := connect.JoinConfigErrors(problems...); err != nil {
		return nil, nil, err
	}
	return parsed, own, nil
}

// WarnUnused logs, once, each connector setting that neither the runtime nor
// the connector defines and that no prefix in prefixes claims, as Kafka
// Connect does, so that a misspelt key is seen.
func WarnUnused(log *slog.Logger, name string, runtimeDef *connect.ConfigDef, own *connect.Config, prefixes []string) {
	for _, k := range own.Unused() {
		if _, ok := runtimeDef.Key(k); ok || hasAnyPrefix(k, prefixes) {
			continue
		}
		log.Warn("the configuration was supplied but isn't a known config", "connector", name, "key", k)
	}
}

func hasAnyPrefix(k string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// Task is one of a connector's tasks, as [Run] drives it.
type Task struct {
	// Run runs the task until ctx is cancelled (a graceful stop) or it
	// fails. It cancels its own work after the graceful timeout (see
	// [GraceContext]).
	Run func(ctx context.Context) error
	// State is the task's state: [TaskState.BusyIn] says where a task
	// that does not stop is stuck, and an abandoned task is recorded
	// FAILED there.
	State *TaskState
}

// Run runs each task on a goroutine of its own and returns their errors,
// joined, once all have returned. When ctx is cancelled each task has
// twice the graceful timeout, and a second more, to return; tasks still
// running then are abandoned: each is reported in the error, named with
// where it is stuck (a task method, or a stage of the runtime's own such
// as committing offsets or closing a client), and recorded FAILED with the
// stacks of its goroutines.
//
// cleanup, if not nil, runs once every task's goroutine has returned:
// before Run returns, or, when tasks were abandoned, later, when the last
// of them returns, so that what the tasks share (a source offset store) is
// not closed while an abandoned task may still use it.
func Run(ctx context.Context, kind, name string, tasks []Task, graceful time.Duration, cleanup func()) error {
	var wg sync.WaitGroup
	errs := make([]error, len(tasks))
	exited := make([]chan struct{}, len(tasks))
	for i, t := range tasks {
		exited[i] = make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(exited[i])
			// The labels mark the task's goroutines, and those they
			// start, for the trace of a task that does not stop.
			pprof.Do(ctx, pprof.Labels(taskLabel, taskLabelValue(kind, name, i)), func(ctx context.Context) {
				errs[i] = t.Run(ctx)
			})
		}()
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		if cleanup != nil {
			cleanup()
		}
		close(done)
	}()
	select {
	case <-done:
		return errors.Join(errs...)
	case <-ctx.Done():
	}
	// Each task cancels its own context after the graceful timeout; give
	// it as long again to return before abandoning it.
	timer := time.NewTimer(2*graceful + time.Second)
	defer timer.Stop()
	select {
	case <-done:
		return errors.Join(errs...)
	case <-timer.C:
	}
	var out []error
	for i, t := range tasks {
		select {
		case <-exited[i]:
			out = append(out, errs[i]) // returned: its error is safe to read
			continue
		default:
		}
		where := t.State.BusyIn()
		if where == "" {
			where = "the runtime, between task methods"
		}
		err := &connect.TaskError{Connector: name, Task: i, Op: "shutdown",
			Err: fmt.Errorf("did not stop within %v (task.shutdown.graceful.timeout.ms) and was abandoned %v after shutdown began: still in %s",
				graceful, 2*graceful+time.Second, where),
			Stack: goroutineTrace(kind, name, i)}
		t.State.abandon(err)
		out = append(out, err)
	}
	return errors.Join(out...)
}

// taskLabel is the profiler label of a task's goroutines.
const taskLabel = "connectkit.task"

func taskLabelValue(kind, name string, id int) string {
	return fmt.Sprintf("%s connector %s task %d", kind, name, id)
}

// goroutineTrace returns the stacks of the goroutines labelled as task id
// of connector name, in the goroutine profile's text form.
func goroutineTrace(kind, name string, id int) string {
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		return "goroutine profile: " + err.Error()
	}
	label := fmt.Sprintf("%q:%q", taskLabel, taskLabelValue(kind, name, id))
	var out []string
	for _, group := range strings.Split(buf.String(), "\n\n") {
		for _, line := range strings.Split(group, "\n") {
			if strings.HasPrefix(line, "# labels: ") && strings.Contains(line, label) {
				out = append(out, group)
				break
			}
		}
	}
	return strings.Join(out, "\n\n")
}

// GraceContext returns the context of a task's own calls: not cancelled
// when ctx is, so that a graceful shutdown can finish its work, but
// graceful after, and at the latest when stop is called. stop releases
// the timer too; call it when the task returns.
func GraceContext(ctx context.Context, graceful time.Duration) (taskCtx context.Context, stop func()) {
	g := newGrace(ctx, graceful)
	return g.ctx, g.stop
}

func newGrace(ctx context.Context, graceful time.Duration) *grace {
	g := &grace{}
	g.ctx, g.cancel = context.WithCancel(context.WithoutCancel(ctx))
	g.stopAfter = context.AfterFunc(ctx, func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		if !g.stopped {
			g.timer = time.AfterFunc(graceful, g.cancel)
		}
	})
	return g
}

type grace struct {
	ctx       context.Context
	cancel    context.CancelFunc
	stopAfter func() bool

	mu      sync.Mutex
	stopped bool
	timer   *time.Timer // started once ctx is done
}

func (g *grace) stop() {
	g.stopAfter()
	g.mu.Lock()
	g.stopped = true
	if g.timer != nil {
		g.timer.Stop()
	}
	g.mu.Unlock()
	g.cancel()
}

// Status sums up a connector's state from its tasks': UNASSIGNED with every
// task UNASSIGNED before its tasks started (tasks is then nil and n says
// how many there will be), STOPPED once no task is running or waiting to,
// RUNNING otherwise.
func Status(name string, n int, tasks []connect.TaskStatus) connect.ConnectorStatus {
	st := connect.ConnectorStatus{Name: name, State: connect.StateUnassigned}
	if tasks == nil {
		for i := range n {
			st.Tasks = append(st.Tasks, connect.TaskStatus{ID: i, State: connect.StateUnassigned})
		}
		return st
	}
	st.State = connect.StateStopped
	for _, ts := range tasks {
		st.Tasks = append(st.Tasks, ts)
		if ts.State == connect.StateRunning || ts.State == connect.StateUnassigned {
			st.State = connect.StateRunning
		}
	}
	return st
}

// Statuses returns the status of each task, by state, which gives a task's
// TaskState; nil while no task is started, as Status takes it.
func Statuses[T any](tasks []T, state func(T) *TaskState) []connect.TaskStatus {
	if tasks == nil {
		return nil
	}
	out := make([]connect.TaskStatus, len(tasks))
	for i, t := range tasks {
		out[i] = state(t).Status()
	}
	return out
}

// TaskState is a task's status and where it is: the task methods or
// runtime stages in progress. The task's goroutines set them; status
// readers on other goroutines read them.
type TaskState struct {
	connector string
	id        int
	observer  func(connect.TaskStatus)

	mu        sync.Mutex
	st        connect.TaskStatus
	busy      []string // in the order entered; more than one when goroutines overlap
	abandoned bool
}

// NewTaskState returns the state of task id of connector, UNASSIGNED;
// observer, if not nil, is told of every change.
func NewTaskState(connector string, id int, observer func(connect.TaskStatus)) *TaskState {
	return &TaskState{connector: connector, id: id, observer: observer,
		st: connect.TaskStatus{ID: id, State: connect.StateUnassigned}}
}

// Status returns the task's status.
func (s *TaskState) Status() connect.TaskStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

// BusyIn names the task methods and runtime stages in progress, "" when
// none.
func (s *TaskState) BusyIn() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.busy, " and ")
}

// Set records the task's new state and its cause, and tells the observer.
// Once [Run] has abandoned the task, its state stays FAILED: Run reported
// it so, whatever the task does later.
func (s *TaskState) Set(state connect.State, err error) {
	s.mu.Lock()
	if s.abandoned {
		s.mu.Unlock()
		return
	}
	s.st = connect.TaskStatus{ID: s.id, State: state, Err: err}
	st := s.st
	s.mu.Unlock()
	if s.observer != nil {
		s.observer(st)
	}
}

// abandon records the task FAILED with err, for good.
func (s *TaskState) abandon(err error) {
	s.mu.Lock()
	s.st = connect.TaskStatus{ID: s.id, State: connect.StateFailed, Err: err}
	s.abandoned = true
	st := s.st
	s.mu.Unlock()
	if s.observer != nil {
		s.observer(st)
	}
}

// Enter notes that the task is in op, a runtime stage that may block
// (committing offsets, closing a client), until leave is called, so that
// a task stuck there is reported as such.
func (s *TaskState) Enter(op string) (leave func()) {
	s.mu.Lock()
	s.busy = append(s.busy, op)
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if i := slices.Index(s.busy, op); i >= 0 {
			s.busy = slices.Delete(s.busy, i, i+1)
		}
	}
}

// Call runs the task method op, noting it for BusyIn and turning a panic
// into a [*connect.TaskError] with its stack, so that one broken task
// cannot take the process down.
func (s *TaskState) Call(op string, fn func() error) (err error) {
	leave := s.Enter(op)
	defer func() {
		leave()
		if p := recover(); p != nil {
			err = &connect.TaskError{Connector: s.connector, Task: s.id, Op: op,
				Err: fmt.Errorf("panic: %v", p), Stack: string(debug.Stack())}
		}
	}()
	return fn()
}
