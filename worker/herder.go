package worker

import (
	"context"
	"errors"
	"fmt"
)

// Herder manages the connectors of a worker while it runs: it keeps each
// connector's configuration and target state, starts, stops and restarts
// its tasks, and reports their status. It is what Kafka Connect's REST API
// drives; package [github.com/connectkit/connectkit/worker/rest] serves it.
//
// [*Standalone] is the herder of one process, as connect-standalone runs
// it. A distributed herder, whose configurations and states live in Kafka
// topics and whose tasks are spread over a group of workers, implements the
// same interface, so the REST API works unchanged over either.
//
// Errors wrap [ErrNotFound], [ErrAlreadyExists], [ErrConflict] or
// [ErrBadRequest], or are a [*connect.ConfigError]; their messages are
// Kafka Connect's, for REST clients that show them.
type Herder interface {
	// Connectors returns the names of the connectors, sorted.
	Connectors(ctx context.Context) ([]string, error)
	// ConnectorInfo returns a connector's configuration, tasks and type.
	ConnectorInfo(ctx context.Context, name string) (ConnectorInfo, error)
	// ConnectorConfig returns a connector's configuration.
	ConnectorConfig(ctx context.Context, name string) (map[string]string, error)
	// ConnectorStatus returns the state of a connector and its tasks.
	ConnectorStatus(ctx context.Context, name string) (ConnectorStateInfo, error)
	// TaskConfigs returns the configuration of each of a connector's tasks.
	TaskConfigs(ctx context.Context, name string) ([]TaskInfo, error)
	// TaskStatus returns the state of one task.
	TaskStatus(ctx context.Context, name string, task int) (TaskStateInfo, error)
	// ConnectorTopics returns the topics a connector uses.
	ConnectorTopics(ctx context.Context, name string) ([]string, error)
	// ResetConnectorTopics forgets the topics a connector used.
	ResetConnectorTopics(ctx context.Context, name string) error

	// CreateConnector creates a connector in the given initial state
	// (RUNNING, PAUSED or STOPPED); [ErrAlreadyExists] if it exists.
	CreateConnector(ctx context.Context, config map[string]string, initial TargetState) (ConnectorInfo, error)
	// PutConnectorConfig creates a connector or replaces its
	// configuration, restarting it; created says which.
	PutConnectorConfig(ctx context.Context, name string, config map[string]string) (info ConnectorInfo, created bool, err error)
	// PatchConnectorConfig changes some keys of a connector's
	// configuration (a nil value removes the key) and restarts it.
	PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (ConnectorInfo, error)
	// DeleteConnector stops a connector and forgets it.
	DeleteConnector(ctx context.Context, name string) error

	// PauseConnector, ResumeConnector and StopConnector set the target
	// state of a connector; each is idempotent.
	PauseConnector(ctx context.Context, name string) error
	ResumeConnector(ctx context.Context, name string) error
	StopConnector(ctx context.Context, name string) error
	// RestartConnector restarts a connector and, as req says, its tasks.
	// It returns the plan, the status with RESTARTING where a restart is
	// to happen.
	RestartConnector(ctx context.Context, name string, req RestartRequest) (ConnectorStateInfo, error)
	// RestartTask restarts one task.
	RestartTask(ctx context.Context, name string, task int) error

	// Plugins returns the connector plugins this worker can run and,
	// unless connectorsOnly, then its converters and header converters
	// (GET /connector-plugins?connectorsOnly=false).
	Plugins(ctx context.Context, connectorsOnly bool) []PluginInfo
	// ValidateConfig checks a connector configuration for the plugin
	// class, reporting every problem at once.
	ValidateConfig(ctx context.Context, class string, config map[string]string) (ConfigInfos, error)

	// ConnectorOffsets returns a connector's committed offsets (KIP-875).
	ConnectorOffsets(ctx context.Context, name string) (ConnectorOffsets, error)
	// AlterConnectorOffsets changes the offsets of a STOPPED connector;
	// a nil offset removes the partition's offset. It returns the
	// message for the user.
	AlterConnectorOffsets(ctx context.Context, name string, offsets ConnectorOffsets) (string, error)
	// ResetConnectorOffsets removes every offset of a STOPPED connector.
	ResetConnectorOffsets(ctx context.Context, name string) (string, error)

	// ClusterID returns the Kafka cluster's id.
	ClusterID(ctx context.Context) (string, error)
	// Health returns nil when the worker can reach its cluster and no
	// task has failed, else an error saying what is wrong.
	Health(ctx context.Context) error
}

// Errors a [Herder] wraps, as Kafka Connect's REST API tells them apart.
var (
	// ErrNotFound: no such connector or task (404).
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: a connector of that name exists (409).
	ErrAlreadyExists = errors.New("already exists")
	// ErrConflict: the request cannot be done now, such as while the
	// worker starts or stops (409).
	ErrConflict = errors.New("conflict")
	// ErrBadRequest: the request is malformed or not allowed in the
	// connector's state (400).
	ErrBadRequest = errors.New("bad request")
)

// herderError carries Kafka Connect's message for a kind of error.
type herderError struct {
	kind error
	msg  string
}

func (e *herderError) Error() string        { return e.msg }
func (e *herderError) Is(target error) bool { return target == e.kind }

func notFound(format string, args ...any) error {
	return &herderError{kind: ErrNotFound, msg: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) error {
	return &herderError{kind: ErrBadRequest, msg: fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) error {
	return &herderError{kind: ErrConflict, msg: fmt.Sprintf(format, args...)}
}

// TargetState is the state a user asked a connector to be in.
type TargetState string

// The target states, with Kafka Connect's names.
const (
	TargetRunning TargetState = "RUNNING"
	TargetPaused  TargetState = "PAUSED"
	TargetStopped TargetState = "STOPPED"
)

// RestartRequest says what POST /connectors/{name}/restart restarts.
type RestartRequest struct {
	// IncludeTasks restarts the tasks too, not only the connector.
	IncludeTasks bool
	// OnlyFailed restarts only what is FAILED.
	OnlyFailed bool
}

// ConnectorInfo is Kafka Connect's ConnectorInfo: a connector's
// configuration (passwords masked), task ids and type.
type ConnectorInfo struct {
	Name   string            `json:"name"`
	Config map[string]string `json:"config"`
	Tasks  []TaskID          `json:"tasks"`
	Type   string            `json:"type"`
}

// TaskID names one task of a connector.
type TaskID struct {
	Connector string `json:"connector"`
	Task      int    `json:"task"`
}

// TaskInfo is a task's id and configuration (passwords masked).
type TaskInfo struct {
	ID     TaskID            `json:"id"`
	Config map[string]string `json:"config"`
}

// ConnectorStateInfo is Kafka Connect's ConnectorStateInfo, the body of
// GET /connectors/{name}/status.
type ConnectorStateInfo struct {
	Name      string          `json:"name"`
	Connector StateInfo       `json:"connector"`
	Tasks     []TaskStateInfo `json:"tasks"`
	Type      string          `json:"type"`
}

// StateInfo is the state of a connector or task and the worker running
// it; Trace holds a FAILED one's error.
type StateInfo struct {
	State    string `json:"state"`
	WorkerID string `json:"worker_id"`
	Trace    string `json:"trace,omitempty"`
	// Version is the connector plugin's version (KIP-891): its
	// [connect.Versioned] version, else "undefined", as Kafka Connect
	// says of a plugin without one.
	Version string `json:"version"`
}

// TaskStateInfo is the state of one task.
type TaskStateInfo struct {
	ID int `json:"id"`
	StateInfo
}

// PluginInfo describes a plugin, as GET /connector-plugins lists it.
type PluginInfo struct {
	Class   string `json:"class"`
	Type    string `json:"type"`
	Version string `json:"version"`
}

// ConfigInfos is the result of validating a connector configuration,
// Kafka Connect's ConfigInfos.
type ConfigInfos struct {
	Name       string       `json:"name"`
	ErrorCount int          `json:"error_count"`
	Groups     []string     `json:"groups"`
	Configs    []ConfigInfo `json:"configs"`
}

// ConfigInfo is one key's definition and validated value.
type ConfigInfo struct {
	Definition ConfigKeyInfo   `json:"definition"`
	Value      ConfigValueInfo `json:"value"`
}

// ConfigKeyInfo is a key's definition, Kafka Connect's ConfigKeyInfo.
type ConfigKeyInfo struct {
	Name          string   `json:"name"`
	Type          string   `json:"type"`
	Required      bool     `json:"required"`
	DefaultValue  *string  `json:"default_value"`
	Importance    string   `json:"importance"`
	Documentation string   `json:"documentation"`
	Group         *string  `json:"group"`
	OrderInGroup  int      `json:"order_in_group"`
	Width         string   `json:"width"`
	DisplayName   string   `json:"display_name"`
	Dependents    []string `json:"dependents"`
}

// ConfigValueInfo is a key's value (passwords masked) and its errors.
type ConfigValueInfo struct {
	Name              string   `json:"name"`
	Value             *string  `json:"value"`
	RecommendedValues []string `json:"recommended_values"`
	Errors            []string `json:"errors"`
	Visible           bool     `json:"visible"`
}

// ConnectorOffsets is the body of GET and PATCH
// /connectors/{name}/offsets (KIP-875).
type ConnectorOffsets struct {
	Offsets []ConnectorOffset `json:"offsets"`
}

// ConnectorOffset is the offset of one partition. For a sink connector
// the partition is {"kafka_topic": t, "kafka_partition": p} and the offset
// {"kafka_offset": o}; for a source connector both are the connector's
// own. A nil Offset in a PATCH removes the partition's offset.
type ConnectorOffset struct {
	Partition map[string]any `json:"partition"`
	Offset    map[string]any `json:"offset"`
}
