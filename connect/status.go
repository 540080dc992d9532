package connect

// State is the state of a connector or task, with Kafka Connect's names.
type State string

// The states a task passes through.
const (
	StateUnassigned State = "UNASSIGNED"
	StateRunning    State = "RUNNING"
	StatePaused     State = "PAUSED"
	StateFailed     State = "FAILED"
	StateStopped    State = "STOPPED"
)

// TaskStatus is a task's state and, when FAILED, its cause.
type TaskStatus struct {
	ID    int
	State State
	// Err is set when State is FAILED; it is a [*TaskError] and names the
	// method that failed.
	Err error
}

// ConnectorStatus is the state of a connector and its tasks.
type ConnectorStatus struct {
	Name  string
	State State
	Tasks []TaskStatus
}
