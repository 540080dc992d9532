package kafkasink

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TimeFormat parses date-times written in a Java DateTimeFormatter pattern,
// as kakao's LocalDateTime.parse(text, DateTimeFormatter.ofPattern(format))
// does with the default SMART resolver: a day past the end of its month is
// clamped to it (2022-02-30 is 2022-02-28), 24:00 is midnight of the next
// day, and a pattern without an hour cannot give a date-time. Go's time
// layouts cannot express these patterns (yyyyMMdd HHmmss SSS has a
// fraction after a space), so the pattern is compiled into its own parser.
//
// Supported letters: y u (year), M L (month, as a number, MMM or MMMM), d,
// H k K h (hours), a, m, s, S (fraction), E (day of week, checked against
// the date), and X x Z (offsets, which then override the zone). Text is
// English. Literals are quoted with '...', and punctuation stands for
// itself. Optional sections [...] are not supported.
type TimeFormat struct {
	pattern string
	elems   []timeElem
	offset  bool // the pattern reads an offset
	hour    bool // the pattern reads an hour
	date    bool // the pattern reads a year, month and day
}

type timeElem struct {
	letter   byte // 0 for a literal
	count    int
	lit      string
	min, max int // digits, for numbers
	reserve  int // digits that adjacent fixed-width numbers need after this one
}

// ParseTimeFormat compiles a DateTimeFormatter pattern.
func ParseTimeFormat(pattern string) (*TimeFormat, error) {
	f := &TimeFormat{pattern: pattern}
	var seen [128]bool
	for i := 0; i < len(pattern); {
		c := pattern[i]
		switch {
		case c == '\'':
			j := i + 1
			var lit strings.Builder
			for {
				if j >= len(pattern) {
					return nil, fmt.Errorf("pattern %q: unterminated quote", pattern)
				}
				if pattern[j] == '\'' {
					if j+1 < len(pattern) && pattern[j+1] == '\'' {
						lit.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				lit.WriteByte(pattern[j])
				j++
			}
			if j == i+1 {
				lit.WriteByte('\'') // '' is a quote
			}
			f.elems = append(f.elems, timeElem{lit: lit.String()})
			i = j + 1
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(pattern) && pattern[j] == c {
				j++
			}
			e, err := letterElem(c, j-i)
			if err != nil {
				return nil, fmt.Errorf("pattern %q: %w", pattern, err)
			}
			seen[c] = true
			f.elems = append(f.elems, e)
			i = j
		case c == '[' || c == ']' || c == '{' || c == '}' || c == '#':
			return nil, fmt.Errorf("pattern %q: %q (optional sections and reserved characters) is not supported", pattern, c)
		default:
			f.elems = append(f.elems, timeElem{lit: string(c)})
			i++
		}
	}
	// Adjacent value parsing: a variable-width number followed directly by
	// fixed-width ones leaves them their digits (yyyyMMddHHmmss).
	for i := range f.elems {
		e := &f.elems[i]
		if e.letter == 0 || e.min == e.max {
			continue
		}
		for _, n := range f.elems[i+1:] {
			if n.letter == 0 || n.max == 0 || n.min != n.max {
				break
			}
			e.reserve += n.min
		}
	}
	f.offset = seen['X'] || seen['x'] || seen['Z']
	f.hour = seen['H'] || seen['k'] || (seen['h'] || seen['K']) && seen['a']
	f.date = (seen['y'] || seen['u']) && (seen['M'] || seen['L']) && seen['d']
	if !f.hour || !f.date {
		// Kakao's default yyyy-MM-dd is such a pattern: every record then
		// gets the time of its processing. Here it is refused.
		return nil, fmt.Errorf("pattern %q does not give a date and time of day: it needs a year, month, day and hour", pattern)
	}
	return f, nil
}

func letterElem(c byte, n int) (timeElem, error) {
	e := timeElem{letter: c, count: n}
	tooMany := func(max int) error {
		if n > max {
			return fmt.Errorf("too many pattern letters: %s", strings.Repeat(string(c), n))
		}
		return nil
	}
	switch c {
	case 'y', 'u':
		switch {
		case n == 2:
			e.min, e.max = 2, 2
		case n == 1:
			e.min, e.max = 1, 19
		default:
			e.min, e.max = n, 19
		}
	case 'M', 'L':
		switch n {
		case 1:
			e.min, e.max = 1, 19
		case 2:
			e.min, e.max = 2, 2
		case 3, 4:
		default:
			return e, tooMany(4)
		}
	case 'd', 'H', 'k', 'K', 'h', 'm', 's':
		if err := tooMany(2); err != nil {
			return e, err
		}
		if n == 1 {
			e.min, e.max = 1, 19
		} else {
			e.min, e.max = 2, 2
		}
	case 'S':
		if err := tooMany(9); err != nil {
			return e, err
		}
		e.min, e.max = n, n
	case 'a':
		return e, tooMany(1)
	case 'E':
		return e, tooMany(4)
	case 'X', 'x':
		return e, tooMany(5)
	case 'Z':
		return e, tooMany(3)
	default:
		return e, fmt.Errorf("pattern letter %q is not supported", c)
	}
	return e, nil
}

// String returns the pattern.
func (f *TimeFormat) String() string { return f.pattern }

var (
	monthsShort = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	daysShort   = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
)

// Parse reads s, which must match the whole pattern, as a date-time in loc
// unless the pattern reads an offset.
func (f *TimeFormat) Parse(s string, loc *time.Location) (time.Time, error) {
	var (
		year, month, day, hour, minute, second, nano int
		h12, ampm, weekday                           = -1, -1, -1
		offset                                       = 0
		pos                                          int
	)
	fail := func(msg string) (time.Time, error) {
		return time.Time{}, fmt.Errorf("%q does not match the pattern %q at position %d: %s", s, f.pattern, pos, msg)
	}
	for _, e := range f.elems {
		if e.letter == 0 {
			if !strings.HasPrefix(s[pos:], e.lit) {
				return fail("expected " + strconv.Quote(e.lit))
			}
			pos += len(e.lit)
			continue
		}
		switch e.letter {
		case 'M', 'L':
			if e.count >= 3 {
				i, n := matchText(s[pos:], monthsShort, e.count == 4)
				if i < 0 {
					return fail("expected a month name")
				}
				month, pos = i+1, pos+n
				continue
			}
		case 'E':
			i, n := matchText(s[pos:], daysShort, e.count == 4)
			if i < 0 {
				return fail("expected a day name")
			}
			weekday, pos = i, pos+n
			continue
		case 'a':
			switch {
			case strings.HasPrefix(s[pos:], "AM"):
				ampm = 0
			case strings.HasPrefix(s[pos:], "PM"):
				ampm = 1
			default:
				return fail("expected AM or PM")
			}
			pos += 2
			continue
		case 'X', 'x', 'Z':
			n, off, ok := parseOffset(s[pos:], e.letter == 'X')
			if !ok {
				return fail("expected an offset")
			}
			offset, pos = off, pos+n
			continue
		}
		// A number.
		digits := 0
		for pos+digits < len(s) && s[pos+digits] >= '0' && s[pos+digits] <= '9' {
			digits++
		}
		take := min(e.max, digits-e.reserve)
		if take < e.min {
			if digits < e.min {
				return fail(fmt.Sprintf("expected %d digits", e.min))
			}
			take = e.min
		}
		v, err := strconv.Atoi(s[pos : pos+take])
		if err != nil {
			return fail("number out of range")
		}
		switch e.letter {
		case 'y', 'u':
			if e.count == 2 {
				v += 2000
			}
			year = v
		case 'M', 'L':
			month = v
		case 'd':
			day = v
		case 'H':
			hour = v
		case 'k':
			if v < 1 || v > 24 {
				return fail("clock hour out of range 1-24")
			}
			hour = v % 24
		case 'h':
			if v < 1 || v > 12 {
				return fail("clock hour out of range 1-12")
			}
			h12 = v % 12
		case 'K':
			if v > 11 {
				return fail("hour out of range 0-11")
			}
			h12 = v
		case 'm':
			minute = v
		case 's':
			second = v
		case 'S':
			for i := take; i < 9; i++ {
				v *= 10
			}
			nano = v
		}
		pos += take
	}
	if pos != len(s) {
		return fail("unexpected text after the date-time")
	}
	if h12 >= 0 {
		hour = h12 + 12*ampm
	}
	nextDay := false
	switch {
	case month < 1 || month > 12:
		return fail("month out of range")
	case day < 1 || day > 31:
		return fail("day out of range")
	case hour == 24 && minute == 0 && second == 0 && nano == 0:
		hour, nextDay = 0, true
	case hour > 23:
		return fail("hour out of range")
	case minute > 59:
		return fail("minute out of range")
	case second > 59:
		return fail("second out of range")
	}
	if last := daysIn(time.Month(month), year); day > last {
		day = last // the SMART resolver's clamp
	}
	if f.offset {
		loc = time.FixedZone("", offset)
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, nano, loc)
	if nextDay {
		t = t.AddDate(0, 0, 1)
	}
	if weekday >= 0 && int(time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).Weekday()) != weekday {
		return fail("the day of week does not match the date")
	}
	return t, nil
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// matchText matches the short name, or with full the long one, at the
// start of s.
func matchText(s string, short []string, full bool) (int, int) {
	for i, name := range short {
		if !full {
			if strings.HasPrefix(s, name) {
				return i, len(name)
			}
			continue
		}
		long := longName(name)
		if strings.HasPrefix(s, long) {
			return i, len(long)
		}
	}
	return -1, 0
}

func longName(short string) string {
	for m := time.January; m <= time.December; m++ {
		if m.String()[:3] == short {
			return m.String()
		}
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		if d.String()[:3] == short {
			return d.String()
		}
	}
	return short
}

// parseOffset reads Z (when z is allowed) or ±HH[[:]mm[[:]ss]].
func parseOffset(s string, z bool) (n, seconds int, ok bool) {
	if z && strings.HasPrefix(s, "Z") {
		return 1, 0, true
	}
	if s == "" || s[0] != '+' && s[0] != '-' {
		return 0, 0, false
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	i, parts := 1, []int{}
	for len(parts) < 3 {
		if len(parts) > 0 && i < len(s) && s[i] == ':' {
			i++
		}
		if i+2 > len(s) || !isDigits(s[i:i+2]) {
			break
		}
		v, _ := strconv.Atoi(s[i : i+2])
		parts = append(parts, v)
		i += 2
	}
	if len(parts) == 0 {
		return 0, 0, false
	}
	for len(parts) < 3 {
		parts = append(parts, 0)
	}
	return i, sign * (parts[0]*3600 + parts[1]*60 + parts[2]), true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// errNoTimestamp is wrapped when a record has no usable timestamp.
var errNoTimestamp = errors.New("no timestamp")
