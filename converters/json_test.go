package converters

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/internal/jsontext"
)

func newJSON(t *testing.T, kv ...string) *JSONConverter {
	t.Helper()
	cfg := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		cfg[kv[i]] = kv[i+1]
	}
	c, err := NewJSONConverter(cfg, false)
	require.NoError(t, err)
	return c
}

func requireDataError(t *testing.T, err error, contains string) {
	t.Helper()
	var de *connect.DataError
	require.ErrorAs(t, err, &de)
	assert.Contains(t, err.Error(), contains)
}

func TestJSONToConnectSyntaxErrors(t *testing.T) {
	plain := newJSON(t, "schemas.enable", "false")
	for _, tc := range []struct {
		name, in, want string
	}{
		{"bad value", `{"a":x}`, `json: invalid character 'x' looking for beginning of value at byte 5`},
		{"bad start", `xyz`, `json: invalid character 'x' looking for beginning of value at byte 0`},
		{"truncated object", `{"a":1`, `json: unexpected end of JSON input at byte 6`},
		{"truncated string", `"abc`, `unexpected end of JSON input at byte 4`},
		{"missing colon", `{"a" 1}`, `invalid character '1' after object key at byte 5`},
		{"missing comma", `{"a":1 "b":2}`, `invalid character '"' after object key:value pair at byte 7`},
		{"array", `[1 2]`, `invalid character '2' after array element at byte 3`},
		{"trailing comma", `[1,]`, `invalid character ']' looking for beginning of value at byte 3`},
		{"trailing text", `{"a":1} x`, `invalid character 'x' after top-level value at byte 8`},
		{"two values", `1 2`, `invalid character '2' after top-level value at byte 2`},
		{"literal", `tru`, `unexpected end of JSON input at byte 3`},
		{"literal typo", `nul1`, `invalid character '1' in literal null (expecting 'l') at byte 3`},
		{"control char", "\"a\x01b\"", `invalid character '\x01' in string literal at byte 2`},
		{"bad escape", `"\x"`, `invalid character 'x' in string escape code at byte 2`},
		{"bad unicode escape", `"\u12g4"`, `invalid character 'g' in \u hexadecimal character escape at byte 5`},
		{"invalid utf-8", "\"ab\xffc\"", `invalid UTF-8 in string at byte 3`},
		{"plus sign", `+1`, `invalid character '+' looking for beginning of value at byte 0`},
		{"bare minus", `-`, `unexpected end of JSON input at byte 1`},
		{"dot without digits", `1.`, `unexpected end of JSON input at byte 2`},
		{"exponent without digits", `1e+x`, `invalid character 'x' in exponent of numeric literal at byte 3`},
		{"single quotes", `{'a':1}`, `invalid character '\'' looking for beginning of object key string at byte 1`},
		{"NaN literal", `NaN`, `invalid character 'N' looking for beginning of value at byte 0`},
		{"deep nesting", strings.Repeat("[", 1001) + strings.Repeat("]", 1001), `nesting deeper than 1000 at byte 1000`},
		{"long number", strings.Repeat("1", 1001), `number longer than 1000 characters at byte 0`},
		{"int64 overflow", `[9223372036854775808]`, `integer 9223372036854775808 overflows int64 at byte 1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, v, err := plain.ToConnectData("t", []byte(tc.in))
			requireDataError(t, err, tc.want)
			assert.Equal(t, "json: "+strings.TrimPrefix(tc.want, "json: "), err.Error())
			assert.Nil(t, s)
			assert.Nil(t, v)
		})
	}
}

func TestJSONErrorsDoNotQuoteThePayload(t *testing.T) {
	secret := strings.Repeat("s3cr3t", 100)
	in := `{"password":"` + secret + `","n":1,"x":tru}`
	_, _, err := newJSON(t, "schemas.enable", "false").ToConnectData("t", []byte(in))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cr3t")
	assert.Less(t, len(err.Error()), 120)
}

func TestJSONToConnectSchemaless(t *testing.T) {
	plain := newJSON(t, "schemas.enable", "false")
	for _, tc := range []struct {
		in   string
		want any
	}{
		{`{"a":1,"b":[true,null,1.5,"x"],"c":{"d":-2}}`, map[string]any{
			"a": int64(1), "b": []any{true, nil, 1.5, "x"}, "c": map[string]any{"d": int64(-2)}}},
		{`  {}  `, map[string]any{}},
		{`[]`, []any{}},
		{`-0`, int64(0)},
		{`-0.0`, 0.0}, // BigDecimal has no negative zero
		{`1e3`, 1000.0},
		{`007`, int64(7)}, // Kafka lets Jackson accept leading zeros
		{`9223372036854775807`, int64(math.MaxInt64)},
		{`-9223372036854775808`, int64(math.MinInt64)},
		{`1e400`, math.Inf(1)},
		{`"\u00e9\ud83d\ude00\n\/"`, "é😀\n/"},
		{`"\ud800x"`, "\xed\xa0\x80x"},       // a lone surrogate, kept as Java keeps it (WTF-8)
		{`-1e-400`, math.Copysign(0, -1)},    // underflow keeps its sign
		{"\xef\xbb\xbf[1]", []any{int64(1)}}, // a UTF-8 byte-order mark is skipped
		{`{"a":1,"a":2}`, map[string]any{"a": int64(2)}},
		{`null`, nil},
		{"", nil},
		{" \t\r\n", nil},
	} {
		t.Run(tc.in, func(t *testing.T) {
			s, v, err := plain.ToConnectData("t", []byte(tc.in))
			require.NoError(t, err)
			assert.Nil(t, s)
			if d := diffValue("v", tc.want, v); d != "" {
				t.Error(d)
			}
		})
	}
	s, v, err := plain.ToConnectData("t", nil)
	assert.NoError(t, err)
	assert.Nil(t, s)
	assert.Nil(t, v)
}

const intSchema = `{"type":"int32","optional":false}`

func envelope(schema, payload string) []byte {
	return []byte(`{"schema":` + schema + `,"payload":` + payload + `}`)
}

func TestJSONEnvelopeErrors(t *testing.T) {
	env := newJSON(t)
	for _, tc := range []struct {
		name, in, want string
	}{
		{"plain object", `{"a":1}`, `requires "schema" and "payload"`},
		{"array", `[1]`, `requires "schema" and "payload"`},
		{"empty", ``, `requires "schema" and "payload"`},
		{"missing payload", `{"schema":` + intSchema + `}`, `requires "schema" and "payload"`},
		{"extra member", `{"schema":null,"payload":1,"x":0}`, `requires "schema" and "payload"`},
		{"extra member after bad payload", `{"schema":` + intSchema + `,"payload":"x","x":0}`, `requires "schema" and "payload"`},
		{"syntax before shape", `[1,}`, `invalid character '}' looking for beginning of value at byte 3`},
		{"schema not object", `{"schema":"int32","payload":1}`, `schema: schema must be an object with a "type" field at byte 10`},
		{"schema without type", `{"schema":{},"payload":1}`, `"type" field`},
		{"unknown type", `{"schema":{"type":"int128"},"payload":1}`, `unknown schema type "int128"`},
		{"float32 is not a JSON type name", `{"schema":{"type":"float32"},"payload":1}`, `unknown schema type "float32"`},
		{"array without items", `{"schema":{"type":"array"},"payload":[]}`, `array schema has no element type`},
		{"map without values", `{"schema":{"type":"map","keys":{"type":"string"}},"payload":{}}`, `map schema has no value type`},
		{"struct without fields", `{"schema":{"type":"struct"},"payload":{}}`, `"fields" is not an array`},
		{"field without name", `{"schema":{"type":"struct","fields":[{"type":"int8"}]},"payload":{}}`, `field 0 has no name`},
		{"duplicate field", `{"schema":{"type":"struct","fields":[{"type":"int8","field":"a"},{"type":"int8","field":"a"}]},"payload":{}}`, `field "a" twice`},
		{"parameter not string", `{"schema":{"type":"string","parameters":{"a":1}},"payload":"x"}`, `schema parameter "a" is not a string`},
		{"null default for required", `{"schema":{"type":"int32","default":null},"payload":1}`, `default: null value for required int32 schema`},
		{"bad default", `{"schema":{"type":"int32","default":"x"},"payload":1}`, `default: int32 schema needs a JSON number, found string`},
		{"required null", string(envelope(intSchema, "null")), `null value for required int32 schema at byte`},
		{"wrong type", string(envelope(intSchema, `"7"`)), `int32 schema needs a JSON number, found string at byte 54`},
		{"nested path", string(envelope(`{"type":"struct","fields":[{"type":"array","items":{"type":"boolean"},"field":"flags"}]}`, `{"flags":[true,1]}`)),
			`field "flags": element 1: boolean schema needs a JSON boolean, found number at byte`},
		{"missing required field", string(envelope(`{"type":"struct","fields":[{"type":"int8","field":"a"}]}`, `{}`)),
			`field "a": missing value for required int8 schema`},
		{"map pairs", string(envelope(`{"type":"map","keys":{"type":"int8"},"values":{"type":"string"}}`, `[[1,"a",2]]`)),
			`map entry 0 is not a [key, value] pair`},
		{"map object for int keys", string(envelope(`{"type":"map","keys":{"type":"int8"},"values":{"type":"string"}}`, `{"1":"a"}`)),
			`needs a JSON array of [key, value] pairs, found object`},
		{"bytes map keys", string(envelope(`{"type":"map","keys":{"type":"bytes"},"values":{"type":"string"}}`, `[]`)),
			`map keys of type bytes cannot be Go map keys`},
		{"bad base64", string(envelope(`{"type":"bytes"}`, `"!!!"`)), `invalid base64`},
		{"unpadded base64", string(envelope(`{"type":"bytes"}`, `"AQI"`)), `invalid base64`},
		{"decimal without scale", string(envelope(`{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal"}`, `"AQ=="`)), `no "scale" parameter`},
		{"decimal empty bytes", string(envelope(`{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"1"}}`, `""`)), `zero-length`},
		{"date from float", string(envelope(`{"type":"int32","name":"org.apache.kafka.connect.data.Date"}`, `1.5`)), `Date schema needs an integer`},
		{"date out of range", string(envelope(`{"type":"int32","name":"org.apache.kafka.connect.data.Date"}`, `3000000000`)), `int32 number of days`},
		{"time out of range", string(envelope(`{"type":"int32","name":"org.apache.kafka.connect.data.Time"}`, `86400001`)), `from 0 to 86400000`},
		{"int8 overflow", string(envelope(`{"type":"int8"}`, `128`)), `128 overflows int8`},
		{"fraction for int", string(envelope(`{"type":"int64"}`, `1.5`)), `needs an integer, found 1.5`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := env.ToConnectData("t", []byte(tc.in))
			requireDataError(t, err, tc.want)
		})
	}
}

func TestJSONEnvelopeRead(t *testing.T) {
	env := newJSON(t)
	keep := newJSON(t, "replace.null.with.default", "false")
	structSchema := `{"type":"struct","fields":[` +
		`{"type":"int32","optional":true,"field":"a"},` +
		`{"type":"string","optional":true,"default":"d","field":"b"}],"optional":false,"name":"S"}`
	for _, tc := range []struct {
		name   string
		conv   *JSONConverter
		in     string
		schema *connect.Schema
		check  func(t *testing.T, v any)
	}{
		{"payload first", env, `{"payload":5,"schema":{"type":"int8"}}`, connect.Int8Schema,
			func(t *testing.T, v any) { assert.Equal(t, int8(5), v) }},
		{"white space", env, " {\n\"schema\" : {\"type\":\"string\"} ,\t\"payload\" : \"hi\" } ", connect.StringSchema,
			func(t *testing.T, v any) { assert.Equal(t, "hi", v) }},
		{"null schema", env, `{"schema":null,"payload":[1,2.5]}`, nil,
			func(t *testing.T, v any) { assert.Equal(t, []any{int64(1), 2.5}, v) }},
		{"duplicate schema, last wins", env, `{"schema":{"type":"string"},"payload":"7","schema":{"type":"string","optional":true}}`,
			connect.OptionalStringSchema, func(t *testing.T, v any) { assert.Equal(t, "7", v) }},
		{"default for null", env, `{"schema":{"type":"int32","default":7},"payload":null}`,
			&connect.Schema{Type: connect.Int32, Default: int32(7)}, func(t *testing.T, v any) { assert.Equal(t, int32(7), v) }},
		{"optional null", keep, `{"schema":{"type":"int32","optional":true,"default":7},"payload":null}`,
			&connect.Schema{Type: connect.Int32, Optional: true, Default: int32(7)}, func(t *testing.T, v any) { assert.Nil(t, v) }},
		{"float strings", env, `{"schema":{"type":"array","items":{"type":"double"}},"payload":["NaN","Infinity","-Infinity",-0.0]}`,
			connect.ArraySchema(connect.Float64Schema), func(t *testing.T, v any) {
				a := v.([]any)
				assert.True(t, math.IsNaN(a[0].(float64)))
				assert.Equal(t, []any{math.Inf(1), math.Inf(-1), 0.0}, a[1:])
				assert.False(t, math.Signbit(a[3].(float64)))
			}},
		{"float32 rounding", env, `{"schema":{"type":"float"},"payload":0.1}`, connect.Float32Schema,
			func(t *testing.T, v any) { assert.Equal(t, float32(0.1), v) }},
		{"integral float for int", env, `{"schema":{"type":"int16"},"payload":2.5e2}`, connect.Int16Schema,
			func(t *testing.T, v any) { assert.Equal(t, int16(250), v) }},
		{"decimal keeps the number's scale", env,
			`{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"}},"payload":-1.5E+3}`,
			nil, func(t *testing.T, v any) {
				assert.Equal(t, connect.Decimal{Unscaled: big.NewInt(-15), Scale: -2}.String(), v.(connect.Decimal).String())
				assert.Equal(t, int32(-2), v.(connect.Decimal).Scale)
			}},
		{"timestamp", env, `{"schema":{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp"},"payload":-1}`,
			nil, func(t *testing.T, v any) {
				assert.Equal(t, time.Date(1969, 12, 31, 23, 59, 59, 999e6, time.UTC), v)
			}},
		{"struct: unknown members skipped, missing ones defaulted", env,
			`{"schema":` + structSchema + `,"payload":{"z":[1,{"y":[]}],"a":1}}`, nil, func(t *testing.T, v any) {
				st := v.(*connect.Struct)
				assert.Equal(t, int32(1), st.Get("a"))
				assert.Equal(t, "d", st.GetWithoutDefault("b"), "set to the default, as Kafka puts it")
			}},
		{"struct: missing field kept null", keep,
			`{"schema":` + structSchema + `,"payload":{"a":1}}`, nil, func(t *testing.T, v any) {
				st := v.(*connect.Struct)
				assert.Equal(t, int32(1), st.GetWithoutDefault("a"))
				assert.Nil(t, st.GetWithoutDefault("b"))
			}},
		{"struct: escaped field names", env,
			`{"schema":` + structSchema + `,"payload":{"\u0062":"x","\u0061":null}}`, nil, func(t *testing.T, v any) {
				st := v.(*connect.Struct)
				assert.Nil(t, st.Get("a"))
				assert.Equal(t, "x", st.Get("b"))
			}},
		{"map of struct keys", env,
			`{"schema":{"type":"map","keys":` + structSchema + `,"values":{"type":"boolean"}},"payload":[[{"a":1},true]]}`, nil,
			func(t *testing.T, v any) {
				m := v.(map[any]any)
				require.Len(t, m, 1)
				for k, x := range m {
					assert.Equal(t, int32(1), k.(*connect.Struct).Get("a"))
					assert.Equal(t, true, x)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, v, err := tc.conv.ToConnectData("t", []byte(tc.in))
			require.NoError(t, err)
			if tc.schema != nil {
				if d := diffSchema("schema", tc.schema, s); d != "" {
					t.Error(d)
				}
			}
			tc.check(t, v)
		})
	}
}

func TestJSONFromConnectErrors(t *testing.T) {
	env := newJSON(t)
	flat := connect.StructSchema("Flat", connect.Field{Name: "a", Schema: connect.Int32Schema})
	other := connect.StructSchema("Other", connect.Field{Name: "a", Schema: connect.Int32Schema})
	for _, tc := range []struct {
		name   string
		schema *connect.Schema
		value  any
		want   string
	}{
		{"required null", connect.Int32Schema, nil, `json: null value for required int32 schema with no default`},
		{"wrong Go type", connect.Int32Schema, 5, `int32 schema needs a int32, got int`},
		{"wrong Go type for bytes", connect.BytesSchema, "x", `bytes schema needs a []byte, got string`},
		{"nested", connect.ArraySchema(connect.Int64Schema), []any{int64(1), "two"}, `element 1: int64 schema needs a int64, got string`},
		{"unset required field", flat, connect.NewStruct(flat), `field "a": null value for required int32 schema`},
		{"struct of another schema", flat, connect.NewStruct(other).MustPut("a", int32(1)), `struct of Schema{Other:struct} given for Schema{Flat:struct}`},
		{"map with non-string key", connect.MapSchema(connect.StringSchema, connect.Int8Schema), map[any]any{1: int8(1)}, `map key 1`},
		{"decimal scale", connect.DecimalSchema(2), connect.Decimal{Unscaled: big.NewInt(15), Scale: 1}, `decimal value has scale 1 but its schema has scale 2`},
		{"decimal nil", connect.DecimalSchema(2), connect.Decimal{}, `nil Unscaled`},
		{"decimal as float", connect.DecimalSchema(2), 1.5, `Decimal schema needs a connect.Decimal, got float64`},
		{"date with time", connect.DateSchema(), time.Date(2024, 1, 2, 3, 0, 0, 0, time.UTC), `not midnight UTC`},
		{"time with date", connect.TimeSchema(), time.Date(2024, 1, 2, 3, 0, 0, 0, time.UTC), `not on 1970-01-01 UTC`},
		{"timestamp as int", connect.TimestampSchema(), int64(1), `Timestamp schema needs a time.Time, got int64`},
		{"bad default", &connect.Schema{Type: connect.Int8, Default: "x"}, int8(1), `schema: default: int8 schema needs a int8, got string`},
		{"schemaless struct", nil, connect.NewStruct(flat), `*connect.Struct value needs a schema`},
		{"schemaless time", nil, time.Now(), `time.Time value needs a schema`},
		{"schemaless channel", nil, make(chan int), `chan int has no Kafka Connect type`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := env.FromConnectData("t", tc.schema, tc.value)
			requireDataError(t, err, tc.want)
			assert.Nil(t, out)
		})
	}
}

func TestJSONFromConnect(t *testing.T) {
	env := newJSON(t)
	plain := newJSON(t, "schemas.enable", "false")
	numeric := newJSON(t, "schemas.enable", "false", "decimal.format", "NUMERIC")
	type named string
	for _, tc := range []struct {
		name   string
		conv   *JSONConverter
		schema *connect.Schema
		value  any
		want   string
	}{
		{"null without schema", env, nil, nil, ""},
		{"optional null", plain, connect.OptionalInt32Schema, nil, `null`},
		{"default for null", env, &connect.Schema{Type: connect.Int8, Default: int8(3)}, nil,
			`{"schema":{"type":"int8","optional":false,"default":3},"payload":3}`},
		{"schemaless Go ints", plain, nil, []any{1, uint8(2), int16(-3), uint64(math.MaxUint64)}, `[1,2,-3,18446744073709551615]`},
		{"schemaless typed collections", plain, nil, map[string][]string{"b": {"x"}, "a": nil}, `{"a":[],"b":["x"]}`},
		{"schemaless named types", plain, nil, []any{named("n"), [2]byte{1, 2}, []float32{1}}, `["n","AQI=",[1.0]]`},
		{"schemaless mixed keys", plain, nil, map[any]any{"b": 1, 10: 2, 9: 3, "a": 4}, `[[9,3],[10,2],["a",4],["b",1]]`},
		{"schemaless string keys", plain, nil, map[any]any{"b": 1, "a": nil}, `{"a":null,"b":1}`},
		{"schemaless pointer", plain, nil, []any{new(int), (*int)(nil)}, `[0,null]`},
		{"nil slice is empty", plain, connect.BytesSchema, []byte(nil), `""`},
		{"nil struct is null", plain, connect.StructSchema("S").OptionalCopy(), (*connect.Struct)(nil), `null`},
		{"escapes", plain, connect.StringSchema, "\"\\\x00\x1f\x7f\u2028😀\xff", `"\"\\\u0000\u001F` + "\x7f\u2028" + `\uD83D\uDE00` + "\uFFFD" + `"`},
		{"decimal numeric", numeric, connect.DecimalSchema(3), connect.Decimal{Unscaled: big.NewInt(-5), Scale: 3}, `-0.005`},
		{"decimal numeric ignores scale", numeric, connect.DecimalSchema(3), connect.Decimal{Unscaled: big.NewInt(5), Scale: 0}, `5`},
		{"huge decimal", plain, connect.DecimalSchema(0), connect.Decimal{Unscaled: new(big.Int).Lsh(big.NewInt(1), 200), Scale: 0},
			`"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="`},
		{"parameters: scale first, then sorted", env,
			&connect.Schema{Type: connect.Bytes, Name: connect.DecimalName, Version: 1,
				Parameters: map[string]string{"scale": "0", "b": "2", "a": "1"}},
			connect.Decimal{Unscaled: big.NewInt(1)},
			`{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"0","a":"1","b":"2"}},"payload":"AQ=="}`},
		{"date before 1970", plain, connect.DateSchema(), time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), `-1`},
		{"date in another zone", plain, connect.DateSchema(), time.Date(2024, 1, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600)), `19723`},
		{"timestamp truncates to ms", plain, connect.TimestampSchema(), time.Unix(0, 1999999).UTC(), `1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.conv.FromConnectData("t", tc.schema, tc.value)
			require.NoError(t, err)
			if tc.want == "" {
				assert.Nil(t, out)
				return
			}
			assert.Equal(t, tc.want, string(out))
		})
	}
}

// An unset struct field is null, which replace.null.with.default decides
// about as for any null: Kafka writes the field's raw value
// (getWithoutDefault), not Struct.get's default.
func TestJSONKeepNullStructFields(t *testing.T) {
	optional := connect.StructSchema("S",
		connect.Field{Name: "b", Schema: &connect.Schema{Type: connect.String, Optional: true, Default: "bee"}})
	required := connect.StructSchema("R",
		connect.Field{Name: "a", Schema: &connect.Schema{Type: connect.Int32, Default: int32(5)}})
	replace := newJSON(t, "schemas.enable", "false")
	keep := newJSON(t, "schemas.enable", "false", "replace.null.with.default", "false")
	for _, tc := range []struct {
		name   string
		conv   *JSONConverter
		schema *connect.Schema
		value  *connect.Struct
		want   string // "" for an error
	}{
		{"unset optional, replaced", replace, optional, connect.NewStruct(optional), `{"b":"bee"}`},
		{"unset optional, kept", keep, optional, connect.NewStruct(optional), `{"b":null}`},
		{"set to the default, kept", keep, optional, connect.NewStruct(optional).MustPut("b", "bee"), `{"b":"bee"}`},
		{"unset required, replaced", replace, required, connect.NewStruct(required), `{"a":5}`},
		{"unset required, kept", keep, required, connect.NewStruct(required), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.conv.FromConnectData("t", tc.schema, tc.value)
			if tc.want == "" {
				requireDataError(t, err, `field "a": null value for required int32 schema with no default`)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(out))
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	inner := connect.StructSchema("Inner", connect.Field{Name: "x", Schema: connect.OptionalFloat32Schema})
	s := connect.StructSchema("com.example.Everything",
		connect.Field{Name: "i8", Schema: connect.Int8Schema},
		connect.Field{Name: "i16", Schema: connect.Int16Schema},
		connect.Field{Name: "i32", Schema: connect.Int32Schema},
		connect.Field{Name: "i64", Schema: connect.Int64Schema},
		connect.Field{Name: "f32", Schema: connect.Float32Schema},
		connect.Field{Name: "f64", Schema: connect.Float64Schema},
		connect.Field{Name: "b", Schema: connect.BooleanSchema},
		connect.Field{Name: "s", Schema: &connect.Schema{Type: connect.String, Doc: "text", Parameters: map[string]string{"k": "v"}}},
		connect.Field{Name: "by", Schema: connect.BytesSchema},
		connect.Field{Name: "arr", Schema: connect.ArraySchema(inner)},
		connect.Field{Name: "sm", Schema: connect.MapSchema(connect.StringSchema, connect.OptionalInt64Schema)},
		connect.Field{Name: "im", Schema: connect.MapSchema(connect.Int16Schema, connect.StringSchema)},
		connect.Field{Name: "dec", Schema: connect.DecimalSchema(4)},
		connect.Field{Name: "date", Schema: connect.DateSchema()},
		connect.Field{Name: "time", Schema: connect.TimeSchema()},
		connect.Field{Name: "ts", Schema: connect.TimestampSchema()},
		connect.Field{Name: "opt", Schema: connect.OptionalStringSchema},
	)
	v := connect.NewStruct(s).
		MustPut("i8", int8(-8)).MustPut("i16", int16(1600)).MustPut("i32", int32(-320000)).
		MustPut("i64", int64(math.MinInt64)).MustPut("f32", float32(3.25)).MustPut("f64", 1e-300).
		MustPut("b", true).MustPut("s", "ünï \"çødé\" \t😀").MustPut("by", []byte{0, 0xff}).
		MustPut("arr", []any{connect.NewStruct(inner).MustPut("x", float32(0.1)), connect.NewStruct(inner)}).
		MustPut("sm", map[string]any{"a": int64(1), "b": nil}).
		MustPut("im", map[any]any{int16(-1): "m", int16(7): "s"}).
		MustPut("dec", connect.Decimal{Unscaled: big.NewInt(-123456789), Scale: 4}).
		MustPut("date", time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC)).
		MustPut("time", time.UnixMilli(86399999).UTC()).
		MustPut("ts", time.UnixMilli(-62135596800000).UTC())
	for _, cfg := range [][]string{{}, {"decimal.format", "NUMERIC"}} {
		c := newJSON(t, cfg...)
		out, err := c.FromConnectData("t", s, v)
		require.NoError(t, err)
		require.True(t, json.Valid(out), "%s", out)
		gotSchema, got, err := c.ToConnectData("t", out)
		require.NoError(t, err)
		require.NoError(t, got.(*connect.Struct).Validate(), "the decoder sets only values that fit")
		assert.Empty(t, diffSchema("schema", s, gotSchema))
		assert.Empty(t, diffValue("value", v, got))
		again, err := c.FromConnectData("t", gotSchema, got)
		require.NoError(t, err)
		assert.Equal(t, string(out), string(again))
	}
}

func TestJSONSchemaCache(t *testing.T) {
	in := envelope(`{"type":"struct","fields":[{"type":"int32","field":"a"}]}`, `{"a":1}`)
	in2 := envelope(`{"type":"string"}`, `"x"`)
	c := newJSON(t)
	s1, _, err := c.ToConnectData("t", in)
	require.NoError(t, err)
	_, _, err = c.ToConnectData("t", in2)
	require.NoError(t, err)
	s2, _, err := c.ToConnectData("t", in)
	require.NoError(t, err)
	assert.Same(t, s1, s2, "parsed once, through the LRU")
	s3, _, err := c.ToConnectData("t", in)
	require.NoError(t, err)
	assert.Same(t, s1, s3, "through the last-schema shortcut")

	// A schema that merely starts like the cached one is parsed afresh.
	_, _, err = c.ToConnectData("t", []byte(`{"schema":{"type":"string"}x,"payload":"x"}`))
	requireDataError(t, err, `invalid character 'x' after object key:value pair at byte 27`)

	// Size 0 caches nothing, as in Kafka.
	none := newJSON(t, "schemas.cache.size", "0")
	a, _, err := none.ToConnectData("t", in)
	require.NoError(t, err)
	b, _, err := none.ToConnectData("t", in)
	require.NoError(t, err)
	assert.NotSame(t, a, b)
	assert.Empty(t, diffSchema("", a, b))

	// The LRU evicts the least recently used.
	l := newLRU[string, int](2)
	l.put("a", 1)
	l.put("b", 2)
	_, _ = l.get("a")
	l.put("c", 3)
	_, okA := l.get("a")
	_, okB := l.get("b")
	assert.True(t, okA)
	assert.False(t, okB)
}

func TestJSONConcurrentUse(t *testing.T) {
	c := newJSON(t)
	s := benchStructSchema()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				_, v, err := newJSON(t, "schemas.enable", "false").ToConnectData("t", []byte(benchObject))
				if !assert.NoError(t, err) {
					return
				}
				out, err := c.FromConnectData("t", s, toStruct(t, s, v.(map[string]any)))
				if !assert.NoError(t, err) {
					return
				}
				_, back, err := c.ToConnectData("t", out)
				if !assert.NoError(t, err) || !assert.Equal(t, "Ann Example", back.(*connect.Struct).Get("name")) {
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestJSONHeaderConverter(t *testing.T) {
	h, err := NewHeaderConverter("json", map[string]string{"schemas.enable": "false"})
	require.NoError(t, err)
	out, err := h.FromConnectHeader("t", "k", connect.Int16Schema, int16(7))
	require.NoError(t, err)
	assert.Equal(t, "7", string(out))
	s, v, err := h.ToConnectHeader("t", "k", out)
	require.NoError(t, err)
	assert.Nil(t, s)
	assert.Equal(t, int64(7), v)
}

// FuzzJSONToConnect checks the decoder against encoding/json: it must
// accept what is valid JSON (but for int64 overflow) and reject what is not
// (but for leading zeros, which Kafka accepts). The seeds run in go test.
func FuzzJSONToConnect(f *testing.F) {
	for _, s := range []string{benchObject, `[1,2.5e3,"x\u00e9",null,true,{}]`, `{"a":{"b":[]}}`, `007`, `"\ud83d\ude00"`,
		`{"a":1}x`, `[1,]`, "\"\xff\"", `-`, `01.5`, `1e`, `{"a" 1}`} {
		f.Add([]byte(s))
	}
	c, err := NewJSONConverter(map[string]string{"schemas.enable": "false"}, false)
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, v, err := c.ToConnectData("t", data)
		if err != nil {
			var de *connect.DataError
			require.ErrorAs(t, err, &de)
		}
		// Text Jackson reads as UTF-16 or UTF-32, or UTF-8 after a
		// byte-order mark, is no JSON for encoding/json to judge; the
		// differential suite and TestJSONDetectsUTF16AndUTF32 check it.
		if u, err := jacksonEncoding(data); err != nil || !bytes.Equal(u, data) || bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
			return
		}
		trimmed := strings.TrimSpace(string(data))
		if json.Valid(data) {
			if err != nil && utf8.Valid(data) && !strings.Contains(err.Error(), "overflows int64") &&
				!strings.Contains(err.Error(), "exponent out of range") && // BigDecimal's int32 scale, as Kafka
				!strings.Contains(err.Error(), "nesting deeper") && !strings.Contains(err.Error(), "longer than") {
				t.Fatalf("rejected valid JSON %q: %v", data, err)
			}
			// encoding/json replaces a lone surrogate escape with U+FFFD;
			// Kafka, and so the converter, keep it (as WTF-8).
			var want any
			if err == nil && !jsontext.LoneSurrogate(data) && json.Unmarshal(data, &want) == nil {
				assert.Equal(t, want, asFloats(v), "%q", data)
			}
			return
		}
		if err == nil && trimmed != "" && !leadingZero(trimmed) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
	})
}

// FuzzRawCheck checks validFast, the quick check of pre-encoded values,
// against the decoder's own: it never accepts what the decoder refuses, and
// accepts all the decoder accepts, but for nesting deeper than it follows.
func FuzzRawCheck(f *testing.F) {
	for _, s := range []string{benchObject, `[1,2.5e3,"x\u00e9",null,true,{}]`, ` {"a" : {"b":[ ]} } `, `007`, `"\ud83d\ude00"`,
		`{"a":1}x`, `[1,]`, "\"\xff\"", `-`, `01.5`, `1e`, `{"a" 1}`, `{"a":1,}`, `[}`, `{]`, `nul`, `[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
		`{"a":[1,{"b":null}],"c":"d"}`, `{,"a":1}`, `[,1]`, "\t[\n1\r]\n", `""`, `{"a":tru}`, `[1 2]`, `{"`, `{"a`, `{"a"`, `["`,
		`{"\ud800":1}`, `{"a\udc00b":1}`, `{"\ud83d\ude00":1}`, `1e2147483648`, `[1.5e-2147483648]`, `1e2147483647`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := jsonDecoder{data: data}
		d.skipWS()
		err := d.skipValue()
		if err == nil {
			err = d.end()
		}
		fast := validFast(data)
		if fast && err != nil {
			t.Fatalf("validFast accepted %q, which the decoder refuses: %v", data, err)
		}
		if !fast && err == nil && bytes.Count(data, []byte("["))+bytes.Count(data, []byte("{")) < 32 {
			t.Fatalf("validFast refused %q, which the decoder accepts", data)
		}
	})
}

// asFloats turns int64s into float64s, as encoding/json reads numbers.
func asFloats(v any) any {
	switch v := v.(type) {
	case int64:
		return float64(v)
	case []any:
		for i := range v {
			v[i] = asFloats(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = asFloats(v[k])
		}
	}
	return v
}

// leadingZero reports whether s has a number with a leading zero.
func leadingZero(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '0' && s[i+1] >= '0' && s[i+1] <= '9' && (i == 0 || !(s[i-1] >= '0' && s[i-1] <= '9' || s[i-1] == '.')) {
			return true
		}
	}
	return false
}

// FuzzJSONEnvelope feeds arbitrary envelopes, schemas included, through a
// reader and, when they parse, back through a writer and reader: nothing may
// panic, every failure is a DataError, and what is read is written back to
// JSON that reads the same.
func FuzzJSONEnvelope(f *testing.F) {
	f.Add([]byte(`{"schema":{"type":"struct","fields":[{"type":"map","keys":{"type":"int8"},"values":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"}},"field":"m"}]},"payload":{"m":[[1,"AQ=="]]}}`))
	f.Add([]byte(`{"payload":[1,null],"schema":{"type":"array","items":{"type":"int64","optional":true,"default":5}}}`))
	f.Add([]byte(`{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date","default":3},"payload":null}`))
	f.Add([]byte(`{"schema":{"type":"double"},"payload":"NaN"}`))
	f.Add([]byte(`{"schema":null,"payload":{"a":[1,2]}}`))
	c, err := NewJSONConverter(nil, false)
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, v, err := c.ToConnectData("t", data)
		if err != nil {
			var de *connect.DataError
			require.ErrorAs(t, err, &de)
			return
		}
		out, err := c.FromConnectData("t", s, v)
		if err != nil {
			// Kafka can read what it cannot write back, such as a Decimal
			// whose number has another scale than its schema.
			var de *connect.DataError
			require.ErrorAs(t, err, &de)
			return
		}
		s2, v2, err := c.ToConnectData("t", out)
		require.NoError(t, err, "%s", out)
		assert.Empty(t, diffSchema("schema", s, s2))
		assert.Empty(t, diffValue("value", v, v2))
	})
}

// Nesting is counted per level, so long runs of siblings are fine while
// deep nesting is refused.
func TestJSONDepthIsPerLevel(t *testing.T) {
	siblings := "[" + strings.Repeat(`{"a":[1,[]],"b":{}},[],{},`, 1500) + "[]]"
	_, v, err := newJSON(t, "schemas.enable", "false").ToConnectData("t", []byte(siblings))
	require.NoError(t, err)
	assert.Len(t, v, 4501)

	s := `{"type":"array","items":{"type":"struct","fields":[` +
		`{"type":"map","keys":{"type":"int8"},"values":{"type":"array","items":{"type":"int8"}},"field":"m"},` +
		`{"type":"map","keys":{"type":"string"},"values":{"type":"int8"},"field":"n"}]}}`
	payload := "[" + strings.Repeat(`{"m":[[1,[1]],[2,[]]],"n":{"x":1}},`, 1500) + `{"m":[],"n":{}}]`
	_, v, err = newJSON(t).ToConnectData("t", envelope(s, payload))
	require.NoError(t, err)
	assert.Len(t, v, 1501)

	deep := strings.Repeat(`{"a":`, 999) + "1" + strings.Repeat("}", 999)
	_, _, err = newJSON(t, "schemas.enable", "false").ToConnectData("t", []byte(deep))
	require.NoError(t, err)
	_, _, err = newJSON(t, "schemas.enable", "false").ToConnectData("t", []byte("["+deep+"]"))
	require.NoError(t, err)
	_, _, err = newJSON(t, "schemas.enable", "false").ToConnectData("t", []byte("[["+deep+"]]"))
	requireDataError(t, err, "nesting deeper than 1000")
}

// Schemas compare their defaults as Kafka's ConnectSchema.equals does, and
// Struct.equals compares raw values: a struct with an unset field is not
// equal to one with the field set to its default.
func TestJSONStructDefaultsEqual(t *testing.T) {
	s := connect.StructSchema("S",
		connect.Field{Name: "b", Schema: &connect.Schema{Type: connect.String, Optional: true, Default: "bee"}})
	unset, set := connect.NewStruct(s), connect.NewStruct(s).MustPut("b", "bee")
	assert.True(t, valueEqual(unset, connect.NewStruct(s)))
	assert.True(t, valueEqual(set, connect.NewStruct(s).MustPut("b", "bee")))
	assert.False(t, valueEqual(unset, set))
	withDefault := func(d *connect.Struct) *connect.Schema {
		c := s.OptionalCopy()
		c.Default = d
		return c
	}
	assert.False(t, schemaEqual(withDefault(unset), withDefault(set)))
}

func TestJSONFromConnectRawMessage(t *testing.T) {
	plain := newJSON(t, "schemas.enable", "false")
	enveloped := newJSON(t)
	for _, tc := range []struct {
		name, raw       string
		plain, envelope string
	}{
		{"object", `{"id":1,"b":[true,null],"s":"é"}`, `{"id":1,"b":[true,null],"s":"é"}`, `{"schema":null,"payload":{"id":1,"b":[true,null],"s":"é"}}`},
		{"kept verbatim", `{ "b": 2, "a": 1.50 }`, `{ "b": 2, "a": 1.50 }`, `{"schema":null,"payload":{ "b": 2, "a": 1.50 }}`},
		{"array", `[1,2]`, `[1,2]`, `{"schema":null,"payload":[1,2]}`},
		{"string", `"x"`, `"x"`, `{"schema":null,"payload":"x"}`},
		{"number", `42`, `42`, `{"schema":null,"payload":42}`},
		{"null", `null`, `null`, `{"schema":null,"payload":null}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := plain.FromConnectData("orders", nil, json.RawMessage(tc.raw))
			require.NoError(t, err)
			assert.Equal(t, tc.plain, string(got))
			got, err = enveloped.FromConnectData("orders", nil, json.RawMessage(tc.raw))
			require.NoError(t, err)
			assert.Equal(t, tc.envelope, string(got))
			assert.True(t, json.Valid(got))
			// What is written reads back as the same plain values.
			s, v, err := enveloped.ToConnectData("orders", got)
			require.NoError(t, err)
			assert.Nil(t, s)
			_, want, err := plain.ToConnectData("orders", []byte(tc.raw))
			require.NoError(t, err)
			assert.Equal(t, want, v)
		})
	}
}

func TestJSONFromConnectRawMessageErrors(t *testing.T) {
	for _, c := range []*JSONConverter{newJSON(t, "schemas.enable", "false"), newJSON(t)} {
		for _, tc := range []struct {
			name, raw, want string
		}{
			{"empty", ``, `unexpected end of JSON input at byte 0`},
			{"blank", `  `, `unexpected end of JSON input at byte 2`},
			{"truncated", `{"id":1`, `unexpected end of JSON input at byte 7`},
			{"two values", `{} {}`, `invalid character '{' after top-level value at byte 3`},
			{"not json", `id=1`, `invalid character 'i' looking for beginning of value at byte 0`},
			{"invalid utf-8, which json.Valid accepts", "\"ab\xffc\"", `invalid UTF-8 in string at byte 3`},
			{"too deep", strings.Repeat("[", maxJSONDepth+1) + strings.Repeat("]", maxJSONDepth+1), `nesting deeper than 1000`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := c.FromConnectData("orders", nil, json.RawMessage(tc.raw))
				assert.Nil(t, got)
				requireDataError(t, err, "json.RawMessage value for topic orders: "+tc.want)
			})
		}
	}
}

func TestJSONFromConnectRawMessageNeedsNilSchema(t *testing.T) {
	c := newJSON(t, "schemas.enable", "false")
	_, err := c.FromConnectData("orders", connect.BytesSchema, json.RawMessage(`{}`))
	requireDataError(t, err, "bytes schema needs a []byte, got json.RawMessage")
	// Only a top-level value is pre-encoded: nested, it is a byte slice.
	got, err := c.FromConnectData("orders", nil, map[string]any{"a": json.RawMessage(`{}`)})
	require.NoError(t, err)
	assert.Equal(t, `{"a":"e30="}`, string(got))
}

func TestRawMessageWithStringAndByteArrayConverters(t *testing.T) {
	raw := json.RawMessage(`{"a":"é"}`)
	for _, tc := range []struct {
		name string
		conv Converter
		want []byte
	}{
		{"string", mustConverter(t, StringConverterClass, nil), []byte(`{"a":"é"}`)},
		{"string in UTF-16", mustConverter(t, StringConverterClass, map[string]string{"converter.encoding": "UTF-16BE"}),
			[]byte{0, '{', 0, '"', 0, 'a', 0, '"', 0, ':', 0, '"', 0, 0xe9, 0, '"', 0, '}'}},
		{"bytearray", mustConverter(t, ByteArrayConverterClass, nil), []byte(`{"a":"é"}`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.conv.FromConnectData("orders", nil, raw)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func mustConverter(t *testing.T, class string, config map[string]string) Converter {
	t.Helper()
	c, err := New(class, config, false)
	require.NoError(t, err)
	return c
}
