package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/connectkit/connectkit/connect"
)

// DirConfig is the one setting of the connector: where the files go.
const DirConfig = "output.dir"

// Connector writes each partition's record values to its own file,
// <output.dir>/<topic>-<partition>.txt, one line per record.
type Connector struct{}

var (
	_ connect.SinkConnector   = Connector{}
	_ connect.SinkTask        = (*Task)(nil)
	_ connect.Flusher         = (*Task)(nil)
	_ connect.PartitionOpener = (*Task)(nil)
	_ connect.PartitionCloser = (*Task)(nil)
)

// ConfigDef declares the settings; a key without a Default is required.
func (Connector) ConfigDef() *connect.ConfigDef {
	return connect.NewConfigDef().Define(connect.ConfigKey{
		Name: DirConfig, Type: connect.ConfigString, Importance: connect.High,
		Doc: "Directory to write one file per partition into.", Validator: connect.NonEmpty(),
	})
}

// TaskConfigs gives every task the same settings: tasks share the topic's
// partitions through the consumer group.
func (Connector) TaskConfigs(config map[string]string, maxTasks int) ([]map[string]string, error) {
	return connect.ReplicateConfig(config, maxTasks), nil
}

// NewTask returns an unstarted task.
func (Connector) NewTask() connect.SinkTask { return &Task{} }

// Task holds one open file per assigned partition. The runtime calls it
// from one goroutine, so it needs no locks.
type Task struct {
	dir   string
	files map[connect.TopicPartition]*partitionFile
}

type partitionFile struct {
	f *os.File
	w *bufio.Writer
}

// Start reads the settings.
func (t *Task) Start(ctx context.Context, config map[string]string, tc connect.SinkTaskContext) error {
	cfg, err := Connector{}.ConfigDef().Parse(config)
	if err != nil {
		return err
	}
	t.dir = cfg.String(DirConfig)
	t.files = map[connect.TopicPartition]*partitionFile{}
	return os.MkdirAll(t.dir, 0o755)
}

// Open opens the files of newly assigned partitions.
func (t *Task) Open(ctx context.Context, partitions []connect.TopicPartition) error {
	for _, tp := range partitions {
		name := filepath.Join(t.dir, fmt.Sprintf("%s-%d.txt", tp.Topic, tp.Partition))
		f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		t.files[tp] = &partitionFile{f: f, w: bufio.NewWriter(f)}
	}
	return nil
}

// Put buffers one line per record. A value that is not bytes is a data
// error: it is named in a BatchError, so errors.tolerance decides between
// failing the task and the dead-letter queue, and the rest of the batch
// goes on.
func (t *Task) Put(ctx context.Context, records []connect.SinkRecord) error {
	var bad connect.BatchError
	for i := range records {
		r := &records[i]
		v, ok := r.Value.([]byte)
		if !ok {
			bad.Add(r, fmt.Errorf("value is %T, want bytes (use the ByteArrayConverter)", r.Value))
			continue
		}
		pf := t.files[r.TopicPartition()]
		if pf == nil {
			return fmt.Errorf("record %s for a partition that was not opened", r)
		}
		_, err := pf.w.Write(v)
		if err == nil {
			err = pf.w.WriteByte('\n')
		}
		if err != nil {
			return connect.Retriable(err) // a full disk may clear; the batch is retried
		}
	}
	if len(bad.Errors) > 0 {
		return &bad
	}
	return nil
}

// Flush makes what Put received durable; only then does the runtime commit
// the offsets.
func (t *Task) Flush(ctx context.Context, offsets map[connect.TopicPartition]int64) error {
	for tp := range offsets {
		if pf := t.files[tp]; pf != nil {
			if err := pf.w.Flush(); err != nil {
				return connect.Retriable(err)
			}
			if err := pf.f.Sync(); err != nil {
				return connect.Retriable(err)
			}
		}
	}
	return nil
}

// Close closes the files of partitions the task lost. The runtime has
// flushed and committed them already.
func (t *Task) Close(ctx context.Context, partitions []connect.TopicPartition) error {
	var errs []error
	for _, tp := range partitions {
		if pf := t.files[tp]; pf != nil {
			errs = append(errs, pf.w.Flush(), pf.f.Close())
			delete(t.files, tp)
		}
	}
	return errors.Join(errs...)
}

// Stop releases anything left; Close has normally run for every partition.
func (t *Task) Stop(ctx context.Context) error {
	var errs []error
	for tp, pf := range t.files {
		errs = append(errs, pf.f.Close())
		delete(t.files, tp)
	}
	return errors.Join(errs...)
}
