// Package connect is the contract between a connector and the runtimes that
// drive it, mirroring Kafka Connect's API: records ([SinkRecord],
// [SourceRecord]), schemas and their values ([Schema], [Struct], [Decimal]),
// the task and connector interfaces ([SinkTask], [SourceTask],
// [SinkConnector], [SourceConnector]), settings ([ConfigDef]), errors that
// tell the runtime what to do next ([Retriable], [BatchError]), and the task
// contexts through which a task talks to its runtime ([SinkTaskContext],
// [SourceTaskContext]).
//
// A connector imports only this package. Consumer groups, conversion,
// batching, offsets, retries and dead-letter queues belong to the runtimes,
// so a connector stays a few small methods that can be tested without Kafka.
//
// # Writing a sink connector
//
// A sink task implements the three methods of [SinkTask]; a forgotten one
// fails to compile:
//
//	type Task struct{ w *Writer }
//
//	var _ connect.SinkTask = (*Task)(nil)
//
//	func (t *Task) Start(ctx context.Context, config map[string]string, tc connect.SinkTaskContext) error {
//		c, err := configDef.Parse(config)
//		if err != nil {
//			return err
//		}
//		t.w, err = Dial(ctx, c.String("url"))
//		return err
//	}
//
//	func (t *Task) Put(ctx context.Context, records []connect.SinkRecord) error {
//		for i := range records {
//			if err := t.w.Write(ctx, records[i].Value); err != nil {
//				return connect.Retriable(err) // the runtime retries the batch
//			}
//		}
//		return nil
//	}
//
//	func (t *Task) Stop(ctx context.Context) error { return t.w.Close() }
//
// Its [SinkConnector] declares the settings and splits the work. Sink tasks
// share partitions through Kafka's consumer group, so every task usually gets
// the same configuration, which [ReplicateConfig] makes:
//
//	type Connector struct{}
//
//	var _ connect.SinkConnector = Connector{}
//
//	func (Connector) ConfigDef() *connect.ConfigDef { return configDef }
//
//	func (Connector) TaskConfigs(config map[string]string, maxTasks int) ([]map[string]string, error) {
//		return connect.ReplicateConfig(config, maxTasks), nil
//	}
//
//	func (Connector) NewTask() connect.SinkTask { return &Task{} }
//
// A source connector is the mirror image: [SourceTask] has Start, Poll and
// Stop, and [SourceConnector] returns them.
//
// # Optional interfaces
//
// Everything beyond the required methods is a separate interface that a task
// or connector may also implement, as in database/sql/driver. The runtime
// looks for them once, when it builds the task, and falls back as described
// when one is absent:
//
//   - [Flusher]: a sink task that buffers makes Put's records durable in
//     Flush, called before offsets are committed. Without it, a record is
//     durable once Put returned nil for it.
//   - [PreCommitter]: a sink task decides itself which offsets are safe to
//     commit, and the runtime no longer calls Flush. Without it, the runtime
//     calls Flush (if present) and commits every offset Put received.
//   - [PartitionOpener]: a sink task is told of newly assigned partitions
//     before their records reach Put, and may rewind them. Without it,
//     assignments are silent.
//   - [PartitionCloser]: a sink task is told of the partitions it lost,
//     after their final flush and commit. Without it, revocations are silent.
//   - [ConfigValidator]: a connector checks rules its ConfigDef cannot
//     express. Without it, the ConfigDef's own checks are all there is.
//   - [Versioned]: a connector or task reports its version. Without it, none
//     is reported.
//   - [RecordCommitter]: a source task learns when Kafka acknowledged each
//     record. Without it, the task is not told; offsets are stored all the
//     same.
//
// Wrappers around tasks (metrics, test harnesses) must forward these, or the
// runtime will not see them.
//
// # Logging
//
// A task logs through [LoggerOf](tc), the logger of its task context: the
// runtimes' contexts implement the optional [TaskLogger] and give a logger
// whose records carry the connector's name and the task's number and go to
// the handler the runtime (or worker) was given, with the runtime's and the
// Kafka clients' lines. A context without one (a test's) gives
// slog.Default().
//
// # Values and schemas
//
// Without a schema (JSON with schemas.enable=false, for example) a value is a
// plain Go value: map[string]any, []any, string, int64, float64, bool, []byte
// or nil. With a schema, each [Type] has one Go type, listed on [Schema]:
// int8 to int64, float32, float64, bool, string, []byte, []any for ARRAY,
// map[string]any or map[any]any for MAP, and *[Struct] for STRUCT. Kafka
// Connect's logical types keep their Java meaning: a [DecimalSchema] value is
// a [Decimal], and [DateSchema], [TimeSchema] and [TimestampSchema] values
// are time.Time. [Validate] checks a value against a schema, and
// [Struct.Validate] checks a whole struct before it is handed on.
//
// # Errors
//
// A task's error tells the sink runtime what to do with the batch:
//
//   - wrapped with [Retriable] (detected with [IsRetriable] or
//     errors.Is(err, [ErrRetriable])): the same batch is retried with backoff
//     until errors.retry.timeout has passed, then the task fails. A
//     [RetriableError] may set its own Backoff.
//   - a [*BatchError]: the records it names failed and the rest were
//     handled. With errors.tolerance=all the named records go to the
//     dead-letter queue and the task goes on; otherwise the task fails.
//   - anything else: the task is FAILED, and its [TaskStatus] holds a
//     [*TaskError] naming the method that failed.
//
// A [DataError] marks a failure caused by a record's content, which retrying
// cannot fix; such records are what the dead-letter queue is for. A task can
// also hand one bad record to the [ErrantRecordReporter] and go on, when
// errors.tolerance allows it.
//
// # Concurrency
//
// The runtime calls a task's methods from one goroutine, one at a time, so a
// task author writes no locks for the task's own state. A task that starts
// goroutines of its own must stop them before Stop returns. The methods of
// [SinkTaskContext] and [SourceTaskContext] are safe to call from any
// goroutine.
//
// # Configuration
//
// A connector declares its settings once with a [ConfigDef]: typed keys,
// defaults, validators and documentation, under Kafka Connect's key names.
// [ConfigDef.Parse] reports every problem at once, naming each key;
// [ConfigDef.WriteMarkdown] generates the reference docs. Passwords
// (ConfigPassword keys) are masked by key: their values are [Password]s,
// which print, log and encode as [hidden], and problems about them name
// the key, never the value.
package connect
