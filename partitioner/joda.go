package partitioner

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// A jodaFormat prints instants the way Joda-Time's DateTimeFormat.forPattern
// does, for path.format. Patterns are compiled once, at configuration, into
// a list of items; printing walks the list with no allocation beyond the
// caller's buffer.
//
// Printing follows Joda's ISOChronology: the proleptic Gregorian calendar
// with a year 0, and ISO-8601 weeks (Monday first, week 1 holding the
// year's first Thursday).
type jodaFormat struct {
	items []jodaItem
	text  bool // prints names (G, MMM, E, a, z), so it depends on the locale
	names bool // prints zone names (z)
}

type jodaKind uint8

const (
	jLiteral        jodaKind = iota
	jEra                     // G
	jCenturyOfEra            // C
	jYear                    // y
	jYearOfEra               // Y
	jWeekyear                // x
	jTwoDigitYear            // yy, YY
	jTwoDigitWeek            // xx
	jMonth                   // M, MM
	jMonthText               // MMM, MMMM+
	jDayOfMonth              // d
	jHalfday                 // a
	jClockhourHalf           // h
	jHourOfDay               // H
	jClockhourOfDay          // k
	jHourOfHalfday           // K
	jMinute                  // m
	jSecond                  // s
	jFraction                // S
	jDayOfWeek               // e
	jDayOfWeekText           // E
	jDayOfYear               // D
	jWeekOfWeekyear          // w
	jZoneName                // z
	jZoneOffset              // Z, ZZ
	jZoneID                  // ZZZ
)

// A jodaItem is one pattern letter run or one piece of literal text. n is
// the run's length: the minimum digits of numbers, and for names whether
// the short (n < 4) or long form is printed.
type jodaItem struct {
	kind jodaKind
	n    int
	lit  string
}

// errEmptyPattern is what Joda says of an empty pattern.
var errEmptyPattern = errors.New("invalid pattern specification: the pattern is empty")

// compileJoda compiles a Joda-Time DateTimeFormat pattern. It accepts
// exactly what Joda accepts: the letters G C Y x y M d a h H k K m s S e E D
// w z Z, text in single quotes, a doubled quote for a quote, and any other character as
// itself; any other ASCII letter is an error, as in Joda.
func compileJoda(pattern string) (*jodaFormat, error) {
	if pattern == "" {
		return nil, errEmptyPattern
	}
	f := &jodaFormat{}
	for i := 0; i < len(pattern); {
		c := pattern[i]
		if !isASCIILetter(c) {
			lit, next := jodaLiteral(pattern, i)
			i = next
			// A quote with nothing after it, as in "yyyy'", prints
			// nothing, as Joda's appendLiteral("") adds nothing.
			if lit != "" {
				f.items = append(f.items, jodaItem{kind: jLiteral, lit: lit})
			}
			continue
		}
		n := 1
		for i+n < len(pattern) && pattern[i+n] == c {
			n++
		}
		token := pattern[i : i+n]
		i += n
		it, err := jodaLetter(c, n)
		if err != nil {
			return nil, fmt.Errorf("illegal pattern component %q", token)
		}
		switch it.kind {
		case jEra, jMonthText, jHalfday, jDayOfWeekText:
			f.text = true
		case jZoneName:
			f.text, f.names = true, true
		}
		f.items = append(f.items, it)
	}
	if len(f.items) == 0 {
		// Joda's builder refuses to build a formatter that prints nothing.
		return nil, errors.New("the pattern prints nothing")
	}
	return f, nil
}

func isASCIILetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

// jodaLiteral reads the literal text starting at i, up to the next letter
// outside quotes, as Joda's parseToken does: a quote toggles quoting, two
// quotes are one quote, and an unterminated quote runs to the end.
func jodaLiteral(p string, i int) (string, int) {
	var b []byte
	quoted := false
	for ; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\'':
			if i+1 < len(p) && p[i+1] == '\'' {
				i++
				b = append(b, '\'')
			} else {
				quoted = !quoted
			}
		case !quoted && isASCIILetter(c):
			return string(b), i
		default:
			b = append(b, c)
		}
	}
	return string(b), i
}

var errIllegalLetter = errors.New("illegal letter")

// jodaLetter maps a run of n letters c to an item, as DateTimeFormat's
// parsePatternTo does.
func jodaLetter(c byte, n int) (jodaItem, error) {
	it := jodaItem{n: n}
	switch c {
	case 'G':
		it.kind = jEra
	case 'C':
		it.kind = jCenturyOfEra
	case 'x':
		it.kind = jWeekyear
		if n == 2 {
			it.kind = jTwoDigitWeek
		}
	case 'y', 'Y':
		// Joda's Y is the year of era, not java.time's week-based year; YY
		// is the two-digit year, as yy is.
		it.kind = jYear
		if c == 'Y' {
			it.kind = jYearOfEra
		}
		if n == 2 {
			it.kind = jTwoDigitYear
		}
	case 'M':
		it.kind = jMonth
		if n >= 3 {
			it.kind = jMonthText
		}
	case 'd':
		it.kind = jDayOfMonth
	case 'a':
		it.kind = jHalfday
	case 'h':
		it.kind = jClockhourHalf
	case 'H':
		it.kind = jHourOfDay
	case 'k':
		it.kind = jClockhourOfDay
	case 'K':
		it.kind = jHourOfHalfday
	case 'm':
		it.kind = jMinute
	case 's':
		it.kind = jSecond
	case 'S':
		it.kind = jFraction
	case 'e':
		it.kind = jDayOfWeek
	case 'E':
		it.kind = jDayOfWeekText
	case 'D':
		it.kind = jDayOfYear
	case 'w':
		it.kind = jWeekOfWeekyear
	case 'z':
		it.kind = jZoneName
	case 'Z':
		it.kind = jZoneOffset
		if n >= 3 {
			it.kind = jZoneID
		}
	default:
		return it, errIllegalLetter
	}
	return it, nil
}

const (
	msPerSecond = 1000
	msPerMinute = 60 * msPerSecond
	msPerHour   = 60 * msPerMinute
	msPerDay    = 24 * msPerHour
)

// appendTo prints the instant (epoch milliseconds) in zone z with the names
// of sym, as Joda's DateTimeFormatter.print does.
func (f *jodaFormat) appendTo(b []byte, instant int64, z *zone, sym *symbols) []byte {
	offset := z.offset(instant)
	local := instant + offset
	if (instant^local) < 0 && (offset^instant) >= 0 {
		// Joda prints in UTC when the offset overflows the instant.
		z, offset, local = utcZone, 0, instant
	}
	t := time.UnixMilli(local).UTC()
	for i := range f.items {
		it := &f.items[i]
		switch it.kind {
		case jLiteral:
			b = append(b, it.lit...)
		case jEra:
			if t.Year() > 0 {
				b = append(b, sym.eras[1]...)
			} else {
				b = append(b, sym.eras[0]...)
			}
		case jCenturyOfEra:
			// ISOChronology divides the year without its sign (not the
			// year of era) by 100.
			y := t.Year()
			if y < 0 {
				y = -y
			}
			b = appendPadded(b, int64(y/100), it.n)
		case jYear:
			b = appendPadded(b, int64(t.Year()), it.n)
		case jYearOfEra:
			y := t.Year()
			if y <= 0 {
				y = 1 - y
			}
			b = appendPadded(b, int64(y), it.n)
		case jWeekyear:
			wy, _ := t.ISOWeek()
			b = appendPadded(b, int64(wy), it.n)
		case jTwoDigitYear:
			b = appendTwoDigits(b, t.Year())
		case jTwoDigitWeek:
			wy, _ := t.ISOWeek()
			b = appendTwoDigits(b, wy)
		case jMonth:
			b = appendPadded(b, int64(t.Month()), it.n)
		case jMonthText:
			if it.n >= 4 {
				b = append(b, sym.months[t.Month()-1]...)
			} else {
				b = append(b, sym.shortMonths[t.Month()-1]...)
			}
		case jDayOfMonth:
			b = appendPadded(b, int64(t.Day()), it.n)
		case jHalfday:
			b = append(b, sym.ampm[t.Hour()/12]...)
		case jClockhourHalf:
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			b = appendPadded(b, int64(h), it.n)
		case jHourOfDay:
			b = appendPadded(b, int64(t.Hour()), it.n)
		case jClockhourOfDay:
			h := t.Hour()
			if h == 0 {
				h = 24
			}
			b = appendPadded(b, int64(h), it.n)
		case jHourOfHalfday:
			b = appendPadded(b, int64(t.Hour()%12), it.n)
		case jMinute:
			b = appendPadded(b, int64(t.Minute()), it.n)
		case jSecond:
			b = appendPadded(b, int64(t.Second()), it.n)
		case jFraction:
			b = appendFraction(b, int64(t.Nanosecond()/int(time.Millisecond)), it.n)
		case jDayOfWeek:
			b = appendPadded(b, int64(isoWeekday(t)), it.n)
		case jDayOfWeekText:
			if it.n >= 4 {
				b = append(b, sym.weekdays[isoWeekday(t)-1]...)
			} else {
				b = append(b, sym.shortWeekdays[isoWeekday(t)-1]...)
			}
		case jDayOfYear:
			b = appendPadded(b, int64(t.YearDay()), it.n)
		case jWeekOfWeekyear:
			_, w := t.ISOWeek()
			b = appendPadded(b, int64(w), it.n)
		case jZoneName:
			b = append(b, z.name(it.n >= 4)...)
		case jZoneOffset:
			b = appendOffset(b, offset, it.n == 2)
		case jZoneID:
			b = append(b, z.id...)
		}
	}
	return b
}

// isoWeekday numbers days as Joda does: Monday 1 to Sunday 7.
func isoWeekday(t time.Time) int {
	if d := t.Weekday(); d != time.Sunday {
		return int(d)
	}
	return 7
}

// appendPadded prints v with at least size digits, as Joda's
// FormatUtils.appendPaddedInteger: a minus sign, then zeros, then the
// digits. Like Joda it counts the digits of numbers from 10000 up with a
// logarithm, so that it pads exactly as Joda does.
func appendPadded(b []byte, v int64, size int) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	var digits int
	switch {
	case v < 10:
		digits = 1
	case v < 100:
		digits = 2
	case v < 1000:
		digits = 3
	case v < 10000:
		digits = 4
	default:
		digits = int(math.Log(float64(v))/math.Ln10) + 1
	}
	for ; size > digits; size-- {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, v, 10)
}

// appendTwoDigits prints the last two digits of a year, ignoring its sign,
// as Joda's TwoDigitYear printer does.
func appendTwoDigits(b []byte, year int) []byte {
	if year < 0 {
		year = -year
	}
	return appendPadded(b, int64(year%100), 2)
}

// appendFraction prints the milliseconds of a second as a fraction with n
// pattern letters, as Joda's Fraction printer does: scaled to at most 15
// digits (more would overflow Joda's arithmetic), then trailing zeros
// trimmed down to n digits.
func appendFraction(b []byte, ms int64, n int) []byte {
	minDigits := n
	if ms == 0 {
		for ; minDigits > 0; minDigits-- {
			b = append(b, '0')
		}
		return b
	}
	maxDigits := min(n, 15)
	scalar := int64(1)
	for range maxDigits {
		scalar *= 10
	}
	var buf [20]byte
	str := strconv.AppendInt(buf[:0], ms*scalar/1000, 10)
	length, digits := len(str), maxDigits
	for length < digits {
		b = append(b, '0')
		minDigits--
		digits--
	}
	if minDigits < digits {
		for minDigits < digits && length > 1 && str[length-1] == '0' {
			digits--
			length--
		}
		return append(b, str[:length]...)
	}
	return append(b, str...)
}

// appendOffset prints an offset as Joda's Z (+HHmm) or ZZ (+HH:mm), seconds
// dropped. Joda prints "+0000" for UTC, not "Z".
func appendOffset(b []byte, offset int64, colon bool) []byte {
	if offset >= 0 {
		b = append(b, '+')
	} else {
		b = append(b, '-')
		offset = -offset
	}
	b = appendPadded(b, offset/msPerHour, 2)
	if colon {
		b = append(b, ':')
	}
	return appendPadded(b, offset%msPerHour/msPerMinute, 2)
}

// symbols are the names a locale gives months, weekdays, half-days and eras.
type symbols struct {
	months, shortMonths     [12]string
	weekdays, shortWeekdays [7]string // Monday first
	ampm, eras              [2]string // eras: before, then after year 1
}

var englishSymbols = &symbols{
	months:        [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	shortMonths:   [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	weekdays:      [7]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"},
	shortWeekdays: [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"},
	ampm:          [2]string{"AM", "PM"},
	eras:          [2]string{"BC", "AD"},
}

// rootSymbols are what Java 9 and later (CLDR locale data) print for a
// Locale it has no data for, such as new Locale("en_US"): abbreviations for
// the long forms too, and BCE/CE.
var rootSymbols = &symbols{
	months:        englishSymbols.shortMonths,
	shortMonths:   englishSymbols.shortMonths,
	weekdays:      englishSymbols.shortWeekdays,
	shortWeekdays: englishSymbols.shortWeekdays,
	ampm:          englishSymbols.ampm,
	eras:          [2]string{"BCE", "CE"},
}

// localeSymbols returns the names Joda prints for a locale key value, read
// as Confluent reads it, with Java's new Locale(value), which lower-cases
// the whole value into the language. "en" is English. A value that cannot
// be a language, such as "en_US" or "en-US" (whose language becomes
// "en_us"), or "root" or "und", makes Java fall back to its root locale.
// Other values name languages whose names this package does not carry, and
// give nil.
func localeSymbols(locale string) *symbols {
	l := []byte(locale)
	for i, c := range l {
		if c >= 'A' && c <= 'Z' {
			l[i] = c + 'a' - 'A'
		}
	}
	switch string(l) {
	case "en":
		return englishSymbols
	case "root", "und":
		return rootSymbols
	}
	for _, c := range l {
		if c < 'a' || c > 'z' {
			return rootSymbols
		}
	}
	return nil
}
