package connect

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrRetriable is the sentinel that a [RetriableError] matches with errors.Is.
var ErrRetriable = errors.New("retriable")

// RetriableError marks a failure that may succeed if the same operation is
// tried again, such as a timeout or a throttled request. The sink runtime
// retries the same batch with backoff for up to errors.retry.timeout;
// Backoff, when positive, replaces the runtime's next delay.
type RetriableError struct {
	Err     error
	Backoff time.Duration
}

// Retriable wraps err as a [RetriableError]. It returns nil for a nil err.
func Retriable(err error) error {
	if err == nil {
		return nil
	}
	return &RetriableError{Err: err}
}

// Error returns the cause, marked retriable.
func (e *RetriableError) Error() string { return "retriable: " + e.Err.Error() }

// Unwrap returns the cause.
func (e *RetriableError) Unwrap() error { return e.Err }

// Is reports whether target is [ErrRetriable].
func (e *RetriableError) Is(target error) bool { return target == ErrRetriable }

// IsRetriable reports whether any error in err's chain is a [RetriableError].
func IsRetriable(err error) bool {
	var re *RetriableError
	return errors.As(err, &re)
}

// DataError reports a record the pipeline cannot handle because of its
// content: undecodable bytes, a value of the wrong type, a missing field.
// Such records are the ones errors.tolerance=all routes to the dead-letter
// queue; retrying them cannot help.
type DataError struct {
	Op  string // what was being done, such as "convert value"
	Err error
}

// Error returns the cause, prefixed with Op when set.
func (e *DataError) Error() string {
	if e.Op == "" {
		return e.Err.Error()
	}
	return e.Op + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *DataError) Unwrap() error { return e.Err }

// DataErrorf returns a [DataError] with a formatted cause.
func DataErrorf(format string, args ...any) error {
	return &DataError{Err: fmt.Errorf(format, args...)}
}

// RecordError names one record that a task could not handle.
type RecordError struct {
	Record *SinkRecord
	Err    error
}

// Error names the record by its coordinates, never its content.
func (e RecordError) Error() string { return fmt.Sprintf("record %s: %v", e.Record, e.Err) }

// Unwrap returns the cause.
func (e RecordError) Unwrap() error { return e.Err }

// BatchError is returned by [SinkTask.Put] when some records of a batch
// failed and the others were handled. Records not named in Errors are taken
// as handled. Under errors.tolerance=all the named records go to the
// dead-letter queue (if one is configured) and the task goes on; otherwise
// the task fails, and offsets stay before the first failed record. Under
// errors.tolerance=none a task should stop at its first failed record, so
// that nothing after it reaches the destination: the runtime then commits
// the records of the batch before it (after PreCommit or Flush) and fails
// the task.
type BatchError struct {
	Errors []RecordError
}

// NewBatchError returns a BatchError naming the given failures.
func NewBatchError(errs ...RecordError) *BatchError { return &BatchError{Errors: errs} }

// Add records one more failed record.
func (e *BatchError) Add(rec *SinkRecord, err error) {
	e.Errors = append(e.Errors, RecordError{Record: rec, Err: err})
}

// Error counts the failures and shows the first three, so that one log
// line stays readable however large the batch.
func (e *BatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d record(s) failed", len(e.Errors))
	for i, re := range e.Errors {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Errors)-3)
			break
		}
		b.WriteString("; ")
		b.WriteString(re.Error())
	}
	return b.String()
}

// Unwrap returns the individual record errors, so errors.Is and errors.As
// look through them.
func (e *BatchError) Unwrap() []error {
	out := make([]error, len(e.Errors))
	for i, re := range e.Errors {
		out[i] = re
	}
	return out
}

// TaskError is the cause recorded for a task that failed: which task, in
// which method, and the error or recovered panic with its stack.
type TaskError struct {
	Connector string
	Task      int
	Op        string // the task method or runtime stage that failed, such as "Put"
	Err       error
	Stack     string // set when the failure was a recovered panic
}

// Error names the connector, task and method that failed.
func (e *TaskError) Error() string {
	return fmt.Sprintf("connector %s task %d: %s: %v", e.Connector, e.Task, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *TaskError) Unwrap() error { return e.Err }
