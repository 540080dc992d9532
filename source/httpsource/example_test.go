package httpsource_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/source/httpsource"
)

// The task on its own, against a paginated API: Poll returns the records of
// one page at a time, each with the offset a restart would resume from, and
// CommitRecord (which the source runtime calls when Kafka has acknowledged a
// record) moves the cursor that the next request starts from.
func Example() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := map[string]any{
			"items": []any{
				map[string]any{"id": 1, "updated": "2024-01-01T10:00:00Z", "text": "hello"},
				map[string]any{"id": 2, "updated": "2024-01-01T11:00:00Z", "text": "world"},
			},
			"next": "/events?page=2",
		}
		if r.URL.Query().Get("page") == "2" {
			page = map[string]any{"items": []any{
				map[string]any{"id": 3, "updated": "2024-01-01T12:00:00Z", "text": "again"},
			}}
		}
		_ = json.NewEncoder(w).Encode(page)
	}))
	defer api.Close()

	config := map[string]string{
		"name":                                "events",
		"kafka.topic":                         "events",
		"http.request.url":                    api.URL + "/events",
		"http.request.params":                 "since={{.offset.timestamp}}",
		"http.offset.initial":                 "timestamp=2024-01-01T00:00:00Z",
		"http.response.list.pointer":          "/items",
		"http.response.record.offset.pointer": "key=/id, timestamp=/updated",
		// The JSON itself; castorm's default, SchemedKvSourceRecordMapper,
		// wraps it as text in a struct.
		"http.response.record.mapper":     "JsonRecordMapper",
		"http.response.next.page.pointer": "/next",
	}
	task := httpsource.NewTask(httpsource.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	ctx := context.Background()
	if err := task.Start(ctx, config, nil); err != nil {
		panic(err)
	}
	defer task.Stop(ctx)
	for range 2 {
		recs, err := task.Poll(ctx)
		if err != nil {
			panic(err)
		}
		for i := range recs {
			value, _ := json.Marshal(recs[i].Value)
			// castorm's properties; the offset also holds the identities
			// of the versions produced, which a restart reads back.
			off := maps.Clone(recs[i].SourceOffset)
			delete(off, httpsource.SeenOffsetProperty)
			offset := strings.ReplaceAll(fmt.Sprint(off), api.URL, "http://api")
			fmt.Printf("key=%v value=%s offset=%s\n", recs[i].Key, value, offset)
			_ = task.CommitRecord(ctx, &recs[i], connect.RecordMetadata{})
		}
	}
	// Output:
	// key=1 value={"id":1,"text":"hello","updated":"2024-01-01T10:00:00Z"} offset=map[key:1 timestamp:2024-01-01T10:00:00Z]
	// key=2 value={"id":2,"text":"world","updated":"2024-01-01T11:00:00Z"} offset=map[key:2 page.url:http://api/events?page=2 timestamp:2024-01-01T11:00:00Z]
	// key=3 value={"id":3,"text":"again","updated":"2024-01-01T12:00:00Z"} offset=map[key:3 timestamp:2024-01-01T12:00:00Z]
}
