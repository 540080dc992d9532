package httpsource

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/connectkit/connectkit/internal/javatime"
)

// javaPattern is a java.time DateTimeFormatter pattern, compiled by
// internal/javatime, the one implementation the connectors share.
type javaPattern struct {
	f *javatime.Formatter
}

// compileJavaPattern compiles a pattern as DateTimeFormatter.ofPattern
// does (optional sections, fractions, offsets and zone IDs included; see
// docs/compat/javatime.md for the few letters that are not supported).
func compileJavaPattern(p string) (*javaPattern, error) {
	f, err := javatime.Compile(p)
	if err != nil {
		return nil, err
	}
	return &javaPattern{f: f}, nil
}

// Parse reads s as castorm's OffsetDateTime.parse(s,
// formatter.withZone(zone)) does, in loc unless s carries its own offset
// or zone ID. Unlike java.time, a text without an offset is also read when
// loc is a region (UTC, Europe/Paris), at the offset loc has then; Java
// refuses it, and castorm fails the record.
func (p *javaPattern) Parse(s string, loc *time.Location) (time.Time, error) {
	parsed, err := p.f.Parse(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("timestamp %q does not match pattern %q: %w", s, p.f, err)
	}
	l, err := parsed.LocalDateTime()
	if err != nil {
		return time.Time{}, fmt.Errorf("timestamp %q with pattern %q: %w", s, p.f, err)
	}
	if off, ok := parsed.Offset(); ok {
		loc = time.FixedZone("", off)
	} else if z, ok := parsed.Zone(); ok {
		loc = z.Location()
	}
	return l.In(loc), nil
}

// Format prints t in loc, as DateTimeFormatter.format prints the
// ZonedDateTime of the same instant. A value too wide for its field (a
// year past 9999 for yy is not one: it is cut) prints Java's error
// instead.
func (p *javaPattern) Format(t time.Time, loc *time.Location) string {
	s, err := p.f.Format(t.In(loc), nil)
	if err != nil {
		return err.Error()
	}
	return s
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
