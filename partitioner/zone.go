package partitioner

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// A zone is a time zone read the way Joda's DateTimeZone.forID reads the
// timezone key. Offsets are in milliseconds, as in Joda.
type zone struct {
	id    string         // Joda's ID, which ZZZ prints: "UTC", "+05:30", a tz ID
	loc   *time.Location // nil for UTC and fixed offsets
	fixed int64          // the offset when loc is nil
	utc   bool           // named "UTC" / "Coordinated Universal Time" by z
}

var utcZone = &zone{id: "UTC", utc: true}

// LoadLocation returns the time zone named id, read as Confluent reads its
// timezone setting (Joda-Time's DateTimeZone.forID): a tz database ID such
// as "America/New_York" or "Etc/GMT", "UTC" (also "UT" and "Z", and any zero
// offset), or a fixed offset such as "+05:30", "-08", "+0530" or
// "UTC+01:00", named as Joda names it ("+05:30"). Like Joda, it does not
// trim id and does not accept "Local". A sink can use it for timezone
// settings of its own, such as the one rotate.schedule.interval.ms needs.
//
// Region IDs come from the system's tz database (or Go's embedded copy, if
// the program imports time/tzdata); Joda carries its own copy, so zones
// whose rules changed recently may differ.
func LoadLocation(id string) (*time.Location, error) {
	z, err := loadZone(id)
	if err != nil {
		return nil, err
	}
	switch {
	case z.loc != nil:
		return z.loc, nil
	case z.utc:
		return time.UTC, nil
	}
	return time.FixedZone(z.id, int(z.fixed/msPerSecond)), nil
}

func loadZone(id string) (*zone, error) {
	if id == "UTC" {
		return utcZone, nil
	}
	if strings.HasPrefix(id, "+") || strings.HasPrefix(id, "-") {
		return offsetZone(id, id)
	}
	if z, ok := regionZone(id); ok {
		return z, nil
	}
	switch id {
	case "UT", "GMT", "Z":
		return utcZone, nil
	}
	for _, prefix := range []string{"UTC", "GMT", "UT"} {
		if rest, ok := strings.CutPrefix(id, prefix); ok && (strings.HasPrefix(rest, "+") || strings.HasPrefix(rest, "-")) {
			return offsetZone(id, rest)
		}
	}
	return nil, fmt.Errorf("unknown time zone %q: use a tz database ID such as America/New_York, UTC, or an offset such as +02:00", id)
}

// regionZone loads a tz database zone. Go also knows names that are no
// zones to Joda ("Local", and files such as "localtime" in the zoneinfo
// directory); those are refused.
func regionZone(id string) (*zone, bool) {
	switch id {
	case "", "Local", "localtime", "posixrules":
		return nil, false
	}
	loc, err := time.LoadLocation(id)
	if err != nil {
		return nil, false
	}
	// Joda names Etc/UTC's zone "UTC" in every locale.
	return &zone{id: id, loc: loc, utc: id == "Etc/UTC"}, true
}

// offsetZone reads a fixed offset, as Joda's DateTimeZone.forID does after
// the sign: hours, then optional minutes, seconds and milliseconds, with or
// without colons. Joda allows milliseconds; a Go zone cannot hold them.
func offsetZone(id, s string) (*zone, error) {
	ms, ok := parseOffset(s, false)
	if !ok {
		return nil, fmt.Errorf("invalid time zone offset %q: use ±HH, ±HH:mm or ±HH:mm:ss", id)
	}
	if ms == 0 {
		return utcZone, nil
	}
	if ms%msPerSecond != 0 {
		return nil, fmt.Errorf("time zone offset %q has fractions of a second, which are not supported", id)
	}
	return &zone{id: printOffset(ms), fixed: ms}, nil
}

// parseOffset reads a whole offset string such as "+05:30", as Joda's
// TimeZoneOffset parser does with at least hours and up to milliseconds.
// With zText, "Z" (in any case) reads as zero.
func parseOffset(s string, zText bool) (int64, bool) {
	n, ms := offsetPrefix(s, 0, zText)
	return ms, n == len(s)
}

// offsetPrefix parses an offset at s[i:] and returns where it ended, or -1.
func offsetPrefix(s string, i int, zText bool) (int, int64) {
	if zText && i < len(s) && (s[i] == 'Z' || s[i] == 'z') {
		return i + 1, 0
	}
	if len(s)-i <= 1 || s[i] != '+' && s[i] != '-' {
		return -1, 0
	}
	neg := s[i] == '-'
	i++
	if digitCount(s, i, 2) < 2 {
		return -1, 0
	}
	hours := twoDigits(s, i)
	if hours > 23 {
		return -1, 0
	}
	offset := hours * msPerHour
	i += 2
	sign := func(o int64) int64 {
		if neg {
			return -o
		}
		return o
	}
	if i >= len(s) {
		return i, sign(offset)
	}
	seps := false
	switch c := s[i]; {
	case c == ':':
		seps = true
		i++
	case c >= '0' && c <= '9':
	default:
		return i, sign(offset)
	}
	// minutes, then seconds
	for field, unit := 0, int64(msPerMinute); field < 2; field, unit = field+1, msPerSecond {
		if field == 1 {
			if i >= len(s) {
				return i, sign(offset)
			}
			if seps {
				if s[i] != ':' {
					return i, sign(offset)
				}
				i++
			}
		}
		count := digitCount(s, i, 2)
		if count == 0 && !seps {
			return i, sign(offset)
		} else if count < 2 {
			return -1, 0
		}
		v := twoDigits(s, i)
		if v > 59 {
			return -1, 0
		}
		offset += v * unit
		i += 2
	}
	if i >= len(s) {
		return i, sign(offset)
	}
	if seps {
		if s[i] != '.' && s[i] != ',' {
			return i, sign(offset)
		}
		i++
	}
	count := digitCount(s, i, 3)
	if count == 0 && !seps {
		return i, sign(offset)
	} else if count < 1 {
		return -1, 0
	}
	for k, scale := 0, int64(100); k < count; k, scale = k+1, scale/10 {
		offset += int64(s[i]-'0') * scale
		i++
	}
	return i, sign(offset)
}

func digitCount(s string, i, most int) int {
	n := 0
	for ; n < most && i+n < len(s) && s[i+n] >= '0' && s[i+n] <= '9'; n++ {
	}
	return n
}

func twoDigits(s string, i int) int64 { return int64(s[i]-'0')*10 + int64(s[i+1]-'0') }

// printOffset names a fixed offset as Joda does: "+05:30", "-08:00",
// "+05:30:15".
func printOffset(ms int64) string {
	b := make([]byte, 0, 16)
	if ms >= 0 {
		b = append(b, '+')
	} else {
		b = append(b, '-')
		ms = -ms
	}
	b = appendPadded(b, ms/msPerHour, 2)
	b = append(b, ':')
	b = appendPadded(b, ms%msPerHour/msPerMinute, 2)
	if s := ms % msPerMinute / msPerSecond; s != 0 {
		b = append(b, ':')
		b = appendPadded(b, s, 2)
	}
	return string(b)
}

// offset returns the zone's offset from UTC at instant, in milliseconds.
func (z *zone) offset(instant int64) int64 {
	if z.loc == nil {
		return z.fixed
	}
	_, sec := time.UnixMilli(instant).In(z.loc).Zone()
	return int64(sec) * msPerSecond
}

// nextTransition returns the first instant after instant at which the
// zone's offset or name changes, or instant itself if there is none, as
// Joda's DateTimeZone.nextTransition.
func (z *zone) nextTransition(instant int64) int64 {
	if z.loc == nil {
		return instant
	}
	_, end := time.UnixMilli(instant).In(z.loc).ZoneBounds()
	if end.IsZero() {
		return instant
	}
	return end.UnixMilli()
}

// name is what Joda's z (short) and zzzz (long) print. Only UTC and fixed
// offsets are named the same by every JVM and in both locales this package
// supports; configuration refuses z for other zones.
func (z *zone) name(long bool) string {
	switch {
	case !z.utc:
		return z.id
	case long:
		return "Coordinated Universal Time"
	}
	return "UTC"
}

// namesAreFixed reports whether z prints the same for every JVM, so that z
// may appear in path.format.
func (z *zone) namesAreFixed() bool { return z.utc || z.loc == nil }

var errOverflow = errors.New("the time zone offset overflows the timestamp")

// utcToLocal is Joda's DateTimeZone.convertUTCToLocal.
func (z *zone) utcToLocal(instant int64) (int64, error) {
	offset := z.offset(instant)
	local := instant + offset
	if (instant^local) < 0 && (instant^offset) >= 0 {
		return 0, errOverflow
	}
	return local, nil
}

// localToUTC is Joda's DateTimeZone.convertLocalToUTC(local, false): a local
// time in a gap (spring forward) is moved by the offset before the gap in
// the western hemisphere, and by the offset after it in the eastern, and
// one in an overlap (fall back) takes the earlier of its two instants in
// the east; this is where TimeBasedPartitioner's buckets get their DST
// behaviour.
func (z *zone) localToUTC(local int64) (int64, error) {
	offsetLocal := z.offset(local)
	offset := z.offset(local - offsetLocal)
	if offsetLocal != offset && offsetLocal < 0 {
		nextLocal := z.nextTransition(local - offsetLocal)
		if nextLocal == local-offsetLocal {
			nextLocal = math.MaxInt64
		}
		nextAdjusted := z.nextTransition(local - offset)
		if nextAdjusted == local-offset {
			nextAdjusted = math.MaxInt64
		}
		if nextLocal != nextAdjusted {
			offset = offsetLocal
		}
	}
	utc := local - offset
	if (local^utc) < 0 && (local^offset) < 0 {
		return 0, errOverflow
	}
	return utc, nil
}
