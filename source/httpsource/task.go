package httpsource

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/cespare/xxhash/v2"

	"github.com/connectkit/connectkit/connect"
)

// maxPollWait bounds how long one Poll waits for the timer, so that a
// runtime that handles acknowledgements or stores offsets between Polls is
// not held back for a whole interval (a minute by default).
const maxPollWait = time.Second

// maxPending bounds the records remembered until their acknowledgement. A
// runtime that drops a record (errors.tolerance=all) should still call
// CommitRecord for it, as Kafka Connect does; if it does not, the oldest
// are let go rather than kept forever.
const maxPending = 100_000

// Task polls the URLs of its configuration. Build it with [NewTask] or
// [Connector.NewTask].
type Task struct {
	o      *options
	s      *settings
	client *http.Client
	log    *slog.Logger
	eps    []*endpoint

	stop     context.Context // cancelled by Stop, to end a wait and the walkers
	stopFunc context.CancelFunc
	bg       sync.WaitGroup // walkers
	lastBody atomic.Int64   // length of the last body read

	mu sync.Mutex // guards each endpoint's ack state: CommitRecord may come from any goroutine
}

// NewTask returns an unstarted task using opts.
func NewTask(opts ...Option) *Task { return &Task{o: newOptions(opts)} }

// endpoint is one URL template and everything known about it.
type endpoint struct {
	partition map[string]any
	single    bool   // partition {}
	label     string // the URL template, as in the source partition
	logName   string // label without its query, which may hold an API key
	url       *requestTemplate

	// Owned by Poll.
	returned offset    // offset of the last record returned: what is new
	refTS    time.Time // returned's timestamp, parsed
	walk     *page     // the page to request next; nil: from the templates
	walker   *walker   // fetching walk and the pages after it, ahead of Poll
	due      time.Time
	failures int
	prevTS   string // offset timestamp at the previous poll, for the adaptable timer
	seen     *seenSet

	// Guarded by Task.mu.
	acked    offset         // offset of the last acknowledged record, which requests start from
	ackedSrc map[string]any // when set, acked is out of date: its SourceOffset
	pending  []record       // returned and not let go, in order, from index head on
	head     int
	popped   int   // records let go, ever
	cursors  []int // by Kafka partition + 1: where its next acknowledgement is looked for, counted as popped is
}

// page is where the next request of a walk through pages goes: a URL, or
// a cursor for the templates.
type page struct {
	url    string
	cursor string
}

// record is a returned record waiting for its acknowledgement.
type record struct {
	src  map[string]any // the SourceOffset returned
	key  unsafe.Pointer // src's identity
	done bool
}

// maxCursors bounds the Kafka partitions whose acknowledgements are
// followed with a cursor; those of higher partitions are looked for from
// the front of pending.
const maxCursors = 1 << 12

// Start reads the stored offsets of the task's URLs (http.offset.initial
// where none is stored) and prepares the HTTP client. The first request
// goes out at the first Poll.
func (t *Task) Start(ctx context.Context, config map[string]string, tc connect.SourceTaskContext) error {
	if t.o == nil {
		t.o = newOptions(nil)
	}
	s, err := compileSettings(config)
	if err != nil {
		return err
	}
	t.s = s
	t.log = connect.LoggerOf(tc)
	if t.o.logger != nil {
		t.log = t.o.logger.With("connector", config["name"])
	}
	if t.client = t.o.client; t.client == nil {
		if t.client, err = newHTTPClient(s); err != nil {
			return err
		}
	}
	t.stop, t.stopFunc = context.WithCancel(context.Background())
	partitions := make([]map[string]any, len(s.urls))
	for i, u := range s.urls {
		tmpl, err := compileTemplate(urlKey(s), u, ctxURL, s.mode, s.funcs)
		if err != nil {
			return connect.KeyError(urlKey(s), err.Error())
		}
		ep := &endpoint{url: tmpl, partition: map[string]any{}, single: !s.partitioned, label: u, logName: redactTemplate(u), seen: newSeenSet(s.seenSize)}
		if s.partitioned {
			ep.partition["url"] = u
		}
		partitions[i] = ep.partition
		t.eps = append(t.eps, ep)
	}
	var stored []map[string]any
	if tc != nil {
		if stored, err = tc.Offsets(ctx, partitions); err != nil {
			return fmt.Errorf("httpsource: read stored offsets: %w", err)
		}
	}
	now := t.o.clock.Now()
	for i, ep := range t.eps {
		off := maps.Clone(s.initial)
		if i < len(stored) && stored[i] != nil {
			off = offsetOf(stored[i])
			if seen, ok := stored[i][seenKey]; ok {
				if err := ep.seen.restore(textOf(seen)); err != nil {
					t.log.Warn("stored offset: forgetting the records seen before; some may be produced again", "url", ep.logName, "err", err)
				}
			}
		}
		ep.setReturned(off)
		ep.acked = off
		ep.prevTS = off[offsetTimestamp]
		switch {
		case off[offsetPageURL] != "":
			ep.walk = &page{url: off[offsetPageURL]}
		case off[offsetPage] != "":
			ep.walk = &page{cursor: off[offsetPage]}
		}
		ep.due = now
		t.log.Info("HTTP source starting", "url", ep.logName, "offset", off)
	}
	return nil
}

// offsetOf reads a stored offset: strings, as castorm stores them, or any
// JSON value another writer stored.
func offsetOf(m map[string]any) offset {
	o := make(offset, len(m))
	for k, v := range m {
		if k != seenKey { // not for templates, and long
			o[k] = textOf(v)
		}
	}
	return o
}

func (ep *endpoint) setReturned(o offset) {
	ep.returned = o
	ep.refTS = time.Time{}
	if ts := o[offsetTimestamp]; ts != "" {
		ep.refTS, _ = parseInstant(ts)
	}
}

// Poll waits until a URL is due, for at most a second, then requests it
// and returns the new records of the response. The first request goes out
// at once; the next page of a walk through pages too; otherwise the timer
// decides. Cancelling ctx, or Stop, ends the wait.
//
// A throttled request (429), a server error (5xx, 408), a network failure
// and, unless errors.tolerance=all, a malformed body are returned as a
// [connect.RetriableError] whose Backoff is the wait before the next
// attempt (Retry-After when the server sent a longer one), so that the
// runtime retries instead of failing the task. Other failures are fatal.
func (t *Task) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	ep := t.eps[0]
	for _, e := range t.eps[1:] {
		if e.due.Before(ep.due) {
			ep = e
		}
	}
	if wait := ep.due.Sub(t.o.clock.Now()); wait > 0 {
		wctx, cancel := context.WithCancel(ctx)
		stop := context.AfterFunc(t.stop, cancel)
		err := t.o.clock.Sleep(wctx, min(wait, maxPollWait))
		stop()
		cancel()
		if err != nil || t.o.clock.Now().Before(ep.due) {
			return nil, nil
		}
	}
	return t.poll(ctx, ep)
}

// poll sends one request, or takes the next page of a walk from its
// walker, and turns the response into records. While a walk through pages
// goes on, a walker fetches and decodes the pages after it in the
// background as the runtime produces this one's.
func (t *Task) poll(ctx context.Context, ep *endpoint) ([]connect.SourceRecord, error) {
	var f *fetched
	if w := ep.walker; w != nil {
		select {
		case f = <-w.pages:
		case <-ctx.Done():
			return nil, nil // the walker goes on, for the next Poll, or Stop
		}
		if f == nil || f.page == nil || ep.walk == nil || *f.page != *ep.walk {
			// The walker ended early (it could not build a request), or
			// went another way: ask again here.
			t.stopWalker(ep)
			f = nil
		}
	}
	if f == nil {
		req, err := t.newRequest(ctx, ep, ep.walk)
		if err != nil {
			return nil, err
		}
		f = t.fetch(ctx, req, t.o.clock.Now())
		f.page = ep.walk
		if f.err != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	recs, err := t.handle(ep, f)
	if err == nil && t.walksOn(f) {
		if ep.walker == nil {
			t.startWalker(ep)
		}
	} else {
		t.stopWalker(ep)
	}
	return recs, err
}

// fetched is a response, read and, when its status says so, decoded; its
// records are made when Poll takes it.
type fetched struct {
	where   string // method and URL without its query, for messages
	url     *url.URL
	started time.Time
	status  int
	text    string // the status line
	header  http.Header
	body    []byte
	err     error  // the request or the read failed
	items   []item // decoded; once prepared, the new ones, oldest first
	recs    []connect.SourceRecord
	next    *page
	bad     error // the body is malformed
	page    *page // the page of a walk requested; nil for a request from the templates
}

// walksOn reports whether the walk through pages goes on after f, to
// f.next: f was read and decoded, and links to a page other than its own.
func (t *Task) walksOn(f *fetched) bool {
	return f.err == nil && f.bad == nil && inRanges(f.status, t.s.process) && f.next != nil &&
		(f.page == nil || *f.next != *f.page)
}

// fetch sends req and reads and decodes the response. It changes no state
// of the task but the lastBody hint, and reads none that Poll changes, so
// that it can run in the background.
func (t *Task) fetch(ctx context.Context, req *http.Request, started time.Time) *fetched {
	f := t.get(ctx, req, started)
	t.decodeFetched(f, nil)
	return f
}

// decodeFetched decodes f when its status says so; onNext is decode's.
func (t *Task) decodeFetched(f *fetched, onNext func(*page)) {
	if f.err != nil || !inRanges(f.status, t.s.process) {
		return
	}
	if f.items, f.next, f.bad = t.decode(f.body, f.header, f.url, onNext); f.bad != nil {
		f.bad = fmt.Errorf("httpsource: %s: %w", f.where, f.bad)
	}
}

// get sends req and reads the response.
func (t *Task) get(ctx context.Context, req *http.Request, started time.Time) *fetched {
	f := &fetched{where: req.Method + " " + redactURL(req.URL), url: req.URL, started: started}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	resp, err := t.client.Do(req.WithContext(rctx))
	if err != nil {
		f.err = fmt.Errorf("httpsource: %s: %w", f.where, scrubURLError(err))
		return f
	}
	size, limit := resp.ContentLength, t.s.maxBody
	if size > limit {
		_ = resp.Body.Close() // not read: nothing to report
		f.err = &BodyTooLargeError{Request: f.where, Limit: limit, Length: size}
		return f
	}
	if size < 0 {
		last := t.lastBody.Load()
		size = last + last/16 // pages of one API are alike
	}
	f.body, err = readBody(resp.Body, size, limit, t.s.cfg.Duration(ReadTimeoutConfig), cancel)
	_ = resp.Body.Close() // read to the end or failed: nothing to report
	if errors.Is(err, errBodyTooLarge) {
		f.err = &BodyTooLargeError{Request: f.where, Limit: limit, Length: -1}
		return f
	}
	if err != nil {
		f.err = fmt.Errorf("httpsource: %s: read body: %w", f.where, scrubURLError(err))
		return f
	}
	t.lastBody.Store(int64(len(f.body)))
	f.status, f.text, f.header = resp.StatusCode, resp.Status, resp.Header
	return f
}

// handle applies a fetched response to ep: records, the next page and the
// timer, or the retry or skip its failure calls for.
func (t *Task) handle(ep *endpoint, f *fetched) ([]connect.SourceRecord, error) {
	if tooLarge := (*BodyTooLargeError)(nil); errors.As(f.err, &tooLarge) {
		if t.s.tolerateAll {
			t.log.Warn("skipping response (errors.tolerance=all); the offset stays where it was", "err", f.err)
			ep.due = f.started.Add(t.s.interval)
			return nil, nil
		}
		return nil, f.err
	}
	if f.err != nil {
		return nil, t.retry(ep, f.err, 0)
	}
	status := fmt.Sprintf("httpsource: %s: status %s", f.where, f.text)
	switch code := f.status; {
	case inRanges(code, t.s.process):
	case inRanges(code, t.s.skip):
		t.log.Warn("skipping response, as http.response.policy.codes.skip says", "request", f.where, "status", code)
		ep.failures = 0
		ep.due = f.started.Add(t.s.interval)
		return nil, nil
	case code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code >= 500:
		return nil, t.retry(ep, errors.New(status), retryAfter(f.header.Get("Retry-After"), t.o.clock.Now()))
	default:
		err := fmt.Errorf("%s%s; add it to http.response.policy.codes.process or .skip to accept it", status, snippet(f.body))
		if t.s.tolerateAll {
			t.log.Warn("skipping response (errors.tolerance=all)", "err", err)
			ep.due = f.started.Add(t.s.interval)
			return nil, nil
		}
		return nil, err
	}
	if f.bad != nil {
		if t.s.tolerateAll {
			t.log.Warn("skipping malformed response (errors.tolerance=all); the offset stays where it was", "err", f.bad)
			ep.due = f.started.Add(t.s.interval)
			return nil, nil
		}
		return nil, t.retry(ep, f.bad, 0)
	}
	ep.failures = 0
	t.prepare(ep, f)
	t.returned(ep, f.items, f.recs)
	ep.walk = f.next
	if f.next != nil {
		ep.due = f.started
	} else {
		ep.due = f.started.Add(t.nextInterval(ep))
	}
	return f.recs, nil
}

// walker fetches the pages of a walk one after another in the
// background, ahead of Poll: each page's request goes out as soon as the
// page before is read and its link to the next found, while the walker
// reads that page's records, not when Poll takes it. So at most two pages
// are ahead of the one Poll took: one read, waiting for Poll, and one
// requested. The walker stops after a page that does not link to another,
// a failed one, or when stopped, and closes pages when it ends on its own.
type walker struct {
	pages  chan *fetched
	cancel context.CancelFunc
	ended  chan struct{}
}

// request is a page's request on its way, in the background.
type request struct {
	done   chan struct{}
	f      *fetched // nil: the request could not be built
	cancel context.CancelFunc
}

// drop abandons r and waits for its goroutine.
func (r *request) drop() {
	r.cancel()
	<-r.done
}

// startWalker starts walking from ep.walk.
func (t *Task) startWalker(ep *endpoint) {
	ctx, cancel := context.WithCancel(t.stop)
	w := &walker{pages: make(chan *fetched), cancel: cancel, ended: make(chan struct{})}
	ep.walker = w
	t.bg.Add(1)
	go func(pg *page) {
		defer t.bg.Done()
		defer close(w.ended)
		next := t.request(ctx, ep, pg)
		defer func() {
			if next != nil { // stopped
				next.drop()
			}
		}()
		for {
			r := next
			select {
			case <-r.done:
			case <-ctx.Done():
				return
			}
			next = nil
			f := r.f
			if f == nil {
				close(w.pages) // Poll builds it again and reports the error
				return
			}
			t.decodeFetched(f, func(np *page) {
				if np != nil && *np != *pg {
					next = t.request(ctx, ep, np)
				}
			})
			walks := t.walksOn(f)
			if !walks && next != nil {
				// The page turned out bad after its link was read.
				next.drop()
				next = nil
			}
			select {
			case w.pages <- f:
			case <-ctx.Done():
				return
			}
			if !walks {
				close(w.pages)
				return
			}
			pg = f.next
		}
	}(ep.walk)
}

// request sends the request for page pg of ep's walk in the background.
func (t *Task) request(ctx context.Context, ep *endpoint, pg *page) *request {
	ctx, cancel := context.WithCancel(ctx)
	r := &request{done: make(chan struct{}), cancel: cancel}
	req, err := t.newRequest(ctx, ep, pg)
	if err != nil {
		cancel()
		close(r.done)
		return r
	}
	started := t.o.clock.Now()
	t.bg.Add(1)
	go func() {
		defer t.bg.Done()
		defer close(r.done)
		defer cancel() // the body is read by then
		f := t.get(ctx, req, started)
		f.page = pg
		r.f = f
	}()
	return r
}

// stopWalker stops ep's walker and drops the pages it fetched.
func (t *Task) stopWalker(ep *endpoint) {
	if w := ep.walker; w != nil {
		w.cancel()
		<-w.ended
		ep.walker = nil
	}
}

// nextInterval is the timer's wait after a walk ends: the catch-up
// interval while an adaptable timer sees the offset's timestamp move and
// lag more than the interval behind now.
func (t *Task) nextInterval(ep *endpoint) time.Duration {
	ts := ep.returned[offsetTimestamp]
	moved := ts != ep.prevTS
	ep.prevTS = ts
	if t.s.adaptable && moved && !ep.refTS.IsZero() && ep.refTS.Before(t.o.clock.Now().Add(-t.s.interval)) {
		return t.s.catchup
	}
	return t.s.interval
}

// retry schedules the next attempt after a retriable failure and returns
// the error for the runtime, with the backoff it should wait.
func (t *Task) retry(ep *endpoint, err error, after time.Duration) error {
	d := t.s.backoff << min(ep.failures, 30)
	if d > t.s.backoffMax || d < t.s.backoff { // overflowed
		d = t.s.backoffMax
	}
	ep.failures++
	d = max(d, after)
	ep.due = t.o.clock.Now().Add(d)
	if d <= 0 {
		d = time.Millisecond // a zero Backoff would let the runtime choose
	}
	return &connect.RetriableError{Err: err, Backoff: d}
}

func inRanges(code int, ranges [][2]int) bool {
	for _, r := range ranges {
		if code >= r[0] && code <= r[1] {
			return true
		}
	}
	return false
}

// snippet quotes the start of a body for an error message.
func snippet(body []byte) string {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return ""
	}
	const max = 200
	if len(b) > max {
		return fmt.Sprintf(": %q…", b[:max])
	}
	return fmt.Sprintf(": %q", b)
}

// scrubURLError drops the URL from a net/http error: it may carry an API
// key in its query, and the caller names the request without it.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// newRequest builds the next request of ep: the walk's next page, or the
// templates rendered with the acknowledged offset.
func (t *Task) newRequest(ctx context.Context, ep *endpoint, walk *page) (*http.Request, error) {
	t.mu.Lock()
	if ep.ackedSrc != nil {
		ep.acked, ep.ackedSrc = offsetOf(ep.ackedSrc), nil
	}
	off := maps.Clone(ep.acked)
	t.mu.Unlock()
	delete(off, offsetPageURL)
	delete(off, offsetPage)
	if walk != nil && walk.cursor != "" {
		off[offsetPage] = walk.cursor
	}
	data := map[string]any{}
	if t.s.mode == templatesBackwardsCompatible {
		for k, v := range off {
			data[k] = v
		}
	}
	data["offset"] = map[string]string(off)

	var u *url.URL
	if walk != nil && walk.url != "" {
		var err error
		if u, err = url.Parse(walk.url); err != nil {
			return nil, fmt.Errorf("httpsource: next page URL: %w", err)
		}
	} else {
		raw, err := ep.url.render(data)
		if err != nil {
			return nil, fmt.Errorf("httpsource: %s: %w", urlKey(t.s), err)
		}
		if u, err = url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("httpsource: %s: %q is not an http or https URL", urlKey(t.s), redactURL(u))
		}
		var q []string
		if u.RawQuery != "" {
			q = append(q, u.RawQuery)
		}
		for _, p := range t.s.params {
			name, err := p.name.render(data)
			if err != nil {
				return nil, fmt.Errorf("httpsource: %s: %w", ParamsConfig, err)
			}
			value, err := p.value.render(data)
			if err != nil {
				return nil, fmt.Errorf("httpsource: %s: %w", ParamsConfig, err)
			}
			q = append(q, name+"="+value)
		}
		u.RawQuery = strings.Join(q, "&")
	}
	var body io.Reader
	if t.s.method != http.MethodGet && t.s.method != http.MethodHead {
		b, err := t.s.body.render(data)
		if err != nil {
			return nil, fmt.Errorf("httpsource: %s: %w", BodyConfig, err)
		}
		if b != "" {
			body = strings.NewReader(b)
		}
	}
	req, err := http.NewRequestWithContext(ctx, t.s.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("httpsource: %s: %w", redactURL(u), err)
	}
	for _, h := range t.s.headers {
		v, err := h.value.render(data)
		if err != nil {
			return nil, fmt.Errorf("httpsource: %s: %s: %w", HeadersConfig, h.name, err)
		}
		req.Header.Add(h.name, v)
	}
	cfg := t.s.cfg
	switch strings.ToLower(cfg.String(AuthTypeConfig)) {
	case "basic":
		if user, pass := cfg.String(AuthUserConfig), cfg.Password(AuthPasswordConfig).Value(); user != "" || pass != "" {
			req.SetBasicAuth(user, pass)
		}
	case "bearer":
		req.Header.Set("Authorization", "Bearer "+cfg.Password(AuthTokenConfig).Value())
	}
	return req, nil
}

// CommitRecord moves the offset that requests start from to the record's,
// once every record returned before it is acknowledged too: castorm moved it
// only on the runtime's periodic offset commit and fetched the same records
// again until then (its issue 263).
func (t *Task) CommitRecord(ctx context.Context, rec *connect.SourceRecord, meta connect.RecordMetadata) error {
	ep := t.endpointOf(rec.SourcePartition)
	if ep == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	ep.commit(rec.SourceOffset, meta.Partition)
	ep.popDone()
	return nil
}

// commit marks done the pending record whose SourceOffset is src. The
// runtime hands back the record Poll returned, whose offset map is the one
// in pending, and the acknowledgements of one Kafka partition come in the
// order the records were returned: the search starts after the last one of
// the same partition, and mostly ends a few records later. A copy of src is
// found by content. Call it with Task.mu held.
func (ep *endpoint) commit(src map[string]any, partition int32) {
	var cursor *int
	if slot := int(partition) + 1; slot >= 0 && slot < maxCursors {
		if slot >= len(ep.cursors) {
			ep.cursors = append(ep.cursors, make([]int, slot+1-len(ep.cursors))...)
		}
		cursor = &ep.cursors[slot]
	}
	live := ep.pending[ep.head:]
	from := 0
	if cursor != nil {
		from = min(max(*cursor-ep.popped, 0), len(live))
	}
	key := reflect.ValueOf(src).UnsafePointer()
	i := find(live, from, func(r *record) bool { return r.key == key })
	if i < 0 {
		i = find(live, 0, func(r *record) bool { return sameOffset(r.src, src) })
	}
	if i < 0 {
		return
	}
	live[i].done = true
	if cursor != nil {
		*cursor = ep.popped + i + 1
	}
}

// find returns the index of the first record of rs not done that match
// accepts, looking from index from to the end, then before it; -1 if none.
func find(rs []record, from int, match func(*record) bool) int {
	for _, span := range [2][2]int{{from, len(rs)}, {0, from}} {
		for i := span[0]; i < span[1]; i++ {
			if r := &rs[i]; !r.done && match(r) {
				return i
			}
		}
	}
	return -1
}

// sameOffset compares offsets as text, as they are stored.
func sameOffset(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok {
			return false
		}
		// The identities seen are long; snapshots of one log are equal
		// when they end at the same place.
		if x, ok := v.(*seenSnapshot); ok {
			if y, ok := w.(*seenSnapshot); ok {
				if len(x.ids) != len(y.ids) || len(x.ids) > 0 && x.ids[len(x.ids)-1] != y.ids[len(y.ids)-1] {
					return false
				}
				continue
			}
		}
		if textOf(v) != textOf(w) {
			return false
		}
	}
	return true
}

// popDone moves acked over the acknowledged records at the front of
// pending. Call it with Task.mu held.
func (ep *endpoint) popDone() {
	live := ep.pending[ep.head:]
	n := 0
	for n < len(live) && (live[n].done || len(live)-n > maxPending) {
		ep.ackedSrc = live[n].src
		n++
	}
	if n == 0 {
		return
	}
	clear(live[:n])
	ep.head += n
	ep.popped += n
	// Once the records let go outnumber those pending, those move to the
	// front, so that the array is reused rather than grown.
	if rest := len(live) - n; ep.head > rest {
		copy(ep.pending, ep.pending[ep.head:])
		clear(ep.pending[rest:])
		ep.pending, ep.head = ep.pending[:rest], 0
	}
}

func (t *Task) endpointOf(partition map[string]any) *endpoint {
	if len(t.eps) == 1 {
		return t.eps[0]
	}
	u, _ := partition["url"].(string)
	for _, ep := range t.eps {
		if ep.label == u {
			return ep
		}
	}
	return nil
}

// Stop ends a wait in Poll, stops the walkers, dropping the pages they
// fetched, and releases idle connections.
func (t *Task) Stop(ctx context.Context) error {
	if t.stopFunc != nil {
		t.stopFunc()
	}
	t.bg.Wait()
	if t.client != nil && t.o.client == nil {
		t.client.CloseIdleConnections()
	}
	return nil
}

// redactTemplate names a URL template in logs without its user info and
// query string, which may hold credentials.
func redactTemplate(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i] + "?…"
	}
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		end := strings.IndexAny(rest, "/?")
		if end < 0 {
			end = len(rest)
		}
		if at := strings.LastIndexByte(rest[:end], '@'); at >= 0 {
			u = u[:i+3] + "…@" + rest[at+1:]
		}
	}
	return u
}

// seenSet remembers the identities of the latest records, first in first
// out: a ring of them, and an index into the ring by hash, with linear
// probing, so that looking one up and replacing the oldest cost no
// allocation and mostly touch one cache line of the index.
type seenSet struct {
	ring  []seenID
	next  int // the oldest, once ring is full
	slots []seenSlot
	mask  uint64

	// log holds the identities added, oldest first: its last cap(ring)
	// are the ring's. Each record's offset holds a slice of it (see
	// seenSnapshot); it is only appended to, and started afresh from its
	// last cap(ring) when it reaches four times that, so that a snapshot
	// taken before never changes.
	log []seenID
}

// seenSlot holds an identity at or after slot id[0]&mask: its position in
// the ring, plus 1 (0: the slot is free), and the low half of id[0], which
// rules most identities out without reading the ring and gives the slot
// the identity belongs in.
type seenSlot struct {
	tag uint32
	pos int32
}

// seenID is the identity of a version of a record: its key, its
// timestamp and its value's text, hashed to 128 bits (xxhash64 twice, the
// second time after a prefix), so that two versions are taken for one only
// with a chance far below that of a memory error. The hash is the same in
// every process, because the identities are stored with the offsets.
type seenID [2]uint64

func identity(key, ts string, content []byte) seenID {
	var id seenID
	for i, prefix := range [2]string{"", "connectkit.seen"} {
		var d xxhash.Digest
		d.Reset()
		_, _ = d.WriteString(prefix)
		var n [8]byte
		for _, f := range [2]string{key, ts} {
			binary.LittleEndian.PutUint64(n[:], uint64(len(f)))
			_, _ = d.Write(n[:])
			_, _ = d.WriteString(f)
		}
		_, _ = d.Write(content)
		id[i] = d.Sum64()
	}
	return id
}

func newSeenSet(n int) *seenSet {
	slots := 1
	for slots < 2*n { // at most half full: probes stay short
		slots <<= 1
	}
	return &seenSet{ring: make([]seenID, 0, n), slots: make([]seenSlot, slots), mask: uint64(slots - 1)}
}

// slot returns the slot of id, or the free slot where it would go.
func (s *seenSet) slot(id seenID) uint64 {
	tag := uint32(id[0])
	i := id[0] & s.mask
	for e := s.slots[i]; e.pos != 0 && (e.tag != tag || s.ring[e.pos-1] != id); e = s.slots[i] {
		i = (i + 1) & s.mask
	}
	return i
}

func (s *seenSet) has(id seenID) bool { return s.slots[s.slot(id)].pos != 0 }

// empty reports that nothing was seen: neither restored from a stored
// offset nor produced since.
func (s *seenSet) empty() bool { return len(s.ring) == 0 }

func (s *seenSet) add(id seenID) {
	if cap(s.ring) == 0 {
		return
	}
	i := s.slot(id)
	if s.slots[i].pos != 0 {
		return // seen already
	}
	if n := cap(s.ring); len(s.log) >= 4*n {
		s.log = append(make([]seenID, 0, 4*n), s.log[len(s.log)-n+1:]...)
	}
	s.log = append(s.log, id)
	pos := len(s.ring)
	if pos < cap(s.ring) {
		s.ring = append(s.ring, id)
	} else {
		pos = s.next
		s.next = (s.next + 1) % len(s.ring)
		s.remove(s.slot(s.ring[pos]))
		s.ring[pos] = id
		i = s.slot(id) // the removal may have moved the free slot
	}
	s.slots[i] = seenSlot{tag: uint32(id[0]), pos: int32(pos + 1)}
}

// snapshot returns the identities seen so far, for a record's offset.
func (s *seenSet) snapshot() *seenSnapshot {
	return &seenSnapshot{ids: s.log[max(0, len(s.log)-cap(s.ring)):len(s.log):len(s.log)]}
}

// seenKey is the offset property that holds the identities seen.
const seenKey = SeenOffsetProperty

// seenSnapshot is the value of an offset's seenKey: the identities seen
// when its record was returned, oldest first. It is a slice of the seen
// set's log, shared by the offsets of many records, and written out only
// when the runtime stores the offset: as a string, the identities' 16
// bytes each in base64 (standard, padded).
type seenSnapshot struct{ ids []seenID }

// String returns the stored text.
func (s *seenSnapshot) String() string {
	b := make([]byte, 16*len(s.ids))
	for i, id := range s.ids {
		binary.BigEndian.PutUint64(b[16*i:], id[0])
		binary.BigEndian.PutUint64(b[16*i+8:], id[1])
	}
	return base64.StdEncoding.EncodeToString(b)
}

// MarshalJSON writes the stored text as a JSON string.
func (s *seenSnapshot) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// restore adds the identities of a stored offset's seenKey, oldest first.
func (s *seenSet) restore(text string) error {
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil || len(b)%16 != 0 {
		return fmt.Errorf("offset property %s is not a list of identities", seenKey)
	}
	for i := 0; i < len(b); i += 16 {
		s.add(seenID{binary.BigEndian.Uint64(b[i:]), binary.BigEndian.Uint64(b[i+8:])})
	}
	return nil
}

// remove frees slot i and moves back the identities after it that could
// not be found past the gap.
func (s *seenSet) remove(i uint64) {
	for j := (i + 1) & s.mask; s.slots[j].pos != 0; j = (j + 1) & s.mask {
		home := uint64(s.slots[j].tag) & s.mask
		if (j-home)&s.mask >= (j-i)&s.mask { // home is not within (i, j]
			s.slots[i] = s.slots[j]
			i = j
		}
	}
	s.slots[i] = seenSlot{}
}
