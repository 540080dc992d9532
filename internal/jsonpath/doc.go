// Package jsonpath compiles and evaluates Jayway JSONPath expressions with
// the semantics of Jayway json-path 2.6.0, the library behind kakao's
// kafka-sink-connector, and decodes the JSON they read.
//
// A [Condition] answers kakao's question about a record,
// !JsonPath.read(value, condition).toString().equals("[]"); a [Path] gives
// the text kakao prints into a key or a timestamp. Documents are decoded
// once per record through a [Projection], which builds only the parts an
// expression reads; strings and numbers stay views of the record's bytes.
//
// The differential test (build tag integration) compares the answers with
// Jayway's own on generated and hand-picked pairs; docs/compat/jsonpath.md
// lists every known difference with its reason.
package jsonpath
