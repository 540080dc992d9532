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
