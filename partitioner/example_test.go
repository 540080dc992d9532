package partitioner_test

import (
	"fmt"
	"time"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/partitioner"
)

// A sink configured as for Confluent's S3 sink, partitioning by the hour of
// each record's Kafka timestamp in New York time.
func Example() {
	p, err := partitioner.New(map[string]string{
		"partitioner.class":   "io.confluent.connect.storage.partitioner.HourlyPartitioner",
		"locale":              "en",
		"timezone":            "America/New_York",
		"timestamp.extractor": "Record",
		"s3.bucket.name":      "ignored-by-the-partitioner",
	})
	if err != nil {
		panic(err)
	}
	now := time.Now() // read once per batch; unused by the Record extractor

	for _, at := range []string{"2024-03-10T06:59:59Z", "2024-03-10T07:00:00Z"} {
		ts, _ := time.Parse(time.RFC3339, at)
		rec := &connect.SinkRecord{Topic: "orders", Partition: 3, Offset: 42, Timestamp: ts}
		encoded, err := p.Encode(rec, now)
		if err != nil {
			panic(err)
		}
		fmt.Println(p.Path(rec.Topic, encoded))
	}

	_, err = p.Encode(&connect.SinkRecord{Topic: "orders", Partition: 3, Offset: 43}, now)
	fmt.Println(err)

	// rotate.interval.ms needs the record time.
	tb := p.(partitioner.TimeBased)
	ts, _ := tb.Timestamp(&connect.SinkRecord{Timestamp: time.UnixMilli(1709214330123)}, now)
	fmt.Println(ts)
	// Output:
	// orders/year=2024/month=03/day=10/hour=01
	// orders/year=2024/month=03/day=10/hour=03
	// partitioner: record orders-3@43: timestamp.extractor Record: the record has no timestamp
	// 2024-02-29 13:45:30.123 +0000 UTC
}

// FieldPartitioner reads nested fields of schemaless JSON values too.
func Example_fieldPartitioner() {
	p, err := partitioner.New(map[string]string{
		"partitioner.class":    "FieldPartitioner",
		"partition.field.name": "customer.region,priority",
		"directory.delim":      "_",
	})
	if err != nil {
		panic(err)
	}
	value := map[string]any{
		"customer": map[string]any{"region": "eu-west", "id": int64(7)},
		"priority": true,
	}
	rec := &connect.SinkRecord{Topic: "orders", Partition: 0, Offset: 9, Value: value}
	encoded, _ := p.Encode(rec, time.Time{})
	fmt.Println(p.Path(rec.Topic, encoded))

	delete(value, "priority")
	_, err = p.Encode(rec, time.Time{})
	fmt.Println(err)
	// Output:
	// orders_customer.region=eu-west_priority=true
	// partitioner: record orders-0@9: partition.field.name "priority": no field "priority"
}

// Configuration mistakes are reported together, each naming its key.
func ExampleConfigDef() {
	_, err := partitioner.New(map[string]string{
		"partitioner.class": "TimeBasedPartitioner",
		"path.format":       "'year'=YYYY/'quarter'=Q",
		"timezone":          "Mars/Olympus_Mons",
	})
	fmt.Println(err)
	// Output:
	// partitioner: invalid configuration: partition.duration.ms: TimeBasedPartitioner needs a positive duration, not -1; path.format: invalid Joda-Time pattern "'year'=YYYY/'quarter'=Q": illegal pattern component "Q"; locale: TimeBasedPartitioner needs a locale, such as en; timezone: unknown time zone "Mars/Olympus_Mons": use a tz database ID such as America/New_York, UTC, or an offset such as +02:00
}
