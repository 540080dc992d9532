package converters_test

import (
	"fmt"
	"math/big"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/converters"
)

// A value converter configured as in a connector's properties:
// value.converter=org.apache.kafka.connect.json.JsonConverter with
// value.converter.decimal.format=NUMERIC.
func Example() {
	conv, err := converters.New(converters.JSONConverterClass,
		map[string]string{"decimal.format": "NUMERIC"}, false)
	if err != nil {
		panic(err)
	}

	order := connect.StructSchema("com.example.Order",
		connect.Field{Name: "id", Schema: connect.Int64Schema},
		connect.Field{Name: "total", Schema: connect.DecimalSchema(2)},
		connect.Field{Name: "note", Schema: connect.OptionalStringSchema},
	)
	value := connect.NewStruct(order).
		MustPut("id", int64(42)).
		MustPut("total", connect.Decimal{Unscaled: big.NewInt(1999), Scale: 2})

	data, err := conv.FromConnectData("orders", order, value)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(data))

	schema, back, err := conv.ToConnectData("orders", data)
	if err != nil {
		panic(err)
	}
	st := back.(*connect.Struct)
	fmt.Println(schema.Name, st.Get("id"), st.Get("total"), st.Get("note"))

	_, _, err = conv.ToConnectData("orders", []byte(`{"id":42}`))
	fmt.Println(err)
	// Output:
	// {"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"total"},{"type":"string","optional":true,"field":"note"}],"optional":false,"name":"com.example.Order"},"payload":{"id":42,"total":19.99,"note":null}}
	// com.example.Order 42 19.99 <nil>
	// json: JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields; to read plain JSON, set schemas.enable=false
}

// Headers use Kafka Connect's default header converter unless a connector
// sets header.converter; it writes text and infers types when reading.
func ExampleSimpleHeaderConverter() {
	h, err := converters.NewHeaderConverter(converters.SimpleHeaderConverterClass, nil)
	if err != nil {
		panic(err)
	}
	for _, text := range []string{"42", "1.5", "true", "2024-01-15", "hello"} {
		schema, value, _ := h.ToConnectHeader("orders", "h", []byte(text))
		fmt.Printf("%s %T %v\n", schema.Type, value, value)
	}
	data, _ := h.FromConnectHeader("orders", "h", nil, []any{int32(1), "a"})
	fmt.Println(string(data))
	// Output:
	// int8 int8 42
	// float32 float32 1.5
	// boolean bool true
	// int32 time.Time 2024-01-15 00:00:00 +0000 UTC
	// string string hello
	// [1,"a"]
}

// The settings of the JSON converter, for docs or to check a configuration
// before a task starts.
func ExampleJSONConverterConfigDef() {
	def := converters.JSONConverterConfigDef()
	for _, k := range def.Keys() {
		if k.Default == connect.NullDefault {
			fmt.Printf("%s (%s), optional\n", k.Name, k.Type)
			continue
		}
		fmt.Printf("%s (%s), default %v\n", k.Name, k.Type, k.Default)
	}
	_, err := def.Parse(map[string]string{"decimal.format": "HEX", "schemas.enable": "yes"})
	fmt.Println(err)
	// Output:
	// converter.type (string), optional
	// schemas.enable (boolean), default true
	// schemas.cache.size (int), default 1000
	// decimal.format (string), default BASE64
	// replace.null.with.default (boolean), default true
	// invalid configuration: schemas.enable: invalid value "yes": expected true or false; decimal.format: invalid value "HEX": must be one of [BASE64 NUMERIC] (case-insensitive)
}

// Schema metadata given empty, which Kafka tells from absent metadata, is
// kept through a round trip; in Go, Schema.Set marks it.
func ExampleJSONConverter_emptyMetadata() {
	conv, err := converters.NewJSONConverter(nil, false)
	if err != nil {
		panic(err)
	}
	schema, value, err := conv.ToConnectData("t", []byte(`{"schema":{"type":"int32","doc":"","version":0},"payload":7}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(schema.Set&connect.DocSet != 0, schema.Set&connect.VersionSet != 0, schema.Set&connect.NameSet != 0)
	out, err := conv.FromConnectData("t", schema, value)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))

	built := &connect.Schema{Type: connect.String, Set: connect.NameSet}
	out, err = conv.FromConnectData("t", built, "U+FFFD is written as it is: \uFFFD")
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))
	// Output:
	// true true false
	// {"schema":{"type":"int32","optional":false,"version":0,"doc":""},"payload":7}
	// {"schema":{"type":"string","optional":false,"name":""},"payload":"U+FFFD is written as it is: �"}
}
