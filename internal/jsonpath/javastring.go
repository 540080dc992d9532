package jsonpath

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// This file prints values the way kakao's connector turns them into keys
// and timestamps: with Java's toString() on what json-smart parsed.

// javaClass names the Java class json-smart gives a number.
func javaClass(n number) string {
	if n.isDouble() {
		return "Double"
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	switch {
	case err != nil:
		return "BigInteger"
	case i >= math.MinInt32 && i <= math.MaxInt32:
		return "Integer"
	}
	return "Long"
}

// javaNumber is the toString() of the number json-smart parses from n.
func javaNumber(n number) string {
	if n.isDouble() {
		return javaDouble(n.float())
	}
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return strconv.FormatInt(i, 10)
	}
	var b big.Int
	if _, ok := b.SetString(string(n), 10); ok {
		return b.String()
	}
	return string(n)
}

// javaDouble is Java's Double.toString: plain between 10^-3 and 10^7, else
// computerized scientific notation, always with a fractional part.
func javaDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	if a := math.Abs(f); a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // 1.2345e+07
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// parseBigDecimal reads s as Java's new BigDecimal(s) would, returning
// false where it would throw.
func parseBigDecimal(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil || isRangeErr(err)
}

func isRangeErr(err error) bool {
	return errors.Is(err, strconv.ErrRange)
}

// bigDecimalString is new BigDecimal(s).toString(), for a string that
// parseBigDecimal accepts: Jayway compares a string with a number through it.
func bigDecimalString(s string) string {
	if _, ok := parseBigDecimal(s); !ok {
		return s
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		exp, _ = strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	unscaled := strings.TrimLeft(intPart+frac, "0")
	if unscaled == "" {
		unscaled = "0"
	}
	scale := len(frac) - exp
	var out string
	adjusted := -scale + len(unscaled) - 1
	switch {
	case scale == 0:
		out = unscaled
	case scale > 0 && adjusted >= -6:
		if len(unscaled) > scale {
			out = unscaled[:len(unscaled)-scale] + "." + unscaled[len(unscaled)-scale:]
		} else {
			out = "0." + strings.Repeat("0", scale-len(unscaled)) + unscaled
		}
	default:
		out = unscaled[:1]
		if len(unscaled) > 1 {
			out += "." + unscaled[1:]
		}
		out += "E"
		if adjusted >= 0 {
			out += "+"
		}
		out += strconv.Itoa(adjusted)
	}
	if neg && unscaled != "0" {
		out = "-" + out
	}
	return out
}

// javaString is the toString() kakao calls on a path's value. Objects and
// arrays are printed from their bytes in raw, when given, so that keys keep
// the document's order as json-smart's LinkedHashMap does; without raw
// (paths evaluated by PaesslerAG) object keys are sorted.
func javaString(v jv, raw []byte) string {
	switch v.kind {
	case kString:
		return v.s
	case kNumber:
		return javaNumber(number(v.s))
	case kBool:
		return strconv.FormatBool(v.b)
	case kNull:
		return "null"
	}
	var b strings.Builder
	if raw != nil {
		d := decoder{data: raw}
		if v, err := d.orderedValue(); err == nil {
			writeJava(&b, v, false)
			return b.String()
		}
	}
	writeJava(&b, v.j, false)
	return b.String()
}

// ordered is an object that keeps its keys in document order.
type ordered struct {
	keys []string
	vals []any
}

// orderedValue decodes the value at d.pos keeping object key order.
func (d *decoder) orderedValue() (any, error) {
	d.space()
	if d.pos >= len(d.data) {
		return nil, d.errorf("unexpected end")
	}
	switch d.data[d.pos] {
	case '{':
		d.pos++
		o := &ordered{}
		for {
			d.space()
			if d.pos < len(d.data) && d.data[d.pos] == '}' {
				d.pos++
				return o, nil
			}
			if d.pos < len(d.data) && d.data[d.pos] == ',' {
				d.pos++
				d.space()
			}
			if d.pos >= len(d.data) || d.data[d.pos] != '"' {
				return nil, d.errorf("expected a string key")
			}
			k, err := d.str()
			if err != nil {
				return nil, err
			}
			d.space()
			d.pos++ // :
			v, err := d.orderedValue()
			if err != nil {
				return nil, err
			}
			if i := indexOf(o.keys, k); i >= 0 {
				o.vals[i] = v
			} else {
				o.keys, o.vals = append(o.keys, k), append(o.vals, v)
			}
		}
	case '[':
		d.pos++
		a := []any{}
		for {
			d.space()
			if d.pos < len(d.data) && d.data[d.pos] == ']' {
				d.pos++
				return a, nil
			}
			if d.pos < len(d.data) && d.data[d.pos] == ',' {
				d.pos++
			}
			v, err := d.orderedValue()
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	}
	return d.tree()
}

func indexOf(keys []string, k string) int {
	for i, x := range keys {
		if x == k {
			return i
		}
	}
	return -1
}

// writeJava prints v as Java does: a Map as {k=v, ...} and, inside JSON
// (json-smart's JSONArray.toString), everything as JSON.
func writeJava(b *strings.Builder, v any, inJSON bool) {
	switch v := v.(type) {
	case string:
		if inJSON {
			writeJSONString(b, v)
		} else {
			b.WriteString(v)
		}
	case number:
		b.WriteString(javaNumber(v))
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case nil:
		b.WriteString("null")
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJava(b, e, true)
		}
		b.WriteByte(']')
	case *ordered:
		writeMap(b, v.keys, func(i int) any { return v.vals[i] }, inJSON)
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sortStrings(keys)
		writeMap(b, keys, func(i int) any { return v[keys[i]] }, inJSON)
	}
}

func writeMap(b *strings.Builder, keys []string, val func(int) any, inJSON bool) {
	b.WriteByte('{')
	for i, k := range keys {
		if inJSON {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
		} else {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
		}
		writeJava(b, val(i), inJSON)
	}
	b.WriteByte('}')
}

// writeJSONString quotes s as json-smart's default style does, which also
// escapes '/' and some invisible ranges.
func writeJSONString(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '/':
			b.WriteString(`\/`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r <= 0x1F || r >= 0x7F && r <= 0x9F || r >= 0x2000 && r <= 0x20FF:
			b.WriteString(`\u`)
			b.WriteByte(hex[r>>12&0xF])
			b.WriteByte(hex[r>>8&0xF])
			b.WriteByte(hex[r>>4&0xF])
			b.WriteByte(hex[r&0xF])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// rawAt returns the bytes of the value at a simple path in a valid JSON
// document, with the last of duplicate keys, as json-smart keeps.
func rawAt(data []byte, steps []step) ([]byte, bool) {
	d := decoder{data: data}
	d.space()
	for _, s := range steps {
		if d.pos >= len(d.data) {
			return nil, false
		}
		found := -1
		switch {
		case !s.isIndex && d.data[d.pos] == '{':
			d.pos++
			for {
				d.space()
				if d.data[d.pos] == '}' {
					break
				}
				if d.data[d.pos] == ',' {
					d.pos++
					d.space()
				}
				k, err := d.str()
				if err != nil {
					return nil, false
				}
				d.space()
				d.pos++ // :
				d.space()
				if k == s.name {
					found = d.pos
				}
				if d.skip() != nil {
					return nil, false
				}
			}
		case s.isIndex && d.data[d.pos] == '[':
			d.pos++
			var starts []int
			for {
				d.space()
				if d.data[d.pos] == ']' {
					break
				}
				if d.data[d.pos] == ',' {
					d.pos++
					d.space()
				}
				starts = append(starts, d.pos)
				if d.skip() != nil {
					return nil, false
				}
			}
			i := s.index
			if i < 0 {
				i += len(starts)
			}
			if i >= 0 && i < len(starts) {
				found = starts[i]
			}
		}
		if found < 0 {
			return nil, false
		}
		d.pos = found
	}
	start := d.pos
	if d.skip() != nil {
		return nil, false
	}
	return data[start:d.pos], true
}
