package jsonpath

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/connectkit/connectkit/internal/jsontext"
)

// number is a JSON number as written, so that it prints and compares the
// way json-smart, the parser behind Jayway, reads it: as an Integer, Long or
// BigInteger when it has no fraction or exponent, else as a Double.
type number string

// isDouble reports whether json-smart reads n as a Double.
func (n number) isDouble() bool {
	for i := 0; i < len(n); i++ {
		switch n[i] {
		case '.', 'e', 'E':
			return true
		}
	}
	return false
}

func (n number) float() float64 {
	f, _ := strconv.ParseFloat(string(n), 64)
	return f
}

// projection says which parts of a document an expression reads, so that
// the decoder builds only those and merely validates the rest. A nil
// projection, or one with all set, keeps everything below it. Arrays are
// transparent: their elements are decoded with the array's projection,
// because filters test the elements of arrays and paths index into them.
type Projection struct {
	all  bool
	name string
	// A slice, not a map: expressions read a handful of names, and
	// comparing a key with each is cheaper than hashing it.
	children []*Projection
}

// add marks the path of names as read, and everything under its end.
func (p *Projection) add(names []string) {
	if n := p.node(names); n != nil {
		n.all, n.children = true, nil
	}
}

// node marks the path of names as read and returns its end, or nil when
// an ancestor keeps everything already.
func (p *Projection) node(names []string) *Projection {
	for _, n := range names {
		if p.all {
			return nil
		}
		i := p.index(n)
		if i < 0 {
			i = len(p.children)
			p.children = append(p.children, &Projection{name: n})
		}
		p = p.children[i]
	}
	if p.all {
		return nil
	}
	return p
}

// index returns the position of the child named name, or -1.
func (p *Projection) index(name string) int {
	for i, c := range p.children {
		if c.name == name {
			return i
		}
	}
	return -1
}

// merge adds everything o reads to p.
func (p *Projection) merge(o *Projection) {
	if p.all {
		return
	}
	if o.all {
		p.all, p.children = true, nil
		return
	}
	for _, oc := range o.children {
		c := p.node([]string{oc.name})
		if c != nil {
			c.merge(oc)
		}
	}
}

// kind is the class of a decoded value.
type kind uint8

const (
	kUndefined kind = iota
	kString
	kNumber
	kBool
	kNull
	kJSON // an object or an array
)

// jv is a decoded JSON value. Strings and numbers are views of the
// record's bytes, and a projected object (one that is not built whole)
// lives in the decoder's scratch, so that reading a field allocates
// nothing.
type jv struct {
	kind kind   // kUndefined when there is no value
	b    bool   // kBool
	s    string // kString: the text; kNumber: the number as written
	j    any    // kJSON: *omap, []any or *object
}

// jvOf wraps a value of a whole tree: *omap, []any, string, number, bool
// or nil.
func jvOf(x any) jv {
	switch x := x.(type) {
	case string:
		return jv{kind: kString, s: x}
	case number:
		return jv{kind: kNumber, s: string(x)}
	case bool:
		return jv{kind: kBool, b: x}
	case nil:
		return jv{kind: kNull}
	}
	return jv{kind: kJSON, j: x}
}

// any is v as a value of a tree, the inverse of jvOf.
func (v jv) any() any {
	switch v.kind {
	case kString:
		return v.s
	case kNumber:
		return number(v.s)
	case kBool:
		return v.b
	case kJSON:
		return v.j
	}
	return nil
}

// object is an object decoded through a projection: the values of the
// names the projection lists, in its order.
type object struct {
	p    *Projection
	vals []jv // kUndefined where the document lacks the name
}

func (o *object) get(name string) (jv, bool) {
	i := o.p.index(name)
	if i < 0 || o.vals[i].kind == kUndefined {
		return jv{}, false
	}
	return o.vals[i], true
}

// Scratch holds the objects of a decoded document, reused by the next
// decode: a task decodes one record at a time and keeps nothing of it.
type Scratch struct {
	objs []*object
	used int
	ctx  evalCtx // for the conditions evaluated on the document
}

func (s *Scratch) object(p *Projection) *object {
	if s.used == len(s.objs) {
		s.objs = append(s.objs, &object{})
	}
	o := s.objs[s.used]
	s.used++
	o.p = p
	if n := len(p.children); cap(o.vals) < n {
		o.vals = make([]jv, n)
	} else {
		o.vals = o.vals[:n]
		clear(o.vals)
	}
	return o
}

// errSyntax is wrapped by every decoding error.
var ErrSyntax = errors.New("not valid JSON")

// decodeJSON decodes data, building only what p asks for, in storage of
// its own.
func decodeJSON(data []byte, p *Projection) (jv, error) {
	return new(Scratch).decode(data, p)
}

// decode decodes data, building only what p asks for; the result is valid
// until the next decode with s.
func (s *Scratch) decode(data []byte, p *Projection) (jv, error) {
	s.used = 0
	d := decoder{data: data, Scratch: s}
	d.space()
	if d.pos >= len(d.data) {
		return jv{}, fmt.Errorf("%w: empty", ErrSyntax)
	}
	v, err := d.value(p)
	if err != nil {
		return jv{}, err
	}
	d.space()
	if d.pos < len(d.data) {
		return jv{}, d.errorf("unexpected %q after the value", d.data[d.pos])
	}
	return v, nil
}

// decoder reads strict JSON (RFC 8259). Duplicate keys keep the last
// value, as json-smart does. It checks the whole document, the skipped
// parts too.
type decoder struct {
	data    []byte
	pos     int
	depth   int // objects and arrays open at pos
	Scratch *Scratch
}

func (d *decoder) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: at byte %d: %s", ErrSyntax, d.pos, fmt.Sprintf(format, args...))
}

// space is split so that the common case, no white space, is inlined.
func (d *decoder) space() {
	if d.pos < len(d.data) && d.data[d.pos] > ' ' {
		return
	}
	d.pos = spaceEnd(d.data, d.pos)
}

// more starts the next member of the object or array being read, whose
// closing bracket is end: it reads the ',' before it, or the end, and
// reports whether there is one.
func (d *decoder) more(end byte, first bool) (bool, error) {
	d.space()
	if first {
		if d.pos < len(d.data) && d.data[d.pos] == end {
			d.pos++
			return false, nil
		}
		return true, nil
	}
	if d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.space()
			return true, nil
		case end:
			d.pos++
			return false, nil
		}
	}
	return false, d.endError(end)
}

// endError reports what is at d.pos where an object or array, closed by
// end, should go on or end.
func (d *decoder) endError(end byte) error {
	what := "an array"
	if end == '}' {
		what = "an object"
	}
	if d.pos >= len(d.data) {
		return d.errorf("unexpected end in %s", what)
	}
	return d.errorf("expected ',' or '%c' in %s", end, what)
}

// key reads an object key and the ':' after it.
func (d *decoder) key() (raw []byte, escaped bool, err error) {
	start := d.pos
	end, escaped, next, err := d.keyAt(start)
	if err != nil {
		return nil, false, err
	}
	d.pos = next
	return d.data[start+1 : end-1], escaped, nil
}

// keyAt reads the object key at i and the ':' after it: it returns the
// index after the key's closing quote, whether the key holds escapes, and
// where the value starts.
func (d *decoder) keyAt(i int) (end int, escaped bool, next int, err error) {
	data := d.data
	if i >= len(data) || data[i] != '"' {
		d.pos = i
		return 0, false, 0, d.errorf("expected a string key")
	}
	if end, escaped, err = d.stringEnd(i); err != nil {
		return 0, false, 0, err
	}
	i = spaceEnd(data, end)
	if i >= len(data) || data[i] != ':' {
		d.pos = i
		return 0, false, 0, d.errorf("expected ':' after an object key")
	}
	return end, escaped, spaceEnd(data, i+1), nil
}

// value decodes the value at d.pos; a projection that is neither nil nor
// all gives objects that hold only the names it lists.
func (d *decoder) value(p *Projection) (jv, error) {
	if d.pos >= len(d.data) {
		return jv{}, d.errorf("unexpected end")
	}
	switch c := d.data[d.pos]; {
	case c == '{' || c == '[':
		var (
			t   any
			err error
		)
		switch {
		case p == nil || p.all:
			t, err = d.tree()
		case c == '{':
			t, err = d.object(p)
		default:
			t, err = d.array(p)
		}
		return jv{kind: kJSON, j: t}, err
	case c == '"':
		s, err := d.str()
		return jv{kind: kString, s: s}, err
	case c == '-' || c >= '0' && c <= '9':
		start := d.pos
		err := d.num()
		return jv{kind: kNumber, s: bytesString(d.data[start:d.pos])}, err
	}
	return d.literal()
}

// tree decodes the value at d.pos whole, into *omap, []any, string,
// number, bool or nil.
func (d *decoder) tree() (any, error) {
	if d.pos >= len(d.data) {
		return nil, d.errorf("unexpected end")
	}
	switch d.data[d.pos] {
	case '{':
		if err := d.enter(); err != nil {
			return nil, err
		}
		d.pos++
		m := &omap{}
		for first := true; ; first = false {
			if more, err := d.more('}', first); err != nil || !more {
				d.depth--
				return m, err
			}
			raw, escaped, err := d.key()
			if err != nil {
				return nil, err
			}
			v, err := d.tree()
			if err != nil {
				return nil, err
			}
			m.put(unescape(raw, escaped), v)
		}
	case '[':
		if err := d.enter(); err != nil {
			return nil, err
		}
		d.pos++
		a := []any{}
		for first := true; ; first = false {
			if more, err := d.more(']', first); err != nil || !more {
				d.depth--
				return a, err
			}
			v, err := d.tree()
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	}
	v, err := d.value(nil)
	return v.any(), err
}

// enter counts one more level of nesting at d.pos.
func (d *decoder) enter() error {
	if d.depth++; d.depth > jsontext.MaxDepth {
		return d.errorf("nesting deeper than %d", jsontext.MaxDepth)
	}
	return nil
}

// object decodes an object through p. Records spend most of their bytes
// here, in members that are skipped, so it reads members itself rather
// than through the helpers tree uses.
func (d *decoder) object(p *Projection) (*object, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	// An error ends the whole decoding, so only the returns that succeed
	// leave the level.
	o := d.Scratch.object(p)
	data := d.data
	i := spaceEnd(data, d.pos+1)
	if i < len(data) && data[i] == '}' {
		d.pos = i + 1
		d.depth--
		return o, nil
	}
	for {
		end, escaped, next, err := d.keyAt(i)
		if err != nil {
			return nil, err
		}
		k := p.index(unescape(data[i+1:end-1], escaped))
		d.pos = next
		if k < 0 {
			err = d.skip()
		} else {
			o.vals[k], err = d.value(p.children[k])
		}
		if err != nil {
			return nil, err
		}
		i = spaceEnd(data, d.pos)
		if i < len(data) && data[i] == ',' {
			i = spaceEnd(data, i+1)
			continue
		}
		if i < len(data) && data[i] == '}' {
			d.pos = i + 1
			d.depth--
			return o, nil
		}
		d.pos = i
		return nil, d.endError('}')
	}
}

func (d *decoder) array(p *Projection) ([]any, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	d.pos++ // [
	a := []any{}
	for first := true; ; first = false {
		if more, err := d.more(']', first); err != nil || !more {
			d.depth--
			return a, err
		}
		v, err := d.value(p)
		if err != nil {
			return nil, err
		}
		a = append(a, v.any())
	}
}

// skip validates the value at d.pos without building it. Most of a
// document is skipped, so it keeps its position in a local and follows
// nesting with a stack of closing brackets rather than recursion.
func (d *decoder) skip() error {
	var buf [16]byte
	nest := buf[:0]
	data, i := d.data, d.pos
	for {
		// A value starts at i.
		if i >= len(data) {
			d.pos = i
			return d.errorf("unexpected end")
		}
		switch c := data[i]; {
		case c == '{' || c == '[':
			end := c + 2 // '}' or ']'
			i = spaceEnd(data, i+1)
			if i < len(data) && data[i] == end {
				i++
				break
			}
			nest = append(nest, end)
			if d.depth+len(nest) > jsontext.MaxDepth {
				d.pos = i
				return d.errorf("nesting deeper than %d", jsontext.MaxDepth)
			}
			if end == ']' {
				continue
			}
			var err error
			if _, _, i, err = d.keyAt(i); err != nil {
				return err
			}
			continue
		case c == '"':
			var err error
			if i, _, err = d.stringEnd(i); err != nil {
				return err
			}
		case c == '-' || c >= '0' && c <= '9':
			d.pos = i
			if err := d.num(); err != nil {
				return err
			}
			i = d.pos
		default:
			d.pos = i
			if _, err := d.literal(); err != nil {
				return err
			}
			i = d.pos
		}
		// A value ends at i: close what it ends, or go to the next member.
		for {
			if len(nest) == 0 {
				d.pos = i
				return nil
			}
			end := nest[len(nest)-1]
			i = spaceEnd(data, i)
			if i < len(data) && data[i] == end {
				i++
				nest = nest[:len(nest)-1]
				continue
			}
			if i >= len(data) || data[i] != ',' {
				d.pos = i
				return d.endError(end)
			}
			i = spaceEnd(data, i+1)
			if end == '}' {
				var err error
				if _, _, i, err = d.keyAt(i); err != nil {
					return err
				}
			}
			break
		}
	}
}

func (d *decoder) literal() (jv, error) {
	rest := d.data[d.pos:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		d.pos += 4
		return jv{kind: kBool, b: true}, nil
	case len(rest) >= 5 && string(rest[:5]) == "false":
		d.pos += 5
		return jv{kind: kBool}, nil
	case len(rest) >= 4 && string(rest[:4]) == "null":
		d.pos += 4
		return jv{kind: kNull}, nil
	}
	return jv{}, d.errorf("unexpected %q", d.data[d.pos])
}

func (d *decoder) num() error {
	data, i := d.data, d.pos
	if data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
	default:
		d.pos = i
		return d.errorf("invalid number")
	}
	if i < len(data) && data[i] == '.' {
		i++
		start := i
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
		if i == start {
			d.pos = i
			return d.errorf("invalid number: no digit after '.'")
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		start := i
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
		if i == start {
			d.pos = i
			return d.errorf("invalid number: no digit in the exponent")
		}
	}
	d.pos = i
	return nil
}

// plain marks the bytes that a string holds as they are: ASCII that is
// not a quote, a backslash or a control character. Bytes of multibyte
// characters are checked as UTF-8.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// stops sets the high bit of each byte of x that is a quote, a backslash,
// below 0x20 or above 0x7f, eight bytes at once. Only the lowest bit set
// is exact: the bytes above it may be flagged wrongly.
func stops(x uint64) uint64 {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	q, s := x^('"'*ones), x^('\\'*ones)
	return ((q-ones)&^q | (s-ones)&^s | (x-0x20*ones)&^x | x) & highs
}

// spaceEnd returns the index of the first byte from i that is not white
// space, or len(data).
func spaceEnd(data []byte, i int) int {
	for i < len(data) && data[i] <= ' ' && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// stringEnd reads the string whose opening quote is at i, and returns the
// index after its closing quote and whether it holds escapes.
func (d *decoder) stringEnd(i int) (int, bool, error) {
	// Most keys and values end within eight bytes, which one word decides.
	if data := d.data; i+9 <= len(data) {
		if m := stops(binary.LittleEndian.Uint64(data[i+1:])); m != 0 {
			if j := i + 1 + bits.TrailingZeros64(m)/8; data[j] == '"' {
				return j + 1, false, nil
			}
		}
	}
	return d.longStringEnd(i)
}

// longStringEnd is stringEnd for strings that are long or hold escapes.
func (d *decoder) longStringEnd(i int) (int, bool, error) {
	data := d.data
	escaped := false
	for i++; ; {
		for ; i+8 <= len(data); i += 8 {
			if m := stops(binary.LittleEndian.Uint64(data[i:])); m != 0 {
				i += bits.TrailingZeros64(m) / 8
				break
			}
		}
		for i < len(data) && plain[data[i]] {
			i++
		}
		if i >= len(data) {
			d.pos = len(data)
			return 0, false, d.errorf("unterminated string")
		}
		switch c := data[i]; {
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				d.pos = i
				return 0, false, d.errorf("invalid UTF-8 in a string")
			}
			i += size
		case c == '"':
			return i + 1, escaped, nil
		case c == '\\':
			escaped = true
			i++
			if i >= len(data) {
				d.pos = i
				return 0, false, d.errorf("unexpected end in a string")
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(data) || !isHex4(data[i+1:i+5]) {
					d.pos = i
					return 0, false, d.errorf("invalid \\u escape")
				}
				i += 4
			default:
				d.pos = i
				return 0, false, d.errorf("invalid escape '\\%c'", data[i])
			}
			i++
		default:
			d.pos = i
			return 0, false, d.errorf("control character in a string")
		}
	}
}

// rawString returns the bytes between the quotes of the string at d.pos,
// and whether they hold escapes.
func (d *decoder) rawString() ([]byte, bool, error) {
	end, escaped, err := d.stringEnd(d.pos)
	if err != nil {
		return nil, false, err
	}
	raw := d.data[d.pos+1 : end-1]
	d.pos = end
	return raw, escaped, nil
}

func (d *decoder) str() (string, error) {
	raw, escaped, err := d.rawString()
	if err != nil {
		return "", err
	}
	return unescape(raw, escaped), nil
}

func unescape(raw []byte, escaped bool) string {
	if !escaped {
		return bytesString(raw)
	}
	return jsontext.Unescape(raw)
}

// bytesString views b as a string without copying. Decoded documents live
// only while their record is handled, and the record's bytes are never
// modified, so strings may point into them; whatever outlives the record
// (keys, Path.Text) is copied.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func isHex4(b []byte) bool {
	for _, c := range b[:4] {
		if jsontext.Unhex(c) < 0 {
			return false
		}
	}
	return true
}
