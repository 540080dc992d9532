package clientconfig

import (
	"context"
	"errors"
	"log/slog"
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
		stepStart := time.Now()
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
		// GetMetadata may fail at once, and clientErr may be nil: no
		// more than one attempt per step.
		if rest := step - time.Since(stepStart); rest > 0 {
			timer := time.NewTimer(rest)
			select {
			case <-timer.C:
			case <-ctx.Done():
			}
			timer.Stop()
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

// probeEvery is how often a Watch asks a lost cluster for metadata, and
// probeTimeout how long it waits for an answer each time.
const (
	probeEvery   = time.Second
	probeTimeout = 100 * time.Millisecond
)

// Watch follows a running client's connection to its cluster. librdkafka
// reconnects by itself, so losing every broker is not a task failure, as
// in Kafka Connect; but once the cluster has been unreachable for Timeout,
// Watch logs one error and sets Reach, and when the cluster answers again
// it logs that once and clears Reach. Its methods are called from the one
// goroutine that reads the client's events.
type Watch struct {
	Client    MetadataClient
	Bootstrap string
	Timeout   time.Duration
	Log       *slog.Logger
	Reach     *Reachability

	lostSince time.Time
	lastProbe time.Time
	lastErr   error
	reported  bool
}

// Event notes a client error event: losing every broker starts the
// clock; while it runs, other errors (the broker's "connection refused")
// become the cause reported.
func (w *Watch) Event(e kafka.Error) {
	if e.Code() == kafka.ErrAllBrokersDown {
		if w.lostSince.IsZero() {
			w.lostSince, w.lastProbe = time.Now(), time.Now()
		}
		if w.lastErr == nil {
			w.lastErr = e
		}
		return
	}
	if !w.lostSince.IsZero() {
		w.lastErr = e
	}
}

// Check probes a lost cluster, at most once a second, and reports it
// lost or reached again. It returns at once while the cluster is up.
func (w *Watch) Check() {
	if w.lostSince.IsZero() || time.Since(w.lastProbe) < probeEvery {
		return
	}
	w.lastProbe = time.Now()
	if _, err := w.Client.GetMetadata(nil, false, int(probeTimeout/time.Millisecond)); err == nil {
		if w.reported {
			w.Log.Info("reached the Kafka cluster again", "bootstrap.servers", w.Bootstrap)
			w.Reach.Set(nil)
		}
		w.lostSince, w.lastErr, w.reported = time.Time{}, nil, false
		return
	}
	if !w.reported && time.Since(w.lostSince) >= w.Timeout {
		w.reported = true
		ce := &connect.ClusterError{BootstrapServers: w.Bootstrap, Waited: w.Timeout, Err: w.lastErr}
		w.Reach.Set(ce)
		w.Log.Error("lost the Kafka cluster; the client keeps reconnecting", "err", ce)
	}
}
