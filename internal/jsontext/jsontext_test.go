package jsontext

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestUnescape(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{`plain`, "plain"},
		{`a\"b\\c\/d`, `a"b\c/d`},
		{`\b\f\n\r\t`, "\b\f\n\r\t"},
		{`\u00e9\u00E9`, "éé"},
		{`\ud83d\ude00`, "😀"},
		{`\ud83dx`, "\uFFFDx"},
		{`\ude00\ud83d`, "\uFFFD\uFFFD"},
		{`\ud83d\u0041`, "\uFFFDA"},
	} {
		assert.Equal(t, tc.want, Unescape([]byte(tc.raw)), "%s", tc.raw)
	}
}

func TestQuoteByte(t *testing.T) {
	for c, want := range map[byte]string{
		'a': `'a'`, '}': `'}'`, '\'': `'\''`, '"': `'"'`, '\\': `'\\'`,
		'\n': `'\n'`, 0x01: `'\x01'`, 0x7f: `'\x7f'`, 0x80: `'\x80'`, 0xff: `'\xff'`,
	} {
		assert.Equal(t, want, QuoteByte(c), "byte %#x", c)
	}
}

func TestSkipPlain(t *testing.T) {
	plain := func(c byte) bool { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\' }
	for n := range 20 {
		for pos := range n {
			for c := range 256 {
				b := []byte(strings.Repeat("a", n))
				b[pos] = byte(c)
				if pos+3 < n {
					b[pos+3] = 0 // a stop byte after the first must not hide it
				}
				first := 0
				for first < n && plain(b[first]) {
					first++
				}
				got := SkipPlain(b, 0)
				if got > first || got < first && got+8 <= n {
					t.Fatalf("SkipPlain(%q) = %d, first stop at %d", b, got, first)
				}
			}
		}
	}
	assert.Equal(t, 9, SkipPlain([]byte(`"abcdefgh"ijklmnopq`), 1))
}

func TestUnescapeWTF8(t *testing.T) {
	for _, tc := range []struct {
		raw, want string
		lone      bool
	}{
		{`plain\n`, "plain\n", false},
		{`\ud83d\ude00`, "😀", false},
		{`\uFFFD`, "\uFFFD", false},
		{`\ud800`, "\xed\xa0\x80", true},
		{`\ud83dx`, "\xed\xa0\xbdx", true},
		{`\ude00\ud83d`, "\xed\xb8\x80\xed\xa0\xbd", true},
		{`\ud83d\u0041`, "\xed\xa0\xbdA", true},
		{`a\udfff`, "a\xed\xbf\xbf", true},
	} {
		assert.Equal(t, tc.want, UnescapeWTF8([]byte(tc.raw)), "%s", tc.raw)
		assert.Equal(t, tc.lone, LoneSurrogate([]byte(tc.raw)), "%s", tc.raw)
	}
}
