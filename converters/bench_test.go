package converters

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
)

// A typical small record, about 200 bytes.
const benchObject = `{"id":1234567,"name":"Ann Example","email":"ann@example.com","active":true,` +
	`"score":98.25,"tags":["a","b","c"],"address":{"street":"1 Main St","city":"Springfield","zip":"12345"},` +
	`"created":1700000000123}`

func benchStructSchema() *connect.Schema {
	address := connect.StructSchema("Address",
		connect.Field{Name: "street", Schema: connect.StringSchema},
		connect.Field{Name: "city", Schema: connect.StringSchema},
		connect.Field{Name: "zip", Schema: connect.OptionalStringSchema},
	)
	return connect.StructSchema("com.example.User",
		connect.Field{Name: "id", Schema: connect.Int64Schema},
		connect.Field{Name: "name", Schema: connect.StringSchema},
		connect.Field{Name: "email", Schema: connect.OptionalStringSchema},
		connect.Field{Name: "active", Schema: connect.BooleanSchema},
		connect.Field{Name: "score", Schema: connect.Float64Schema},
		connect.Field{Name: "tags", Schema: connect.ArraySchema(connect.StringSchema)},
		connect.Field{Name: "address", Schema: address},
		connect.Field{Name: "created", Schema: connect.TimestampSchema()},
	)
}

func BenchmarkJSONToConnect(b *testing.B) {
	plain, err := NewJSONConverter(map[string]string{"schemas.enable": "false"}, false)
	require.NoError(b, err)
	env, err := NewJSONConverter(nil, false)
	require.NoError(b, err)
	// The enveloped form of the same record, as Kafka would write it.
	_, v, err := (&JSONConverter{parsed: newLRU[string, *connect.Schema](0)}).ToConnectData("t", []byte(benchObject))
	require.NoError(b, err)
	enveloped, err := env.FromConnectData("t", benchStructSchema(), toStruct(b, benchStructSchema(), v.(map[string]any)))
	require.NoError(b, err)

	b.Run("schemaless", func(b *testing.B) {
		data := []byte(benchObject)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := plain.ToConnectData("t", data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("envelope-struct", func(b *testing.B) {
		b.SetBytes(int64(len(enveloped)))
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := env.ToConnectData("t", enveloped); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json-baseline", func(b *testing.B) {
		data := []byte(benchObject)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var v any
			if err := json.Unmarshal(data, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkJSONFromConnect(b *testing.B) {
	schema := benchStructSchema()
	plain, err := NewJSONConverter(map[string]string{"schemas.enable": "false"}, false)
	require.NoError(b, err)
	_, v, err := plain.ToConnectData("t", []byte(benchObject))
	require.NoError(b, err)
	st := toStruct(b, schema, v.(map[string]any))
	env, err := NewJSONConverter(nil, false)
	require.NoError(b, err)

	b.Run("schemaless", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := plain.FromConnectData("t", nil, v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("envelope-struct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := env.FromConnectData("t", schema, st); err != nil {
				b.Fatal(err)
			}
		}
	})
	// A json.RawMessage is checked, then written as it is.
	raw := json.RawMessage(benchObject)
	b.Run("raw", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := plain.FromConnectData("t", nil, raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// toStruct fills a struct of schema s from the schemaless form of
// benchObject.
func toStruct(tb testing.TB, s *connect.Schema, m map[string]any) *connect.Struct {
	tb.Helper()
	st := connect.NewStruct(s)
	for _, f := range s.Fields {
		v := m[f.Name]
		switch f.Schema.Type {
		case connect.StructType:
			v = toStruct(tb, f.Schema, v.(map[string]any))
		}
		if f.Schema.Name == connect.TimestampName {
			v = unixMilli(v.(int64))
		}
		require.NoError(tb, st.Put(f.Name, v))
	}
	return st
}

func unixMilli(ms int64) any { return time.UnixMilli(ms).UTC() }
