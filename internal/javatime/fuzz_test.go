package javatime

import (
	"testing"
	"time"
)

// FuzzPattern compiles patterns, prints instants with them and parses
// texts: no panic, and whatever a pattern without text names, 12-hour
// clocks, short years or optional sections prints for an instant reads
// back as the same local date-time.
func FuzzPattern(f *testing.F) {
	for _, p := range []string{"yyyyMMdd HHmmss SSS", "yyyy-MM-dd'T'HH:mm:ss[.SSS]X", "uuuu-MM-dd HH:mm:ss.SSSSSSSSS VV",
		"EEE, dd MMM yyyy HH:mm:ss Z", "yyyy-DDD k:m:s n OOOO", "[[yyyy]]''x", "G y", "{", "'"} {
		f.Add(p, "2022-11-28T12:05:24.645Z", int64(1669637124), int64(645_000_000))
	}
	f.Fuzz(func(t *testing.T, pattern, text string, sec, nano int64) {
		fm, err := Compile(pattern)
		if err != nil {
			return
		}
		if p, err := fm.Parse(text); err == nil {
			_, _ = p.LocalDateTime()
			_, _ = p.OffsetDateTime(MustParseZone("+01:00"))
		}
		inst := time.Unix(sec%(400_000_000_000), nano%1_000_000_000).In(time.FixedZone("", 3600))
		printed, err := fm.Format(inst, nil)
		if err != nil {
			return
		}
		p, err := fm.Parse(printed)
		if err != nil {
			return // not every pattern reads what it prints (narrow names, z, ambiguous adjacent numbers)
		}
		l, err := p.LocalDateTime()
		if err != nil || !roundTrips(fm) || inst.Year() <= 0 {
			return // a year of era has no sign: years before 1 AD do not round-trip without G
		}
		want := LocalDateTime{inst.Year(), inst.Month(), inst.Day(), inst.Hour(), inst.Minute(), inst.Second(), l.Nanosecond}
		if l.Year != want.Year || l.Month != want.Month || l.Day != want.Day || l.Hour != want.Hour || l.Minute != want.Minute {
			t.Errorf("pattern %q printed %v as %q, which reads back as %v", pattern, inst, printed, l)
		}
	})
}

// roundTrips reports whether a pattern's printing keeps the year, month,
// day, hour and minute: numbers only (no names, no optional sections),
// full years, a 24-hour clock.
func roundTrips(f *Formatter) bool {
	seen := map[field]bool{}
	prevNumber := false
	for _, it := range f.items {
		switch it.kind {
		case kOptional, kReduced, kText, kZoneText, kOffset, kLocalOffset, kZoneID:
			// Names, and offsets next to numbers ("GMT+1" then "28"),
			// print text that reads back otherwise, in Java too.
			return false
		case kNumber, kFraction:
			if prevNumber && it.min != it.max {
				return false // two numbers run together ("135" for 13 and 5)
			}
			seen[it.field] = true
			prevNumber = true
			continue
		}
		prevNumber = false
	}
	return (seen[fYear] || seen[fYearOfEra]) && seen[fMonth] && seen[fDayOfMonth] && seen[fHourOfDay] && seen[fMinute]
}
