package connect_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/connectkit/connectkit/connect"
)

// loggingContext is a source task context with a logger, as the runtimes'
// contexts are.
type loggingContext struct {
	connect.SourceTaskContext
	log *slog.Logger
}

func (c loggingContext) Logger() *slog.Logger { return c.log }

// wrapper hides the context it wraps but for Unwrap, as a test kit's
// observer does.
type wrapper struct{ connect.SourceTaskContext }

func (w wrapper) Unwrap() connect.SourceTaskContext { return w.SourceTaskContext }

func TestLoggerOf(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})).With("connector", "c", "task", 2)
	tc := loggingContext{log: l}
	connect.LoggerOf(tc).Info("direct")
	connect.LoggerOf(wrapper{wrapper{tc}}).Info("wrapped")
	assert.Equal(t, "level=INFO msg=direct connector=c task=2\nlevel=INFO msg=wrapped connector=c task=2\n", buf.String())

	assert.Same(t, slog.Default(), connect.LoggerOf(wrapper{}), "no logger anywhere: the default")
	assert.Same(t, slog.Default(), connect.LoggerOf(loggingContext{}), "a nil logger: the default")
	assert.Same(t, slog.Default(), connect.LoggerOf(nil))
}

type exampleTask struct{ log *slog.Logger }

func (t *exampleTask) Start(_ context.Context, _ map[string]string, tc connect.SourceTaskContext) error {
	t.log = connect.LoggerOf(tc)
	t.log.Info("started")
	return nil
}

func ExampleLoggerOf() {
	var buf strings.Builder
	runtimeLog := slog.New(slog.NewTextHandler(&buf, nil)).With("connector", "orders", "task", 0)
	// The runtime passes a context like this one to Start.
	tc := loggingContext{log: runtimeLog}
	_ = (&exampleTask{}).Start(context.Background(), nil, tc)
	line := buf.String()
	fmt.Println(line[strings.Index(line, "level="):])
	// Output: level=INFO msg=started connector=orders task=0
}
