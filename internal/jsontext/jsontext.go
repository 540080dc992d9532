// Package jsontext holds the JSON text handling that the converters and
// the connectors' own scanners share.
package jsontext

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is how deep every JSON reader of the project lets values nest:
// the converters, the HTTP source's body scanner and the kafka sink's
// filter decoder. It is Jackson's StreamReadConstraints default, so that
// Kafka Connect's JsonConverter and these readers refuse the same
// documents, and it bounds the recursion of every reader.
const MaxDepth = 1000

// Unescape decodes the raw bytes between a JSON string's quotes, which the
// caller has checked: every backslash starts a valid escape. A lone
// surrogate escape becomes U+FFFD.
func Unescape(raw []byte) string { return unescape(raw, false) }

// UnescapeWTF8 is Unescape, except that a lone surrogate escape ("\ud800"
// without its pair) becomes the surrogate's three-byte generalized UTF-8
// form (WTF-8: ED A0 80), as a Java string keeps it, instead of U+FFFD. The
// result is then not valid UTF-8; a writer that knows the form can escape
// the surrogate again as Jackson does.
func UnescapeWTF8(raw []byte) string { return unescape(raw, true) }

// LoneSurrogate reports whether the raw bytes between a JSON string's
// quotes, checked as for Unescape, hold a surrogate escape that is not half
// of a pair.
func LoneSurrogate(raw []byte) bool {
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		i++
		if raw[i] != 'u' {
			continue
		}
		r := hex4(raw[i+1:])
		i += 4
		if !utf16.IsSurrogate(r) {
			continue
		}
		if r >= 0xdc00 || i+6 >= len(raw) || raw[i+1] != '\\' || raw[i+2] != 'u' {
			return true
		}
		if r2 := hex4(raw[i+3:]); r2 < 0xdc00 || r2 > 0xdfff {
			return true
		}
		i += 6
	}
	return false
}

func unescape(raw []byte, wtf8 bool) string {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hex4(raw[i+1:])
			i += 4
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if r < 0xdc00 && i+6 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					r2 = hex4(raw[i+3:])
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					r = dec
					i += 6
				} else if wtf8 {
					out = append(out, 0xe0|byte(r>>12), 0x80|byte(r>>6)&0x3f, 0x80|byte(r)&0x3f)
					continue
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default: // '"', '\\', '/'
			out = append(out, raw[i])
		}
	}
	return string(out)
}

func hex4(b []byte) rune {
	return rune(Unhex(b[0])<<12 | Unhex(b[1])<<8 | Unhex(b[2])<<4 | Unhex(b[3]))
}

// Unhex returns the value of hexadecimal digit c, or -1 if c is not one.
func Unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// QuoteByte quotes c for a syntax error's message, as Go quotes a rune:
// 'a', '\n', '\\'; a byte that is not ASCII as '\xff'.
func QuoteByte(c byte) string {
	if c < utf8.RuneSelf {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf(`'\x%02x'`, c)
}

// SkipPlain returns the index of the first byte of b, from i on, that a
// JSON string does not hold as it is: a quote, a backslash, a control
// character or a byte of a multibyte character. It takes eight bytes at a
// time, so in the last seven bytes of b it may stop at a plain byte, which
// the caller then reads one at a time.
func SkipPlain(b []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for i+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[i : i+8])
		quote, backslash := x^(ones*'"'), x^(ones*'\\')
		// The high bit of each byte that is below 0x20, a quote, a
		// backslash or above 0x7f; above the lowest, borrows may add
		// wrong ones.
		if m := ((x-ones*0x20)&^x | (quote-ones)&^quote | (backslash-ones)&^backslash | x) & highs; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	return i
}
