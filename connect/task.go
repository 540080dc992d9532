package connect

import (
	"context"
	"time"
)

// SinkTask writes records from Kafka to another system. It is the interface a
// sink connector author implements; the sink runtime does everything else.
//
// The runtime calls a task's methods from one goroutine, one call at a time,
// so a task needs no locks for its own state. Every ctx is cancelled when the
// runtime is shutting down and the graceful timeout
// (task.shutdown.graceful.timeout.ms) has passed; a task must return soon
// after, and must not keep ctx beyond the call.
//
// Optional behaviour is added by also implementing [Flusher],
// [PreCommitter], [PartitionOpener] or [PartitionCloser]; the runtime looks
// for them once, when the task is built.
type SinkTask interface {
	// Start is called once, before any other method, with the task's
	// configuration (one of the maps its connector's TaskConfigs returned)
	// and the context through which it talks to the runtime.
	Start(ctx context.Context, config map[string]string, tc SinkTaskContext) error

	// Put hands the task the next batch of records. Records of one
	// partition arrive in offset order, and each batch follows the previous
	// one for that partition. The task may write them at once or buffer
	// them until Flush or PreCommit. The slice and the records' headers are
	// reused after Put returns: copy what must outlive the call (copying a
	// SinkRecord by value is enough; its Key and Value are never mutated).
	//
	// An error wrapped with [Retriable] makes the runtime call Put again
	// with the same batch after a backoff; a [*BatchError] names records
	// that failed while the rest were handled; any other error fails the task.
	Put(ctx context.Context, records []SinkRecord) error

	// Stop is called once, after the last Put and after the final flush and
	// commit, so the task can release its resources.
	Stop(ctx context.Context) error
}

// Flusher is implemented by a sink task that buffers records. Flush must make
// durable every record Put has received for the given partitions, up to (not
// including) the given next offsets. The runtime calls it before committing
// offsets, on offset.flush.interval.ms and on shutdown and rebalance.
//
// Without Flusher (and without [PreCommitter]), the runtime treats records as
// durable once Put returned nil for them.
type Flusher interface {
	Flush(ctx context.Context, offsets map[TopicPartition]int64) error
}

// PreCommitter is implemented by a sink task that decides itself how far
// offsets may be committed, such as one that writes records in large files.
// offsets holds, for each assigned partition, the offset after the last
// record Put received; PreCommit returns the offsets that are safe to commit
// (the next offset to read, per partition). Partitions left out of the
// result are not committed; an empty result commits nothing, which is how a
// task that stores offsets in its destination opts out of Kafka commits.
//
// When a task implements PreCommitter the runtime does not call Flush
// itself; the default PreCommit, for tasks without it, is Flush followed by
// returning offsets unchanged.
type PreCommitter interface {
	PreCommit(ctx context.Context, offsets map[TopicPartition]int64) (map[TopicPartition]int64, error)
}

// PartitionOpener is implemented by a sink task that keeps state per
// partition. Open is called with partitions newly assigned to the task,
// before any of their records reach Put. A task may rewind them there with
// [SinkTaskContext.Offset]. Without it, assignments are silent.
type PartitionOpener interface {
	Open(ctx context.Context, partitions []TopicPartition) error
}

// PartitionCloser is implemented by a sink task that keeps state per
// partition. Close is called with the partitions the task lost, after their
// final flush and commit (when the rebalance allowed one), and at shutdown.
// Only the named partitions are affected; the task must keep the state of
// the others. Without it, revocations are silent.
type PartitionCloser interface {
	Close(ctx context.Context, partitions []TopicPartition) error
}

// SinkTaskContext is how a sink task talks to the runtime. Its methods are
// safe to call from any goroutine; requests take effect after the current
// task method returns.
type SinkTaskContext interface {
	// Config returns the task's configuration.
	Config() map[string]string
	// Assignment returns the partitions currently assigned to the task.
	Assignment() []TopicPartition
	// Pause stops fetching from the partitions until Resume; their records
	// already in a batch are still delivered.
	Pause(partitions ...TopicPartition)
	// Resume undoes Pause.
	Resume(partitions ...TopicPartition)
	// Offset rewinds (or skips) a partition: the next record Put receives
	// for it is the one at offset, and commits restart from there.
	Offset(tp TopicPartition, offset int64)
	// RequestCommit asks for an offset commit (with its PreCommit) as soon
	// as the current call returns, instead of on the next interval.
	RequestCommit()
	// Timeout sets the backoff before Put is retried after a retriable error.
	Timeout(d time.Duration)
	// ErrantRecordReporter returns the reporter for records the task could
	// not handle. It is never nil.
	ErrantRecordReporter() ErrantRecordReporter
}

// ErrantRecordReporter sends a record the task could not handle to the
// dead-letter queue and log, as errors.* configures, while the task goes on.
// Report returns an error when the record is not tolerated
// (errors.tolerance=none) or could not be queued; the task should then fail.
// The runtime makes sure every reported record is durably in the
// dead-letter queue before it commits an offset past it.
type ErrantRecordReporter interface {
	Report(ctx context.Context, record *SinkRecord, err error) error
}

// Connector describes a kind of connector: its settings, and how its work is
// split among tasks.
type Connector interface {
	// ConfigDef describes the connector's own settings. The runtime adds
	// its common ones (name, topics, converters, errors.*).
	ConfigDef() *ConfigDef
	// TaskConfigs splits the work of a connector configured with config
	// into at most maxTasks task configurations.
	TaskConfigs(config map[string]string, maxTasks int) ([]map[string]string, error)
}

// SinkConnector is a Connector whose tasks are sink tasks.
type SinkConnector interface {
	Connector
	// NewTask returns a new, unstarted task.
	NewTask() SinkTask
}

// ConfigValidator is implemented by a connector that checks its
// configuration beyond what its ConfigDef can express, such as keys that
// depend on each other. Validate returns every problem found; the runtime
// reports them together with the ConfigDef's. Without it, the ConfigDef's
// checks are all there is.
type ConfigValidator interface {
	Validate(config map[string]string) []error
}

// Versioned is implemented by a connector or task that reports a version.
// Without it, no version is reported.
type Versioned interface {
	Version() string
}

// ReplicateConfig returns n copies of config: the TaskConfigs of a sink
// connector whose tasks share the work through the consumer group.
func ReplicateConfig(config map[string]string, n int) []map[string]string {
	out := make([]map[string]string, n)
	for i := range out {
		c := make(map[string]string, len(config))
		for k, v := range config {
			c[k] = v
		}
		out[i] = c
	}
	return out
}

// SourceTask reads from another system and returns records to write to
// Kafka. The runtime calls its methods from one goroutine.
type SourceTask interface {
	// Start is called once, before Poll, with the task's configuration and
	// the context through which it reads its stored offsets.
	Start(ctx context.Context, config map[string]string, tc SourceTaskContext) error
	// Poll returns the next records, or none. It should block for a while
	// (not spin) when there is nothing to return, honouring ctx.
	Poll(ctx context.Context) ([]SourceRecord, error)
	// Stop is called once, after the last Poll.
	Stop(ctx context.Context) error
}

// RecordCommitter is implemented by a source task that wants to know when
// each record was acknowledged by Kafka. Without it the task is not told;
// source offsets are stored all the same. The runtime calls CommitRecord
// once per acknowledged record, in the order the records were acknowledged,
// never concurrently with itself.
//
// A record skipped under errors.tolerance=all (it could not be converted,
// or Kafka refused it for good) gets its CommitRecord call too, with a
// meta whose Offset is -1: it was not written, but the runtime is done with
// it and its source offset may be stored, so a task that waits for every
// record is not stalled. Kafka Connect passes a null metadata there.
type RecordCommitter interface {
	CommitRecord(ctx context.Context, record *SourceRecord, meta RecordMetadata) error
}

// SourceCommitter is implemented by a source task that wants to know when
// the runtime has stored source offsets (Kafka Connect's SourceTask.commit),
// for example to acknowledge messages in the external system. It is a hint:
// the offsets stored are those of acknowledged records only.
type SourceCommitter interface {
	Commit(ctx context.Context) error
}

// RecordMetadata is where Kafka stored a source record. An Offset of -1
// means the record was not written: it was skipped under
// errors.tolerance=all. Partition is then -1 and Timestamp zero; Topic is the
// record's.
type RecordMetadata struct {
	Topic     string
	Partition int32
	Offset    int64 // -1: not written (skipped)
	Timestamp time.Time
}

// SourceTaskContext is how a source task talks to the runtime. Its methods
// are safe to call from any goroutine.
type SourceTaskContext interface {
	// Config returns the task's configuration.
	Config() map[string]string
	// Offset returns the last stored source offset for a source
	// partition, or nil if there is none.
	Offset(ctx context.Context, partition map[string]any) (map[string]any, error)
	// Offsets returns the stored offsets of several source partitions, in
	// the order given; an entry is nil where none is stored.
	Offsets(ctx context.Context, partitions []map[string]any) ([]map[string]any, error)
}

// SourceConnector is a Connector whose tasks are source tasks.
type SourceConnector interface {
	Connector
	// NewTask returns a new, unstarted task.
	NewTask() SourceTask
}
