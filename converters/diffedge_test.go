//go:build integration

package converters

import (
	"math"
	"testing"

	"github.com/connectkit/connectkit/connect"
)

// edgeCases are the hand-picked part of the differential corpus: every bug
// class of issue 12 and the corners around it, in each configuration.
func edgeCases(t *testing.T) []diffCase {
	var out []diffCase
	plain := map[string]string{"schemas.enable": "false"}
	env := map[string]string{}
	read := func(note string, conf map[string]string, texts ...string) {
		for _, s := range texts {
			out = append(out, diffCase{op: "j2c", conf: conf, data: []byte(s), note: note})
		}
	}
	readBoth := func(note string, texts ...string) {
		read(note, plain, texts...)
		for _, s := range texts {
			read(note, env, `{"schema":null,"payload":`+s+`}`)
		}
	}
	typed := func(note, schema string, payloads ...string) {
		for _, p := range payloads {
			read(note, env, `{"schema":`+schema+`,"payload":`+p+`}`)
			read(note, map[string]string{"replace.null.with.default": "false"}, `{"schema":`+schema+`,"payload":`+p+`}`)
		}
	}
	write := func(note string, s *connect.Schema, v any) {
		for _, conf := range jsonConfs {
			out = append(out, diffCase{op: "c2j", conf: conf, schema: describeSchema(s), value: describeValue(v), note: note})
		}
		out = append(out, diffCase{op: "c2h", schema: describeSchema(s), value: describeValue(v), note: note})
	}

	// U+FFFD everywhere a string goes.
	const r = "a\uFFFDb"
	readBoth("U+FFFD", `"\uFFFD"`, `"`+r+`"`, `{"`+r+`":"`+r+`"}`, `"\ufffd"`)
	typed("U+FFFD in schema", `{"type":"struct","name":"`+r+`","doc":"`+r+`","parameters":{"`+r+`":"`+r+`"},"fields":[{"type":"string","optional":true,"default":"`+r+`","field":"`+r+`"}]}`, `{}`, `{"`+r+`":"`+r+`"}`)
	field := &connect.Schema{Type: connect.String, Optional: true, Doc: "d" + r, Default: "v" + r, Parameters: map[string]string{"k" + r: "p" + r}}
	st := connect.StructSchema("n"+r, connect.Field{Name: "f" + r, Schema: field})
	write("U+FFFD in schema", st, connect.NewStruct(st))
	write("U+FFFD", connect.MapSchema(connect.StringSchema, connect.StringSchema), map[string]any{"k" + r: "v" + r})
	write("U+FFFD", nil, r)

	// Lone surrogates.
	readBoth("lone surrogate", `"\ud800"`, `"\udbff"`, `"\udc00x"`, `"\ude00\ud83d"`, `"\ud83d\u0041"`, `"\ud83d\ude00"`, `["\uDFFF"]`,
		`{"\ud800":1}`, `{"a":{"b\udc00":1}}`, `{"\ud83d\ude00":1}`, "\"\xed\xa0\x80\"", "{\"\xed\xa0\x80\":1}")
	typed("lone surrogate", `{"type":"string","name":"\ud800","doc":"\udfff","parameters":{"p":"\ud800"}}`, `"\ud800"`)
	typed("lone surrogate key", `{"type":"map","keys":{"type":"string"},"values":{"type":"int32"}}`, `{"\ud800":1}`)
	typed("lone surrogate field", `{"type":"struct","fields":[{"type":"int32","optional":true,"field":"\ud800"}]}`, `{}`)
	write("lone surrogate", nil, "x\xed\xa0\x80y")
	write("lone surrogate", connect.StringSchema, "\xed\xbf\xbf")
	write("lone surrogate", connect.MapSchema(connect.StringSchema, connect.StringSchema), map[string]any{"\xed\xa0\x80": "\xed\xa0\x80"})

	// Empty schema metadata.
	typed("empty metadata", `{"type":"int32","name":"","version":0,"doc":""}`, `1`)
	typed("empty metadata", `{"type":"struct","fields":[{"type":"string","name":"","field":"a"}],"version":0}`, `{"a":"x"}`)
	typed("empty metadata", `{"type":"int32","parameters":{}}`, `1`)
	typed("empty metadata", `{"type":"int32","version":4294967297,"optional":true}`, `1`)
	typed("empty metadata", `{"type":"int32","version":1.0}`, `1`)
	typed("empty metadata", `{"type":"int32","name":null,"doc":1,"version":"1"}`, `1`)
	write("empty metadata", &connect.Schema{Type: connect.Int32, Set: connect.NameSet | connect.VersionSet | connect.DocSet}, int32(1))

	// Signed zeros.
	readBoth("negative zero", `-1e-400`, `-0`, `-0.0`, `-0e5`, `-0.0e-400`, `1e-400`, `-4.9e-325`, `[-1e-400]`)
	typed("negative zero", `{"type":"float"}`, `-1e-50`, `-0.0`, `-1e-400`)
	typed("negative zero", `{"type":"double"}`, `-1e-400`, `-0`)
	write("negative zero", connect.Float64Schema, math.Copysign(0, -1))

	// Struct defaults and field names.
	typed("struct default", `{"type":"struct","fields":[{"type":"int32","field":"a"}],"default":{"a":1}}`, `null`, `{"a":2}`)
	typed("struct default", `{"type":"struct","optional":true,"fields":[{"type":"int32","field":"a"}],"default":{"b":"x"}}`, `null`)
	typed("struct default", `{"type":"struct","optional":true,"fields":[{"type":"int32","field":"a"}],"default":null}`, `null`)
	typed("struct default", `{"type":"array","items":{"type":"struct","fields":[{"type":"int32","field":"a"}]},"default":[{"a":1}]}`, `null`)
	typed("struct default", `{"type":"struct","fields":[{"type":"struct","optional":true,"fields":[],"default":{},"field":"s"}]}`, `{}`)
	typed("field name", `{"type":"struct","fields":[{"type":"int32","field":""}]}`, `{"":1}`)
	typed("field name", `{"type":"struct","fields":[{"type":"int32"}]}`, `{}`)
	typed("field name", `{"type":"struct","fields":[{"type":"int32","field":"a"},{"type":"int32","field":"a"}]}`, `{"a":1}`)

	// Base64.
	typed("base64", `{"type":"bytes"}`, `"AQID"`, `" AQID"`, `"AQID "`, `"AQ\nID"`, `"AQID\nAQID"`, `"AQ==AQ=="`, `"AQI=AQ=="`,
		`"AQ=="`, `"AQ"`, `"AQI"`, `"AR=="`, `"A==="`, `"===="`, `"AQ=x"`, `"AQID="`, `"-_-_"`, `""`, `"  "`, `"\u0001AQID"`,
		`"AQID\u0000"`, `"AQ\u0000=="`, `"\u00c0QID"`, `"AQID\tAQID"`, `"AQ==\n"`, `"\nAQ=="`)
	typed("base64 decimal", `{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"}}`,
		`"AQID"`, `" AQ=="`, `"AQ"`, `"AQ==AQ=="`, `""`, `1.5`, `-0.00`, `1e2`)

	// Raw bytes that are not UTF-8 (Jackson decodes some of them anyway).
	readBoth("raw UTF-8", "\"\xc0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xed\xa0\x80\"", "\"\xff\"", "\"\xe0\x80\x80\"", "\"\xc3\"")

	// JSON in UTF-16 and UTF-32, which Jackson detects.
	read("UTF-16/32", plain, "\x00[\x001\x00]", "[\x001\x00]\x00", "\xfe\xff\x00\"\x00\xe9\x00\"", "\xff\xfe\"\x00\xe9\x00\"\x00",
		"\x00\x00\x00\"\x00\x01\xf6\x00\x00\x00\x00\"", "\"\x00\x00\x00\x00\xd8\x00\x00\"\x00\x00\x00", "\x00 ", "\x00\x00\xfe\xff",
		"\x00\x00\x00\"\x00\x11\x00\x00", "\x00\x00\x00[", "\xfe\xff\x00\"\xd8\x00\x00\"", "\x00\"\x00\\\x00u\x00d\x008\x000\x000\x00\"",
		"\x00\"\x00a\x00\"\x00", "\x00\x00\xff\xfe", "\x00\x01", "\x00{\x00}", "\xff\xfe\x00\x00\x31\x00\x00\x00", "\x00\x00\x00\x31")
	read("UTF-16/32", env, "\x00{\x00\"\x00s\x00c\x00h\x00e\x00m\x00a\x00\"\x00:\x00n\x00u\x00l\x00l\x00,\x00\"\x00p\x00a\x00y\x00l\x00o\x00a\x00d\x00\"\x00:\x001\x00}")

	// The byte-order mark.
	readBoth("BOM", "\xef\xbb\xbf1", "\xef\xbb\xbf {}", "\xef\xbb\xbf")
	read("BOM", plain, "\xef\xbb\xbf", "\xef\xbb\xbf ", "\xef\xbb", "\xef\xbb\xbf\xef\xbb\xbf1", "\xef\xbb\xbf", "")
	read("BOM", env, "\xef\xbb\xbf{\"schema\":{\"type\":\"int8\"},\"payload\":3}", "\xef\xbb\xbf", "")

	// SimpleHeaderConverter.
	for _, h := range []string{"", " ", "null", "true", "[]", "[1,2,3]", "[1,\"a\"]", "[1, 2.5]", `["a","b"]`, "[[1],[2]]", "[null]", "[1,null]",
		`{"a":1,"b":2}`, `{"a":1,"b":"x"}`, `{1:2}`, `{"a":{"b":true}}`, "{}", "[", "[1,", "{\"a\":}", "[1,2]x", "[1 2]", `["a,b"]`,
		"2024-1-012", "2024-01-1x", "+024-01-01", "12:3a:00.000Z", "99:99:99.999Z", "0000-00-00", "2024-00-00", "1582-10-10", "1583-01-01",
		"2024-01-01T25:61:61.999Z", "2024-01-01t00:00:00.000Z", "2024-01-01T00:00:00.000z", "00:00:00.000Y", "-1:00:00.000Z", "2024-12-1 ",
		"20240-01-01", "[12:30:00.000Z]", "{a:12:30:00.000Z}", `12\:30\:00.000Z`, "2024-01-1é", `["2024-1-1x"]`, "1:2:3.4Z12345",
		`{"a":[1,2]}`, "[1.5,2]", "[1, 300]", "{[1]:2}", "true}", "[true,false]", "[2024-01-02]", `["2024-01-02"]`, "[\"\\\"\"]", "1,2", "12:30", "1.0", "1e3", "１２"} {
		out = append(out, diffCase{op: "h2c", data: []byte(h), note: "header"})
	}
	for _, v := range []any{"", "x", []any{}, []any{int32(1), "a"}, map[string]any{"a": int8(1)}} {
		out = append(out, diffCase{op: "c2h", schema: nil, value: describeValue(v), note: "header"})
	}

	// StringConverter.
	for _, cs := range charsetNames {
		conf := map[string]string{"converter.encoding": cs}
		for _, s := range []string{"", "a", "é€😀", "\uFFFD", "a\xed\xa0\x80b"} {
			out = append(out, diffCase{op: "c2s", conf: conf, schema: describeSchema(connect.StringSchema), value: describeValue(s), note: "string"})
		}
		for _, b := range []string{"", "\xfe\xff", "\xff\xfe", "\xfe\xff\x00a", "\xff\xfea\x00", "\xd8\x00", "a\xed\xa0\x80b", "\xc0\x80", "\xf4\x90\x80\x80"} {
			out = append(out, diffCase{op: "s2c", conf: conf, data: []byte(b), note: "string"})
		}
	}
	return out
}
