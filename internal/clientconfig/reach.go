package clientconfig

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/connect"
)

// DefaultClusterTimeout is how long a task waits at start for its cluster
// to answer, and how long a running task's cluster may stay unreachable
// before it is reported. Kafka Connect's worker gives up on an unreachable
// cluster after its admin client's default.api.timeout.ms (60 s); half
// that tells a user about a wrong address sooner.
const DefaultClusterTimeout = 30 * time.Second

// reachStep bounds each metadata request, so cancellation is noticed.
const reachStep = 500 * time.Millisecond

// MetadataClient is the one call Reach needs: every librdkafka client
// (consumer, producer, admin) has it.
type MetadataClient interface {
	GetMetadata(topic *string, allTopics bool, timeoutMs int) (*kafka.Metadata, error)
}

// Reach asks c for the cluster's metadata until a broker answers, and
// returns a [*connect.ClusterError] once timeout has passed without one,
// or ctx's error if ctx is done first. clientErr, if not nil, waits up to
// the given time for the client's next error event and returns it (nil if
// none came), so the error names the broker's own complaint (connection
// refused, name resolution, TLS) rather than a bare timeout.
func Reach(ctx context.Context, c MetadataClient, bootstrap string, timeout time.Duration, clientErr func(time.Duration) error) error {
	start := time.Now()
	deadline := start.Add(timeout)
	var last, lastEvent error
	for {
		step := min(time.Until(deadline), reachStep)
		if step > 0 {
			_, err := c.GetMetadata(nil, false, max(int(step/time.Millisecond), 1))
			if err == nil {
				return nil
			}
			last = err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if clientErr != nil {
			// The client's events also pace the loop when GetMetadata
			// fails at once.
			if err := clientErr(min(max(time.Until(deadline), 0), reachStep)); err != nil {
				var ke kafka.Error
				if lastEvent == nil || !errors.As(err, &ke) || ke.Code() != kafka.ErrAllBrokersDown {
					lastEvent = err
				}
			}
		}
		if !time.Now().Before(deadline) {
			if lastEvent != nil {
				last = lastEvent
			}
			return &connect.ClusterError{BootstrapServers: bootstrap, Waited: timeout, Err: last}
		}
	}
}

// Reachability is what a task knows of its cluster: the error that says it
// cannot reach it, nil while it can. The task's goroutine sets it; health
// checks read it from others.
type Reachability struct {
	mu  sync.Mutex
	err error
}

// Set records err, nil once the cluster is reached again.
func (r *Reachability) Set(err error) {
	r.mu.Lock()
	r.err = err
	r.mu.Unlock()
}

// Err returns the recorded error.
func (r *Reachability) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}
