package connect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRetriableNil(t *testing.T) {
	// A plain nil, not a typed nil inside an interface, so that
	// "return connect.Retriable(err)" is safe on the success path.
	assert.NoError(t, Retriable(nil))
	assert.True(t, Retriable(nil) == nil)
}

func TestIsRetriable(t *testing.T) {
	base := errors.New("timeout")
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain", base, false},
		{"retriable", Retriable(base), true},
		{"struct literal", &RetriableError{Err: base, Backoff: time.Second}, true},
		{"wrapped once", fmt.Errorf("s3sink: upload k: %w", Retriable(base)), true},
		{"wrapped twice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", Retriable(base))), true},
		{"joined", errors.Join(base, Retriable(io.ErrUnexpectedEOF)), true},
		{"not wrapped with %v", fmt.Errorf("a: %v", Retriable(base)), false}, //nolint:errorlint // the point of the case
		{"data error", DataErrorf("bad"), false},
		{"retriable inside data error", &DataError{Op: "convert", Err: Retriable(base)}, true},
		{"sentinel alone", ErrRetriable, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, IsRetriable(tt.err))
			if tt.err != ErrRetriable { //nolint:errorlint // the bare sentinel matches itself but marks nothing
				assert.Equal(t, tt.want, errors.Is(tt.err, ErrRetriable), "errors.Is agrees with IsRetriable")
			}
		})
	}
}

func TestRetriableError(t *testing.T) {
	base := context.DeadlineExceeded
	err := Retriable(base)

	assert.Equal(t, "retriable: context deadline exceeded", err.Error())
	assert.ErrorIs(t, err, base, "the cause stays visible")
	assert.ErrorIs(t, err, ErrRetriable)
	assert.NotErrorIs(t, err, context.Canceled)

	var re *RetriableError
	require.ErrorAs(t, err, &re)
	assert.Zero(t, re.Backoff, "Retriable leaves the backoff to the runtime")
	assert.Equal(t, base, re.Unwrap())
}

func TestRetriableErrorBackoff(t *testing.T) {
	// A task that knows how long to wait (a Retry-After header) says so.
	err := fmt.Errorf("httpsink: post: %w", &RetriableError{Err: errors.New("429"), Backoff: 30 * time.Second})

	var re *RetriableError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 30*time.Second, re.Backoff)
	assert.True(t, IsRetriable(err))
}

func TestDataError(t *testing.T) {
	cause := errors.New("unexpected end of JSON input")
	tests := []struct {
		name  string
		err   error
		want  string
		cause error
	}{
		{"with op", &DataError{Op: "convert value", Err: cause}, "convert value: unexpected end of JSON input", cause},
		{"without op", &DataError{Err: cause}, "unexpected end of JSON input", cause},
		{"DataErrorf", DataErrorf("field %q: %d is too large", "age", 300), `field "age": 300 is too large`, nil},
		{"DataErrorf wraps", DataErrorf("decode: %w", io.ErrUnexpectedEOF), "decode: unexpected EOF", io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
			var de *DataError
			require.ErrorAs(t, tt.err, &de)
			assert.Equal(t, tt.want, de.Error())
			if tt.cause != nil {
				assert.ErrorIs(t, tt.err, tt.cause)
			}
			assert.False(t, IsRetriable(tt.err))
		})
	}
}

func TestBatchErrorMessage(t *testing.T) {
	recs := make([]SinkRecord, 5)
	for i := range recs {
		recs[i] = SinkRecord{Topic: "orders", Partition: 1, Offset: int64(100 + i), Value: "secret"}
	}
	failed := errors.New("rejected")
	tests := []struct {
		n    int
		want string
	}{
		{0, "0 record(s) failed"},
		{1, "1 record(s) failed; record orders-1@100: rejected"},
		{3, "3 record(s) failed; record orders-1@100: rejected; record orders-1@101: rejected; record orders-1@102: rejected"},
		{4, "4 record(s) failed; record orders-1@100: rejected; record orders-1@101: rejected; record orders-1@102: rejected; and 1 more"},
		{5, "5 record(s) failed; record orders-1@100: rejected; record orders-1@101: rejected; record orders-1@102: rejected; and 2 more"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			be := NewBatchError()
			for i := range tt.n {
				be.Add(&recs[i], failed)
			}
			require.Len(t, be.Errors, tt.n)
			assert.Equal(t, tt.want, be.Error())
			assert.NotContains(t, be.Error(), "secret")
		})
	}
}

func TestBatchErrorUnwrap(t *testing.T) {
	r1 := &SinkRecord{Topic: "t", Partition: 0, Offset: 1}
	r2 := &SinkRecord{Topic: "t", Partition: 0, Offset: 7}
	bad := DataErrorf("missing field id")
	down := Retriable(errors.New("connection refused"))
	be := NewBatchError(RecordError{Record: r1, Err: bad}, RecordError{Record: r2, Err: down})

	// The runtime sees a BatchError through the task's own wrapping.
	var err error = fmt.Errorf("mysink: put: %w", be)
	var got *BatchError
	require.ErrorAs(t, err, &got)
	assert.Same(t, be, got)

	unwrapped := be.Unwrap()
	require.Len(t, unwrapped, 2)
	wantRecords := []*SinkRecord{r1, r2}
	wantCauses := []error{bad, down}
	for i, e := range unwrapped {
		var re RecordError
		require.ErrorAs(t, e, &re)
		assert.Same(t, wantRecords[i], re.Record)
		assert.Same(t, wantCauses[i], re.Err)
		assert.ErrorIs(t, e, wantCauses[i])
	}

	// errors.Is and errors.As look through to the record errors.
	assert.ErrorIs(t, err, bad)
	var de *DataError
	assert.ErrorAs(t, err, &de)
	var first RecordError
	require.ErrorAs(t, err, &first)
	assert.Same(t, r1, first.Record)
	assert.True(t, IsRetriable(err), "a retriable record error is visible to IsRetriable")
}

func TestRecordError(t *testing.T) {
	cause := errors.New("too large")
	re := RecordError{Record: &SinkRecord{Topic: "logs", Partition: 4, Offset: 12, Key: "k", Value: "v"}, Err: cause}
	assert.Equal(t, "record logs-4@12: too large", re.Error())
	assert.ErrorIs(t, re, cause)
}

func TestTaskError(t *testing.T) {
	cause := Retriable(errors.New("disk full"))
	err := &TaskError{Connector: "s3-sink", Task: 2, Op: "Put", Err: cause, Stack: "goroutine 1 [running]"}

	assert.Equal(t, "connector s3-sink task 2: Put: retriable: disk full", err.Error())
	assert.NotContains(t, err.Error(), "goroutine", "the stack is for status, not the message")
	assert.Same(t, cause, err.Unwrap())
	assert.ErrorIs(t, err, ErrRetriable)

	var wrapped error = fmt.Errorf("sink: %w", err)
	var te *TaskError
	require.ErrorAs(t, wrapped, &te)
	assert.Equal(t, "Put", te.Op)
	assert.Equal(t, 2, te.Task)
}
