package httpsource

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/connectkit/connectkit/converters"
	"github.com/connectkit/connectkit/internal/jsontext"
)

// The JsonRecordMapper reads a response without decoding its records. One
// pass over the body checks it, as strictly as the JsonConverter reads JSON,
// and notes where its values are on a tape, down to the depth the pointers
// reach. Pointers are then followed on the tape, each record's value is a
// json.RawMessage slice of the body, which the JsonConverter writes as it
// is, and only the values that pointers select for offsets, keys and
// timestamps are turned into text, without copying.
//
// The body is never written after it is read, so that slices and strings of
// it can outlive the response.

// Limits on hostile input: the JsonConverter's, so that the body is refused
// here rather than its records one by one at conversion.
const (
	maxJSONDepth    = jsontext.MaxDepth
	maxNumberLength = 1000
)

// tape is a checked body and the values on it, in document order.
type tape struct {
	body  []byte
	nodes []node
	depth int // values nested deeper than this are checked, not noted

	pos    int
	level  int // containers open at pos
	spaces int // runs of white space between tokens so far
}

// node is one value on the tape.
type node struct {
	start, end int // the value's text
	keyStart   int // the quoted key of an object member; keyEnd is 0 otherwise
	keyEnd     int
	after      int  // index of the node after the value and its members or elements
	kind       byte // the value's first byte
	spaced     bool // white space between its tokens
	escapedKey bool
}

var tapes = sync.Pool{New: func() any { return new(tape) }}

// readTape checks body and notes its values down to depth levels below the
// document. Give the tape back with release once nothing reads it.
func readTape(body []byte, depth int) (*tape, error) {
	t := tapes.Get().(*tape)
	t.body, t.nodes, t.depth = body, t.nodes[:0], depth
	t.pos, t.level, t.spaces = 0, 0, 0
	t.skipSpace()
	err := t.read(0, 0, 0, false)
	if err == nil {
		t.skipSpace()
		if t.pos < len(body) {
			err = t.errAt("after top-level value")
		}
	}
	if err != nil {
		t.release()
		return nil, err
	}
	return t, nil
}

func (t *tape) release() {
	t.body = nil
	tapes.Put(t)
}

// syntaxError is where and why a body is not JSON.
type syntaxError struct {
	msg    string
	offset int
}

func (e *syntaxError) Error() string { return e.msg + " at byte " + strconv.Itoa(e.offset) }

// errAt reports the byte at pos as unexpected, or the end of the body.
func (t *tape) errAt(context string) error {
	if t.pos >= len(t.body) {
		return t.endErr()
	}
	return &syntaxError{"invalid character " + jsontext.QuoteByte(t.body[t.pos]) + " " + context, t.pos}
}

func (t *tape) endErr() error { return &syntaxError{"unexpected end of JSON input", len(t.body)} }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (t *tape) skipSpace() {
	start := t.pos
	for t.pos < len(t.body) && isSpace(t.body[t.pos]) {
		t.pos++
	}
	if t.pos != start {
		t.spaces++
	}
}

// read checks the value at pos, which starts with no white space, and
// notes it if it lies within the tape's depth. The key, if it is an object
// member, is at body[keyStart:keyEnd].
func (t *tape) read(depth, keyStart, keyEnd int, escapedKey bool) error {
	if t.pos >= len(t.body) {
		return t.endErr()
	}
	n := -1
	if depth <= t.depth {
		n = len(t.nodes)
		t.nodes = append(t.nodes, node{start: t.pos, keyStart: keyStart, keyEnd: keyEnd, escapedKey: escapedKey, kind: t.body[t.pos]})
	}
	spaces := t.spaces
	var err error
	switch c := t.body[t.pos]; {
	case c == '{':
		err = t.object(depth)
	case c == '[':
		err = t.array(depth)
	case c == '"':
		_, err = t.string()
	case c == 't':
		err = t.literal("true")
	case c == 'f':
		err = t.literal("false")
	case c == 'n':
		err = t.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		err = t.number()
	default:
		err = t.errAt("looking for beginning of value")
	}
	if err != nil {
		return err
	}
	if n >= 0 {
		nd := &t.nodes[n]
		nd.end, nd.after, nd.spaced = t.pos, len(t.nodes), t.spaces != spaces
	}
	return nil
}

// open enters the container at pos and reports whether it is empty, its
// closing byte read too.
func (t *tape) open(closing byte) (empty bool, err error) {
	if t.level++; t.level > maxJSONDepth {
		return false, &syntaxError{fmt.Sprintf("nesting deeper than %d", maxJSONDepth), t.pos}
	}
	t.pos++
	t.skipSpace()
	if t.pos < len(t.body) && t.body[t.pos] == closing {
		t.pos++
		t.level--
		return true, nil
	}
	return false, nil
}

// next reads the comma before the next member or element, and reports
// false after the closing byte instead.
func (t *tape) next(closing byte, context string) (more bool, err error) {
	t.skipSpace()
	if t.pos < len(t.body) {
		switch t.body[t.pos] {
		case ',':
			t.pos++
			t.skipSpace()
			return true, nil
		case closing:
			t.pos++
			t.level--
			return false, nil
		}
	}
	return false, t.errAt(context)
}

func (t *tape) object(depth int) error {
	empty, err := t.open('}')
	if err != nil || empty {
		return err
	}
	for {
		if t.pos >= len(t.body) || t.body[t.pos] != '"' {
			return t.errAt("looking for beginning of object key string")
		}
		keyStart := t.pos
		escaped, err := t.string()
		if err != nil {
			return err
		}
		keyEnd := t.pos
		t.skipSpace()
		if t.pos >= len(t.body) || t.body[t.pos] != ':' {
			return t.errAt("after object key")
		}
		t.pos++
		t.skipSpace()
		if err := t.read(depth+1, keyStart, keyEnd, escaped); err != nil {
			return err
		}
		if more, err := t.next('}', "after object key:value pair"); err != nil || !more {
			return err
		}
	}
}

func (t *tape) array(depth int) error {
	empty, err := t.open(']')
	if err != nil || empty {
		return err
	}
	for {
		if err := t.read(depth+1, 0, 0, false); err != nil {
			return err
		}
		if more, err := t.next(']', "after array element"); err != nil || !more {
			return err
		}
	}
}

// string checks the string at pos and reports whether it holds escapes.
// Its UTF-8 is checked, as the JsonConverter does.
func (t *tape) string() (escaped bool, err error) {
	b := t.body
	start := t.pos + 1
	ascii := true
	for i := start; ; {
		if i = jsontext.SkipPlain(b, i); i >= len(b) {
			return false, t.endErr()
		}
		switch c := b[i]; {
		case c == '"':
			t.pos = i + 1
			if !ascii && !utf8.Valid(b[start:i]) {
				return false, &syntaxError{"invalid UTF-8 in string", start + invalidUTF8(b[start:i])}
			}
			return escaped, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(b) {
				return false, t.endErr()
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for k := i + 2; k < i+6; k++ {
					if k >= len(b) || jsontext.Unhex(b[k]) < 0 {
						t.pos = k
						return false, t.errAt("in \\u hexadecimal character escape")
					}
				}
				i += 6
			default:
				t.pos = i + 1
				return false, t.errAt("in string escape code")
			}
		case c < 0x20:
			t.pos = i
			return false, t.errAt("in string literal")
		default:
			ascii = ascii && c < utf8.RuneSelf
			i++
		}
	}
}

// invalidUTF8 returns the index of the first byte of b that is not UTF-8.
func invalidUTF8(b []byte) int {
	i := 0
	for i < len(b) {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		i += n
	}
	return i
}

func (t *tape) literal(word string) error {
	for i := 0; i < len(word); i++ {
		if t.pos >= len(t.body) || t.body[t.pos] != word[i] {
			return t.errAt("in literal " + word + " (expecting " + jsontext.QuoteByte(word[i]) + ")")
		}
		t.pos++
	}
	return nil
}

// number checks a number. Leading zeros are allowed, as Kafka configures
// Jackson to allow them.
func (t *tape) number() error {
	start := t.pos
	if t.body[t.pos] == '-' {
		t.pos++
	}
	if !t.digits() {
		return t.errAt("in numeric literal")
	}
	if t.pos < len(t.body) && t.body[t.pos] == '.' {
		t.pos++
		if !t.digits() {
			return t.errAt("after decimal point in numeric literal")
		}
	}
	if t.pos < len(t.body) && (t.body[t.pos] == 'e' || t.body[t.pos] == 'E') {
		t.pos++
		if t.pos < len(t.body) && (t.body[t.pos] == '+' || t.body[t.pos] == '-') {
			t.pos++
		}
		if !t.digits() {
			return t.errAt("in exponent of numeric literal")
		}
	}
	if t.pos-start > maxNumberLength {
		return &syntaxError{fmt.Sprintf("number longer than %d characters", maxNumberLength), start}
	}
	return nil
}

func (t *tape) digits() bool {
	start := t.pos
	for t.pos < len(t.body) && t.body[t.pos] >= '0' && t.body[t.pos] <= '9' {
		t.pos++
	}
	return t.pos > start
}

// find returns the node p points at from node n, or -1. Of repeated keys
// the last counts, as in decoding.
func (t *tape) find(n int, p pointer) int {
	for _, tok := range p {
		nd := &t.nodes[n]
		found := -1
		switch nd.kind {
		case '{':
			for c := n + 1; c < nd.after; c = t.nodes[c].after {
				m := &t.nodes[c]
				if m.escapedKey {
					if jsontext.Unescape(t.body[m.keyStart+1:m.keyEnd-1]) == tok {
						found = c
					}
				} else if m.keyEnd-m.keyStart-2 == len(tok) && string(t.body[m.keyStart+1:m.keyEnd-1]) == tok {
					found = c
				}
			}
		case '[':
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 {
				return -1
			}
			for c := n + 1; c < nd.after; c = t.nodes[c].after {
				if i == 0 {
					found = c
					break
				}
				i--
			}
		}
		if found < 0 {
			return -1
		}
		n = found
	}
	return n
}

// elements returns how many members or elements node n holds.
func (t *tape) elements(n int) int {
	count := 0
	for c := n + 1; c < t.nodes[n].after; c = t.nodes[c].after {
		count++
	}
	return count
}

// raw returns the text of node n.
func (t *tape) raw(n int) json.RawMessage {
	nd := &t.nodes[n]
	return t.body[nd.start:nd.end:nd.end]
}

// value is node n as a record value: its text without white space between
// tokens (an API that indents its responses should not indent every
// record), or nil for a JSON null.
func (t *tape) value(n int) json.RawMessage {
	nd := &t.nodes[n]
	switch {
	case nd.kind == 'n':
		return nil
	case nd.spaced:
		return compact(t.raw(n))
	}
	return t.raw(n)
}

// compact returns checked JSON without the white space between its tokens.
func compact(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c == '"':
			end := i + 1
			for raw[end] != '"' {
				if raw[end] == '\\' {
					end++
				}
				end++
			}
			out = append(out, raw[i:end+1]...)
			i = end
		case !isSpace(c):
			out = append(out, c)
		}
	}
	return out
}

// element is a list element, or the whole body, as item and nextPage read
// it: on a tape.
type element interface {
	// get returns the value p points at, as a record value; a JSON null is
	// nil.
	get(p pointer) (any, bool)
	// text returns asText of the value p points at.
	text(p pointer) (string, bool)
}

// onTape is node n of a tape.
type onTape struct {
	t *tape
	n int
}

func (e *onTape) get(p pointer) (any, bool) {
	n := e.t.find(e.n, p)
	if n < 0 {
		return nil, false
	}
	if v := e.t.value(n); v != nil {
		return v, true
	}
	return nil, true
}

func (e *onTape) text(p pointer) (string, bool) {
	n := e.t.find(e.n, p)
	if n < 0 {
		return "", false
	}
	return rawText(e.t.raw(n)), true
}

// plainJSON decodes the few raw values that need it (text of escaped
// strings, of non-integral numbers, of objects and arrays).
var plainJSON = func() *converters.JSONConverter {
	c, err := converters.NewJSONConverter(map[string]string{"schemas.enable": "false"}, false)
	if err != nil {
		panic(err) // a fixed, valid configuration
	}
	return c
}()

// rawText is asText of a checked raw value: for plain strings, integers and
// literals a string of the body's own bytes, decoding for the rest.
func rawText(v json.RawMessage) string {
	switch c := v[0]; {
	case c == '"':
		if bytes.IndexByte(v, '\\') < 0 {
			return unsafe.String(unsafe.SliceData(v[1:]), len(v)-2)
		}
	case c == 't':
		return "true"
	case c == 'f':
		return "false"
	case c == 'n':
		return "null"
	case c == '-' || c >= '0' && c <= '9':
		if plainInteger(v) {
			return unsafe.String(unsafe.SliceData(v), len(v))
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
