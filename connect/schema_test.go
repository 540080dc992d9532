package connect

import (
	"errors"
	"math/big"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTypeStringParseRoundTrip(t *testing.T) {
	want := map[Type]string{
		Int8: "int8", Int16: "int16", Int32: "int32", Int64: "int64",
		Float32: "float32", Float64: "float64", Boolean: "boolean", String: "string",
		Bytes: "bytes", Array: "array", Map: "map", StructType: "struct",
	}
	for typ := Int8; typ <= StructType; typ++ {
		t.Run(want[typ], func(t *testing.T) {
			require.Contains(t, want, typ, "a type was added without a name here")
			assert.Equal(t, want[typ], typ.String())
			got, ok := ParseType(typ.String())
			assert.True(t, ok)
			assert.Equal(t, typ, got)
		})
	}
	assert.Len(t, want, int(StructType), "every named type is in the loop's range")
}

func TestTypeUnknown(t *testing.T) {
	for _, typ := range []Type{0, -1, StructType + 1, 127} {
		t.Run(strconv.Itoa(int(typ)), func(t *testing.T) {
			assert.Equal(t, "Type("+strconv.Itoa(int(typ))+")", typ.String())
			assert.False(t, typ.IsPrimitive())
		})
	}
	for _, s := range []string{"", "INT32", "Int32", "decimal", "Type(0)", " int32", "struct "} {
		t.Run("parse "+strconv.Quote(s), func(t *testing.T) {
			got, ok := ParseType(s)
			assert.False(t, ok)
			assert.Equal(t, Type(0), got)
		})
	}
}

func TestTypeIsPrimitive(t *testing.T) {
	for typ := Int8; typ <= StructType; typ++ {
		t.Run(typ.String(), func(t *testing.T) {
			composite := typ == Array || typ == Map || typ == StructType
			assert.Equal(t, !composite, typ.IsPrimitive())
		})
	}
}

func TestSchemaField(t *testing.T) {
	s := StructSchema("user",
		Field{Name: "id", Schema: Int64Schema},
		Field{Name: "name", Schema: StringSchema},
		Field{Name: "email", Schema: OptionalStringSchema, Index: 99}, // Index is renumbered
	)
	tests := []struct {
		name      string
		wantIndex int
		wantNil   bool
	}{
		{name: "id", wantIndex: 0},
		{name: "name", wantIndex: 1},
		{name: "email", wantIndex: 2},
		{name: "Email", wantNil: true},
		{name: "", wantNil: true},
		{name: "missing", wantNil: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := s.Field(tt.name)
			if tt.wantNil {
				assert.Nil(t, f)
				return
			}
			require.NotNil(t, f)
			assert.Equal(t, tt.name, f.Name)
			assert.Equal(t, tt.wantIndex, f.Index)
			assert.Same(t, &s.Fields[tt.wantIndex], f)
		})
	}
	assert.Nil(t, Int32Schema.Field("id"), "a primitive schema has no fields")
}

func TestSchemaString(t *testing.T) {
	tests := []struct {
		s    *Schema
		want string
	}{
		{nil, "<no schema>"},
		{Int32Schema, "Schema{int32}"},
		{StructSchema("user"), "Schema{user:struct}"},
		{DateSchema(), "Schema{" + DateName + ":int32}"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.s.String())
		})
	}
}

func TestSchemaConstructors(t *testing.T) {
	t.Run("OptionalCopy leaves the original", func(t *testing.T) {
		c := Int32Schema.OptionalCopy()
		assert.True(t, c.Optional)
		assert.Equal(t, Int32, c.Type)
		assert.False(t, Int32Schema.Optional)
		assert.NotSame(t, Int32Schema, c)
	})
	t.Run("ArraySchema", func(t *testing.T) {
		s := ArraySchema(StringSchema)
		assert.Equal(t, Array, s.Type)
		assert.Same(t, StringSchema, s.ValueSchema)
	})
	t.Run("MapSchema", func(t *testing.T) {
		s := MapSchema(StringSchema, Int64Schema)
		assert.Equal(t, Map, s.Type)
		assert.Same(t, StringSchema, s.KeySchema)
		assert.Same(t, Int64Schema, s.ValueSchema)
	})
	t.Run("logical schemas", func(t *testing.T) {
		for _, tt := range []struct {
			s    *Schema
			typ  Type
			name string
		}{
			{DecimalSchema(2), Bytes, DecimalName},
			{DateSchema(), Int32, DateName},
			{TimeSchema(), Int32, TimeName},
			{TimestampSchema(), Int64, TimestampName},
		} {
			assert.Equal(t, tt.typ, tt.s.Type, tt.name)
			assert.Equal(t, tt.name, tt.s.Name)
			assert.Equal(t, 1, tt.s.Version, tt.name)
		}
		// Each call returns a fresh schema, so a caller may mark it optional.
		assert.NotSame(t, DateSchema(), DateSchema())
	})
}

func TestDecimalSchemaScale(t *testing.T) {
	tests := []struct {
		name    string
		s       *Schema
		want    int32
		wantErr string
	}{
		{name: "positive", s: DecimalSchema(2), want: 2},
		{name: "zero", s: DecimalSchema(0), want: 0},
		{name: "negative", s: DecimalSchema(-3), want: -3},
		{name: "max", s: DecimalSchema(1<<31 - 1), want: 1<<31 - 1},
		{name: "min", s: DecimalSchema(-1 << 31), want: -1 << 31},
		{name: "no parameters", s: &Schema{Type: Bytes, Name: DecimalName}, wantErr: `no "scale" parameter`},
		{name: "other parameters", s: &Schema{Type: Bytes, Name: DecimalName,
			Parameters: map[string]string{"precision": "10"}}, wantErr: `no "scale" parameter`},
		{name: "not a number", s: &Schema{Type: Bytes, Name: DecimalName,
			Parameters: map[string]string{DecimalScaleKey: "two"}}, wantErr: `scale "two"`},
		{name: "empty", s: &Schema{Type: Bytes, Name: DecimalName,
			Parameters: map[string]string{DecimalScaleKey: ""}}, wantErr: `scale ""`},
		{name: "fraction", s: &Schema{Type: Bytes, Name: DecimalName,
			Parameters: map[string]string{DecimalScaleKey: "1.5"}}, wantErr: `scale "1.5"`},
		{name: "overflows int32", s: &Schema{Type: Bytes, Name: DecimalName,
			Parameters: map[string]string{DecimalScaleKey: "2147483648"}}, wantErr: `scale "2147483648"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.s.Scale()
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func bigInt(t *testing.T, s string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 10)
	require.True(t, ok, "bad test integer %q", s)
	return n
}

func TestDecimalString(t *testing.T) {
	tests := []struct {
		unscaled string
		scale    int32
		want     string
	}{
		{"12345", 2, "123.45"},
		{"-12345", 2, "-123.45"},
		{"1230", 2, "12.30"},
		{"100", 2, "1.00"},
		{"0", 0, "0"},
		{"0", 2, "0.00"},
		{"0", -2, "0"}, // Java's toPlainString: no trailing zeros on zero
		{"42", 0, "42"},
		{"-42", 0, "-42"},
		{"12", -3, "12000"},
		{"-12", -3, "-12000"},
		{"5", 2, "0.05"},
		{"-5", 2, "-0.05"},
		{"5", 1, "0.5"},
		{"-5", 1, "-0.5"},
		{"15", 2, "0.15"},
		{"-15", 2, "-0.15"},
		{"1", 10, "0.0000000001"},
		{"123456789012345678901234567890", 5, "1234567890123456789012345.67890"},
		{"-123456789012345678901234567890", 30, "-0.123456789012345678901234567890"},
	}
	for _, tt := range tests {
		t.Run(tt.unscaled+"e-"+strconv.Itoa(int(tt.scale)), func(t *testing.T) {
			d := Decimal{Unscaled: bigInt(t, tt.unscaled), Scale: tt.scale}
			assert.Equal(t, tt.want, d.String())
			assert.Equal(t, tt.unscaled, d.Unscaled.String(), "String must not modify Unscaled")
		})
	}
	assert.Equal(t, "<nil>", Decimal{Scale: 2}.String())
}

// userSchema is a struct schema with a required, an optional, a defaulted and
// a nested field.
func userSchema() *Schema {
	return StructSchema("user",
		Field{Name: "name", Schema: StringSchema},
		Field{Name: "age", Schema: OptionalInt32Schema},
		Field{Name: "country", Schema: &Schema{Type: String, Optional: true, Default: "NL"}},
		Field{Name: "tags", Schema: ArraySchema(StringSchema).OptionalCopy()},
	)
}

func TestStructPutGet(t *testing.T) {
	s := userSchema()
	st := NewStruct(s)
	assert.Same(t, s, st.Schema())

	require.NoError(t, st.Put("name", "ann"))
	require.NoError(t, st.Put("age", int32(41)))
	require.NoError(t, st.Put("tags", []any{"a", "b"}))

	tests := []struct {
		field string
		index int
		want  any
	}{
		{"name", 0, "ann"},
		{"age", 1, int32(41)},
		{"country", 2, "NL"}, // unset: the default
		{"tags", 3, []any{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			assert.Equal(t, tt.want, st.Get(tt.field))
			assert.Equal(t, tt.want, st.At(tt.index))
		})
	}
	assert.NoError(t, st.Validate())
}

func TestStructDefaults(t *testing.T) {
	st := NewStruct(userSchema())
	assert.Equal(t, "NL", st.Get("country"))
	assert.Nil(t, st.Get("age"), "optional without default")

	require.NoError(t, st.Put("country", "BE"))
	assert.Equal(t, "BE", st.Get("country"))

	// Putting nil unsets the field, so the default shows again.
	require.NoError(t, st.Put("country", nil))
	assert.Equal(t, "NL", st.Get("country"))
}

func TestStructWithoutDefault(t *testing.T) {
	st := NewStruct(userSchema()).MustPut("name", "ann")
	tests := []struct {
		field string
		index int
		want  any
	}{
		{"name", 0, "ann"},
		{"age", 1, nil},
		{"country", 2, nil}, // unset: no default
		{"tags", 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			assert.Equal(t, tt.want, st.GetWithoutDefault(tt.field))
			assert.Equal(t, tt.want, st.AtWithoutDefault(tt.index))
		})
	}
	assert.Nil(t, st.GetWithoutDefault("nickname"), "unknown field")

	// Set to the default's value, the field is set: only the raw getters
	// tell it from an unset one.
	st.MustPut("country", "NL")
	assert.Equal(t, "NL", st.GetWithoutDefault("country"))
	assert.Equal(t, "NL", st.AtWithoutDefault(2))
	st.MustPut("country", nil)
	assert.Nil(t, st.GetWithoutDefault("country"))
	assert.Equal(t, "NL", st.Get("country"))

	assert.Panics(t, func() { st.AtWithoutDefault(4) })
	assert.Panics(t, func() { st.AtWithoutDefault(-1) })
}

func TestStructSetAt(t *testing.T) {
	st := NewStruct(userSchema())
	st.SetAt(0, "ann")
	st.SetAt(2, "BE")
	st.SetAt(3, []any{"a"})
	assert.Equal(t, "ann", st.Get("name"))
	assert.Equal(t, "BE", st.Get("country"))
	assert.Equal(t, []any{"a"}, st.At(3))
	assert.NoError(t, st.Validate())

	// nil and a nil *Struct unset the field, as with Put.
	st.SetAt(2, nil)
	assert.Nil(t, st.AtWithoutDefault(2))
	assert.Equal(t, "NL", st.At(2))
	nested := NewStruct(StructSchema("n", Field{Name: "s", Schema: StructSchema("inner").OptionalCopy()}))
	nested.SetAt(0, (*Struct)(nil))
	assert.Nil(t, nested.AtWithoutDefault(0), "untyped nil, not a nil *Struct")

	// SetAt does not validate: the caller's promise is checked only by
	// Validate.
	st.SetAt(1, "forty-one")
	assert.Equal(t, "forty-one", st.At(1))
	err := st.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "field age")

	assert.Panics(t, func() { st.SetAt(4, "x") })
	assert.Panics(t, func() { st.SetAt(-1, "x") })
}

func TestStructPutErrors(t *testing.T) {
	tests := []struct {
		name    string
		field   string
		value   any
		wantErr string
	}{
		{name: "unknown field", field: "nickname", value: "a", wantErr: `no field "nickname"`},
		{name: "wrong type", field: "age", value: 41, wantErr: "field age: int is not a valid value for Schema{int32}"},
		{name: "wider int", field: "age", value: int64(41), wantErr: "field age"},
		{name: "required nil", field: "name", value: nil, wantErr: "field name: null value for required"},
		{name: "bad element", field: "tags", value: []any{"a", 1}, wantErr: "field tags: element 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := NewStruct(userSchema()).MustPut("name", "ann").MustPut("age", int32(1)).MustPut("tags", []any{})
			before := []any{st.At(0), st.At(1), st.At(2), st.At(3)}

			err := st.Put(tt.field, tt.value)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			var de *DataError
			assert.ErrorAs(t, err, &de)

			after := []any{st.At(0), st.At(1), st.At(2), st.At(3)}
			assert.Equal(t, before, after, "a failed Put changes nothing")
			assert.Panics(t, func() { st.MustPut(tt.field, tt.value) })
		})
	}
	assert.Nil(t, NewStruct(userSchema()).Get("nickname"))
}

func TestStructPutNilStruct(t *testing.T) {
	home := NewStruct(StructSchema("address", Field{Name: "city", Schema: StringSchema})).MustPut("city", "Gent")
	s := StructSchema("person",
		Field{Name: "address", Schema: &Schema{Type: StructType, Name: "address", Optional: true,
			Fields: home.Schema().Fields, Default: home}},
	)
	st := NewStruct(s)
	// A nil *Struct means no value, like an untyped nil: the default shows.
	require.NoError(t, st.Put("address", (*Struct)(nil)))
	assert.Same(t, home, st.Get("address"))
	assert.NoError(t, st.Validate())
}

func TestNewStructPanicsOnNonStruct(t *testing.T) {
	assert.Panics(t, func() { NewStruct(nil) })
	assert.Panics(t, func() { NewStruct(StringSchema) })
	assert.NotPanics(t, func() { NewStruct(StructSchema("empty")) })
}

func TestStructValidate(t *testing.T) {
	st := NewStruct(userSchema())
	err := st.Validate()
	require.Error(t, err, "required name is unset")
	assert.Contains(t, err.Error(), "field name")

	st.MustPut("name", "ann")
	assert.NoError(t, st.Validate())
}

func TestValidate(t *testing.T) {
	dec := Decimal{Unscaled: big.NewInt(1234), Scale: 2}
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

	address := StructSchema("address",
		Field{Name: "city", Schema: StringSchema},
		Field{Name: "zip", Schema: OptionalStringSchema},
	)
	person := StructSchema("person",
		Field{Name: "name", Schema: StringSchema},
		Field{Name: "address", Schema: address.OptionalCopy()},
	)
	// equalAddress is a distinct *Schema with the same shape, as two
	// converters decoding the same envelope would build.
	equalAddress := StructSchema("address",
		Field{Name: "city", Schema: StringSchema},
		Field{Name: "zip", Schema: OptionalStringSchema},
	)
	newAddress := func(s *Schema, city any) *Struct {
		st := NewStruct(s)
		st.values[0] = city // bypass Put to build invalid structs
		return st
	}

	tests := []struct {
		name    string
		schema  *Schema
		value   any
		wantErr string // "" means valid
	}{
		// Primitives: exactly one Go type each.
		{"int8", Int8Schema, int8(1), ""},
		{"int8 as int", Int8Schema, 1, "int is not a valid value for Schema{int8}"},
		{"int8 as int16", Int8Schema, int16(1), "int16 is not"},
		{"int16", Int16Schema, int16(1), ""},
		{"int16 as int8", Int16Schema, int8(1), "int8 is not"},
		{"int32", Int32Schema, int32(1), ""},
		{"int32 as int64", Int32Schema, int64(1), "int64 is not"},
		{"int64", Int64Schema, int64(1), ""},
		{"int64 as int", Int64Schema, 1, "int is not"},
		{"float32", Float32Schema, float32(1.5), ""},
		{"float32 as float64", Float32Schema, 1.5, "float64 is not"},
		{"float64", Float64Schema, 1.5, ""},
		{"float64 as float32", Float64Schema, float32(1.5), "float32 is not"},
		{"boolean", BooleanSchema, true, ""},
		{"boolean as string", BooleanSchema, "true", "string is not"},
		{"string", StringSchema, "x", ""},
		{"empty string", StringSchema, "", ""},
		{"string as bytes", StringSchema, []byte("x"), "[]uint8 is not"},
		{"bytes", BytesSchema, []byte("x"), ""},
		{"empty bytes", BytesSchema, []byte{}, ""},
		{"bytes as string", BytesSchema, "x", "string is not"},

		// Nil: fine when optional or defaulted, an error when required.
		{"optional int8 nil", OptionalInt8Schema, nil, ""},
		{"optional int16 nil", OptionalInt16Schema, nil, ""},
		{"optional int32 nil", OptionalInt32Schema, nil, ""},
		{"optional int64 nil", OptionalInt64Schema, nil, ""},
		{"optional float32 nil", OptionalFloat32Schema, nil, ""},
		{"optional float64 nil", OptionalFloat64Schema, nil, ""},
		{"optional boolean nil", OptionalBooleanSchema, nil, ""},
		{"optional string nil", OptionalStringSchema, nil, ""},
		{"optional bytes nil", OptionalBytesSchema, nil, ""},
		{"optional array nil", ArraySchema(Int32Schema).OptionalCopy(), nil, ""},
		{"optional struct nil", address.OptionalCopy(), nil, ""},
		{"optional struct typed nil", address.OptionalCopy(), (*Struct)(nil), ""},
		{"required typed nil struct", address, (*Struct)(nil), "null value for required Schema{address:struct}"},
		{"required nil", Int32Schema, nil, "null value for required Schema{int32}"},
		{"required nil struct", address, nil, "null value for required"},
		{"required nil with default", &Schema{Type: Int32, Default: int32(7)}, nil, ""},
		{"optional wrong type", OptionalInt32Schema, "1", "string is not"},

		// Arrays.
		{"array", ArraySchema(Int32Schema), []any{int32(1), int32(2)}, ""},
		{"empty array", ArraySchema(Int32Schema), []any{}, ""},
		{"array bad element", ArraySchema(Int32Schema), []any{int32(1), "2"}, "element 1: string is not"},
		{"array nil element", ArraySchema(Int32Schema), []any{nil}, "element 0: null value"},
		{"array optional nil element", ArraySchema(OptionalInt32Schema), []any{nil}, ""},
		{"array as typed slice", ArraySchema(Int32Schema), []int32{1}, "[]int32 is not"},
		{"nested array", ArraySchema(ArraySchema(StringSchema)), []any{[]any{"a"}, []any{}}, ""},
		{"nested array bad", ArraySchema(ArraySchema(StringSchema)), []any{[]any{"a"}, []any{1}}, "element 1: element 0: int is not"},
		{"array of structs", ArraySchema(address), []any{newAddress(address, "Gent")}, ""},
		{"array of bad structs", ArraySchema(address), []any{newAddress(address, nil)}, "element 0: field city: null value"},

		// Maps, both Go shapes.
		{"map string keys", MapSchema(StringSchema, Int64Schema), map[string]any{"a": int64(1)}, ""},
		{"map any keys", MapSchema(StringSchema, Int64Schema), map[any]any{"a": int64(1)}, ""},
		{"empty map", MapSchema(StringSchema, Int64Schema), map[string]any{}, ""},
		{"map int keys", MapSchema(Int32Schema, StringSchema), map[any]any{int32(1): "a"}, ""},
		{"map string keys for int schema", MapSchema(Int32Schema, StringSchema), map[string]any{"1": "a"}, "string is not"},
		{"map bad key", MapSchema(StringSchema, Int64Schema), map[any]any{1: int64(1)}, "int is not"},
		{"map bad value", MapSchema(StringSchema, Int64Schema), map[string]any{"a": "1"}, "map value a: string is not"},
		{"map any bad value", MapSchema(StringSchema, Int64Schema), map[any]any{"a": "1"}, "map value a: string is not"},
		{"map typed", MapSchema(StringSchema, Int64Schema), map[string]int64{"a": 1}, "map[string]int64 is not"},
		{"map of arrays", MapSchema(StringSchema, ArraySchema(Int32Schema)), map[string]any{"a": []any{int32(1)}}, ""},
		{"map of bad arrays", MapSchema(StringSchema, ArraySchema(Int32Schema)), map[string]any{"a": []any{"x"}}, "map value a: element 0"},
		{"map of structs", MapSchema(StringSchema, address), map[any]any{"home": newAddress(address, "Gent")}, ""},

		// Structs, nested.
		{"struct", person, NewStruct(person).MustPut("name", "ann").MustPut("address", newAddress(address, "Gent")), ""},
		{"struct optional nested unset", person, NewStruct(person).MustPut("name", "ann"), ""},
		{"struct missing required", person, NewStruct(person), "field name: null value"},
		{"struct nested missing required", person,
			func() *Struct {
				st := NewStruct(person).MustPut("name", "ann")
				st.values[1] = newAddress(address, nil)
				return st
			}(),
			"field address: field city: null value"},
		{"struct with equal schema", address, newAddress(equalAddress, "Gent"), ""},
		{"struct nested with equal schema", person,
			NewStruct(person).MustPut("name", "ann").MustPut("address", newAddress(equalAddress, "Gent")), ""},
		{"struct with other name", address, newAddress(StructSchema("location",
			Field{Name: "city", Schema: StringSchema}, Field{Name: "zip", Schema: OptionalStringSchema}), "Gent"),
			"struct of Schema{location:struct} given for Schema{address:struct}"},
		{"struct with other field type", address, NewStruct(StructSchema("address",
			Field{Name: "city", Schema: Int32Schema}, Field{Name: "zip", Schema: OptionalStringSchema})),
			"given for"},
		{"struct with fewer fields", address, NewStruct(StructSchema("address",
			Field{Name: "city", Schema: StringSchema})), "given for"},
		{"struct as map", address, map[string]any{"city": "Gent"}, "map[string]interface {} is not"},
		{"struct as value", address, *newAddress(address, "Gent"), "connect.Struct is not"},

		// Logical types take their Go types, not the underlying ones.
		{"decimal", DecimalSchema(2), dec, ""},
		{"decimal as bytes", DecimalSchema(2), []byte{0x04, 0xd2}, "[]uint8 is not a connect.Decimal"},
		{"decimal as big.Int", DecimalSchema(2), big.NewInt(1234), "*big.Int is not a connect.Decimal"},
		{"decimal pointer", DecimalSchema(2), &dec, "*connect.Decimal is not"},
		{"decimal without unscaled", DecimalSchema(2), Decimal{Scale: 2}, "no unscaled value"},
		{"optional decimal nil", DecimalSchema(2).OptionalCopy(), nil, ""},
		{"required decimal nil", DecimalSchema(2), nil, "null value"},
		{"date", DateSchema(), now, ""},
		{"date as int32", DateSchema(), int32(19844), "int32 is not a time.Time"},
		{"time", TimeSchema(), now, ""},
		{"time as int32", TimeSchema(), int32(1000), "int32 is not a time.Time"},
		{"timestamp", TimestampSchema(), now, ""},
		{"timestamp as int64", TimestampSchema(), now.UnixMilli(), "int64 is not a time.Time"},
		{"timestamp as pointer", TimestampSchema(), &now, "*time.Time is not"},
		{"array of decimals", ArraySchema(DecimalSchema(2)), []any{dec}, ""},

		// No schema: anything goes, as for schemaless JSON.
		{"no schema", nil, map[string]any{"a": []any{int64(1), 1.5, true, nil}}, ""},
		{"no schema nil", nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.schema, tt.value)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			var de *DataError
			assert.True(t, errors.As(err, &de), "%T is not a *DataError", err)
			assert.False(t, IsRetriable(err))
		})
	}
}
