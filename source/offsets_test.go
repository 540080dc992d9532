package source_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/source"
)

func kafkaStore(t *testing.T, c *connectortest.Cluster, topic string) *source.KafkaOffsetStore {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := source.NewKafkaOffsetStore(ctx, map[string]string{
		"bootstrap.servers": c.BootstrapServers(), "offset.storage.topic": topic,
		"offset.storage.partitions": "5", "offset.storage.replication.factor": "1",
	}, source.WithStoreLogger(quiet))
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

func TestKafkaStoreWritesKafkaConnectsFormat(t *testing.T) {
	c := sharedCluster(t)
	topic := unique("connect-offsets")
	s := kafkaStore(t, c, topic)
	ctx := context.Background()
	require.NoError(t, s.StoreOffsets(ctx, "my-conn", []source.PartitionOffset{
		{Partition: map[string]any{"url": "http://x"}, Offset: map[string]any{"position": 5}},
	}))

	recs := c.ReadAll(t, topic)
	require.Len(t, recs, 1)
	assert.Equal(t, `["my-conn",{"url":"http://x"}]`, string(recs[0].Key))
	assert.Equal(t, `{"position":5}`, string(recs[0].Value))

	// Kafka Connect's producer hashes the key with murmur2, as the test
	// kit's producer does.
	ref := unique("ref")
	c.CreateTopic(t, ref, 5)
	want := c.Produce(t, connectortest.Record{Topic: ref, Partition: connectortest.AnyPartition, Key: recs[0].Key})
	assert.Equal(t, want[0].Partition, recs[0].Partition, "the key's partition")

	offs, err := s.Offsets(ctx, "my-conn", []map[string]any{{"url": "http://x"}, {"url": "http://y"}})
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{{"position": int64(5)}, nil}, offs)
}

func TestKafkaStoreReadsWhatKafkaConnectWrote(t *testing.T) {
	c := sharedCluster(t)
	topic := unique("connect-offsets")
	c.CreateTopic(t, topic, 3)
	// As Kafka Connect writes them: fields in its HashMap's order, a
	// later value for the same key, a tombstone, and a foreign record.
	c.Produce(t,
		connectortest.Record{Topic: topic, Partition: 1, Key: []byte(`["jdbc",{"table":"orders","db":"shop"}]`), Value: []byte(`{"id":41,"ts":1.5}`)},
		connectortest.Record{Topic: topic, Partition: 1, Key: []byte(`["jdbc",{"table":"orders","db":"shop"}]`), Value: []byte(`{"id":42,"ts":1.5}`)},
		connectortest.Record{Topic: topic, Partition: 2, Key: []byte(`["jdbc",{"table":"gone"}]`), Value: []byte(`{"id":1}`)},
		connectortest.Record{Topic: topic, Partition: 2, Key: []byte(`["jdbc",{"table":"gone"}]`)},
		connectortest.Record{Topic: topic, Partition: 0, Key: []byte(`not json`), Value: []byte(`{}`)},
		connectortest.Record{Topic: topic, Partition: 0, Key: []byte(`["other",{"table":"orders","db":"shop"}]`), Value: []byte(`{"id":7}`)},
	)
	s := kafkaStore(t, c, topic)
	offs, err := s.Offsets(context.Background(), "jdbc", []map[string]any{
		{"db": "shop", "table": "orders"}, {"table": "gone"},
	})
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{{"id": int64(42), "ts": 1.5}, nil}, offs)

	// A second store, as another process, sees the first one's writes.
	other := kafkaStore(t, c, topic)
	require.NoError(t, other.StoreOffsets(context.Background(), "jdbc", []source.PartitionOffset{
		{Partition: map[string]any{"table": "orders", "db": "shop"}, Offset: nil},
	}))
	offs, err = s.Offsets(context.Background(), "jdbc", []map[string]any{{"db": "shop", "table": "orders"}})
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{nil}, offs, "the tombstone deleted the offset")
}

func TestRuntimeStoresOffsetsInTheOffsetTopic(t *testing.T) {
	c := sharedCluster(t)
	topic, name, offsets := unique("data"), unique("conn"), unique("offsets")
	c.CreateTopic(t, topic, 1)
	cfg := c.SourceConfig(name)
	cfg["offset.storage.topic"] = offsets
	cfg["offset.storage.replication.factor"] = "1"
	cfg["offset.storage.partitions"] = "2"
	h := connectortest.StartSource(t, one(&counter{topic: topic, part: "p", limit: 4, batch: 4}), cfg, source.WithLogger(quiet))
	c.WaitFor(t, 30*time.Second, func() bool { return len(values(t, c, topic)) == 4 })
	require.NoError(t, h.Stop())
	recs := c.ReadAll(t, offsets)
	require.NotEmpty(t, recs)
	last := recs[len(recs)-1]
	assert.Equal(t, `["`+name+`",{"id":"p"}]`, string(last.Key))
	assert.Equal(t, `{"position":4}`, string(last.Value))
}

func TestFileStoreRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "offsets.json")
	s, err := source.NewFileOffsetStore(path)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, s.StoreOffsets(ctx, "my-conn", []source.PartitionOffset{
		{Partition: map[string]any{"url": "http://x?a=1&b=<2>"}, Offset: map[string]any{"position": 5, "etag": "abc"}},
		{Partition: map[string]any{"url": "http://y"}, Offset: map[string]any{"position": 1}},
	}))
	require.NoError(t, s.StoreOffsets(ctx, "my-conn", []source.PartitionOffset{
		{Partition: map[string]any{"url": "http://y"}, Offset: nil},
	}))

	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, []byte{0xAC, 0xED, 0, 5}, b[:4], "Kafka Connect's format: a Java serialization stream")
	assert.Contains(t, string(b), `["my-conn",{"url":"http://x?a=1&b=<2>"}]`)
	assert.Contains(t, string(b), `{"etag":"abc","position":5}`)
	assert.NotContains(t, string(b), `http://y`, "the deleted offset")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")

	reopened, err := source.NewFileOffsetStore(path)
	require.NoError(t, err)
	offs, err := reopened.Offsets(ctx, "my-conn", []map[string]any{{"url": "http://x?a=1&b=<2>"}, {"url": "http://y"}})
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{{"position": int64(5), "etag": "abc"}, nil}, offs)
}

func TestFileStoreRejectsACorruptFile(t *testing.T) {
	good, err := os.ReadFile("testdata/offsets/connect-4.3.1.offsets")
	require.NoError(t, err)
	for name, b := range map[string][]byte{
		"truncated header":  []byte("\xac\xed\x00\x05sr"),
		"truncated entries": good[:len(good)-20],
		"not JSON":          []byte("{not json"),
		"huge array length": patchFirstArrayLength(t, good, 0x7fffffff),
		"negative length":   patchFirstArrayLength(t, good, 0xffffffff),
		"another class":     bytes.Replace(good, []byte("java.util.HashMap"), []byte("java.util.HashSet"), 1),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "offsets")
			require.NoError(t, os.WriteFile(path, b, 0o600))
			_, err := source.NewFileOffsetStore(path)
			require.Error(t, err)
			assert.ErrorContains(t, err, path)
		})
	}
}

// patchFirstArrayLength sets the length of the first byte array in a Java
// stream, which follows the byte[] class descriptor.
func patchFirstArrayLength(t *testing.T, b []byte, n uint32) []byte {
	t.Helper()
	desc := []byte("[B\xac\xf3\x17\xf8\x06\x08\x54\xe0\x02\x00\x00\x78\x70")
	i := bytes.Index(b, desc)
	require.GreaterOrEqual(t, i, 0)
	out := bytes.Clone(b)
	binary.BigEndian.PutUint32(out[i+len(desc):], n)
	return out
}

// The file in testdata was written by Kafka Connect 4.3.1's
// FileOffsetBackingStore through its OffsetStorageWriter (see the README
// there); the differential tests in offsets_java_test.go go both ways.
func TestFileStoreReadsKafkaConnectsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "offsets")
	b, err := os.ReadFile("testdata/offsets/connect-4.3.1.offsets")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o600))
	s, err := source.NewFileOffsetStore(path)
	require.NoError(t, err)
	ctx := context.Background()
	offs, err := s.Offsets(ctx, "my-conn", []map[string]any{{"url": "http://x"}, {"page": 2, "url": "http://y"}})
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{
		{"position": int64(5), "etag": "abc"},
		{"position": int64(1), "f": 1.5, "big": int64(9007199254740993), "t": "é😀\u0001"},
	}, offs)
	offs, err = s.Offsets(ctx, "other", []map[string]any{{"file": "/tmp/ü"}})
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{{"pos": int64(-1)}}, offs)

	// Stored again, the keys Kafka Connect wrote are found and replaced,
	// not doubled: Java would find ours.
	require.NoError(t, s.StoreOffsets(ctx, "my-conn", []source.PartitionOffset{
		{Partition: map[string]any{"url": "http://y", "page": 2}, Offset: map[string]any{"position": 2}},
	}))
	b, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, 1, bytes.Count(b, []byte(`["my-conn",{"page":2,"url":"http://y"}]`)), "Java's key bytes, once")
	assert.Equal(t, 3, bytes.Count(b, []byte(`["`)), "three keys")
}

func TestFileStoreReadsTheJSONFilesOfEarlierVersions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "offsets.json")
	legacy := `{"[\"my-conn\",{\"url\":\"http://x\"}]":"{\"position\":5}"}` + "\n"
	require.NoError(t, os.WriteFile(path, []byte(legacy), 0o600))
	s, err := source.NewFileOffsetStore(path)
	require.NoError(t, err)
	ctx := context.Background()
	offs, err := s.Offsets(ctx, "my-conn", []map[string]any{{"url": "http://x"}})
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{{"position": int64(5)}}, offs)

	require.NoError(t, s.StoreOffsets(ctx, "my-conn", []source.PartitionOffset{
		{Partition: map[string]any{"url": "http://y"}, Offset: map[string]any{"position": 1}},
	}))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, []byte{0xAC, 0xED}, b[:2], "rewritten in Kafka Connect's format")
	reopened, err := source.NewFileOffsetStore(path)
	require.NoError(t, err)
	offs, err = reopened.Offsets(ctx, "my-conn", []map[string]any{{"url": "http://x"}, {"url": "http://y"}})
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{{"position": int64(5)}, {"position": int64(1)}}, offs)
}

func TestFileStoreEmptyFileIsEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "offsets")
	require.NoError(t, os.WriteFile(path, nil, 0o600))
	s, err := source.NewFileOffsetStore(path)
	require.NoError(t, err)
	offs, err := s.Offsets(context.Background(), "c", []map[string]any{{"a": 1}})
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{nil}, offs)
}

func TestMemoryStoreEntries(t *testing.T) {
	s := source.NewMemoryOffsetStore()
	require.NoError(t, s.StoreOffsets(context.Background(), "c", []source.PartitionOffset{
		{Partition: map[string]any{"b": 1, "a": "x"}, Offset: map[string]any{"n": 1.25}},
	}))
	assert.Equal(t, map[string]string{`["c",{"a":"x","b":1}]`: `{"n":1.25}`}, s.Entries())
}
