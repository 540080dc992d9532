package connect

import (
	"fmt"
	"time"
)

// ClusterError reports that a Kafka client could not reach its cluster: no
// broker of BootstrapServers answered within Waited. A task that cannot
// reach its cluster when it starts fails with it, inside a [*TaskError];
// the runtimes' Health methods return it while a task's cluster is
// unreachable. Find it with errors.As.
type ClusterError struct {
	BootstrapServers string
	Waited           time.Duration
	// Err is the client's last error, such as librdkafka's "Connect to
	// ipv4#127.0.0.1:1 failed: Connection refused".
	Err error
}

// Error names bootstrap.servers, the time waited and the client's error.
func (e *ClusterError) Error() string {
	return fmt.Sprintf("cannot reach the Kafka cluster at bootstrap.servers=%s within %v: %v", e.BootstrapServers, e.Waited, e.Err)
}

// Unwrap returns the client's error.
func (e *ClusterError) Unwrap() error { return e.Err }
