package jsonpath

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/connectkit/connectkit/internal/jsontext"
)

// This file prints values the way kakao's connector turns them into keys
// and timestamps: with Java's toString() on what json-smart parsed.

// javaClass names the Java class json-smart gives a number.
func javaClass(n number) string {
	if n.isDouble() {
		if n.isBigDecimal() {
			return "BigDecimal"
		}
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
		if n.isBigDecimal() {
			return bigDecimalString(string(n))
		}
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
func javaDouble(f float64) string { return string(jsontext.AppendJavaDouble(nil, f, 64)) }

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

// javaString is the toString() kakao calls on a value: numbers as Java
// prints json-smart's classes, objects as a LinkedHashMap ({k=v, ...} in
// document order), arrays as json-smart's JSONArray (JSON).
func javaString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return "null"
	}
	if t, ok := javaNumberText(v); ok {
		return t
	}
	var b strings.Builder
	writeJava(&b, v, false)
	return b.String()
}

// javaInt is Integer.toString.
func javaInt(i int) string { return strconv.Itoa(i) }

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
	case keySet:
		// A Set prints as [a, b]; inside JSON, json-smart writes it as an
		// array.
		b.WriteByte('[')
		for i, k := range v {
			switch {
			case inJSON && i > 0:
				b.WriteByte(',')
			case i > 0:
				b.WriteString(", ")
			}
			writeJava(b, k, inJSON)
		}
		b.WriteByte(']')
	case *omap:
		writeMap(b, v.keys, func(i int) any { return v.vals[i] }, inJSON)
	case *object:
		keys := mapKeys(v)
		writeMap(b, keys, func(i int) any { return mapGet(v, keys[i]) }, inJSON)
	default:
		if t, ok := javaNumberText(v); ok {
			if inJSON && (t == "Infinity" || t == "-Infinity" || t == "NaN") {
				t = "null" // json-smart writes no infinite or NaN number
			}
			b.WriteString(t)
		}
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
