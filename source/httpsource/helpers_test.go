package httpsource_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/source/httpsource"
)

// fakeClock moves time by hand: Sleep advances it at once, and records how
// long it was asked to wait.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.sleeps = append(c.sleeps, d)
	return nil
}

func (c *fakeClock) slept() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var total time.Duration
	for _, d := range c.sleeps {
		total += d
	}
	c.sleeps = nil
	return total
}

// blockingClock never wakes up by itself: Sleep returns only when its
// context ends.
type blockingClock struct{ sleeping chan struct{} }

func (c blockingClock) Now() time.Time { return time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC) }

func (c blockingClock) Sleep(ctx context.Context, d time.Duration) error {
	c.sleeping <- struct{}{}
	<-ctx.Done()
	return ctx.Err()
}

// memContext is a SourceTaskContext over a map of stored offsets, keyed by
// the partition's JSON.
type memContext struct {
	config  map[string]string
	offsets map[string]map[string]any
}

func partitionKey(p map[string]any) string {
	b, _ := json.Marshal(p)
	return string(b)
}

func (m *memContext) Config() map[string]string { return m.config }

func (m *memContext) Offset(ctx context.Context, p map[string]any) (map[string]any, error) {
	return m.offsets[partitionKey(p)], nil
}

func (m *memContext) Offsets(ctx context.Context, ps []map[string]any) ([]map[string]any, error) {
	out := make([]map[string]any, len(ps))
	for i, p := range ps {
		out[i] = m.offsets[partitionKey(p)]
	}
	return out, nil
}

// request is what the test server received.
type request struct {
	Method string
	URL    string
	Header http.Header
	Body   string
}

// apiServer serves handler and records the requests.
type apiServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []request
}

func newAPI(t *testing.T, handler http.HandlerFunc) *apiServer {
	t.Helper()
	s := &apiServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.requests = append(s.requests, request{Method: r.Method, URL: r.URL.String(), Header: r.Header.Clone(), Body: string(body)})
		s.mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *apiServer) received() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.requests...)
}

func (s *apiServer) last(t *testing.T) request {
	t.Helper()
	r := s.received()
	require.NotEmpty(t, r, "no request received")
	return r[len(r)-1]
}

// startTask starts a task with config (name and kafka.topic filled in)
// and stored offsets.
func startTask(t *testing.T, config map[string]string, stored map[string]map[string]any, opts ...httpsource.Option) *httpsource.Task {
	t.Helper()
	cfg := map[string]string{"name": "http-test", httpsource.TopicConfig: "events",
		// Most tests are about polling, offsets and duplicates, and read
		// keys and values as the JSON mapper gives them; castorm's
		// default mapper has its own tests (castorm_test.go).
		httpsource.RecordMapperConfig: httpsource.JSONMapper}
	for k, v := range config {
		cfg[k] = v
	}
	opts = append([]httpsource.Option{httpsource.WithLogger(slog.New(slog.NewTextHandler(t.Output(), nil)))}, opts...)
	task := httpsource.NewTask(opts...)
	require.NoError(t, task.Start(context.Background(), cfg, &memContext{config: cfg, offsets: stored}))
	t.Cleanup(func() { _ = task.Stop(context.Background()) })
	return task
}

// ack acknowledges records as the runtime does after Kafka stored them.
func ack(t *testing.T, task *httpsource.Task, recs []connect.SourceRecord) {
	t.Helper()
	for i := range recs {
		require.NoError(t, task.CommitRecord(context.Background(), &recs[i], connect.RecordMetadata{Topic: recs[i].Topic, Offset: int64(i)}))
	}
}

// keys returns the records' keys.
func keys(recs []connect.SourceRecord) []any {
	out := make([]any, len(recs))
	for i, r := range recs {
		out[i] = r.Key
	}
	return out
}

// pollUntil polls until the task returns records or an error, as the
// runtime's loop does while the timer runs, at most n times.
func pollUntil(t *testing.T, task *httpsource.Task, n int) ([]connect.SourceRecord, error) {
	t.Helper()
	for range n {
		recs, err := task.Poll(context.Background())
		if err != nil || len(recs) > 0 {
			return recs, err
		}
	}
	return nil, nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// castormOffset returns m without the identities of the versions seen,
// which every record's offset holds besides castorm's properties.
func castormOffset(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := maps.Clone(m)
	delete(out, httpsource.SeenOffsetProperty)
	return out
}
