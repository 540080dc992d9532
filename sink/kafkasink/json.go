package kafkasink

import (
	"errors"
	"fmt"
	"strconv"
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
type projection struct {
	all      bool
	children map[string]*projection
}

// add marks the path of names as read, and everything under its end.
func (p *projection) add(names []string) {
	if n := p.node(names); n != nil {
		n.all, n.children = true, nil
	}
}

// node marks the path of names as read and returns its end, or nil when
// an ancestor keeps everything already.
func (p *projection) node(names []string) *projection {
	for _, n := range names {
		if p.all {
			return nil
		}
		if p.children == nil {
			p.children = map[string]*projection{}
		}
		c := p.children[n]
		if c == nil {
			c = &projection{}
			p.children[n] = c
		}
		p = c
	}
	if p.all {
		return nil
	}
	return p
}

// merge adds everything o reads to p.
func (p *projection) merge(o *projection) {
	if p.all {
		return
	}
	if o.all {
		p.all, p.children = true, nil
		return
	}
	for name, oc := range o.children {
		c := p.node([]string{name})
		if c != nil {
			c.merge(oc)
		}
	}
}

// errSyntax is wrapped by every decoding error.
var errSyntax = errors.New("not valid JSON")

// decoder reads strict JSON (RFC 8259) into Go values: map[string]any,
// []any, string, number, bool and nil. Duplicate keys keep the last value,
// as json-smart does. It checks the whole document, the skipped parts too.
type decoder struct {
	data []byte
	pos  int
}

// decodeJSON decodes data, building only what p asks for.
func decodeJSON(data []byte, p *projection) (any, error) {
	d := decoder{data: data}
	d.space()
	if d.pos >= len(d.data) {
		return nil, fmt.Errorf("%w: empty", errSyntax)
	}
	v, err := d.value(p)
	if err != nil {
		return nil, err
	}
	d.space()
	if d.pos < len(d.data) {
		return nil, d.errorf("unexpected %q after the value", d.data[d.pos])
	}
	return v, nil
}

func (d *decoder) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: at byte %d: %s", errSyntax, d.pos, fmt.Sprintf(format, args...))
}

func (d *decoder) space() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// value decodes the value at d.pos; a projection that is neither nil nor
// all builds objects with only the keys it names.
func (d *decoder) value(p *projection) (any, error) {
	if d.pos >= len(d.data) {
		return nil, d.errorf("unexpected end")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object(p)
	case c == '[':
		return d.array(p)
	case c == '"':
		return d.str()
	case c == '-' || c >= '0' && c <= '9':
		start := d.pos
		if err := d.num(); err != nil {
			return nil, err
		}
		return number(bytesString(d.data[start:d.pos])), nil
	default:
		return d.literal()
	}
}

func (d *decoder) object(p *projection) (any, error) {
	d.pos++ // {
	var m map[string]any
	if p == nil || p.all {
		m = make(map[string]any)
	} else {
		m = make(map[string]any, len(p.children))
	}
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return m, nil
	}
	for {
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, d.errorf("expected a string key")
		}
		var (
			child *projection
			keep  = p == nil || p.all
			key   string
			err   error
		)
		if keep {
			key, err = d.str()
		} else {
			var raw []byte
			var escaped bool
			raw, escaped, err = d.rawString()
			switch {
			case err != nil:
			case escaped:
				key = jsontext.Unescape(raw)
				child, keep = p.children[key]
			default:
				// Indexing with string(raw) does not allocate.
				if child, keep = p.children[string(raw)]; keep {
					key = bytesString(raw)
				}
			}
		}
		if err != nil {
			return nil, err
		}
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.errorf("expected ':' after an object key")
		}
		d.pos++
		d.space()
		if keep {
			v, err := d.value(child)
			if err != nil {
				return nil, err
			}
			m[key] = v
		} else if err := d.skip(); err != nil {
			return nil, err
		}
		d.space()
		if d.pos >= len(d.data) {
			return nil, d.errorf("unexpected end in an object")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return m, nil
		default:
			return nil, d.errorf("expected ',' or '}' in an object")
		}
	}
}

func (d *decoder) array(p *projection) (any, error) {
	d.pos++ // [
	a := []any{}
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return a, nil
	}
	for {
		d.space()
		v, err := d.value(p)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		d.space()
		if d.pos >= len(d.data) {
			return nil, d.errorf("unexpected end in an array")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return a, nil
		default:
			return nil, d.errorf("expected ',' or ']' in an array")
		}
	}
}

// skip validates the value at d.pos without building it.
func (d *decoder) skip() error {
	if d.pos >= len(d.data) {
		return d.errorf("unexpected end")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		d.pos++
		d.space()
		if d.pos < len(d.data) && d.data[d.pos] == '}' {
			d.pos++
			return nil
		}
		for {
			d.space()
			if d.pos >= len(d.data) || d.data[d.pos] != '"' {
				return d.errorf("expected a string key")
			}
			if _, _, err := d.rawString(); err != nil {
				return err
			}
			d.space()
			if d.pos >= len(d.data) || d.data[d.pos] != ':' {
				return d.errorf("expected ':' after an object key")
			}
			d.pos++
			d.space()
			if err := d.skip(); err != nil {
				return err
			}
			d.space()
			if d.pos >= len(d.data) {
				return d.errorf("unexpected end in an object")
			}
			switch d.data[d.pos] {
			case ',':
				d.pos++
			case '}':
				d.pos++
				return nil
			default:
				return d.errorf("expected ',' or '}' in an object")
			}
		}
	case c == '[':
		d.pos++
		d.space()
		if d.pos < len(d.data) && d.data[d.pos] == ']' {
			d.pos++
			return nil
		}
		for {
			d.space()
			if err := d.skip(); err != nil {
				return err
			}
			d.space()
			if d.pos >= len(d.data) {
				return d.errorf("unexpected end in an array")
			}
			switch d.data[d.pos] {
			case ',':
				d.pos++
			case ']':
				d.pos++
				return nil
			default:
				return d.errorf("expected ',' or ']' in an array")
			}
		}
	case c == '"':
		_, _, err := d.rawString()
		return err
	case c == '-' || c >= '0' && c <= '9':
		return d.num()
	default:
		_, err := d.literal()
		return err
	}
}

func (d *decoder) literal() (any, error) {
	rest := d.data[d.pos:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		d.pos += 4
		return true, nil
	case len(rest) >= 5 && string(rest[:5]) == "false":
		d.pos += 5
		return false, nil
	case len(rest) >= 4 && string(rest[:4]) == "null":
		d.pos += 4
		return nil, nil
	}
	return nil, d.errorf("unexpected %q", d.data[d.pos])
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

// rawString returns the bytes between the quotes of the string at d.pos,
// and whether they hold escapes.
func (d *decoder) rawString() ([]byte, bool, error) {
	start := d.pos + 1
	escaped := false
	for i := start; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			d.pos = i + 1
			return d.data[start:i], escaped, nil
		case c == '\\':
			escaped = true
			i++
			if i >= len(d.data) {
				d.pos = i
				return nil, false, d.errorf("unexpected end in a string")
			}
			switch d.data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(d.data) || !isHex4(d.data[i+1:i+5]) {
					d.pos = i
					return nil, false, d.errorf("invalid \\u escape")
				}
				i += 4
			default:
				d.pos = i
				return nil, false, d.errorf("invalid escape '\\%c'", d.data[i])
			}
		case c < 0x20:
			d.pos = i
			return nil, false, d.errorf("control character in a string")
		}
	}
	d.pos = len(d.data)
	return nil, false, d.errorf("unterminated string")
}

func (d *decoder) str() (string, error) {
	raw, escaped, err := d.rawString()
	if err != nil {
		return "", err
	}
	if !escaped {
		return bytesString(raw), nil
	}
	return jsontext.Unescape(raw), nil
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
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
