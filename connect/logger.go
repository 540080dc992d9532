package connect

import "log/slog"

// TaskLogger is implemented by a task context that carries a logger: the
// sink and source runtimes' contexts do, with a logger whose records carry
// the connector's name ("connector") and the task's number ("task") and go
// to the handler the runtime was given, beside the runtime's own logs and
// those of its Kafka clients. It is optional, so that a task context
// written for a test need not implement it; tasks get the logger with
// [LoggerOf].
type TaskLogger interface {
	Logger() *slog.Logger
}

// LoggerOf returns the logger of a task context (a [SinkTaskContext] or a
// [SourceTaskContext]): its Logger method's result when it implements
// [TaskLogger], seen through wrappers whose Unwrap method returns the
// context they wrap (as test kits' observers do), and otherwise
// slog.Default(). A task calls it in Start and logs through the result,
// so its lines share the worker's handler and format and say which
// connector and task wrote them.
func LoggerOf(tc any) *slog.Logger {
	for range 16 { // a bound, in case a wrapper unwraps to itself
		if l, ok := tc.(TaskLogger); ok {
			if lg := l.Logger(); lg != nil {
				return lg
			}
		}
		switch u := tc.(type) {
		case interface{ Unwrap() SinkTaskContext }:
			tc = u.Unwrap()
		case interface{ Unwrap() SourceTaskContext }:
			tc = u.Unwrap()
		default:
			return slog.Default()
		}
	}
	return slog.Default()
}
