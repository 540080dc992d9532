package converters

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/connectkit/connectkit/internal/jsontext"
)

// Limits on hostile input, as Jackson's StreamReadConstraints defaults.
const (
	maxJSONDepth    = jsontext.MaxDepth
	maxNumberLength = 1000
)

const millisPerDay = 24 * 60 * 60 * 1000

// jsonSyntaxError is malformed JSON. Offset is the index of the offending
// byte (the input's length when it ended early).
type jsonSyntaxError struct {
	msg    string
	offset int
}

func (e *jsonSyntaxError) Error() string { return e.msg + " at byte " + strconv.Itoa(e.offset) }

// jsonValueError is well-formed JSON that does not fit the schema.
type jsonValueError struct {
	msg    string
	offset int
}

func (e *jsonValueError) Error() string { return e.msg + " at byte " + strconv.Itoa(e.offset) }

// jsonDecoder reads JSON text in one pass, straight into connect values:
// typed ones when a schema guides it, plain Go ones otherwise. It never
// builds an intermediate tree.
type jsonDecoder struct {
	data  []byte
	pos   int
	depth int
	conv  *JSONConverter
}

func (d *jsonDecoder) syntaxErr(msg string) error { return &jsonSyntaxError{msg: msg, offset: d.pos} }

func (d *jsonDecoder) valueErr(format string, args ...any) error {
	return &jsonValueError{msg: fmt.Sprintf(format, args...), offset: d.pos}
}

// errAt reports the byte at d.pos as unexpected, or the end of input.
func (d *jsonDecoder) errAt(context string) error {
	if d.pos >= len(d.data) {
		return d.syntaxErr("unexpected end of JSON input")
	}
	return d.syntaxErr("invalid character " + jsontext.QuoteByte(d.data[d.pos]) + " " + context)
}

func (d *jsonDecoder) skipWS() { d.pos = skipSpace(d.data, d.pos) }

// peek skips white space and returns the next byte, failing at the end.
func (d *jsonDecoder) peek() (byte, error) {
	d.skipWS()
	if d.pos >= len(d.data) {
		return 0, d.syntaxErr("unexpected end of JSON input")
	}
	return d.data[d.pos], nil
}

// end checks that nothing but white space follows the value. (Jackson stops
// reading after the first value; a record with trailing text is corrupt, so
// it goes to the dead-letter queue here instead.)
func (d *jsonDecoder) end() error {
	d.skipWS()
	if d.pos < len(d.data) {
		return d.errAt("after top-level value")
	}
	return nil
}

func (d *jsonDecoder) enter() error {
	d.depth++
	if d.depth > maxJSONDepth {
		return d.syntaxErr(fmt.Sprintf("nesting deeper than %d", maxJSONDepth))
	}
	return nil
}

func (d *jsonDecoder) literal(word string) error {
	for i := 0; i < len(word); i++ {
		if d.pos >= len(d.data) || d.data[d.pos] != word[i] {
			return d.errAt("in literal " + word + " (expecting " + jsontext.QuoteByte(word[i]) + ")")
		}
		d.pos++
	}
	return nil
}

// scanString reads the string starting at d.pos (a quote). It returns the
// raw bytes between the quotes, which alias the input, and whether they hold
// escapes. UTF-8 is validated, as Jackson does.
func (d *jsonDecoder) scanString() (raw []byte, escaped bool, err error) {
	start := d.pos + 1
	ascii := true
	for i := start; i < len(d.data); {
		if i = jsontext.SkipPlain(d.data, i); i == len(d.data) {
			break
		}
		c := d.data[i]
		if plainStringByte[c] {
			i++
			continue
		}
		switch {
		case c == '"':
			raw = d.data[start:i]
			if !ascii && !utf8.Valid(raw) {
				for j := 0; j < len(raw); {
					r, n := utf8.DecodeRune(raw[j:])
					if r == utf8.RuneError && n == 1 {
						d.pos = start + j
						return nil, false, d.syntaxErr("invalid UTF-8 in string")
					}
					j += n
				}
			}
			d.pos = i + 1
			return raw, escaped, nil
		case c == '\\':
			escaped = true
			i++
			if i >= len(d.data) {
				d.pos = i
				return nil, false, d.syntaxErr("unexpected end of JSON input")
			}
			switch d.data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				i++
				for k := 0; k < 4; k++ {
					if i >= len(d.data) {
						d.pos = i
						return nil, false, d.syntaxErr("unexpected end of JSON input")
					}
					if jsontext.Unhex(d.data[i]) < 0 {
						d.pos = i
						return nil, false, d.errAt("in \\u hexadecimal character escape")
					}
					i++
				}
			default:
				d.pos = i
				return nil, false, d.errAt("in string escape code")
			}
		case c < 0x20:
			d.pos = i
			return nil, false, d.errAt("in string literal")
		default:
			if c >= utf8.RuneSelf {
				ascii = false
			}
			i++
		}
	}
	d.pos = len(d.data)
	return nil, false, d.syntaxErr("unexpected end of JSON input")
}

// plainStringByte marks the bytes a string holds as they are: printable
// ASCII but '"' and '\'.
var plainStringByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// fastSkip finds the end of the object or array at d.pos without checking
// it, only tracking strings and nesting. The caller must validate what it
// has not seen before.
func (d *jsonDecoder) fastSkip() (end int, ok bool) {
	depth := 0
	for i := d.pos; i < len(d.data); i++ {
		switch d.data[i] {
		case '"':
			for i++; i < len(d.data) && d.data[i] != '"'; i++ {
				if d.data[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		}
	}
	return 0, false
}

func (d *jsonDecoder) str() (string, error) {
	raw, esc, err := d.scanString()
	if err != nil {
		return "", err
	}
	if esc {
		return jsontext.UnescapeWTF8(raw), nil
	}
	return string(raw), nil
}

// scanNumber reads a number literal. Leading zeros are allowed, as Kafka
// configures Jackson to allow them. integral is false when the literal has a
// fraction or exponent.
func (d *jsonDecoder) scanNumber() (lit []byte, integral bool, err error) {
	start := d.pos
	integral = true
	if d.pos < len(d.data) && d.data[d.pos] == '-' {
		d.pos++
	}
	if !d.digits() {
		return nil, false, d.errAt("in numeric literal")
	}
	fracStart, fracEnd := d.pos, d.pos
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		integral = false
		d.pos++
		fracStart = d.pos
		if !d.digits() {
			return nil, false, d.errAt("after decimal point in numeric literal")
		}
		fracEnd = d.pos
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		integral = false
		d.pos++
		expStart := d.pos
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if !d.digits() {
			return nil, false, d.errAt("in exponent of numeric literal")
		}
		// Kafka has Jackson read every fraction as a BigDecimal, whose
		// exponent and scale are 32-bit: beyond, the JSON is refused.
		exp, err := strconv.ParseInt(string(d.data[expStart:d.pos]), 10, 32)
		if scale := int64(fracEnd-fracStart) - exp; err != nil || scale < math.MinInt32 || scale > math.MaxInt32 {
			d.pos = start
			return nil, false, d.syntaxErr("number exponent out of range")
		}
	}
	if d.pos-start > maxNumberLength {
		d.pos = start
		return nil, false, d.syntaxErr(fmt.Sprintf("number longer than %d characters", maxNumberLength))
	}
	return d.data[start:d.pos], integral, nil
}

func (d *jsonDecoder) digits() bool {
	start := d.pos
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
	}
	return d.pos > start
}

// parseInt64 parses an integral literal, reporting overflow.
func parseInt64(lit []byte) (int64, bool) {
	neg := lit[0] == '-'
	if neg {
		lit = lit[1:]
	}
	var n uint64
	for _, c := range lit {
		if n > (math.MaxUint64-9)/10 {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if neg {
		if n > 1<<63 {
			return 0, false
		}
		return -int64(n), true
	}
	if n > math.MaxInt64 {
		return 0, false
	}
	return int64(n), true
}

// parseFloatLit parses a number literal as Jackson's BigDecimal.doubleValue
// (or floatValue): correctly rounded, ±Inf beyond range. A literal zero
// ("-0", "-0.0e5") is +0 because BigDecimal has no negative zero, but a
// negative number too small for the type ("-1e-400") rounds to -0 as
// BigDecimal.doubleValue rounds it.
func parseFloatLit(lit []byte, bits int) float64 {
	f, err := strconv.ParseFloat(string(lit), bits)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return math.NaN() // unreachable: scanNumber checked the syntax
	}
	if f == 0 && (lit[0] != '-' || zeroLiteral(lit)) {
		return 0
	}
	return f
}

// zeroLiteral reports whether a number literal's digits before any
// exponent are all zeros.
func zeroLiteral(lit []byte) bool {
	for _, c := range lit {
		switch {
		case c == 'e' || c == 'E':
			return true
		case c >= '1' && c <= '9':
			return false
		}
	}
	return true
}

// skipValue checks and skips one value.
func (d *jsonDecoder) skipValue() error {
	c, err := d.peek()
	if err != nil {
		return err
	}
	switch c {
	case '{':
		empty, err := d.openObject()
		if err != nil || empty {
			return err
		}
		for {
			if _, _, err := d.key(); err != nil {
				return err
			}
			if err := d.skipValue(); err != nil {
				return err
			}
			more, err := d.next('}', "after object key:value pair")
			if err != nil {
				return err
			}
			if !more {
				return nil
			}
		}
	case '[':
		empty, err := d.openArray()
		if err != nil || empty {
			return err
		}
		for {
			if err := d.skipValue(); err != nil {
				return err
			}
			more, err := d.next(']', "after array element")
			if err != nil {
				return err
			}
			if !more {
				return nil
			}
		}
	case '"':
		_, _, err := d.scanString()
		return err
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			_, _, err := d.scanNumber()
			return err
		}
		return d.errAt("looking for beginning of value")
	}
}

// validFast reports whether data is one JSON value with only white space
// around it, as skipValue and end would find it: the check of every
// pre-encoded value written, in one loop over local state, without their
// error values. It accepts nothing they refuse; it gives up (false) on
// nesting deeper than it keeps track of, so that its caller asks them, for
// the verdict and the error.
func validFast(data []byte) bool {
	var closers [32]byte // the closing byte of each open container
	depth := 0
	i := skipSpace(data, 0)
	for {
		// A value starts at i.
		if i >= len(data) {
			return false
		}
		closed := true // the value is complete
		switch c := data[i]; c {
		case '{', '[':
			if depth == len(closers) {
				return false
			}
			closing := c + 2 // '}' or ']'
			if i = skipSpace(data, i+1); i < len(data) && data[i] == closing {
				i++
				break
			}
			closers[depth] = closing
			depth++
			closed = false
			if closing == '}' {
				if i = validKey(data, i); i < 0 {
					return false
				}
			}
		case '"':
			if i = validString(data, i); i < 0 {
				return false
			}
		case 't', 'f', 'n':
			word := "null"
			if c == 't' {
				word = "true"
			} else if c == 'f' {
				word = "false"
			}
			if len(data)-i < len(word) || string(data[i:i+len(word)]) != word {
				return false
			}
			i += len(word)
		default:
			if i = validNumber(data, i); i < 0 {
				return false
			}
		}
		// After a complete value: close containers, or step to the next
		// member or element.
		for closed {
			i = skipSpace(data, i)
			if depth == 0 {
				return i == len(data)
			}
			if i >= len(data) {
				return false
			}
			switch data[i] {
			case ',':
				i = skipSpace(data, i+1)
				if closers[depth-1] == '}' {
					if i = validKey(data, i); i < 0 {
						return false
					}
				}
				closed = false
			case closers[depth-1]:
				i++
				depth--
			default:
				return false
			}
		}
	}
}

// skipSpace returns the index of the first byte from i on that is not JSON
// white space.
func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t') {
		i++
	}
	return i
}

// validKey checks the object key at i, the ':' after it and the white
// space after that, and returns the index after them, or -1.
func validKey(data []byte, i int) int {
	if i >= len(data) || data[i] != '"' {
		return -1
	}
	j := jsontext.SkipPlain(data, i+1)
	for j < len(data) && plainStringByte[data[j]] {
		j = jsontext.SkipPlain(data, j+1)
	}
	if j < len(data) && data[j] == '"' {
		i = j + 1 // plain ASCII
	} else {
		d := jsonDecoder{data: data, pos: i}
		raw, esc, err := d.scanString()
		if err != nil || esc && jsontext.LoneSurrogate(raw) {
			return -1 // as key refuses it
		}
		i = d.pos
	}
	if i = skipSpace(data, i); i >= len(data) || data[i] != ':' {
		return -1
	}
	return skipSpace(data, i+1)
}

// validString checks the string whose quote is at i and returns the index
// after its closing quote, or -1: plain ASCII here, anything else as
// scanString reads it.
func validString(data []byte, i int) int {
	j := jsontext.SkipPlain(data, i+1)
	for j < len(data) && plainStringByte[data[j]] {
		j = jsontext.SkipPlain(data, j+1)
	}
	if j < len(data) && data[j] == '"' {
		return j + 1
	}
	d := jsonDecoder{data: data, pos: i}
	if _, _, err := d.scanString(); err != nil {
		return -1
	}
	return d.pos
}

// validNumber checks the number at i as scanNumber reads it and returns the
// index after it, or -1.
func validNumber(data []byte, i int) int {
	start := i
	if data[i] == '-' {
		i++
	}
	digits := func() bool {
		from := i
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
		return i > from
	}
	if !digits() {
		return -1
	}
	fracStart, fracEnd := i, i
	if i < len(data) && data[i] == '.' {
		i++
		fracStart = i
		if !digits() {
			return -1
		}
		fracEnd = i
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		expStart := i
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if !digits() {
			return -1
		}
		exp, err := strconv.ParseInt(string(data[expStart:i]), 10, 32)
		if scale := int64(fracEnd-fracStart) - exp; err != nil || scale < math.MinInt32 || scale > math.MaxInt32 {
			return -1 // as scanNumber refuses it
		}
	}
	if i-start > maxNumberLength {
		return -1
	}
	return i
}

func (d *jsonDecoder) colon() error {
	c, err := d.peek()
	if err != nil {
		return err
	}
	if c != ':' {
		return d.errAt("after object key")
	}
	d.pos++
	return nil
}

// next consumes the ',' between members or the closing byte, which ends the
// level open entered; more is false after the closing byte.
func (d *jsonDecoder) next(closing byte, context string) (more bool, err error) {
	c, err := d.peek()
	if err != nil {
		return false, err
	}
	switch c {
	case ',':
		d.pos++
		return true, nil
	case closing:
		d.pos++
		d.depth--
		return false, nil
	}
	return false, d.errAt(context)
}

// open consumes '{' or '[' and reports whether the object or array is
// empty, that is, whether closing follows.
func (d *jsonDecoder) open(closing byte) (empty bool, err error) {
	if err := d.enter(); err != nil {
		return false, err
	}
	d.pos++
	c, err := d.peek()
	if err != nil {
		return false, err
	}
	if c == closing {
		d.pos++
		d.depth--
		return true, nil
	}
	return false, nil
}

func (d *jsonDecoder) openObject() (empty bool, err error) { return d.open('}') }
func (d *jsonDecoder) openArray() (empty bool, err error)  { return d.open(']') }

// key reads an object key and the ':' after it.
func (d *jsonDecoder) key() (raw []byte, escaped bool, err error) {
	c, err := d.peek()
	if err != nil {
		return nil, false, err
	}
	if c != '"' {
		return nil, false, d.errAt("looking for beginning of object key string")
	}
	start := d.pos
	if raw, escaped, err = d.scanString(); err != nil {
		return nil, false, err
	}
	if escaped && jsontext.LoneSurrogate(raw) {
		// Jackson cannot hold one in a name (it keeps names as UTF-8).
		d.pos = start
		return nil, false, d.syntaxErr("lone surrogate escape in object key")
	}
	return raw, escaped, d.colon()
}

// keyString is key, as a string.
func (d *jsonDecoder) keyString() (string, error) {
	raw, esc, err := d.key()
	if err != nil || !esc {
		return string(raw), err
	}
	return jsontext.UnescapeWTF8(raw), nil
}
