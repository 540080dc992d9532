package httpsource_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/source/httpsource"
)

func item(id int, updated string) map[string]any {
	return map[string]any{"id": id, "updated": updated, "name": "item-" + strconv.Itoa(id), "tags": []string{"a", "b"}}
}

func TestFirstRequestAtOnceThenTimer(t *testing.T) {
	var n atomic.Int32
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, []any{item(int(n.Add(1)), "2024-01-01T00:00:00Z")})
	})
	clock := newFakeClock()
	task := startTask(t, map[string]string{
		httpsource.URLConfig:           api.URL + "/items",
		httpsource.OffsetPointerConfig: "key=/id",
		httpsource.TimerIntervalConfig: "60000",
	}, nil, httpsource.WithClock(clock))

	recs, err := task.Poll(context.Background())
	require.NoError(t, err)
	assert.Len(t, recs, 1)
	assert.Zero(t, clock.slept(), "the first request waits for nothing")

	// The runtime keeps polling; each Poll waits at most a second, so that
	// acknowledgements and offset flushes are not held back.
	recs, err = pollUntil(t, task, 100)
	require.NoError(t, err)
	assert.Len(t, recs, 1)
	assert.Equal(t, 60*time.Second, clock.slept())
	assert.Len(t, api.received(), 2)
}

func TestStopEndsTheWait(t *testing.T) {
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, []any{}) })
	clock := blockingClock{sleeping: make(chan struct{}, 1)}
	task := startTask(t, map[string]string{httpsource.URLConfig: api.URL}, nil, httpsource.WithClock(clock))
	_, err := task.Poll(context.Background()) // the first request, at once
	require.NoError(t, err)

	done := make(chan error, 1)
	go func() {
		_, err := task.Poll(context.Background())
		done <- err
	}()
	<-clock.sleeping
	require.NoError(t, task.Stop(context.Background()))
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Poll still waiting after Stop")
	}

	// Cancelling Poll's context ends the wait too.
	ctx, cancel := context.WithCancel(context.Background())
	task2 := startTask(t, map[string]string{httpsource.URLConfig: api.URL}, nil, httpsource.WithClock(clock))
	_, err = task2.Poll(ctx)
	require.NoError(t, err)
	go func() {
		_, err := task2.Poll(ctx)
		done <- err
	}()
	<-clock.sleeping
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Poll still waiting after its context was cancelled")
	}
	assert.Len(t, api.received(), 2, "neither interrupted Poll sent a request")
}

// An offset cannot change the request's structure: each value stays within
// its path segment, query parameter, header or JSON string.
func TestTemplateValuesAreEscaped(t *testing.T) {
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, []any{}) })
	nasty := `a/b?c=d&e=f, X-Evil: 1"}`
	task := startTask(t, map[string]string{
		httpsource.URLConfig:           api.URL + "/v1/{{.offset.q}}/items?since={{.offset.q}}",
		httpsource.ParamsConfig:        "cursor={{.offset.q}}&fixed=a%20b",
		httpsource.HeadersConfig:       "X-Cursor: {{.offset.q}}, Content-Type: application/json",
		httpsource.MethodConfig:        "POST",
		httpsource.BodyConfig:          `{"since": "{{.offset.q}}", "limit": {{.offset.limit}}, "raw": {{.offset.q}}}`,
		httpsource.OffsetInitialConfig: "q=placeholder, limit=50",
	}, map[string]map[string]any{"{}": {"q": nasty, "limit": "50"}})
	_, err := task.Poll(context.Background())
	require.NoError(t, err)

	req := api.last(t)
	u, err := url.Parse(req.URL)
	require.NoError(t, err)
	assert.Equal(t, "/v1/"+url.PathEscape(nasty)+"/items", u.EscapedPath(), "one path segment")
	q := u.Query()
	assert.Equal(t, []string{nasty}, q["since"])
	assert.Equal(t, []string{nasty}, q["cursor"])
	assert.Equal(t, []string{"a b"}, q["fixed"])
	assert.Len(t, q, 3, "no parameter added")
	assert.Equal(t, []string{nasty}, req.Header.Values("X-Cursor"))
	assert.Empty(t, req.Header.Values("X-Evil"))
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(req.Body), &body), req.Body)
	assert.Equal(t, map[string]any{"since": nasty, "limit": 50.0, "raw": nasty}, body)
}

func TestFreeMarkerTemplates(t *testing.T) {
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, []any{}) })
	task := startTask(t, map[string]string{
		httpsource.URLConfig: api.URL + "/search?from=${offset.timestamp?datetime.iso?long}&day=${timestamp?datetime.iso?string['yyyy/MM/dd']}" +
			"&key=${offset.key!\"none\"}&plain=${offset.timestamp}",
		httpsource.OffsetInitialConfig: "timestamp=2020-01-02T03:04:05Z",
	}, nil)
	_, err := task.Poll(context.Background())
	require.NoError(t, err)
	q := mustQuery(t, api.last(t).URL)
	assert.Equal(t, "1577934245000", q.Get("from"))
	assert.Equal(t, "2020/01/02", q.Get("day"))
	assert.Equal(t, "none", q.Get("key"))
	assert.Equal(t, "2020-01-02T03:04:05Z", q.Get("plain"))
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u.Query()
}

// castorm moved its request cursor only on the periodic offset commit and
// fetched the same records until then (issue 263). Here the cursor is the
// acknowledged record's offset, and records already returned are never
// returned again, acknowledged or not.
func TestCursorFollowsAcknowledgementsAndNothingRepeats(t *testing.T) {
	all := []any{item(1, "2024-01-01T00:00:01Z"), item(2, "2024-01-01T00:00:02Z"), item(3, "2024-01-01T00:00:03Z")}
	var shown atomic.Int32
	shown.Store(2)
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
		// The API ignores the cursor and returns everything it has: the
		// connector must drop what it has seen.
		writeJSON(w, all[:shown.Load()])
	})
	clock := newFakeClock()
	task := startTask(t, map[string]string{
		httpsource.URLConfig:           api.URL + "/items?after={{.offset.key}}",
		httpsource.OffsetPointerConfig: "key=/id",
		httpsource.TimerIntervalConfig: "1000",
	}, nil, httpsource.WithClock(clock))

	recs, err := task.Poll(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []any{"1", "2"}, keys(recs))
	assert.Equal(t, "", mustQuery(t, api.last(t).URL).Get("after"))

	// Not yet acknowledged: the next request still starts from the stored
	// position, but the records are not returned twice.
	again, err := pollUntil(t, task, 5)
	require.NoError(t, err)
	assert.Empty(t, again)

	ack(t, task, recs)
	shown.Store(3)
	recs3, err := pollUntil(t, task, 5)
	require.NoError(t, err)
	assert.Equal(t, []any{"3"}, keys(recs3))
	assert.Equal(t, "2", mustQuery(t, api.last(t).URL).Get("after"), "the cursor moved at the acknowledgement")
	assert.Equal(t, map[string]any{"key": "3"}, castormOffset(recs3[0].SourceOffset))
	assert.Equal(t, map[string]any{}, recs3[0].SourcePartition, "castorm's one source partition")
}

func TestOutOfOrderAcknowledgements(t *testing.T) {
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, []any{item(1, "x"), item(2, "x"), item(3, "x")})
	})
	clock := newFakeClock()
	task := startTask(t, map[string]string{
		httpsource.URLConfig:           api.URL + "/items?after={{.offset.key}}",
		httpsource.OffsetPointerConfig: "key=/id",
		httpsource.TimerIntervalConfig: "1000",
	}, nil, httpsource.WithClock(clock))
	recs, err := task.Poll(context.Background())
	require.NoError(t, err)
	require.Len(t, recs, 3)
	ack(t, task, recs[1:2]) // 2 before 1: the cursor may not pass 1
	_, err = pollUntil(t, task, 5)
	require.NoError(t, err)
	assert.Equal(t, "", mustQuery(t, api.last(t).URL).Get("after"))
	ack(t, task, recs[0:1])
	_, err = pollUntil(t, task, 5)
	require.NoError(t, err)
	assert.Equal(t, "2", mustQuery(t, api.last(t).URL).Get("after"))
}

func TestDeduplication(t *testing.T) {
	cases := []struct {
		name     string
		pointers string
		stored   map[string]any
		list     []any
		want     []any
	}{
		{
			name:     "no timestamp: the records after the stored one",
			pointers: "key=/id",
			stored:   map[string]any{"key": "2"},
			list:     []any{item(1, ""), item(2, ""), item(3, ""), item(4, "")},
			want:     []any{"3", "4"},
		},
		{
			name:     "no timestamp, stored record gone: all",
			pointers: "key=/id",
			stored:   map[string]any{"key": "0"},
			list:     []any{item(3, ""), item(4, "")},
			want:     []any{"3", "4"},
		},
		{
			name:     "timestamp: later ones, and equal ones after the stored record",
			pointers: "key=/id, timestamp=/updated",
			stored:   map[string]any{"key": "2", "timestamp": "2024-01-01T00:00:02Z"},
			list: []any{item(1, "2024-01-01T00:00:01Z"), item(2, "2024-01-01T00:00:02Z"), item(5, "2024-01-01T00:00:02Z"),
				item(3, "2024-01-01T00:00:03Z")},
			want: []any{"5", "3"},
		},
		{
			name:     "timestamp, stored record gone: equal timestamps are kept (castorm lost them)",
			pointers: "key=/id, timestamp=/updated",
			stored:   map[string]any{"key": "9", "timestamp": "2024-01-01T00:00:02Z"},
			list:     []any{item(1, "2024-01-01T00:00:01Z"), item(5, "2024-01-01T00:00:02Z"), item(3, "2024-01-01T00:00:03Z")},
			want:     []any{"5", "3"},
		},
		{
			name:     "descending list is reversed (IMPLICIT)",
			pointers: "key=/id, timestamp=/updated",
			stored:   map[string]any{"key": "1", "timestamp": "2024-01-01T00:00:01Z"},
			list:     []any{item(3, "2024-01-01T00:00:03Z"), item(2, "2024-01-01T00:00:02Z"), item(1, "2024-01-01T00:00:01Z")},
			want:     []any{"2", "3"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, tc.list) })
			task := startTask(t, map[string]string{
				httpsource.URLConfig:           api.URL,
				httpsource.OffsetPointerConfig: tc.pointers,
			}, map[string]map[string]any{"{}": tc.stored})
			recs, err := task.Poll(context.Background())
			require.NoError(t, err)
			assert.Equal(t, tc.want, keys(recs))
		})
	}
}

// Without any key pointer the key is castorm's: a name-based UUID of the
// value, and the same record is still recognised.
func TestKeyFromValueAndSeenRecords(t *testing.T) {
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, []any{"hello"})
	})
	clock := newFakeClock()
	task := startTask(t, map[string]string{httpsource.URLConfig: api.URL, httpsource.TimerIntervalConfig: "10"}, nil, httpsource.WithClock(clock))
	recs, err := task.Poll(context.Background())
	require.NoError(t, err)
	require.Len(t, recs, 1)
	// Java: UUID.nameUUIDFromBytes("hello".getBytes())
	assert.Equal(t, "5d41402a-bc4b-3a76-b971-9d911017c592", recs[0].Key)
	again, err := pollUntil(t, task, 3)
	require.NoError(t, err)
	assert.Empty(t, again)
	assert.GreaterOrEqual(t, len(api.received()), 2)
}

func TestJSONValuesAndMappers(t *testing.T) {
	body := `{"data":{"items":[{"id":7,"when":"1700000000000","doc":{"n":1.5,"big":12345678901,"list":[1,"x",null],"ok":true}}]}}`
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) })
	base := map[string]string{
		httpsource.URLConfig:           api.URL,
		httpsource.ListPointerConfig:   "/data/items",
		httpsource.RecordPointerConfig: "/doc",
		httpsource.OffsetPointerConfig: "key=/id, timestamp=/when",
	}
	with := func(k, v string) map[string]string {
		m := map[string]string{k: v}
		for k, v := range base {
			m[k] = v
		}
		return m
	}
	ts := time.UnixMilli(1700000000000).UTC()

	recs, err := startTask(t, with(httpsource.RecordMapperConfig, httpsource.JSONMapper), nil).Poll(context.Background())
	require.NoError(t, err)
	require.Len(t, recs, 1)
	r := recs[0]
	assert.Nil(t, r.ValueSchema)
	assert.Equal(t, json.RawMessage(`{"n":1.5,"big":12345678901,"list":[1,"x",null],"ok":true}`), r.Value,
		"JSON as JSON, not an escaped string (castorm issue 19), passed through as the API wrote it")
	assert.Equal(t, "7", r.Key)
	assert.Equal(t, ts, r.Timestamp.UTC())
	assert.Equal(t, "events", r.Topic)
	assert.Equal(t, map[string]any{"key": "7", "timestamp": "2023-11-14T22:13:20Z"}, castormOffset(r.SourceOffset))

	recs, err = startTask(t, with(httpsource.RecordMapperConfig, httpsource.StringMapper), nil).Poll(context.Background())
	require.NoError(t, err)
	assert.Equal(t, `{"n":1.5,"big":12345678901,"list":[1,"x",null],"ok":true}`, recs[0].Value, "the API's field order, as castorm's Jackson wrote it")
	assert.Equal(t, connect.StringSchema, recs[0].ValueSchema)

	recs, err = startTask(t, with(httpsource.RecordMapperConfig, "SchemedKvSourceRecordMapper"), nil).Poll(context.Background())
	require.NoError(t, err)
	v := recs[0].Value.(*connect.Struct)
	assert.Equal(t, "com.github.castorm.kafka.connect.http.Value", recs[0].ValueSchema.Name)
	assert.Equal(t, "7", v.Get("key"))
	assert.Equal(t, ts.UnixMilli(), v.Get("timestamp"))
	assert.NoError(t, v.Validate())
}

// pagedAPI serves items 1..n in pages of size, linking each page to the
// next by URL in the body. Like most APIs with a cursor, it lists only the
// items after the one named by the after parameter, when given.
func pagedAPI(t *testing.T, n, size int, fail func(page int) int) *apiServer {
	return newAPI(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		p, _ := strconv.Atoi(q.Get("page"))
		p = max(p, 1)
		after, _ := strconv.Atoi(q.Get("after"))
		if fail != nil {
			if code := fail(p); code != 0 {
				w.Header().Set("Retry-After", "7")
				w.WriteHeader(code)
				return
			}
		}
		items := []any{}
		first := after + (p-1)*size + 1
		for i := first; i < first+size && i <= n; i++ {
			items = append(items, item(i, ""))
		}
		resp := map[string]any{"items": items}
		if first+size <= n {
			resp["next"] = "/items?page=" + strconv.Itoa(p+1)
			if after > 0 {
				resp["next"] = fmt.Sprintf("/items?after=%d&page=%d", after, p+1)
			}
		}
		writeJSON(w, resp)
	})
}

func pagedConfig(api *apiServer) map[string]string {
	return map[string]string{
		httpsource.URLConfig:             api.URL + "/items",
		httpsource.ListPointerConfig:     "/items",
		httpsource.OffsetPointerConfig:   "key=/id",
		httpsource.NextPagePointerConfig: "/next",
		httpsource.TimerIntervalConfig:   "5000",
		httpsource.RecordMapperConfig:    httpsource.JSONMapper,
	}
}

func TestPaginationByURL(t *testing.T) {
	api := pagedAPI(t, 7, 3, nil)
	clock := newFakeClock()
	task := startTask(t, pagedConfig(api), nil, httpsource.WithClock(clock))
	var got []any
	var offsets []map[string]any
	for range 3 {
		recs, err := task.Poll(context.Background())
		require.NoError(t, err)
		got = append(got, keys(recs)...)
		for _, r := range recs {
			offsets = append(offsets, castormOffset(r.SourceOffset))
		}
		ack(t, task, recs)
	}
	assert.Equal(t, []any{"1", "2", "3", "4", "5", "6", "7"}, got)
	assert.Zero(t, clock.slept(), "pages follow each other without waiting")
	next2 := api.URL + "/items?page=2"
	next3 := api.URL + "/items?page=3"
	assert.Equal(t, []map[string]any{
		{"key": "1"}, {"key": "2"}, {"key": "3", "page.url": next2},
		{"key": "4", "page.url": next2}, {"key": "5", "page.url": next2}, {"key": "6", "page.url": next3},
		{"key": "7"},
	}, offsets, "the offset says which page to resume from")

	// The walk is over: the next poll waits the interval, then starts again
	// from the URL template, and finds nothing new on page 1.
	recs, err := pollUntil(t, task, 20)
	require.NoError(t, err)
	assert.Empty(t, recs)
	assert.Equal(t, "/items", api.received()[3].URL)
}

// castorm's pull request 90 kept the page outside the offset, so a restart
// began the walk again. Here the offset holds the page.
func TestPaginationResumesMidWalk(t *testing.T) {
	api := pagedAPI(t, 7, 3, nil)
	stored := map[string]map[string]any{"{}": {"key": "4", "page.url": api.URL + "/items?page=2"}}
	task := startTask(t, pagedConfig(api), stored)
	recs, err := task.Poll(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []any{"5", "6"}, keys(recs))
	assert.Equal(t, "/items?page=2", api.last(t).URL)
}

// A walk's pages are fetched ahead of Poll, at most two, and a page that
// fails mid-walk is asked for again when Poll retries, without repeating or
// skipping a record.
func TestWalkFetchesAheadAndResumesAfterAFailedPage(t *testing.T) {
	var page4 atomic.Int32
	api := pagedAPI(t, 10, 1, func(p int) int {
		if p == 4 && page4.Add(1) == 1 {
			return http.StatusServiceUnavailable
		}
		return 0
	})
	task := startTask(t, pagedConfig(api), nil, httpsource.WithClock(newFakeClock()))
	pages := func() int { return len(api.received()) }

	recs, err := task.Poll(context.Background())
	require.NoError(t, err)
	got := keys(recs)
	require.Eventually(t, func() bool { return pages() == 3 }, 5*time.Second, time.Millisecond,
		"pages 2 and 3 are fetched before Poll asks for them")
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, 3, pages(), "no more than two pages ahead")

	more, errs := pollRetrying(t, task, 9)
	got = append(got, more...)
	assert.Equal(t, []any{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}, got)
	assert.Len(t, errs, 1, "the 503 of page 4 is retried once")
	assert.Equal(t, int32(2), page4.Load())
}

// pollRetrying polls until n records came, as the runtime does: a
// retriable error is noted and Poll called again (the fake clock skips the
// backoff). It returns the records' keys and the errors.
func pollRetrying(t *testing.T, task *httpsource.Task, n int) (got []any, errs []error) {
	t.Helper()
	for len(got) < n && len(errs) < 5 {
		recs, err := task.Poll(context.Background())
		if err != nil {
			var re *connect.RetriableError
			require.ErrorAs(t, err, &re)
			errs = append(errs, err)
			continue
		}
		got = append(got, keys(recs)...)
	}
	return got, errs
}

// A page whose link to the next is read before one of its elements turns
// out malformed: the request already sent for the next page is dropped,
// Poll retries the page, and the walk goes on from it.
func TestWalkRetriesAPageMalformedAfterItsLink(t *testing.T) {
	var page2 atomic.Int32
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
		p, _ := strconv.Atoi(r.URL.Query().Get("page"))
		p = max(p, 1)
		el := item(p, "")
		if p == 2 && page2.Add(1) == 1 {
			el = map[string]any{"name": "no id"}
		}
		resp := map[string]any{"items": []any{el}}
		if p < 4 {
			resp["next"] = "/items?page=" + strconv.Itoa(p+1)
		}
		writeJSON(w, resp)
	})
	task := startTask(t, pagedConfig(api), nil, httpsource.WithClock(newFakeClock()))
	got, errs := pollRetrying(t, task, 4)
	assert.Equal(t, []any{"1", "2", "3", "4"}, got)
	require.Len(t, errs, 1)
	assert.ErrorContains(t, errs[0], "key=/id not found")
	assert.Equal(t, int32(2), page2.Load(), "page 2 is asked for again")
}

// A long list is read by two goroutines: the records keep the list's
// order, a bad element is skipped or named by its index in the list
// whichever half it is in.
func TestLongListsKeepTheirOrder(t *testing.T) {
	const n = 600
	bad := map[int]bool{5: true, 400: true}
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
		items := make([]any, n)
		for i := range items {
			items[i] = item(i+1, "")
			if bad[i] {
				items[i] = map[string]any{"name": "no id"}
			}
		}
		writeJSON(w, map[string]any{"items": items})
	})
	cfg := map[string]string{
		httpsource.URLConfig:           api.URL + "/items",
		httpsource.ListPointerConfig:   "/items",
		httpsource.OffsetPointerConfig: "key=/id",
	}
	t.Run("errors.tolerance=all", func(t *testing.T) {
		cfg := maps.Clone(cfg)
		cfg["errors.tolerance"] = "all"
		recs, err := startTask(t, cfg, nil).Poll(context.Background())
		require.NoError(t, err)
		var want []any
		for i := range n {
			if !bad[i] {
				want = append(want, strconv.Itoa(i+1))
			}
		}
		assert.Equal(t, want, keys(recs))
	})
	t.Run("errors.tolerance=none", func(t *testing.T) {
		_, err := startTask(t, cfg, nil).Poll(context.Background())
		assert.ErrorContains(t, err, "list element 5:")
	})
}

func TestPaginationByCursorAndLinkHeader(t *testing.T) {
	t.Run("cursor", func(t *testing.T) {
		api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Query().Get("cursor") {
			case "":
				writeJSON(w, map[string]any{"items": []any{item(1, "")}, "meta": map[string]any{"next": "c2"}})
			case "c2":
				writeJSON(w, map[string]any{"items": []any{item(2, "")}, "meta": map[string]any{"next": nil}})
			}
		})
		task := startTask(t, map[string]string{
			httpsource.URLConfig:               api.URL + "/items",
			httpsource.ParamsConfig:            "cursor={{.offset.page}}",
			httpsource.ListPointerConfig:       "/items",
			httpsource.OffsetPointerConfig:     "key=/id",
			httpsource.NextCursorPointerConfig: "/meta/next",
		}, nil)
		r1, err := task.Poll(context.Background())
		require.NoError(t, err)
		assert.Equal(t, map[string]any{"key": "1", "page": "c2"}, castormOffset(r1[0].SourceOffset))
		r2, err := task.Poll(context.Background())
		require.NoError(t, err)
		assert.Equal(t, map[string]any{"key": "2"}, castormOffset(r2[0].SourceOffset))
		assert.Equal(t, "c2", mustQuery(t, api.last(t).URL).Get("cursor"))
	})
	t.Run("link", func(t *testing.T) {
		api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("page") == "" {
				w.Header().Add("Link", `<`+"http://"+r.Host+`/items?page=1>; rel="first", <`+"http://"+r.Host+`/items?page=2>; rel="next"`)
				writeJSON(w, []any{item(1, "")})
				return
			}
			writeJSON(w, []any{item(2, "")})
		})
		task := startTask(t, map[string]string{
			httpsource.URLConfig:           api.URL + "/items",
			httpsource.OffsetPointerConfig: "key=/id",
			httpsource.NextPageLinkConfig:  "true",
		}, nil)
		r1, err := task.Poll(context.Background())
		require.NoError(t, err)
		r2, err := task.Poll(context.Background())
		require.NoError(t, err)
		assert.Equal(t, []any{"1", "2"}, append(keys(r1), keys(r2)...))
		assert.Equal(t, "/items?page=2", api.last(t).URL)
	})
}

func TestThrottlingAndServerErrorsAreRetried(t *testing.T) {
	var calls atomic.Int32
	codes := []int{429, 503, 500, 0}
	api := pagedAPI(t, 2, 5, func(int) int {
		return codes[min(int(calls.Add(1))-1, len(codes)-1)]
	})
	clock := newFakeClock()
	task := startTask(t, pagedConfig(api), nil, httpsource.WithClock(clock))

	var backoffs []time.Duration
	var recs []connect.SourceRecord
	for range 100 {
		r, err := task.Poll(context.Background())
		if err != nil {
			var re *connect.RetriableError
			require.ErrorAs(t, err, &re, "retried, not fatal: %v", err)
			backoffs = append(backoffs, re.Backoff)
			assert.NotContains(t, err.Error(), "page=", "no query string in errors")
			continue
		}
		if len(r) > 0 {
			recs = r
			break
		}
	}
	assert.Equal(t, []any{"1", "2"}, keys(recs))
	assert.Equal(t, []time.Duration{7 * time.Second, 7 * time.Second, 7 * time.Second}, backoffs, "Retry-After wins over the shorter backoff")
	assert.Equal(t, 21*time.Second, clock.slept(), "Poll waits out the backoff even if the runtime calls it early")
}

func TestBackoffGrows(t *testing.T) {
	var calls atomic.Int32
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 4 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		writeJSON(w, []any{item(1, "")})
	})
	clock := newFakeClock()
	task := startTask(t, map[string]string{
		httpsource.URLConfig:             api.URL,
		httpsource.RetryBackoffConfig:    "1000",
		httpsource.RetryBackoffMaxConfig: "5000",
	}, nil, httpsource.WithClock(clock))
	var backoffs []time.Duration
	for range 30 {
		recs, err := task.Poll(context.Background())
		var re *connect.RetriableError
		if errors.As(err, &re) {
			backoffs = append(backoffs, re.Backoff)
		} else if len(recs) > 0 {
			break
		}
	}
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second}, backoffs)
}

func TestMalformedResponses(t *testing.T) {
	cases := []struct {
		name, body, list string
		want             string
	}{
		{name: "not JSON", body: `[{"id": 1`, list: "/", want: "body is not JSON"},
		{name: "list pointer missing", body: `{"data": []}`, list: "/items", want: "http.response.list.pointer /items not found"},
		{name: "offset pointer missing", body: `[{"name": "x"}]`, list: "/", want: "key=/id not found"},
		{name: "bad timestamp", body: `[{"id": 1, "updated": "yesterday"}]`, list: "/", want: `timestamp "yesterday" does not match pattern`},
	}
	for _, tc := range cases {
		for _, tolerance := range []string{"none", "all"} {
			t.Run(tc.name+"/"+tolerance, func(t *testing.T) {
				var good atomic.Bool
				api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
					switch {
					case !good.Load():
						_, _ = w.Write([]byte(tc.body))
					case tc.list == "/":
						writeJSON(w, []any{item(5, "2024-01-01T00:00:00Z")})
					default:
						writeJSON(w, map[string]any{"items": []any{item(5, "2024-01-01T00:00:00Z")}})
					}
				})
				clock := newFakeClock()
				task := startTask(t, map[string]string{
					httpsource.URLConfig:           api.URL + "/items?after={{.offset.key}}",
					httpsource.ListPointerConfig:   tc.list,
					httpsource.OffsetPointerConfig: "key=/id, timestamp=/updated",
					httpsource.OffsetInitialConfig: "key=4, timestamp=2020-01-01T00:00:00Z",
					httpsource.TimerIntervalConfig: "1000",
					"errors.tolerance":             tolerance,
				}, nil, httpsource.WithClock(clock))
				recs, err := task.Poll(context.Background())
				assert.Empty(t, recs)
				if tolerance == "none" {
					require.Error(t, err)
					assert.True(t, connect.IsRetriable(err), "retried with backoff: %v", err)
					assert.Contains(t, err.Error(), tc.want)
				} else {
					assert.NoError(t, err, "logged and skipped")
				}
				// The offset did not move: the next request starts where
				// the bad one did, and gets the record.
				good.Store(true)
				recs, err = pollUntil(t, task, 20)
				require.NoError(t, err)
				assert.Equal(t, []any{"5"}, keys(recs))
				assert.Equal(t, "4", mustQuery(t, api.last(t).URL).Get("after"))
			})
		}
	}
}

func TestOtherStatusCodes(t *testing.T) {
	var code atomic.Int32
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(code.Load()))
		_, _ = w.Write([]byte(`{"error":"no such thing"}`))
	})
	for _, tc := range []struct {
		code      int
		tolerance string
		fatal     bool
	}{
		{404, "none", true},
		{401, "none", true},
		{404, "all", false},
		{304, "none", false}, // codes.skip
	} {
		t.Run(fmt.Sprint(tc.code, tc.tolerance), func(t *testing.T) {
			code.Store(int32(tc.code))
			task := startTask(t, map[string]string{httpsource.URLConfig: api.URL + "/x?api_key=secret", "errors.tolerance": tc.tolerance}, nil)
			recs, err := task.Poll(context.Background())
			assert.Empty(t, recs)
			if !tc.fatal {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.False(t, connect.IsRetriable(err))
			assert.Contains(t, err.Error(), strconv.Itoa(tc.code))
			assert.Contains(t, err.Error(), "no such thing")
			assert.NotContains(t, err.Error(), "secret")
		})
	}
}

func TestAuthentication(t *testing.T) {
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, []any{}) })
	task := startTask(t, map[string]string{
		httpsource.URLConfig:          api.URL,
		httpsource.AuthTypeConfig:     "Basic",
		httpsource.AuthUserConfig:     "alice",
		httpsource.AuthPasswordConfig: "s3cret",
	}, nil)
	_, err := task.Poll(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "Basic YWxpY2U6czNjcmV0", api.last(t).Header.Get("Authorization"))

	task = startTask(t, map[string]string{
		httpsource.URLConfig:       api.URL,
		httpsource.AuthTypeConfig:  "bearer",
		httpsource.AuthTokenConfig: "tok-123",
	}, nil)
	_, err = task.Poll(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "Bearer tok-123", api.last(t).Header.Get("Authorization"))
}

func TestReadTimeout(t *testing.T) {
	release := make(chan struct{})
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		_, _ = w.Write([]byte("["))
		w.(http.Flusher).Flush()
		<-release
	})
	t.Cleanup(func() { close(release) })
	task := startTask(t, map[string]string{httpsource.URLConfig: api.URL, httpsource.ReadTimeoutConfig: "50"}, nil)
	_, err := task.Poll(context.Background())
	require.Error(t, err)
	assert.True(t, connect.IsRetriable(err), "%v", err)
}

func TestSeveralURLs(t *testing.T) {
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, []any{map[string]any{"id": r.URL.Path}})
	})
	urls := api.URL + "/a," + api.URL + "/b"
	clock := newFakeClock()
	task := startTask(t, map[string]string{
		httpsource.URLsConfig:          urls,
		httpsource.OffsetPointerConfig: "key=/id",
	}, map[string]map[string]any{
		partitionKey(map[string]any{"url": api.URL + "/b"}): {"key": "/b"}, // already seen
	}, httpsource.WithClock(clock))
	r1, err := task.Poll(context.Background())
	require.NoError(t, err)
	r2, err := task.Poll(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []any{"/a"}, keys(append(r1, r2...)))
	assert.Equal(t, map[string]any{"url": api.URL + "/a"}, r1[0].SourcePartition)
	assert.Len(t, api.received(), 2)
}

// A runtime may hand CommitRecord a copy of the record Poll returned.
func TestAcknowledgementOfACopy(t *testing.T) {
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, []any{item(1, "2024-01-01T00:00:01Z"), item(2, "2024-01-01T00:00:02Z")})
	})
	clock := newFakeClock()
	task := startTask(t, map[string]string{
		httpsource.URLConfig:           api.URL + "/items?after={{.offset.key}}",
		httpsource.OffsetPointerConfig: "key=/id, timestamp=/updated",
		httpsource.TimerIntervalConfig: "1000",
	}, nil, httpsource.WithClock(clock))
	recs, err := task.Poll(context.Background())
	require.NoError(t, err)
	require.Len(t, recs, 2)
	copies := make([]connect.SourceRecord, len(recs))
	for i, r := range recs {
		r.SourceOffset = map[string]any{}
		for k, v := range recs[i].SourceOffset {
			r.SourceOffset[k] = v
		}
		copies[i] = r
	}
	ack(t, task, copies)
	_, err = pollUntil(t, task, 50) // the adaptable timer catches up: 30 s
	require.NoError(t, err)
	assert.Equal(t, "2", mustQuery(t, api.last(t).URL).Get("after"))
}

func TestAdaptableTimer(t *testing.T) {
	for _, tc := range []struct {
		timer string
		want  []time.Duration
	}{
		// Catching up while the offset's timestamp moves and lags behind
		// now; the interval once it stops moving.
		{timer: "AdaptableIntervalTimer", want: []time.Duration{5 * time.Second, 60 * time.Second}},
		{timer: httpsource.FixedTimer, want: []time.Duration{60 * time.Second, 60 * time.Second}},
	} {
		t.Run(tc.timer, func(t *testing.T) {
			api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, []any{item(1, "2020-01-01T00:00:00Z")})
			})
			clock := newFakeClock()
			task := startTask(t, map[string]string{
				httpsource.URLConfig:                  api.URL,
				httpsource.OffsetPointerConfig:        "key=/id, timestamp=/updated",
				httpsource.TimerConfig:                tc.timer,
				httpsource.TimerIntervalConfig:        "60000",
				httpsource.TimerCatchupIntervalConfig: "5000",
			}, nil, httpsource.WithClock(clock))
			var waits []time.Duration
			for range 3 {
				before := len(api.received())
				for len(api.received()) == before {
					_, err := task.Poll(context.Background())
					require.NoError(t, err)
				}
				waits = append(waits, clock.slept())
			}
			assert.Equal(t, append([]time.Duration{0}, tc.want...), waits, "waits before each request")
		})
	}
}

// TestJSONMapperReadsTheTextAsDecodingWould checks that the JsonRecordMapper,
// which follows pointers through the response's text without decoding it,
// finds the same keys, offsets and timestamps as the StringKvSourceRecordMapper,
// which decodes, and that its values are the same JSON.
func TestJSONMapperReadsTheTextAsDecodingWould(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		config     map[string]string
		values     []string // the JsonRecordMapper's values, as written
		noTS       bool     // records are stamped with the time of the poll
	}{
		{
			name: "indented, with escapes and odd numbers",
			body: "{\n  \"data\": {\"items\": [\n    {\"id\": 1.0, \"t\": \"2024-01-01T00:00:01Z\", \"v\": {\"a\": [1, \"x y\"]}},\n" +
				"    {\"id\": \"a\\\"b\", \"t\": \"2024-01-01T00:00:02.500Z\", \"v\": \"\\u00e9\"},\n" +
				"    {\"id\": -0, \"t\": \"2024-01-01T00:00:03Z\", \"v\": 1e2},\n" +
				"    {\"id\": 1234567890123456789, \"t\": \"2024-01-01T00:00:04Z\", \"v\": null},\n" +
				"    {\"id\": {\"b\": 2, \"a\": [true]}, \"t\": \"2024-01-01T00:00:05Z\", \"v\": false}\n  ]}\n}\n",
			config: map[string]string{httpsource.ListPointerConfig: "/data/items", httpsource.RecordPointerConfig: "/v",
				httpsource.OffsetPointerConfig: "key=/id, timestamp=/t"},
			values: []string{`{"a":[1,"x y"]}`, `"\u00e9"`, `1e2`, ``, `false`},
		},
		{
			name: "escaped and repeated keys, array indexes, key pointers",
			body: `{"a/b":{"x~y":[{"k":[0,"first"],"k":[0,"second"],"ts":1700000000000,"n":"1"},{"k":[0,7],"ts":1700000001000,"n":"2"}]}}`,
			config: map[string]string{httpsource.ListPointerConfig: "/a~1b/x~0y", httpsource.KeyPointerConfig: "/k/1, /n",
				httpsource.TimestampPointerConfig: "/ts"},
			values: []string{`{"k":[0,"first"],"k":[0,"second"],"ts":1700000000000,"n":"1"}`, `{"k":[0,7],"ts":1700000001000,"n":"2"}`},
		},
		{
			name:   "a single object for a list, no key: the value's UUID",
			body:   `{"item":{"z":1,"a":"q"}}`,
			config: map[string]string{httpsource.ListPointerConfig: "/item"},
			values: []string{`{"z":1,"a":"q"}`},
			noTS:   true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newAPI(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(tc.body)) })
			cfg := map[string]string{httpsource.URLConfig: api.URL}
			for k, v := range tc.config {
				cfg[k] = v
			}
			raw, err := startTask(t, cfg, nil).Poll(context.Background())
			require.NoError(t, err)
			cfg[httpsource.RecordMapperConfig] = httpsource.StringMapper
			decoded, err := startTask(t, cfg, nil).Poll(context.Background())
			require.NoError(t, err)
			require.Len(t, raw, len(tc.values))
			require.Len(t, decoded, len(tc.values))
			for i := range raw {
				assert.Equal(t, castormOffset(decoded[i].SourceOffset), castormOffset(raw[i].SourceOffset), "record %d", i)
				assert.Equal(t, decoded[i].Key, raw[i].Key, "record %d", i)
				if !tc.noTS {
					assert.Equal(t, decoded[i].Timestamp, raw[i].Timestamp, "record %d", i)
				}
				if tc.values[i] == "" {
					assert.Nil(t, raw[i].Value, "record %d: a JSON null is a Kafka null", i)
					continue
				}
				assert.Equal(t, json.RawMessage(tc.values[i]), raw[i].Value, "record %d", i)
				if c := tc.values[i][0]; c == '{' || c == '[' { // the string mapper's text is JSON
					assert.JSONEq(t, decoded[i].Value.(string), tc.values[i], "record %d", i)
				}
			}
		})
	}
}

func TestJSONMapperKeepsIntegersBeyondInt64(t *testing.T) {
	body := `{"items":[{"id":12345678901234567890,"n":1.50}]}`
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) })
	recs, err := startTask(t, map[string]string{httpsource.URLConfig: api.URL, httpsource.ListPointerConfig: "/items",
		httpsource.OffsetPointerConfig: "key=/id"}, nil).Poll(context.Background())
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, "12345678901234567890", recs[0].Key)
	assert.Equal(t, json.RawMessage(`{"id":12345678901234567890,"n":1.50}`), recs[0].Value, "passed through, digits and all")
}

func TestResponseBodyLimit(t *testing.T) {
	big := `[` + strings.Repeat(`{"id":"xxxxxxxxxxxxxxxx"},`, 100) + `{"id":"last"}]`
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("chunked") == "" {
			w.Header().Set("Content-Length", strconv.Itoa(len(big)))
		}
		w.WriteHeader(200)
		for i := 0; i < len(big); i += 100 { // several reads
			_, _ = w.Write([]byte(big[i:min(i+100, len(big))]))
			w.(http.Flusher).Flush()
		}
	})
	for _, tc := range []struct {
		name, query, tolerance, limit string
		fails                         bool
	}{
		{"announced length", "?api_key=secret", "none", "1000", true},
		{"chunked", "?chunked=1&api_key=secret", "none", "1000", true},
		{"tolerated", "?chunked=1", "all", "1000", false},
		{"at the limit", "?chunked=1", "none", strconv.Itoa(len(big)), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			task := startTask(t, map[string]string{httpsource.URLConfig: api.URL + "/items" + tc.query,
				httpsource.MaxResponseBytesConfig: tc.limit, "errors.tolerance": tc.tolerance,
				httpsource.OffsetPointerConfig: "key=/id"}, nil)
			recs, err := task.Poll(context.Background())
			if !tc.fails {
				require.NoError(t, err)
				if tc.tolerance == "none" {
					assert.Len(t, recs, 101)
				} else {
					assert.Empty(t, recs)
				}
				return
			}
			require.Error(t, err)
			var tooLarge *httpsource.BodyTooLargeError
			require.ErrorAs(t, err, &tooLarge)
			assert.False(t, connect.IsRetriable(err))
			assert.Contains(t, err.Error(), api.URL+"/items")
			assert.Contains(t, err.Error(), "http.response.max.bytes=1000")
			assert.NotContains(t, err.Error(), "secret")
		})
	}
}
