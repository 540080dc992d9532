package httpsource

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// javaPattern is a java.time DateTimeFormatter pattern compiled to Go
// layouts: layouts for parsing, one per combination of optional sections
// and offset styles, and one for formatting (optional sections printed, as
// java.time prints them).
type javaPattern struct {
	source string
	parse  []string
	format string
}

// maxOptionalSections bounds the layouts a pattern expands to.
const maxOptionalSections = 4

// compileJavaPattern translates the pattern letters castorm's users write
// (y u M d H h m s S a E X x Z z, 'quoted text', [optional sections]) to Go
// layouts. Fractions are looser than java.time: Go accepts any number of
// fraction digits after the seconds, so a pattern with [.SSS] also reads
// nanosecond timestamps, which castorm cannot.
func compileJavaPattern(p string) (*javaPattern, error) {
	var (
		alts     = []string{""} // parse layouts built so far
		fmtOut   strings.Builder
		depth    int
		saved    [][]string // alts at each open '['
		sections int
	)
	appendAll := func(s string, offsets bool) {
		if !offsets {
			for i := range alts {
				alts[i] += s
			}
			return
		}
		var next []string
		for _, a := range alts {
			for _, v := range offsetLayouts {
				next = append(next, a+v)
			}
		}
		alts = next
	}
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			lit, n, err := javaQuoted(p, i)
			if err != nil {
				return nil, err
			}
			appendAll(lit, false)
			fmtOut.WriteString(lit)
			i = n
		case c == '[':
			if sections++; sections > maxOptionalSections {
				return nil, fmt.Errorf("pattern %q: more than %d optional sections", p, maxOptionalSections)
			}
			saved = append(saved, append([]string(nil), alts...))
			depth++
			i++
		case c == ']':
			if depth == 0 {
				return nil, fmt.Errorf("pattern %q: ']' without '['", p)
			}
			depth--
			without := saved[len(saved)-1]
			saved = saved[:len(saved)-1]
			alts = append(alts, without...)
			i++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			n := 1
			for i+n < len(p) && p[i+n] == c {
				n++
			}
			layout, offsets, err := javaLetter(c, n)
			if err != nil {
				return nil, fmt.Errorf("pattern %q: %w", p, err)
			}
			// ".SSS" becomes Go's ".000": the dot belongs to the fraction.
			if c == 'S' {
				if fs := fmtOut.String(); strings.HasSuffix(fs, ".") || strings.HasSuffix(fs, ",") {
					sep := fs[len(fs)-1:]
					fmtOut.Reset()
					fmtOut.WriteString(fs[:len(fs)-1])
					for j := range alts {
						alts[j] = strings.TrimSuffix(alts[j], sep)
					}
					layout = sep + layout
				} else {
					return nil, fmt.Errorf("pattern %q: S (fraction) must follow a '.' or ','", p)
				}
				// Go reads any fraction after the seconds even when the
				// layout has none, so parsing drops it.
				fmtOut.WriteString(layout)
				i += n
				continue
			}
			appendAll(layout, offsets)
			if offsets {
				fmtOut.WriteString(offsetLayouts[0])
			} else {
				fmtOut.WriteString(layout)
			}
			i += n
		default:
			appendAll(string(c), false)
			fmtOut.WriteByte(c)
			i++
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("pattern %q: '[' without ']'", p)
	}
	return &javaPattern{source: p, parse: dedupe(alts), format: fmtOut.String()}, nil
}

// offsetLayouts are the offset styles parsing accepts wherever the pattern
// has an offset letter: java.time's X, XX and XXX read only one each, but a
// timestamp that carries its offset should not fail for its punctuation.
var offsetLayouts = []string{"Z07:00", "Z0700", "Z07"}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	out := s[:0]
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func javaQuoted(p string, i int) (string, int, error) {
	if i+1 < len(p) && p[i+1] == '\'' {
		return "'", i + 2, nil
	}
	var b strings.Builder
	for j := i + 1; j < len(p); j++ {
		if p[j] != '\'' {
			b.WriteByte(p[j])
			continue
		}
		if j+1 < len(p) && p[j+1] == '\'' {
			b.WriteByte('\'')
			j++
			continue
		}
		return b.String(), j + 1, nil
	}
	return "", 0, fmt.Errorf("pattern %q: unterminated quote", p)
}

// javaLetter returns the Go layout of a run of n pattern letters c, and
// whether it is an offset.
func javaLetter(c byte, n int) (string, bool, error) {
	pick := func(layouts ...string) (string, bool, error) {
		if n-1 < len(layouts) {
			return layouts[n-1], false, nil
		}
		return layouts[len(layouts)-1], false, nil
	}
	switch c {
	case 'y', 'u':
		if n == 2 {
			return "06", false, nil
		}
		return "2006", false, nil
	case 'M', 'L':
		return pick("1", "01", "Jan", "January")
	case 'd':
		return pick("2", "02")
	case 'H':
		return "15", false, nil
	case 'h':
		return pick("3", "03")
	case 'm':
		return pick("4", "04")
	case 's':
		return pick("5", "05")
	case 'S':
		return strings.Repeat("0", n), false, nil
	case 'a':
		return "PM", false, nil
	case 'E':
		if n >= 4 {
			return "Monday", false, nil
		}
		return "Mon", false, nil
	case 'X', 'x', 'Z':
		return "", true, nil
	case 'z', 'v', 'V':
		return "MST", false, nil
	}
	return "", false, fmt.Errorf("pattern letter %q is not supported", string(c))
}

// Parse reads s in loc unless s carries its own offset.
func (p *javaPattern) Parse(s string, loc *time.Location) (time.Time, error) {
	var first error
	for _, l := range p.parse {
		t, err := time.ParseInLocation(l, s, loc)
		if err == nil {
			return t, nil
		}
		if first == nil {
			first = err
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q does not match pattern %q: %w", s, p.source, first)
}

// Format prints t in loc.
func (p *javaPattern) Format(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(p.format)
}

// formatInstant prints t as Java's Instant.toString does, the form castorm
// stores in offsets: UTC, seconds always, and a fraction of 3, 6 or 9
// digits only when it is not zero.
func formatInstant(t time.Time) string {
	t = t.UTC()
	b := t.AppendFormat(make([]byte, 0, 30), "2006-01-02T15:04:05")
	if ns := t.Nanosecond(); ns != 0 {
		digits := 9
		switch {
		case ns%1e6 == 0:
			digits, ns = 3, ns/1e6
		case ns%1e3 == 0:
			digits, ns = 6, ns/1e3
		}
		frac := strconv.Itoa(ns)
		b = append(b, '.')
		for range digits - len(frac) {
			b = append(b, '0')
		}
		b = append(b, frac...)
	}
	return string(append(b, 'Z'))
}

var errNotInstant = errors.New("expected an ISO-8601 instant such as 2020-01-01T00:00:00Z, or epoch milliseconds")

// parseInstant reads an offset's timestamp: the ISO-8601 instant castorm
// writes, or epoch milliseconds, which castorm refuses (its issue 73).
func parseInstant(s string) (time.Time, error) {
	if isDigits(s) {
		ms, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, errNotInstant
		}
		return time.UnixMilli(ms).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, errNotInstant
	}
	return t.UTC(), nil
}

func isDigits(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
