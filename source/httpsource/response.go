package httpsource

import (
	"bytes"
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
	"time"

	"github.com/connectkit/connectkit/connect"
)

// item is one element of a response's list, before filtering.
type item struct {
	id    string // key and timestamp, for the seen set
	value any
	off   map[string]any // the record's SourceOffset: string values only
	ts    time.Time
	hasTS bool
}

// prop returns a property of an item's offset.
func (it *item) prop(name string) string {
	s, _ := it.off[name].(string)
	return s
}

// decode reads a response's list of items and finds the next page. An
// error means the body as a whole is malformed; under errors.tolerance=all a
// bad element is only logged and left out. It touches no state of the task.
//
// With the JsonRecordMapper the body is only checked, not decoded: the
// document and every value taken from it are json.RawMessage slices of the
// body (see rawjson.go).
func (t *Task) decode(body []byte, h http.Header, reqURL *url.URL) ([]item, *page, error) {
	var doc any
	var err error
	if t.s.rawValues {
		// The converter checks pre-encoded JSON as strictly as it reads.
		if _, err = t.json.FromConnectData("", nil, json.RawMessage(body)); err == nil {
			doc = json.RawMessage(bytes.TrimSpace(body))
			if raw := doc.(json.RawMessage); raw[0] == '{' {
				var o rawObject // read once for the list and next-page pointers
				o.readAt(raw, 0)
				doc = &o
			}
		}
	} else {
		_, doc, err = t.json.ToConnectData("", body)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("body is not JSON: %w%s", err, snippet(body))
	}
	list, ok := t.s.listPtr.get(doc)
	if !ok {
		return nil, nil, fmt.Errorf("%s %s not found in the body%s", ListPointerConfig, t.s.listPtr, snippet(body))
	}
	var items []item
	add := func(i int, el any) error {
		it, err := t.item(el)
		if err != nil {
			err = fmt.Errorf("list element %d: %w", i, err)
			if !t.s.tolerateAll {
				return err
			}
			t.log.Warn("skipping list element (errors.tolerance=all)", "request", redactURL(reqURL), "err", err)
			return nil
		}
		items = append(items, it)
		return nil
	}
	switch l := list.(type) {
	case []any:
		items = make([]item, 0, len(l))
		for i, el := range l {
			if err := add(i, el); err != nil {
				return nil, nil, err
			}
		}
	case json.RawMessage:
		if l[0] != '[' {
			err = add(0, l)
			break
		}
		var obj rawObject // each element, read once for all the pointers into it
		i := 0
		rawElements(l, &obj, func(el any) bool {
			err = add(i, el)
			i++
			return err == nil
		})
	case nil:
	default:
		err = add(0, l)
	}
	if err != nil {
		return nil, nil, err
	}
	next, err := t.nextPage(doc, h, reqURL)
	if err != nil {
		return nil, nil, err
	}
	return items, next, nil
}

// records sorts and filters items and makes records of those that are new,
// each with the offset to resume from: on the page it came from, or the
// next page for the last record.
func (t *Task) records(ep *endpoint, items []item, next *page) []connect.SourceRecord {
	t.sort(items)
	items = t.filter(ep, items)
	recs := make([]connect.SourceRecord, len(items))
	slab := make([]record, len(items))
	pend := make([]*record, len(items))
	now := t.o.clock.Now()
	for i := range items {
		it := &items[i]
		pg := ep.walk
		if i == len(items)-1 {
			pg = next
		}
		if pg != nil && pg.url != "" {
			it.off[offsetPageURL] = pg.url
		} else if pg != nil {
			it.off[offsetPage] = pg.cursor
		}
		recs[i] = t.sourceRecord(ep, it, now)
		slab[i] = record{src: it.off, key: reflect.ValueOf(it.off).UnsafePointer()}
		pend[i] = &slab[i]
		ep.seen.add(it.id)
	}
	if len(items) > 0 {
		ep.setReturned(offsetOf(items[len(items)-1].off))
	}
	t.mu.Lock()
	ep.pending = append(ep.pending, pend...)
	for _, p := range pend {
		ep.byMap[p.key] = p
	}
	ep.popDone()
	t.mu.Unlock()
	return recs
}

// item reads one list element: its value, offset properties, key and
// timestamp, as castorm's JacksonKvRecordHttpResponseParser does.
func (t *Task) item(el any) (item, error) {
	value, ok := t.s.recordPtr.get(el)
	if !ok {
		return item{}, fmt.Errorf("%s %s not found", RecordPointerConfig, t.s.recordPtr)
	}
	switch x := value.(type) {
	case *rawObject:
		value = x.value()
	case json.RawMessage:
		value = compactRaw(x)
	}
	it := item{value: value, off: make(map[string]any, len(t.s.offsetPtrs)+2)}
	for _, np := range t.s.offsetPtrs {
		v, ok := textAt(np.ptr, el)
		if !ok {
			return item{}, fmt.Errorf("%s %s=%s not found", OffsetPointerConfig, np.name, np.ptr)
		}
		it.off[np.name] = v
	}
	if len(t.s.keyPtrs) > 0 {
		var parts []string
		for _, p := range t.s.keyPtrs {
			if s, ok := textAt(p, el); ok && s != "" {
				parts = append(parts, s)
			}
		}
		it.off[offsetKey] = strings.Join(parts, "+")
	}
	if _, ok := it.off[offsetKey]; !ok {
		it.off[offsetKey] = nameUUID(valueText(value))
	}
	tsText, hasTS := it.off[offsetTimestamp].(string)
	if t.s.tsPtr != nil {
		v, ok := textAt(t.s.tsPtr, el)
		if !ok {
			return item{}, fmt.Errorf("%s %s not found", TimestampPointerConfig, t.s.tsPtr)
		}
		tsText, hasTS = v, true
	}
	if hasTS {
		ts, err := t.s.parseTS(tsText)
		if err != nil {
			return item{}, err
		}
		it.ts, it.hasTS = ts, true
		// A timestamp already in Instant.toString's form, the common
		// case, is kept as it is.
		canonical := len(tsText) == 20 && tsText[10] == 'T' && tsText[19] == 'Z' && ts.Nanosecond() == 0
		switch {
		case !canonical:
			it.off[offsetTimestamp] = formatInstant(ts)
		case t.s.tsPtr != nil:
			it.off[offsetTimestamp] = tsText
		}
	}
	it.id = identity(it.prop(offsetKey), it.prop(offsetTimestamp))
	return it, nil
}

// asText is Jackson's asText, except that objects and arrays give their
// JSON rather than "".
func asText(v any) string {
	switch x := v.(type) {
	case json.RawMessage:
		return rawText(x)
	case *rawObject:
		return rawText(x.raw)
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
		for i := range items {
			if items[i].prop(offsetKey) == key && items[i].prop(offsetTimestamp) == ref[offsetTimestamp] {
				match = i
			}
		}
	}
	byTime := fresh && !ep.refTS.IsZero()
	out := items[:0]
	for i, it := range items {
		if ep.seen.has(it.id) {
			continue
		}
		var keep bool
		switch {
		case t.s.filter == filterTimestamp:
			keep = !byTime || !it.hasTS || it.ts.After(ep.refTS)
		case match >= 0:
			keep = i > match || byTime && it.hasTS && it.ts.After(ep.refTS)
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

// identity tells records apart for the seen set: key and timestamp.
func identity(key, ts string) string { return key + "\x00" + ts }

// nextPage finds where a walk through pages goes next, or nil.
func (t *Task) nextPage(doc any, h http.Header, reqURL *url.URL) (*page, error) {
	switch {
	case t.s.nextCursor != nil:
		v, ok := t.s.nextCursor.get(doc)
		if !ok || v == nil {
			return nil, nil
		}
		if c := asText(v); c != "" {
			return &page{cursor: c}, nil
		}
	case t.s.nextPage != nil:
		v, ok := t.s.nextPage.get(doc)
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

var (
	castormKeySchema = connect.StructSchema("com.github.castorm.kafka.connect.http.Key",
		connect.Field{Name: "key", Schema: connect.OptionalStringSchema})
	castormValueSchema = connect.StructSchema("com.github.castorm.kafka.connect.http.Value",
		connect.Field{Name: "value", Schema: connect.StringSchema},
		connect.Field{Name: "key", Schema: connect.OptionalStringSchema},
		connect.Field{Name: "timestamp", Schema: connect.OptionalInt64Schema})
)

// sourceRecord maps an item to a record, as http.response.record.mapper
// says.
func (t *Task) sourceRecord(ep *endpoint, it *item, now time.Time) connect.SourceRecord {
	r := connect.SourceRecord{SourcePartition: ep.partition, SourceOffset: it.off, Topic: t.s.topic, Timestamp: now}
	if it.hasTS {
		r.Timestamp = it.ts
	}
	key := it.prop(offsetKey)
	switch t.s.mapper {
	case simpleName(SchemedMapper):
		r.KeySchema = castormKeySchema
		r.Key = connect.NewStruct(castormKeySchema).MustPut("key", key)
		v := connect.NewStruct(castormValueSchema).MustPut("value", valueText(it.value)).MustPut("key", key)
		if it.hasTS {
			v.MustPut("timestamp", it.ts.UnixMilli())
		}
		r.ValueSchema, r.Value = castormValueSchema, v
	case simpleName(StringMapper):
		r.KeySchema, r.Key = connect.OptionalStringSchema, key
		r.ValueSchema, r.Value = connect.StringSchema, valueText(it.value)
	default:
		r.Key, r.Value = it.off[offsetKey], it.value // the key as boxed in the offset: one allocation fewer
	}
	return r
}
