package httpsource

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/connectkit/connectkit/connect"
)

// item is one element of a response's list, before filtering.
type item struct {
	value  any
	off    map[string]any // the record's SourceOffset: string values only
	key    string         // off's key
	keyVal any            // off's key, as boxed in off
	tsText string         // off's timestamp, or ""
	id     seenID
	ts     time.Time
	hasTS  bool
}

// decode finds the next page of a response and reads its list of items.
// onNext, if not nil, is told the next page (nil for none) before the items
// are read, so that the request for it may go out meanwhile. An error means
// the body as a whole is malformed; under errors.tolerance=all a bad
// element is only logged and left out. It touches no state of the task.
//
// The body is read onto a tape, not decoded (see rawjson.go).
func (t *Task) decode(body []byte, h http.Header, reqURL *url.URL, onNext func(*page)) ([]item, *page, error) {
	var items []item
	add := func(i int, el element) error {
		it, err := t.item(el)
		if err != nil {
			return t.skip(i, err, reqURL)
		}
		items = append(items, it)
		return nil
	}
	notFound := func() error {
		return fmt.Errorf("%s %s not found in the body%s", ListPointerConfig, t.s.listPtr, snippet(body))
	}
	next := func(doc element) (*page, error) {
		pg, err := t.nextPage(doc, h, reqURL)
		if err == nil && onNext != nil {
			onNext(pg)
		}
		return pg, err
	}
	var pg *page
	tp, err := readTape(body, t.s.tapeDepth)
	if err != nil {
		return nil, nil, fmt.Errorf("body is not JSON: %w%s", err, snippet(body))
	}
	defer tp.release()
	list := tp.find(0, t.s.listPtr)
	if list < 0 {
		return nil, nil, notFound()
	}
	if pg, err = next(&onTape{t: tp}); err != nil {
		return nil, nil, err
	}
	el := &onTape{t: tp, n: list}
	switch tp.nodes[list].kind {
	case '[':
		if items, err = t.tapeItems(tp, list, reqURL); err != nil {
			return nil, nil, err
		}
	case 'n':
	default:
		if err := add(0, el); err != nil {
			return nil, nil, err
		}
	}
	return items, pg, nil
}

// skip applies errors.tolerance to list element i, which could not be
// read: the error to fail with, or nil once it is logged.
func (t *Task) skip(i int, err error, reqURL *url.URL) error {
	err = fmt.Errorf("list element %d: %w", i, err)
	if !t.s.tolerateAll {
		return err
	}
	t.log.Warn("skipping list element (errors.tolerance=all)", "request", redactURL(reqURL), "err", err)
	return nil
}

// splitItems is the length from which a list on a tape is read by two
// goroutines: reading a page's records is most of a walker's work, and
// the page after waits for it.
const splitItems = 256

// tapeItems reads the elements of the array at node list, in order; from
// splitItems elements on, its second half on another goroutine.
func (t *Task) tapeItems(tp *tape, list int, reqURL *url.URL) ([]item, error) {
	nodes := make([]int, 0, tp.elements(list))
	for c := list + 1; c < tp.nodes[list].after; c = tp.nodes[c].after {
		nodes = append(nodes, c)
	}
	items := make([]item, len(nodes))
	errs := make([]error, len(nodes))
	read := func(from, to int) {
		el := &onTape{t: tp}
		for i := from; i < to; i++ {
			el.n = nodes[i]
			items[i], errs[i] = t.item(el)
		}
	}
	if half := len(nodes) / 2; len(nodes) >= splitItems {
		var wg sync.WaitGroup
		wg.Go(func() { read(half, len(nodes)) })
		read(0, half)
		wg.Wait()
	} else {
		read(0, len(nodes))
	}
	out := items[:0]
	for i := range items {
		if errs[i] != nil {
			if err := t.skip(i, errs[i], reqURL); err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, items[i])
	}
	clear(items[len(out):]) // no hold on what was skipped
	return out, nil
}

// prepare sorts and filters the items of f and makes records of those
// that are new, each with the offset to resume from: on the page it came
// from, or the next page for the last record. It runs in Poll, when f is
// handled, so that it sees the records returned before.
func (t *Task) prepare(ep *endpoint, f *fetched) {
	if f.next != nil && ep.walk != nil && *f.next == *ep.walk {
		t.log.Warn("next page is the page just read; ending the walk", "request", f.where)
		f.next = nil
	}
	t.sort(f.items)
	f.items = t.filter(ep, f.items)
	f.recs = make([]connect.SourceRecord, len(f.items))
	here, hereVal := pageProp(ep.walk)
	for i := range f.items {
		it := &f.items[i]
		if i == len(f.items)-1 {
			here, hereVal = pageProp(f.next)
		}
		if here != "" {
			it.off[here] = hereVal
		}
		t.sourceRecord(&f.recs[i], ep, it)
	}
}

// returned notes that the records made of items are returned: they are
// seen, the last is where the next request starts from, and each waits for
// its acknowledgement. Those without a timestamp get the time of the poll.
func (t *Task) returned(ep *endpoint, items []item, recs []connect.SourceRecord) {
	now := t.o.clock.Now()
	for i := range items {
		if !items[i].hasTS {
			recs[i].Timestamp = now
			if v, ok := recs[i].Value.(*connect.Struct); ok && v.Schema() == castormValueSchema {
				v.MustPut("timestamp", now.UnixMilli()) // castorm's: System.currentTimeMillis()
			}
		}
		ep.seen.add(items[i].id)
		if t.s.seenSize > 0 {
			items[i].off[seenKey] = ep.seen.snapshot()
		}
	}
	if len(items) > 0 {
		ep.setReturned(offsetOf(items[len(items)-1].off))
	}
	t.mu.Lock()
	for i := range items {
		ep.pending = append(ep.pending, record{src: items[i].off, key: reflect.ValueOf(items[i].off).UnsafePointer()})
	}
	ep.popDone()
	t.mu.Unlock()
}

// pageProp returns the offset property that resumes a walk at pg, and its
// value, boxed once for all the records of a page; "" without a walk.
func pageProp(pg *page) (string, any) {
	switch {
	case pg == nil:
		return "", nil
	case pg.url != "":
		return offsetPageURL, pg.url
	}
	return offsetPage, pg.cursor
}

// item reads one list element: its value, offset properties, key and
// timestamp, as castorm's JacksonKvRecordHttpResponseParser does.
func (t *Task) item(el element) (item, error) {
	value, ok := el.get(t.s.recordPtr)
	if !ok {
		return item{}, fmt.Errorf("%s %s not found", RecordPointerConfig, t.s.recordPtr)
	}
	it := item{value: value, off: make(map[string]any, len(t.s.offsetPtrs)+3)} // + key, page, seen
	hasKey, hasTS := false, false
	for _, np := range t.s.offsetPtrs {
		v, ok := el.text(np.ptr)
		if !ok {
			return item{}, fmt.Errorf("%s %s=%s not found", OffsetPointerConfig, np.name, np.ptr)
		}
		switch np.name {
		case offsetKey:
			it.key, hasKey = v, true
		case offsetTimestamp:
			it.tsText, hasTS = v, true
		default:
			it.off[np.name] = v
		}
	}
	if len(t.s.keyPtrs) > 0 {
		parts := make([]string, 0, 4)
		for _, p := range t.s.keyPtrs {
			if s, ok := el.text(p); ok && s != "" {
				parts = append(parts, s)
			}
		}
		it.key, hasKey = strings.Join(parts, "+"), true
	}
	if !hasKey {
		it.key = nameUUID(castormText(value))
	}
	it.keyVal = it.key
	it.off[offsetKey] = it.keyVal
	if t.s.tsPtr != nil {
		v, ok := el.text(t.s.tsPtr)
		if !ok {
			return item{}, fmt.Errorf("%s %s not found", TimestampPointerConfig, t.s.tsPtr)
		}
		it.tsText, hasTS = v, true
	}
	if hasTS {
		ts, err := t.s.parseTS(it.tsText)
		if err != nil {
			return item{}, err
		}
		it.ts, it.hasTS = ts, true
		// A timestamp already in Instant.toString's form, the common
		// case, is kept as it is.
		if canonical := len(it.tsText) == 20 && it.tsText[10] == 'T' && it.tsText[19] == 'Z' && ts.Nanosecond() == 0; !canonical {
			it.tsText = formatInstant(ts)
		}
		it.off[offsetTimestamp] = it.tsText
	}
	if raw, ok := value.(json.RawMessage); ok {
		it.id = identity(it.key, it.tsText, raw)
	} else {
		it.id = identity(it.key, it.tsText, []byte(castormText(value)))
	}
	return it, nil
}

// asText is Jackson's asText, except that objects and arrays give their
// JSON rather than "".
func asText(v any) string {
	switch x := v.(type) {
	case json.RawMessage:
		return rawText(x)
	case string:
		return x
	case nil:
		return "null"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// valueText is the text of a record value for castorm's string and struct
// mappers: JSON for objects and arrays, the text of anything else.
func valueText(v any) string { return asText(v) }

// nameUUID is Java's UUID.nameUUIDFromBytes (version 3, MD5), castorm's
// key for records without one.
func nameUUID(s string) string {
	h := md5.Sum([]byte(s))
	h[6] = h[6]&0x0f | 0x30
	h[8] = h[8]&0x3f | 0x80
	var b [36]byte
	hex.Encode(b[0:8], h[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], h[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], h[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], h[8:10])
	b[23] = '-'
	hex.Encode(b[24:], h[10:])
	return string(b[:])
}

// sort puts items oldest first, as http.response.list.order.direction says.
func (t *Task) sort(items []item) {
	reverse := false
	switch t.s.order {
	case "DESC":
		reverse = true
	case "IMPLICIT":
		if n := len(items); n > 1 && items[0].hasTS && items[n-1].hasTS {
			reverse = items[0].ts.After(items[n-1].ts)
		}
	}
	if reverse {
		slices.Reverse(items)
	}
}

// filter keeps the items that are new. The reference is the offset of the
// last record returned. A request from the templates (not the next page of
// a walk) keeps what is later than its timestamp; in any case, an item
// after the reference's own record in the list is new, one at or before it
// is not, and an item seen recently is not. Without a timestamp, and
// without the reference's record in the list, every unseen item is new:
// castorm passed everything when no timestamp was configured.
func (t *Task) filter(ep *endpoint, items []item) []item {
	if t.s.filter == filterPassthrough {
		return items
	}
	ref := ep.returned
	fresh := ep.walk == nil
	match := -1
	if key := ref[offsetKey]; key != "" && t.s.filter == filterOffset {
		ts := ref[offsetTimestamp]
		for i := range items {
			if items[i].key == key && items[i].tsText == ts {
				match = i
			}
		}
	}
	byTime := fresh && !ep.refTS.IsZero()
	// Once versions were seen (restored with the offset, or produced since
	// the start), they decide, and an entry before the reference's in the
	// list is new when its version is: an API may reorder its list, and an
	// entry may change. Before, castorm's rule: what is at or before the
	// reference is old, and is noted as seen.
	positional := match >= 0 && ep.seen.empty()
	out := items[:0]
	for i, it := range items {
		if ep.seen.has(it.id) {
			continue
		}
		var keep bool
		switch {
		case t.s.filter == filterTimestamp:
			keep = !byTime || !it.hasTS || it.ts.After(ep.refTS)
		case positional:
			keep = i > match || byTime && it.hasTS && it.ts.After(ep.refTS)
			if !keep {
				ep.seen.add(it.id)
			}
		case byTime && it.hasTS:
			keep = !it.ts.Before(ep.refTS)
		default:
			keep = true
		}
		if keep {
			out = append(out, it)
		}
	}
	return out
}

// nextPage finds where a walk through pages goes next, or nil.
func (t *Task) nextPage(doc element, h http.Header, reqURL *url.URL) (*page, error) {
	switch {
	case t.s.nextCursor != nil:
		v, ok := doc.get(t.s.nextCursor)
		if !ok || v == nil {
			return nil, nil
		}
		if c := strings.Clone(asText(v)); c != "" {
			return &page{cursor: c}, nil
		}
	case t.s.nextPage != nil:
		v, ok := doc.get(t.s.nextPage)
		if !ok || v == nil {
			return nil, nil
		}
		return pageURL(reqURL, asText(v))
	case t.s.nextLink:
		return pageURL(reqURL, nextLink(h.Values("Link")))
	}
	return nil, nil
}

// pageURL resolves a next-page URL against the URL of the request.
func pageURL(base *url.URL, next string) (*page, error) {
	if next == "" {
		return nil, nil
	}
	nu, err := base.Parse(next)
	if err != nil || (nu.Scheme != "http" && nu.Scheme != "https") {
		return nil, fmt.Errorf("next page %q is not an http or https URL", next)
	}
	return &page{url: nu.String()}, nil
}

// sourceRecord maps an item to a record, as http.response.record.mapper
// says, writing it into r, which is zero.
func (t *Task) sourceRecord(r *connect.SourceRecord, ep *endpoint, it *item) {
	r.SourcePartition, r.SourceOffset, r.Topic = ep.partition, it.off, t.s.topic
	if it.hasTS {
		r.Timestamp = it.ts
	}
	switch {
	case t.s.mapper == simpleName(JSONMapper):
		r.Key, r.Value = it.keyVal, it.value
	case t.s.mapper == simpleName(SchemedMapper):
		r.KeySchema = castormKeySchema
		r.Key = connect.NewStruct(castormKeySchema).MustPut("key", it.key)
		v := connect.NewStruct(castormValueSchema).MustPut("value", castormText(it.value)).MustPut("key", it.key)
		if it.hasTS {
			v.MustPut("timestamp", it.ts.UnixMilli())
		} // else the time of the poll, set when the record is returned
		r.ValueSchema, r.Value = castormValueSchema, v
	default: // the StringKvSourceRecordMapper
		r.KeySchema, r.Key = connect.OptionalStringSchema, it.key
		r.ValueSchema, r.Value = connect.StringSchema, castormText(it.value)
	}
}
