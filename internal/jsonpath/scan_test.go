package jsonpath

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A document is rejected with the same message whether its values are
// built whole, built through a projection or skipped.
func TestDecodeErrors(t *testing.T) {
	cases := []struct{ doc, err string }{
		{``, "empty"},
		{`{`, "at byte 1: expected a string key"},
		{`[`, "at byte 1: unexpected end"},
		{`{"a"`, "at byte 4: expected ':' after an object key"},
		{`{"a":1`, "at byte 6: unexpected end in an object"},
		{`{"a":1,}`, "at byte 7: expected a string key"},
		{`{"a":1 "b":2}`, "at byte 7: expected ',' or '}' in an object"},
		{`{"a":[1 2]}`, "at byte 8: expected ',' or ']' in an array"},
		{`{"a":[1,2`, "at byte 9: unexpected end in an array"},
		{`{"a":[1,]}`, "at byte 8: unexpected ']'"},
		{`{"a":"abc`, "at byte 9: unterminated string"},
		{`{"a":"a\x"}`, "at byte 8: invalid escape '\\x'"},
		{`{"a":"a\u12G4"}`, "at byte 8: invalid \\u escape"},
		{"{\"a\":\"a\x01\"}", "at byte 7: control character in a string"},
		{"{\"a\":\"aaaaaaaaaaaaaaaaaaaaa\x1f\"}", "at byte 27: control character in a string"},
		{`{"a":"a\`, "at byte 8: unexpected end in a string"},
		{`{"a":1.}`, "at byte 7: invalid number: no digit after '.'"},
		{`{"a":1e+}`, "at byte 8: invalid number: no digit in the exponent"},
		{`{"a":tru}`, "at byte 5: unexpected 't'"},
		{`{"a":{"b":[}}`, "at byte 11: unexpected '}'"},
		{`{"a":{"b":1,}}`, "at byte 12: expected a string key"},
		{`{"a":1} x`, "at byte 8: unexpected 'x' after the value"},
	}
	var skipAll, some Projection
	skipAll.node([]string{"z"})
	some.add([]string{"a", "b"})
	for _, c := range cases {
		for name, p := range map[string]*Projection{"whole": nil, "skipped": &skipAll, "projected": &some} {
			_, err := decodeJSON([]byte(c.doc), p)
			if assert.ErrorIs(t, err, ErrSyntax, "%s %s", name, c.doc) {
				assert.Equal(t, "not valid JSON: "+c.err, err.Error(), "%s %s", name, c.doc)
			}
		}
	}
}

// stringEnd tests eight bytes at a time: wherever the first quote,
// backslash or control character falls, it is the one found.
func TestStringEnd(t *testing.T) {
	fill := "a\x7fbc #[]/\x20"
	for n := 0; n < 20; n++ {
		for _, stop := range []byte{'"', '\\', 0, 0x1f} {
			var b strings.Builder
			b.WriteByte('"')
			for i := 0; i < n; i++ {
				b.WriteByte(fill[i%len(fill)])
			}
			b.WriteByte(stop)
			b.WriteString(`n"` + strings.Repeat("x", n%9))
			d := decoder{data: []byte(b.String())}
			end, escaped, err := d.stringEnd(0)
			switch stop {
			case '"':
				require.NoError(t, err)
				assert.Equal(t, n+2, end, "%q", b.String())
				assert.False(t, escaped)
			case '\\':
				require.NoError(t, err)
				assert.Equal(t, n+4, end, "%q", b.String())
				assert.True(t, escaped)
			default:
				require.Error(t, err)
				assert.Equal(t, n+1, d.pos, "%q", b.String())
			}
		}
	}
}

// A task decodes every record into the same scratch: what one record held
// never shows in the next.
func TestScratchReuse(t *testing.T) {
	cond, err := CompileCondition("$.[?(@.user.country == 'KR' && @.user.premium == true && !@.all)]")
	require.NoError(t, err)
	docs := []struct {
		doc  string
		want bool
	}{
		{`{"user":{"country":"KR","premium":true}}`, true},
		{`{"user":{"country":"KR"}}`, false},
		{`{"user":{"country":"KR","premium":true},"all":1}`, false},
		{`{"user":{"country":"KR","premium":true},"user":{"premium":true}}`, false},
		{`{"user":[{"country":"KR","premium":true}]}`, false},
		{`{"user":{"premium":true,"country":"KR"}}`, true},
	}
	var s Scratch
	for _, d := range docs {
		doc, err := s.Decode([]byte(d.doc), &cond.proj)
		require.NoError(t, err)
		assert.Equal(t, d.want, cond.Match(doc), d.doc)
	}
}

// MatchJSON may be called from several goroutines at once; each draws
// its own scratch.
func TestMatchJSONConcurrently(t *testing.T) {
	cond, err := CompileCondition("$.[?(@.user.country == 'KR')]")
	require.NoError(t, err)
	docs := testDocs(30)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				ok, err := cond.MatchJSON(docs[(i+g)%len(docs)])
				assert.NoError(t, err)
				assert.Equal(t, (i+g)%len(docs)%3 == 0, ok)
			}
		}()
	}
	wg.Wait()
}

// A regular expression's literal prefix turns texts away before regexp
// runs, without changing an answer. With the m flag a match may start
// after a newline, so there is no prefix to test.
func TestRegexPrefix(t *testing.T) {
	cases := []struct{ re, flags, prefix string }{
		{`\/item\/1.*`, "", "/item/1"},
		{`ab(c|d)e?`, "", "ab"},
		{`abc.*`, "s", "abc"},
		{`abc.*`, "m", "abc"},
		{`abc.*`, "i", ""},
	}
	texts := []string{"", "/item/1", "/item/12", "/item/42", "x/item/1", "abc", "abd", "abde", "ab", "ABC", "x\nabc", "abc\nx"}
	for _, c := range cases {
		re, err := compileJavaRegex(c.re, c.flags)
		require.NoError(t, err)
		assert.Equal(t, c.prefix, re.prefix, c.re)
		for _, text := range texts {
			assert.Equal(t, re.re.MatchString(text), re.matches(text), "%s %q", c.re, text)
		}
	}
}

// testDocs are ~200-byte events, the kind kakao's users split.
func testDocs(n int) [][]byte {
	types := []string{"click", "view", "scroll", "purchase"}
	out := make([][]byte, n)
	for i := range out {
		out[i] = fmt.Appendf(nil, `{"event":"%s","user":{"id":%d,"country":"%s","premium":%t},"ts":"2022-11-28 12:05:%02d",`+
			`"page":"/item/%d","ref":null,"items":[{"sku":"A%d","qty":%d}],"tags":["a","b"],"score":%d.5}`,
			types[i%4], 10000+i, []string{"KR", "JP", "US"}[i%3], i%2 == 0, i%60, i%97, i%13, 1+i%3, i%100)
	}
	return out
}

// Generated conditions on generated documents, without Java: nothing
// panics, and decoding only what a condition reads gives the answer the
// whole document gives.
func TestGeneratedPairsProjectConsistently(t *testing.T) {
	var whole Scratch
	for _, p := range append(handPicked(), genPairs(3, 5000)...) {
		c, err := CompileCondition(p.cond)
		if err != nil {
			continue
		}
		ok, err := c.MatchJSON([]byte(p.doc))
		require.NoError(t, err, p.doc)
		doc, err := whole.Decode([]byte(p.doc), nil)
		require.NoError(t, err)
		require.Equal(t, ok, c.Match(doc), "%q on %s", p.cond, p.doc)
	}
	for _, p := range genTextPairs(4, 2000) {
		path, err := CompilePath(p.cond)
		if err != nil {
			continue
		}
		text, ok, err := path.Text([]byte(p.doc))
		require.NoError(t, err)
		doc, err := whole.Decode([]byte(p.doc), nil)
		require.NoError(t, err)
		wtext, wok := path.TextIn(doc)
		require.Equal(t, ok, wok, "%q on %s", p.cond, p.doc)
		require.Equal(t, wtext, text, "%q on %s", p.cond, p.doc)
	}
}
