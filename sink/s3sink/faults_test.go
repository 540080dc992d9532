package s3sink

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/sink"
)

// logRecorder keeps every log record, with its attributes, for checks.
type logRecorder struct {
	mu   sync.Mutex
	recs []loggedRecord
}

type loggedRecord struct {
	msg   string
	level slog.Level
	attrs map[string]any
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	rec := loggedRecord{msg: r.Message, level: r.Level, attrs: map[string]any{}}
	r.Attrs(func(a slog.Attr) bool {
		rec.attrs[a.Key] = a.Value.Any()
		return true
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, rec)
	return nil
}
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecorder) WithGroup(string) slog.Handler      { return l }

// with returns the records whose message is msg.
func (l *logRecorder) with(msg string) []loggedRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []loggedRecord
	for _, r := range l.recs {
		if r.msg == msg {
			out = append(out, r)
		}
	}
	return out
}

// Each retry under s3.part.retries is logged with why: the attempt number,
// which grows, the HTTP status, S3's error code, the error and the object
// key; giving up is logged too, and the error the runtime sees carries the
// cause and the key.
func TestRetriesAreLoggedWithTheirCause(t *testing.T) {
	logs := &logRecorder{}
	h := newHarness(t)
	cfg := baseConfig(multipartConfig(map[string]string{PartRetriesConfig: "3"}))
	h.tc = newFakeContext(cfg)
	h.task = NewTask(WithClient(h.s3), WithClock(h.clock), WithLogger(slog.New(logs)))
	require.NoError(t, h.task.Start(context.Background(), cfg, h.tc))
	t.Cleanup(func() { _ = h.task.Stop(context.Background()) })

	key := "topics/orders/partition=0/orders+0+0000000000.bin"
	h.s3.failNext("UploadPart", s3Error(503, "SlowDown"), s3Error(500, "InternalError"), s3Error(503, "SlowDown"))
	const mib = 1 << 20
	var batch []connect.SinkRecord
	for off := int64(0); off < 6; off++ {
		batch = append(batch, bigRec(0, off, mib))
	}
	h.mustPut(batch...)
	retries := logs.with("S3 request failed; retrying")
	require.Len(t, retries, 3)
	for i, r := range retries {
		assert.Equal(t, int64(i+1), r.attrs["attempt"], "the attempt counter grows")
		assert.Equal(t, int64(4), r.attrs["max_attempts"])
		assert.Equal(t, key, r.attrs["key"])
		assert.Equal(t, "UploadPart 1", r.attrs["op"])
		assert.Equal(t, slog.LevelWarn, r.level)
	}
	assert.Equal(t, []any{int64(503), int64(500), int64(503)},
		[]any{retries[0].attrs["status"], retries[1].attrs["status"], retries[2].attrs["status"]})
	assert.Equal(t, "InternalError", retries[1].attrs["code"])
	assert.Contains(t, fmt.Sprint(retries[1].attrs["err"]), "InternalError")
	assert.Len(t, logs.with("S3 request succeeded after retries"), 1)

	// Exhausted: one more retrying line per retry, then giving up, and an
	// error that says why and where.
	h.s3.failAlways("UploadPart", s3Error(503, "SlowDown"))
	var next []connect.SinkRecord
	for off := int64(6); off < 12; off++ {
		next = append(next, bigRec(0, off, mib))
	}
	err := h.put(next...)
	require.Error(t, err)
	assert.True(t, connect.IsRetriable(err))
	assert.Contains(t, err.Error(), "orders+0+0000000006.bin")
	assert.Contains(t, err.Error(), "503")
	assert.Contains(t, err.Error(), "SlowDown")
	gaveUp := logs.with("S3 request failed; giving up")
	require.Len(t, gaveUp, 1)
	assert.Equal(t, int64(4), gaveUp[0].attrs["attempt"])
	assert.Equal(t, "topics/orders/partition=0/orders+0+0000000006.bin", gaveUp[0].attrs["key"])
}

// pausableS3 is a proxy in front of the in-process S3 server that can
// stop answering, as a paused MinIO does: requests that arrive while it is
// paused hang until the client gives up.
type pausableS3 struct {
	*httptest.Server
	mu     sync.Mutex
	paused bool
	hung   int // requests that hung
	resume int // after this many hung requests it answers again
	stop   chan struct{}
}

func newPausableS3(t *testing.T, target string) *pausableS3 {
	u, err := url.Parse(target)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(u)
	p := &pausableS3{stop: make(chan struct{})}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		hang := p.paused
		if hang {
			p.hung++
			if p.hung >= p.resume {
				p.paused = false
			}
		}
		p.mu.Unlock()
		if hang {
			select {
			case <-r.Context().Done():
			case <-p.stop:
			}
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		close(p.stop)
		p.Close()
	})
	return p
}

// pause makes the next n requests hang; later ones are answered.
func (p *pausableS3) pause(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused, p.hung, p.resume = true, 0, n
}

func (p *pausableS3) hungRequests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hung
}

// With the store paused, each S3 request is cut off at
// s3.request.timeout.ms, logged with the object key and the cause, and
// retried; once the store answers again the object is written. Without
// the deadline the first request would hang until the store came back.
func TestPausedStoreTimesOutAndRetries(t *testing.T) {
	store := connectortest.NewS3(t, bucket)
	proxy := newPausableS3(t, store.Endpoint)
	logs := &logRecorder{}
	cfg := baseConfig(map[string]string{
		StoreURLConfig:        proxy.URL,
		RegionConfig:          store.Region,
		AccessKeyIDConfig:     store.AccessKey,
		SecretAccessKeyConfig: store.SecretKey,
		PathStyleConfig:       "true",
		RequestTimeoutConfig:  "300",
		PartRetriesConfig:     "5",
		RetryBackoffConfig:    "20",
	})
	task := NewTask(WithLogger(slog.New(logs)))
	require.NoError(t, task.Start(context.Background(), cfg, newFakeContext(cfg)))
	t.Cleanup(func() { _ = task.Stop(context.Background()) })

	proxy.pause(2)
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- task.Put(context.Background(), recs(0, 0, 3)) }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(20 * time.Second):
		t.Fatalf("Put still blocked after 20s with %d hung requests: S3 requests have no deadline", proxy.hungRequests())
	}
	t.Logf("Put returned after %v", time.Since(start).Round(time.Millisecond))
	key := "topics/orders/partition=0/orders+0+0000000000.json"
	got, err := store.Object(context.Background(), bucket, key)
	require.NoError(t, err)
	assert.Equal(t, lines(0, 3), string(got))
	retries := logs.with("S3 request failed; retrying")
	require.Len(t, retries, 2, "both hung requests were cut off and retried")
	for i, r := range retries {
		assert.Equal(t, int64(i+1), r.attrs["attempt"])
		assert.Equal(t, key, r.attrs["key"])
		assert.True(t, strings.Contains(fmt.Sprint(r.attrs["err"]), "no answer within 300ms (s3.request.timeout.ms)"), "cause: %v", r.attrs["err"])
	}
}

// Under errors.tolerance=none a null value under
// behavior.on.null.values=fail stops the batch there: the records before it
// are written, none after it. Under all the others go on.
func TestToleranceNoneStopsAtTheBadRecord(t *testing.T) {
	batch := []connect.SinkRecord{rec(0, 0, "a"), rec(0, 1, nil), rec(0, 2, "b"), rec(1, 0, "c")}
	t.Run("none", func(t *testing.T) {
		h := startTask(t, map[string]string{NullValuesConfig: "fail", FlushSizeConfig: "1"})
		err := h.put(batch...)
		var be *connect.BatchError
		require.ErrorAs(t, err, &be)
		require.Len(t, be.Errors, 1)
		assert.Equal(t, int64(1), be.Errors[0].Record.Offset)
		assert.Equal(t, []string{"topics/orders/partition=0/orders+0+0000000000.json"}, h.keys(), "nothing after the bad record")
	})
	t.Run("all", func(t *testing.T) {
		h := startTask(t, map[string]string{NullValuesConfig: "fail", FlushSizeConfig: "1", "errors.tolerance": "all"})
		err := h.put(batch...)
		var be *connect.BatchError
		require.ErrorAs(t, err, &be)
		assert.Len(t, h.keys(), 3)
	})
}

// A task that takes a partition aborts the incomplete multipart uploads an
// earlier owner left for that partition's objects (a process killed
// mid-upload), and only those: other partitions', other topics' and other
// objects' uploads stay.
func TestOpenAbortsUploadsLeftByAnEarlierOwner(t *testing.T) {
	h := startTask(t, map[string]string{"topics.dir": "data"})
	stale := []string{
		"data/orders/partition=0/orders+0+0000000000.json",
		"data/orders/partition=0/orders+0+0000000042.json",
		"data/orders/tombstone/orders+0+0000000007.json", // another encoded partition of the same Kafka partition
	}
	kept := []string{
		"data/orders/partition=1/orders+1+0000000000.json",   // a partition the task does not take
		"data/orders/partition=10/orders+10+0000000000.json", // a partition whose number starts the same
		"data/orders2/partition=0/orders2+0+0000000000.json", // another topic
		"data/orders/partition=0/notes.txt",                  // not one of ours
		"other/orders/partition=0/orders+0+0000000000.json",  // outside topics.dir
	}
	for _, k := range append(slices.Clone(stale), kept...) {
		h.s3.startUpload(bucket, k)
	}
	h.tc.assign(tp0)
	require.NoError(t, h.task.Open(context.Background(), []connect.TopicPartition{tp0}))
	assert.Equal(t, slices.Sorted(slices.Values(kept)), h.s3.openUploads())
	assert.Len(t, h.s3.callsOf("ListMultipartUploads"), 1, "one listing for the partitions taken together")

	// The partition is then written as usual.
	h.mustPut(recs(0, 0, 3)...)
	assert.Equal(t, lines(0, 3), h.content("data/orders/partition=0/orders+0+0000000000.json"))
}

// s3.buffer.memory.bytes bounds what the tasks hold waiting for upload:
// past it a task uploads parts of its largest open objects early (at least
// 5 MiB each), and the objects come out the same. Without the budget the
// same records would be held whole: 4 partitions of 12 MiB each. (The
// budget cannot go below 5 MiB per open object, S3's smallest part.)
func TestMemoryBudgetUploadsPartsEarly(t *testing.T) {
	const mib = 1 << 20
	const limit = 24*mib + 7 // a value of its own: tasks with the same value share a budget
	h := startTask(t, multipartConfig(map[string]string{
		PartSizeConfig:     fmt.Sprint(25 * mib),
		FlushSizeConfig:    "12",
		BufferMemoryConfig: fmt.Sprint(limit),
	}))
	peak := int64(0)
	for off := int64(0); off < 12; off++ {
		var batch []connect.SinkRecord
		for p := int32(0); p < 4; p++ {
			batch = append(batch, bigRec(p, off, mib))
		}
		h.mustPut(batch...)
		peak = max(peak, h.task.mem.used.Load())
	}
	t.Logf("peak held %.1f MiB under a budget of %.1f MiB", float64(peak)/mib, float64(limit)/mib)
	assert.LessOrEqual(t, peak, int64(limit+2*mib), "within the budget, give or take a record and a check step")
	// The fake refuses to complete an upload with a part but the last under
	// 5 MiB (EntityTooSmall), as S3 does: the contents below prove the
	// early parts were large enough.
	assert.NotEmpty(t, h.s3.callsOf("UploadPart"), "parts went up early")
	for p := int32(0); p < 4; p++ {
		key := fmt.Sprintf("topics/orders/partition=%d/orders+%d+0000000000.bin", p, p)
		assert.Equal(t, expectedBig(0, 12, mib), h.s3.object(bucket, key), "content of %s", key)
	}
	assert.Empty(t, h.s3.openUploads())
	require.NoError(t, h.task.Stop(context.Background()))
	assert.Zero(t, h.task.mem.used.Load(), "a stopped task gives its share back")
}

// End to end through the sink runtime: under errors.tolerance=none a null
// value (behavior.on.null.values=fail) fails the task, the records before
// it are in S3 and committed, and none after it is in S3. Restarted with
// errors.tolerance=all, the connector writes the rest, each object once.
func TestToleranceNoneStopsAtTheBadRecordThroughTheRuntime(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "nulls", 1)
	c.Produce(t,
		connectortest.Record{Topic: "nulls", Value: []byte("a")},
		connectortest.Record{Topic: "nulls", Value: []byte("b")},
		connectortest.Record{Topic: "nulls", Value: nil},
		connectortest.Record{Topic: "nulls", Value: []byte("d")},
	)
	fake := newFakeS3(bucket)
	cfg := runtimeConfig(c, "s3-nulls", "nulls", map[string]string{FlushSizeConfig: "1", NullValuesConfig: "fail"})
	h := connectortest.StartSink(t, NewConnector(WithClient(fake), WithLogger(quiet)), cfg, sink.WithLogger(quiet))
	c.WaitFor(t, 30*time.Second, func() bool { return h.TaskState(0) == connect.StateFailed }, "the task to fail")
	assert.Contains(t, h.Status().Tasks[0].Err.Error(), "nulls-0@2")
	_ = h.Stop()
	obj := func(off int) string { return fmt.Sprintf("topics/nulls/partition=0/nulls+0+%010d.bin", off) }
	assert.Equal(t, []string{obj(0), obj(1)}, fake.keys(bucket), "nothing after the bad record")
	assert.Equal(t, int64(2), c.CommittedOffsets(t, "connect-s3-nulls")[connect.TopicPartition{Topic: "nulls"}])

	cfg["errors.tolerance"] = "all"
	h = connectortest.StartSink(t, NewConnector(WithClient(fake), WithLogger(quiet)), cfg, sink.WithLogger(quiet))
	waitCommitted(t, c, "connect-s3-nulls", "nulls", 1, 4)
	require.NoError(t, h.Stop())
	assert.Equal(t, []string{obj(0), obj(1), obj(3)}, fake.keys(bucket))
	for _, off := range []int{0, 1, 3} {
		assert.Equal(t, 1, fake.writeCount(bucket, obj(off)), "%s written once", obj(off))
	}
}
