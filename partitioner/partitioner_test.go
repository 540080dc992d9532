package partitioner_test

import (
	"errors"
	"math"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/partitioner"
)

func newPartitioner(t *testing.T, config map[string]string) partitioner.Partitioner {
	t.Helper()
	p, err := partitioner.New(config)
	require.NoError(t, err)
	return p
}

// record is orders-3@42, so that errors can be checked for naming it.
func record(value any) *connect.SinkRecord {
	return &connect.SinkRecord{Topic: "orders", Partition: 3, Offset: 42, Value: value}
}

func at(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return ts
}

// assertDataError checks that err is a connect.DataError naming the record
// orders-3@42 and containing each of parts.
func assertDataError(t *testing.T, err error, parts ...string) {
	t.Helper()
	var de *connect.DataError
	if !assert.ErrorAs(t, err, &de) {
		return
	}
	assert.Contains(t, err.Error(), "orders-3@42")
	for _, p := range parts {
		assert.Contains(t, err.Error(), p)
	}
}

func with(config map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range config {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

var timeConfig = map[string]string{"locale": "en", "timezone": "UTC"}

func TestNewAcceptsClassNamesAndAliases(t *testing.T) {
	const pkg = "io.confluent.connect.storage.partitioner."
	rec := record(map[string]any{"region": "eu"})
	now := at(t, "2024-02-29T13:45:30Z")
	tests := []struct {
		classes []string
		config  map[string]string
		want    string
	}{
		{[]string{"", pkg + "DefaultPartitioner", "DefaultPartitioner"}, nil, "partition=3"},
		{[]string{pkg + "FieldPartitioner", "FieldPartitioner"},
			map[string]string{"partition.field.name": "region"}, "region=eu"},
		{[]string{pkg + "TimeBasedPartitioner", "TimeBasedPartitioner"},
			with(timeConfig, "partition.duration.ms", "60000", "path.format", "HH:mm"), "13:45"},
		{[]string{pkg + "DailyPartitioner", "DailyPartitioner"}, timeConfig, "year=2024/month=02/day=29"},
		{[]string{pkg + "HourlyPartitioner", "HourlyPartitioner"}, timeConfig, "year=2024/month=02/day=29/hour=13"},
	}
	for _, tt := range tests {
		for _, class := range tt.classes {
			t.Run(class, func(t *testing.T) {
				config := with(tt.config, "unrelated.key", "ignored")
				if class != "" {
					config["partitioner.class"] = class
				}
				p := newPartitioner(t, config)
				got, err := p.Encode(rec, now)
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
				_, timeBased := p.(partitioner.TimeBased)
				assert.Equal(t, tt.config["locale"] != "", timeBased)
			})
		}
	}
	assert.Equal(t, pkg+"DailyPartitioner", partitioner.DailyPartitionerClass)
}

func TestPathJoinsTopicDelimiterAndPartition(t *testing.T) {
	for _, class := range []string{"DefaultPartitioner", "FieldPartitioner", "TimeBasedPartitioner", "DailyPartitioner", "HourlyPartitioner"} {
		for _, delim := range []string{"/", "_", "::"} {
			config := with(timeConfig, "partitioner.class", class, "directory.delim", delim,
				"partition.field.name", "region", "partition.duration.ms", "1000", "path.format", "yyyy")
			p := newPartitioner(t, config)
			assert.Equal(t, "my.topic"+delim+"a=1", p.Path("my.topic", "a=1"), "%s with %q", class, delim)
		}
	}
}

func TestDefaultPartitioner(t *testing.T) {
	p := newPartitioner(t, nil)
	for _, part := range []int32{0, 7, 1234} {
		rec := record(nil)
		rec.Partition = part
		got, err := p.Encode(rec, time.Time{})
		require.NoError(t, err)
		assert.Equal(t, "partition="+strconv.Itoa(int(part)), got)
	}
	assert.Equal(t, "orders/partition=3", p.Path("orders", "partition=3"))
}

var (
	addressSchema = connect.StructSchema("Address",
		connect.Field{Name: "city", Schema: connect.StringSchema},
		connect.Field{Name: "zip", Schema: connect.OptionalInt32Schema},
	)
	customerSchema = connect.StructSchema("Customer",
		connect.Field{Name: "name", Schema: connect.StringSchema},
		connect.Field{Name: "address", Schema: addressSchema.OptionalCopy()},
	)
	orderSchema = connect.StructSchema("Order",
		connect.Field{Name: "id", Schema: connect.Int64Schema},
		connect.Field{Name: "region", Schema: connect.StringSchema},
		connect.Field{Name: "vip", Schema: connect.BooleanSchema},
		connect.Field{Name: "small", Schema: connect.Int8Schema},
		connect.Field{Name: "mid", Schema: connect.Int16Schema},
		connect.Field{Name: "n", Schema: connect.Int32Schema},
		connect.Field{Name: "note", Schema: connect.OptionalStringSchema},
		connect.Field{Name: "tier", Schema: &connect.Schema{Type: connect.String, Optional: true, Default: "basic"}},
		connect.Field{Name: "customer", Schema: customerSchema.OptionalCopy()},
		connect.Field{Name: "price", Schema: connect.Float64Schema},
		connect.Field{Name: "created", Schema: connect.TimestampSchema()},
		connect.Field{Name: "day", Schema: connect.DateSchema()},
		connect.Field{Name: "tags", Schema: connect.ArraySchema(connect.StringSchema).OptionalCopy()},
		connect.Field{Name: "meta", Schema: connect.MapSchema(connect.StringSchema, connect.StringSchema).OptionalCopy()},
		connect.Field{Name: "raw", Schema: connect.OptionalBytesSchema},
	)
)

func order(withCustomer bool) *connect.Struct {
	o := connect.NewStruct(orderSchema).
		MustPut("id", int64(42)).
		MustPut("region", "eu").
		MustPut("vip", true).
		MustPut("small", int8(-8)).
		MustPut("mid", int16(300)).
		MustPut("n", int32(70000)).
		MustPut("price", 9.5).
		MustPut("created", time.UnixMilli(1709214330123).UTC()).
		MustPut("day", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)).
		MustPut("tags", []any{"a"}).
		MustPut("meta", map[string]any{"source": "web"}).
		MustPut("raw", []byte("x"))
	if withCustomer {
		addr := connect.NewStruct(addressSchema.OptionalCopy()).MustPut("city", "Paris")
		o.MustPut("customer", connect.NewStruct(customerSchema.OptionalCopy()).MustPut("name", "Ann").MustPut("address", addr))
	}
	return o
}

func TestFieldPartitionerOnStructs(t *testing.T) {
	tests := []struct {
		fields string
		value  *connect.Struct
		want   string
	}{
		{"region", order(true), "region=eu"},
		{"id,region,vip", order(true), "id=42/region=eu/vip=true"},
		{"small,mid,n", order(true), "small=-8/mid=300/n=70000"},
		{"note", order(true), "note=null"},
		{"tier", order(true), "tier=basic"}, // the schema's default
		{"customer.address.city", order(true), "customer.address.city=Paris"},
		{"customer.address.zip", order(true), "customer.address.zip=null"},
		{"customer.address.city", order(false), "customer.address.city=null"}, // a null struct on the way
		{"meta.source", order(true), "meta.source=web"},                       // into a MAP field
		{"customer.name.", order(true), "customer.name.=Ann"},                 // Java's split drops the empty tail
	}
	for _, tt := range tests {
		t.Run(tt.fields, func(t *testing.T) {
			p := newPartitioner(t, map[string]string{"partitioner.class": "FieldPartitioner", "partition.field.name": tt.fields})
			got, err := p.Encode(record(tt.value), time.Time{})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFieldPartitionerOnMaps(t *testing.T) {
	value := map[string]any{
		"region": "eu",
		"id":     int64(42),
		"vip":    false,
		"count":  7, // any Go integer
		"none":   nil,
		"customer": map[string]any{
			"address": map[any]any{"city": "Paris"},
			"gone":    nil,
		},
		"order": connect.NewStruct(customerSchema).MustPut("name", "Ann"),
	}
	tests := []struct{ fields, want string }{
		{"region,id,vip,count", "region=eu_id=42_vip=false_count=7"},
		{"none", "none=null"},
		{"customer.address.city", "customer.address.city=Paris"},
		{"customer.gone.city", "customer.gone.city=null"},
		{"order.name", "order.name=Ann"}, // a Struct inside a map
	}
	for _, tt := range tests {
		t.Run(tt.fields, func(t *testing.T) {
			p := newPartitioner(t, map[string]string{
				"partitioner.class": "FieldPartitioner", "partition.field.name": tt.fields, "directory.delim": "_",
			})
			got, err := p.Encode(record(value), time.Time{})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFieldPartitionerErrors(t *testing.T) {
	schemaless := map[string]any{
		"region":   "eu",
		"price":    9.5,
		"tags":     []any{"a"},
		"customer": map[string]any{"name": "Ann"},
	}
	tests := []struct {
		name   string
		fields string
		value  any
		want   []string
	}{
		{"missing field", "nope", order(true), []string{`partition.field.name "nope"`, `Schema{Order:struct} has no field "nope"`}},
		{"missing nested field", "customer.address.street", order(true), []string{`has no field "customer.address.street"`}},
		{"missing under a null struct", "customer.address.street", order(false), []string{`has no field "customer.address.street"`}},
		{"not a struct", "region.x", order(true), []string{`field "region" is string, not a struct`}},
		{"float", "price", order(true), []string{"float64 is not supported"}},
		{"timestamp", "created", order(true), []string{"org.apache.kafka.connect.data.Timestamp is not supported"}},
		{"date", "day", order(true), []string{"Date is not supported"}},
		{"array", "tags", order(true), []string{"array is not supported"}},
		{"bytes", "raw", order(true), []string{"bytes is not supported"}},
		{"tombstone", "region", nil, []string{"the record has no value"}},
		{"string value", "region", "eu", []string{"the record value is a string, not a struct or map"}},
		{"missing key", "country", schemaless, []string{`partition.field.name "country": no field "country"`}},
		{"missing nested key", "customer.age", schemaless, []string{`no field "customer.age"`}},
		{"key of a string", "region.x", schemaless, []string{`"region" is a string, not a struct or map`}},
		{"float in map", "price", schemaless, []string{"it is a floating-point number"}},
		{"array in map", "tags", schemaless, []string{"it is an array"}},
		{"map in map", "customer", schemaless, []string{"it is a map"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPartitioner(t, map[string]string{"partitioner.class": "FieldPartitioner", "partition.field.name": "id," + tt.fields})
			if s, ok := tt.value.(map[string]any); ok {
				s["id"] = int64(1)
			}
			_, err := p.Encode(record(tt.value), time.Time{})
			assertDataError(t, err, tt.want...)
		})
	}
}

func TestTimestampExtractors(t *testing.T) {
	tsSchema := connect.StructSchema("Event",
		connect.Field{Name: "ms", Schema: connect.OptionalInt64Schema},
		connect.Field{Name: "ms32", Schema: connect.OptionalInt32Schema},
		connect.Field{Name: "text", Schema: connect.OptionalStringSchema},
		connect.Field{Name: "ts", Schema: connect.TimestampSchema().OptionalCopy()},
		connect.Field{Name: "day", Schema: connect.DateSchema().OptionalCopy()},
		connect.Field{Name: "tod", Schema: connect.TimeSchema().OptionalCopy()},
		connect.Field{Name: "flag", Schema: connect.OptionalBooleanSchema},
		connect.Field{Name: "meta", Schema: connect.MapSchema(connect.StringSchema, connect.StringSchema).OptionalCopy()},
	)
	event := func(field string, v any) *connect.Struct { return connect.NewStruct(tsSchema).MustPut(field, v) }
	now := at(t, "2024-07-04T12:34:56.789Z")
	recordTime := at(t, "2023-01-02T03:04:05.006Z")

	tests := []struct {
		name      string
		extractor string
		field     string
		value     any
		want      string // the time the partitioner uses, or the error
		err       bool
	}{
		{"wallclock", "Wallclock", "", nil, "2024-07-04T12:34:56.789Z", false},
		{"record", "Record", "", nil, "2023-01-02T03:04:05.006Z", false},
		{"int64", "RecordField", "ms", event("ms", int64(1709214330123)), "2024-02-29T13:45:30.123Z", false},
		{"int32", "RecordField", "ms32", event("ms32", int32(86400000)), "1970-01-02T00:00:00Z", false},
		{"digits", "RecordField", "text", event("text", "-1"), "1969-12-31T23:59:59.999Z", false},
		{"ISO with offset", "RecordField", "text", event("text", "2024-02-29T13:45:30.123+01:00"), "2024-02-29T12:45:30.123Z", false},
		{"ISO without offset is UTC", "RecordField", "text", event("text", "2024-02-29T13:45"), "2024-02-29T13:45:00Z", false},
		{"Timestamp", "RecordField", "ts", event("ts", time.UnixMilli(1709214330123)), "2024-02-29T13:45:30.123Z", false},
		{"Date", "RecordField", "day", event("day", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)), "2024-02-29T00:00:00Z", false},
		{"map int64", "RecordField", "a.b", map[string]any{"a": map[string]any{"b": int64(1000)}}, "1970-01-01T00:00:01Z", false},
		{"map float truncates", "RecordField", "a", map[string]any{"a": 1999.9}, "1970-01-01T00:00:01.999Z", false},
		{"map time", "RecordField", "a", map[string]any{"a": time.UnixMilli(5).UTC()}, "1970-01-01T00:00:00.005Z", false},
		{"map string", "RecordField", "a", map[string]any{"a": "2024-W09-4"}, "2024-02-29T00:00:00Z", false},
		{"map in struct", "RecordField", "meta.at", event("meta", map[string]any{"at": "0"}), "1970-01-01T00:00:00Z", false},

		{"no record timestamp", "Record", "", nil, "timestamp.extractor Record: the record has no timestamp", true},
		{"null field", "RecordField", "ms", event("text", "x"), `timestamp.field "ms": the field is null`, true},
		{"missing field", "RecordField", "when", event("ms", int64(1)), `timestamp.field "when": Schema{Event:struct} has no field "when"`, true},
		{"boolean", "RecordField", "flag", event("flag", true), "its type boolean is not a timestamp", true},
		{"time of day", "RecordField", "tod", event("tod", time.UnixMilli(5).UTC()), "org.apache.kafka.connect.data.Time is not a timestamp", true},
		{"bad string", "RecordField", "text", event("text", "yesterday"), `"yesterday" is neither epoch milliseconds nor an ISO-8601 date-time`, true},
		{"February 30th", "RecordField", "text", event("text", "2024-02-30"), "neither epoch milliseconds", true},
		{"NaN", "RecordField", "a", map[string]any{"a": math.NaN()}, "NaN is not epoch milliseconds", true},
		{"tombstone", "RecordField", "a", nil, "the record has no value", true},
		{"missing key", "RecordField", "a", map[string]any{}, `no field "a"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPartitioner(t, with(timeConfig, "partitioner.class", "TimeBasedPartitioner",
				"partition.duration.ms", "1", "path.format", "yyyy-MM-dd'T'HH:mm:ss.SSS",
				"timestamp.extractor", tt.extractor, "timestamp.field", tt.field))
			rec := record(tt.value)
			if tt.extractor == "Record" && !tt.err {
				rec.Timestamp = recordTime
			}
			ts, err := p.(partitioner.TimeBased).Timestamp(rec, now)
			encoded, encErr := p.Encode(rec, now)
			if tt.err {
				assertDataError(t, err, tt.want)
				assertDataError(t, encErr, tt.want)
				return
			}
			require.NoError(t, err)
			require.NoError(t, encErr)
			assert.Equal(t, tt.want, ts.Format(time.RFC3339Nano))
			assert.Equal(t, ts.Format("2006-01-02T15:04:05.000"), encoded)
		})
	}
}

func TestTimestampExtractorClassNames(t *testing.T) {
	const prefix = "io.confluent.connect.storage.partitioner.TimeBasedPartitioner$"
	recordTime := at(t, "2023-01-02T03:04:05Z")
	now := at(t, "2024-07-04T12:00:00Z")
	value := map[string]any{"timestamp": "1999-12-31T23:00:00Z"}
	assert.Equal(t, prefix+"WallclockTimestampExtractor", partitioner.WallclockExtractorClass)
	assert.Equal(t, prefix+"RecordTimestampExtractor", partitioner.RecordExtractorClass)
	assert.Equal(t, prefix+"RecordFieldTimestampExtractor", partitioner.RecordFieldExtractorClass)
	for name, want := range map[string]string{
		"Wallclock":                              "2024",
		prefix + "WallclockTimestampExtractor":   "2024",
		"Record":                                 "2023",
		prefix + "RecordTimestampExtractor":      "2023",
		"RecordField":                            "1999",
		prefix + "RecordFieldTimestampExtractor": "1999",
	} {
		p := newPartitioner(t, with(timeConfig, "partitioner.class", "DailyPartitioner", "timestamp.extractor", name))
		rec := record(value)
		rec.Timestamp = recordTime
		got, err := p.Encode(rec, now)
		require.NoError(t, err, name)
		assert.Contains(t, got, "year="+want, name)
	}
}

func TestTimeBasedBuckets(t *testing.T) {
	tests := []struct {
		name   string
		config map[string]string
		at     string
		want   string
	}{
		{"quarter hours", map[string]string{"partition.duration.ms": "900000", "path.format": "'dt'=yyyy-MM-dd/'hm'=HHmm"},
			"2024-02-29T13:44:59.999Z", "dt=2024-02-29/hm=1330"},
		{"in a zone", map[string]string{"partition.duration.ms": "86400000", "path.format": "'day'=dd", "timezone": "Asia/Kolkata"},
			"2024-02-29T18:29:59Z", "day=29"},
		{"in a zone, next day", map[string]string{"partition.duration.ms": "86400000", "path.format": "'day'=dd", "timezone": "Asia/Kolkata"},
			"2024-02-29T18:30:00Z", "day=01"},
		{"Joda's YYYY is not the week year", map[string]string{"partition.duration.ms": "1000", "path.format": "YYYY/yyyy/xxxx-'W'ww-e"},
			"2021-01-03T12:00:00Z", "2021/2021/2020-W53-7"},
		{"names", map[string]string{"partition.duration.ms": "1000", "path.format": "EEEE, MMMM d, yyyy h:mm a G"},
			"2024-02-29T13:45:30Z", "Thursday, February 29, 2024 1:45 PM AD"},
		{"names in Java's root locale", map[string]string{"partition.duration.ms": "1000", "path.format": "EEEE, MMMM d, yyyy h:mm a G", "locale": "en_US"},
			"2024-02-29T13:45:30Z", "Thu, Feb 29, 2024 1:45 PM CE"},
		{"other locales print numbers", map[string]string{"partition.duration.ms": "1000", "path.format": "yyyy-MM-dd", "locale": "fr_FR"},
			"2024-02-29T13:45:30Z", "2024-02-29"},
		{"zone names of offsets", map[string]string{"partition.duration.ms": "1000", "path.format": "HH z zzzz Z ZZ ZZZ", "timezone": "+05:30"},
			"2024-02-29T13:45:30Z", "19 +05:30 +05:30 +0530 +05:30 +05:30"},
		{"zone names of UTC", map[string]string{"partition.duration.ms": "1000", "path.format": "HH z zzzz Z", "timezone": "Z"},
			"2024-02-29T13:45:30Z", "13 UTC Coordinated Universal Time +0000"},
		{"before 1970 Java rounds toward zero", map[string]string{"partition.duration.ms": "3600000", "path.format": "yyyy-MM-dd'T'HH"},
			"1969-12-31T23:59:59.999Z", "1970-01-01T00"},
		{"trailing delimiter dropped", map[string]string{"partition.duration.ms": "1000", "path.format": "'y'=yyyy/"},
			"2024-02-29T13:45:30Z", "y=2024"},
		{"trailing custom delimiter dropped", map[string]string{"partition.duration.ms": "1000", "path.format": "'y'=yyyy::", "directory.delim": "::"},
			"2024-02-29T13:45:30Z", "y=2024"},
		{"quotes", map[string]string{"partition.duration.ms": "1000", "path.format": "'o''clock'=HH''"},
			"2024-02-29T13:45:30Z", "o'clock=13'"},
		{"daily ignores duration and format", map[string]string{"partitioner.class": "DailyPartitioner", "partition.duration.ms": "1000", "path.format": "HH"},
			"2024-02-29T13:45:30Z", "year=2024/month=02/day=29"},
		{"daily with a delimiter", map[string]string{"partitioner.class": "DailyPartitioner", "directory.delim": "_"},
			"2024-02-29T13:45:30Z", "year=2024_month=02_day=29"},
		{"hourly with a delimiter", map[string]string{"partitioner.class": "HourlyPartitioner", "directory.delim": "-"},
			"2024-02-29T13:45:30Z", "year=2024-month=02-day=29-hour=13"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			config := with(timeConfig, "partitioner.class", "TimeBasedPartitioner")
			for k, v := range tt.config {
				config[k] = v
			}
			p := newPartitioner(t, config)
			got, err := p.Encode(record(nil), at(t, tt.at))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// Daylight saving changes give Confluent's buckets: the repeated autumn
// hour shares one bucket, and nothing is named after the skipped spring
// hour.
func TestTimeBasedAcrossDST(t *testing.T) {
	tests := []struct {
		zone  string
		times []string
		want  []string
	}{
		{"America/New_York", // spring forward at 07:00Z
			[]string{"2024-03-10T06:59:59Z", "2024-03-10T07:00:00Z"},
			[]string{"2024-03-10 01", "2024-03-10 03"}},
		{"America/New_York", // 01:00 to 02:00 twice, EDT then EST
			[]string{"2024-11-03T05:30:00Z", "2024-11-03T06:30:00Z", "2024-11-03T07:00:00Z"},
			[]string{"2024-11-03 01", "2024-11-03 01", "2024-11-03 02"}},
		{"Europe/Berlin", // 02:00 to 03:00 twice, CEST then CET
			[]string{"2024-10-27T00:30:00Z", "2024-10-27T01:30:00Z"},
			[]string{"2024-10-27 02", "2024-10-27 02"}},
		{"Australia/Lord_Howe", // 30 minutes forward at 15:30Z
			[]string{"2024-10-05T15:29:59Z", "2024-10-05T15:30:00Z"},
			[]string{"2024-10-06 01", "2024-10-06 02"}},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			p := newPartitioner(t, map[string]string{"partitioner.class": "TimeBasedPartitioner", "locale": "en",
				"timezone": tt.zone, "partition.duration.ms": "3600000", "path.format": "yyyy-MM-dd HH"})
			for i, s := range tt.times {
				got, err := p.Encode(record(nil), at(t, s))
				require.NoError(t, err)
				assert.Equal(t, tt.want[i], got, s)
			}
		})
	}

	// Sao Paulo skipped midnight on 2018-11-04: that day's bucket starts at
	// 01:00 local time.
	p := newPartitioner(t, map[string]string{"partitioner.class": "TimeBasedPartitioner", "locale": "en",
		"timezone": "America/Sao_Paulo", "partition.duration.ms": "86400000", "path.format": "yyyy-MM-dd HH:mm ZZ"})
	got, err := p.Encode(record(nil), at(t, "2018-11-04T12:00:00Z"))
	require.NoError(t, err)
	assert.Equal(t, "2018-11-04 01:00 -02:00", got)
}

// Timestamps at the ends of int64 either give a path or a DataError (when
// the zone's offset overflows them, as Joda throws), never a panic.
func TestExtremeTimestamps(t *testing.T) {
	failed := 0
	for _, zone := range []string{"UTC", "America/New_York", "Asia/Kolkata", "+05:30"} {
		p := newPartitioner(t, with(timeConfig, "partitioner.class", "HourlyPartitioner", "timezone", zone,
			"timestamp.extractor", "RecordField"))
		for _, ms := range []int64{math.MaxInt64, math.MinInt64, math.MaxInt64 - 3600000, math.MinInt64 + 3600000} {
			_, err := p.Encode(record(map[string]any{"timestamp": ms}), time.Time{})
			if err != nil {
				failed++
				assertDataError(t, err, "overflows")
			}
		}
	}
	assert.Positive(t, failed, "Asia/Kolkata's offset overflows math.MaxInt64")
}

func TestConfigErrors(t *testing.T) {
	type problem struct{ key, text string }
	tb := func(kv ...string) map[string]string {
		return with(with(timeConfig, "partitioner.class", "TimeBasedPartitioner", "partition.duration.ms", "1000", "path.format", "yyyy"), kv...)
	}
	tests := []struct {
		name   string
		config map[string]string
		want   []problem
	}{
		{"unknown class", map[string]string{"partitioner.class": "com.example.MyPartitioner"},
			[]problem{{"partitioner.class", `unknown partitioner "com.example.MyPartitioner"`}}},
		{"field partitioner without fields", map[string]string{"partitioner.class": "FieldPartitioner"},
			[]problem{{"partition.field.name", "FieldPartitioner needs at least one field"}}},
		{"empty field name", map[string]string{"partition.field.name": "a,,b"},
			[]problem{{"partition.field.name", "field name is empty"}}},
		{"empty segment", map[string]string{"partition.field.name": "a..b"},
			[]problem{{"partition.field.name", `field name "a..b" has an empty segment`}}},
		{"blank segment", map[string]string{"partition.field.name": "a. .b"},
			[]problem{{"partition.field.name", "empty segment"}}},
		{"only dots", map[string]string{"partition.field.name": ".."},
			[]problem{{"partition.field.name", `field name ".." names no field`}}},
		{"time-based without settings", map[string]string{"partitioner.class": "TimeBasedPartitioner"},
			[]problem{
				{"partition.duration.ms", "TimeBasedPartitioner needs a positive duration, not -1"},
				{"path.format", "TimeBasedPartitioner needs a path.format"},
				{"locale", "TimeBasedPartitioner needs a locale"},
				{"timezone", "TimeBasedPartitioner needs a timezone"},
			}},
		{"daily without locale and timezone", map[string]string{"partitioner.class": "DailyPartitioner"},
			[]problem{{"locale", "DailyPartitioner needs a locale"}, {"timezone", "DailyPartitioner needs a timezone"}}},
		{"zero duration", tb("partition.duration.ms", "0"),
			[]problem{{"partition.duration.ms", "positive duration, not 0"}}},
		{"duration not a number", tb("partition.duration.ms", "1h"),
			[]problem{{"partition.duration.ms", `invalid value "1h"`}}},
		{"path format is the delimiter", tb("path.format", "/"),
			[]problem{{"path.format", "needs a path.format"}}},
		{"bad letter", tb("path.format", "yyyy/QQ"),
			[]problem{{"path.format", `illegal pattern component "QQ"`}}},
		{"prints nothing", tb("path.format", "'"),
			[]problem{{"path.format", "the pattern prints nothing"}}},
		{"names in an unsupported locale", tb("path.format", "MMMM", "locale", "fr"),
			[]problem{{"locale", `path.format "MMMM" prints names`}}},
		{"zone names of a region", tb("path.format", "yyyy z", "timezone", "America/New_York"),
			[]problem{{"path.format", "z prints time zone names"}}},
		{"unknown zone", tb("timezone", "Mars/Olympus_Mons"),
			[]problem{{"timezone", `unknown time zone "Mars/Olympus_Mons"`}}},
		{"unknown zone, default partitioner", map[string]string{"timezone": "Local"},
			[]problem{{"timezone", `unknown time zone "Local"`}}},
		{"bad offset", tb("timezone", "+5"),
			[]problem{{"timezone", `invalid time zone offset "+5"`}}},
		{"sub-second offset", tb("timezone", "+05:30:15.5"),
			[]problem{{"timezone", "fractions of a second"}}},
		{"unknown extractor", tb("timestamp.extractor", "com.example.MyExtractor"),
			[]problem{{"timestamp.extractor", `unknown timestamp extractor "com.example.MyExtractor"`}}},
		{"record field without a field", tb("timestamp.extractor", "RecordField", "timestamp.field", " "),
			[]problem{{"timestamp.field", "RecordField needs a field"}}},
		{"daily with a delimiter Joda rejects", with(timeConfig, "partitioner.class", "DailyPartitioner", "directory.delim", "q"),
			[]problem{{"directory.delim", `DailyPartitioner builds path.format "'year'=YYYYq'month'=MMq'day'=dd" from it`}}},
		{"everything at once", map[string]string{"partitioner.class": "HourlyPartitioner", "partition.field.name": "a..b",
			"timezone": "Nowhere", "timestamp.extractor": "Sundial"},
			[]problem{
				{"partition.field.name", "empty segment"},
				{"locale", "HourlyPartitioner needs a locale"},
				{"timezone", `unknown time zone "Nowhere"`},
				{"timestamp.extractor", `unknown timestamp extractor "Sundial"`},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := partitioner.New(tt.config)
			var ce *connect.ConfigError
			require.ErrorAs(t, err, &ce)
			require.Len(t, ce.Problems, len(tt.want), "%v", err)
			for i, p := range tt.want {
				assert.Equal(t, p.key, ce.Problems[i].Key)
				assert.Contains(t, ce.Problems[i].Message, p.text)
			}
		})
	}
}

// Settings that only the time-based partitioners read are not checked for
// the others, as in Confluent, so a configuration that worked there works
// here.
func TestConfigIgnoresSettingsOfOtherPartitioners(t *testing.T) {
	for _, class := range []string{"DefaultPartitioner", "FieldPartitioner"} {
		_, err := partitioner.New(map[string]string{
			"partitioner.class":     class,
			"partition.field.name":  "region",
			"partition.duration.ms": "-5",
			"path.format":           "QQQ",
			"locale":                "",
			"timestamp.extractor":   "com.example.Custom",
		})
		assert.NoError(t, err, class)
	}
}

func TestConfigDefMatchesConfluent(t *testing.T) {
	def := partitioner.ConfigDef()
	want := []struct {
		name string
		typ  connect.ConfigType
		def  any
	}{
		{"partitioner.class", connect.ConfigClass, "io.confluent.connect.storage.partitioner.DefaultPartitioner"},
		{"partition.field.name", connect.ConfigList, ""},
		{"partition.duration.ms", connect.ConfigLong, int64(-1)},
		{"path.format", connect.ConfigString, ""},
		{"locale", connect.ConfigString, ""},
		{"timezone", connect.ConfigString, ""},
		{"timestamp.extractor", connect.ConfigString, "Wallclock"},
		{"timestamp.field", connect.ConfigString, "timestamp"},
		{"directory.delim", connect.ConfigString, "/"},
	}
	require.Len(t, def.Names(), len(want))
	for _, w := range want {
		k, ok := def.Key(w.name)
		if assert.True(t, ok, w.name) {
			assert.Equal(t, w.typ, k.Type, w.name)
			assert.Equal(t, w.def, k.Default, w.name)
			assert.NotEmpty(t, k.Doc, w.name)
		}
	}
	// A sink merges the definition into its own.
	merged := connect.NewConfigDef().Define(connect.ConfigKey{Name: "s3.bucket.name", Type: connect.ConfigString}).Merge(def)
	_, err := merged.Parse(map[string]string{"s3.bucket.name": "b", "partitioner.class": "TimeBasedPartitioner"})
	var ce *connect.ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Len(t, ce.Problems, 4)
}

func TestLoadLocation(t *testing.T) {
	utc, err := partitioner.LoadLocation("UTC")
	require.NoError(t, err)
	assert.Equal(t, time.UTC, utc)
	for _, id := range []string{"Z", "UT", "+00:00", "-00"} {
		loc, err := partitioner.LoadLocation(id)
		require.NoError(t, err, id)
		assert.Equal(t, time.UTC, loc, id)
	}
	for id, want := range map[string]string{"+05:30": "+05:30", "-08": "-08:00", "UTC+0530": "+05:30", "GMT-03:00:15": "-03:00:15"} {
		loc, err := partitioner.LoadLocation(id)
		require.NoError(t, err, id)
		name, _ := time.Unix(0, 0).In(loc).Zone()
		assert.Equal(t, want, name, id)
	}
	ny, err := partitioner.LoadLocation("America/New_York")
	require.NoError(t, err)
	_, off := time.Date(2024, 7, 1, 0, 0, 0, 0, ny).Zone()
	assert.Equal(t, -4*3600, off)
	for _, id := range []string{"", "Local", " UTC", "GMT-3", "+24:00", "+05:60", "america/new_york"} {
		_, err := partitioner.LoadLocation(id)
		assert.Error(t, err, id)
	}
}

func TestEncodeAllocations(t *testing.T) {
	now := at(t, "2024-02-29T13:45:30Z")
	hourly := newPartitioner(t, with(timeConfig, "partitioner.class", "HourlyPartitioner", "timezone", "Europe/Berlin"))
	rec := record(order(true))
	_, err := hourly.Encode(rec, now)
	require.NoError(t, err)
	assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = hourly.Encode(rec, now) }),
		"a record in the bucket of the one before")

	field := newPartitioner(t, map[string]string{"partitioner.class": "FieldPartitioner", "partition.field.name": "customer.address.city,id"})
	assert.LessOrEqual(t, testing.AllocsPerRun(100, func() { _, _ = field.Encode(rec, now) }), 1.0)

	def := newPartitioner(t, nil)
	assert.LessOrEqual(t, testing.AllocsPerRun(100, func() { _, _ = def.Encode(rec, now) }), 1.0)
}

func TestEncodeConcurrently(t *testing.T) {
	p := newPartitioner(t, with(timeConfig, "partitioner.class", "HourlyPartitioner"))
	start := at(t, "2024-02-29T00:30:00Z")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				h := (g + i) % 24
				got, err := p.Encode(record(nil), start.Add(time.Duration(h)*time.Hour))
				if err == nil && got != "year=2024/month=02/day=29/hour="+twoDigits(h) {
					err = errors.New("hour " + twoDigits(h) + " encoded as " + got)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }
