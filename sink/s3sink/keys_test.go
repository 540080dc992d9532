package s3sink

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
)

// keysConfig stores keys and headers in JSON.
var keysConfig = map[string]string{
	StoreKeysConfig: "true", KeysFormatClassConfig: "JsonFormat",
	StoreHeadersConfig: "true", HeadersFormatClassConfig: JSONFormatClass,
}

func withKeys(overrides map[string]string) map[string]string {
	cfg := maps.Clone(keysConfig)
	maps.Copy(cfg, overrides)
	return cfg
}

// krec is a record of orders-p at offset off with a key and one header.
func krec(p int32, off int64, key, value any) connect.SinkRecord {
	r := rec(p, off, value)
	r.Key = key
	r.Headers = r.Headers.Add("h", connect.Int64Schema, off)
	return r
}

// objectLines returns an object's lines, gunzipped if its name ends in .gz.
func (h *harness) objectLines(key string) []string {
	h.t.Helper()
	b := h.s3.object(bucket, key)
	if strings.HasSuffix(key, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		require.NoError(h.t, err)
		b, err = io.ReadAll(zr)
		require.NoError(h.t, err)
	}
	return strings.SplitAfter(string(b), "\n")[:bytes.Count(b, []byte("\n"))]
}

func TestKeyAndHeaderObjectNames(t *testing.T) {
	const dir = "topics/orders/partition=0/"
	for _, tc := range []struct {
		name   string
		config map[string]string
		record connect.SinkRecord
		want   []string
	}{
		{"json", nil, krec(0, 0, "k", "v"),
			[]string{dir + "orders+0+0000000000.headers.json", dir + "orders+0+0000000000.json", dir + "orders+0+0000000000.keys.json"}},
		{"gzip", map[string]string{CompressionTypeConfig: "gzip"}, krec(0, 0, "k", "v"),
			[]string{dir + "orders+0+0000000000.headers.json.gz", dir + "orders+0+0000000000.json.gz", dir + "orders+0+0000000000.keys.json.gz"}},
		{"bytearray values, json keys", map[string]string{FormatClassConfig: ByteArrayFormatClass, ByteArrayExtensionConfig: ".txt"},
			krec(0, 0, "k", []byte("v")),
			[]string{dir + "orders+0+0000000000.headers.json", dir + "orders+0+0000000000.keys.json", dir + "orders+0+0000000000.txt"}},
		{"bytearray keys, gzip", map[string]string{KeysFormatClassConfig: ByteArrayFormatClass, StoreHeadersConfig: "false",
			CompressionTypeConfig: "gzip"}, krec(0, 0, []byte("k"), "v"),
			[]string{dir + "orders+0+0000000000.json.gz", dir + "orders+0+0000000000.keys.bin.gz"}},
		{"topic holding the extension (Confluent issue 395)", map[string]string{StoreHeadersConfig: "false"},
			connect.SinkRecord{Topic: "logs.json", Key: "k", Value: "v"},
			[]string{"topics/logs.json/partition=0/logs.json+0+0000000000.json", "topics/logs.json/partition=0/logs.json+0+0000000000.keys.json"}},
		{"delimiters and padding", map[string]string{"directory.delim": "_", FileDelimConfig: "#", ZeroPadWidthConfig: "3"},
			krec(0, 7, "k", "v"),
			[]string{"topics_orders_partition=0_orders#0#007.headers.json", "topics_orders_partition=0_orders#0#007.json", "topics_orders_partition=0_orders#0#007.keys.json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := withKeys(map[string]string{FlushSizeConfig: "1"})
			maps.Copy(cfg, tc.config)
			h := startTask(t, cfg)
			h.mustPut(tc.record)
			assert.Equal(t, tc.want, h.keys())
			for _, k := range tc.want {
				assert.Len(t, h.objectLines(k), 1, "%s holds the record's line", k)
			}
		})
	}
}

func TestKeysAndHeadersStayAligned(t *testing.T) {
	noHeaders := krec(0, 2, "k2", "v2")
	noHeaders.Headers = nil
	typed := krec(0, 5, map[string]any{"id": int64(5)}, "v5")
	typed.Headers = connect.Headers{}.
		Add("text", connect.StringSchema, `say "hi"`).
		Add("bytes", connect.BytesSchema, []byte("hi")).
		Add("flag", connect.BooleanSchema, true).
		Add("ratio", connect.Float64Schema, 1.5).
		Add("list", connect.ArraySchema(connect.StringSchema), []any{"a", "b"}).
		Add("none", nil, nil).
		Add("text", connect.StringSchema, "again")

	for _, tc := range []struct {
		name, ext string
		config    map[string]string
	}{
		{"plain", "", nil},
		{"gzip", ".gz", map[string]string{CompressionTypeConfig: "gzip"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Under errors.tolerance=all the bad records are named and the
			// others go on.
			cfg := withKeys(map[string]string{FlushSizeConfig: "3", "errors.tolerance": "all"})
			maps.Copy(cfg, tc.config)
			h := startTask(t, cfg)
			err := h.put(
				krec(0, 0, "k0", "v0"),
				krec(0, 1, nil, "v1"),        // null key
				noHeaders,                    // no headers
				krec(0, 3, "k3", struct{}{}), // a value JSON cannot hold
				krec(0, 4, struct{}{}, "v4"), // a key JSON cannot hold
				typed,
				krec(0, 6, "k6", "v6"),
			)
			var be *connect.BatchError
			require.ErrorAs(t, err, &be)
			var offsets []int64
			for _, re := range be.Errors {
				offsets = append(offsets, re.Record.Offset)
				var de *connect.DataError
				assert.ErrorAs(t, re.Err, &de, "offset %d is a bad record, for the dead-letter queue", re.Record.Offset)
			}
			assert.Equal(t, []int64{1, 2, 3, 4}, offsets)
			assert.Contains(t, be.Errors[0].Err.Error(), "null key")
			assert.Contains(t, be.Errors[1].Err.Error(), "no headers")

			ext := tc.ext
			base := "topics/orders/partition=0/orders+0+0000000000"
			assert.Equal(t, []string{"\"v0\"\n", "\"v5\"\n", "\"v6\"\n"}, h.objectLines(base+".json"+ext))
			assert.Equal(t, []string{"\"k0\"\n", "{\"id\":5}\n", "\"k6\"\n"}, h.objectLines(base+".keys.json"+ext))
			assert.Equal(t, []string{
				`{"headers":[{"key":"h","value":"0"}]}` + "\n",
				`{"headers":[{"key":"text","value":"say \"hi\""},{"key":"bytes","value":"aGk="},{"key":"flag","value":"true"},` +
					`{"key":"ratio","value":"1.5"},{"key":"list","value":"[\"a\",\"b\"]"},{"key":"none","value":null},` +
					`{"key":"text","value":"again"}]}` + "\n",
				`{"headers":[{"key":"h","value":"6"}]}` + "\n",
			}, h.objectLines(base+".headers.json"+ext),
				"Confluent's envelope, values as Values.convertToString writes them, repeated keys kept")
			assert.Equal(t, map[connect.TopicPartition]int64{tp0: 7}, h.preCommit(map[connect.TopicPartition]int64{tp0: 7}))
		})
	}
}

func TestByteArrayKeyThatIsNotBytesIsABadRecord(t *testing.T) {
	h := startTask(t, withKeys(map[string]string{"errors.tolerance": "all", KeysFormatClassConfig: "ByteArrayFormat", StoreHeadersConfig: "false",
		FlushSizeConfig: "2", ByteArraySeparatorConfig: "|"}))
	err := h.put(krec(0, 0, []byte("a"), "v0"), krec(0, 1, "not bytes", "v1"), krec(0, 2, []byte("b"), "v2"))
	var be *connect.BatchError
	require.ErrorAs(t, err, &be)
	require.Len(t, be.Errors, 1)
	assert.Contains(t, be.Errors[0].Err.Error(), "key is a string")
	assert.Equal(t, "a|b|", h.content("topics/orders/partition=0/orders+0+0000000000.keys.bin"))
	assert.Equal(t, "\"v0\"\n\"v2\"\n", h.content("topics/orders/partition=0/orders+0+0000000000.json"))
}

// tombstone is a null-valued record with a key.
func tombstone(off int64, key string) connect.SinkRecord {
	r := rec(0, off, nil)
	r.Key = key
	return r
}

func TestTombstones(t *testing.T) {
	write := map[string]string{NullValuesConfig: "write", StoreKeysConfig: "true", KeysFormatClassConfig: "JsonFormat"}
	cfg := func(overrides map[string]string) map[string]string {
		c := maps.Clone(write)
		maps.Copy(c, overrides)
		return c
	}
	keyed := func(off int64, key, value string) connect.SinkRecord {
		r := rec(0, off, value)
		r.Key = key
		return r
	}
	t.Run("keys only, in the tombstone directory", func(t *testing.T) {
		h := startTask(t, cfg(map[string]string{FlushSizeConfig: "4"}))
		h.mustPut(keyed(0, "k0", "a"), tombstone(1, "k1"), tombstone(2, "k2"), keyed(3, "k3", "b"))
		assert.Equal(t, []string{
			"topics/orders/partition=0/orders+0+0000000000.json",
			"topics/orders/partition=0/orders+0+0000000000.keys.json",
			"topics/orders/tombstone/orders+0+0000000001.keys.json",
		}, h.keys(), "no value object for tombstones")
		assert.Equal(t, "\"a\"\n\"b\"\n", h.content("topics/orders/partition=0/orders+0+0000000000.json"))
		assert.Equal(t, "\"k0\"\n\"k3\"\n", h.content("topics/orders/partition=0/orders+0+0000000000.keys.json"))
		assert.Equal(t, "\"k1\"\n\"k2\"\n", h.content("topics/orders/tombstone/orders+0+0000000001.keys.json"))
	})
	t.Run("headers too, in a directory of one's own", func(t *testing.T) {
		h := startTask(t, cfg(map[string]string{FlushSizeConfig: "1", TombstonePartitionConfig: "deleted",
			StoreHeadersConfig: "true", HeadersFormatClassConfig: "JsonFormat"}))
		r := tombstone(5, "k5")
		r.Headers = r.Headers.Add("op", connect.StringSchema, "delete")
		h.mustPut(r)
		assert.Equal(t, []string{
			"topics/orders/deleted/orders+0+0000000005.headers.json",
			"topics/orders/deleted/orders+0+0000000005.keys.json",
		}, h.keys())
		assert.Equal(t, `{"headers":[{"key":"op","value":"delete"}]}`+"\n", h.content("topics/orders/deleted/orders+0+0000000005.headers.json"))
	})
	t.Run("a tombstone with a null key is a bad record", func(t *testing.T) {
		h := startTask(t, cfg(map[string]string{FlushSizeConfig: "1"}))
		err := h.put(rec(0, 0, nil))
		var be *connect.BatchError
		require.ErrorAs(t, err, &be)
		assert.Contains(t, be.Errors[0].Err.Error(), "null key")
		assert.Empty(t, h.keys())
	})
	// With the tombstone directory equal to a regular one, tombstones and
	// values meet in one encoded partition: as in Confluent's connector a
	// switch between them rotates (TB→NTB, NTB→TB), a run of either does
	// not.
	t.Run("rotation between tombstones and values of one encoded partition", func(t *testing.T) {
		h := startTask(t, cfg(map[string]string{FlushSizeConfig: "100", TombstonePartitionConfig: "partition=0"}))
		h.mustPut(keyed(0, "k0", "a"), keyed(1, "k1", "b"), tombstone(2, "k2"), tombstone(3, "k3"), keyed(4, "k4", "c"), tombstone(5, "k5"))
		dir := "topics/orders/partition=0/"
		assert.Equal(t, []string{
			dir + "orders+0+0000000000.json",
			dir + "orders+0+0000000000.keys.json",
			dir + "orders+0+0000000002.keys.json",
			dir + "orders+0+0000000004.json",
			dir + "orders+0+0000000004.keys.json",
		}, h.keys())
		assert.Equal(t, "\"k2\"\n\"k3\"\n", h.content(dir+"orders+0+0000000002.keys.json"))
		assert.Equal(t, "\"c\"\n", h.content(dir+"orders+0+0000000004.json"))
		assert.Equal(t, map[connect.TopicPartition]int64{tp0: 5}, h.preCommit(map[connect.TopicPartition]int64{tp0: 6}))
	})
	// rotate.file.on.partition.change does not fire for moves into and out
	// of the tombstone directory, as in Confluent's connector.
	t.Run("no partition-change rotation for tombstones", func(t *testing.T) {
		h := startTask(t, cfg(map[string]string{FlushSizeConfig: "100", RotateIntervalConfig: "3600000",
			"partitioner.class": "HourlyPartitioner", "locale": "en", "timezone": "UTC", "timestamp.extractor": "Record"}))
		mk := func(off int64, hhmm string, tomb bool) connect.SinkRecord {
			ts, err := time.Parse("2006-01-02T15:04", "2024-02-29T"+hhmm)
			require.NoError(t, err)
			r := rec(0, off, map[string]any{"n": off})
			if tomb {
				r.Value = nil
			}
			r.Key, r.Timestamp = "k", ts
			return r
		}
		h.mustPut(mk(0, "10:10", false), mk(1, "10:15", true), mk(2, "10:20", false))
		assert.Empty(t, h.keys(), "into and out of the tombstone directory is no change of partition")
		h.mustPut(mk(3, "11:05", false))
		hour10 := "topics/orders/year=2024/month=02/day=29/hour=10/orders+0+0000000000"
		assert.Equal(t, []string{"topics/orders/tombstone/orders+0+0000000001.keys.json", hour10 + ".json", hour10 + ".keys.json"}, h.keys())
		assert.Equal(t, lines(0, 1)+lines(2, 3), h.content(hour10+".json"))
	})
}

// A failed upload of a keys object discards the whole set, the value
// object included, and rewinds to its start; the retry writes each object
// once.
func TestFailedKeyUploadDiscardsTheSet(t *testing.T) {
	h := startTask(t, withKeys(map[string]string{PartRetriesConfig: "0", FlushSizeConfig: "3"}))
	base := "topics/orders/partition=0/orders+0+0000000000"
	other := "topics/orders/partition=1/orders+1+0000000000"
	h.s3.failNextOn("PutObject", base+".keys.json", s3Error(503, "SlowDown"))
	batch := []connect.SinkRecord{krec(0, 0, "k0", "v0"), krec(1, 0, "k0", "w0"), krec(0, 1, "k1", "v1"),
		krec(1, 1, "k1", "w1"), krec(0, 2, "k2", "v2"), krec(1, 2, "k2", "w2")}
	err := h.put(batch...)
	require.True(t, connect.IsRetriable(err), "%v", err)
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 0}, h.tc.takeRewinds(), "only the failed set's partition is rewound")
	assert.NotContains(t, h.keys(), base+".keys.json")
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 0, tp1: 3}, h.preCommit(map[connect.TopicPartition]int64{tp0: 3, tp1: 3}),
		"the set is not committed while one of its objects is missing, whichever got through")

	h.mustPut(batch...) // the runtime's retry, partition 0 read again from 0
	for _, k := range []string{base + ".json", base + ".keys.json", base + ".headers.json", other + ".json", other + ".keys.json", other + ".headers.json"} {
		assert.Equal(t, 1, h.s3.writeCount(bucket, k), "%s written once", k)
	}
	assert.Equal(t, "\"k0\"\n\"k1\"\n\"k2\"\n", h.content(base+".keys.json"))
	assert.Equal(t, "\"v0\"\n\"v1\"\n\"v2\"\n", h.content(base+".json"))
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 3, tp1: 3}, h.preCommit(map[connect.TopicPartition]int64{tp0: 3, tp1: 3}))
	for _, c := range h.s3.callsOf("PutObject") {
		assert.True(t, c.IfNoneMatch, "%s is written conditionally: its name and lines are deterministic", c.Key)
	}
}

func TestFenceBeforeCompleting(t *testing.T) {
	t.Run("PutObject", func(t *testing.T) {
		h := startTask(t, withKeys(map[string]string{FlushSizeConfig: "3"}))
		ctx := context.Background()
		h.tc.assign(tp0)
		require.NoError(t, h.task.Open(ctx, []connect.TopicPartition{tp0}))
		h.mustPut(krec(0, 0, "k", "a"), krec(0, 1, "k", "b"))
		h.tc.assign() // lost, as the runtime learns it before the upload
		h.mustPut(krec(0, 2, "k", "c"), krec(1, 0, "k", "x"), krec(1, 1, "k", "y"), krec(1, 2, "k", "z"))
		assert.Equal(t, []string{
			"topics/orders/partition=1/orders+1+0000000000.headers.json",
			"topics/orders/partition=1/orders+1+0000000000.json",
			"topics/orders/partition=1/orders+1+0000000000.keys.json",
		}, h.keys(), "the fenced partition's objects are not written; a partition never opened has no assignment to check")
		assert.Empty(t, h.tc.takeRewinds(), "no rewind: the partition is its new owner's")
		assert.Equal(t, map[connect.TopicPartition]int64{tp1: 3}, h.preCommit(map[connect.TopicPartition]int64{tp0: 3, tp1: 3}),
			"nothing is committed for the fenced partition")
		h.mustPut(krec(0, 3, "k", "d"), krec(0, 4, "k", "e"), krec(0, 5, "k", "f"))
		assert.Len(t, h.keys(), 3, "its records are ignored until it is opened again")

		h.tc.assign(tp0)
		require.NoError(t, h.task.Open(ctx, []connect.TopicPartition{tp0}))
		h.mustPut(krec(0, 3, "k", "d"), krec(0, 4, "k", "e"), krec(0, 5, "k", "f"))
		assert.Equal(t, "\"d\"\n\"e\"\n\"f\"\n", h.content("topics/orders/partition=0/orders+0+0000000003.json"))
	})
	t.Run("CompleteMultipartUpload", func(t *testing.T) {
		h := startTask(t, multipartConfig(nil))
		ctx := context.Background()
		h.tc.assign(tp0, tp1)
		require.NoError(t, h.task.Open(ctx, []connect.TopicPartition{tp0, tp1}))
		// The runtime learns of the revocation while the last part is on
		// its way: the object must not be completed.
		h.s3.hook = func(op, key string) {
			if op == "UploadPart" && strings.Contains(key, "partition=0/") {
				h.tc.assign(tp1)
			}
		}
		for off := int64(0); off < 6; off++ {
			h.mustPut(bigRec(0, off, 1<<20), bigRec(1, off, 10))
		}
		assert.Empty(t, h.s3.callsOf("CompleteMultipartUpload"))
		assert.Len(t, h.s3.callsOf("AbortMultipartUpload"), 1, "the upload is aborted instead")
		assert.Empty(t, h.s3.openUploads())
		assert.Equal(t, []string{"topics/orders/partition=1/orders+1+0000000000.bin"}, h.keys())
		assert.Equal(t, map[connect.TopicPartition]int64{tp1: 6}, h.preCommit(map[connect.TopicPartition]int64{tp0: 6, tp1: 6}))
	})
}

// Keys, headers and tombstones through the real runtime, against the
// embedded cluster and the in-process S3 server: records with a null key
// or without headers go to the dead-letter queue, the others' values, keys
// and headers land in aligned objects, and tombstones in the tombstone
// directory with no value object.
func TestKeysHeadersAndTombstonesThroughTheRuntime(t *testing.T) {
	c := connectortest.NewCluster(t)
	store := connectortest.NewS3(t, bucket)
	const topic = "kv"
	c.CreateTopic(t, topic, 1)
	c.CreateTopic(t, "kv-dlq", 1)
	badKey := map[int]bool{3: true, 10: true, 17: true}
	noHeaders := map[int]bool{5: true, 12: true, 19: true}
	tombstones := map[int]bool{4: true, 9: true, 14: true}
	var records []connectortest.Record
	for i := range 20 {
		r := connectortest.Record{Topic: topic, Key: fmt.Appendf(nil, "k%d", i), Value: fmt.Appendf(nil, `{"n":%d}`, i),
			Headers: []connectortest.RecordHeader{{Key: "seq", Value: []byte(strconv.Itoa(i))}}}
		switch {
		case badKey[i]:
			r.Key = nil
		case noHeaders[i]:
			r.Headers = nil
		case tombstones[i]:
			r.Value = nil
		}
		records = append(records, r)
	}
	c.Produce(t, records...)
	cfg := runtimeConfig(c, "s3-kv", topic, withKeys(map[string]string{
		StoreURLConfig:                      store.Endpoint,
		RegionConfig:                        store.Region,
		AccessKeyIDConfig:                   store.AccessKey,
		SecretAccessKeyConfig:               store.SecretKey,
		FormatClassConfig:                   JSONFormatClass,
		FlushSizeConfig:                     "14", // the records written, tombstones included
		NullValuesConfig:                    "write",
		"key.converter":                     "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":                   "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable":    "false",
		"errors.tolerance":                  "all",
		"errors.deadletterqueue.topic.name": "kv-dlq",
		"errors.deadletterqueue.topic.replication.factor": "1",
	}))
	h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), cfg)
	waitCommitted(t, c, "connect-s3-kv", topic, 1, 20)
	require.NoError(t, h.Stop())

	var dead, wantDead []string
	for _, r := range c.ReadAll(t, "kv-dlq") {
		dead = append(dead, string(r.Value))
	}
	for i := range 20 {
		if badKey[i] || noHeaders[i] {
			wantDead = append(wantDead, fmt.Sprintf(`{"n":%d}`, i))
		}
	}
	assert.Equal(t, wantDead, dead, "null keys and missing headers go to the dead-letter queue")

	var values, keys, headers, tombKeys, tombHeaders strings.Builder
	for i := range 20 {
		switch {
		case badKey[i] || noHeaders[i]:
		case tombstones[i]:
			fmt.Fprintf(&tombKeys, "\"k%d\"\n", i)
			fmt.Fprintf(&tombHeaders, "{\"headers\":[{\"key\":\"seq\",\"value\":\"%d\"}]}\n", i)
		default:
			fmt.Fprintf(&values, "{\"n\":%d}\n", i)
			fmt.Fprintf(&keys, "\"k%d\"\n", i)
			fmt.Fprintf(&headers, "{\"headers\":[{\"key\":\"seq\",\"value\":\"%d\"}]}\n", i)
		}
	}
	base, tomb := "topics/kv/partition=0/kv+0+0000000000", "topics/kv/tombstone/kv+0+0000000004"
	want := map[string]string{
		base + ".json": values.String(), base + ".keys.json": keys.String(), base + ".headers.json": headers.String(),
		tomb + ".keys.json": tombKeys.String(), tomb + ".headers.json": tombHeaders.String(),
	}
	got, err := store.Keys(context.Background(), bucket, "")
	require.NoError(t, err)
	assert.Equal(t, slices.Sorted(maps.Keys(want)), got)
	for key, content := range want {
		b, err := store.Object(context.Background(), bucket, key)
		if assert.NoError(t, err) {
			assert.Equal(t, content, string(b), "content of %s", key)
		}
	}
}
