//go:build integration

package javatime

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/connectkit/connectkit/internal/javaoracle"
)

// tokens are the pattern pieces the corpus is made of: every letter this
// package supports in every count Java accepts, some it refuses, and
// literals.
var tokens = []string{
	"y", "yy", "yyy", "yyyy", "yyyyy", "u", "uu", "uuuu", "M", "MM", "MMM", "MMMM", "L", "LL", "LLL", "LLLL",
	"d", "dd", "D", "DD", "DDD", "H", "HH", "h", "hh", "k", "kk", "K", "KK", "m", "mm", "s", "ss",
	"S", "SS", "SSS", "SSSSSS", "SSSSSSSSS", "n", "nnn", "N", "A", "a", "E", "EEE", "EEEE", "G", "GGGG",
	"X", "XX", "XXX", "XXXX", "XXXXX", "x", "xx", "xxx", "xxxx", "xxxxx", "Z", "ZZ", "ZZZ", "ZZZZ", "ZZZZZ",
	"O", "OOOO", "VV",
	"HHH", "ddd", "aa", "OO", "V", // refused by Java
	"-", "-", ":", ":", " ", " ", "/", ".", ",", "'T'", "'at'", "''",
}

// randomPattern makes a pattern of a few tokens, sometimes with an
// optional section, often starting like the patterns users write.
func randomPattern(r *rand.Rand) string {
	var b strings.Builder
	switch r.IntN(4) {
	case 0:
		b.WriteString("yyyy-MM-dd'T'HH:mm:ss")
	case 1:
		b.WriteString("yyyyMMdd")
	}
	n := 1 + r.IntN(6)
	open := false
	for range n {
		if !open && r.IntN(6) == 0 {
			b.WriteByte('[')
			open = true
		}
		b.WriteString(tokens[r.IntN(len(tokens))])
		if open && r.IntN(3) == 0 {
			b.WriteByte(']')
			open = false
		}
	}
	if open && r.IntN(2) == 0 {
		b.WriteByte(']')
	}
	return b.String()
}

var realistic = []string{
	"yyyyMMdd HHmmss SSS", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss[.SSS]X", "yyyyMMddHHmmssSSS",
	"yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "yyyy-MM-dd HH:mm:ss.SSSSSS", "EEE, dd MMM yyyy HH:mm:ss Z", "dd/MM/yyyy hh:mm:ss a",
	"yyyy-MM-dd'T'HH:mm:ss[.SSSSSSSSS][XXX]", "uuuu-MM-dd'T'HH:mm:ssxxx", "yyyy-MM-dd HH:mm:ss VV", "yyyy-MM-dd HH:mm:ss O",
}

var zones = []string{"UTC", "Z", "+09:00", "-01:30", "+05:45:30", "Europe/Paris", "Asia/Seoul", "America/New_York", "GMT", "UTC+01:00"}

func randomInstant(r *rand.Rand) time.Time {
	var sec int64
	switch r.IntN(10) {
	case 0: // far years, signs and widths
		sec = r.Int64N(400_000_000_000) - 200_000_000_000
	default: // 1900 to 2100
		sec = -2208988800 + r.Int64N(6311433600)
	}
	nano := []int64{0, r.Int64N(1e9), r.Int64N(1000) * 1e6}[r.IntN(3)]
	return time.Unix(sec, nano)
}

// mutate damages text a little: a character dropped, doubled or changed,
// or the text cut short.
func mutate(r *rand.Rand, s string) string {
	if s == "" {
		return "0"
	}
	i := r.IntN(len(s))
	switch r.IntN(4) {
	case 0:
		return s[:i] + s[i+1:]
	case 1:
		return s[:i] + s[i:i+1] + s[i:]
	case 2:
		return s[:i] + string("09+-:ZT. "[r.IntN(9)]) + s[i+1:]
	}
	return s[:i]
}

// TestDifferentialAgainstJavaTime runs a generated corpus (a fixed seed)
// through java.time and this package: every answer must agree, or be a
// listed deviation.
func TestDifferentialAgainstJavaTime(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 2026))
	var in bytes.Buffer
	add := func(op, pattern, zone, input string) {
		if strings.ContainsAny(input, "\t\n\r") {
			return
		}
		fmt.Fprintf(&in, "%s\t%s\t%s\t%s\n", op, pattern, zone, input)
	}
	for range 600 {
		pattern := randomPattern(r)
		f, err := Compile(pattern)
		for range 3 {
			inst := randomInstant(r)
			zone := zones[r.IntN(len(zones))]
			add("format", pattern, zone, fmt.Sprintf("%d.%09d", inst.Unix(), inst.Nanosecond()))
			if err != nil {
				add("local", pattern, "", "2022-11-28")
				continue
			}
			text, ferr := f.Format(inst, MustParseZone(zone))
			if ferr != nil {
				continue
			}
			for _, s := range []string{text, mutate(r, text), mutate(r, text)} {
				add("local", pattern, "", s)
				add("offset", pattern, zones[r.IntN(len(zones))], s)
			}
		}
	}
	// The patterns users of kakao's sink and castorm's source write, many
	// times each: most of these texts parse.
	for _, pattern := range realistic {
		f, err := Compile(pattern)
		if err != nil {
			t.Fatalf("%q: %v", pattern, err)
		}
		for range 40 {
			inst := randomInstant(r)
			zone := zones[r.IntN(len(zones))]
			add("format", pattern, zone, fmt.Sprintf("%d.%09d", inst.Unix(), inst.Nanosecond()))
			text, err := f.Format(inst, MustParseZone(zone))
			if err != nil {
				continue
			}
			add("local", pattern, "", text)
			add("offset", pattern, zones[r.IntN(len(zones))], text)
			s := mutate(r, text)
			add("local", pattern, "", s)
			add("offset", pattern, zones[r.IntN(len(zones))], s)
		}
	}
	p := javaoracle.Build(t, "testdata/gen")
	out := p.Run(t, "JavaTime", in.Bytes())
	vs := readVectors(t, bufio.NewScanner(bytes.NewReader(out)))
	if want := strings.Count(in.String(), "\n"); len(vs) != want {
		t.Fatalf("java answered %d cases of %d", len(vs), want)
	}
	counts, deviations := map[string]int{}, map[string]int{}
	for _, v := range vs {
		counts[v.op+" "+v.status]++
		if d := check(t, v); d != "" {
			deviations[d]++
		}
	}
	t.Logf("%d cases: %v; deviations allowed: %v", len(vs), counts, deviations)
}
