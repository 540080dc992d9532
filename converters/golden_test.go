package converters

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
)

// A vector is one call of one of Kafka's converters, recorded by
// testdata/golden/GenJsonGolden.java; that file documents the format.
type vector struct {
	Name      string            `json:"name"`
	Converter string            `json:"converter"`
	Op        string            `json:"op"`
	Config    map[string]string `json:"config"`
	Schema    json.RawMessage   `json:"schema"`
	Value     json.RawMessage   `json:"value"`
	Base64    *string           `json:"base64"`
	Text      *string           `json:"text"`
	Error     string            `json:"error"`
}

func loadVectors(t *testing.T, file string) []vector {
	t.Helper()
	data, err := os.ReadFile("testdata/golden/" + file)
	require.NoError(t, err)
	var vs []vector
	require.NoError(t, json.Unmarshal(data, &vs))
	require.NotEmpty(t, vs)
	return vs
}

// Where connectkit deliberately differs from Kafka (4.4.0), by vector name.
var (
	// Java 17's Double.toString and Float.toString sometimes print more
	// digits than needed; Java 19+ and this package print the shortest
	// digits that round trip. The numbers are the same.
	javaDigits = map[string]bool{}

	// Kafka silently coerces or truncates these; connectkit reports a
	// DataError so the record goes to the dead-letter queue intact.
	stricter = map[string]string{
		"read/int64_overflow@plain":   "overflows int64",
		"read/trailing_garbage@plain": "after top-level value",
		"read/trailing_value@plain":   "after top-level value",
		"read/trailing_bracket@plain": "after top-level value",
		"read/default_wrong_type@env": "default",
		"read/int32_from_float@env":   "needs an integer",
		"read/int32_from_string@env":  "needs a JSON number, found string",
		"read/int8_overflow@env":      "300 overflows int8",
		"read/int32_overflow@env":     "3000000000 overflows int32",
		"read/int64_overflow@env":     "overflows int64",
		"read/boolean_from_int@env":   "needs a JSON boolean, found number",
		"read/string_from_int@env":    "needs a JSON string, found number",
		"read/array_from_object@env":  "needs a JSON array, found object",
	}

	// Kafka writes NaN and infinities as strings but reads them back as 0;
	// connectkit reads back what was written.
	nonFinite = map[string]bool{}
)

func init() {
	for _, n := range []string{"float32_6", "float64_15", "float64_24", "float64_25"} {
		javaDigits[n+"@env"] = true
		javaDigits[n+"@plain"] = true
	}
	for _, n := range []string{"float32_15", "float32_16", "float32_17", "float64_28", "float64_29", "float64_30"} {
		nonFinite[n+"@env/read"] = true
	}
	nonFinite["read/float64_from_string_nan@env"] = true
}

func TestGoldenJSON(t *testing.T) {
	runVectors(t, loadVectors(t, "json_vectors.json"))
}

func TestGoldenStringAndHeader(t *testing.T) {
	runVectors(t, loadVectors(t, "string_header_vectors.json"))
}

func runVectors(t *testing.T, vs []vector) {
	seen := map[string]bool{}
	for _, v := range vs {
		require.False(t, seen[v.Name], "duplicate vector %s", v.Name)
		seen[v.Name] = true
		t.Run(v.Name, func(t *testing.T) {
			switch v.Op {
			case "fromConnect":
				checkFromConnect(t, v)
			case "toConnect":
				checkToConnect(t, v)
			default:
				t.Fatalf("unknown op %q", v.Op)
			}
		})
	}
}

func TestGoldenExceptionsExist(t *testing.T) {
	names := map[string]bool{}
	for _, f := range []string{"json_vectors.json", "string_header_vectors.json"} {
		for _, v := range loadVectors(t, f) {
			names[v.Name] = true
		}
	}
	for _, m := range []map[string]bool{javaDigits, nonFinite} {
		for name := range m {
			assert.True(t, names[name], "no vector %s", name)
		}
	}
	for name := range stricter {
		assert.True(t, names[name], "no vector %s", name)
	}
}

func checkFromConnect(t *testing.T, v vector) {
	schema := buildSchema(t, v.Schema)
	value := buildValue(t, schema, v.Value)
	var out []byte
	var err error
	switch v.Converter {
	case "json":
		c, cerr := NewJSONConverter(v.Config, false)
		require.NoError(t, cerr)
		out, err = c.FromConnectData("topic", schema, value)
	case "string":
		c, cerr := NewStringConverter(v.Config, false)
		require.NoError(t, cerr)
		out, err = c.FromConnectData("topic", schema, value)
	case "header":
		out, err = (&SimpleHeaderConverter{}).FromConnectHeader("topic", "h", schema, value)
	}
	if _, ok := stricter[v.Name]; ok {
		t.Skip("known difference from Kafka, tested elsewhere")
	}
	if v.Error != "" {
		var de *connect.DataError
		require.ErrorAs(t, err, &de, "Kafka failed with %s", v.Error)
		return
	}
	require.NoError(t, err)
	if v.Base64 == nil {
		assert.Nil(t, out)
		return
	}
	want, err := base64.StdEncoding.DecodeString(*v.Base64)
	require.NoError(t, err)
	if javaDigits[v.Name] {
		// Same JSON, same numbers; ours is the shorter spelling.
		bits := 64
		if schema.Type == connect.Float32 {
			bits = 32
		}
		assert.Equal(t, numbersAs(t, want, bits), numbersAs(t, out, bits))
		assert.Less(t, len(out), len(want))
		return
	}
	assert.Equal(t, string(want), string(out))
	assert.Equal(t, want, out)
}

// numbersAs decodes JSON with its numbers rounded to floats of the given
// size.
func numbersAs(t *testing.T, data []byte, bits int) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v))
	var walk func(any) any
	walk = func(v any) any {
		switch v := v.(type) {
		case json.Number:
			f, err := strconv.ParseFloat(string(v), bits)
			require.NoError(t, err)
			return f
		case map[string]any:
			for k, x := range v {
				v[k] = walk(x)
			}
		}
		return v
	}
	return walk(v)
}

func checkToConnect(t *testing.T, v vector) {
	var in []byte
	if v.Base64 != nil {
		var err error
		in, err = base64.StdEncoding.DecodeString(*v.Base64)
		require.NoError(t, err)
		if in == nil {
			in = []byte{}
		}
	}
	var (
		schema *connect.Schema
		value  any
		err    error
	)
	switch v.Converter {
	case "json":
		c, cerr := NewJSONConverter(v.Config, false)
		require.NoError(t, cerr)
		schema, value, err = c.ToConnectData("topic", in)
	case "string":
		c, cerr := NewStringConverter(v.Config, false)
		require.NoError(t, cerr)
		schema, value, err = c.ToConnectData("topic", in)
	case "header":
		schema, value, err = (&SimpleHeaderConverter{}).ToConnectHeader("topic", "h", in)
	}
	if want, ok := stricter[v.Name]; ok {
		if v.Converter == "header" {
			require.NoError(t, err)
			assert.Equal(t, connect.StringSchema, schema)
			assert.Equal(t, decodeUTF8(in), value, "read as the original text")
			return
		}
		var de *connect.DataError
		require.ErrorAs(t, err, &de, "Kafka returned %s", v.Value)
		assert.Contains(t, err.Error(), want)
		return
	}
	if v.Error != "" {
		var de *connect.DataError
		require.ErrorAs(t, err, &de, "Kafka failed with %s", v.Error)
		return
	}
	require.NoError(t, err)
	wantSchema := buildSchema(t, v.Schema)
	wantValue := buildValue(t, wantSchema, v.Value)
	if nonFinite[v.Name] {
		var w float64
		switch {
		case bytes.Contains(in, []byte(`"NaN"`)):
			w = math.NaN()
		case bytes.Contains(in, []byte(`"-Infinity"`)):
			w = math.Inf(-1)
		default:
			w = math.Inf(1)
		}
		if wantSchema.Type == connect.Float32 {
			wantValue = float32(w)
		} else {
			wantValue = w
		}
	}
	if d := diffSchema("schema", wantSchema, schema); d != "" {
		t.Error(d)
	}
	if d := diffValue("value", wantValue, value); d != "" {
		t.Error(d)
	}
}

// ---- Building Go values from the vectors' dumps -------------------------------

type schemaDump struct {
	Type       string          `json:"type"`
	Optional   bool            `json:"optional"`
	Name       string          `json:"name"`
	Version    int             `json:"version"`
	Doc        string          `json:"doc"`
	Parameters [][2]string     `json:"parameters"`
	Key        json.RawMessage `json:"key"`
	Value      json.RawMessage `json:"value"`
	Fields     []struct {
		Name   string          `json:"name"`
		Schema json.RawMessage `json:"schema"`
	} `json:"fields"`
	Default json.RawMessage `json:"default"`
}

func isNull(raw json.RawMessage) bool { return len(raw) == 0 || string(raw) == "null" }

func buildSchema(t *testing.T, raw json.RawMessage) *connect.Schema {
	t.Helper()
	if isNull(raw) {
		return nil
	}
	var d schemaDump
	require.NoError(t, json.Unmarshal(raw, &d))
	typ, ok := connect.ParseType(d.Type)
	require.True(t, ok, "type %q", d.Type)
	s := &connect.Schema{Type: typ, Optional: d.Optional, Name: d.Name, Version: d.Version, Doc: d.Doc}
	if d.Parameters != nil {
		s.Parameters = map[string]string{}
		for _, p := range d.Parameters {
			s.Parameters[p[0]] = p[1]
		}
	}
	s.KeySchema = buildSchema(t, d.Key)
	s.ValueSchema = buildSchema(t, d.Value)
	if typ == connect.StructType {
		s.Fields = []connect.Field{}
		for i, f := range d.Fields {
			s.Fields = append(s.Fields, connect.Field{Name: f.Name, Index: i, Schema: buildSchema(t, f.Schema)})
		}
	}
	if !isNull(d.Default) {
		s.Default = buildValue(t, s, d.Default)
	}
	return s
}

func buildValue(t *testing.T, s *connect.Schema, raw json.RawMessage) any {
	t.Helper()
	if isNull(raw) {
		return nil
	}
	var d map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &d))
	require.Len(t, d, 1, "%s", raw)
	for k, body := range d {
		var str string
		_ = json.Unmarshal(body, &str)
		switch k {
		case "int8", "int16", "int32":
			n, err := strconv.ParseInt(string(body), 10, 32)
			require.NoError(t, err)
			switch k {
			case "int8":
				return int8(n)
			case "int16":
				return int16(n)
			}
			return int32(n)
		case "int64":
			n, err := strconv.ParseInt(str, 10, 64)
			require.NoError(t, err)
			return n
		case "float32":
			return float32(javaFloat(t, str, 32))
		case "float64":
			return javaFloat(t, str, 64)
		case "boolean":
			return string(body) == "true"
		case "string":
			return str
		case "bytes":
			b, err := base64.StdEncoding.DecodeString(str)
			require.NoError(t, err)
			return b
		case "decimal":
			var dec struct {
				Unscaled string `json:"unscaled"`
				Scale    int32  `json:"scale"`
			}
			require.NoError(t, json.Unmarshal(body, &dec))
			u, ok := new(big.Int).SetString(dec.Unscaled, 10)
			require.True(t, ok)
			return connect.Decimal{Unscaled: u, Scale: dec.Scale}
		case "datetime":
			ms, err := strconv.ParseInt(str, 10, 64)
			require.NoError(t, err)
			return time.UnixMilli(ms).UTC()
		case "array":
			var elems []json.RawMessage
			require.NoError(t, json.Unmarshal(body, &elems))
			var es *connect.Schema
			if s != nil {
				es = s.ValueSchema
			}
			out := make([]any, len(elems))
			for i, e := range elems {
				out[i] = buildValue(t, es, e)
			}
			return out
		case "map":
			var pairs [][2]json.RawMessage
			require.NoError(t, json.Unmarshal(body, &pairs))
			var ks, vs *connect.Schema
			if s != nil {
				ks, vs = s.KeySchema, s.ValueSchema
			}
			stringKeys := ks != nil && ks.Type == connect.String
			if ks == nil {
				stringKeys = true
				for _, p := range pairs {
					if _, ok := buildValue(t, nil, p[0]).(string); !ok {
						stringKeys = false
					}
				}
			}
			if stringKeys {
				m := map[string]any{}
				for _, p := range pairs {
					m[buildValue(t, ks, p[0]).(string)] = buildValue(t, vs, p[1])
				}
				return m
			}
			m := map[any]any{}
			for _, p := range pairs {
				m[buildValue(t, ks, p[0])] = buildValue(t, vs, p[1])
			}
			return m
		case "struct":
			var fields [][2]json.RawMessage
			require.NoError(t, json.Unmarshal(body, &fields))
			if s == nil || s.Type != connect.StructType || len(fields) != len(s.Fields) {
				// A struct given without (or with the wrong) schema: any
				// schema of its own will do.
				own := &connect.Schema{Type: connect.StructType, Name: "adhoc", Fields: []connect.Field{}}
				for i := range fields {
					var name string
					require.NoError(t, json.Unmarshal(fields[i][0], &name))
					own.Fields = append(own.Fields, connect.Field{Name: name, Index: i, Schema: connect.OptionalInt32Schema})
				}
				s = own
			}
			st := connect.NewStruct(s)
			for _, f := range fields {
				var name string
				require.NoError(t, json.Unmarshal(f[0], &name))
				if fv := buildValue(t, s.Field(name).Schema, f[1]); fv != nil {
					st.MustPut(name, fv)
				}
			}
			return st
		}
		t.Fatalf("unknown value dump %s", raw)
	}
	return nil
}

func javaFloat(t *testing.T, s string, bits int) float64 {
	switch s {
	case "NaN":
		return math.NaN()
	case "Infinity":
		return math.Inf(1)
	case "-Infinity":
		return math.Inf(-1)
	}
	f, err := strconv.ParseFloat(s, bits)
	require.NoError(t, err)
	return f
}

// ---- Comparing connect values --------------------------------------------------

func diffSchema(path string, want, got *connect.Schema) string {
	switch {
	case want == nil && got == nil:
		return ""
	case want == nil || got == nil:
		return fmt.Sprintf("%s: want %v, got %v", path, want, got)
	}
	if want.Type != got.Type || want.Optional != got.Optional || want.Name != got.Name ||
		want.Version != got.Version || want.Doc != got.Doc {
		return fmt.Sprintf("%s: want %+v, got %+v", path, *want, *got)
	}
	if len(want.Parameters) != len(got.Parameters) || (len(want.Parameters) > 0 && !reflect.DeepEqual(want.Parameters, got.Parameters)) {
		return fmt.Sprintf("%s.parameters: want %v, got %v", path, want.Parameters, got.Parameters)
	}
	if d := diffSchema(path+".key", want.KeySchema, got.KeySchema); d != "" {
		return d
	}
	if d := diffSchema(path+".value", want.ValueSchema, got.ValueSchema); d != "" {
		return d
	}
	if len(want.Fields) != len(got.Fields) {
		return fmt.Sprintf("%s: want %d fields, got %d", path, len(want.Fields), len(got.Fields))
	}
	for i := range want.Fields {
		w, g := want.Fields[i], got.Fields[i]
		if w.Name != g.Name || w.Index != g.Index {
			return fmt.Sprintf("%s.fields[%d]: want %s#%d, got %s#%d", path, i, w.Name, w.Index, g.Name, g.Index)
		}
		if d := diffSchema(path+"."+w.Name, w.Schema, g.Schema); d != "" {
			return d
		}
	}
	return diffValue(path+".default", want.Default, got.Default)
}

// diffValue compares connect values exactly: same Go types, floats by bits
// (so -0 differs from 0), decimals by scale and value, times as instants in
// UTC, maps regardless of order.
func diffValue(path string, want, got any) string {
	if want == nil || got == nil {
		if want == nil && got == nil {
			return ""
		}
		return fmt.Sprintf("%s: want %#v, got %#v", path, want, got)
	}
	if reflect.TypeOf(want) != reflect.TypeOf(got) {
		return fmt.Sprintf("%s: want %T %#v, got %T %#v", path, want, want, got, got)
	}
	switch w := want.(type) {
	case float32:
		if math.Float32bits(w) != math.Float32bits(got.(float32)) && !(w != w && got.(float32) != got.(float32)) {
			return fmt.Sprintf("%s: want %v, got %v", path, w, got)
		}
	case float64:
		if math.Float64bits(w) != math.Float64bits(got.(float64)) && !(w != w && got.(float64) != got.(float64)) {
			return fmt.Sprintf("%s: want %v, got %v", path, w, got)
		}
	case connect.Decimal:
		g := got.(connect.Decimal)
		if w.Scale != g.Scale || w.Unscaled.Cmp(g.Unscaled) != 0 {
			return fmt.Sprintf("%s: want %s (scale %d), got %s (scale %d)", path, w, w.Scale, g, g.Scale)
		}
	case time.Time:
		g := got.(time.Time)
		if !w.Equal(g) || g.Location() != time.UTC {
			return fmt.Sprintf("%s: want %s, got %s", path, w, g)
		}
	case []byte:
		if !bytes.Equal(w, got.([]byte)) {
			return fmt.Sprintf("%s: want %x, got %x", path, w, got)
		}
	case []any:
		g := got.([]any)
		if len(w) != len(g) {
			return fmt.Sprintf("%s: want %d elements, got %d", path, len(w), len(g))
		}
		for i := range w {
			if d := diffValue(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]); d != "" {
				return d
			}
		}
	case map[string]any:
		g := got.(map[string]any)
		if len(w) != len(g) {
			return fmt.Sprintf("%s: want %v, got %v", path, w, g)
		}
		for k, x := range w {
			y, ok := g[k]
			if !ok {
				return fmt.Sprintf("%s: missing key %q", path, k)
			}
			if d := diffValue(path+"."+k, x, y); d != "" {
				return d
			}
		}
	case map[any]any:
		g := got.(map[any]any)
		if len(w) != len(g) {
			return fmt.Sprintf("%s: want %v, got %v", path, w, g)
		}
	keys:
		for k, x := range w {
			for k2, y := range g {
				if diffValue("", k, k2) == "" {
					if d := diffValue(fmt.Sprintf("%s[%v]", path, k), x, y); d != "" {
						return d
					}
					continue keys
				}
			}
			return fmt.Sprintf("%s: missing key %v", path, k)
		}
	case *connect.Struct:
		g := got.(*connect.Struct)
		if d := diffSchema(path+".schema", w.Schema(), g.Schema()); d != "" {
			return d
		}
		for i, f := range w.Schema().Fields {
			if d := diffValue(path+"."+f.Name, w.At(i), g.At(i)); d != "" {
				return d
			}
		}
	default:
		if !reflect.DeepEqual(want, got) {
			return fmt.Sprintf("%s: want %#v, got %#v", path, want, got)
		}
	}
	return ""
}

func TestDiffValueCatchesDifferences(t *testing.T) {
	s := connect.StructSchema("s", connect.Field{Name: "a", Schema: connect.OptionalInt32Schema})
	for _, c := range []struct{ a, b any }{
		{int32(1), int64(1)},
		{0.0, math.Copysign(0, -1)},
		{connect.Decimal{Unscaled: big.NewInt(15), Scale: 1}, connect.Decimal{Unscaled: big.NewInt(150), Scale: 2}},
		{map[string]any{"a": int64(1)}, map[string]any{"a": int64(2)}},
		{connect.NewStruct(s).MustPut("a", int32(1)), connect.NewStruct(s)},
		{time.UnixMilli(0).UTC(), time.UnixMilli(0).In(time.FixedZone("x", 3600))},
	} {
		assert.NotEmpty(t, diffValue("v", c.a, c.b), "%#v vs %#v", c.a, c.b)
	}
	assert.Empty(t, diffValue("v", math.NaN(), math.NaN()))
	assert.True(t, errors.Is(&pathError{path: "p", err: errEnvelope}, errEnvelope))
}
