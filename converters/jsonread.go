package converters

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/internal/jsontext"
)

// ---- Values without a schema ------------------------------------------------

// value reads any value as Kafka's JsonConverter does without a schema:
// objects as map[string]any, arrays as []any, integral numbers as int64,
// other numbers as float64, and strings, booleans and null.
func (d *jsonDecoder) value() (any, error) {
	c, err := d.peek()
	if err != nil {
		return nil, err
	}
	switch c {
	case '{':
		empty, err := d.openObject()
		if err != nil || empty {
			return map[string]any{}, err
		}
		m := make(map[string]any)
		for {
			k, err := d.keyString()
			if err != nil {
				return nil, err
			}
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			m[k] = v
			more, err := d.next('}', "after object key:value pair")
			if err != nil {
				return nil, err
			}
			if !more {
				return m, nil
			}
		}
	case '[':
		empty, err := d.openArray()
		if err != nil || empty {
			return []any{}, err
		}
		a := make([]any, 0, 4)
		for {
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			a = append(a, v)
			more, err := d.next(']', "after array element")
			if err != nil {
				return nil, err
			}
			if !more {
				return a, nil
			}
		}
	case '"':
		return d.str()
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return nil, d.literal("null")
	}
	if c == '-' || (c >= '0' && c <= '9') {
		start := d.pos
		lit, integral, err := d.scanNumber()
		if err != nil {
			return nil, err
		}
		if !integral {
			return parseFloatLit(lit, 64), nil
		}
		n, ok := parseInt64(lit)
		if !ok {
			d.pos = start
			// Kafka keeps the low 64 bits; that silently corrupts.
			return nil, d.valueErr("integer %s overflows int64", lit)
		}
		return n, nil
	}
	return nil, d.errAt("looking for beginning of value")
}

// ---- Values with a schema ---------------------------------------------------

// jsonKind names the JSON type starting with c, for errors.
func jsonKind(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

func isNumberStart(c byte) bool { return c == '-' || (c >= '0' && c <= '9') }

// mismatch reports a value of the wrong JSON type for s. A byte that starts
// no value at all is a syntax error instead.
func (d *jsonDecoder) mismatch(s *connect.Schema, c byte, want string) error {
	switch {
	case c == '{' || c == '[' || c == '"' || c == 't' || c == 'f' || c == 'n' || isNumberStart(c):
		return d.valueErr("%s schema needs a JSON %s, found %s", schemaLabel(s), want, jsonKind(c))
	}
	return d.errAt("looking for beginning of value")
}

// schemaLabel names a schema for errors: its logical name or its type.
func schemaLabel(s *connect.Schema) string {
	switch s.Name {
	case connect.DecimalName:
		return "Decimal"
	case connect.DateName:
		return "Date"
	case connect.TimeName:
		return "Time"
	case connect.TimestampName:
		return "Timestamp"
	}
	return s.Type.String()
}

// null applies Kafka's rule for a null or missing value of schema s: the
// default when there is one and replace.null.with.default is on, else nil
// if s is optional, else an error.
func (d *jsonDecoder) null(s *connect.Schema) (any, error) {
	if s.Default != nil && d.conv.replaceNull {
		return s.Default, nil
	}
	if s.Optional {
		return nil, nil
	}
	return nil, d.valueErr("null value for required %s schema", schemaLabel(s))
}

// typed reads a value of schema s into the Go type connect.Schema documents.
func (d *jsonDecoder) typed(s *connect.Schema) (any, error) {
	c, err := d.peek()
	if err != nil {
		return nil, err
	}
	if c == 'n' {
		start := d.pos
		if err := d.literal("null"); err != nil {
			return nil, err
		}
		d.pos = start // so an error points at the null
		v, err := d.null(s)
		d.pos += len("null")
		return v, err
	}
	switch s.Name {
	case connect.DecimalName:
		return d.decimal(s, c)
	case connect.DateName, connect.TimeName, connect.TimestampName:
		return d.temporal(s, c)
	}
	switch s.Type {
	case connect.Int8:
		n, err := d.integer(s, c, math.MinInt8, math.MaxInt8)
		return int8(n), err
	case connect.Int16:
		n, err := d.integer(s, c, math.MinInt16, math.MaxInt16)
		return int16(n), err
	case connect.Int32:
		n, err := d.integer(s, c, math.MinInt32, math.MaxInt32)
		return int32(n), err
	case connect.Int64:
		return d.integer(s, c, math.MinInt64, math.MaxInt64)
	case connect.Float32:
		f, err := d.float(s, c, 32)
		return float32(f), err
	case connect.Float64:
		return d.float(s, c, 64)
	case connect.Boolean:
		switch c {
		case 't':
			return true, d.literal("true")
		case 'f':
			return false, d.literal("false")
		}
		return nil, d.mismatch(s, c, "boolean")
	case connect.String:
		if c != '"' {
			return nil, d.mismatch(s, c, "string")
		}
		return d.str()
	case connect.Bytes:
		if c != '"' {
			return nil, d.mismatch(s, c, "string")
		}
		return d.base64()
	case connect.Array:
		return d.array(s, c)
	case connect.Map:
		return d.mapValue(s, c)
	case connect.StructType:
		return d.structValue(s, c)
	}
	return nil, d.valueErr("unsupported schema type %s", s.Type)
}

func (d *jsonDecoder) integer(s *connect.Schema, c byte, lo, hi int64) (int64, error) {
	if !isNumberStart(c) {
		return 0, d.mismatch(s, c, "number")
	}
	start := d.pos
	lit, integral, err := d.scanNumber()
	if err != nil {
		return 0, err
	}
	n, ok := int64(0), false
	if integral {
		n, ok = parseInt64(lit)
	} else if dec, err := parseJavaDecimal(lit); err == nil {
		// "2.0" and "1e3" are whole numbers; Kafka truncates "1.5" to 1.
		n, ok = wholeInt64(dec)
		if !ok {
			d.pos = start
			return 0, d.valueErr("%s schema needs an integer, found %s", schemaLabel(s), lit)
		}
	}
	if !ok || n < lo || n > hi {
		d.pos = start
		// Kafka keeps the low bits; that silently corrupts.
		return 0, d.valueErr("%s overflows %s", lit, schemaLabel(s))
	}
	return n, nil
}

// wholeInt64 returns d's value if it is a whole number that fits an int64.
func wholeInt64(d connect.Decimal) (int64, bool) {
	u := new(big.Int).Set(d.Unscaled)
	switch {
	case u.Sign() == 0:
		return 0, true
	case d.Scale < -19 || d.Scale > maxNumberLength:
		return 0, false // too large, or a fraction of a number of at most 1000 digits
	}
	if d.Scale < 0 {
		u.Mul(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-d.Scale)), nil))
	} else if d.Scale > 0 {
		var r big.Int
		u.QuoRem(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale)), nil), &r)
		if r.Sign() != 0 {
			return 0, false
		}
	}
	if !u.IsInt64() {
		return 0, false
	}
	return u.Int64(), true
}

// float reads a number; also the strings "NaN", "Infinity" and "-Infinity"
// that Kafka writes for those values (Kafka itself reads them back as 0).
func (d *jsonDecoder) float(s *connect.Schema, c byte, bits int) (float64, error) {
	if c == '"' {
		start := d.pos
		raw, _, err := d.scanString()
		if err != nil {
			return 0, err
		}
		switch string(raw) {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
		d.pos = start
		return 0, d.mismatch(s, c, "number")
	}
	if !isNumberStart(c) {
		return 0, d.mismatch(s, c, "number")
	}
	lit, _, err := d.scanNumber()
	if err != nil {
		return 0, err
	}
	return parseFloatLit(lit, bits), nil
}

func (d *jsonDecoder) base64() ([]byte, error) {
	start := d.pos
	raw, esc, err := d.scanString()
	if err != nil {
		return nil, err
	}
	if esc {
		raw = []byte(jsontext.UnescapeWTF8(raw))
	}
	out, err := decodeJacksonBase64(raw)
	if err != nil {
		d.pos = start
		return nil, d.valueErr("invalid base64 in bytes value: %v", err)
	}
	return out, nil
}

// decodeJacksonBase64 decodes base64 as Jackson's TextNode.binaryValue does
// with its default variant (MIME without line feeds, padding required):
// white space and control characters (up to U+0020) are trimmed at both
// ends and allowed between 4-character units but not inside one; every
// unit is complete, "xx==" and "xxx=" ending a unit that may be followed by
// more; bits left over in a padded unit are ignored. Anything else,
// including a character beyond ASCII, is an error.
func decodeJacksonBase64(s []byte) ([]byte, error) {
	for len(s) > 0 && s[0] <= ' ' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] <= ' ' {
		s = s[:len(s)-1]
	}
	out := make([]byte, 0, len(s)/4*3+2)
	for i := 0; ; {
		for i < len(s) && s[i] <= ' ' {
			i++
		}
		if i == len(s) {
			return out, nil
		}
		var v [4]int
		for k := 0; k < 4; k++ {
			if i+k >= len(s) {
				return nil, errors.New("unexpected end of base64 content")
			}
			v[k] = base64Value[s[i+k]]
			if v[k] >= 0 {
				continue
			}
			if v[k] == base64Pad && (k == 3 || (k == 2 && i+3 < len(s) && s[i+3] == '=')) {
				break
			}
			return nil, fmt.Errorf("illegal character %s as character %d of a 4-character base64 unit", jsontext.QuoteByte(s[i+k]), k+1)
		}
		switch {
		case v[2] == base64Pad:
			out = append(out, byte(v[0]<<2|v[1]>>4))
			i += 4
		case v[3] == base64Pad:
			out = append(out, byte(v[0]<<2|v[1]>>4), byte(v[1]<<4|v[2]>>2))
			i += 4
		default:
			out = append(out, byte(v[0]<<2|v[1]>>4), byte(v[1]<<4|v[2]>>2), byte(v[2]<<6|v[3]))
			i += 4
		}
	}
}

// base64Pad marks '=' in base64Value; other bytes that are no base64 digit
// are -1.
const base64Pad = -2

var base64Value = func() (t [256]int) {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(digits); i++ {
		t[digits[i]] = i
	}
	t['='] = base64Pad
	return t
}()

func (d *jsonDecoder) decimal(s *connect.Schema, c byte) (any, error) {
	start := d.pos
	if isNumberStart(c) {
		lit, _, err := d.scanNumber()
		if err != nil {
			return nil, err
		}
		dec, err := parseJavaDecimal(lit)
		if err != nil {
			d.pos = start
			return nil, d.valueErr("decimal %s: %v", lit, err)
		}
		// Kafka keeps the number's own scale, not the schema's.
		return dec, nil
	}
	if c != '"' {
		return nil, d.mismatch(s, c, "number or base64 string")
	}
	b, err := d.base64()
	if err != nil {
		return nil, err
	}
	scale, err := s.Scale()
	if err != nil {
		d.pos = start
		return nil, d.valueErr("%v", err)
	}
	u, err := decimalFromBytes(b)
	if err != nil {
		d.pos = start
		return nil, d.valueErr("%v", err)
	}
	return connect.Decimal{Unscaled: u, Scale: scale}, nil
}

func (d *jsonDecoder) temporal(s *connect.Schema, c byte) (any, error) {
	if !isNumberStart(c) {
		return nil, d.mismatch(s, c, "integer")
	}
	start := d.pos
	lit, integral, err := d.scanNumber()
	if err != nil {
		return nil, err
	}
	n, ok := parseInt64(lit)
	if !integral || !ok {
		d.pos = start
		return nil, d.valueErr("%s schema needs an integer that fits int64, found %s", schemaLabel(s), lit)
	}
	switch s.Name {
	case connect.DateName:
		if n < math.MinInt32 || n > math.MaxInt32 {
			d.pos = start
			return nil, d.valueErr("Date schema needs an int32 number of days, found %s", lit)
		}
		return time.UnixMilli(n * millisPerDay).UTC(), nil
	case connect.TimeName:
		if n < 0 || n > millisPerDay {
			d.pos = start
			return nil, d.valueErr("Time schema needs milliseconds from 0 to 86400000, found %s", lit)
		}
	}
	return time.UnixMilli(n).UTC(), nil
}

func (d *jsonDecoder) array(s *connect.Schema, c byte) (any, error) {
	if c != '[' {
		return nil, d.mismatch(s, c, "array")
	}
	if s.ValueSchema == nil {
		return nil, d.valueErr("array schema has no element schema")
	}
	empty, err := d.openArray()
	if err != nil || empty {
		return []any{}, err
	}
	a := make([]any, 0, 4)
	for {
		v, err := d.typed(s.ValueSchema)
		if err != nil {
			return nil, wrapPath(err, "element %d", len(a))
		}
		a = append(a, v)
		more, err := d.next(']', "after array element")
		if err != nil {
			return nil, err
		}
		if !more {
			return a, nil
		}
	}
}

// mapValue reads a map: a JSON object when the keys are strings, else an
// array of [key, value] pairs, as Kafka writes them.
func (d *jsonDecoder) mapValue(s *connect.Schema, c byte) (any, error) {
	if s.KeySchema == nil || s.ValueSchema == nil {
		return nil, d.valueErr("map schema has no key or value schema")
	}
	if s.KeySchema.Type == connect.String {
		if c != '{' {
			return nil, d.mismatch(s, c, "object")
		}
		empty, err := d.openObject()
		if err != nil || empty {
			return map[string]any{}, err
		}
		m := make(map[string]any)
		for {
			k, err := d.keyString()
			if err != nil {
				return nil, err
			}
			v, err := d.typed(s.ValueSchema)
			if err != nil {
				return nil, wrapPath(err, "map value %q", k)
			}
			m[k] = v
			more, err := d.next('}', "after object key:value pair")
			if err != nil {
				return nil, err
			}
			if !more {
				return m, nil
			}
		}
	}
	switch t := s.KeySchema.Type; {
	case t == connect.Array || t == connect.Map || (t == connect.Bytes && s.KeySchema.Name != connect.DecimalName):
		return nil, d.valueErr("map keys of type %s cannot be Go map keys", t)
	}
	if c != '[' {
		return nil, d.mismatch(s, c, "array of [key, value] pairs")
	}
	empty, err := d.openArray()
	if err != nil || empty {
		return map[any]any{}, err
	}
	m := make(map[any]any)
	for i := 0; ; i++ {
		c, err := d.peek()
		if err != nil {
			return nil, err
		}
		if c != '[' {
			return nil, wrapPath(d.mismatch(s, c, "[key, value] pair"), "map entry %d", i)
		}
		pairStart := d.pos
		empty, err := d.openArray()
		if err != nil {
			return nil, err
		}
		if empty {
			d.pos = pairStart
			return nil, d.valueErr("map entry %d is not a [key, value] pair", i)
		}
		k, err := d.typed(s.KeySchema)
		if err != nil {
			return nil, wrapPath(err, "map entry %d key", i)
		}
		if more, err := d.next(']', "after array element"); err != nil || !more {
			if err == nil {
				d.pos = pairStart
				err = d.valueErr("map entry %d is not a [key, value] pair", i)
			}
			return nil, err
		}
		v, err := d.typed(s.ValueSchema)
		if err != nil {
			return nil, wrapPath(err, "map entry %d value", i)
		}
		if more, err := d.next(']', "after array element"); err != nil || more {
			if err == nil {
				d.pos = pairStart
				err = d.valueErr("map entry %d is not a [key, value] pair", i)
			}
			return nil, err
		}
		m[k] = v
		more, err := d.next(']', "after array element")
		if err != nil {
			return nil, err
		}
		if !more {
			return m, nil
		}
	}
}

// structValue reads an object into a Struct. Unknown members are skipped;
// missing fields get null's treatment (default, nil or an error).
func (d *jsonDecoder) structValue(s *connect.Schema, c byte) (any, error) {
	if c != '{' {
		return nil, d.mismatch(s, c, "object")
	}
	st := connect.NewStruct(s)
	var seenSmall uint64
	var seenBig []bool
	if len(s.Fields) > 64 {
		seenBig = make([]bool, len(s.Fields))
	}
	empty, err := d.openObject()
	if err != nil {
		return nil, err
	}
	for next := 0; !empty; {
		raw, esc, err := d.key()
		if err != nil {
			return nil, err
		}
		i := fieldIndex(s, raw, esc, next)
		if i < 0 {
			if err := d.skipValue(); err != nil {
				return nil, err
			}
		} else {
			f := &s.Fields[i]
			v, err := d.typed(f.Schema)
			if err != nil {
				return nil, wrapPath(err, "field %q", f.Name)
			}
			// typed returned a value of f's schema, so skip Put's checks.
			st.SetAt(i, v)
			if seenBig != nil {
				seenBig[i] = true
			} else {
				seenSmall |= 1 << i
			}
			next = i + 1
		}
		more, err := d.next('}', "after object key:value pair")
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
	}
	for i := range s.Fields {
		if (seenBig != nil && seenBig[i]) || (seenBig == nil && seenSmall&(1<<i) != 0) {
			continue
		}
		f := &s.Fields[i]
		if f.Schema.Default != nil && d.conv.replaceNull {
			// Stored, as Kafka puts it; checked when the schema was read.
			st.SetAt(i, f.Schema.Default)
		} else if !f.Schema.Optional {
			return nil, wrapPath(d.valueErr("missing value for required %s schema", schemaLabel(f.Schema)), "field %q", f.Name)
		}
	}
	return st, nil
}

// fieldIndex finds the field a key names, trying the expected next field
// first since writers usually keep schema order.
func fieldIndex(s *connect.Schema, raw []byte, escaped bool, next int) int {
	if escaped {
		key := jsontext.UnescapeWTF8(raw)
		for i := range s.Fields {
			if s.Fields[i].Name == key {
				return i
			}
		}
		return -1
	}
	if next < len(s.Fields) && s.Fields[next].Name == string(raw) {
		return next
	}
	for i := range s.Fields {
		if s.Fields[i].Name == string(raw) {
			return i
		}
	}
	return -1
}

// pathError puts where in the value an error happened before it.
type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string { return e.path + ": " + e.err.Error() }
func (e *pathError) Unwrap() error { return e.err }

func wrapPath(err error, format string, args ...any) error {
	var se *jsonSyntaxError
	if errors.As(err, &se) {
		return err // where the syntax broke is what matters
	}
	return &pathError{path: fmt.Sprintf(format, args...), err: err}
}
