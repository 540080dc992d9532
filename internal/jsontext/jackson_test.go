package jsontext

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The expected texts are Java's: Jackson 2.x's default generator, and
// Double.toString / Float.toString on Java 19+.
func TestAppendJacksonString(t *testing.T) {
	for in, want := range map[string]string{
		"":                `""`,
		"a\"b\\c":         `"a\"b\\c"`,
		"\b\t\n\f\r":      `"\b\t\n\f\r"`,
		"\x00\x1f\x7f":    `"\u0000\u001F` + "\x7f" + `"`,
		"é日本\u2028\u2029": `"é日本` + "\u2028\u2029" + `"`,
		"😀":               `"\uD83D\uDE00"`,
		"<&>/":            `"<&>/"`,
		"\xff":            "\"\ufffd\"",
	} {
		assert.Equal(t, want, string(AppendJacksonString(nil, in)), "%q", in)
	}
	assert.Equal(t, `"é😀\u0001"`, string(AppendJacksonCharString(nil, "é😀\x01")), "writeValueAsString keeps 😀")
}

func TestAppendJavaDouble(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		bits int
		want string
	}{
		{0, 64, "0.0"}, {math.Copysign(0, -1), 64, "-0.0"}, {1, 64, "1.0"}, {-2.5, 64, "-2.5"},
		{0.001, 64, "0.001"}, {0.0001, 64, "1.0E-4"}, {1234567.5, 64, "1234567.5"}, {1e7, 64, "1.0E7"},
		{1.5e20, 64, "1.5E20"}, {5e-324, 64, "4.9E-324"}, {math.MaxFloat64, 64, "1.7976931348623157E308"},
		{0.1, 64, "0.1"}, {100, 64, "100.0"}, {float64(float32(0.1)), 32, "0.1"},
		{math.NaN(), 64, "NaN"}, {math.Inf(-1), 64, "-Infinity"},
	} {
		assert.Equal(t, tc.want, string(AppendJavaDouble(nil, tc.f, tc.bits)), "%v", tc.f)
	}
}
