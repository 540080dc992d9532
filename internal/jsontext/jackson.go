package jsontext

import (
	"bytes"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Jackson's default JsonGenerator is what Kafka Connect's JsonConverter and
// castorm's connector write JSON with. Where bytes must match theirs (offset
// keys, which Kafka Connect finds by their bytes; castorm's record values),
// these write what it writes.

const upperHex = "0123456789ABCDEF"

// AppendJacksonString appends s as a quoted JSON string the way Jackson
// writes it: \" \\ \b \t \n \f \r, other control characters as \u00XX in
// upper case, characters outside the Basic Multilingual Plane as two \uXXXX
// surrogate escapes in upper case, and nothing else escaped (no HTML
// escaping; U+2028, U+2029 and DEL as they are). Bytes that are not UTF-8,
// which a Java string cannot hold, become U+FFFD.
func AppendJacksonString(b []byte, s string) []byte {
	return appendJackson(b, s, true)
}

// AppendJacksonCharString appends s quoted as Jackson's character-based
// generator writes it (ObjectMapper.writeValueAsString, which castorm's
// connector uses for a record's text): as AppendJacksonString, except that
// characters outside the Basic Multilingual Plane are written as they are.
func AppendJacksonCharString(b []byte, s string) []byte {
	return appendJackson(b, s, false)
}

func appendJackson(b []byte, s string, escapeSupplementary bool) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case '"':
				b = append(b, '\\', '"')
			case '\\':
				b = append(b, '\\', '\\')
			case '\b':
				b = append(b, '\\', 'b')
			case '\t':
				b = append(b, '\\', 't')
			case '\n':
				b = append(b, '\\', 'n')
			case '\f':
				b = append(b, '\\', 'f')
			case '\r':
				b = append(b, '\\', 'r')
			default:
				if c < 0x20 {
					b = append(b, '\\', 'u', '0', '0', upperHex[c>>4], upperHex[c&0xF])
				} else {
					b = append(b, c)
				}
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r >= 0x10000 && escapeSupplementary {
			hi, lo := utf16.EncodeRune(r)
			for _, u := range [2]rune{hi, lo} {
				b = append(b, '\\', 'u', upperHex[u>>12&0xF], upperHex[u>>8&0xF], upperHex[u>>4&0xF], upperHex[u&0xF])
			}
			continue
		}
		b = utf8.AppendRune(b, r) // U+FFFD for a byte that is not UTF-8
	}
	return append(b, '"')
}

// AppendJavaDouble appends f as Java's Double.toString (bits 64) or
// Float.toString (bits 32) writes it, which is how Jackson writes doubles
// and floats: the shortest digits that read back as f, at least two when a
// two-digit decimal is closer (as Java 19 and later choose them; Java 17
// sometimes writes one more), in plain notation with at
// least one fractional digit when 1e-3 <= |f| < 1e7, otherwise as d.dddE±n.
// NaN and the infinities are written as Java names them (NaN, Infinity,
// -Infinity); callers that need JSON quote or refuse them.
func AppendJavaDouble(b []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(b, "-0.0"...)
		}
		return append(b, "0.0"...)
	}
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, bits) // -d.ddde±xx
	if bytes.IndexByte(e, '.') < 0 {
		// One digit is shortest: Java picks the two-digit decimal closest
		// to f (4.9E-324, not 5.0E-324), then drops a final zero.
		e = strconv.AppendFloat(buf[:0], f, 'e', 1, bits)
	}
	if e[0] == '-' {
		b = append(b, '-')
		e = e[1:]
	}
	// Split into the significant digits and the exponent.
	var digits [24]byte
	n := 0
	i := 0
	for ; e[i] != 'e'; i++ {
		if e[i] != '.' {
			digits[n] = e[i]
			n++
		}
	}
	for n > 1 && digits[n-1] == '0' {
		n--
	}
	exp, _ := strconv.Atoi(string(e[i+1:])) // short: no allocation
	d := digits[:n]
	if a := math.Abs(f); a >= 1e-3 && a < 1e7 {
		if exp < 0 {
			b = append(b, '0', '.')
			for range -exp - 1 {
				b = append(b, '0')
			}
			return append(b, d...)
		}
		for k := 0; k <= exp; k++ {
			if k < len(d) {
				b = append(b, d[k])
			} else {
				b = append(b, '0')
			}
		}
		b = append(b, '.')
		if exp+1 < len(d) {
			return append(b, d[exp+1:]...)
		}
		return append(b, '0')
	}
	b = append(b, d[0], '.')
	if len(d) > 1 {
		b = append(b, d[1:]...)
	} else {
		b = append(b, '0')
	}
	b = append(b, 'E')
	return strconv.AppendInt(b, int64(exp), 10)
}
