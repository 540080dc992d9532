package source

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
)

func TestTrackerAdvancesOnlyOverContiguousAcks(t *testing.T) {
	tr := newOffsetTracker()
	a, b := map[string]any{"f": "a"}, map[string]any{"f": "b"}
	rec := func(part map[string]any, pos int) connect.SourceRecord {
		return connect.SourceRecord{SourcePartition: part, SourceOffset: map[string]any{"pos": pos}}
	}
	first, err := tr.track([]connect.SourceRecord{rec(a, 1), rec(b, 1), rec(a, 2)})
	require.NoError(t, err)
	// Equal but distinct maps are the same partition, across batches.
	second, err := tr.track([]connect.SourceRecord{rec(a, 3), rec(map[string]any{"f": "a"}, 4), {}})
	require.NoError(t, err)
	a1, b1, a2 := &first[0], &first[1], &first[2]
	a3, a4, none := &second[0], &second[1], &second[2]

	offsets := func() map[string]any {
		out := map[string]any{}
		f := tr.unflushed()
		for _, po := range f.offsets {
			out[po.Partition["f"].(string)] = po.Offset["pos"]
		}
		tr.stored(f)
		return out
	}
	tr.done(a3, none)
	assert.Empty(t, offsets(), "a3 acknowledged before a1 and a2 moves nothing")
	tr.done(a1)
	assert.Equal(t, map[string]any{"a": 1}, offsets())
	tr.done(b1)
	assert.Equal(t, map[string]any{"b": 1}, offsets(), "only what moved since the last flush")
	tr.done(a2)
	assert.Equal(t, map[string]any{"a": 3}, offsets(), "a2 completes the run up to a3")
	tr.done(a4)
	assert.Equal(t, map[string]any{"a": 4}, offsets())
	assert.Empty(t, offsets())
}

func TestTrackerRejectsPartitionsThatAreNotJSON(t *testing.T) {
	ps, err := newOffsetTracker().track([]connect.SourceRecord{
		{Topic: "t", SourcePartition: map[string]any{"c": 1}},
		{Topic: "t", SourcePartition: map[string]any{"c": make(chan int)}},
	})
	var de *connect.DataError
	assert.ErrorAs(t, err, &de)
	assert.Len(t, ps, 1, "the records before the bad one are returned, to be produced")
}

func TestKeysMatchWhateverTheFieldOrder(t *testing.T) {
	a, err := canonicalKey([]byte(`["c",{"table":"orders","db":"shop"}]`))
	require.NoError(t, err)
	b, err := canonicalKey([]byte(`["c", {"db": "shop", "table": "orders"}]`))
	require.NoError(t, err)
	assert.Equal(t, a, b)
	for _, bad := range []string{`{}`, `["c"]`, `[1,{}]`, `["c",[1]]`, `not json`} {
		_, err := canonicalKey([]byte(bad))
		assert.Error(t, err, bad)
	}
}
