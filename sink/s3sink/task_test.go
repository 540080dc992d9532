package s3sink

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
)

const bucket = "test-bucket"

var t0 = time.Date(2024, 2, 29, 10, 15, 0, 0, time.UTC)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// harness runs one task against the fake S3, with a clock moved by hand.
type harness struct {
	t     *testing.T
	s3    *fakeS3
	clock *fakeClock
	tc    *fakeContext
	task  *Task
}

func newHarness(t *testing.T) *harness {
	return &harness{t: t, s3: newFakeS3(bucket), clock: newFakeClock(t0)}
}

// baseConfig is the smallest configuration, with small numbers for tests.
func baseConfig(overrides map[string]string) map[string]string {
	cfg := map[string]string{
		"name":             "s3-test",
		BucketConfig:       bucket,
		FormatClassConfig:  JSONFormatClass,
		FlushSizeConfig:    "3",
		RetryBackoffConfig: "100",
	}
	maps.Copy(cfg, overrides)
	return cfg
}

func (h *harness) startErr(overrides map[string]string) error {
	cfg := baseConfig(overrides)
	h.tc = newFakeContext(cfg)
	h.task = NewTask(WithClient(h.s3), WithClock(h.clock), WithLogger(quiet))
	err := h.task.Start(context.Background(), cfg, h.tc)
	if err == nil {
		h.t.Cleanup(func() { _ = h.task.Stop(context.Background()) })
	}
	return err
}

func (h *harness) start(overrides map[string]string) *harness {
	h.t.Helper()
	require.NoError(h.t, h.startErr(overrides))
	return h
}

func startTask(t *testing.T, overrides map[string]string) *harness {
	t.Helper()
	return newHarness(t).start(overrides)
}

func (h *harness) put(records ...connect.SinkRecord) error {
	return h.task.Put(context.Background(), records)
}

func (h *harness) mustPut(records ...connect.SinkRecord) {
	h.t.Helper()
	require.NoError(h.t, h.put(records...))
}

func (h *harness) preCommit(offsets map[connect.TopicPartition]int64) map[connect.TopicPartition]int64 {
	h.t.Helper()
	out, err := h.task.PreCommit(context.Background(), offsets)
	require.NoError(h.t, err)
	return out
}

func (h *harness) keys() []string { return h.s3.keys(bucket) }

func (h *harness) content(key string) string { return string(h.s3.object(bucket, key)) }

var tp0 = connect.TopicPartition{Topic: "orders", Partition: 0}
var tp1 = connect.TopicPartition{Topic: "orders", Partition: 1}

// rec is a record of orders-p at offset off.
func rec(p int32, off int64, value any) connect.SinkRecord {
	return connect.SinkRecord{Topic: "orders", Partition: p, Offset: off, Value: value}
}

// recs makes records of partition p at offsets from..to-1 with JSON-able values.
func recs(p int32, from, to int64) []connect.SinkRecord {
	var out []connect.SinkRecord
	for off := from; off < to; off++ {
		out = append(out, rec(p, off, map[string]any{"n": off}))
	}
	return out
}

func lines(from, to int64) string {
	var b strings.Builder
	for off := from; off < to; off++ {
		fmt.Fprintf(&b, "{\"n\":%d}\n", off)
	}
	return b.String()
}

func TestObjectKeysAreConfluents(t *testing.T) {
	ts := time.Date(2024, 2, 29, 13, 45, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		config map[string]string
		record connect.SinkRecord
		want   string
	}{
		{"default", nil, rec(0, 0, "v"), "topics/orders/partition=0/orders+0+0000000000.json"},
		{"start offset", nil, rec(3, 42, "v"), "topics/orders/partition=3/orders+3+0000000042.json"},
		{"offset wider than the padding", map[string]string{ZeroPadWidthConfig: "4"}, rec(0, 1234567, "v"), "topics/orders/partition=0/orders+0+1234567.json"},
		{"no padding", map[string]string{ZeroPadWidthConfig: "0"}, rec(0, 7, "v"), "topics/orders/partition=0/orders+0+7.json"},
		{"empty topics.dir", map[string]string{TopicsDirConfig: ""}, rec(0, 0, "v"), "orders/partition=0/orders+0+0000000000.json"},
		{"delimiters", map[string]string{"directory.delim": "_", FileDelimConfig: "#", ZeroPadWidthConfig: "3", TopicsDirConfig: "out"},
			rec(1, 5, "v"), "out_orders_partition=1_orders#1#005.json"},
		{"gzip", map[string]string{CompressionTypeConfig: "gzip"}, rec(0, 0, "v"), "topics/orders/partition=0/orders+0+0000000000.json.gz"},
		{"bytearray extension", map[string]string{FormatClassConfig: ByteArrayFormatClass, ByteArrayExtensionConfig: ".txt", CompressionTypeConfig: "gzip"},
			rec(0, 0, []byte("v")), "topics/orders/partition=0/orders+0+0000000000.txt.gz"},
		{"topic holding the extension (Confluent issue 395)", nil,
			connect.SinkRecord{Topic: "logs.json", Value: "v"}, "topics/logs.json/partition=0/logs.json+0+0000000000.json"},
		{"field partitioner", map[string]string{"partitioner.class": "FieldPartitioner", "partition.field.name": "country,city"},
			rec(0, 0, map[string]any{"country": "fr", "city": "lyon"}), "topics/orders/country=fr/city=lyon/orders+0+0000000000.json"},
		{"hourly partitioner", map[string]string{
			"partitioner.class": "io.confluent.connect.storage.partitioner.HourlyPartitioner", "locale": "en",
			"timezone": "UTC", "timestamp.extractor": "Record"},
			connect.SinkRecord{Topic: "orders", Timestamp: ts, Value: "v"}, "topics/orders/year=2024/month=02/day=29/hour=13/orders+0+0000000000.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := map[string]string{FlushSizeConfig: "1"}
			maps.Copy(cfg, tc.config)
			h := startTask(t, cfg)
			h.mustPut(tc.record)
			assert.Equal(t, []string{tc.want}, h.keys())
		})
	}
}

func TestFlushSizeCommitsEveryObjectOfThePartitionTogether(t *testing.T) {
	h := startTask(t, map[string]string{FlushSizeConfig: "4",
		"partitioner.class": "FieldPartitioner", "partition.field.name": "country"})
	country := func(off int64, c string) connect.SinkRecord {
		return rec(0, off, map[string]any{"country": c, "n": off})
	}
	h.mustPut(country(0, "fr"), country(1, "de"), country(2, "fr"))
	assert.Empty(t, h.keys(), "nothing is written before flush.size records")
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 0}, h.preCommit(map[connect.TopicPartition]int64{tp0: 3}))

	// flush.size counts the partition's records across its objects, as
	// Confluent's connector does, not the records of one object.
	h.mustPut(country(3, "de"), country(4, "fr"))
	assert.Equal(t, []string{
		"topics/orders/country=de/orders+0+0000000001.json",
		"topics/orders/country=fr/orders+0+0000000000.json",
	}, h.keys())
	assert.Equal(t, "{\"country\":\"fr\",\"n\":0}\n{\"country\":\"fr\",\"n\":2}\n", h.content("topics/orders/country=fr/orders+0+0000000000.json"))
	assert.Equal(t, "{\"country\":\"de\",\"n\":1}\n{\"country\":\"de\",\"n\":3}\n", h.content("topics/orders/country=de/orders+0+0000000001.json"))
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 4}, h.preCommit(map[connect.TopicPartition]int64{tp0: 5}),
		"the commit stops at the start of the open object")
}

func TestPreCommit(t *testing.T) {
	t.Run("never past an open object", func(t *testing.T) {
		h := startTask(t, nil)
		h.mustPut(recs(0, 0, 5)...)
		h.mustPut(recs(1, 10, 12)...)
		got := h.preCommit(map[connect.TopicPartition]int64{tp0: 5, tp1: 12})
		assert.Equal(t, map[connect.TopicPartition]int64{tp0: 3, tp1: 10}, got)
	})
	t.Run("past skipped records when nothing is open", func(t *testing.T) {
		h := startTask(t, map[string]string{FlushSizeConfig: "2", NullValuesConfig: "ignore"})
		h.mustPut(rec(0, 0, "a"), rec(0, 1, "b"), rec(0, 2, nil), rec(0, 3, nil))
		assert.Equal(t, map[connect.TopicPartition]int64{tp0: 4}, h.preCommit(map[connect.TopicPartition]int64{tp0: 4}))
	})
	t.Run("only the partitions asked about", func(t *testing.T) {
		h := startTask(t, nil)
		h.mustPut(recs(0, 0, 3)...)
		h.mustPut(recs(1, 0, 1)...)
		assert.Equal(t, map[connect.TopicPartition]int64{tp0: 3}, h.preCommit(map[connect.TopicPartition]int64{tp0: 3}))
	})
}

// daily partitions by record time into one folder per day, so that the
// rotation rules of record time apply.
var daily = map[string]string{"partitioner.class": "TimeBasedPartitioner", "partition.duration.ms": "86400000",
	"path.format": "'day'=dd", "locale": "en", "timezone": "UTC", "timestamp.extractor": "Record"}

const dailyKey = "topics/orders/day=29/orders+0+0000000000.json"

func TestRotateIntervalByRecordTime(t *testing.T) {
	cfg := maps.Clone(daily)
	cfg[FlushSizeConfig], cfg[RotateIntervalConfig] = "100", "60000"
	h := startTask(t, cfg)
	at := func(off int64, d time.Duration) connect.SinkRecord {
		r := rec(0, off, map[string]any{"n": off})
		r.Timestamp = t0.Add(d)
		return r
	}
	h.mustPut(at(0, 0), at(1, 30*time.Second), at(2, 59*time.Second), at(3, 5*time.Second), at(4, 60*time.Second), at(5, 61*time.Second))
	assert.Equal(t, []string{dailyKey}, h.keys(),
		"the record 60 s after the object's first starts the next object; a late one stays")
	assert.Equal(t, lines(0, 4), h.content(dailyKey))
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 4}, h.preCommit(map[connect.TopicPartition]int64{tp0: 6}))
}

func TestRotateIntervalIgnoredWithoutTimeBasedPartitioner(t *testing.T) {
	// Confluent's connector has no record time for the default and field
	// partitioners and ignores the key; the same file must draw the same
	// objects here.
	h := startTask(t, map[string]string{FlushSizeConfig: "3", RotateIntervalConfig: "60000"})
	at := func(off int64, d time.Duration) connect.SinkRecord {
		r := rec(0, off, map[string]any{"n": off})
		r.Timestamp = t0.Add(d)
		return r
	}
	h.mustPut(at(0, 0), at(1, time.Hour), at(2, 2*time.Hour), at(3, 3*time.Hour))
	h.clock.advance(time.Hour)
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 3}, h.preCommit(map[connect.TopicPartition]int64{tp0: 4}),
		"idle time does not rotate either")
	assert.Equal(t, []string{"topics/orders/partition=0/orders+0+0000000000.json"}, h.keys())
	assert.Equal(t, lines(0, 3), h.content("topics/orders/partition=0/orders+0+0000000000.json"))
}

func TestRotateIntervalWithTimeBasedPartitioner(t *testing.T) {
	hourly := map[string]string{FlushSizeConfig: "100", RotateIntervalConfig: "3600000",
		"partitioner.class": "HourlyPartitioner", "locale": "en", "timezone": "UTC", "timestamp.extractor": "Record"}
	at := func(off int64, hhmm string) connect.SinkRecord {
		ts, err := time.Parse("2006-01-02T15:04", "2024-02-29T"+hhmm)
		require.NoError(t, err)
		r := rec(0, off, map[string]any{"n": off})
		r.Timestamp = ts
		return r
	}
	t.Run("rotates when the encoded partition changes", func(t *testing.T) {
		h := startTask(t, hourly)
		h.mustPut(at(0, "10:10"), at(1, "10:20"), at(2, "11:05"))
		assert.Equal(t, []string{"topics/orders/year=2024/month=02/day=29/hour=10/orders+0+0000000000.json"}, h.keys())
		assert.Equal(t, map[connect.TopicPartition]int64{tp0: 2}, h.preCommit(map[connect.TopicPartition]int64{tp0: 3}))
	})
	t.Run("rotate.file.on.partition.change=false", func(t *testing.T) {
		cfg := maps.Clone(hourly)
		cfg[RotateOnPartitionChange] = "false"
		h := startTask(t, cfg)
		h.mustPut(at(0, "10:10"), at(1, "10:20"), at(2, "11:05"), at(3, "10:30"))
		assert.Empty(t, h.keys(), "the set spans both hours until 1 h after 10:10")
		h.mustPut(at(4, "11:10"))
		assert.Equal(t, []string{
			"topics/orders/year=2024/month=02/day=29/hour=10/orders+0+0000000000.json",
			"topics/orders/year=2024/month=02/day=29/hour=11/orders+0+0000000002.json",
		}, h.keys())
	})
}

func TestRotateIntervalFiresWithoutNewRecords(t *testing.T) {
	cfg := maps.Clone(daily)
	cfg[FlushSizeConfig], cfg[RotateIntervalConfig] = "100", "60000"
	h := startTask(t, cfg)
	r := rec(0, 0, map[string]any{"n": 0})
	r.Timestamp = t0
	h.mustPut(r)
	h.clock.advance(59 * time.Second)
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 0}, h.preCommit(map[connect.TopicPartition]int64{tp0: 1}))
	assert.Empty(t, h.keys())
	h.clock.advance(time.Second)
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 1}, h.preCommit(map[connect.TopicPartition]int64{tp0: 1}),
		"a partition idle for rotate.interval.ms is committed without waiting for a record (Confluent issue 144)")
	assert.Equal(t, []string{dailyKey}, h.keys())
}

func TestRotateScheduleFollowsTheWallClock(t *testing.T) {
	h := startTask(t, map[string]string{FlushSizeConfig: "100", RotateScheduleConfig: "3600000", "timezone": "UTC"})
	h.mustPut(rec(0, 0, "a")) // 10:15: due at 11:00
	h.clock.set(time.Date(2024, 2, 29, 10, 59, 0, 0, time.UTC))
	h.mustPut(rec(0, 1, "b"))
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 0}, h.preCommit(map[connect.TopicPartition]int64{tp0: 2}))
	h.clock.set(time.Date(2024, 2, 29, 11, 0, 0, 0, time.UTC))
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 2}, h.preCommit(map[connect.TopicPartition]int64{tp0: 2}),
		"the schedule fires in PreCommit, with no new record")
	assert.Equal(t, "\"a\"\n\"b\"\n", h.content("topics/orders/partition=0/orders+0+0000000000.json"))

	h.clock.set(time.Date(2024, 2, 29, 11, 30, 0, 0, time.UTC))
	h.mustPut(rec(0, 2, "c")) // due at 12:00
	h.clock.set(time.Date(2024, 2, 29, 12, 1, 0, 0, time.UTC))
	h.mustPut(rec(0, 3, "d"))
	assert.Equal(t, "\"c\"\n", h.content("topics/orders/partition=0/orders+0+0000000002.json"), "and in Put, before the next record")

	for _, c := range h.s3.callsOf("PutObject") {
		assert.False(t, c.IfNoneMatch, "boundaries that follow the clock are not deterministic, so objects are not written conditionally")
	}
}

func TestNextScheduledRotation(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	for _, tc := range []struct {
		now      time.Time
		interval time.Duration
		loc      *time.Location
		want     time.Time
	}{
		{time.Date(2024, 2, 29, 10, 15, 0, 0, time.UTC), time.Hour, time.UTC, time.Date(2024, 2, 29, 11, 0, 0, 0, time.UTC)},
		{time.Date(2024, 2, 29, 11, 0, 0, 0, time.UTC), time.Hour, time.UTC, time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC)},
		{time.Date(2024, 2, 29, 22, 0, 0, 0, time.UTC), 7 * time.Hour, time.UTC, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)},
		{time.Date(2024, 2, 29, 10, 15, 0, 0, ny), 6 * time.Hour, ny, time.Date(2024, 2, 29, 12, 0, 0, 0, ny)},
	} {
		got := nextScheduledRotation(tc.now, tc.interval, tc.loc)
		assert.True(t, tc.want.Equal(got), "after %v every %v: got %v, want %v", tc.now, tc.interval, got, tc.want)
	}
}

func TestSchemaChangeRotates(t *testing.T) {
	v1 := connect.StructSchema("order", connect.Field{Name: "id", Schema: connect.Int64Schema})
	v2 := connect.StructSchema("order", connect.Field{Name: "id", Schema: connect.Int64Schema},
		connect.Field{Name: "note", Schema: connect.OptionalStringSchema})
	v1again := connect.StructSchema("order", connect.Field{Name: "id", Schema: connect.Int64Schema})
	mk := func(off int64, s *connect.Schema) connect.SinkRecord {
		st := connect.NewStruct(s).MustPut("id", off)
		r := rec(0, off, st)
		r.ValueSchema = s
		return r
	}
	h := startTask(t, map[string]string{FlushSizeConfig: "100"})
	h.mustPut(mk(0, v1), mk(1, v1again), mk(2, v2))
	assert.Equal(t, []string{"topics/orders/partition=0/orders+0+0000000000.json"}, h.keys(),
		"an equal schema keeps the object; a different one starts the next")
	assert.Equal(t, "{\"id\":0}\n{\"id\":1}\n", h.content("topics/orders/partition=0/orders+0+0000000000.json"))
}

func TestGzip(t *testing.T) {
	h := startTask(t, map[string]string{CompressionTypeConfig: "gzip", CompressionLevelConfig: "9"})
	h.mustPut(recs(0, 0, 3)...)
	key := "topics/orders/partition=0/orders+0+0000000000.json.gz"
	require.Equal(t, []string{key}, h.keys())
	zr, err := gzip.NewReader(bytes.NewReader(h.s3.object(bucket, key)))
	require.NoError(t, err)
	plain, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Equal(t, lines(0, 3), string(plain))
}

func TestJSONFormat(t *testing.T) {
	h := startTask(t, map[string]string{"errors.tolerance": "all", FlushSizeConfig: "4"})
	err := h.put(
		rec(0, 0, map[string]any{"b": true, "a": []any{int64(1), 2.5}}),
		rec(0, 1, "text"),
		rec(0, 2, []byte("bytes")),
		rec(0, 3, struct{ X int }{1}), // not a Connect value
		rec(0, 4, nil),
		rec(0, 5, int64(7)),
	)
	var be *connect.BatchError
	require.ErrorAs(t, err, &be)
	require.Len(t, be.Errors, 2)
	assert.Equal(t, int64(3), be.Errors[0].Record.Offset)
	var de *connect.DataError
	assert.ErrorAs(t, be.Errors[0].Err, &de)
	assert.Equal(t, int64(4), be.Errors[1].Record.Offset)
	assert.Contains(t, be.Errors[1].Err.Error(), "behavior.on.null.values=fail")
	assert.Equal(t, `{"a":[1,2.5],"b":true}`+"\n"+`"text"`+"\n"+`"Ynl0ZXM="`+"\n"+"7\n",
		h.content("topics/orders/partition=0/orders+0+0000000000.json"),
		"a String is quoted and bytes are base64, as Jackson writes them in Confluent's JsonFormat")
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 6}, h.preCommit(map[connect.TopicPartition]int64{tp0: 6}))
}

func TestJSONFormatWritesStructsWithoutTheirSchema(t *testing.T) {
	point := connect.StructSchema("point", connect.Field{Name: "x", Schema: connect.Int32Schema},
		connect.Field{Name: "amount", Schema: connect.DecimalSchema(2)})
	r := rec(0, 0, connect.NewStruct(point).MustPut("x", int32(3)).MustPut("amount", connect.Decimal{Unscaled: big.NewInt(1250), Scale: 2}))
	r.ValueSchema = point
	h := startTask(t, map[string]string{FlushSizeConfig: "1", JSONDecimalFormatConfig: "NUMERIC"})
	h.mustPut(r)
	assert.Equal(t, `{"x":3,"amount":12.50}`+"\n", h.content("topics/orders/partition=0/orders+0+0000000000.json"))
}

func TestBadFirstRecordLeavesNoObject(t *testing.T) {
	h := startTask(t, map[string]string{"errors.tolerance": "all", FlushSizeConfig: "2"})
	err := h.put(rec(0, 0, struct{}{}), rec(0, 1, "a"), rec(0, 2, "b"))
	var be *connect.BatchError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, []string{"topics/orders/partition=0/orders+0+0000000001.json"}, h.keys(),
		"the object starts at the first record it holds")
}

func TestNullValues(t *testing.T) {
	t.Run("ignore", func(t *testing.T) {
		h := startTask(t, map[string]string{NullValuesConfig: "ignore", FlushSizeConfig: "2"})
		h.mustPut(rec(0, 0, "a"), rec(0, 1, nil), rec(0, 2, "b"))
		assert.Equal(t, "\"a\"\n\"b\"\n", h.content("topics/orders/partition=0/orders+0+0000000000.json"))
	})
	t.Run("ignore and report to the dead-letter queue", func(t *testing.T) {
		h := startTask(t, map[string]string{NullValuesConfig: "IGNORE", "errors.tolerance": "all"})
		err := h.put(rec(0, 0, "a"), rec(0, 1, nil))
		var be *connect.BatchError
		require.ErrorAs(t, err, &be)
		require.Len(t, be.Errors, 1)
		assert.Equal(t, int64(1), be.Errors[0].Record.Offset)
	})
}

func TestByteArrayFormat(t *testing.T) {
	h := startTask(t, map[string]string{"errors.tolerance": "all", FormatClassConfig: "ByteArrayFormat", ByteArraySeparatorConfig: " | ",
		ByteArrayExtensionConfig: ".txt"})
	err := h.put(rec(0, 0, []byte("a")), rec(0, 1, "not bytes"), rec(0, 2, []byte("b")), rec(0, 3, []byte("c")))
	var be *connect.BatchError
	require.ErrorAs(t, err, &be)
	require.Len(t, be.Errors, 1)
	assert.Equal(t, int64(1), be.Errors[0].Record.Offset)
	assert.Equal(t, "a | b | c | ", h.content("topics/orders/partition=0/orders+0+0000000000.txt"),
		"the separator is taken untrimmed")
}

func TestRetriedBatchWritesEachRecordOnce(t *testing.T) {
	h := startTask(t, nil)
	batch := recs(0, 0, 5)
	h.mustPut(batch...)
	h.mustPut(batch...)
	h.mustPut(recs(0, 5, 6)...)
	assert.Equal(t, []string{
		"topics/orders/partition=0/orders+0+0000000000.json",
		"topics/orders/partition=0/orders+0+0000000003.json",
	}, h.keys())
	assert.Equal(t, lines(3, 6), h.content("topics/orders/partition=0/orders+0+0000000003.json"))
}

// bigRec returns a ByteArray record of n bytes, filled with its offset's
// last digit.
func bigRec(p int32, off int64, n int) connect.SinkRecord {
	return rec(p, off, bytes.Repeat([]byte{byte('0' + off%10)}, n))
}

func multipartConfig(overrides map[string]string) map[string]string {
	cfg := map[string]string{FormatClassConfig: ByteArrayFormatClass, PartSizeConfig: fmt.Sprint(minPartSize), FlushSizeConfig: "6"}
	maps.Copy(cfg, overrides)
	return cfg
}

func expectedBig(from, to int64, n int) []byte {
	var b []byte
	for off := from; off < to; off++ {
		b = append(b, bigRec(0, off, n).Value.([]byte)...)
		b = append(b, '\n')
	}
	return b
}

func TestMultipartUpload(t *testing.T) {
	h := startTask(t, multipartConfig(nil))
	const mib = 1 << 20
	h.mustPut(bigRec(0, 0, mib), bigRec(0, 1, mib), bigRec(0, 2, mib))
	h.mustPut(bigRec(0, 3, mib), bigRec(0, 4, mib))
	parts := h.s3.callsOf("UploadPart")
	require.Len(t, parts, 1, "a whole part is uploaded as soon as it is written")
	assert.Equal(t, minPartSize, parts[0].Size)
	assert.Len(t, h.s3.openUploads(), 1)

	h.mustPut(bigRec(0, 5, mib))
	key := "topics/orders/partition=0/orders+0+0000000000.bin"
	assert.Equal(t, []string{key}, h.keys())
	assert.Equal(t, expectedBig(0, 6, mib), h.s3.object(bucket, key))
	assert.Empty(t, h.s3.openUploads())
	parts = h.s3.callsOf("UploadPart")
	require.Len(t, parts, 2)
	assert.Equal(t, 6*(mib+1)-minPartSize, parts[1].Size, "the last part holds the rest")
	completes := h.s3.callsOf("CompleteMultipartUpload")
	require.Len(t, completes, 1)
	assert.True(t, completes[0].IfNoneMatch, "the object is created conditionally")
	assert.Empty(t, h.s3.callsOf("PutObject"))
}

func TestOpenObjectsHoldOnlyWhatIsNotUploaded(t *testing.T) {
	h := startTask(t, map[string]string{FlushSizeConfig: "1000"})
	for p := int32(0); p < 200; p++ {
		h.mustPut(rec(p, 0, "small"))
	}
	held := 0
	for _, ps := range h.task.parts {
		for _, o := range ps.order {
			for _, c := range o.buf.c {
				held += cap(c)
			}
		}
	}
	assert.Less(t, held, 200*4096, "no object allocates a whole part up front (Confluent issues 29, 177, 454)")
}

func TestFailedPartIsRetried(t *testing.T) {
	h := startTask(t, multipartConfig(nil))
	h.s3.failNext("UploadPart", s3Error(503, "SlowDown"), s3Error(500, "InternalError"))
	const mib = 1 << 20
	var batch []connect.SinkRecord
	for off := int64(0); off < 6; off++ {
		batch = append(batch, bigRec(0, off, mib))
	}
	h.mustPut(batch...)
	key := "topics/orders/partition=0/orders+0+0000000000.bin"
	assert.Equal(t, expectedBig(0, 6, mib), h.s3.object(bucket, key))
	assert.Len(t, h.s3.callsOf("UploadPart"), 4, "two failed attempts and two parts")
	slept := h.clock.slept()
	require.Len(t, slept, 2)
	assert.True(t, slept[0] >= 50*time.Millisecond && slept[0] <= 100*time.Millisecond, "first backoff %v", slept[0])
	assert.True(t, slept[1] >= 100*time.Millisecond && slept[1] <= 200*time.Millisecond, "second backoff %v", slept[1])
	assert.Equal(t, 1, h.s3.writeCount(bucket, key))
}

func TestExhaustedRetriesAbortAndRewind(t *testing.T) {
	h := startTask(t, multipartConfig(map[string]string{PartRetriesConfig: "2", TaskRetryBackoffConfig: "1500"}))
	h.s3.failAlways("UploadPart", s3Error(503, "SlowDown"))
	const mib = 1 << 20
	var batch []connect.SinkRecord
	for off := int64(0); off < 6; off++ {
		batch = append(batch, bigRec(0, off, mib))
	}
	for off := int64(0); off < 6; off++ {
		batch = append(batch, bigRec(1, off, 10)) // another partition, whose small object goes through
	}

	err := h.put(batch...)
	require.Error(t, err)
	assert.True(t, connect.IsRetriable(err))
	var re *connect.RetriableError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 1500*time.Millisecond, re.Backoff, "retry.backoff.ms tells the runtime how long to wait")
	assert.Len(t, h.s3.callsOf("UploadPart"), 3, "one attempt and s3.part.retries retries")
	assert.Len(t, h.s3.callsOf("AbortMultipartUpload"), 1)
	assert.Empty(t, h.s3.openUploads(), "the failed upload is aborted")
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 0}, h.tc.takeRewinds(), "only the failed partition is rewound")
	small := "topics/orders/partition=1/orders+1+0000000000.bin"
	assert.Equal(t, []string{small}, h.keys())
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 0, tp1: 6}, h.preCommit(map[connect.TopicPartition]int64{tp0: 6, tp1: 6}))

	// The runtime retries the batch without the rewound partition's
	// records (they are read again from the rewind): the other partition's
	// object, already written, is not written twice.
	h.s3.failAlways("UploadPart", nil)
	require.NoError(t, h.put(batch[6:]...))
	assert.Equal(t, 1, h.s3.writeCount(bucket, small))
	assert.Len(t, h.s3.callsOf("UploadPart"), 3)

	// After the rewind the partition is read again from offset 0.
	h.mustPut(batch[:6]...)
	key := "topics/orders/partition=0/orders+0+0000000000.bin"
	assert.Equal(t, expectedBig(0, 6, mib), h.s3.object(bucket, key))
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 6, tp1: 6}, h.preCommit(map[connect.TopicPartition]int64{tp0: 6, tp1: 6}))
	assert.Empty(t, h.s3.openUploads())
}

func TestFailureInPreCommitRewindsAtOnce(t *testing.T) {
	h := startTask(t, map[string]string{FlushSizeConfig: "100", RotateScheduleConfig: "3600000", "timezone": "UTC", PartRetriesConfig: "0"})
	h.mustPut(recs(0, 0, 2)...)
	h.s3.failNext("PutObject", s3Error(500, "InternalError"))
	h.clock.advance(time.Hour)
	_, err := h.task.PreCommit(context.Background(), map[connect.TopicPartition]int64{tp0: 2})
	require.True(t, connect.IsRetriable(err), "a failed upload keeps the commit from happening: %v", err)
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 0}, h.tc.takeRewinds(), "the runtime applies it right after the commit")
	assert.Empty(t, h.keys())
	h.mustPut(recs(0, 0, 3)...) // the partition, read again from 0
	h.clock.advance(time.Hour)
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 3}, h.preCommit(map[connect.TopicPartition]int64{tp0: 3}))
	assert.Equal(t, lines(0, 3), h.content("topics/orders/partition=0/orders+0+0000000000.json"))
}

func TestBadRecordsOfARetriedBatchAreReportedOnce(t *testing.T) {
	h := startTask(t, map[string]string{"errors.tolerance": "all", PartRetriesConfig: "0"})
	h.s3.failNext("PutObject", s3Error(503, "SlowDown"))
	batch := append(recs(1, 0, 3), rec(0, 0, struct{}{}), rec(0, 1, "a"))
	// Partition 1's object fails; partition 0's bad record was seen.
	err := h.put(batch...)
	require.True(t, connect.IsRetriable(err))
	err = h.put(batch...)
	var be *connect.BatchError
	require.ErrorAs(t, err, &be)
	require.Len(t, be.Errors, 1, "the bad record is reported once the batch goes through")
	assert.Equal(t, tp0, be.Errors[0].Record.TopicPartition())
}

func TestExistingObjectIsKept(t *testing.T) {
	t.Run("PutObject", func(t *testing.T) {
		h := newHarness(t)
		key := "topics/orders/partition=0/orders+0+0000000000.json"
		h.s3.put(bucket, key, []byte(lines(0, 3)))
		h.start(nil)
		h.mustPut(recs(0, 0, 3)...)
		calls := h.s3.callsOf("PutObject")
		require.Len(t, calls, 1)
		assert.True(t, calls[0].IfNoneMatch)
		assert.Equal(t, 0, h.s3.writeCount(bucket, key), "412 Precondition Failed: the object stays as it was")
		assert.Equal(t, map[connect.TopicPartition]int64{tp0: 3}, h.preCommit(map[connect.TopicPartition]int64{tp0: 3}),
			"and counts as written: the same name means the same records")
	})
	t.Run("CompleteMultipartUpload", func(t *testing.T) {
		h := newHarness(t)
		key := "topics/orders/partition=0/orders+0+0000000000.bin"
		h.s3.put(bucket, key, expectedBig(0, 6, 1<<20))
		h.start(multipartConfig(nil))
		for off := int64(0); off < 6; off++ {
			h.mustPut(bigRec(0, off, 1<<20))
		}
		assert.Len(t, h.s3.callsOf("CompleteMultipartUpload"), 1)
		assert.Len(t, h.s3.callsOf("AbortMultipartUpload"), 1, "the parts uploaded for nothing are discarded")
		assert.Empty(t, h.s3.openUploads())
		assert.Equal(t, map[connect.TopicPartition]int64{tp0: 6}, h.preCommit(map[connect.TopicPartition]int64{tp0: 6}))
	})
	t.Run("lost answer to a completion", func(t *testing.T) {
		h := startTask(t, multipartConfig(nil))
		// The store completed the upload but the answer was lost: the retry
		// finds no upload, and the object tells it was done.
		var once sync.Once
		h.s3.hook = func(op, key string) {
			if op == "CompleteMultipartUpload" {
				once.Do(func() { h.s3.failNext("CompleteMultipartUpload", s3Error(503, "SlowDown")) })
			}
		}
		h.s3.noCond = true
		for off := int64(0); off < 6; off++ {
			h.mustPut(bigRec(0, off, 1<<20))
		}
		assert.Equal(t, map[connect.TopicPartition]int64{tp0: 6}, h.preCommit(map[connect.TopicPartition]int64{tp0: 6}))
	})
}

func TestConditionalWritesCanBeTurnedOff(t *testing.T) {
	h := startTask(t, map[string]string{ConditionalWritesConfig: "false"})
	h.mustPut(recs(0, 0, 3)...)
	calls := h.s3.callsOf("PutObject")
	require.Len(t, calls, 1)
	assert.False(t, calls[0].IfNoneMatch)
}

func TestCloseDiscardsOnlyTheRevokedPartitions(t *testing.T) {
	h := startTask(t, multipartConfig(nil))
	ctx := context.Background()
	h.tc.assign(tp0, tp1)
	require.NoError(t, h.task.Open(ctx, []connect.TopicPartition{tp0, tp1}))
	for off := int64(0); off < 5; off++ {
		h.mustPut(bigRec(0, off, 1<<20), bigRec(1, off, 10))
	}
	require.Equal(t, []string{"topics/orders/partition=0/orders+0+0000000000.bin"}, h.s3.openUploads())

	h.tc.assign(tp1)
	require.NoError(t, h.task.Close(ctx, []connect.TopicPartition{tp0}))
	assert.Empty(t, h.s3.openUploads(), "the revoked partition's upload is aborted")
	h.mustPut(bigRec(1, 5, 10))
	assert.Equal(t, []string{"topics/orders/partition=1/orders+1+0000000000.bin"}, h.keys(),
		"the partition kept goes on with its open object")
	assert.Equal(t, map[connect.TopicPartition]int64{tp1: 6}, h.preCommit(map[connect.TopicPartition]int64{tp1: 6}))
}

func TestStopAbortsOpenUploads(t *testing.T) {
	h := startTask(t, multipartConfig(nil))
	for off := int64(0); off < 5; off++ {
		h.mustPut(bigRec(0, off, 1<<20))
	}
	require.Len(t, h.s3.openUploads(), 1)
	require.NoError(t, h.task.Stop(context.Background()))
	assert.Empty(t, h.s3.openUploads())
}

func TestUploadsRunInParallel(t *testing.T) {
	h := startTask(t, map[string]string{FlushSizeConfig: "1", UploadConcurrencyConfig: "3"})
	gate := make(chan struct{})
	var once sync.Once
	h.s3.hook = func(op, _ string) {
		h.s3.mu.Lock()
		n := h.s3.inFlite
		h.s3.mu.Unlock()
		if n >= 3 {
			once.Do(func() { close(gate) })
		}
		select {
		case <-gate:
		case <-time.After(5 * time.Second):
		}
	}
	h.mustPut(recs(0, 0, 8)...)
	assert.Len(t, h.keys(), 8)
	assert.Equal(t, 3, h.s3.maxFlit, "uploads run s3.upload.concurrency at a time")
}

func TestServerSideEncryptionWithCustomerKey(t *testing.T) {
	key := "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // 32 bytes
	h := startTask(t, multipartConfig(map[string]string{SSEAlgorithmConfig: "AES256", SSECustomerKeyConfig: key}))
	for off := int64(0); off < 6; off++ {
		h.mustPut(bigRec(0, off, 1<<20))
	}
	for _, op := range []string{"CreateMultipartUpload", "UploadPart"} {
		for _, c := range h.s3.callsOf(op) {
			assert.True(t, c.SSEC, "%s carries the SSE-C headers", op)
		}
	}
}

func TestStartChecksTheBucket(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want []string
	}{
		{"missing", s3Error(404, "NotFound"), []string{`bucket "test-bucket" does not exist`, "s3.bucket.name"}},
		{"bad credentials", s3Error(403, "Forbidden"), []string{"access to bucket", "aws.access.key.id", "aws.secret.access.key"}},
		{"wrong region", s3Error(301, "PermanentRedirect"), []string{"not in region", "s3.region"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.s3.failAlways("HeadBucket", tc.err)
			err := h.startErr(nil)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.False(t, connect.IsRetriable(err))
		})
	}
	t.Run("throttled, then fine", func(t *testing.T) {
		h := newHarness(t)
		h.s3.failNext("HeadBucket", s3Error(503, "SlowDown"))
		require.NoError(t, h.startErr(nil))
	})
}

func TestPutWithCancelledContextLosesNothing(t *testing.T) {
	h := startTask(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := h.task.Put(ctx, recs(0, 0, 3))
	require.Error(t, err)
	assert.True(t, connect.IsRetriable(err))
	assert.Equal(t, map[connect.TopicPartition]int64{tp0: 0}, h.tc.takeRewinds())
	assert.Empty(t, h.keys())
}

func TestRetryClassification(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{s3Error(503, "SlowDown"), true},
		{s3Error(500, "InternalError"), true},
		{s3Error(429, "TooManyRequests"), true},
		{s3Error(409, "ConditionalRequestConflict"), true},
		{s3Error(400, "RequestTimeout"), true},
		{s3Error(403, "AccessDenied"), false},
		{s3Error(404, "NoSuchBucket"), false},
		{s3Error(412, "PreconditionFailed"), false},
		{context.Canceled, false},
		{fmt.Errorf("put: %w", context.DeadlineExceeded), false},
		{errors.New("plain"), false},
	} {
		assert.Equal(t, tc.want, retryable(tc.err), "%v", tc.err)
	}
}
