package source

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
// broker of bootstrap.servers to answer its producer; a task that gets no
// answer fails with a [*connect.ClusterError] naming bootstrap.servers
// and the client's last error, which [Runtime.Status] shows as its trace
// and [Runtime.Health] returns. The default is 30 seconds.
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
			return fmt.Errorf("source: connector %s task %d: %w", r.settings.name, t.id, err)
		}
	}
	return nil
}

// reachCluster waits, within the cluster timeout, until a broker answers
// the task's producer. It runs before the acknowledger, so the producer's
// error events are its to read.
func (t *taskRunner) reachCluster(ctx context.Context, bootstrap string) error {
	err := clientconfig.Reach(ctx, t.producer, bootstrap, t.rt.opts.cluster, func(d time.Duration) error {
		timer := time.NewTimer(d)
		defer timer.Stop()
		for {
			select {
			case ev := <-t.producer.Events():
				if e, ok := ev.(kafka.Error); ok {
					return e
				}
			case <-timer.C:
				return nil
			}
		}
	})
	var ce *connect.ClusterError
	if errors.As(err, &ce) {
		t.reach.Set(ce)
	}
	return err
}

// unreachable turns the error of an offset store that could not reach its
// cluster into a [*connect.ClusterError], recorded for Health, so that it
// names bootstrap.servers like a task's.
func (r *Runtime) unreachable(err error, waited time.Duration) error {
	var ke kafka.Error
	if !errors.As(err, &ke) {
		return err
	}
	switch ke.Code() {
	case kafka.ErrTransport, kafka.ErrAllBrokersDown, kafka.ErrTimedOut, kafka.ErrResolve:
	default:
		return err
	}
	ce := &connect.ClusterError{BootstrapServers: r.settings.bootstrapServers, Waited: waited.Round(time.Second), Err: err}
	for _, t := range r.tasks {
		t.reach.Set(ce)
	}
	return ce
}
