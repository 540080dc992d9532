package httpsource_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/source"
	"github.com/connectkit/connectkit/source/httpsource"
)

// runSource runs the connector through the real source runtime against
// cluster until stop is called, with offsets in store. The returned stop
// waits for Run and returns its error.
func runSource(t *testing.T, cluster *connectortest.Cluster, store source.OffsetStore, config map[string]string) (rt *source.Runtime, stop func() error) {
	t.Helper()
	cfg := map[string]string{
		"name":                           "http-rt",
		httpsource.TopicConfig:           "api",
		"key.converter":                  "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":                "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable": "false",
		httpsource.TimerIntervalConfig:   "100",
		httpsource.RetryBackoffConfig:    "20",
		httpsource.RecordMapperConfig:    httpsource.JSONMapper, // as in startTask
	}
	for k, v := range config {
		cfg[k] = v
	}
	cfg[httpsource.TimerIntervalConfig] = "100"
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	rt, err := source.New(httpsource.NewConnector(httpsource.WithLogger(log)), cfg,
		source.WithWorkerConfig(map[string]string{"bootstrap.servers": cluster.BootstrapServers(), "offset.flush.interval.ms": "50"}),
		source.WithOffsetStore(store), source.WithLogger(log))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	var once atomic.Bool
	var result error
	stop = func() error {
		if once.CompareAndSwap(false, true) {
			cancel()
			result = <-done
		}
		return result
	}
	t.Cleanup(func() { _ = stop() })
	return rt, stop
}

func storedOffset(t *testing.T, store source.OffsetStore, partition map[string]any) map[string]any {
	t.Helper()
	offs, err := store.Offsets(context.Background(), "http-rt", []map[string]any{partition})
	require.NoError(t, err)
	return offs[0]
}

func recordKeys(recs []connectortest.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = string(r.Key)
	}
	return out
}

func seq(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return out
}

func TestRuntimePaginatedAPI(t *testing.T) {
	api := pagedAPI(t, 7, 3, nil)
	cluster := connectortest.NewCluster(t)
	cluster.CreateTopic(t, "api", 1)
	store := source.NewMemoryOffsetStore()
	rt, stop := runSource(t, cluster, store, pagedConfig(api))
	cluster.WaitFor(t, 20*time.Second, func() bool { return len(cluster.ReadAll(t, "api")) >= 7 }, "7 records")
	// Let the timer fire again: nothing new, nothing repeated.
	cluster.WaitFor(t, 20*time.Second, func() bool { return len(api.received()) >= 5 }, "a poll after the walk")
	assert.Equal(t, connect.StateRunning, rt.Status().Tasks[0].State)
	require.NoError(t, stop())

	recs := cluster.ReadAll(t, "api")
	assert.Equal(t, seq(1, 7), recordKeys(recs))
	var v map[string]any
	require.NoError(t, json.Unmarshal(recs[0].Value, &v), "plain JSON: %s", recs[0].Value)
	assert.Equal(t, map[string]any{"id": 1.0, "name": "item-1", "updated": "", "tags": []any{"a", "b"}}, v)
	assert.Equal(t, map[string]any{"key": "7"}, castormOffset(storedOffset(t, store, map[string]any{})))
}

// A 429 with Retry-After, then 5xx and malformed bodies: the task keeps
// running, retries, and produces every record once, and the offset never
// moves past a record that was not produced.
func TestRuntimeRetriesThrottlingErrorsAndMalformedBodies(t *testing.T) {
	var calls atomic.Int32
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 3:
			_, _ = w.Write([]byte(`{"items": [{"id": 1}, {"id": 2`))
		case 4:
			_, _ = w.Write([]byte(`{"items": [{"id": 1}, {"no_id": 2}]}`))
		default:
			writeJSON(w, map[string]any{"items": []any{item(1, ""), item(2, "")}})
		}
	})
	cluster := connectortest.NewCluster(t)
	cluster.CreateTopic(t, "api", 1)
	store := source.NewMemoryOffsetStore()
	rt, stop := runSource(t, cluster, store, map[string]string{
		httpsource.URLConfig:           api.URL,
		httpsource.ListPointerConfig:   "/items",
		httpsource.OffsetPointerConfig: "key=/id",
	})
	cluster.WaitFor(t, 20*time.Second, func() bool { return len(cluster.ReadAll(t, "api")) >= 2 }, "2 records")
	assert.Equal(t, connect.StateRunning, rt.Status().Tasks[0].State)
	require.NoError(t, stop())
	assert.Equal(t, []string{"1", "2"}, recordKeys(cluster.ReadAll(t, "api")))
	assert.Equal(t, map[string]any{"key": "2"}, castormOffset(storedOffset(t, store, map[string]any{})))
	assert.GreaterOrEqual(t, int(calls.Load()), 5)
}

// Under errors.tolerance=all a malformed element is logged and skipped,
// and the others are produced.
func TestRuntimeToleratesBadElements(t *testing.T) {
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"items": [{"id": 1}, {"no_id": 2}, {"id": 3}]}`))
	})
	cluster := connectortest.NewCluster(t)
	cluster.CreateTopic(t, "api", 1)
	store := source.NewMemoryOffsetStore()
	_, stop := runSource(t, cluster, store, map[string]string{
		httpsource.URLConfig:           api.URL,
		httpsource.ListPointerConfig:   "/items",
		httpsource.OffsetPointerConfig: "key=/id",
		"errors.tolerance":             "all",
	})
	cluster.WaitFor(t, 20*time.Second, func() bool { return len(cluster.ReadAll(t, "api")) >= 2 }, "2 records")
	cluster.WaitFor(t, 20*time.Second, func() bool { return len(api.received()) >= 3 }, "more polls")
	require.NoError(t, stop())
	assert.Equal(t, []string{"1", "3"}, recordKeys(cluster.ReadAll(t, "api")))
}

// A task stopped in the middle of a walk through pages, then started
// again, resumes at the page it was on, and every record with a stable id
// is in the topic once.
func TestRuntimeRestartMidWalkProducesNoDuplicates(t *testing.T) {
	const total, size = 30, 4
	var block atomic.Int32 // page at which the API hangs until released
	block.Store(4)
	release := make(chan struct{})
	api := pagedAPI(t, total, size, func(p int) int {
		if int(block.Load()) == p {
			<-release
		}
		return 0
	})
	t.Cleanup(func() { close(release) }) // before the server closes
	cluster := connectortest.NewCluster(t)
	cluster.CreateTopic(t, "api", 3) // keyed records spread over partitions: acks come out of order
	store := source.NewMemoryOffsetStore()
	cfg := pagedConfig(api)
	cfg[httpsource.URLConfig] = api.URL + "/items?after={{.offset.key}}"
	cfg[httpsource.ReadTimeoutConfig] = "100"

	_, stop := runSource(t, cluster, store, cfg)
	cluster.WaitFor(t, 20*time.Second, func() bool { return len(cluster.ReadAll(t, "api")) >= 12 }, "3 pages")
	require.NoError(t, stop())
	assert.Equal(t, map[string]any{"key": "12", "page.url": api.URL + "/items?page=4"}, castormOffset(storedOffset(t, store, map[string]any{})))
	before := len(api.received())

	block.Store(0)
	_, stop = runSource(t, cluster, store, cfg)
	cluster.WaitFor(t, 20*time.Second, func() bool { return len(cluster.ReadAll(t, "api")) >= total }, "all records")
	walked := len(api.received())
	cluster.WaitFor(t, 20*time.Second, func() bool { return len(api.received()) >= walked+2 }, "polls after the walk")
	require.NoError(t, stop())

	counts := map[string]int{}
	for _, r := range cluster.ReadAll(t, "api") {
		counts[string(r.Key)]++
	}
	for _, id := range seq(1, total) {
		assert.Equal(t, 1, counts[id], "record %s", id)
	}
	assert.Len(t, counts, total)
	assert.Equal(t, "/items?page=4", api.received()[before].URL, "the restarted task resumed at page 4")
	assert.Equal(t, "/items?after=30", api.last(t).URL, "then polls from the last record")
}

// tasks.max=2 with two URLs: two tasks, each polling its own URL, so every
// record is produced once (castorm's tasks all polled the one URL).
func TestRuntimeSharesURLsAmongTasks(t *testing.T) {
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, []any{map[string]any{"id": r.URL.Path}})
	})
	cluster := connectortest.NewCluster(t)
	cluster.CreateTopic(t, "api", 1)
	store := source.NewMemoryOffsetStore()
	rt, stop := runSource(t, cluster, store, map[string]string{
		httpsource.URLsConfig:          api.URL + "/a," + api.URL + "/b," + api.URL + "/c",
		httpsource.OffsetPointerConfig: "key=/id",
		"tasks.max":                    "2",
	})
	cluster.WaitFor(t, 20*time.Second, func() bool { return len(api.received()) >= 9 }, "each URL polled several times")
	assert.Len(t, rt.Status().Tasks, 2)
	require.NoError(t, stop())
	keys := recordKeys(cluster.ReadAll(t, "api"))
	assert.ElementsMatch(t, []string{"/a", "/b", "/c"}, keys)
	for _, p := range []string{"/a", "/b", "/c"} {
		assert.Equal(t, map[string]any{"key": p}, castormOffset(storedOffset(t, store, map[string]any{"url": api.URL + p})))
	}
}

// The duplicate check survives restarts with the offsets: an API that
// returns its list in another order at every request, and changes some
// entries between runs (a leaderboard's scores), gets each distinct
// version of an entry into the topic exactly once, across three runs of
// the runtime on one offsets file.
func TestRuntimeRestartsProduceEachVersionOnce(t *testing.T) {
	for _, tc := range []struct{ name, pointers string }{
		{"no timestamp", "key=/id"},
		{"timestamp", "key=/id, timestamp=/updated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			type entry struct {
				Score   int    `json:"score"`
				Updated string `json:"updated"`
			}
			var mu sync.Mutex
			entries := map[int]entry{}
			for id := 1; id <= 20; id++ {
				entries[id] = entry{Score: id * 10, Updated: "2024-01-01T00:00:00Z"}
			}
			shuffle := rand.New(rand.NewPCG(1, 2))
			api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				list := make([]any, 0, len(entries))
				for id, e := range entries {
					list = append(list, map[string]any{"id": id, "score": e.Score, "updated": e.Updated})
				}
				shuffle.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
				writeJSON(w, list)
			})
			cluster := connectortest.NewCluster(t)
			cluster.CreateTopic(t, "api", 1)
			path := filepath.Join(t.TempDir(), "offsets")
			cfg := map[string]string{httpsource.URLConfig: api.URL, httpsource.OffsetPointerConfig: tc.pointers,
				httpsource.TimerCatchupIntervalConfig: "100"}
			run := func(want int) {
				t.Helper()
				store, err := source.NewFileOffsetStore(path)
				require.NoError(t, err)
				_, stop := runSource(t, cluster, store, cfg)
				cluster.WaitFor(t, 20*time.Second, func() bool { return len(cluster.ReadAll(t, "api")) >= want }, "records")
				before := len(api.received())
				cluster.WaitFor(t, 20*time.Second, func() bool { return len(api.received()) >= before+3 }, "more polls")
				require.NoError(t, stop())
			}

			run(20)
			mu.Lock()
			for _, id := range []int{3, 7, 11} {
				entries[id] = entry{Score: entries[id].Score + 1, Updated: "2024-01-02T00:00:00Z"}
			}
			entries[21] = entry{Score: 5, Updated: "2024-01-02T00:00:00Z"}
			entries[22] = entry{Score: 6, Updated: "2024-01-02T00:00:00Z"}
			mu.Unlock()
			run(25)
			run(25) // nothing changed: nothing produced

			counts := map[string]int{}
			for _, r := range cluster.ReadAll(t, "api") {
				counts[string(r.Key)+" "+string(r.Value)]++
			}
			for version, n := range counts {
				assert.Equal(t, 1, n, "version %s", version)
			}
			assert.Len(t, counts, 25, "20 entries, 3 changes, 2 new entries")
			assert.Equal(t, 1, counts[`3 {"id":3,"score":31,"updated":"2024-01-02T00:00:00Z"}`], "the changed entry's new version")
		})
	}
}
