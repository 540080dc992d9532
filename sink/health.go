package sink

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/internal/clientconfig"
)

// WithClusterTimeout bounds how long a task waits, when it starts, for a
// broker of bootstrap.servers to answer; a task that gets no answer fails
// with a [*connect.ClusterError] naming bootstrap.servers and the
// client's last error, which [Runtime.Status] shows as its trace and
// [Runtime.Health] returns. The default is 30 seconds.
func WithClusterTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.cluster = d
		}
	}
}

// Health reports whether the connector's tasks reach their Kafka cluster:
// nil while they do (or have not tried yet), otherwise the
// [*connect.ClusterError] of a task that could not. It says nothing of
// the connector's other failures, which [Runtime.Status] shows; a REST
// /health endpoint answers 200 only when it is nil.
func (r *Runtime) Health() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range r.tasks {
		if err := t.reach.Err(); err != nil {
			return fmt.Errorf("sink: connector %s task %d: %w", r.settings.name, t.id, err)
		}
	}
	return nil
}

// reachCluster waits, within the cluster timeout, until a broker answers
// the task's consumer; it runs before the consumer subscribes, so polling
// it for the broker's error events cannot take records.
func (t *taskRunner) reachCluster(ctx context.Context, bootstrap string) error {
	err := clientconfig.Reach(ctx, t.consumer, bootstrap, t.rt.opts.cluster, func(d time.Duration) error {
		if e, ok := t.consumer.Poll(int(d / time.Millisecond)).(kafka.Error); ok {
			return e
		}
		return nil
	})
	var ce *connect.ClusterError
	if errors.As(err, &ce) {
		t.reach.Set(ce)
	}
	return err
}
