package httpsource

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"
)

// BenchRecord is record id of the benchmarks' API: about 200 bytes of JSON.
func BenchRecord(id int) string {
	return fmt.Sprintf(`{"id":%d,"updated":"%s","customer":"customer-%d","amount":%d.%02d,"currency":"EUR","note":"%s"}`,
		id, time.Unix(1700000000+int64(id), 0).UTC().Format(time.RFC3339), id%97, 10+id%500, id%100, benchPad)
}

var benchPad = strings.Repeat("x", 86)

// BenchmarkDecodePage reads a page of 1,000 records of about 200 bytes, as
// BenchmarkHTTPSourceVsBareProducer's API serves them, and makes records of
// it: the work of the task between reading a body and returning records,
// with the JsonRecordMapper, as BenchmarkHTTPSourceVsBareProducer.
func BenchmarkDecodePage(b *testing.B) { benchDecodePage(b, JSONMapper) }

// BenchmarkDecodePageCastorm is BenchmarkDecodePage with castorm's
// default mapper, which writes each record's text as castorm's Jackson
// does.
func BenchmarkDecodePageCastorm(b *testing.B) { benchDecodePage(b, SchemedMapper) }

func benchDecodePage(b *testing.B, mapper string) {
	raw := make([]json.RawMessage, 0, 1000)
	for id := 1; id <= 1000; id++ {
		raw = append(raw, json.RawMessage(BenchRecord(id)))
	}
	body, err := json.Marshal(map[string]any{"items": raw, "next": "/items?page=2"})
	if err != nil {
		b.Fatal(err)
	}
	t := NewTask(WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err := t.Start(context.Background(), map[string]string{
		"name":                "bench",
		TopicConfig:           "t",
		URLConfig:             "http://localhost/items",
		ListPointerConfig:     "/items",
		OffsetPointerConfig:   "key=/id, timestamp=/updated",
		NextPagePointerConfig: "/next",
		RecordMapperConfig:    mapper,
	}, nil); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = t.Stop(context.Background()) }()
	u, _ := url.Parse("http://localhost/items")
	ep := t.eps[0]
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		f := &fetched{body: body, url: u, status: 200}
		t.decodeFetched(f, nil)
		if f.bad != nil {
			b.Fatal(f.bad)
		}
		b.StopTimer()
		ep.seen = newSeenSet(len(f.items)) // every page is new
		b.StartTimer()
		t.prepare(ep, f)
		if len(f.recs) != 1000 {
			b.Fatal(len(f.recs))
		}
	}
}
