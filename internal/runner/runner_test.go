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
