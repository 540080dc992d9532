package converters

import (
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
)

func TestNewByClassAndAlias(t *testing.T) {
	for _, tc := range []struct {
		classes []string
		want    any
	}{
		{[]string{StringConverterClass, "StringConverter", "string", " string "}, &StringConverter{}},
		{[]string{ByteArrayConverterClass, "ByteArrayConverter", "bytearray"}, &ByteArrayConverter{}},
		{[]string{JSONConverterClass, "JsonConverter", "json"}, &JSONConverter{}},
	} {
		for _, class := range tc.classes {
			c, err := New(class, nil, true)
			require.NoError(t, err, class)
			assert.IsType(t, tc.want, c, class)
			h, err := NewHeaderConverter(class, nil)
			require.NoError(t, err, class)
			assert.IsType(t, tc.want, h, class)
		}
	}
	for _, class := range []string{SimpleHeaderConverterClass, "SimpleHeaderConverter", "simple"} {
		h, err := NewHeaderConverter(class, nil)
		require.NoError(t, err)
		assert.IsType(t, &SimpleHeaderConverter{}, h)
		_, err = New(class, nil, false)
		assert.EqualError(t, err, "converters: "+class+" is a header converter only")
	}
	_, err := New("org.apache.kafka.connect.converters.LongConverter", nil, false)
	assert.EqualError(t, err, `converters: unknown converter class "org.apache.kafka.connect.converters.LongConverter"`)
	_, err = NewHeaderConverter("JSON", nil)
	assert.EqualError(t, err, `converters: unknown converter class "JSON"`)
}

func TestConfigErrors(t *testing.T) {
	const encodings = "not a supported encoding (UTF-8, ISO-8859-1, US-ASCII, UTF-16, UTF-16BE, UTF-16LE)"
	for _, tc := range []struct {
		name   string
		class  string
		config map[string]string
		keys   []string // every key named, in definition order
		want   string
	}{
		{"boolean", "json", map[string]string{"schemas.enable": "maybe"}, []string{"schemas.enable"},
			`converters: JsonConverter: invalid configuration: schemas.enable: invalid value "maybe": expected true or false`},
		{"all at once", "json", map[string]string{"decimal.format": "hex", "schemas.cache.size": "lots", "replace.null.with.default": "1"},
			[]string{"schemas.cache.size", "decimal.format", "replace.null.with.default"},
			`converters: JsonConverter: invalid configuration: schemas.cache.size: invalid value "lots": not a number of type int; ` +
				`decimal.format: invalid value "hex": must be one of [BASE64 NUMERIC] (case-insensitive); ` +
				`replace.null.with.default: invalid value "1": expected true or false`},
		{"json converter.type", "json", map[string]string{"converter.type": "body"}, []string{"converter.type"},
			`converters: JsonConverter: invalid configuration: converter.type: invalid value "body": must be one of [key value header]`},
		{"encoding", "string", map[string]string{"converter.encoding": "EBCDIC"}, []string{"converter.encoding"},
			`converters: StringConverter: invalid configuration: converter.encoding: invalid value "EBCDIC": ` + encodings},
		{"override", "string", map[string]string{"key.serializer.encoding": "UTF-7"}, []string{"key.serializer.encoding"},
			`converters: StringConverter: invalid configuration: key.serializer.encoding: invalid value "UTF-7": ` + encodings},
		// Stricter than Kafka, which never looks at a name an override hides.
		{"hidden names", "string", map[string]string{
			"converter.encoding": "UTF-7", "key.serializer.encoding": "UTF-8", "key.deserializer.encoding": "UTF-8",
			"value.deserializer.encoding": "",
		}, []string{"converter.encoding", "value.deserializer.encoding"},
			`converters: StringConverter: invalid configuration: converter.encoding: invalid value "UTF-7": ` + encodings +
				`; value.deserializer.encoding: invalid value "": ` + encodings},
		{"bytearray converter.type", "bytearray", map[string]string{"converter.type": "nope"}, []string{"converter.type"},
			`converters: ByteArrayConverter: invalid configuration: converter.type: invalid value "nope": must be one of [key value header]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.class, tc.config, true)
			assert.EqualError(t, err, tc.want)
			var ce *connect.ConfigError
			require.ErrorAs(t, err, &ce)
			var keys []string
			for _, p := range ce.Problems {
				keys = append(keys, p.Key)
			}
			assert.Equal(t, tc.keys, keys)

			// The exported definition rejects the same settings.
			def := map[string]func() *connect.ConfigDef{
				"json": JSONConverterConfigDef, "string": StringConverterConfigDef, "bytearray": ByteArrayConverterConfigDef,
			}[tc.class]
			_, err = def().Parse(tc.config)
			require.ErrorAs(t, err, &ce)
			assert.Len(t, ce.Problems, len(tc.keys))
		})
	}
}

// The definitions keep Kafka's names and defaults, and every key has a doc.
func TestConfigDefs(t *testing.T) {
	for _, tc := range []struct {
		name     string
		def      *connect.ConfigDef
		defaults map[string]any
	}{
		{"json", JSONConverterConfigDef(), map[string]any{
			"converter.type": connect.NullDefault, "schemas.enable": true, "schemas.cache.size": 1000,
			"decimal.format": "BASE64", "replace.null.with.default": true,
		}},
		{"string", StringConverterConfigDef(), map[string]any{
			"converter.type": connect.NullDefault, "converter.encoding": "UTF-8",
			"key.serializer.encoding": connect.NullDefault, "key.deserializer.encoding": connect.NullDefault,
			"value.serializer.encoding": connect.NullDefault, "value.deserializer.encoding": connect.NullDefault,
		}},
		{"bytearray", ByteArrayConverterConfigDef(), map[string]any{"converter.type": connect.NullDefault}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys := tc.def.Keys()
			require.Len(t, keys, len(tc.defaults))
			for _, k := range keys {
				want, ok := tc.defaults[k.Name]
				require.True(t, ok, "unexpected key %s", k.Name)
				assert.Equal(t, want, k.Default, k.Name)
				assert.NotEmpty(t, k.Doc, k.Name)
				assert.NotZero(t, k.Importance, k.Name)
			}
			_, err := tc.def.Parse(nil)
			assert.NoError(t, err, "every key has a default")
		})
	}
	// Each call returns a definition of its own, for callers to extend.
	JSONConverterConfigDef().Define(connect.ConfigKey{Name: "extra", Type: connect.ConfigString, Default: ""})
	_, ok := JSONConverterConfigDef().Key("extra")
	assert.False(t, ok)
}

func TestConfigAccepted(t *testing.T) {
	c, err := NewJSONConverter(map[string]string{
		"schemas.enable": " FALSE ", "decimal.format": "numeric", "replace.null.with.default": "True",
		"schemas.cache.size": "-1", "converter.type": "value", "unknown.key": "ignored",
	}, false)
	require.NoError(t, err)
	assert.False(t, c.schemasEnable)
	assert.True(t, c.decimalNumeric)
	assert.True(t, c.replaceNull)
	out, err := c.FromConnectData("t", connect.DecimalSchema(1), connect.Decimal{Unscaled: big.NewInt(15), Scale: 1})
	require.NoError(t, err)
	assert.Equal(t, "1.5", string(out))

	s, err := NewStringConverter(map[string]string{"converter.encoding": "latin1"}, true)
	require.NoError(t, err)
	assert.Equal(t, "ISO-8859-1", s.enc.name)
}

func TestByteArrayConverter(t *testing.T) {
	c, err := NewByteArrayConverter(map[string]string{"anything": "goes"})
	require.NoError(t, err)
	in := []byte("payload")
	s, v, err := c.ToConnectData("t", in)
	require.NoError(t, err)
	assert.Same(t, connect.OptionalBytesSchema, s)
	assert.Same(t, &in[0], &v.([]byte)[0], "no copy")

	s, v, err = c.ToConnectData("t", nil)
	require.NoError(t, err)
	assert.Same(t, connect.OptionalBytesSchema, s)
	assert.Nil(t, v)

	out, err := c.FromConnectData("t", connect.BytesSchema, in)
	require.NoError(t, err)
	assert.Same(t, &in[0], &out[0])
	out, err = c.FromConnectData("t", nil, nil)
	require.NoError(t, err)
	assert.Nil(t, out)

	_, err = c.FromConnectData("t", connect.StringSchema, "x")
	requireDataError(t, err, "bytearray: invalid schema type string for ByteArrayConverter")
	_, err = c.FromConnectData("t", nil, "x")
	requireDataError(t, err, "bytearray: ByteArrayConverter is not compatible with values of type string")

	var h HeaderConverter = c
	out, err = h.FromConnectHeader("t", "k", nil, []byte{1})
	require.NoError(t, err)
	assert.Equal(t, []byte{1}, out)
	_, v, err = h.ToConnectHeader("t", "k", out)
	require.NoError(t, err)
	assert.Equal(t, []byte{1}, v)
}

func TestStringConverter(t *testing.T) {
	c, err := NewStringConverter(nil, false)
	require.NoError(t, err)
	s := connect.StructSchema("S",
		connect.Field{Name: "a", Schema: connect.Int32Schema},
		connect.Field{Name: "b", Schema: connect.OptionalStringSchema},
		connect.Field{Name: "c", Schema: &connect.Schema{Type: connect.String, Optional: true, Default: "dflt"}})
	for _, tc := range []struct {
		value any
		want  string
	}{
		{"text", "text"},
		{[]byte{0xff, 'a'}, "\xffa"},
		{int8(-1), "-1"},
		{uint64(18446744073709551615), "18446744073709551615"},
		{float32(0.1), "0.1"},
		{1e7, "1.0E7"},
		{9999999.0, "9999999.0"},
		{0.001, "0.001"},
		{0.0001, "1.0E-4"},
		{true, "true"},
		{[]any{int64(1), nil, []any{"x"}, map[string]any{"k": 1.5}}, "[1, null, [x], {k=1.5}]"},
		{map[any]any{int32(2): "b", int32(1): "a"}, "{1=a, 2=b}"},
		{connect.NewStruct(s).MustPut("a", int32(1)), "Struct{a=1}"}, // unset c: Java prints raw values
		{connect.NewStruct(s).MustPut("a", int32(1)).MustPut("c", "x"), "Struct{a=1,c=x}"},
		{connect.Decimal{Unscaled: big.NewInt(-5), Scale: 2}, "-0.05"},
		{big.NewInt(12), "12"},
		{time.Date(2024, 2, 29, 13, 4, 5, 0, time.FixedZone("X", 3600)), "Thu Feb 29 12:04:05 UTC 2024"},
		{struct{ A int }{1}, "{1}"},
	} {
		out, err := c.FromConnectData("t", nil, tc.value)
		require.NoError(t, err)
		assert.Equal(t, tc.want, string(out), "%#v", tc.value)
	}
	out, err := c.FromConnectData("t", connect.StringSchema, nil)
	require.NoError(t, err)
	assert.Nil(t, out)

	// Kafka's serializer-level settings win, chosen by isKey.
	k, err := NewStringConverter(map[string]string{
		"converter.encoding": "UTF-16", "key.serializer.encoding": "US-ASCII", "value.serializer.encoding": "latin1",
	}, true)
	require.NoError(t, err)
	out, err = k.FromConnectData("t", nil, "é")
	require.NoError(t, err)
	assert.Equal(t, []byte("?"), out)
	_, v, err := k.ToConnectData("t", []byte{0xfe, 0xff, 0, 'a'})
	require.NoError(t, err)
	assert.Equal(t, "a", v)

	var h HeaderConverter = c
	out, err = h.FromConnectHeader("t", "k", nil, int16(5))
	require.NoError(t, err)
	schema, v, err := h.ToConnectHeader("t", "k", out)
	require.NoError(t, err)
	assert.Same(t, connect.OptionalStringSchema, schema)
	assert.Equal(t, "5", v)
}

func TestCharsets(t *testing.T) {
	for _, tc := range []struct {
		charset string
		in      []byte
		want    string
	}{
		{"UTF-8", []byte("ok"), "ok"},
		{"UTF-8", []byte{0xe0, 0x80, 0x80}, "\uFFFD\uFFFD\uFFFD"}, // overlong
		{"UTF-8", []byte{0xed, 0xa0, 0x80, 'x'}, "\uFFFDx"},       // encoded surrogate: one replacement
		{"UTF-8", []byte{0xed, 0xa0}, "\uFFFD"},                   // truncated at the end
		{"UTF-8", []byte{0xf0, 0x9f, 0x98, 'x'}, "\uFFFDx"},       // truncated 4-byte sequence
		{"UTF-8", []byte{0xf0, 0x9f, 'x'}, "\uFFFDx"},             //
		{"UTF-8", []byte{0xc2}, "\uFFFD"},                         //
		{"ISO-8859-1", []byte{0xe9, 0x80}, "é\u0080"},             //
		{"US-ASCII", []byte{'a', 0x80}, "a\uFFFD"},                //
		{"UTF-16", []byte{0xff, 0xfe, 'a', 0}, "a"},               // little-endian mark
		{"UTF-16", []byte{0, 'a', 0xd8}, "a\uFFFD"},               // odd length
		{"UTF-16LE", []byte{0x3d, 0xd8, 0x00, 0xde}, "😀"},         //
		{"UTF-16BE", []byte{0xd8, 0x3d}, "\uFFFD"},                // high surrogate at the end
		{"UTF-16BE", []byte{0xdc, 0x00, 0, 'b'}, "\uFFFDb"},       // lone low surrogate
	} {
		cs, ok := lookupCharset(tc.charset)
		require.True(t, ok)
		assert.Equal(t, tc.want, cs.decode(tc.in), "%s %x", tc.charset, tc.in)
	}
	cs, _ := lookupCharset("utf-16le")
	assert.Equal(t, []byte{0x3d, 0xd8, 0x00, 0xde, 'a', 0}, cs.encode("😀a"))
	cs, _ = lookupCharset("ascii")
	assert.Equal(t, []byte("a??"), cs.encode("a😀\xff"))
}

func TestSimpleHeaderConverter(t *testing.T) {
	h := &SimpleHeaderConverter{}
	for _, tc := range []struct {
		in     string
		schema *connect.Schema
		value  any
	}{
		{"", connect.StringSchema, ""},
		{" \t", connect.StringSchema, " \t"},
		{"null", nil, nil},
		{" true\n", connect.BooleanSchema, true},
		{"True", connect.StringSchema, "True"},
		{"-128", connect.Int8Schema, int8(-128)},
		{"+32767", connect.Int16Schema, int16(32767)},
		{"2e9", connect.Int32Schema, int32(2000000000)},
		{"-9223372036854775808", connect.Int64Schema, int64(-9223372036854775808)},
		{"9223372036854775808", connect.DecimalSchema(0), connect.Decimal{Unscaled: new(big.Int).Lsh(big.NewInt(1), 63)}},
		{"0.5", connect.Float32Schema, float32(0.5)},
		{"1e-50", connect.Float32Schema, float32(0)},
		{"1e300", connect.Float64Schema, 1e300},
		{"1.", connect.Int8Schema, int8(1)},
		{"+.5", connect.Float32Schema, float32(0.5)},
		{".5", connect.StringSchema, ".5"},
		{"1e", connect.StringSchema, "1e"},
		{"--1", connect.StringSchema, "--1"},
		{"2024-02-29", connect.DateSchema(), time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"2023-02-29", connect.DateSchema(), time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)}, // lenient, as SimpleDateFormat
		{"23:59:59.999Z", connect.TimeSchema(), time.UnixMilli(86399999).UTC()},
		{`12\:34\:56.789Z`, connect.TimeSchema(), time.UnixMilli(45296789).UTC()},
		{"24:00:00.000Z", connect.TimeSchema(), time.UnixMilli(86400000).UTC()},
		{"1970-01-01T00:00:00.001Z", connect.TimestampSchema(), time.UnixMilli(1).UTC()},
		{"[1,2]", connect.ArraySchema(connect.Int8Schema), []any{int8(1), int8(2)}},
		{"[1,2", connect.StringSchema, "[1,2"},
		{`{"a":1,"b":2.5}`, connect.MapSchema(connect.StringSchema, connect.Float32Schema), map[string]any{"a": float32(1), "b": float32(2.5)}},
		{"1,2", connect.Int8Schema, int8(1)}, // the first token, as Kafka
	} {
		t.Run(tc.in, func(t *testing.T) {
			s, v, err := h.ToConnectHeader("t", "k", []byte(tc.in))
			require.NoError(t, err)
			assert.Empty(t, diffSchema("schema", tc.schema, s))
			assert.Empty(t, diffValue("value", tc.value, v))
		})
	}

	s, v, err := h.ToConnectHeader("t", "k", nil)
	require.NoError(t, err)
	assert.Nil(t, s)
	assert.Nil(t, v)

	out, err := h.FromConnectHeader("t", "k", nil, map[any]any{int8(2): []byte("b"), int8(1): "a\"\\"})
	require.NoError(t, err)
	assert.Equal(t, `{1:"a\"\\",2:"Yg=="}`, string(out))
	out, err = h.FromConnectHeader("t", "k", nil, nil)
	require.NoError(t, err)
	assert.Nil(t, out)
	_, err = h.FromConnectHeader("t", "trace-id", nil, []any{struct{}{}})
	requireDataError(t, err, `header "trace-id": cannot write a struct {} as a header value`)
}
