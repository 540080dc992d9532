package httpsource

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/connectkit/connectkit/converters"
)

// The JsonRecordMapper reads a response without decoding its records: the
// body is checked once, then JSON Pointers are followed through the text and
// each record's value is a json.RawMessage slice of the body, which the
// JsonConverter writes as it is. Only the values that pointers select for
// offsets, keys and timestamps are turned into text.
//
// The functions below walk JSON that was checked to be valid, so they look
// only at what they need: structure, string bounds and escapes.

// plainJSON decodes the few raw values that need it (text of escaped
// strings, of non-integral numbers, of objects and arrays).
var plainJSON = func() *converters.JSONConverter {
	c, err := converters.NewJSONConverter(map[string]string{"schemas.enable": "false"}, false)
	if err != nil {
		panic(err) // a fixed, valid configuration
	}
	return c
}()

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// skipString returns the index after the string that starts at b[i], a
// quote, and whether it holds escapes.
func skipString(b []byte, i int) (int, bool) {
	i++
	q := bytes.IndexByte(b[i:], '"')
	if q < 0 {
		return len(b), false
	}
	if bytes.IndexByte(b[i:i+q], '\\') < 0 {
		return i + q + 1, false // the common case: no escapes
	}
	for ; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1, true
		}
	}
	return len(b), true
}

// skipRaw returns the index after the value that starts at b[i], and
// whether it holds white space between tokens.
func skipRaw(b []byte, i int) (end int, spaced bool) {
	switch b[i] {
	case '"':
		end, _ := skipString(b, i)
		return end, false
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i, _ = skipString(b, i)
				i--
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1, spaced
				}
			case ' ', '\t', '\n', '\r':
				spaced = true
			}
		}
		return len(b), spaced
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && !isSpace(b[i]) {
		i++
	}
	return i, false
}

// rawObject is an object's members, read once for the several pointers
// into it: the body's, for the list and next-page pointers, and each list
// element's, for the record, offset, key and timestamp pointers.
type rawObject struct {
	raw     json.RawMessage
	members []rawMember
	spaced  bool // white space between tokens
}

type rawMember struct{ key, value json.RawMessage }

// readAt reads the object that starts at b[i] into o, reusing o's memory,
// and returns the index after it.
func (o *rawObject) readAt(b []byte, i int) int {
	start := i
	o.members, o.spaced = o.members[:0], false
	space := func(j int) int {
		k := skipSpace(b, j)
		o.spaced = o.spaced || k > j
		return k
	}
	i = space(i + 1)
	for i < len(b) && b[i] == '"' {
		kEnd, _ := skipString(b, i)
		key := b[i:kEnd]
		i = space(space(kEnd) + 1) // past the colon
		vEnd, spaced := skipRaw(b, i)
		o.spaced = o.spaced || spaced
		o.members = append(o.members, rawMember{key, b[i:vEnd]})
		i = space(vEnd)
		if i < len(b) && b[i] == ',' {
			i = space(i + 1)
		}
	}
	end := min(i+1, len(b)) // past the closing brace
	o.raw = b[start:end]
	return end
}

// member returns the value of the last member named name: the last of
// repeated keys counts, as in decoding.
func (o *rawObject) member(name string) (json.RawMessage, bool) {
	for i := len(o.members) - 1; i >= 0; i-- {
		if keyIs(o.members[i].key, name) {
			return o.members[i].value, true
		}
	}
	return nil, false
}

// get is pointer.get for a read object.
func (o *rawObject) get(p pointer) (any, bool) {
	if len(p) == 0 {
		return o, true
	}
	v, ok := o.at(p)
	if !ok || string(v) == "null" {
		return nil, ok
	}
	return v, true
}

// at returns the text of the value p points at in o.
func (o *rawObject) at(p pointer) (json.RawMessage, bool) {
	if len(p) == 0 {
		return o.raw, true
	}
	v, ok := o.member(p[0])
	if !ok {
		return nil, false
	}
	return p[1:].rawAt(v)
}

// value is the object's text as a record value, without white space
// between tokens.
func (o *rawObject) value() json.RawMessage {
	if o.spaced {
		return compactRaw(o.raw)
	}
	return o.raw
}

// rawElements calls fn with each element of the array b, until fn returns
// false. An object element is read into obj and passed as obj; any other
// element as its text, or nil for a JSON null.
func rawElements(b json.RawMessage, obj *rawObject, fn func(el any) bool) {
	i := skipSpace(b, 1)
	for i < len(b) && b[i] != ']' {
		var end int
		var el any
		if b[i] == '{' {
			end = obj.readAt(b, i)
			el = obj
		} else {
			end, _ = skipRaw(b, i)
			if string(b[i:end]) != "null" {
				el = json.RawMessage(b[i:end])
			}
		}
		if !fn(el) {
			return
		}
		i = skipSpace(b, end)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
}

// keyIs reports whether the quoted key equals name.
func keyIs(key json.RawMessage, name string) bool {
	if bytes.IndexByte(key, '\\') < 0 {
		return string(key[1:len(key)-1]) == name
	}
	var k string
	return json.Unmarshal(key, &k) == nil && k == name
}

// getRaw is pointer.get for JSON text. A JSON null gives nil, as decoding
// does.
func (p pointer) getRaw(v json.RawMessage) (any, bool) {
	v, ok := p.rawAt(v)
	if !ok || string(v) == "null" {
		return nil, ok
	}
	return v, true
}

// rawAt returns the text of the value p points at in v.
func (p pointer) rawAt(v json.RawMessage) (json.RawMessage, bool) {
	for _, tok := range p {
		var next json.RawMessage
		var o rawObject
		switch v[0] {
		case '{':
			o.readAt(v, 0)
			next, _ = o.member(tok)
		case '[':
			n, err := strconv.Atoi(tok)
			if err != nil || n < 0 {
				return nil, false
			}
			rawElements(v, &o, func(el any) bool {
				if n == 0 {
					next = rawOf(el)
					return false
				}
				n--
				return true
			})
		}
		if next == nil {
			return nil, false
		}
		v = next
	}
	return v, true
}

// textAt is asText of the value p points at in el, an element of a list:
// for a read object, without boxing the value's text in an interface.
func textAt(p pointer, el any) (string, bool) {
	if o, ok := el.(*rawObject); ok {
		v, ok := o.at(p)
		if !ok {
			return "", false
		}
		return rawText(v), true
	}
	v, ok := p.get(el)
	if !ok {
		return "", false
	}
	return asText(v), true
}

// rawOf is the text of an element rawElements passed.
func rawOf(el any) json.RawMessage {
	switch x := el.(type) {
	case *rawObject:
		return x.raw
	case json.RawMessage:
		return x
	}
	return json.RawMessage("null")
}

// rawText is asText of a raw value: short cuts for plain strings,
// integers and literals, decoding for the rest.
func rawText(v json.RawMessage) string {
	switch c := v[0]; {
	case c == '"':
		if end, escaped := skipString(v, 0); !escaped && end == len(v) {
			return string(v[1 : len(v)-1])
		}
	case c == 't':
		return "true"
	case c == 'f':
		return "false"
	case c == 'n':
		return "null"
	case c == '-' || c >= '0' && c <= '9':
		if plainInteger(v) {
			return string(v)
		}
	}
	_, d, err := plainJSON.ToConnectData("", v)
	if err != nil {
		// An integer beyond int64, which the decoder refuses: its
		// digits, as Jackson's asText prints a BigInteger.
		return string(v)
	}
	return asText(d)
}

// plainInteger reports whether v is an integer that decoding reads as an
// int64 and asText prints back unchanged.
func plainInteger(v []byte) bool {
	digits := v
	if v[0] == '-' {
		digits = v[1:]
	}
	if len(digits) == 0 || len(digits) > 18 || string(v) == "-0" {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// compactRaw returns v without the white space between its tokens: a
// record's value is written to Kafka as it is, and an API that indents its
// responses should not indent every record.
func compactRaw(v json.RawMessage) json.RawMessage {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"':
			i, _ = skipString(v, i)
			i--
		case isSpace(c):
			var buf bytes.Buffer
			if json.Compact(&buf, v) != nil {
				return v // checked before: not reached
			}
			return buf.Bytes()
		}
	}
	return v
}
