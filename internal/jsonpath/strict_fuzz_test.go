package jsonpath_test

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/connectkit/connectkit/internal/jsonpath"
)

// These targets go through the exported entries kafkasink uses
// (CompileCondition, CompilePath, MatchJSON, Text) and hold the readers to
// strict JSON; FuzzCondition holds the engine to neither panicking nor
// hanging on any input.

var jsonSeeds = []string{`{"color":"red","name":"apple"}`, `[{"a":1},{"a":[1,2,{"b":null}]}]`, `"str"`, `5`, `{"all":false}`,
	`{'a': 'single'}`, `{"a":1,}`, `{"a":"\ud800"}`, `{"a":1e999}`, `[[[[[[[[]]]]]]]]`, "{\"a\":\"\xff\"}", ``}

// FuzzConditionStrictJSON compiles kafka.filtering.condition expressions and
// evaluates them on records: no panic, and the scanner never refuses
// strict JSON.
func FuzzConditionStrictJSON(f *testing.F) {
	for _, e := range []string{`$.[?( !@.all )]`, `$[?(@.color == 'red')]`, `$[?(@.a in [1,2] && @.b =~ /x.*/i)]`,
		`$..a`, `$.a[0:2]`, `$['a','b']`, `$.*`, `$[?(@.size() > 1)]`, `$[`, `$.[?(`} {
		for _, d := range jsonSeeds[:3] {
			f.Add(e, d)
		}
	}
	for _, d := range jsonSeeds {
		f.Add(`$[?(@.a)]`, d)
	}
	f.Fuzz(func(t *testing.T, expr, data string) {
		if len(data) > 1024 {
			return // deep scans are checked for cost by the benchmarks
		}
		c, err := jsonpath.CompileCondition(expr)
		if err != nil {
			return
		}
		if _, err := c.MatchJSON([]byte(data)); err != nil && strict(data) {
			t.Errorf("condition %q refused strict JSON %q: %v", expr, data, err)
		}
	})
}

// FuzzPathStrictJSON compiles kafka.key.field and kafka.timestamp.field paths and
// reads records with them: no panic, and strict JSON is never refused.
func FuzzPathStrictJSON(f *testing.F) {
	for _, e := range []string{`@.timestamp`, `$.a.b`, `$['a']`, `$.a[1]`, `$..b`, `$.a[*]`, `$.a[-1]`, `@`, `$[?(@.a)]`} {
		for _, d := range jsonSeeds[:3] {
			f.Add(e, d)
		}
	}
	f.Fuzz(func(t *testing.T, expr, data string) {
		if len(data) > 1024 {
			return
		}
		p, err := jsonpath.CompilePath(expr)
		if err != nil {
			return
		}
		if _, _, err := p.Text([]byte(data)); err != nil && strict(data) {
			t.Errorf("path %q refused strict JSON %q: %v", expr, data, err)
		}
	})
}

// FuzzScanner reads records with the JSON scanner behind MatchJSON: no
// panic, and strict JSON is never refused.
func FuzzScanner(f *testing.F) {
	for _, d := range jsonSeeds {
		f.Add(d)
	}
	c, err := jsonpath.CompileCondition(`$[?(@.a.b == 1 || @.c)]`)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data string) {
		if _, err := c.MatchJSON([]byte(data)); err != nil && strict(data) {
			t.Errorf("refused strict JSON %q: %v", data, err)
		}
	})
}

// depth is the nesting depth of JSON text, past which readers may refuse
// it (the converters' limit is 1000).
func depth(s string) int {
	d, most := 0, 0
	inString, escaped := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == '{' || c == '['):
			d++
			most = max(most, d)
		case !inString && (c == '}' || c == ']'):
			d--
		}
	}
	return most
}

// strict says whether data is JSON every reader must accept: valid for
// encoding/json, UTF-8 (encoding/json lets invalid bytes in strings pass),
// and nested less deep than jsontext.MaxDepth.
func strict(data string) bool {
	return json.Valid([]byte(data)) && utf8.ValidString(data) && depth(data) < 1000
}
