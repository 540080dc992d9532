package converters

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// jacksonEncoding reads JSON in the encodings Jackson's
// ByteSourceJsonBootstrapper detects from the first bytes, which Kafka's
// JsonDeserializer hands it: a UTF-32 or UTF-16 byte-order mark, or zero
// bytes where JSON's first character would have them in UTF-32 or UTF-16.
// It returns data as UTF-8, unchanged when it is UTF-8 already (the first
// four bytes hold no zero and no UTF-16 or UTF-32 mark: every real Kafka
// record, at the cost of a few comparisons). As in Jackson, a lone
// surrogate is an error in UTF-16 and a character in UTF-32 (written here
// as its escape, which the reader keeps inside a string as Jackson keeps
// the character), and malformed UTF-32 is an error.
func jacksonEncoding(data []byte) ([]byte, error) {
	if len(data) < 2 || (data[0] != 0 && data[1] != 0 && data[0] != 0xfe && data[0] != 0xff &&
		(len(data) < 4 || data[2] != 0 && data[3] != 0)) {
		return data, nil
	}
	if len(data) >= 4 {
		quad := binary.BigEndian.Uint32(data)
		switch {
		case quad == 0x0000feff:
			return fromUTF32(data[4:], true)
		case quad == 0xfffe0000:
			return fromUTF32(data[4:], false)
		case quad == 0x0000fffe || quad == 0xfeff0000:
			return nil, errors.New("unsupported UCS-4 byte order")
		case quad>>16 == 0xfeff:
			return fromUTF16(data[2:], true)
		case quad>>16 == 0xfffe:
			return fromUTF16(data[2:], false)
		case quad>>8 == 0xefbbbf:
			return data, nil // UTF-8 with its mark, which the reader skips
		case quad>>8 == 0:
			return fromUTF32(data, true)
		case quad&0x00ffffff == 0:
			return fromUTF32(data, false)
		case quad&^0x00ff0000 == 0 || quad&^0x0000ff00 == 0:
			return nil, errors.New("unsupported UCS-4 byte order")
		}
	}
	switch i16 := binary.BigEndian.Uint16(data); {
	case i16&0xff00 == 0:
		return fromUTF16(data, true)
	case i16&0x00ff == 0:
		return fromUTF16(data, false)
	}
	return data, nil
}

// fromUTF32 decodes UTF-32 as Jackson's UTF32Reader does.
func fromUTF32(b []byte, bigEndian bool) ([]byte, error) {
	out := make([]byte, 0, len(b)/2)
	for i := 0; i < len(b); i += 4 {
		if len(b)-i < 4 {
			return nil, fmt.Errorf("unexpected end of input in a 4-byte UTF-32 character at byte %d", i)
		}
		var c uint32
		if bigEndian {
			c = binary.BigEndian.Uint32(b[i:])
		} else {
			c = binary.LittleEndian.Uint32(b[i:])
		}
		switch {
		case c > utf8.MaxRune:
			return nil, fmt.Errorf("invalid UTF-32 character 0x%x at byte %d", c, i)
		case c >= 0xd800 && c <= 0xdfff:
			out = appendU(out, rune(c))
		default:
			out = utf8.AppendRune(out, rune(c))
		}
	}
	return out, nil
}

// fromUTF16 decodes UTF-16, refusing a lone surrogate as Jackson does; an
// odd byte at the end is U+FFFD.
func fromUTF16(b []byte, bigEndian bool) ([]byte, error) {
	unit := func(i int) rune {
		if bigEndian {
			return rune(binary.BigEndian.Uint16(b[i:]))
		}
		return rune(binary.LittleEndian.Uint16(b[i:]))
	}
	out := make([]byte, 0, len(b))
	i := 0
	for ; i+1 < len(b); i += 2 {
		r := unit(i)
		if r >= 0xd800 && r <= 0xdfff {
			if r >= 0xdc00 || i+3 >= len(b) {
				return nil, fmt.Errorf("lone UTF-16 surrogate at byte %d", i)
			}
			r2 := unit(i + 2)
			if r2 < 0xdc00 || r2 > 0xdfff {
				return nil, fmt.Errorf("lone UTF-16 surrogate at byte %d", i)
			}
			r = utf16.DecodeRune(r, r2)
			i += 2
		}
		out = utf8.AppendRune(out, r)
	}
	if i < len(b) {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	return out, nil
}
