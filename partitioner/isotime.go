package partitioner

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// parseTimestampString reads a string timestamp field as Confluent's
// RecordFieldTimestampExtractor does: up to 19 digits with an optional minus
// sign are epoch milliseconds; anything else (including such digits that
// overflow a long) is an ISO-8601 date-time read by Joda's
// ISODateTimeFormat.dateTimeParser(). A date-time without an offset is read
// in UTC, where Confluent uses the worker JVM's default zone (UTC on most
// Connect deployments).
func parseTimestampString(s string) (int64, error) {
	if isEpochDigits(s) {
		if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
			return ms, nil
		}
	}
	ms, ok := parseISO(s)
	if !ok {
		return 0, fmt.Errorf("%q is neither epoch milliseconds nor an ISO-8601 date-time", s)
	}
	return ms, nil
}

func isEpochDigits(s string) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 19 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isoFields are what the parser found, before Joda's field checks.
type isoFields struct {
	date                 dateForm
	year, month, day     int64 // also weekyear, week, day of week; year, day of year
	hasMonth, hasDay     bool
	hour, minute, second int64
	frac                 int64 // milliseconds into the last time element
	offset               int64
}

type dateForm uint8

const (
	noDate   dateForm = iota // a time only: 1970-01-01
	calendar                 // yyyy[-MM[-dd]]
	weekDate                 // xxxx-Www[-e]
	ordinal                  // yyyy-DDD
)

// parseISO reads s as Joda's ISODateTimeFormat.dateTimeParser() does:
//
//	datetime   = time | date-opt-time
//	time       = 'T' time-element [offset]
//	date-opt-time = date-element ['T' [time-element] [offset]]
//	date-element = yyyy ['-' MM ['-' dd]] | xxxx '-W' ww ['-' e] | yyyy '-' DDD
//	time-element = HH [minute-element | fraction]
//	minute-element = ':' mm [second-element | fraction]
//	second-element = ':' ss [fraction]
//	fraction   = ('.' | ',') digit+
//	offset     = 'Z' | ('+' | '-') HH [':' mm [':' ss [('.' | ',') SSS]]]
//
// with Joda's quirks: of several alternatives the longest match wins,
// numbers may have fewer digits than the pattern (a year up to 9 and a
// sign), letters match in any case, the offset's colons are optional, and a
// week date without a day means its Monday. Fields out of range (February
// 30th, hour 24) are errors.
func parseISO(s string) (int64, bool) {
	var f isoFields
	var end int
	if len(s) > 0 && (s[0] == 'T' || s[0] == 't') {
		end = timeElement(s, 1, &f)
		if end < 0 {
			return 0, false
		}
		end = optionalOffset(s, end, &f)
	} else {
		end = dateElement(s, 0, &f)
		if end < 0 {
			return 0, false
		}
		if end < len(s) && (s[end] == 'T' || s[end] == 't') {
			end++
			g := f
			if e := timeElement(s, end, &g); e >= 0 {
				f, end = g, e
			}
			end = optionalOffset(s, end, &f)
		}
	}
	if end != len(s) {
		return 0, false
	}
	return f.millis()
}

func optionalOffset(s string, i int, f *isoFields) int {
	if e, off := offsetPrefix(s, i, true); e > i {
		f.offset = off
		return e
	}
	return i
}

// number reads a decimal of 1 to most digits at s[i:], as Joda's number
// parsers do; a signed one may start with '+' or '-'. most is at most 9, so
// the value fits Joda's int.
func number(s string, i, most int, signed bool) (int, int64) {
	limit := min(most, len(s)-i)
	n, neg, sign := 0, false, false
	for n < limit {
		c := s[i+n]
		if n == 0 && signed && (c == '-' || c == '+') {
			if n+1 >= limit || s[i+n+1] < '0' || s[i+n+1] > '9' {
				break
			}
			neg, sign = c == '-', true
			n++
			limit = min(limit+1, len(s)-i)
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		n++
	}
	digits := s[i : i+n]
	if sign {
		digits = digits[1:]
	}
	if len(digits) == 0 {
		return -1, 0
	}
	v, _ := strconv.ParseInt(digits, 10, 64)
	if neg {
		v = -v
	}
	return i + n, v
}

// dateElement tries the three date forms and keeps the longest match; the
// first wins a tie.
func dateElement(s string, i int, f *isoFields) int {
	best, bestF := -1, *f
	for form := calendar; form <= ordinal; form++ {
		g := *f
		g.date = form
		var e int
		switch form {
		case calendar:
			e = calendarDate(s, i, &g)
		case weekDate:
			e = weekDateElement(s, i, &g)
		default:
			e = ordinalDate(s, i, &g)
		}
		if e > best {
			best, bestF = e, g
		}
	}
	if best < 0 {
		return -1
	}
	*f = bestF
	return best
}

func calendarDate(s string, i int, f *isoFields) int {
	i, f.year = number(s, i, 9, true)
	if i < 0 {
		return -1
	}
	if i < len(s) && s[i] == '-' {
		if e, m := number(s, i+1, 2, false); e >= 0 {
			i, f.month, f.hasMonth = e, m, true
			if i < len(s) && s[i] == '-' {
				if e, d := number(s, i+1, 2, false); e >= 0 {
					i, f.day, f.hasDay = e, d, true
				}
			}
		}
	}
	return i
}

func weekDateElement(s string, i int, f *isoFields) int {
	i, f.year = number(s, i, 9, true)
	if i < 0 || i+1 >= len(s) || s[i] != '-' || s[i+1] != 'W' && s[i+1] != 'w' {
		return -1
	}
	i, f.month = number(s, i+2, 2, false)
	if i < 0 {
		return -1
	}
	if i < len(s) && s[i] == '-' {
		if e, d := number(s, i+1, 1, false); e >= 0 {
			i, f.day, f.hasDay = e, d, true
		}
	}
	return i
}

func ordinalDate(s string, i int, f *isoFields) int {
	i, f.year = number(s, i, 9, true)
	if i < 0 || i >= len(s) || s[i] != '-' {
		return -1
	}
	i, f.day = number(s, i+1, 3, false)
	return i
}

// timeElement reads HH, then the longest of a minute element or an hour
// fraction, if either matches.
func timeElement(s string, i int, f *isoFields) int {
	i, f.hour = number(s, i, 2, false)
	if i < 0 {
		return -1
	}
	g, h := *f, *f
	return longest(i, f, minuteElement(s, i, &g), &g, fraction(s, i, msPerHour, &h), &h)
}

func minuteElement(s string, i int, f *isoFields) int {
	if i >= len(s) || s[i] != ':' {
		return -1
	}
	i, f.minute = number(s, i+1, 2, false)
	if i < 0 {
		return -1
	}
	g, h := *f, *f
	return longest(i, f, secondElement(s, i, &g), &g, fraction(s, i, msPerMinute, &h), &h)
}

func secondElement(s string, i int, f *isoFields) int {
	if i >= len(s) || s[i] != ':' {
		return -1
	}
	i, f.second = number(s, i+1, 2, false)
	if i < 0 {
		return -1
	}
	if e := fraction(s, i, msPerSecond, f); e > i {
		return e
	}
	return i
}

// longest keeps the longer of two alternative matches that started at i
// (each parsed into its own copy of f), or neither (an empty match at i),
// as Joda's optional alternatives do; the first wins a tie.
func longest(i int, f *isoFields, end1 int, f1 *isoFields, end2 int, f2 *isoFields) int {
	best := i
	if end1 > best {
		best, *f = end1, *f1
	}
	if end2 > best {
		best, *f = end2, *f2
	}
	return best
}

// fraction reads a decimal point and up to 9 digits as a fraction of unit
// milliseconds, truncated, as Joda's Fraction parser does.
func fraction(s string, i int, unit int64, f *isoFields) int {
	if i >= len(s) || s[i] != '.' && s[i] != ',' {
		return -1
	}
	i++
	var v int64
	n := unit * 10
	k := 0
	for ; k < 9 && i+k < len(s) && s[i+k] >= '0' && s[i+k] <= '9'; k++ {
		n /= 10
		v += int64(s[i+k]-'0') * n
	}
	if k == 0 {
		return -1
	}
	f.frac = v / 10
	return i + k
}

// The years of Joda's ISOChronology, as its year field accepts them.
const (
	minYear = -292275055
	maxYear = 292278994
)

// millis checks the fields as Joda sets them and returns the instant.
func (f *isoFields) millis() (int64, bool) {
	if f.date != noDate && (f.year < minYear || f.year > maxYear) {
		return 0, false
	}
	var days int64 // noDate: 1970-01-01
	y := int(f.year)
	switch f.date {
	case calendar:
		month, day := int64(1), int64(1)
		if f.hasMonth {
			month = f.month
		}
		if f.hasDay {
			day = f.day
		}
		if month < 1 || month > 12 || day < 1 || day > int64(daysIn(y, time.Month(month))) {
			return 0, false
		}
		days = epochDays(y, time.Month(month), int(day))
	case ordinal:
		if f.day < 1 || f.day > daysInYear(y) {
			return 0, false
		}
		days = epochDays(y, 1, 1) + f.day - 1
	case weekDate:
		_, weeks := time.Date(y, 12, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
		dow := int64(1)
		if f.hasDay {
			dow = f.day
		}
		if f.month < 1 || f.month > int64(weeks) || dow < 1 || dow > 7 {
			return 0, false
		}
		jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
		week1 := epochDays(y, 1, 4) - int64(isoWeekday(jan4)-1)
		days = week1 + (f.month-1)*7 + dow - 1
	}
	if f.hour > 23 || f.minute > 59 || f.second > 59 {
		return 0, false
	}
	clock := f.hour*msPerHour + f.minute*msPerMinute + f.second*msPerSecond + f.frac
	// Joda's year range reaches the ends of a long; stay inside them.
	if days > math.MaxInt64/msPerDay-2 || days < math.MinInt64/msPerDay+2 {
		return 0, false
	}
	return days*msPerDay + clock - f.offset, true
}

func daysInYear(y int) int64 {
	if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 366
	}
	return 365
}

// daysIn returns the days in month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// epochDays counts days from 1970-01-01 to a date of the proleptic
// Gregorian calendar.
func epochDays(y int, m time.Month, d int) int64 {
	// time.Date's Unix seconds are exact for every year Joda supports.
	return floorDiv(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), 86400)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
