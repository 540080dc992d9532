package converters

import (
	"encoding/base64"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/connectkit/connectkit/connect"
)

// SimpleHeaderConverter is Kafka Connect's default header converter
// (org.apache.kafka.connect.storage.SimpleHeaderConverter). It writes
// values as text, as Kafka's Values.convertToString does, and reads text
// back inferring a schema, as Values.parseString does. It has no settings;
// its zero value is ready to use.
//
// Writing (in UTF-8; a lone surrogate, as Java's encoder writes it, as '?'):
//
//	string            as is; "" is an empty header, not a null one
//	numbers, booleans as Java prints them ("42", "1.5", "1.0E20", "true")
//	[]byte            base64
//	time.Time         "yyyy-MM-dd" at midnight UTC, "HH:mm:ss.SSSZ" before
//	                  1970-01-02, else "yyyy-MM-ddTHH:mm:ss.SSSZ", in UTC
//	[]any, maps       [1,"a",null] and {"k":1}, strings quoted within
//	*connect.Struct   {"field":value,...}
//
// Reading splits the text into tokens at : , { } [ ] and " (a backslash
// escapes the next character), as Kafka's Values does, and reads:
//
//	""                    STRING ""
//	null                  no schema, nil value
//	true, false           BOOLEAN (the whole text, trimmed)
//	integers              INT8, INT16, INT32 or INT64, the smallest that
//	                      fits; "1.0" and "1e3" count as integers; digits of
//	                      any script ("１２")
//	other numbers         FLOAT32 if finite as a float32, else FLOAT64,
//	                      else a Decimal; integers beyond int64 are Decimals
//	yyyy-MM-dd            Date
//	HH:mm:ss.SSSZ         Time
//	yyyy-MM-ddTHH:mm:ss.SSSZ  Timestamp
//	[...]                 ARRAY of the elements' common schema: numbers
//	                      widen (INT8 to FLOAT64), other types must agree;
//	                      without one, an ARRAY with no element schema
//	{k:v,...}             MAP, keys and values inferred likewise; quoted
//	                      elements are strings (or dates and times)
//	anything else         STRING, the original text
//
// As in Kafka, a text that starts with a number or date is that value even
// when more follows ("1,2" is the INT8 1, "12:30" the INT8 12); a text that
// only starts like an array or map is a STRING; dates and times are read
// leniently ("2024-13-45" is 2025-02-14). Times are UTC (Kafka uses the
// worker's time zone), dates before 1583 (where Java's calendar turns
// Julian) are left as text, and a map whose keys are arrays or maps, which
// Go map keys cannot be, is left as text. A text nested deeper than 1,000
// arrays or maps is kept as BYTES, as Kafka keeps a header its parser
// fails on (a stack overflow, there). docs/compat/converters.md lists the
// differences the differential test against Kafka found.
type SimpleHeaderConverter struct{}

var _ HeaderConverter = (*SimpleHeaderConverter)(nil)

// ToConnectHeader infers a schema and value from the header's UTF-8 text.
// A nil value gives (nil, nil).
func (*SimpleHeaderConverter) ToConnectHeader(_, _ string, value []byte) (*connect.Schema, any, error) {
	if value == nil {
		return nil, nil, nil
	}
	s, v, err := parseHeaderString(decodeUTF8(value))
	if err != nil {
		return connect.BytesSchema, value, nil // as Kafka keeps a header it fails to parse
	}
	return s, v, nil
}

// FromConnectHeader writes value as text in UTF-8. The schema is ignored, as
// in Kafka. A nil value gives nil bytes.
func (*SimpleHeaderConverter) FromConnectHeader(_, key string, _ *connect.Schema, value any) ([]byte, error) {
	if value == nil {
		return nil, nil
	}
	// Not nil: an empty string is an empty header value, not a null one.
	b, err := appendValuesString([]byte{}, value, false)
	if err != nil {
		return nil, &connect.DataError{Op: "header " + strconv.Quote(key), Err: err}
	}
	if b == nil {
		b = []byte{} // "" is an empty header, not a null one
	}
	if !utf8.Valid(b) {
		b = encodeUTF8(string(b)) // as Java's getBytes(UTF_8): a lone surrogate is '?'
	}
	return b, nil
}

// appendValuesString appends v as Kafka's Values.convertToString writes it;
// embedded values (inside a list, map or struct) have their strings quoted.
func appendValuesString(b []byte, v any, embedded bool) ([]byte, error) {
	var err error
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		if !embedded {
			return append(b, v...), nil
		}
		b = append(b, '"')
		for i := 0; i < len(v); i++ {
			if v[i] == '\\' || v[i] == '"' {
				b = append(b, '\\')
			}
			b = append(b, v[i])
		}
		return append(b, '"'), nil
	case []byte:
		if embedded {
			b = append(b, '"')
		}
		b = base64.StdEncoding.AppendEncode(b, v)
		if embedded {
			b = append(b, '"')
		}
		return b, nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case float32:
		return appendJavaFloat(b, v), nil
	case float64:
		return appendJavaDouble(b, v), nil
	case connect.Decimal:
		if v.Unscaled == nil {
			return append(b, "null"...), nil
		}
		return appendJavaDecimal(b, v), nil
	case time.Time:
		return appendValuesTime(b, v), nil
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendValuesString(b, e, true); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		b = append(b, '{')
		for i, k := range sortedStringKeys(v) {
			if i > 0 {
				b = append(b, ',')
			}
			b, _ = appendValuesString(b, k, true)
			b = append(b, ':')
			if b, err = appendValuesString(b, v[k], true); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case map[any]any:
		b = append(b, '{')
		for i, e := range sortedEntries(v) {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendValuesString(b, e.key, true); err != nil {
				return nil, err
			}
			b = append(b, ':')
			if b, err = appendValuesString(b, e.value, true); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case *connect.Struct:
		if v == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '{')
		for i, f := range v.Schema().Fields {
			if i > 0 {
				b = append(b, ',')
			}
			b, _ = appendValuesString(b, f.Name, true)
			b = append(b, ':')
			if b, err = appendValuesString(b, v.At(i), true); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
	if n, ok := appendInteger(b, v); ok {
		return n, nil
	}
	return nil, fmt.Errorf("cannot write a %T as a header value", v)
}

// appendValuesTime formats as Values.dateFormatFor chooses, in UTC.
func appendValuesTime(b []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	t = time.UnixMilli(ms).UTC()
	switch {
	case ms < millisPerDay:
		return t.AppendFormat(b, "15:04:05.000Z")
	case ms%millisPerDay == 0:
		return t.AppendFormat(b, "2006-01-02")
	}
	return t.AppendFormat(b, "2006-01-02T15:04:05.000Z")
}

// parseHeaderString infers a schema and value from text, as Kafka's
// Values.parseString; see SimpleHeaderConverter.
func parseHeaderString(s string) (*connect.Schema, any, error) {
	if s == "" {
		return connect.StringSchema, s, nil
	}
	p := valuesParser{t: valuesTokens{s: s}}
	sv, err := p.parse(false)
	if err != nil {
		// Only errTooDeep: the others end in the STRING fallback.
		return nil, nil, err
	}
	if sv == nil {
		return nil, nil, nil // null
	}
	return sv.schema, sv.value, nil
}

// inferNumber applies Values.parseAsNumber: a whole number of magnitude at
// most 1e19 that fits int64 is the smallest integer type holding it;
// otherwise a number with a fraction or exponent is FLOAT32 if finite as
// one, else FLOAT64 if finite, else (like an integer beyond int64) a Decimal.
func inferNumber(text string, d connect.Decimal) (*connect.Schema, any) {
	if n, ok := exactInteger(d); ok {
		switch {
		case n >= math.MinInt8 && n <= math.MaxInt8:
			return connect.Int8Schema, int8(n)
		case n >= math.MinInt16 && n <= math.MaxInt16:
			return connect.Int16Schema, int16(n)
		case n >= math.MinInt32 && n <= math.MaxInt32:
			return connect.Int32Schema, int32(n)
		}
		return connect.Int64Schema, n
	}
	if d.Scale != 0 {
		f, _ := strconv.ParseFloat(text, 32)
		if !math.IsInf(f, 0) {
			return connect.Float32Schema, float32(f)
		}
		f, _ = strconv.ParseFloat(text, 64)
		if !math.IsInf(f, 0) {
			return connect.Float64Schema, f
		}
	}
	return connect.DecimalSchema(d.Scale), d
}

// exactInteger is Values.parseAsExactDecimal: d as an int64 if it is a
// whole number within int64 (Kafka's other bounds, 1e19 and fractions
// below 1, follow).
func exactInteger(d connect.Decimal) (int64, bool) {
	if d.Unscaled.Sign() == 0 {
		return 0, true
	}
	if d.Scale > 0 && int(d.Scale) >= len(new(big.Int).Abs(d.Unscaled).String()) {
		return 0, false // a fraction below 1
	}
	return wholeInt64(d)
}

// parseTemporal reads the three ISO 8601 forms Values writes, in UTC, as
// Kafka does with a lenient SimpleDateFormat. The form is chosen by the
// text's length in UTF-16 units (10, 13 or 24, the forms' lengths); then
// each number field takes as many ASCII digits as follow ("2024-1-012" is
// 2024-01-12), each literal must match, and whatever follows the last field
// is ignored ("2024-01-1x" is 2024-01-01). Values past a field's range roll
// over into the next ("2024-13-45" is 2025-02-14, "24:00:00.000Z" the next
// midnight). Years before 1583, where Java's calendar turns Julian, are not
// read as dates.
func parseTemporal(t string) (*connect.Schema, any, bool) {
	var layout []string
	var schema *connect.Schema
	switch utf16Len(t) {
	case len("2006-01-02"):
		layout, schema = dateLayout, connect.DateSchema()
	case len("15:04:05.000Z"):
		layout, schema = timeLayout, connect.TimeSchema()
	case len("2006-01-02T15:04:05.000Z"):
		layout, schema = timestampLayout, connect.TimestampSchema()
	default:
		return nil, nil, false
	}
	// Fields: year, month, day, hour, minute, second, millisecond.
	f := [7]int{1970, 1, 1, 0, 0, 0, 0}
	field := 0
	if schema.Name == connect.TimeName {
		field = 3
	}
	pos := 0
	for _, el := range layout {
		if el != "#" {
			if !strings.HasPrefix(t[pos:], el) {
				return nil, nil, false
			}
			pos += len(el)
			continue
		}
		start, n := pos, 0
		for pos < len(t) && t[pos] >= '0' && t[pos] <= '9' {
			if n < 1e9 {
				n = n*10 + int(t[pos]-'0')
			}
			pos++
		}
		if pos == start || n >= 1e9 {
			return nil, nil, false
		}
		f[field] = n
		field++
	}
	if schema.Name != connect.TimeName && f[0] < 1583 {
		return nil, nil, false
	}
	v := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], 0, time.UTC).Add(time.Duration(f[6]) * time.Millisecond)
	if v.Year() < 1583 {
		return nil, nil, false
	}
	return schema, v, true
}

// The forms of parseTemporal: "#" a number field, else a literal.
var (
	dateLayout      = []string{"#", "-", "#", "-", "#"}
	timeLayout      = []string{"#", ":", "#", ":", "#", ".", "#", "Z"}
	timestampLayout = []string{"#", "-", "#", "-", "#", "T", "#", ":", "#", ":", "#", ".", "#", "Z"}
)

// utf16Len is the length of s in UTF-16 units, as Java counts a string.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xffff {
			n++
		}
	}
	return n
}
