package filesink_test

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/sink/filesink"
)

func TestFormatsEveryKindOfValue(t *testing.T) {
	schema := connect.StructSchema("point",
		connect.Field{Name: "x", Schema: connect.Int32Schema},
		connect.Field{Name: "label", Schema: connect.OptionalStringSchema})
	var out bytes.Buffer
	task := (&filesink.Connector{Stdout: &out}).NewTask()
	require.NoError(t, task.Start(context.Background(), map[string]string{}, nil))
	records := []connect.SinkRecord{
		{Value: "text"},
		{Value: []byte("bytes")},
		{Value: int64(42)},
		{Value: 1.5},
		{Value: true},
		{Value: nil},
		{Value: map[string]any{"a": 1}},
		{Value: []any{"x", int64(2)}},
		{Value: connect.NewStruct(schema).MustPut("x", int32(3)).MustPut("label", "p")},
		{Value: connect.Decimal{Unscaled: big.NewInt(1234), Scale: 2}},
	}
	require.NoError(t, task.Put(context.Background(), records))
	require.NoError(t, task.(connect.Flusher).Flush(context.Background(), nil))
	require.NoError(t, task.Stop(context.Background()))
	assert.Equal(t, "text\nbytes\n42\n1.5\ntrue\nnull\n{\"a\":1}\n[\"x\",2]\n{\"label\":\"p\",\"x\":3}\n12.34\n", out.String())
}

func TestUnformattableValueIsNamedInABatchError(t *testing.T) {
	task := (&filesink.Connector{Stdout: &bytes.Buffer{}}).NewTask()
	require.NoError(t, task.Start(context.Background(), map[string]string{}, nil))
	err := task.Put(context.Background(), []connect.SinkRecord{
		{Topic: "t", Offset: 7, Value: map[string]any{"ch": make(chan int)}},
	})
	var be *connect.BatchError
	require.ErrorAs(t, err, &be)
	require.Len(t, be.Errors, 1)
	assert.Equal(t, int64(7), be.Errors[0].Record.Offset)
}

func TestUnwritableFileFailsStart(t *testing.T) {
	task := (&filesink.Connector{}).NewTask()
	err := task.Start(context.Background(), map[string]string{"file": filepath.Join(t.TempDir(), "missing", "out.txt")}, nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, os.ErrNotExist))
}

func TestConformance(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.txt")
	connectortest.TestSinkTask(t, func() connect.SinkTask { return (&filesink.Connector{}).NewTask() },
		connectortest.WithSinkConfig(map[string]string{filesink.FileConfig: path}),
		connectortest.WithReadBack(func(t testing.TB) [][]byte {
			b, err := os.ReadFile(path)
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
			return bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n"))
		}))
}
