package javatime

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// vector is one case of testdata/vectors.tsv and java.time's answer.
type vector struct {
	op, pattern, zone, input string
	status, result           string // OK, ERR or BADPATTERN; the result or Java's message
}

func (v vector) String() string {
	return fmt.Sprintf("%s %q zone=%q input=%q", v.op, v.pattern, v.zone, v.input)
}

func readVectors(t testing.TB, r *bufio.Scanner) []vector {
	t.Helper()
	var out []vector
	for r.Scan() {
		line := r.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			t.Fatalf("vector %q: want 6 tab-separated fields, got %d", line, len(f))
		}
		out = append(out, vector{f[0], f[1], f[2], f[3], f[4], f[5]})
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// run does what JavaTime.java does for a case, with this package, and
// returns the status and result in the same form.
func run(v vector) (status, result string) {
	f, err := Compile(v.pattern)
	if err != nil {
		return "BADPATTERN", err.Error()
	}
	switch v.op {
	case "local":
		p, err := f.Parse(v.input)
		if err != nil {
			return "ERR", err.Error()
		}
		l, err := p.LocalDateTime()
		if err != nil {
			return "ERR", err.Error()
		}
		return "OK", l.String()
	case "offset":
		zone, err := ParseZone(v.zone)
		if err != nil {
			return "ERR", err.Error()
		}
		p, err := f.Parse(v.input)
		if err != nil {
			return "ERR", err.Error()
		}
		t, err := p.OffsetDateTime(zone)
		if err != nil {
			return "ERR", err.Error()
		}
		_, off := t.Zone()
		l := LocalDateTime{t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond()}
		return "OK", l.String() + " " + offsetID(off)
	case "format":
		zone, err := ParseZone(v.zone)
		if err != nil {
			return "ERR", err.Error()
		}
		sec, nano, _ := strings.Cut(v.input, ".")
		s, _ := strconv.ParseInt(sec, 10, 64)
		n, _ := strconv.ParseInt(nano, 10, 64)
		out, err := f.Format(time.Unix(s, n), zone)
		if err != nil {
			return "ERR", err.Error()
		}
		return "OK", out
	}
	return "ERR", "unknown op " + v.op
}

// check compares this package's answer with Java's, allowing only the
// listed deviations, and returns the deviation it allowed, if any.
func check(t *testing.T, v vector) string {
	t.Helper()
	status, result := run(v)
	if status == v.status && (status != "OK" || result == v.result) {
		return ""
	}
	if reason := deviation(v, status); reason != "" {
		return reason
	}
	t.Errorf("%s:\n  java: %s %s\n  go:   %s %s", v, v.status, v.result, status, result)
	return ""
}

// deviation returns why a disagreement with Java is accepted, "" if it is
// not. Each is listed in docs/compat/javatime.md.
func deviation(v vector, goStatus string) string {
	// Unsupported letters: Java accepts them, this package refuses the
	// pattern (never a wrong answer).
	if goStatus == "BADPATTERN" && v.status != "BADPATTERN" {
		f := unsupportedLetters(v.pattern)
		if f != "" {
			return "pattern letters not supported: " + f
		}
	}
	// Narrow names and zone names are printed but not parsed.
	if goStatus == "ERR" && v.op != "format" && (strings.Contains(v.pattern, "MMMMM") || strings.Contains(v.pattern, "EEEEE") ||
		strings.Contains(v.pattern, "GGGGG") || strings.Contains(v.pattern, "z")) {
		return "narrow names and zone names are not parsed"
	}
	// Zone names (z) are Go's time zone abbreviations.
	if v.op == "format" && strings.Contains(v.pattern, "z") {
		return "zone names are the time zone database's abbreviations"
	}
	return ""
}

func unsupportedLetters(pattern string) string {
	var out []string
	inQuote := false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if c == '\'' {
			inQuote = !inQuote
			continue
		}
		if !inQuote && strings.IndexByte("YwWecQqFgvpB", c) >= 0 {
			out = append(out, string(c))
		}
		if !inQuote && c == 'z' && strings.Contains(pattern[i:], "zzzz") {
			out = append(out, "zzzz")
		}
	}
	return strings.Join(out, ",")
}

// TestGolden checks every hand-picked case against java.time's answer,
// made by testdata/gen/generate.sh.
func TestGolden(t *testing.T) {
	f, err := os.Open("testdata/vectors.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	vs := readVectors(t, bufio.NewScanner(f))
	if len(vs) < 600 {
		t.Fatalf("only %d vectors", len(vs))
	}
	deviations := map[string]int{}
	for _, v := range vs {
		if d := check(t, v); d != "" {
			deviations[d]++
		}
	}
	t.Logf("%d vectors; deviations allowed: %v", len(vs), deviations)
}
