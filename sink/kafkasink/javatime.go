package kafkasink

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/connectkit/connectkit/internal/javatime"
)

// TimeFormat parses date-times written in a Java DateTimeFormatter pattern,
// as kakao's LocalDateTime.parse(text, DateTimeFormatter.ofPattern(format))
// does with the default SMART resolver: a day past the end of its month is
// clamped to it (2022-02-30 is 2022-02-28), 24:00 is midnight of the next
// day, and a pattern without an hour cannot give a date-time. Every letter
// kakao's users write is supported, optional sections [...] included; the
// few java.time letters that are not are listed, with the other deviations,
// in docs/compat/javatime.md.
//
// Unlike kakao, which read the local date-time and dropped any offset, a
// text that carries an offset (X, x, Z, O) or a zone ID (VV) is read in
// it; other texts are read in the zone given to Parse.
type TimeFormat struct {
	f *javatime.Formatter
}

// ParseTimeFormat compiles a DateTimeFormatter pattern. A pattern that
// cannot give a date and a time of day (kakao's default yyyy-MM-dd, with
// which kakao silently used the current time) is refused.
func ParseTimeFormat(pattern string) (*TimeFormat, error) {
	f, err := javatime.Compile(pattern)
	if err != nil {
		return nil, err
	}
	// A pattern that can read back what it prints gives a date-time.
	ref := time.Date(2022, 11, 28, 12, 5, 24, 645_000_000, time.UTC)
	text, err := f.Format(ref, nil)
	if err == nil {
		var p *javatime.Parsed
		if p, err = f.Parse(text); err == nil {
			_, err = p.LocalDateTime()
		}
	}
	if err != nil {
		if strings.Contains(err.Error(), "gives no") {
			return nil, fmt.Errorf("pattern %q does not give a date and time of day: it needs a year, month, day and hour", pattern)
		}
		return nil, fmt.Errorf("pattern %q cannot be used to read timestamps: %w", pattern, err)
	}
	return &TimeFormat{f: f}, nil
}

// String returns the pattern.
func (f *TimeFormat) String() string { return f.f.String() }

// Parse reads s, which must match the whole pattern, as a date-time in loc
// unless s carries its own offset or zone.
func (f *TimeFormat) Parse(s string, loc *time.Location) (time.Time, error) {
	p, err := f.f.Parse(s)
	if err != nil {
		return time.Time{}, err
	}
	l, err := p.LocalDateTime()
	if err != nil {
		return time.Time{}, err
	}
	if off, ok := p.Offset(); ok {
		loc = time.FixedZone("", off)
	} else if z, ok := p.Zone(); ok {
		loc = z.Location()
	}
	return l.In(loc), nil
}

// errNoTimestamp is wrapped when a record has no usable timestamp.
var errNoTimestamp = errors.New("no timestamp")
