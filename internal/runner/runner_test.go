package runner

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
)

func TestStatus(t *testing.T) {
	task := func(id int, s connect.State) connect.TaskStatus { return connect.TaskStatus{ID: id, State: s} }
	for _, tc := range []struct {
		name  string
		tasks []connect.TaskStatus
		want  connect.State
	}{
		{"not started", nil, connect.StateUnassigned},
		{"one task running", []connect.TaskStatus{task(0, connect.StateStopped), task(1, connect.StateRunning)}, connect.StateRunning},
		{"one task still to start", []connect.TaskStatus{task(0, connect.StateFailed), task(1, connect.StateUnassigned)}, connect.StateRunning},
		{"all done", []connect.TaskStatus{task(0, connect.StateFailed), task(1, connect.StateStopped)}, connect.StateStopped},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := Status("c", 2, tc.tasks)
			assert.Equal(t, "c", st.Name)
			assert.Equal(t, tc.want, st.State)
			assert.Len(t, st.Tasks, 2)
			if tc.tasks == nil {
				assert.Equal(t, []connect.TaskStatus{task(0, connect.StateUnassigned), task(1, connect.StateUnassigned)}, st.Tasks)
			}
		})
	}
}

func TestStatuses(t *testing.T) {
	state := func(s *TaskState) *TaskState { return s }
	assert.Nil(t, Statuses([]*TaskState(nil), state), "no task started")
	running := NewTaskState("c", 1, nil)
	running.Set(connect.StateRunning, nil)
	assert.Equal(t, []connect.TaskStatus{{ID: 0, State: connect.StateUnassigned}, {ID: 1, State: connect.StateRunning}},
		Statuses([]*TaskState{NewTaskState("c", 0, nil), running}, state))
}

func TestTaskStateCall(t *testing.T) {
	var seen []connect.TaskStatus
	s := NewTaskState("c", 3, func(st connect.TaskStatus) { seen = append(seen, st) })
	assert.Equal(t, connect.TaskStatus{ID: 3, State: connect.StateUnassigned}, s.Status())

	err := s.Call("Put", func() error {
		assert.Equal(t, "Put", s.BusyIn(), "the method in progress is named")
		panic("boom")
	})
	var te *connect.TaskError
	if assert.ErrorAs(t, err, &te) {
		assert.Equal(t, "Put", te.Op)
		assert.Equal(t, 3, te.Task)
		assert.ErrorContains(t, te.Err, "panic: boom")
		assert.NotEmpty(t, te.Stack)
	}
	assert.Empty(t, s.BusyIn())

	s.Set(connect.StateFailed, err)
	assert.Equal(t, []connect.TaskStatus{{ID: 3, State: connect.StateFailed, Err: err}}, seen)
	assert.Equal(t, connect.StateFailed, s.Status().State)
}

// validating is a connector whose Validate always objects.
type validating struct{ def *connect.ConfigDef }

func (c validating) ConfigDef() *connect.ConfigDef { return c.def }
func (validating) TaskConfigs(map[string]string, int) ([]map[string]string, error) {
	return nil, nil
}
func (validating) Validate(map[string]string) []error {
	return []error{connect.KeyError("b", "b and c conflict")}
}

func TestParseConfig(t *testing.T) {
	runtimeDef := connect.NewConfigDef().Define(
		connect.ConfigKey{Name: "a", Type: connect.ConfigInt, Importance: connect.High})
	own := connect.NewConfigDef().Define(
		connect.ConfigKey{Name: "b", Type: connect.ConfigInt, Importance: connect.High})

	parsed, mine, err := ParseConfig(connector{own}, runtimeDef,
		map[string]string{"a": "1", "w": "worker"}, map[string]string{"a": "2", "b": "3"})
	assert.NoError(t, err)
	assert.Equal(t, 2, parsed.Int("a"), "the connector's setting wins over the worker's")
	assert.Equal(t, "worker", parsed.Originals()["w"], "worker settings reach the runtime's")
	assert.Equal(t, 3, mine.Int("b"))
	_, ok := mine.Raw("w")
	assert.False(t, ok, "the connector's own settings hold no worker settings")

	// Every problem at once: the runtime's, the connector's and Validate's.
	_, _, err = ParseConfig(validating{own}, runtimeDef, nil, map[string]string{"a": "x", "b": "y"})
	var ce *connect.ConfigError
	assert.ErrorAs(t, err, &ce)
	assert.ErrorContains(t, err, `a: invalid value "x"`)
	assert.ErrorContains(t, err, "b and c conflict")
	assert.Len(t, ce.Problems, 3)
}

// connector is a connector with settings def and no Validate.
type connector struct{ def *connect.ConfigDef }

func (c connector) ConfigDef() *connect.ConfigDef { return c.def }
func (connector) TaskConfigs(map[string]string, int) ([]map[string]string, error) {
	return nil, nil
}

// stuckTask is a task whose Run, once its context is cancelled, blocks in
// stage (a runtime stage, or a task method when method is set) until
// release is closed, then records STOPPED as a task that finally returned
// would.
func stuckTask(state *TaskState, stage string, method bool, release <-chan struct{}) Task {
	return Task{State: state, Run: func(ctx context.Context) error {
		<-ctx.Done()
		block := func() error { <-release; return nil }
		if method {
			_ = state.Call(stage, block)
		} else {
			leave := state.Enter(stage)
			_ = block()
			leave()
		}
		state.Set(connect.StateStopped, nil)
		return nil
	}}
}

func TestRunReportsTasksStuckOutsideTaskMethods(t *testing.T) {
	release := make(chan struct{})
	states := []*TaskState{NewTaskState("c", 0, nil), NewTaskState("c", 1, nil), NewTaskState("c", 2, nil), NewTaskState("c", 3, nil)}
	tasks := []Task{
		stuckTask(states[0], "commit offsets", false, release),
		{State: states[1], Run: func(ctx context.Context) error { <-ctx.Done(); return errors.New("task 1 failed") }},
		stuckTask(states[2], "Close", true, release),
		stuckTask(states[3], "", false, release), // blocked, but in no stage it named
	}
	var cleaned atomic.Bool
	cleanedUp := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Run(ctx, "sink", "c", tasks, 10*time.Millisecond, func() { cleaned.Store(true); close(cleanedUp) })

	require.Error(t, err, "abandoned tasks are reported")
	assert.ErrorContains(t, err, "connector c task 0: shutdown: did not stop within 10ms (task.shutdown.graceful.timeout.ms) and was abandoned 1.02s after shutdown began: still in commit offsets")
	assert.ErrorContains(t, err, "task 1 failed", "the errors of tasks that returned are kept")
	assert.ErrorContains(t, err, "connector c task 2: shutdown: did not stop within 10ms (task.shutdown.graceful.timeout.ms) and was abandoned 1.02s after shutdown began: still in Close")
	assert.ErrorContains(t, err, "connector c task 3: shutdown: did not stop within 10ms (task.shutdown.graceful.timeout.ms) and was abandoned 1.02s after shutdown began: still in the runtime, between task methods")
	assert.False(t, cleaned.Load(), "cleanup ran while abandoned tasks may still use what it closes")

	for _, i := range []int{0, 2, 3} {
		st := states[i].Status()
		assert.Equal(t, connect.StateFailed, st.State, "task %d", i)
		var te *connect.TaskError
		if assert.ErrorAs(t, st.Err, &te, "task %d", i) {
			assert.Equal(t, "shutdown", te.Op)
			assert.Contains(t, te.Stack, ".stuckTask.func", "the trace shows where task %d is stuck", i)
			assert.Contains(t, te.Stack, `"connectkit.task":"sink connector c task `+strconv.Itoa(i)+`"`)
			assert.NotContains(t, te.Stack, `"connectkit.task":"sink connector c task 1"`, "only the task's own goroutines")
		}
	}

	close(release)
	select {
	case <-cleanedUp:
	case <-time.After(10 * time.Second):
		t.Fatal("cleanup did not run once the abandoned tasks returned")
	}
	for _, i := range []int{0, 2, 3} {
		assert.Equal(t, connect.StateFailed, states[i].Status().State, "an abandoned task stays FAILED, as Run reported it")
	}
}

func TestRunCleansUpBeforeReturning(t *testing.T) {
	var cleaned atomic.Bool
	state := NewTaskState("c", 0, nil)
	err := Run(context.Background(), "source", "c",
		[]Task{{State: state, Run: func(context.Context) error { return nil }}}, time.Second,
		func() { cleaned.Store(true) })
	require.NoError(t, err)
	assert.True(t, cleaned.Load())
}

func TestRunWaitsForATaskThatStopsInTime(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	state := NewTaskState("c", 0, nil)
	returned := make(chan struct{})
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	err := Run(ctx, "sink", "c", []Task{{State: state, Run: func(ctx context.Context) error {
		defer close(returned)
		<-ctx.Done()
		defer state.Enter("close consumer")()
		time.Sleep(100 * time.Millisecond) // slow, within the grace
		return nil
	}}}, time.Second, nil)
	require.NoError(t, err)
	select {
	case <-returned:
	default:
		t.Fatal("Run returned before the task")
	}
}

func TestEnterNamesOverlappingStages(t *testing.T) {
	s := NewTaskState("c", 0, nil)
	leaveA := s.Enter("Poll")
	leaveB := s.Enter("store offsets")
	assert.Equal(t, "Poll and store offsets", s.BusyIn())
	leaveA()
	assert.Equal(t, "store offsets", s.BusyIn())
	leaveB()
	assert.Empty(t, s.BusyIn())
}

func TestGraceContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	taskCtx, stop := GraceContext(ctx, 100*time.Millisecond)
	cancel()
	assert.NoError(t, taskCtx.Err(), "the task's context outlives ctx during the grace")
	select {
	case <-taskCtx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the task's context was not cancelled after the grace")
	}
	stop()

	// Stopped before the grace ends: the timer is stopped too.
	ctx, cancel = context.WithCancel(context.Background())
	g := newGrace(ctx, time.Hour)
	cancel()
	require.Eventually(t, func() bool { // the AfterFunc runs on its own goroutine
		g.mu.Lock()
		defer g.mu.Unlock()
		return g.timer != nil
	}, 5*time.Second, time.Millisecond)
	g.stop()
	assert.Error(t, g.ctx.Err(), "stop cancels the task's context")
	assert.False(t, g.timer.Stop(), "stop stopped the grace timer")

	// Stopped before ctx ends: no timer is ever started.
	ctx, cancel = context.WithCancel(context.Background())
	g = newGrace(ctx, time.Hour)
	g.stop()
	cancel()
	time.Sleep(10 * time.Millisecond) // an AfterFunc that was not stopped would run now
	g.mu.Lock()
	assert.Nil(t, g.timer)
	g.mu.Unlock()
}
