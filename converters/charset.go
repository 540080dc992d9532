package converters

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// charset is one of the Java character sets StringConverter supports. The
// encoders and decoders replace what they cannot map the way Java's
// String.getBytes and new String(bytes, charset) do: '?' when encoding,
// U+FFFD when decoding.
type charset struct {
	name   string
	encode func(string) []byte
	decode func([]byte) string
}

var (
	utf8Charset    = &charset{"UTF-8", encodeUTF8, decodeUTF8}
	latin1Charset  = &charset{"ISO-8859-1", func(s string) []byte { return encodeSingleByte(s, 0xff) }, decodeLatin1}
	asciiCharset   = &charset{"US-ASCII", func(s string) []byte { return encodeSingleByte(s, 0x7f) }, decodeASCII}
	utf16Charset   = &charset{"UTF-16", func(s string) []byte { return encodeUTF16(s, true, true) }, decodeUTF16BOM}
	utf16beCharset = &charset{"UTF-16BE", func(s string) []byte { return encodeUTF16(s, true, false) },
		func(b []byte) string { return decodeUTF16(b, true) }}
	utf16leCharset = &charset{"UTF-16LE", func(s string) []byte { return encodeUTF16(s, false, false) },
		func(b []byte) string { return decodeUTF16(b, false) }}
)

// charsets maps Java's canonical names and common aliases, lower-cased, as
// Charset.forName matches them case-insensitively.
var charsets = map[string]*charset{
	"utf-8": utf8Charset, "utf8": utf8Charset, "unicode-1-1-utf-8": utf8Charset,
	"iso-8859-1": latin1Charset, "iso8859-1": latin1Charset, "iso8859_1": latin1Charset,
	"iso_8859_1": latin1Charset, "iso_8859-1": latin1Charset, "latin1": latin1Charset, "l1": latin1Charset,
	"cp819": latin1Charset, "ibm819": latin1Charset, "csisolatin1": latin1Charset, "819": latin1Charset,
	"us-ascii": asciiCharset, "ascii": asciiCharset, "us": asciiCharset, "iso646-us": asciiCharset,
	"ascii7": asciiCharset, "646": asciiCharset, "cp367": asciiCharset, "ibm367": asciiCharset,
	"csascii": asciiCharset, "default": asciiCharset,
	"utf-16": utf16Charset, "utf16": utf16Charset, "utf_16": utf16Charset, "unicode": utf16Charset,
	"unicodebig": utf16Charset,
	"utf-16be":   utf16beCharset, "utf_16be": utf16beCharset, "x-utf-16be": utf16beCharset,
	"iso-10646-ucs-2": utf16beCharset, "unicodebigunmarked": utf16beCharset,
	"utf-16le": utf16leCharset, "utf_16le": utf16leCharset, "x-utf-16le": utf16leCharset,
	"unicodelittleunmarked": utf16leCharset,
}

func lookupCharset(name string) (*charset, bool) {
	c, ok := charsets[strings.ToLower(name)]
	return c, ok
}

// decodeUTF8 returns b as a string, replacing malformed input as Java's
// UTF-8 decoder does: one U+FFFD for each maximal ill-formed subsequence,
// except that an encoded surrogate (ED A0..BF xx) counts as one.
func decodeUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + 8)
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			sb.WriteByte(b[i])
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || n > 1 {
			sb.Write(b[i : i+n])
			i += n
			continue
		}
		sb.WriteRune(utf8.RuneError)
		i += malformedUTF8Len(b[i:])
	}
	return sb.String()
}

func isCont(c byte) bool { return c&0xc0 == 0x80 }

// malformedUTF8Len returns how many bytes of p, which starts with an
// ill-formed sequence, Java replaces with one U+FFFD.
func malformedUTF8Len(p []byte) int {
	c := p[0]
	switch {
	case c >= 0xe0 && c <= 0xef:
		lo := byte(0x80)
		if c == 0xe0 {
			lo = 0xa0
		}
		if len(p) < 2 || p[1] < lo || p[1] > 0xbf {
			return 1
		}
		if len(p) < 3 || !isCont(p[2]) {
			return 2
		}
		return 3 // an encoded surrogate
	case c >= 0xf0 && c <= 0xf4:
		lo, hi := byte(0x80), byte(0xbf)
		if c == 0xf0 {
			lo = 0x90
		} else if c == 0xf4 {
			hi = 0x8f
		}
		if len(p) < 2 || p[1] < lo || p[1] > hi {
			return 1
		}
		if len(p) < 3 || !isCont(p[2]) {
			return 2
		}
		return 3
	default:
		return 1
	}
}

func decodeLatin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

func decodeASCII(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		if c < utf8.RuneSelf {
			sb.WriteByte(c)
		} else {
			sb.WriteRune(utf8.RuneError)
		}
	}
	return sb.String()
}

// javaChars calls fn with each character of s as Java holds it: the runes
// of valid UTF-8, a lone surrogate kept in its WTF-8 form (as the JSON
// reader keeps "\ud800") as that surrogate, and each other invalid byte,
// which no Java string holds, as U+FFFD.
func javaChars(s string, fn func(r rune)) {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 && isWTF8Surrogate(s, i) {
			r, n = wtf8Surrogate(s, i), 3
		}
		fn(r)
		i += n
	}
}

// encodeUTF8 is Java's String.getBytes(UTF_8): a lone surrogate becomes '?'.
func encodeUTF8(s string) []byte {
	if utf8.ValidString(s) {
		return []byte(s)
	}
	out := make([]byte, 0, len(s))
	javaChars(s, func(r rune) {
		if utf16.IsSurrogate(r) {
			out = append(out, '?')
		} else {
			out = utf8.AppendRune(out, r)
		}
	})
	return out
}

// encodeSingleByte encodes s in a charset of code points 0..max, writing '?'
// for each code point outside it.
func encodeSingleByte(s string, max rune) []byte {
	out := make([]byte, 0, len(s))
	javaChars(s, func(r rune) {
		if r <= max {
			out = append(out, byte(r))
		} else {
			out = append(out, '?')
		}
	})
	return out
}

// encodeUTF16 is Java's String.getBytes for the UTF-16 charsets: a lone
// surrogate becomes U+FFFD, and "UTF-16" (bom) puts a big-endian
// byte-order mark before the text, but writes nothing at all for "".
func encodeUTF16(s string, bigEndian, bom bool) []byte {
	var units []uint16
	javaChars(s, func(r rune) {
		if utf16.IsSurrogate(r) {
			r = utf8.RuneError
		}
		units = utf16.AppendRune(units, r)
	})
	out := make([]byte, 0, 2*len(units)+2)
	if bom && len(units) > 0 {
		out = append(out, 0xfe, 0xff)
	}
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

// decodeUTF16BOM decodes Java's "UTF-16": a leading byte-order mark picks the
// byte order and is dropped; without one the input is big-endian.
func decodeUTF16BOM(b []byte) string {
	if len(b) >= 2 {
		switch {
		case b[0] == 0xfe && b[1] == 0xff:
			return decodeUTF16(b[2:], true)
		case b[0] == 0xff && b[1] == 0xfe:
			return decodeUTF16(b[2:], false)
		}
	}
	return decodeUTF16(b, true)
}

// decodeUTF16 decodes as Java does: a high surrogate not followed by a low
// one is replaced together with the unit after it, a lone low surrogate on
// its own, and an incomplete tail by one U+FFFD.
func decodeUTF16(b []byte, bigEndian bool) string {
	unit := func(i int) uint16 {
		if bigEndian {
			return uint16(b[i])<<8 | uint16(b[i+1])
		}
		return uint16(b[i+1])<<8 | uint16(b[i])
	}
	var sb strings.Builder
	sb.Grow(len(b))
	i := 0
	for ; i+1 < len(b); i += 2 {
		u := unit(i)
		switch {
		case u < 0xd800 || u > 0xdfff:
			sb.WriteRune(rune(u))
		case u <= 0xdbff:
			if i+3 >= len(b) {
				sb.WriteRune(utf8.RuneError)
				return sb.String()
			}
			u2 := unit(i + 2)
			if u2 >= 0xdc00 && u2 <= 0xdfff {
				sb.WriteRune(utf16.DecodeRune(rune(u), rune(u2)))
			} else {
				sb.WriteRune(utf8.RuneError)
			}
			i += 2
		default:
			sb.WriteRune(utf8.RuneError)
		}
	}
	if i < len(b) {
		sb.WriteRune(utf8.RuneError)
	}
	return sb.String()
}
