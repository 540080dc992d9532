// Package runner is what the sink and source runtimes share about hosting a
// connector: checking its configuration, asking it for its task
// configurations, warning about settings nobody reads, running one
// goroutine per task with Kafka Connect's graceful shutdown, and summing the
// tasks' states into the connector's.
package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"runtime/debug"
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
	// fails. It cancels its own work after the graceful timeout.
	Run func(ctx context.Context) error
	// BusyIn names the task method in progress, "" when none.
	BusyIn func() string
}

// Run runs each task on a goroutine of its own and returns their errors,
// joined, once all have returned. When ctx is cancelled each task has
// twice the graceful timeout, and a second more, to return; tasks still
// busy then are abandoned and reported, each named with the method it is
// stuck in.
func Run(ctx context.Context, kind, name string, tasks []Task, graceful time.Duration) error {
	var wg sync.WaitGroup
	errs := make([]error, len(tasks))
	for i, t := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = t.Run(ctx)
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		// Each task cancels its own context after the graceful timeout;
		// give it as long again to return before abandoning it.
		timer := time.NewTimer(2*graceful + time.Second)
		defer timer.Stop()
		select {
		case <-done:
		case <-timer.C:
			var stuck []error
			for i, t := range tasks {
				if op := t.BusyIn(); op != "" {
					stuck = append(stuck, fmt.Errorf("%s: connector %s task %d did not stop within %v: still in %s", kind, name, i, graceful, op))
				}
			}
			return errors.Join(stuck...)
		}
	}
	return errors.Join(errs...)
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

// TaskState is a task's status and the task method it is in. The task's
// goroutine sets them; status readers on other goroutines read them.
type TaskState struct {
	connector string
	id        int
	observer  func(connect.TaskStatus)

	mu   sync.Mutex
	st   connect.TaskStatus
	busy string
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

// BusyIn names the task method in progress, "" when none.
func (s *TaskState) BusyIn() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.busy
}

// Set records the task's new state and its cause, and tells the observer.
func (s *TaskState) Set(state connect.State, err error) {
	s.mu.Lock()
	s.st = connect.TaskStatus{ID: s.id, State: state, Err: err}
	st := s.st
	s.mu.Unlock()
	if s.observer != nil {
		s.observer(st)
	}
}

// Call runs the task method op, noting it for BusyIn and turning a panic
// into a [*connect.TaskError] with its stack, so that one broken task
// cannot take the process down.
func (s *TaskState) Call(op string, fn func() error) (err error) {
	s.mu.Lock()
	s.busy = op
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.busy = ""
		s.mu.Unlock()
		if p := recover(); p != nil {
			err = &connect.TaskError{Connector: s.connector, Task: s.id, Op: op,
				Err: fmt.Errorf("panic: %v", p), Stack: string(debug.Stack())}
		}
	}()
	return fn()
}
