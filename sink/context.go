package sink

import (
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/connect"
)

// ConsumerGroupMetadata returns the group metadata of the consumer behind a
// sink task, for a task that writes to Kafka in transactions and commits the
// consumed offsets inside them (kafka.Producer.SendOffsetsToTransaction), so
// the broker fences a task whose group generation is stale. tc must be the
// context the runtime passed to the task's Start.
//
// A task that commits its offsets this way should return an empty map from
// PreCommit so that the runtime does not commit them a second time.
//
// A wrapper around the runtime's context (for metrics, or a test kit's
// observer) is seen through when it has an Unwrap method returning the
// context it wraps.
func ConsumerGroupMetadata(tc connect.SinkTaskContext) (*kafka.ConsumerGroupMetadata, error) {
	for tc != nil {
		if c, ok := tc.(*taskContext); ok && c.consumer != nil {
			return c.consumer.GetConsumerGroupMetadata()
		}
		u, ok := tc.(interface {
			Unwrap() connect.SinkTaskContext
		})
		if !ok {
			break
		}
		tc = u.Unwrap()
	}
	return nil, errors.New("sink: ConsumerGroupMetadata needs the task context of the sink runtime")
}

// BootstrapServers returns the bootstrap.servers of the cluster the sink
// task's consumer reads from, as the runtime resolved it: the connector's
// setting, or else the worker's. A task that must know whether it writes to
// the cluster it reads from (exactly-once with offsets in the consumer
// group) asks here, since Kafka Connect passes a task only its connector's
// configuration. ok is false when tc is not (and does not wrap) the
// runtime's context.
func BootstrapServers(tc connect.SinkTaskContext) (servers string, ok bool) {
	for tc != nil {
		if c, is := tc.(*taskContext); is {
			return c.bootstrap, true
		}
		u, is := tc.(interface {
			Unwrap() connect.SinkTaskContext
		})
		if !is {
			break
		}
		tc = u.Unwrap()
	}
	return "", false
}

// taskContext implements connect.SinkTaskContext. Tasks may call it from any
// goroutine, so it only records requests; the task's runner applies them
// between calls.
type taskContext struct {
	config    map[string]string
	reporter  connect.ErrantRecordReporter
	consumer  *kafka.Consumer // for ConsumerGroupMetadata only
	log       *slog.Logger    // connect.TaskLogger: the task's own logger
	bootstrap string          // for BootstrapServers

	mu            sync.Mutex
	assignment    []connect.TopicPartition
	paused        map[connect.TopicPartition]bool
	pauseReq      []connect.TopicPartition
	resumeReq     []connect.TopicPartition
	rewinds       map[connect.TopicPartition]int64
	commitRequest bool
	timeout       time.Duration
}

var _ connect.SinkTaskContext = (*taskContext)(nil)

func newTaskContext(config map[string]string) *taskContext {
	return &taskContext{config: config, paused: map[connect.TopicPartition]bool{}, rewinds: map[connect.TopicPartition]int64{}}
}

func (c *taskContext) Config() map[string]string { return c.config }

// Logger implements connect.TaskLogger.
func (c *taskContext) Logger() *slog.Logger { return c.log }

func (c *taskContext) Assignment() []connect.TopicPartition {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.assignment)
}

func (c *taskContext) Pause(tps ...connect.TopicPartition) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, tp := range tps {
		c.paused[tp] = true
	}
	c.pauseReq = append(c.pauseReq, tps...)
}

func (c *taskContext) Resume(tps ...connect.TopicPartition) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, tp := range tps {
		delete(c.paused, tp)
	}
	c.resumeReq = append(c.resumeReq, tps...)
}

func (c *taskContext) Offset(tp connect.TopicPartition, offset int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rewinds[tp] = offset
}

func (c *taskContext) RequestCommit() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.commitRequest = true
}

func (c *taskContext) Timeout(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.timeout = d
}

func (c *taskContext) ErrantRecordReporter() connect.ErrantRecordReporter { return c.reporter }

func (c *taskContext) setAssignment(tps []connect.TopicPartition) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.assignment = tps
}

// forget drops pause state and pending rewinds of partitions the task lost.
func (c *taskContext) forget(tps []connect.TopicPartition) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, tp := range tps {
		delete(c.paused, tp)
		delete(c.rewinds, tp)
	}
}

func (c *taskContext) isPaused(tp connect.TopicPartition) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.paused[tp]
}

func (c *taskContext) takeRequests() (rewinds map[connect.TopicPartition]int64, pause, resume []connect.TopicPartition) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.rewinds) > 0 {
		rewinds = c.rewinds
		c.rewinds = map[connect.TopicPartition]int64{}
	}
	pause, resume = c.pauseReq, c.resumeReq
	c.pauseReq, c.resumeReq = nil, nil
	return rewinds, pause, resume
}

func (c *taskContext) takeRewinds() map[connect.TopicPartition]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.rewinds
	c.rewinds = map[connect.TopicPartition]int64{}
	return r
}

func (c *taskContext) takeCommitRequest() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.commitRequest
	c.commitRequest = false
	return r
}

func (c *taskContext) takeTimeout() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.timeout
	c.timeout = 0
	return d
}
