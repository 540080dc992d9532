package source

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/connectkit/connectkit/connect"
)

// taskContext implements connect.SourceTaskContext: the task's
// configuration and a read-only view of the connector's stored offsets.
type taskContext struct {
	config    map[string]string
	connector string
	store     OffsetStore
	log       *slog.Logger // connect.TaskLogger: the task's own logger
}

var _ connect.SourceTaskContext = (*taskContext)(nil)

func (c *taskContext) Config() map[string]string { return c.config }

// Logger implements connect.TaskLogger.
func (c *taskContext) Logger() *slog.Logger { return c.log }

func (c *taskContext) Offset(ctx context.Context, partition map[string]any) (map[string]any, error) {
	offs, err := c.Offsets(ctx, []map[string]any{partition})
	if err != nil {
		return nil, err
	}
	return offs[0], nil
}

func (c *taskContext) Offsets(ctx context.Context, partitions []map[string]any) ([]map[string]any, error) {
	offs, err := c.store.Offsets(ctx, c.connector, partitions)
	if err != nil {
		return nil, fmt.Errorf("source: read offsets of connector %s: %w", c.connector, err)
	}
	if len(offs) != len(partitions) {
		return nil, fmt.Errorf("source: read offsets of connector %s: the store returned %d offsets for %d partitions", c.connector, len(offs), len(partitions))
	}
	return offs, nil
}
