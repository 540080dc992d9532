package converters

import (
	"encoding/base64"
	"fmt"
	"math"
	"math/big"
	"strconv"
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
// Go map keys cannot be, is left as text. docs/compat/converters.md lists
// the differences the differential test against Kafka found.
type SimpleHeaderConverter struct{}

var _ HeaderConverter = (*SimpleHeaderConverter)(nil)

// ToConnectHeader infers a schema and value from the header's UTF-8 text.
// A nil value gives (nil, nil).
func (*SimpleHeaderConverter) ToConnectHeader(_, _ string, value []byte) (*connect.Schema, any, error) {
	if value == nil {
		return nil, nil, nil
	}
	s, v := parseHeaderString(decodeUTF8(value))
	return s, v, nil
}

// FromConnectHeader writes value as text in UTF-8. The schema is ignored, as
// in Kafka. A nil value gives nil bytes.
func (*SimpleHeaderConverter) FromConnectHeader(_, key string, _ *connect.Schema, value any) ([]byte, error) {
	if value == nil {
		return nil, nil
	}
	b, err := appendValuesString(nil, value, false)
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
func parseHeaderString(s string) (*connect.Schema, any) {
	if s == "" {
		return connect.StringSchema, s
	}
	p := valuesParser{t: valuesTokens{s: s}}
	sv, err := p.parse(false)
	if err != nil || sv == nil {
		// At the top level only null is nil; errors end in the STRING
		// fallback inside parse.
		return nil, nil
	}
	return sv.schema, sv.value
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
// Kafka's lenient SimpleDateFormat does: each field's digits where the form
// has them, and values past a field's range rolling over into the next
// ("2024-13-45" is 2025-02-14, "24:00:00.000Z" the next midnight). Years
// before 1583, where Java's calendar turns Julian, are not read as dates.
func parseTemporal(t string) (*connect.Schema, any, bool) {
	var layout string
	var schema *connect.Schema
	switch len(t) {
	case len("2006-01-02"):
		layout, schema = "2006-01-02", connect.DateSchema()
	case len("15:04:05.000Z"):
		layout, schema = "15:04:05.000Z", connect.TimeSchema()
	case len("2006-01-02T15:04:05.000Z"):
		layout, schema = "2006-01-02T15:04:05.000Z", connect.TimestampSchema()
	default:
		return nil, nil, false
	}
	for i := 0; i < len(t); i++ {
		if isDigitPlace(layout[i]) != (t[i] >= '0' && t[i] <= '9') || (!isDigitPlace(layout[i]) && layout[i] != t[i]) {
			return nil, nil, false
		}
	}
	num := func(from, to int) int {
		n := 0
		for _, c := range t[from:to] {
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day, clock := 1970, 1, 1, 0
	if layout[0] == '2' {
		year, month, day = num(0, 4), num(5, 7), num(8, 10)
		if year < 1583 {
			return nil, nil, false
		}
		clock = 11
	}
	if schema.Name == connect.DateName {
		return schema, time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), true
	}
	v := time.Date(year, time.Month(month), day, num(clock, clock+2), num(clock+3, clock+5), num(clock+6, clock+8),
		num(clock+9, clock+12)*int(time.Millisecond), time.UTC)
	return schema, v, true
}

func isDigitPlace(c byte) bool { return c >= '0' && c <= '9' }
