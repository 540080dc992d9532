package javatime

import (
	"fmt"
	"time"
)

// LocalDateTime is a date and time of day without a zone, as Java's
// LocalDateTime.
type LocalDateTime struct {
	Year                                  int
	Month                                 time.Month
	Day, Hour, Minute, Second, Nanosecond int
}

// In returns the date-time in loc. As java.time's atZone does, a time that
// a transition skips moves forward by the gap, and one it repeats takes
// the earlier offset.
func (l LocalDateTime) In(loc *time.Location) time.Time {
	return time.Date(l.Year, l.Month, l.Day, l.Hour, l.Minute, l.Second, l.Nanosecond, loc)
}

// String prints the date-time as Java's LocalDateTime.toString does.
func (l LocalDateTime) String() string {
	s := fmt.Sprintf("%s-%02d-%02dT%02d:%02d", isoYear(l.Year), int(l.Month), l.Day, l.Hour, l.Minute)
	if l.Second != 0 || l.Nanosecond != 0 {
		s += fmt.Sprintf(":%02d", l.Second)
		switch ns := l.Nanosecond; {
		case ns == 0:
		case ns%1_000_000 == 0:
			s += fmt.Sprintf(".%03d", ns/1_000_000)
		case ns%1000 == 0:
			s += fmt.Sprintf(".%06d", ns/1000)
		default:
			s += fmt.Sprintf(".%09d", ns)
		}
	}
	return s
}

// isoYear prints a year as LocalDate.toString does.
func isoYear(y int) string {
	switch {
	case y > 9999:
		return fmt.Sprintf("+%d", y)
	case y < 0 && y > -10000:
		return fmt.Sprintf("-%04d", -y)
	case y < 0:
		return fmt.Sprintf("%d", y)
	}
	return fmt.Sprintf("%04d", y)
}

// resolved is the outcome of the SMART resolver: a date and a time when
// the fields gave them.
type resolved struct {
	date    bool
	y, d    int
	m       time.Month
	time    bool
	h, mi   int
	s, n    int
	nextDay bool // 24:00 was read
}

func (p *Parsed) fail(format string, args ...any) error {
	return &ParseError{Text: p.text, Pattern: p.pattern, Index: -1, Reason: fmt.Sprintf(format, args...)}
}

// resolve is Parsed.resolve with the ISO chronology and ResolverStyle.SMART
// for the fields this package parses.
func (p *Parsed) resolve() (resolved, error) {
	var r resolved
	vals, has := p.vals, p.has
	take := func(f field) (int64, bool) {
		v, ok := vals[f], has[f]
		has[f] = false
		return v, ok
	}
	var conflict error
	put := func(from, to field, v int64) {
		if has[to] && vals[to] != v && conflict == nil {
			conflict = p.fail("conflict found: %s %d differs from %s %d while resolving %s", from, vals[to], from, v, to)
		}
		vals[to], has[to] = v, true
	}

	// The date: the year from the year of era (no era: AD), then year,
	// month and day, or year and day of year.
	if yoe, ok := take(fYearOfEra); ok {
		if err := fYearOfEra.checkValid(yoe); err != nil {
			return r, p.fail("%v", err)
		}
		if era, ok := take(fEra); ok {
			if era == 1 {
				put(fYearOfEra, fYear, yoe)
			} else {
				put(fYearOfEra, fYear, 1-yoe)
			}
		} else if !has[fYear] || vals[fYear] > 0 {
			put(fYearOfEra, fYear, yoe)
		} else {
			put(fYearOfEra, fYear, 1-yoe)
		}
	}
	if conflict != nil {
		return r, conflict
	}
	if has[fYear] && has[fMonth] && has[fDayOfMonth] {
		y, _ := take(fYear)
		m, _ := take(fMonth)
		d, _ := take(fDayOfMonth)
		for _, c := range []struct {
			f field
			v int64
		}{{fYear, y}, {fMonth, m}, {fDayOfMonth, d}} {
			if err := c.f.checkValid(c.v); err != nil {
				return r, p.fail("%v", err)
			}
		}
		// SMART: a day past the end of the month is its last day.
		if last := daysIn(time.Month(m), int(y)); d > int64(last) {
			d = int64(last)
		}
		r.date, r.y, r.m, r.d = true, int(y), time.Month(m), int(d)
	} else if has[fYear] && has[fDayOfYear] {
		y, _ := take(fYear)
		doy, _ := take(fDayOfYear)
		if err := fYear.checkValid(y); err != nil {
			return r, p.fail("%v", err)
		}
		if err := fDayOfYear.checkValid(doy); err != nil {
			return r, p.fail("%v", err)
		}
		if doy == 366 && !isLeap(int(y)) {
			return r, p.fail("invalid date 'DayOfYear 366' as '%d' is not a leap year", y)
		}
		t := time.Date(int(y), 1, int(doy), 0, 0, 0, 0, time.UTC)
		r.date, r.y, r.m, r.d = true, int(y), t.Month(), t.Day()
	}

	// The time of day.
	if ch, ok := take(fClockHourOfDay); ok {
		if ch != 0 {
			if err := fClockHourOfDay.checkValid(ch); err != nil {
				return r, p.fail("%v", err)
			}
		}
		if ch == 24 {
			ch = 0
		}
		put(fClockHourOfDay, fHourOfDay, ch)
	}
	if ch, ok := take(fClockHourOfAmPm); ok {
		if ch != 0 {
			if err := fClockHourOfAmPm.checkValid(ch); err != nil {
				return r, p.fail("%v", err)
			}
		}
		if ch == 12 {
			ch = 0
		}
		put(fClockHourOfAmPm, fHourOfAmPm, ch)
	}
	if has[fAmPm] && has[fHourOfAmPm] {
		ap, _ := take(fAmPm)
		hap, _ := take(fHourOfAmPm)
		if err := fAmPm.checkValid(ap); err != nil {
			return r, p.fail("%v", err)
		}
		if err := fHourOfAmPm.checkValid(hap); err != nil {
			return r, p.fail("%v", err)
		}
		put(fAmPm, fHourOfDay, ap*12+hap)
	}
	if nod, ok := take(fNanoOfDay); ok {
		if err := fNanoOfDay.checkValid(nod); err != nil {
			return r, p.fail("%v", err)
		}
		sod := nod / 1e9
		put(fNanoOfDay, fHourOfDay, sod/3600)
		put(fNanoOfDay, fMinute, sod/60%60)
		put(fNanoOfDay, fSecond, sod%60)
		put(fNanoOfDay, fNano, nod%1e9)
	}
	if mod, ok := take(fMilliOfDay); ok {
		if err := fMilliOfDay.checkValid(mod); err != nil {
			return r, p.fail("%v", err)
		}
		sod := mod / 1000
		put(fMilliOfDay, fHourOfDay, sod/3600)
		put(fMilliOfDay, fMinute, sod/60%60)
		put(fMilliOfDay, fSecond, sod%60)
		if has[fNano] {
			put(fMilliOfDay, fNano, mod%1000*1_000_000+vals[fNano]%1_000_000)
		} else {
			put(fMilliOfDay, fNano, mod%1000*1_000_000)
		}
	}
	if conflict != nil {
		return r, conflict
	}
	if has[fNano] {
		if err := fNano.checkValid(vals[fNano]); err != nil {
			return r, p.fail("%v", err)
		}
	}
	if !has[fHourOfDay] && has[fAmPm] && !has[fHourOfAmPm] {
		// Since Java 16 an AM or PM alone is the middle of its half of
		// the day, 06:00 or 18:00.
		if err := fAmPm.checkValid(vals[fAmPm]); err != nil {
			return r, p.fail("%v", err)
		}
		vals[fHourOfDay], has[fHourOfDay] = vals[fAmPm]*12+6, true
	}
	if has[fHourOfDay] {
		_, hasM := vals[fMinute], has[fMinute]
		hasS, hasN := has[fSecond], has[fNano]
		// An hour alone is a time; a second without minutes, or a
		// fraction without seconds, is not.
		if !(!hasM && (hasS || hasN)) && !(hasM && !hasS && hasN) {
			h, _ := take(fHourOfDay)
			mi, _ := take(fMinute)
			s, _ := take(fSecond)
			n, _ := take(fNano)
			if err := fMinute.checkValid(mi); err != nil {
				return r, p.fail("%v", err)
			}
			if err := fNano.checkValid(n); err != nil {
				return r, p.fail("%v", err)
			}
			if h == 24 && mi == 0 && s == 0 && n == 0 {
				r.nextDay = true
				h = 0
			} else {
				if err := fHourOfDay.checkValid(h); err != nil {
					return r, p.fail("%v", err)
				}
				if err := fSecond.checkValid(s); err != nil {
					return r, p.fail("%v", err)
				}
			}
			r.time, r.h, r.mi, r.s, r.n = true, int(h), int(mi), int(s), int(n)
		}
	}
	if r.date && r.nextDay {
		t := time.Date(r.y, r.m, r.d+1, 0, 0, 0, 0, time.UTC)
		r.y, r.m, r.d = t.Year(), t.Month(), t.Day()
	}

	// Fields left over must agree with the date and time they belong to.
	for f := field(0); f < numFields; f++ {
		if !has[f] {
			continue
		}
		var want int64
		switch {
		case r.date && f == fDayOfWeek:
			wd := time.Date(r.y, r.m, r.d, 0, 0, 0, 0, time.UTC).Weekday()
			want = int64((int(wd)+6)%7 + 1)
		case r.date && f == fEra:
			want = 1
			if r.y <= 0 {
				want = 0
			}
		case r.date && f == fYear:
			want = int64(r.y)
		case r.date && f == fMonth:
			want = int64(r.m)
		case r.date && f == fDayOfMonth:
			want = int64(r.d)
		case r.date && f == fDayOfYear:
			want = int64(time.Date(r.y, r.m, r.d, 0, 0, 0, 0, time.UTC).YearDay())
		case r.time && f == fAmPm:
			want = int64(r.h / 12)
		case r.time && f == fHourOfAmPm:
			want = int64(r.h % 12)
		case r.time && f == fHourOfDay:
			want = int64(r.h)
		case r.time && f == fMinute:
			want = int64(r.mi)
		case r.time && f == fSecond:
			want = int64(r.s)
		case r.time && f == fNano:
			want = int64(r.n)
		default:
			continue // unresolved: only matters if what it leaves out is needed
		}
		if vals[f] != want {
			return r, p.fail("conflict found: field %s %d differs from %s %d derived from the date-time", f, vals[f], f, want)
		}
	}
	return r, nil
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// LocalDateTime resolves the fields as LocalDateTime.parse(text, f) does:
// they must give a date and a time of day; an offset or zone read is
// ignored.
func (p *Parsed) LocalDateTime() (LocalDateTime, error) {
	r, err := p.resolve()
	if err != nil {
		return LocalDateTime{}, err
	}
	if !r.date || !r.time {
		return LocalDateTime{}, p.fail("unable to obtain LocalDateTime: the pattern gives no %s", missing(r))
	}
	return LocalDateTime{Year: r.y, Month: r.m, Day: r.d, Hour: r.h, Minute: r.mi, Second: r.s, Nanosecond: r.n}, nil
}

func missing(r resolved) string {
	switch {
	case !r.date && !r.time:
		return "date and no time of day"
	case !r.date:
		return "date"
	}
	return "time of day"
}

// OffsetDateTime resolves the fields as OffsetDateTime.parse(text,
// f.withZone(zone)) does: a date, a time of day and an offset, the offset
// read from the text or, when the text has none, that of zone if zone is a
// fixed offset. Java's zones of fixed offset are written Z, +01:00, and
// such; a region, UTC included, has no offset of its own here, as in
// java.time. zone may be nil.
func (p *Parsed) OffsetDateTime(zone *Zone) (time.Time, error) {
	r, err := p.resolve()
	if err != nil {
		return time.Time{}, err
	}
	if !r.date || !r.time {
		return time.Time{}, p.fail("unable to obtain OffsetDateTime: the pattern gives no %s", missing(r))
	}
	var offset int
	switch {
	case p.hasOffset:
		offset = p.offset
	case p.zone != nil:
		if !p.zone.fixed {
			return time.Time{}, p.fail("unable to obtain ZoneOffset: the zone %s read is not a fixed offset and the text has none", p.zone)
		}
		offset = p.zone.offset
	case zone != nil && zone.fixed:
		offset = zone.offset
	case zone != nil:
		return time.Time{}, p.fail("unable to obtain ZoneOffset: the text has no offset and the zone %s is not a fixed offset", zone.id)
	default:
		return time.Time{}, p.fail("unable to obtain ZoneOffset: the text has no offset")
	}
	return time.Date(r.y, r.m, r.d, r.h, r.mi, r.s, r.n, time.FixedZone(offsetID(offset), offset)), nil
}

// Offset returns the offset read from the text, in seconds east of UTC.
func (p *Parsed) Offset() (seconds int, ok bool) { return p.offset, p.hasOffset }

// Zone returns the zone ID read from the text (VV).
func (p *Parsed) Zone() (*Zone, bool) { return p.zone, p.zone != nil }
