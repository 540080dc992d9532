package converters

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
)

// The fidelity bugs of issue 12, one test each; the differential suite
// (differential_test.go, integration tag) checks the same against Kafka.

// U+FFFD is an ordinary character: written as UTF-8 wherever a string goes,
// never as the surrogate pair of U+10FFFD.
func TestJSONWritesReplacementCharacterAsIs(t *testing.T) {
	const r = "a\uFFFDb"
	field := connect.StructSchema("n"+r, connect.Field{Name: "f" + r, Schema: &connect.Schema{
		Type: connect.String, Optional: true, Doc: "d" + r, Default: "v" + r,
		Parameters: map[string]string{"k" + r: "p" + r}}})
	m := connect.MapSchema(connect.StringSchema, connect.StringSchema)
	s := connect.StructSchema("top", connect.Field{Name: "s", Schema: field}, connect.Field{Name: "m", Schema: m})
	st := connect.NewStruct(s)
	require.NoError(t, st.Put("s", connect.NewStruct(field)))
	require.NoError(t, st.Put("m", map[string]any{"k" + r: "x" + r}))
	out, err := newJSON(t).FromConnectData("t", s, st)
	require.NoError(t, err)
	assert.NotContains(t, strings.ToUpper(string(out)), `\UDBFF`)
	for _, want := range []string{`"name":"n` + r, `"field":"f` + r, `"doc":"d` + r, `"default":"v` + r,
		`"k` + r + `":"p` + r, `{"k` + r + `":"x` + r + `"}`} {
		assert.Contains(t, string(out), want)
	}
	plain, err := newJSON(t, "schemas.enable", "false").FromConnectData("t", nil, r)
	require.NoError(t, err)
	assert.Equal(t, `"`+r+`"`, string(plain))
}

// A lone surrogate escape survives a round trip as Kafka keeps it; in an
// object key, where Jackson refuses one, it is an error.
func TestJSONLoneSurrogates(t *testing.T) {
	plain := newJSON(t, "schemas.enable", "false")
	for _, in := range []string{`"\ud800"`, `"x\udfffy"`, `"\ude00\ud83d"`, `["\ud83dA"]`, `"\uDBFF"`} {
		_, v, err := plain.ToConnectData("t", []byte(in))
		require.NoError(t, err, in)
		out, err := plain.FromConnectData("t", nil, v)
		require.NoError(t, err)
		assert.Equal(t, strings.ToUpper(in), strings.ToUpper(string(out)), in)
	}
	for _, in := range []string{`{"\ud800":1}`, `{"a":{"x\udc00":1}}`,
		`{"schema":{"type":"int32"},"payload":1,"\ud800":2}`} {
		_, _, err := plain.ToConnectData("t", []byte(in))
		assert.ErrorContains(t, err, "surrogate", in)
	}
	// A valid pair in a key is fine.
	_, v, err := plain.ToConnectData("t", []byte(`{"\ud83d\ude00":1}`))
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"😀": int64(1)}, v)
}

// "name": "", "version": 0 and "doc": "" are metadata Kafka keeps and
// writes back.
func TestJSONKeepsEmptySchemaMetadata(t *testing.T) {
	c := newJSON(t)
	for _, in := range []string{
		`{"schema":{"type":"int32","optional":false,"name":"","version":0,"doc":""},"payload":1}`,
		`{"schema":{"type":"int32","optional":false,"name":""},"payload":1}`,
		`{"schema":{"type":"int32","optional":false,"version":0},"payload":1}`,
		`{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"doc":"","field":"a"}],"optional":false,"version":0},"payload":{"a":"x"}}`,
	} {
		s, v, err := c.ToConnectData("t", []byte(in))
		require.NoError(t, err, in)
		out, err := c.FromConnectData("t", s, v)
		require.NoError(t, err)
		assert.Equal(t, in, string(out))
	}
	// Built in Go: Set says which empty metadata is given.
	out, err := c.FromConnectData("t", &connect.Schema{Type: connect.Int8, Set: connect.DocSet}, int8(1))
	require.NoError(t, err)
	assert.Equal(t, `{"schema":{"type":"int8","optional":false,"doc":""},"payload":1}`, string(out))
	// Given and absent metadata differ, as null and "" in Kafka.
	assert.False(t, schemaEqual(&connect.Schema{Type: connect.Int8, Set: connect.NameSet}, connect.Int8Schema))
	assert.True(t, schemaEqual(&connect.Schema{Type: connect.Int8, Name: "x", Set: connect.NameSet}, &connect.Schema{Type: connect.Int8, Name: "x"}))
}

// A zero that underflows keeps its sign; a literal zero has none.
func TestJSONNegativeZeroFromUnderflow(t *testing.T) {
	c := newJSON(t)
	for in, neg := range map[string]bool{"-1e-400": true, "-0": false, "-0.0": false, "-0e-400": false, "1e-400": false, "-2.5E-350": true} {
		for _, typ := range []string{"double", "float"} {
			_, v, err := c.ToConnectData("t", []byte(`{"schema":{"type":"`+typ+`"},"payload":`+in+`}`))
			require.NoError(t, err)
			var f float64
			if typ == "float" {
				f = float64(v.(float32))
			} else {
				f = v.(float64)
			}
			assert.Equal(t, 0.0, f, in)
			assert.Equal(t, neg, math.Signbit(f), "%s as %s", in, typ)
		}
	}
	_, v, err := c.ToConnectData("t", []byte(`{"schema":{"type":"float"},"payload":-1e-50}`))
	require.NoError(t, err)
	assert.True(t, math.Signbit(float64(v.(float32))))
}

// Kafka's SchemaBuilder refuses a field without a name.
func TestJSONRejectsEmptyFieldName(t *testing.T) {
	_, _, err := newJSON(t).ToConnectData("t", []byte(`{"schema":{"type":"struct","fields":[{"type":"int32","field":""}]},"payload":{}}`))
	assert.ErrorContains(t, err, "has no name")
}

// BYTES in base64, read as Jackson's default Base64Variant reads it.
func TestJSONBase64AsJackson(t *testing.T) {
	c := newJSON(t)
	for in, want := range map[string]any{
		`"AQID"`:             []byte{1, 2, 3},
		`" AQID"`:            []byte{1, 2, 3}, // trimmed
		`"AQID\t\n"`:         []byte{1, 2, 3},
		`"AQID AQID"`:        []byte{1, 2, 3, 1, 2, 3}, // white space between units
		`"AQID\nAQ=="`:       []byte{1, 2, 3, 1},
		`"AQ==AQ=="`:         []byte{1, 1}, // concatenated padded units
		`"AQI=AQ=="`:         []byte{1, 2, 1},
		`"AR=="`:             []byte{1}, // leftover bits are ignored
		`""`:                 []byte{},
		`"  "`:               []byte{},
		`"AQ\nID"`:           nil, // white space inside a unit
		`"AQ"`:               nil, // padding is required
		`"AQI"`:              nil,
		`"AQ=x"`:             nil,
		`"A==="`:             nil,
		`"AQ=="AQ`:           nil,
		`"AQID="`:            nil,
		`"AQ-_"`:             nil, // not the URL alphabet
		`"\u00c0QID"`:        nil,
		`"AQID\u0001AQID"`:   []byte{1, 2, 3, 1, 2, 3}, // control characters count as white space
		`"AQI\u0000"`:        nil,
		`"\u0000AQID\u0000"`: []byte{1, 2, 3},
	} {
		_, v, err := c.ToConnectData("t", []byte(`{"schema":{"type":"bytes"},"payload":`+in+`}`))
		if want == nil {
			assert.Error(t, err, in)
			continue
		}
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, v, in)
		}
	}
}

// Jackson skips a UTF-8 byte-order mark before the value.
func TestJSONByteOrderMark(t *testing.T) {
	s, v, err := newJSON(t).ToConnectData("t", []byte("\xef\xbb\xbf{\"schema\":{\"type\":\"int8\"},\"payload\":3}"))
	require.NoError(t, err)
	assert.Equal(t, connect.Int8, s.Type)
	assert.Equal(t, int8(3), v)
	_, _, err = newJSON(t).ToConnectData("t", []byte("{\"schema\":null,\"payload\":\xef\xbb\xbf3}"))
	assert.Error(t, err, "only before the value")
	plain := newJSON(t, "schemas.enable", "false")
	_, v, err = plain.ToConnectData("t", []byte("\xef\xbb\xbf "))
	assert.NoError(t, err)
	assert.Nil(t, v)
	// Three bytes are too few for Jackson to look for the mark.
	_, _, err = plain.ToConnectData("t", []byte("\xef\xbb\xbf"))
	assert.Error(t, err)
}

// Java's "".getBytes(UTF_16) is empty: no byte-order mark without text.
// A lone surrogate is '?' in UTF-8 and U+FFFD in UTF-16, as Java encodes it.
func TestStringConverterEncodesAsJava(t *testing.T) {
	for enc, want := range map[string][]byte{
		"UTF-16": {}, "UTF-16BE": {}, "UTF-16LE": {}, "UTF-8": {}, "ISO-8859-1": {}, "US-ASCII": {},
	} {
		c, err := NewStringConverter(map[string]string{"converter.encoding": enc}, false)
		require.NoError(t, err)
		out, err := c.FromConnectData("t", connect.StringSchema, "")
		require.NoError(t, err)
		assert.NotNil(t, out, enc)
		assert.Equal(t, want, out, enc)
	}
	lone := "a\xed\xa0\x80b" // "a\ud800b" as the JSON reader keeps it
	for enc, want := range map[string][]byte{
		"UTF-8":      []byte("a?b"),
		"ISO-8859-1": []byte("a?b"),
		"UTF-16":     {0xfe, 0xff, 0, 'a', 0xff, 0xfd, 0, 'b'},
		"UTF-16LE":   {'a', 0, 0xfd, 0xff, 'b', 0},
	} {
		c, err := NewStringConverter(map[string]string{"converter.encoding": enc}, false)
		require.NoError(t, err)
		out, err := c.FromConnectData("t", nil, lone)
		require.NoError(t, err)
		assert.Equal(t, want, out, enc)
	}
}

// "" is an empty header value, not a null one.
func TestSimpleHeaderConverterEmptyString(t *testing.T) {
	out, err := (&SimpleHeaderConverter{}).FromConnectHeader("t", "h", connect.StringSchema, "")
	require.NoError(t, err)
	assert.NotNil(t, out)
	assert.Empty(t, out)
}

// Kafka refuses every STRUCT-typed default, matching or not (its
// SchemaBuilder compares the default's schema with itself and fails), on
// reading and on writing; defaults of arrays of structs work.
func TestJSONStructDefaults(t *testing.T) {
	c := newJSON(t)
	for _, in := range []string{
		`{"schema":{"type":"struct","fields":[{"type":"int32","field":"a"}],"default":{"a":1}},"payload":null}`,
		`{"schema":{"type":"struct","optional":true,"fields":[{"type":"int32","field":"a"}],"default":{"b":"x"}},"payload":{"a":1}}`,
	} {
		_, _, err := c.ToConnectData("t", []byte(in))
		assert.ErrorContains(t, err, "default", in)
	}
	_, v, err := c.ToConnectData("t", []byte(`{"schema":{"type":"struct","optional":true,"fields":[{"type":"int32","field":"a"}],"default":null},"payload":null}`))
	require.NoError(t, err)
	assert.Nil(t, v)
	_, v, err = c.ToConnectData("t", []byte(`{"schema":{"type":"array","items":{"type":"struct","fields":[{"type":"int32","field":"a"}]},"default":[{"a":1}]},"payload":null}`))
	require.NoError(t, err)
	assert.Len(t, v, 1)

	inner := connect.StructSchema("", connect.Field{Name: "a", Schema: connect.Int32Schema})
	def := connect.NewStruct(inner)
	require.NoError(t, def.Put("a", int32(1)))
	withDefault := &connect.Schema{Type: connect.StructType, Optional: true, Fields: inner.Fields, Default: def}
	_, err = c.FromConnectData("t", withDefault, nil)
	assert.ErrorContains(t, err, "default")
	_, err = newJSON(t, "schemas.enable", "false").FromConnectData("t", withDefault, nil)
	assert.ErrorContains(t, err, "default")
	out, err := newJSON(t, "schemas.enable", "false", "replace.null.with.default", "false").FromConnectData("t", withDefault, nil)
	require.NoError(t, err)
	assert.Equal(t, "null", string(out))
}

// Header text is read as Kafka's Values.parseString reads it (each answer
// here is Kafka 4.4.0's, from the differential test's oracle).
func TestSimpleHeaderConverterParsesAsValues(t *testing.T) {
	h := &SimpleHeaderConverter{}
	arrayOfNull := &connect.Schema{Type: connect.Array}
	for _, tc := range []struct {
		in     string
		schema *connect.Schema
		value  any
	}{
		{"[]", arrayOfNull, []any{}},
		{"[1,2,3]", connect.ArraySchema(connect.Int8Schema), []any{int8(1), int8(2), int8(3)}},
		{"[1, 2.5]", connect.ArraySchema(connect.Float32Schema), []any{float32(1), float32(2.5)}},
		{"[1, 300]", connect.ArraySchema(connect.Int16Schema), []any{int16(1), int16(300)}},
		{`[1,"a"]`, arrayOfNull, []any{int8(1), "a"}},
		{"[null]", arrayOfNull, []any{nil}},
		{`["a,b"]`, connect.ArraySchema(connect.StringSchema), []any{"a,b"}},
		{`["2024-01-02"]`, connect.ArraySchema(connect.DateSchema()), []any{time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)}},
		{"[true,false]", connect.ArraySchema(connect.BooleanSchema), []any{true, false}},
		{`{"a":1,"b":2}`, connect.MapSchema(connect.StringSchema, connect.Int8Schema), map[string]any{"a": int8(1), "b": int8(2)}},
		{`{"a":1,"b":"x"}`, &connect.Schema{Type: connect.Map, KeySchema: connect.StringSchema}, map[string]any{"a": int8(1), "b": "x"}},
		{"{1:2}", connect.MapSchema(connect.Int8Schema, connect.Int8Schema), map[any]any{int8(1): int8(2)}},
		{"{}", &connect.Schema{Type: connect.Map}, map[string]any{}},
		{"[1,2]x", connect.ArraySchema(connect.Int8Schema), []any{int8(1), int8(2)}},
		{"[1,null]", connect.StringSchema, "[1,null]"}, // null in a required element schema
		{"[1,", connect.StringSchema, "[1,"},
		{"{[1]:2}", connect.StringSchema, "{[1]:2}"}, // Go map keys cannot be slices
		{"12:30", connect.Int8Schema, int8(12)},
		{"１２", connect.Int8Schema, int8(12)},
		{"true}", connect.StringSchema, "true}"},
		{"2024-1-012", connect.DateSchema(), time.Date(2024, 1, 12, 0, 0, 0, 0, time.UTC)}, // SimpleDateFormat's field widths
		{"2024-01-1x", connect.DateSchema(), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},  // the rest ignored
		{"99:99:99.999Z", connect.TimeSchema(), time.UnixMilli(362439999).UTC()},
		{"1582-10-10", connect.StringSchema, "1582-10-10"}, // Julian in Java: left as text (documented)
	} {
		t.Run(tc.in, func(t *testing.T) {
			s, v, err := h.ToConnectHeader("t", "k", []byte(tc.in))
			require.NoError(t, err)
			assert.Empty(t, diffSchema("schema", tc.schema, s))
			assert.Empty(t, diffValue("value", tc.value, v))
		})
	}
}

// Maps with a nil key (a null key of an optional key schema, as the reader
// makes them) or NaN keys are written, in one order, without panicking.
func TestJSONWritesNilAndNaNMapKeys(t *testing.T) {
	s := connect.MapSchema(connect.OptionalFloat64Schema, connect.Int8Schema)
	c := newJSON(t, "schemas.enable", "false")
	_, v, err := newJSON(t).ToConnectData("t", []byte(`{"schema":{"type":"map","keys":{"type":"double","optional":true},"values":{"type":"int8"}},"payload":[[null,1],["NaN",2],[1.5,3]]}`))
	require.NoError(t, err)
	out, err := c.FromConnectData("t", s, v)
	require.NoError(t, err)
	assert.Equal(t, `[[null,1],["NaN",2],[1.5,3]]`, string(out))
	m := map[any]any{math.NaN(): int8(1), 2.0: int8(2), math.Inf(-1): int8(3)}
	out, err = c.FromConnectData("t", s, m)
	require.NoError(t, err)
	assert.Equal(t, `[["NaN",1],["-Infinity",3],[2.0,2]]`, string(out))
}

// Jackson reads JSON in UTF-16 and UTF-32 too, which it detects from the
// first bytes (a byte-order mark, or zero bytes), and so Kafka does.
func TestJSONDetectsUTF16AndUTF32(t *testing.T) {
	plain := newJSON(t, "schemas.enable", "false")
	for in, want := range map[string]any{
		"\x00[\x001\x00]":                              []any{int64(1)},
		"[\x001\x00]\x00":                              []any{int64(1)},
		"\xfe\xff\x00\"\x00\xe9\x00\"":                 "é",
		"\xff\xfe\"\x00\xe9\x00\"\x00":                 "é",
		"\x00\x00\x00\"\x00\x01\xf6\x00\x00\x00\x00\"": "😀",
		"\"\x00\x00\x00\x00\xd8\x00\x00\"\x00\x00\x00": "\xed\xa0\x80",
		"\x00 ": nil, // a space in UTF-16: no content
	} {
		_, v, err := plain.ToConnectData("t", []byte(in))
		if assert.NoError(t, err, "%q", in) {
			assert.Equal(t, want, v, "%q", in)
		}
	}
	_, v, err := plain.ToConnectData("t", []byte("\x00\x00\xfe\xff")) // a UTF-32 mark alone
	assert.NoError(t, err)
	assert.Nil(t, v)
	for _, in := range []string{"\x00\x00\x00\"\x00\x11\x00\x00", "\x00\x00\x00[", "\xfe\xff\x00\"\xd8\x00\x00\""} {
		_, _, err := plain.ToConnectData("t", []byte(in))
		assert.Error(t, err, "%q", in)
	}
}

// FuzzSimpleHeaderConverter checks that any header text reads without a
// panic into a value the converter can write back.
func FuzzSimpleHeaderConverter(f *testing.F) {
	for _, s := range []string{"", "null", "[1,2]", `{"a":[1,2.5]}`, "{1:2,3:null}", `["2024-01-02",12:30:00.000Z]`, "[[1],[\"a\"]]",
		"{{}:1}", `\`, `"\"`, "1,2", "2024-13-45", "99:99:99.999Z", "[1,", "{a:}", "１２", "[NaN]", "{1:1,1.0:2}"} {
		f.Add([]byte(s))
	}
	h := &SimpleHeaderConverter{}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, v, err := h.ToConnectHeader("t", "k", data)
		if err != nil {
			t.Fatalf("%q: %v", data, err)
		}
		if _, err := h.FromConnectHeader("t", "k", s, v); err != nil {
			t.Fatalf("%q read as %v, which does not write back: %v", data, v, err)
		}
	})
}

// Nesting deeper than 1,000 arrays or maps keeps the header as BYTES, as
// Kafka does when its recursive parser overflows the stack; time and memory
// stay bounded.
func TestSimpleHeaderConverterDeepNesting(t *testing.T) {
	h := &SimpleHeaderConverter{}
	deep := []byte(strings.Repeat("[", 100000) + strings.Repeat("]", 100000))
	s, v, err := h.ToConnectHeader("t", "k", deep)
	require.NoError(t, err)
	assert.Equal(t, connect.BytesSchema, s)
	assert.Equal(t, deep, v)
	s, _, err = h.ToConnectHeader("t", "k", []byte(strings.Repeat("[", 500)+strings.Repeat("]", 500)))
	require.NoError(t, err)
	assert.Equal(t, connect.Array, s.Type)
}
