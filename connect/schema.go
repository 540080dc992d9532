package connect

import (
	"fmt"
	"math/big"
	"strconv"
	"time"
)

// Type is a schema type, one of Kafka Connect's Schema.Type values.
type Type int8

// The schema types. Their String form is Kafka Connect's lower-case name, as
// it appears in the JSON converter's envelope.
const (
	Int8 Type = iota + 1
	Int16
	Int32
	Int64
	Float32
	Float64
	Boolean
	String
	Bytes
	Array
	Map
	StructType
)

var typeNames = [...]string{"", "int8", "int16", "int32", "int64", "float32", "float64", "boolean", "string", "bytes", "array", "map", "struct"}

// String returns the Kafka Connect name of t ("int32", "struct").
func (t Type) String() string {
	if t > 0 && int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// ParseType returns the Type named s ("int32"), as the JSON envelope spells it.
func ParseType(s string) (Type, bool) {
	for i, n := range typeNames {
		if i > 0 && n == s {
			return Type(i), true
		}
	}
	return 0, false
}

// IsPrimitive reports whether t is neither ARRAY, MAP nor STRUCT.
func (t Type) IsPrimitive() bool { return t >= Int8 && t <= Bytes }

// Schema describes a value, as Kafka Connect's Schema does.
//
// Schemas are values built once and shared; treat them as immutable after
// construction. The Go type each schema type expects is:
//
//	INT8 int8, INT16 int16, INT32 int32, INT64 int64, FLOAT32 float32,
//	FLOAT64 float64, BOOLEAN bool, STRING string, BYTES []byte,
//	ARRAY []any, MAP map[string]any (string keys) or map[any]any,
//	STRUCT *Struct
//
// except for the logical types: Decimal takes a [Decimal], and Date, Time and
// Timestamp take a time.Time.
type Schema struct {
	Type     Type
	Optional bool
	// Default is the value used for a missing optional field; nil for none.
	Default    any
	Name       string
	Version    int // 0 means unset
	Doc        string
	Parameters map[string]string
	// KeySchema is the schema of a MAP's keys.
	KeySchema *Schema
	// ValueSchema is the schema of an ARRAY's elements or a MAP's values.
	ValueSchema *Schema
	// Fields are a STRUCT's fields, in order.
	Fields []Field
	// Set marks Name, Version or Doc as given even though empty or zero.
	// Kafka tells a null name, version or doc from "" and 0, and its
	// JsonConverter writes "name":"", "version":0 and "doc":"" back; a
	// converter that reads one of them sets its bit here so that it is
	// written back too. A non-empty Name or Doc or non-zero Version is
	// always given; its bit does not matter.
	Set SchemaMeta
}

// SchemaMeta is a set of [Schema] metadata given explicitly; see Schema.Set.
type SchemaMeta uint8

// The metadata bits of [SchemaMeta].
const (
	NameSet SchemaMeta = 1 << iota
	VersionSet
	DocSet
)

// Field is one field of a STRUCT schema.
type Field struct {
	Name   string
	Index  int
	Schema *Schema
}

// Field returns the field named name, or nil.
func (s *Schema) Field(name string) *Field {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return &s.Fields[i]
		}
	}
	return nil
}

// String describes the schema briefly, for errors.
func (s *Schema) String() string {
	if s == nil {
		return "<no schema>"
	}
	if s.Name != "" {
		return fmt.Sprintf("Schema{%s:%s}", s.Name, s.Type)
	}
	return fmt.Sprintf("Schema{%s}", s.Type)
}

// The primitive schemas, required and optional, as in Kafka Connect's Schema
// constants. Do not modify them.
var (
	Int8Schema            = &Schema{Type: Int8}
	Int16Schema           = &Schema{Type: Int16}
	Int32Schema           = &Schema{Type: Int32}
	Int64Schema           = &Schema{Type: Int64}
	Float32Schema         = &Schema{Type: Float32}
	Float64Schema         = &Schema{Type: Float64}
	BooleanSchema         = &Schema{Type: Boolean}
	StringSchema          = &Schema{Type: String}
	BytesSchema           = &Schema{Type: Bytes}
	OptionalInt8Schema    = &Schema{Type: Int8, Optional: true}
	OptionalInt16Schema   = &Schema{Type: Int16, Optional: true}
	OptionalInt32Schema   = &Schema{Type: Int32, Optional: true}
	OptionalInt64Schema   = &Schema{Type: Int64, Optional: true}
	OptionalFloat32Schema = &Schema{Type: Float32, Optional: true}
	OptionalFloat64Schema = &Schema{Type: Float64, Optional: true}
	OptionalBooleanSchema = &Schema{Type: Boolean, Optional: true}
	OptionalStringSchema  = &Schema{Type: String, Optional: true}
	OptionalBytesSchema   = &Schema{Type: Bytes, Optional: true}
)

// Names of Kafka Connect's logical types, as carried in Schema.Name.
const (
	DecimalName     = "org.apache.kafka.connect.data.Decimal"
	DateName        = "org.apache.kafka.connect.data.Date"
	TimeName        = "org.apache.kafka.connect.data.Time"
	TimestampName   = "org.apache.kafka.connect.data.Timestamp"
	DecimalScaleKey = "scale"
)

// DecimalSchema returns the logical Decimal schema with the given scale: BYTES
// holding the unscaled value as big-endian two's complement.
func DecimalSchema(scale int32) *Schema {
	return &Schema{Type: Bytes, Name: DecimalName, Version: 1,
		Parameters: map[string]string{DecimalScaleKey: strconv.Itoa(int(scale))}}
}

// DateSchema returns the logical Date schema: INT32 days since the epoch.
func DateSchema() *Schema { return &Schema{Type: Int32, Name: DateName, Version: 1} }

// TimeSchema returns the logical Time schema: INT32 milliseconds since midnight.
func TimeSchema() *Schema { return &Schema{Type: Int32, Name: TimeName, Version: 1} }

// TimestampSchema returns the logical Timestamp schema: INT64 milliseconds
// since the epoch.
func TimestampSchema() *Schema { return &Schema{Type: Int64, Name: TimestampName, Version: 1} }

// OptionalCopy returns a copy of s marked optional.
func (s *Schema) OptionalCopy() *Schema {
	c := *s
	c.Optional = true
	return &c
}

// ArraySchema returns an ARRAY schema of elem.
func ArraySchema(elem *Schema) *Schema { return &Schema{Type: Array, ValueSchema: elem} }

// MapSchema returns a MAP schema from key to value.
func MapSchema(key, value *Schema) *Schema {
	return &Schema{Type: Map, KeySchema: key, ValueSchema: value}
}

// StructSchema returns a STRUCT schema with the given fields, numbering them.
func StructSchema(name string, fields ...Field) *Schema {
	s := &Schema{Type: StructType, Name: name, Fields: make([]Field, len(fields))}
	for i, f := range fields {
		f.Index = i
		s.Fields[i] = f
	}
	return s
}

// Decimal is the value of the logical Decimal type: Unscaled × 10^-Scale, as
// Java's BigDecimal.
type Decimal struct {
	Unscaled *big.Int
	Scale    int32
}

// String formats d in plain notation ("12.30").
func (d Decimal) String() string {
	if d.Unscaled == nil {
		return "<nil>"
	}
	s := d.Unscaled.String()
	if d.Scale <= 0 {
		if d.Unscaled.Sign() == 0 {
			return s // Java prints 0E+2 as "0", not "000"
		}
		return s + zeros(int(-d.Scale))
	}
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) <= int(d.Scale) {
		s = zeros(int(d.Scale)-len(s)+1) + s
	}
	s = s[:len(s)-int(d.Scale)] + "." + s[len(s)-int(d.Scale):]
	if neg {
		s = "-" + s
	}
	return s
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

// Scale returns the scale a Decimal schema declares.
func (s *Schema) Scale() (int32, error) {
	v, ok := s.Parameters[DecimalScaleKey]
	if !ok {
		return 0, fmt.Errorf("decimal schema has no %q parameter", DecimalScaleKey)
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("decimal schema scale %q: %w", v, err)
	}
	return int32(n), nil
}

// Struct is a value of a STRUCT schema: one value per field, by index.
type Struct struct {
	schema *Schema
	values []any
}

// NewStruct returns an empty Struct of schema s, which must be a STRUCT.
func NewStruct(s *Schema) *Struct {
	if s == nil || s.Type != StructType {
		panic(fmt.Sprintf("connect: NewStruct of %s", s))
	}
	return &Struct{schema: s, values: make([]any, len(s.Fields))}
}

// Schema returns the struct's schema.
func (st *Struct) Schema() *Schema { return st.schema }

// Put sets field name to v. It returns an
// error if there is no such field or v does not fit the field's schema.
func (st *Struct) Put(name string, v any) error {
	f := st.schema.Field(name)
	if f == nil {
		return DataErrorf("struct %s has no field %q", st.schema, name)
	}
	v = untypedNil(v)
	if err := Validate(f.Schema, v); err != nil {
		return &DataError{Op: "field " + name, Err: err}
	}
	st.values[f.Index] = v
	return nil
}

// MustPut is Put for values known to fit, such as in tests and examples; it
// panics on error.
func (st *Struct) MustPut(name string, v any) *Struct {
	if err := st.Put(name, v); err != nil {
		panic(err)
	}
	return st
}

// Get returns the value of field name, or its schema's default when unset
// ([Struct.GetWithoutDefault] tells the two apart). It returns nil for an
// unknown field.
func (st *Struct) Get(name string) any {
	f := st.schema.Field(name)
	if f == nil {
		return nil
	}
	return st.At(f.Index)
}

// At returns the value of the field at index i, or its default when unset.
func (st *Struct) At(i int) any {
	if v := st.values[i]; v != nil {
		return v
	}
	return st.schema.Fields[i].Schema.Default
}

// GetWithoutDefault returns the value of field name as set, nil when unset,
// without falling back to the field schema's default, as Kafka's
// Struct.getWithoutDefault. It returns nil for an unknown field. Converters
// need it to tell an unset field from one set to its default.
func (st *Struct) GetWithoutDefault(name string) any {
	f := st.schema.Field(name)
	if f == nil {
		return nil
	}
	return st.values[f.Index]
}

// AtWithoutDefault is [Struct.GetWithoutDefault] for the field at index i.
func (st *Struct) AtWithoutDefault(i int) any { return st.values[i] }

// SetAt sets the field at index i to v without looking the field up or
// validating v, for decoders that have already checked v against the
// field's schema. The caller guarantees that v fits, as [Struct.Put] would
// check; [Struct.Validate] finds out if it does not. nil, or a nil *Struct,
// unsets the field. An i out of range panics, as a slice index does.
func (st *Struct) SetAt(i int, v any) { st.values[i] = untypedNil(v) }

// Validate checks that every required field is set and each value fits.
func (st *Struct) Validate() error { return Validate(st.schema, st) }

// untypedNil turns a nil *Struct into nil, so that it means "no value" (and
// the field's default) rather than a struct whose schema is a nil pointer.
func untypedNil(v any) any {
	if st, ok := v.(*Struct); ok && st == nil {
		return nil
	}
	return v
}

// Validate reports whether v is a valid value for schema s.
func Validate(s *Schema, v any) error {
	if s == nil {
		return nil
	}
	v = untypedNil(v)
	if v == nil {
		if s.Optional || s.Default != nil {
			return nil
		}
		return DataErrorf("null value for required %s", s)
	}
	switch s.Name {
	case DecimalName:
		d, ok := v.(Decimal)
		if !ok {
			return DataErrorf("%T is not a connect.Decimal for %s", v, s)
		}
		if d.Unscaled == nil {
			// The zero Decimal is not a number; converters would emit garbage.
			return DataErrorf("connect.Decimal with no unscaled value for %s", s)
		}
		return nil
	case DateName, TimeName, TimestampName:
		if _, ok := v.(time.Time); !ok {
			return DataErrorf("%T is not a time.Time for %s", v, s)
		}
		return nil
	}
	ok := false
	switch s.Type {
	case Int8:
		_, ok = v.(int8)
	case Int16:
		_, ok = v.(int16)
	case Int32:
		_, ok = v.(int32)
	case Int64:
		_, ok = v.(int64)
	case Float32:
		_, ok = v.(float32)
	case Float64:
		_, ok = v.(float64)
	case Boolean:
		_, ok = v.(bool)
	case String:
		_, ok = v.(string)
	case Bytes:
		_, ok = v.([]byte)
	case Array:
		arr, isArr := v.([]any)
		if !isArr {
			break
		}
		for i, e := range arr {
			if err := Validate(s.ValueSchema, e); err != nil {
				return &DataError{Op: "element " + strconv.Itoa(i), Err: err}
			}
		}
		return nil
	case Map:
		switch m := v.(type) {
		case map[string]any:
			for k, e := range m {
				if err := Validate(s.KeySchema, k); err != nil {
					return err
				}
				if err := Validate(s.ValueSchema, e); err != nil {
					return &DataError{Op: "map value " + k, Err: err}
				}
			}
			return nil
		case map[any]any:
			for k, e := range m {
				if err := Validate(s.KeySchema, k); err != nil {
					return err
				}
				if err := Validate(s.ValueSchema, e); err != nil {
					return &DataError{Op: fmt.Sprintf("map value %v", k), Err: err}
				}
			}
			return nil
		}
	case StructType:
		st, isStruct := v.(*Struct)
		if !isStruct {
			break
		}
		if st.schema != s && !sameStructSchema(st.schema, s) {
			return DataErrorf("struct of %s given for %s", st.schema, s)
		}
		for i, f := range s.Fields {
			if err := Validate(f.Schema, st.At(i)); err != nil {
				return &DataError{Op: "field " + f.Name, Err: err}
			}
		}
		return nil
	}
	if !ok {
		return DataErrorf("%T is not a valid value for %s", v, s)
	}
	return nil
}

func sameStructSchema(a, b *Schema) bool {
	if a.Name != b.Name || len(a.Fields) != len(b.Fields) {
		return false
	}
	for i := range a.Fields {
		if a.Fields[i].Name != b.Fields[i].Name || a.Fields[i].Schema.Type != b.Fields[i].Schema.Type {
			return false
		}
	}
	return true
}
