package runner

import (
	"testing"

	"github.com/stretchr/testify/assert"

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
