package javatime

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Format prints t, in its own location, as DateTimeFormatter.format prints
// the ZonedDateTime of the same instant in zone (t.Location() when zone is
// nil). Optional sections are printed: a date-time has every field.
func (f *Formatter) Format(t time.Time, zone *Zone) (string, error) {
	if zone != nil {
		t = t.In(zone.loc)
	} else {
		zone = zoneOf(t)
	}
	var b strings.Builder
	if err := formatItems(&b, f.items, t, zone); err != nil {
		return "", fmt.Errorf("javatime: format %s with %q: %w", t.Format(time.RFC3339Nano), f.pattern, err)
	}
	return b.String(), nil
}

// zoneOf names t's location as a Java ZoneId: a location without a name
// (time.FixedZone("", s)) is a ZoneOffset.
func zoneOf(t time.Time) *Zone {
	loc := t.Location()
	if name := loc.String(); name != "" && name != "Local" {
		if z, err := ParseZone(name); err == nil {
			return z
		}
		return &Zone{id: name, loc: loc}
	}
	_, off := t.Zone()
	return offsetZone(off)
}

func formatItems(b *strings.Builder, items []item, t time.Time, zone *Zone) error {
	for i := range items {
		it := &items[i]
		switch it.kind {
		case kLiteral:
			b.WriteString(it.lit)
		case kOptional:
			if err := formatItems(b, it.optional, t, zone); err != nil {
				return err
			}
		case kNumber, kReduced:
			if err := formatNumber(b, it, value(it.field, t)); err != nil {
				return err
			}
		case kFraction:
			frac := fmt.Sprintf("%09d", t.Nanosecond())
			b.WriteString(frac[:it.max])
		case kText:
			names, first := texts(it.field, it.style)
			b.WriteString(names[value(it.field, t)-first])
		case kOffset:
			_, off := t.Zone()
			formatOffset(b, off, it.offType, it.noOffset)
		case kLocalOffset:
			_, off := t.Zone()
			formatLocalOffset(b, off, it.style)
		case kZoneID:
			b.WriteString(zone.id)
		case kZoneText:
			if zone.fixed {
				b.WriteString(zone.id)
			} else {
				name, _ := t.Zone()
				b.WriteString(name)
			}
		}
	}
	return nil
}

// value is a field of t, as ZonedDateTime.getLong gives it.
func value(f field, t time.Time) int64 {
	y := int64(t.Year())
	switch f {
	case fEra:
		if y > 0 {
			return 1
		}
		return 0
	case fYearOfEra:
		if y > 0 {
			return y
		}
		return 1 - y
	case fYear:
		return y
	case fMonth:
		return int64(t.Month())
	case fDayOfMonth:
		return int64(t.Day())
	case fDayOfYear:
		return int64(t.YearDay())
	case fDayOfWeek:
		return int64((int(t.Weekday())+6)%7 + 1)
	case fAmPm:
		return int64(t.Hour() / 12)
	case fHourOfDay:
		return int64(t.Hour())
	case fClockHourOfDay:
		if t.Hour() == 0 {
			return 24
		}
		return int64(t.Hour())
	case fHourOfAmPm:
		return int64(t.Hour() % 12)
	case fClockHourOfAmPm:
		if h := t.Hour() % 12; h != 0 {
			return int64(h)
		}
		return 12
	case fMinute:
		return int64(t.Minute())
	case fSecond:
		return int64(t.Second())
	case fNano:
		return int64(t.Nanosecond())
	case fNanoOfDay:
		return (int64(t.Hour())*3600+int64(t.Minute())*60+int64(t.Second()))*1e9 + int64(t.Nanosecond())
	case fMilliOfDay:
		return (int64(t.Hour())*3600+int64(t.Minute())*60+int64(t.Second()))*1000 + int64(t.Nanosecond())/1e6
	}
	return 0
}

// formatNumber is NumberPrinterParser.format (and ReducedPrinterParser's
// for two-digit years).
func formatNumber(b *strings.Builder, it *item, v int64) error {
	if it.kind == kReduced {
		if v < 0 {
			v = -v
		}
		v %= 100
	}
	abs := v
	if abs < 0 {
		abs = -abs
	}
	digits := strconv.FormatInt(abs, 10)
	if len(digits) > it.max {
		return fmt.Errorf("field %s cannot be printed as the value %d exceeds the maximum print width of %d", it.field, v, it.max)
	}
	switch {
	case v >= 0 && it.sign == signExceedsPad && it.min < 19 && len(digits) > it.min:
		b.WriteByte('+')
	case v < 0 && it.sign == signNotNegative:
		return fmt.Errorf("field %s cannot be printed as the value %d cannot be negative", it.field, v)
	case v < 0:
		b.WriteByte('-')
	}
	for i := len(digits); i < it.min; i++ {
		b.WriteByte('0')
	}
	b.WriteString(digits)
	return nil
}

// formatOffset is OffsetIdPrinterParser.format.
func formatOffset(b *strings.Builder, secs, typ int, noOffset string) {
	if secs == 0 {
		b.WriteString(noOffset)
		return
	}
	abs := secs
	if abs < 0 {
		abs = -abs
	}
	h, m, s := abs/3600%100, abs/60%60, abs%60
	colon := strings.Contains(offsetPatterns[typ], ":")
	var out strings.Builder
	if secs < 0 {
		out.WriteByte('-')
	} else {
		out.WriteByte('+')
	}
	fmt.Fprintf(&out, "%02d", h)
	total := h
	if typ >= 3 && typ <= 8 || typ >= 9 && s > 0 || typ >= 1 && m > 0 {
		if colon {
			out.WriteByte(':')
		}
		fmt.Fprintf(&out, "%02d", m)
		total += m
		if typ == 7 || typ == 8 || typ >= 5 && s > 0 {
			if colon {
				out.WriteByte(':')
			}
			fmt.Fprintf(&out, "%02d", s)
			total += s
		}
	}
	if total == 0 {
		b.WriteString(noOffset)
		return
	}
	b.WriteString(out.String())
}

// formatLocalOffset is LocalizedOffsetIdPrinterParser.format: GMT+8,
// GMT+08:00.
func formatLocalOffset(b *strings.Builder, secs int, style textStyle) {
	b.WriteString("GMT")
	if secs == 0 {
		return
	}
	abs := secs
	if abs < 0 {
		abs = -abs
	}
	h, m, s := abs/3600%100, abs/60%60, abs%60
	if secs < 0 {
		b.WriteByte('-')
	} else {
		b.WriteByte('+')
	}
	if style == styleFull {
		fmt.Fprintf(b, "%02d:%02d", h, m)
		if s != 0 {
			fmt.Fprintf(b, ":%02d", s)
		}
		return
	}
	fmt.Fprintf(b, "%d", h)
	if m != 0 || s != 0 {
		fmt.Fprintf(b, ":%02d", m)
		if s != 0 {
			fmt.Fprintf(b, ":%02d", s)
		}
	}
}
