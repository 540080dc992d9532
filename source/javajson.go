package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"unicode/utf16"

	"github.com/connectkit/connectkit/internal/jsontext"
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
	b.Write(jsontext.AppendJavaDouble(b.AvailableBuffer(), f, bits))
	return nil
}

// writeJavaString writes s quoted as Jackson does.
func writeJavaString(b *bytes.Buffer, s string) {
	b.Write(jsontext.AppendJacksonString(b.AvailableBuffer(), s))
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
