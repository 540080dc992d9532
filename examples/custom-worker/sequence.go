package main

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/connectkit/connectkit/connect"
)

// Settings of SequenceSource.
const (
	TopicConfig = "topic"
	CountConfig = "count"
)

// SequenceSource is a source connector that writes the messages
// "message 0" to "message <count-1>" to a topic, one task, storing how far
// it got as its source offset so that a restart goes on from there.
type SequenceSource struct{}

// ConfigDef describes the settings.
func (SequenceSource) ConfigDef() *connect.ConfigDef {
	return connect.NewConfigDef().
		Define(connect.ConfigKey{Name: TopicConfig, Type: connect.ConfigString, Validator: connect.NonEmpty(),
			Importance: connect.High, Doc: "Topic to write to."}).
		Define(connect.ConfigKey{Name: CountConfig, Type: connect.ConfigInt, Default: 10, Validator: connect.AtLeast(0),
			Importance: connect.Medium, Doc: "How many messages to write in all."})
}

// TaskConfigs runs one task: a sequence has one order.
func (SequenceSource) TaskConfigs(config map[string]string, _ int) ([]map[string]string, error) {
	return connect.ReplicateConfig(config, 1), nil
}

// NewTask returns a new task.
func (SequenceSource) NewTask() connect.SourceTask { return &sequenceTask{} }

type sequenceTask struct {
	topic      string
	next, end  int
	log        *slog.Logger
	loggedDone bool
}

var partition = map[string]any{"sequence": "main"}

func (t *sequenceTask) Start(ctx context.Context, config map[string]string, tc connect.SourceTaskContext) error {
	cfg, err := SequenceSource{}.ConfigDef().Parse(config)
	if err != nil {
		return err
	}
	t.topic, t.end = cfg.String(TopicConfig), cfg.Int(CountConfig)
	// The runtime's logger, with the connector's name and the task's number.
	t.log = connect.LoggerOf(tc)
	off, err := tc.Offset(ctx, partition)
	if err != nil {
		return err
	}
	if n, ok := off["next"].(int64); ok { // integers come back as int64, as Java's Long
		t.next = int(n)
	}
	t.log.Info("sequence starts", "next", t.next, "count", t.end)
	return nil
}

func (t *sequenceTask) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	if t.next >= t.end {
		if !t.loggedDone {
			t.log.Info("sequence written", "count", t.end)
			t.loggedDone = true
		}
		select { // nothing more to write: wait, do not spin
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
		return nil, nil
	}
	var out []connect.SourceRecord
	for ; t.next < t.end && len(out) < 100; t.next++ {
		out = append(out, connect.SourceRecord{
			SourcePartition: partition,
			SourceOffset:    map[string]any{"next": int64(t.next + 1)},
			Topic:           t.topic,
			Key:             strconv.Itoa(t.next), KeySchema: connect.StringSchema,
			Value: fmt.Sprintf("message %d", t.next), ValueSchema: connect.StringSchema,
		})
	}
	return out, nil
}

func (t *sequenceTask) Stop(context.Context) error { return nil }
