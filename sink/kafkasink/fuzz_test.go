package kafkasink_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/connectkit/connectkit/sink/kafkasink"
)

// The targets go through the package's exported entries (CompileCondition,
// CompilePath, MatchJSON, Text, ParseTimeFormat), so that they keep
// covering the engine wherever it lives.

var jsonSeeds = []string{`{"color":"red","name":"apple"}`, `[{"a":1},{"a":[1,2,{"b":null}]}]`, `"str"`, `5`, `{"all":false}`,
	`{'a': 'single'}`, `{"a":1,}`, `{"a":"\ud800"}`, `{"a":1e999}`, `[[[[[[[[]]]]]]]]`, "{\"a\":\"\xff\"}", ``}

// FuzzCondition compiles kafka.filtering.condition expressions and
// evaluates them on records: no panic, and the scanner never refuses
// strict JSON.
func FuzzCondition(f *testing.F) {
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
		c, err := kafkasink.CompileCondition(expr)
		if err != nil {
			return
		}
		if _, err := c.MatchJSON([]byte(data)); err != nil && json.Valid([]byte(data)) && depth(data) < 1000 {
			t.Errorf("condition %q refused strict JSON %q: %v", expr, data, err)
		}
	})
}

// FuzzPath compiles kafka.key.field and kafka.timestamp.field paths and
// reads records with them: no panic, and strict JSON is never refused.
func FuzzPath(f *testing.F) {
	for _, e := range []string{`@.timestamp`, `$.a.b`, `$['a']`, `$.a[1]`, `$..b`, `$.a[*]`, `$.a[-1]`, `@`, `$[?(@.a)]`} {
		for _, d := range jsonSeeds[:3] {
			f.Add(e, d)
		}
	}
	f.Fuzz(func(t *testing.T, expr, data string) {
		if len(data) > 1024 {
			return
		}
		p, err := kafkasink.CompilePath(expr)
		if err != nil {
			return
		}
		if _, _, err := p.Text([]byte(data)); err != nil && json.Valid([]byte(data)) && depth(data) < 1000 {
			t.Errorf("path %q refused strict JSON %q: %v", expr, data, err)
		}
	})
}

// FuzzScanner reads records with the JSON scanner behind MatchJSON: no
// panic, and what encoding/json accepts it accepts.
func FuzzScanner(f *testing.F) {
	for _, d := range jsonSeeds {
		f.Add(d)
	}
	c, err := kafkasink.CompileCondition(`$[?(@.a.b == 1 || @.c)]`)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data string) {
		if _, err := c.MatchJSON([]byte(data)); err != nil && json.Valid([]byte(data)) && depth(data) < 1000 {
			t.Errorf("refused strict JSON %q: %v", data, err)
		}
	})
}

// FuzzTimeFormat compiles kafka.timestamp.format patterns and parses with
// them: no panic.
func FuzzTimeFormat(f *testing.F) {
	f.Add("yyyyMMdd HHmmss SSS", "20221128 120524 645")
	f.Add("yyyy-MM-dd'T'HH:mm[:ss][.SSS]XXX", "2022-11-28T12:05+09:00")
	f.Fuzz(func(t *testing.T, pattern, text string) {
		tf, err := kafkasink.ParseTimeFormat(pattern)
		if err != nil {
			return
		}
		_, _ = tf.Parse(text, time.UTC)
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
