package filesink

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/connectkit/connectkit/connect"
)

// FileConfig names the file records are appended to; empty means standard
// output, as in Kafka's FileStreamSinkConnector.
const FileConfig = "file"

// Kafka Connect's class name for the connector this package replaces.
const (
	ClassName = "org.apache.kafka.connect.file.FileStreamSinkConnector"
)

// Connector is the file sink connector. Its zero value is ready to use.
type Connector struct {
	// Stdout replaces os.Stdout when file is empty; tests and examples
	// set it.
	Stdout io.Writer
}

var (
	_ connect.SinkConnector = (*Connector)(nil)
	_ connect.SinkTask      = (*Task)(nil)
	_ connect.Flusher       = (*Task)(nil)
)

// ConfigDef describes the connector's one setting.
func (c *Connector) ConfigDef() *connect.ConfigDef {
	return connect.NewConfigDef().Define(connect.ConfigKey{
		Name: FileConfig, Type: connect.ConfigString, Default: "", Importance: connect.High,
		Doc: "File to append records to, one line per record value. Empty means standard output.",
	})
}

// TaskConfigs returns one task: several tasks appending to one file would
// interleave lines arbitrarily.
func (c *Connector) TaskConfigs(config map[string]string, maxTasks int) ([]map[string]string, error) {
	return connect.ReplicateConfig(config, 1), nil
}

// NewTask returns a task writing where the connector says.
func (c *Connector) NewTask() connect.SinkTask { return &Task{stdout: c.Stdout} }

// Task appends record values to the file.
type Task struct {
	stdout io.Writer
	file   *os.File
	w      *bufio.Writer
	buf    []byte
}

// Start opens the file for appending.
func (t *Task) Start(ctx context.Context, config map[string]string, tc connect.SinkTaskContext) error {
	cfg, err := (&Connector{}).ConfigDef().Parse(config)
	if err != nil {
		return err
	}
	out := t.stdout
	if out == nil {
		out = os.Stdout
	}
	if name := cfg.String(FileConfig); name != "" {
		f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("filesink: %w", err)
		}
		t.file, out = f, f
	}
	t.w = bufio.NewWriterSize(out, 64<<10)
	return nil
}

// Put appends one line per record value.
func (t *Task) Put(ctx context.Context, records []connect.SinkRecord) error {
	for i := range records {
		var err error
		t.buf, err = appendValue(t.buf[:0], records[i].Value)
		if err != nil {
			return connect.NewBatchError(connect.RecordError{Record: &records[i], Err: err})
		}
		t.buf = append(t.buf, '\n')
		if _, err := t.w.Write(t.buf); err != nil {
			return fmt.Errorf("filesink: write: %w", err)
		}
	}
	return nil
}

// Flush writes buffered lines and syncs the file, so that committed offsets
// cover only lines that are on disk.
func (t *Task) Flush(ctx context.Context, offsets map[connect.TopicPartition]int64) error {
	if err := t.w.Flush(); err != nil {
		return fmt.Errorf("filesink: flush: %w", err)
	}
	if t.file != nil {
		if err := t.file.Sync(); err != nil {
			return fmt.Errorf("filesink: sync: %w", err)
		}
	}
	return nil
}

// Stop closes the file. The runtime has already flushed.
func (t *Task) Stop(ctx context.Context) error {
	if t.file != nil {
		return t.file.Close()
	}
	return nil
}

// appendValue formats a value the way a reader of the file expects: text and
// bytes as they are, numbers and booleans as literals, structured values as
// JSON (Kafka's connector printed Java's toString, which for bytes is an
// object address).
func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return append(b, x...), nil
	case []byte:
		return append(b, x...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int8, int16, int32, int64, float32, float64, connect.Decimal:
		return fmt.Append(b, x), nil
	case *connect.Struct:
		m, err := structMap(x)
		if err != nil {
			return b, err
		}
		return appendJSON(b, m)
	default:
		return appendJSON(b, v)
	}
}

func appendJSON(b []byte, v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return b, fmt.Errorf("filesink: format value: %w", err)
	}
	return append(b, j...), nil
}

func structMap(s *connect.Struct) (map[string]any, error) {
	out := map[string]any{}
	for i, f := range s.Schema().Fields {
		v := s.At(i)
		if inner, ok := v.(*connect.Struct); ok {
			m, err := structMap(inner)
			if err != nil {
				return nil, err
			}
			v = m
		}
		out[f.Name] = v
	}
	return out, nil
}
