package converters

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/connectkit/connectkit/connect"
)

var errNoFieldSchema = errors.New("field has no schema")

// errStructDefault refuses what Kafka's JsonConverter cannot do either: a
// STRUCT schema's default never equals a schema Kafka can build, so Kafka
// fails to write it ("Mismatching schema") and to read it back.
var errStructDefault = errors.New("struct schema has a default, which Kafka's JsonConverter can neither write nor read")

// jsonEncoder writes connect values as Kafka's JsonConverter does, byte for
// byte: Jackson's compact output, its string escapes and Java's number
// formats.
type jsonEncoder struct {
	buf  []byte
	conv *JSONConverter
}

const hexDigits = "0123456789ABCDEF"

// appendJSONString appends s quoted as Jackson writes it: ", \ and control
// characters escaped (\b \t \n \f \r short, others \u00XX), characters
// outside the Basic Multilingual Plane as an escaped surrogate pair, all else
// as UTF-8 (U+FFFD included: it is a character like any other). A lone
// surrogate, which a Java string can hold and the reader keeps as its
// three-byte WTF-8 form, is escaped as Jackson escapes it (\uD800). Other
// invalid UTF-8, which no Java string can hold, becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if n > 1 && r < 0x10000 {
				i += n
				continue
			}
			b = append(b, s[start:i]...)
			switch {
			case n > 1:
				r1, r2 := utf16Pair(r)
				b = appendU(appendU(b, r1), r2)
			case isWTF8Surrogate(s, i):
				b = appendU(b, wtf8Surrogate(s, i))
				n = 3
			default:
				b = append(b, "\uFFFD"...)
			}
			i += n
			start = i
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
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
			b = appendU(b, rune(c))
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// isWTF8Surrogate reports whether s[i:] starts with a surrogate code point
// in the generalized UTF-8 (WTF-8) form ED A0..BF 80..BF, which is how the
// reader keeps a lone surrogate escape.
func isWTF8Surrogate(s string, i int) bool {
	return i+2 < len(s) && s[i] == 0xed && s[i+1] >= 0xa0 && s[i+1] <= 0xbf && s[i+2]&0xc0 == 0x80
}

// wtf8Surrogate decodes the surrogate isWTF8Surrogate found at s[i:].
func wtf8Surrogate(s string, i int) rune {
	return 0xd000 | rune(s[i+1]&0x3f)<<6 | rune(s[i+2]&0x3f)
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}

func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

func appendJSONDouble(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		b = append(b, '"')
		return append(appendJavaDouble(b, f), '"')
	}
	return appendJavaDouble(b, f)
}

func appendJSONFloat(b []byte, f float32) []byte {
	if f != f || math.IsInf(float64(f), 0) {
		b = append(b, '"')
		return append(appendJavaFloat(b, f), '"')
	}
	return appendJavaFloat(b, f)
}

func appendBase64(b []byte, p []byte) []byte {
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, p)
	return append(b, '"')
}

func typeError(s *connect.Schema, v any) error {
	return fmt.Errorf("%s schema needs %s, got %T", schemaLabel(s), goTypeFor(s), v)
}

func goTypeFor(s *connect.Schema) string {
	switch s.Name {
	case connect.DecimalName:
		return "a connect.Decimal"
	case connect.DateName, connect.TimeName, connect.TimestampName:
		return "a time.Time"
	}
	switch s.Type {
	case connect.Bytes:
		return "a []byte"
	case connect.Array:
		return "a []any"
	case connect.Map:
		return "a map[string]any or map[any]any"
	case connect.StructType:
		return "a *connect.Struct"
	}
	return "a " + goTypeName[s.Type]
}

var goTypeName = map[connect.Type]string{
	connect.Int8: "int8", connect.Int16: "int16", connect.Int32: "int32", connect.Int64: "int64",
	connect.Float32: "float32", connect.Float64: "float64", connect.Boolean: "bool", connect.String: "string",
}

// value writes v, described by s (nil for none), as Kafka's
// JsonConverter.convertToJson does.
func (e *jsonEncoder) value(s *connect.Schema, v any) error {
	if st, ok := v.(*connect.Struct); ok && st == nil {
		v = nil
	}
	if v == nil {
		switch {
		case s == nil:
			e.buf = append(e.buf, "null"...)
			return nil
		case s.Default != nil && e.conv.replaceNull:
			if s.Type == connect.StructType {
				return errStructDefault
			}
			return e.value(s, s.Default)
		case s.Optional:
			e.buf = append(e.buf, "null"...)
			return nil
		}
		return fmt.Errorf("null value for required %s schema with no default", schemaLabel(s))
	}
	if s == nil {
		return e.schemaless(v)
	}
	switch s.Name {
	case connect.DecimalName:
		return e.decimal(s, v)
	case connect.DateName, connect.TimeName, connect.TimestampName:
		return e.temporal(s, v)
	}
	var ok bool
	switch s.Type {
	case connect.Int8:
		var n int8
		if n, ok = v.(int8); ok {
			e.buf = strconv.AppendInt(e.buf, int64(n), 10)
		}
	case connect.Int16:
		var n int16
		if n, ok = v.(int16); ok {
			e.buf = strconv.AppendInt(e.buf, int64(n), 10)
		}
	case connect.Int32:
		var n int32
		if n, ok = v.(int32); ok {
			e.buf = strconv.AppendInt(e.buf, int64(n), 10)
		}
	case connect.Int64:
		var n int64
		if n, ok = v.(int64); ok {
			e.buf = strconv.AppendInt(e.buf, n, 10)
		}
	case connect.Float32:
		var f float32
		if f, ok = v.(float32); ok {
			e.buf = appendJSONFloat(e.buf, f)
		}
	case connect.Float64:
		var f float64
		if f, ok = v.(float64); ok {
			e.buf = appendJSONDouble(e.buf, f)
		}
	case connect.Boolean:
		var b bool
		if b, ok = v.(bool); ok {
			e.buf = strconv.AppendBool(e.buf, b)
		}
	case connect.String:
		var str string
		if str, ok = v.(string); ok {
			e.buf = appendJSONString(e.buf, str)
		}
	case connect.Bytes:
		var p []byte
		if p, ok = v.([]byte); ok {
			e.buf = appendBase64(e.buf, p)
		}
	case connect.Array:
		var a []any
		if a, ok = v.([]any); ok {
			return e.array(s.ValueSchema, a)
		}
	case connect.Map:
		return e.mapValue(s, v)
	case connect.StructType:
		return e.structValue(s, v)
	default:
		return fmt.Errorf("unsupported schema type %s", s.Type)
	}
	if !ok {
		return typeError(s, v)
	}
	return nil
}

func (e *jsonEncoder) array(elem *connect.Schema, a []any) error {
	e.buf = append(e.buf, '[')
	for i, x := range a {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		if err := e.value(elem, x); err != nil {
			return &pathError{path: "element " + strconv.Itoa(i), err: err}
		}
	}
	e.buf = append(e.buf, ']')
	return nil
}

// mapValue writes a map as a JSON object when its key schema is STRING,
// else as an array of [key, value] pairs. Keys are sorted: Go maps have no
// order, and Kafka's output follows whatever order the Java map had.
func (e *jsonEncoder) mapValue(s *connect.Schema, v any) error {
	if s.KeySchema == nil || s.ValueSchema == nil {
		return errors.New("map schema has no key or value schema")
	}
	objectMode := s.KeySchema.Type == connect.String
	switch m := v.(type) {
	case map[string]any:
		if objectMode {
			return e.stringMap(s.KeySchema, s.ValueSchema, m)
		}
		anyMap := make(map[any]any, len(m))
		for k, x := range m {
			anyMap[k] = x
		}
		return e.pairs(s.KeySchema, s.ValueSchema, anyMap)
	case map[any]any:
		if objectMode {
			strMap := make(map[string]any, len(m))
			for k, x := range m {
				ks, ok := k.(string)
				if !ok {
					return &pathError{path: fmt.Sprintf("map key %v", k), err: typeError(s.KeySchema, k)}
				}
				strMap[ks] = x
			}
			return e.stringMap(s.KeySchema, s.ValueSchema, strMap)
		}
		return e.pairs(s.KeySchema, s.ValueSchema, m)
	}
	return typeError(s, v)
}

func (e *jsonEncoder) stringMap(keySchema, valueSchema *connect.Schema, m map[string]any) error {
	e.buf = append(e.buf, '{')
	for i, k := range sortedStringKeys(m) {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = appendJSONString(e.buf, k)
		e.buf = append(e.buf, ':')
		if err := e.value(valueSchema, m[k]); err != nil {
			return &pathError{path: fmt.Sprintf("map value %q", k), err: err}
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

func (e *jsonEncoder) pairs(keySchema, valueSchema *connect.Schema, m map[any]any) error {
	e.buf = append(e.buf, '[')
	for i, en := range sortedEntries(m) {
		k := en.key
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = append(e.buf, '[')
		if err := e.value(keySchema, k); err != nil {
			return &pathError{path: fmt.Sprintf("map key %v", k), err: err}
		}
		e.buf = append(e.buf, ',')
		if err := e.value(valueSchema, en.value); err != nil {
			return &pathError{path: fmt.Sprintf("map value %v", k), err: err}
		}
		e.buf = append(e.buf, ']')
	}
	e.buf = append(e.buf, ']')
	return nil
}

func (e *jsonEncoder) structValue(s *connect.Schema, v any) error {
	st, ok := v.(*connect.Struct)
	if !ok {
		return typeError(s, v)
	}
	if st.Schema() != s && !schemaEqual(st.Schema(), s) {
		return fmt.Errorf("struct of %s given for %s", st.Schema(), s)
	}
	e.buf = append(e.buf, '{')
	for i, f := range s.Fields {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = appendJSONString(e.buf, f.Name)
		e.buf = append(e.buf, ':')
		// The raw value, as Kafka's getWithoutDefault: the null rule
		// replaces an unset field by its default only when
		// replace.null.with.default is true.
		if err := e.value(f.Schema, st.AtWithoutDefault(i)); err != nil {
			return &pathError{path: "field " + strconv.Quote(f.Name), err: err}
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

func (e *jsonEncoder) decimal(s *connect.Schema, v any) error {
	d, ok := v.(connect.Decimal)
	if !ok {
		return typeError(s, v)
	}
	if d.Unscaled == nil {
		return errors.New("connect.Decimal has a nil Unscaled")
	}
	if e.conv.decimalNumeric {
		e.buf = appendJavaDecimal(e.buf, d)
		return nil
	}
	scale, err := s.Scale()
	if err != nil {
		return err
	}
	if d.Scale != scale {
		return fmt.Errorf("decimal value has scale %d but its schema has scale %d", d.Scale, scale)
	}
	e.buf = appendBase64(e.buf, decimalBytes(d.Unscaled))
	return nil
}

func (e *jsonEncoder) temporal(s *connect.Schema, v any) error {
	t, ok := v.(time.Time)
	if !ok {
		return typeError(s, v)
	}
	ms := t.UnixMilli()
	switch s.Name {
	case connect.DateName:
		days, rem := ms/millisPerDay, ms%millisPerDay
		if rem != 0 {
			return fmt.Errorf("value %s for a Date schema is not midnight UTC", t.UTC().Format(time.RFC3339Nano))
		}
		if days < math.MinInt32 || days > math.MaxInt32 {
			return fmt.Errorf("value %s for a Date schema is out of range", t.UTC().Format(time.RFC3339))
		}
		e.buf = strconv.AppendInt(e.buf, days, 10)
	case connect.TimeName:
		if ms < 0 || ms > millisPerDay {
			return fmt.Errorf("value %s for a Time schema is not on 1970-01-01 UTC", t.UTC().Format(time.RFC3339Nano))
		}
		e.buf = strconv.AppendInt(e.buf, ms, 10)
	default:
		e.buf = strconv.AppendInt(e.buf, ms, 10)
	}
	return nil
}

// schemaless writes a value that has no schema. The Go types connect.Schema
// documents map to JSON as Kafka maps their Java counterparts; other Go
// integers, floats, strings, slices and maps are accepted too. A Struct,
// Decimal or time.Time needs a schema, as in Kafka.
func (e *jsonEncoder) schemaless(v any) error {
	switch v := v.(type) {
	case string:
		e.buf = appendJSONString(e.buf, v)
	case bool:
		e.buf = strconv.AppendBool(e.buf, v)
	case float64:
		e.buf = appendJSONDouble(e.buf, v)
	case float32:
		e.buf = appendJSONFloat(e.buf, v)
	case []byte:
		e.buf = appendBase64(e.buf, v)
	case []any:
		return e.array(nil, v)
	case map[string]any:
		return e.stringMap(nil, nil, v)
	case map[any]any:
		for k := range v {
			if _, ok := k.(string); !ok {
				return e.pairs(nil, nil, v)
			}
		}
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k.(string)] = x
		}
		return e.stringMap(nil, nil, m)
	case *connect.Struct, connect.Decimal, time.Time:
		return fmt.Errorf("%T value needs a schema", v)
	default:
		if b, ok := appendInteger(e.buf, v); ok {
			e.buf = b
			return nil
		}
		return e.reflected(reflect.ValueOf(v))
	}
	return nil
}

// reflected handles other Go types by kind: named basic types, typed slices
// and maps.
func (e *jsonEncoder) reflected(rv reflect.Value) error {
	switch rv.Kind() {
	case reflect.Bool:
		e.buf = strconv.AppendBool(e.buf, rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.buf = strconv.AppendInt(e.buf, rv.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		e.buf = strconv.AppendUint(e.buf, rv.Uint(), 10)
	case reflect.Float32:
		e.buf = appendJSONFloat(e.buf, float32(rv.Float()))
	case reflect.Float64:
		e.buf = appendJSONDouble(e.buf, rv.Float())
	case reflect.String:
		e.buf = appendJSONString(e.buf, rv.String())
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			if rv.Kind() == reflect.Slice {
				e.buf = appendBase64(e.buf, rv.Bytes())
			} else {
				p := make([]byte, rv.Len())
				reflect.Copy(reflect.ValueOf(p), rv)
				e.buf = appendBase64(e.buf, p)
			}
			return nil
		}
		a := make([]any, rv.Len())
		for i := range a {
			a[i] = rv.Index(i).Interface()
		}
		return e.array(nil, a)
	case reflect.Map:
		m := make(map[any]any, rv.Len())
		iter := rv.MapRange()
		for iter.Next() {
			k := iter.Key()
			if k.Kind() == reflect.String {
				m[k.String()] = iter.Value().Interface()
			} else {
				m[k.Interface()] = iter.Value().Interface()
			}
		}
		return e.schemaless(m)
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		return e.schemaless(rv.Elem().Interface())
	default:
		return fmt.Errorf("%s has no Kafka Connect type", rv.Type())
	}
	return nil
}

// schemaEqual reports whether a and b describe the same schema, as Kafka's
// ConnectSchema.equals does.
func schemaEqual(a, b *connect.Schema) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil {
		return false
	}
	if a.Type != b.Type || a.Optional != b.Optional || a.Name != b.Name || a.Version != b.Version ||
		a.Doc != b.Doc || len(a.Parameters) != len(b.Parameters) || len(a.Fields) != len(b.Fields) ||
		givenMeta(a) != givenMeta(b) {
		return false
	}
	for k, v := range a.Parameters {
		if w, ok := b.Parameters[k]; !ok || v != w {
			return false
		}
	}
	for i := range a.Fields {
		if a.Fields[i].Name != b.Fields[i].Name || !schemaEqual(a.Fields[i].Schema, b.Fields[i].Schema) {
			return false
		}
	}
	return schemaEqual(a.KeySchema, b.KeySchema) && schemaEqual(a.ValueSchema, b.ValueSchema) &&
		valueEqual(a.Default, b.Default)
}

// givenMeta is the metadata a schema has, as Kafka tells a null name,
// version or doc from an empty one.
func givenMeta(s *connect.Schema) connect.SchemaMeta {
	m := s.Set & (connect.NameSet | connect.VersionSet | connect.DocSet)
	if s.Name != "" {
		m |= connect.NameSet
	}
	if s.Version != 0 {
		m |= connect.VersionSet
	}
	if s.Doc != "" {
		m |= connect.DocSet
	}
	return m
}

// valueEqual compares connect values, by value for Decimals and Structs.
func valueEqual(a, b any) bool {
	switch a := a.(type) {
	case connect.Decimal:
		b, ok := b.(connect.Decimal)
		if !ok || a.Scale != b.Scale || (a.Unscaled == nil) != (b.Unscaled == nil) {
			return false
		}
		return a.Unscaled == nil || a.Unscaled.Cmp(b.Unscaled) == 0
	case *connect.Struct:
		b, ok := b.(*connect.Struct)
		if !ok || (a == nil) != (b == nil) {
			return false
		}
		if a == nil || a == b {
			return true
		}
		if !schemaEqual(a.Schema(), b.Schema()) {
			return false
		}
		// Raw values, as Kafka's Struct.equals: an unset field differs
		// from one set to its default.
		for i := range a.Schema().Fields {
			if !valueEqual(a.AtWithoutDefault(i), b.AtWithoutDefault(i)) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !valueEqual(a[i], b[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, x := range a {
			y, ok := b[k]
			if !ok || !valueEqual(x, y) {
				return false
			}
		}
		return true
	case time.Time:
		b, ok := b.(time.Time)
		return ok && a.Equal(b)
	}
	return reflect.DeepEqual(a, b)
}
