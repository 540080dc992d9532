package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Kafka Connect's offset stores find an offset by the bytes of its key: the
// reader serializes the partition it asks for and looks those bytes up. A
// key this runtime writes must therefore be byte for byte the one Kafka
// Connect's JsonConverter (schemas.enable=false, Jackson underneath) writes
// for the same partition, or a Java worker taking over the offsets would not
// find them, and a Kafka topic would keep both keys. marshalJava writes
// Jackson's bytes:
//
//   - map fields in the order java.util.HashMap iterates them when a
//     connector filled a new HashMap with put (the common case; Java's
//     own order depends on the map class the connector chose, see
//     docs/compat/offsets.md);
//   - strings escaped as Jackson escapes them: \" \\ \b \t \n \f \r, other
//     control characters as \u00XX in upper case, characters outside the
//     Basic Multilingual Plane as two \uXXXX surrogate escapes, nothing
//     else (no HTML escaping, U+2028 and U+2029 as they are);
//   - float64 as Java's Double.toString and float32 as Float.toString
//     (shortest digits, 1.0E20 style outside [1e-3, 1e7)), integers in
//     decimal.
func marshalJava(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := writeJava(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeJava(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		writeJavaString(b, x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int8:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int16:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int32:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case uint8:
		b.WriteString(strconv.FormatUint(uint64(x), 10))
	case uint16:
		b.WriteString(strconv.FormatUint(uint64(x), 10))
	case uint32:
		b.WriteString(strconv.FormatUint(uint64(x), 10))
	case uint:
		return writeJavaUint(b, uint64(x))
	case uint64:
		return writeJavaUint(b, x)
	case float32:
		return writeJavaFloat(b, float64(x), 32)
	case float64:
		return writeJavaFloat(b, x, 64)
	case json.Number:
		if _, err := strconv.ParseFloat(string(x), 64); err != nil {
			return fmt.Errorf("invalid number %q", x)
		}
		b.WriteString(string(x))
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		b.WriteByte('{')
		for i, k := range javaHashMapOrder(keys) {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJavaString(b, k)
			b.WriteByte(':')
			if err := writeJava(b, x[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJava(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	default:
		// Other types (typed maps and slices, structs, json.Marshalers):
		// their JSON form, read back into the types above.
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Float32 || rv.Kind() == reflect.Float64 {
			return writeJavaFloat(b, rv.Float(), rv.Type().Bits())
		}
		j, err := json.Marshal(v)
		if err != nil {
			return err
		}
		dec := json.NewDecoder(bytes.NewReader(j))
		dec.UseNumber()
		var generic any
		if err := dec.Decode(&generic); err != nil {
			return err
		}
		return writeJava(b, generic)
	}
	return nil
}

// writeJavaUint writes an unsigned integer, which Kafka Connect's
// JsonConverter can hold only up to Long.MAX_VALUE.
func writeJavaUint(b *bytes.Buffer, x uint64) error {
	if x > math.MaxInt64 {
		return fmt.Errorf("integer %d is larger than a Java long", x)
	}
	b.WriteString(strconv.FormatUint(x, 10))
	return nil
}

// writeJavaFloat writes f as Java's Double.toString (bits 64) or
// Float.toString (bits 32) does, which is how Jackson writes them.
func writeJavaFloat(b *bytes.Buffer, f float64, bits int) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("number %v is not valid JSON", f)
	}
	if f == 0 {
		if math.Signbit(f) {
			b.WriteString("-0.0")
		} else {
			b.WriteString("0.0")
		}
		return nil
	}
	// Shortest digits that read back as f: d.ddde±x.
	s := strconv.FormatFloat(f, 'e', -1, bits)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
		b.WriteByte('-')
	}
	mant, expPart, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expPart)
	digits := strings.Replace(mant, ".", "", 1)
	if a := math.Abs(f); a >= 1e-3 && a < 1e7 {
		if exp >= 0 {
			intLen := exp + 1
			for len(digits) < intLen+1 {
				digits += "0"
			}
			b.WriteString(digits[:intLen])
			b.WriteByte('.')
			b.WriteString(digits[intLen:])
		} else {
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", -exp-1))
			b.WriteString(digits)
		}
		return nil
	}
	b.WriteByte(digits[0])
	b.WriteByte('.')
	if len(digits) > 1 {
		b.WriteString(digits[1:])
	} else {
		b.WriteByte('0')
	}
	b.WriteByte('E')
	b.WriteString(strconv.Itoa(exp))
	return nil
}

const upperHex = "0123456789ABCDEF"

// writeJavaString writes s quoted as Jackson does. Bytes that are not UTF-8
// (a Java string cannot hold them) become U+FFFD.
func writeJavaString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case '"':
				b.WriteString(`\"`)
			case '\\':
				b.WriteString(`\\`)
			case '\b':
				b.WriteString(`\b`)
			case '\t':
				b.WriteString(`\t`)
			case '\n':
				b.WriteString(`\n`)
			case '\f':
				b.WriteString(`\f`)
			case '\r':
				b.WriteString(`\r`)
			default:
				if c < 0x20 {
					b.WriteString(`\u00`)
					b.WriteByte(upperHex[c>>4])
					b.WriteByte(upperHex[c&0xF])
				} else {
					b.WriteByte(c)
				}
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r >= 0x10000 {
			hi, lo := utf16.EncodeRune(r)
			for _, u := range []rune{hi, lo} {
				b.WriteString(`\u`)
				b.WriteByte(upperHex[u>>12&0xF])
				b.WriteByte(upperHex[u>>8&0xF])
				b.WriteByte(upperHex[u>>4&0xF])
				b.WriteByte(upperHex[u&0xF])
			}
			continue
		}
		b.WriteRune(r) // U+FFFD for a byte that is not UTF-8
	}
	b.WriteByte('"')
}

// javaHashMapOrder returns keys in the order a java.util.HashMap<String, ?>
// iterates them after they were put in a new one in sorted order: by
// bucket of the spread String.hashCode in a table of the capacity the map
// has grown to, and within a bucket in insertion order.
func javaHashMapOrder(keys []string) []string {
	sort.Strings(keys)
	capacity := 16
	for len(keys) > capacity/4*3 {
		capacity *= 2
	}
	mask := uint32(capacity - 1)
	bucket := func(k string) uint32 {
		var h uint32
		for _, u := range utf16.Encode([]rune(k)) {
			h = 31*h + uint32(u)
		}
		return (h ^ h>>16) & mask
	}
	sort.SliceStable(keys, func(i, j int) bool { return bucket(keys[i]) < bucket(keys[j]) })
	return keys
}
