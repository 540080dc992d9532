package partitioner_test

import (
	"testing"
	"time"

	"github.com/connectkit/connectkit/partitioner"
)

func BenchmarkEncode(b *testing.B) {
	now := time.Date(2024, 2, 29, 13, 45, 30, 0, time.UTC)
	mapValue := map[string]any{"customer": map[string]any{"region": "eu-west"}, "id": int64(42)}
	benchmarks := []struct {
		name   string
		config map[string]string
		value  any
		step   time.Duration // how far now moves between records
	}{
		{"Default", nil, nil, 0},
		{"Field/struct", map[string]string{"partitioner.class": "FieldPartitioner", "partition.field.name": "customer.address.city,id"}, order(true), 0},
		{"Field/map", map[string]string{"partitioner.class": "FieldPartitioner", "partition.field.name": "customer.region,id"}, mapValue, 0},
		{"Hourly/same-bucket", with(timeConfig, "partitioner.class", "HourlyPartitioner", "timezone", "Europe/Berlin"), nil, 0},
		{"Hourly/new-bucket", with(timeConfig, "partitioner.class", "HourlyPartitioner", "timezone", "Europe/Berlin"), nil, time.Hour},
		{"RecordField/ISO", with(timeConfig, "partitioner.class", "DailyPartitioner", "timestamp.extractor", "RecordField"),
			map[string]any{"timestamp": "2024-02-29T13:45:30.123+01:00"}, 0},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			p, err := partitioner.New(bm.config)
			if err != nil {
				b.Fatal(err)
			}
			rec := record(bm.value)
			t := now
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Encode(rec, t); err != nil {
					b.Fatal(err)
				}
				t = t.Add(bm.step)
			}
		})
	}
}
