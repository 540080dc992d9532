package partitioner

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/connectkit/connectkit/connect"
)

// splitField splits a dotted field name as Confluent does, with Java's
// String.split("\\."), which drops trailing empty segments: "a.b." is "a.b".
func splitField(name string) []string {
	segs := strings.Split(name, ".")
	for len(segs) > 0 && segs[len(segs)-1] == "" {
		segs = segs[:len(segs)-1]
	}
	return segs
}

// checkFieldName is Confluent's PartitionFieldNameValidator, made total: a
// name must not be blank, and no segment between dots may be blank either.
func checkFieldName(name string) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("field name is empty")
	}
	segs := splitField(name)
	if len(segs) == 0 {
		return fmt.Errorf("field name %q names no field", name)
	}
	for _, s := range segs {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("field name %q has an empty segment between dots", name)
		}
	}
	return nil
}

// lookup reads the field at the dotted path segs in a record value: a
// *connect.Struct, or a schemaless map[string]any or map[any]any, nested in
// any mix. It returns the field's value, nil when it is null or a struct or
// map on the way is null, and the field's schema when it was read from a
// Struct (with the schema's default for an unset field).
//
// As in Confluent, a Struct's schema is checked along the path first, so a
// misspelt field is reported even when the struct holding it is null; a map
// without the key is an error too, while a key holding null reads as null.
func lookup(v any, segs []string) (any, *connect.Schema, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil, errors.New("the record has no value")
	case *connect.Struct:
		if v == nil {
			return nil, nil, errors.New("the record has no value")
		}
		if err := checkSchemaPath(v.Schema(), segs); err != nil {
			return nil, nil, err
		}
	case map[string]any, map[any]any:
	default:
		return nil, nil, fmt.Errorf("the record value is %s, not a struct or map", describe(v))
	}
	var schema *connect.Schema
	cur := v
	for i, seg := range segs {
		switch c := cur.(type) {
		case *connect.Struct:
			if c == nil {
				return nil, nil, nil
			}
			f := c.Schema().Field(seg)
			if f == nil {
				return nil, nil, fmt.Errorf("%s has no field %q", c.Schema(), strings.Join(segs[:i+1], "."))
			}
			schema, cur = f.Schema, c.At(f.Index)
		case map[string]any:
			val, ok := c[seg]
			if !ok {
				return nil, nil, fmt.Errorf("no field %q", strings.Join(segs[:i+1], "."))
			}
			schema, cur = nil, val
		case map[any]any:
			val, ok := c[seg]
			if !ok {
				return nil, nil, fmt.Errorf("no field %q", strings.Join(segs[:i+1], "."))
			}
			schema, cur = nil, val
		case nil:
			// A null struct or map on the way: Confluent reads the field
			// as null.
			return nil, nil, nil
		default:
			return nil, nil, fmt.Errorf("%q is %s, not a struct or map", strings.Join(segs[:i], "."), describe(cur))
		}
	}
	return cur, schema, nil
}

// checkSchemaPath follows segs through STRUCT schemas, as Confluent's
// DataUtils.getNestedField does, until it reaches the last segment or a MAP
// field (whose keys only the value knows).
func checkSchemaPath(s *connect.Schema, segs []string) error {
	for i, seg := range segs {
		f := s.Field(seg)
		if f == nil {
			return fmt.Errorf("%s has no field %q", s, strings.Join(segs[:i+1], "."))
		}
		if i == len(segs)-1 {
			return nil
		}
		switch f.Schema.Type {
		case connect.StructType:
			s = f.Schema
		case connect.Map:
			return nil
		default:
			return fmt.Errorf("field %q is %s, not a struct", strings.Join(segs[:i+1], "."), f.Schema.Type)
		}
	}
	return nil
}

// describe names the kind of a schemaless value for errors, without its
// content.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any, map[any]any:
		return "a map"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float32, float64:
		return "a floating-point number"
	case []byte:
		return "bytes"
	case *connect.Struct:
		return "a struct"
	case time.Time:
		return "a time"
	case connect.Decimal:
		return "a decimal"
	}
	return fmt.Sprintf("a %T", v)
}

// isLogical reports whether a schema is one of Kafka Connect's logical
// types, whose values are not their underlying INT32, INT64 or BYTES.
func isLogical(s *connect.Schema) bool {
	switch s.Name {
	case connect.DateName, connect.TimeName, connect.TimestampName, connect.DecimalName:
		return true
	}
	return false
}

// appendInteger appends v if it is a Go integer.
func appendInteger(b []byte, v any) ([]byte, bool) {
	switch n := v.(type) {
	case int8:
		return strconv.AppendInt(b, int64(n), 10), true
	case int16:
		return strconv.AppendInt(b, int64(n), 10), true
	case int32:
		return strconv.AppendInt(b, int64(n), 10), true
	case int64:
		return strconv.AppendInt(b, n, 10), true
	case int:
		return strconv.AppendInt(b, int64(n), 10), true
	case uint8:
		return strconv.AppendUint(b, uint64(n), 10), true
	case uint16:
		return strconv.AppendUint(b, uint64(n), 10), true
	case uint32:
		return strconv.AppendUint(b, uint64(n), 10), true
	case uint64:
		return strconv.AppendUint(b, n, 10), true
	case uint:
		return strconv.AppendUint(b, uint64(n), 10), true
	}
	return b, false
}

// errUnsupportedField is wrapped by the error of a partition field whose
// type FieldPartitioner cannot print.
var errUnsupportedField = errors.New("only integers, strings and booleans can partition")

// appendFieldValue prints a FieldPartitioner value as Confluent does:
// integers in decimal, strings as they are, booleans as true or false, and
// null as "null". Confluent supports INT8 to INT64, STRING and BOOLEAN
// fields; so does this, and the same Go values in schemaless maps.
func appendFieldValue(b []byte, v any, schema *connect.Schema) ([]byte, error) {
	if v == nil {
		return append(b, "null"...), nil
	}
	if schema != nil {
		switch {
		case isLogical(schema):
			return b, fmt.Errorf("its type %s is not supported: %w", schema.Name, errUnsupportedField)
		case schema.Type == connect.Int8, schema.Type == connect.Int16, schema.Type == connect.Int32,
			schema.Type == connect.Int64, schema.Type == connect.String, schema.Type == connect.Boolean:
		default:
			return b, fmt.Errorf("its type %s is not supported: %w", schema.Type, errUnsupportedField)
		}
	}
	switch x := v.(type) {
	case string:
		return append(b, x...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	}
	if out, ok := appendInteger(b, v); ok {
		return out, nil
	}
	return b, fmt.Errorf("it is %s: %w", describe(v), errUnsupportedField)
}

// timestampOf reads a RecordField timestamp as Confluent does: a Timestamp
// (or Date) value, epoch milliseconds as an integer, or a string of epoch
// milliseconds or an ISO-8601 date-time. In schemaless maps a
// floating-point number counts too, truncated as Java's longValue does.
func timestampOf(v any, schema *connect.Schema) (int64, error) {
	if v == nil {
		return 0, errors.New("the field is null")
	}
	if schema != nil {
		switch {
		case schema.Name == connect.TimestampName || schema.Name == connect.DateName:
		case isLogical(schema):
			return 0, fmt.Errorf("its type %s is not a timestamp", schema.Name)
		case schema.Type == connect.Int8, schema.Type == connect.Int16, schema.Type == connect.Int32,
			schema.Type == connect.Int64, schema.Type == connect.String:
		default:
			return 0, fmt.Errorf("its type %s is not a timestamp: use an integer of epoch milliseconds, a string or a Timestamp", schema.Type)
		}
	}
	switch x := v.(type) {
	case time.Time:
		return x.UnixMilli(), nil
	case string:
		return parseTimestampString(x)
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint64:
		if x > 1<<63-1 {
			return 0, fmt.Errorf("%d overflows epoch milliseconds", x)
		}
		return int64(x), nil
	case uint:
		if uint64(x) > 1<<63-1 {
			return 0, fmt.Errorf("%d overflows epoch milliseconds", x)
		}
		return int64(x), nil
	case float64:
		return floatMillis(x)
	case float32:
		return floatMillis(float64(x))
	}
	return 0, fmt.Errorf("it is %s, not a timestamp", describe(v))
}

func floatMillis(f float64) (int64, error) {
	// Java's longValue turns NaN into 0 and clamps infinities; neither is
	// a time anybody meant.
	if math.IsNaN(f) || f >= 1<<63 || f < -(1<<63) {
		return 0, fmt.Errorf("%v is not epoch milliseconds", f)
	}
	return int64(f), nil
}
