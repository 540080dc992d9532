package javatime

import (
	"fmt"
	"strings"
)

// field is a java.time ChronoField a pattern can read or print.
type field int

const (
	fEra field = iota
	fYearOfEra
	fYear
	fMonth
	fDayOfMonth
	fDayOfYear
	fDayOfWeek
	fAmPm
	fHourOfDay
	fClockHourOfDay
	fHourOfAmPm
	fClockHourOfAmPm
	fMinute
	fSecond
	fNano
	fNanoOfDay
	fMilliOfDay
	numFields
)

// fieldInfo is a field's name (as Java's messages give it) and the values
// ChronoField.checkValidValue accepts.
var fieldInfo = [numFields]struct {
	name     string
	min, max int64
}{
	fEra:             {"Era", 0, 1},
	fYearOfEra:       {"YearOfEra", 1, 1_000_000_000},
	fYear:            {"Year", -999_999_999, 999_999_999},
	fMonth:           {"MonthOfYear", 1, 12},
	fDayOfMonth:      {"DayOfMonth", 1, 31},
	fDayOfYear:       {"DayOfYear", 1, 366},
	fDayOfWeek:       {"DayOfWeek", 1, 7},
	fAmPm:            {"AmPmOfDay", 0, 1},
	fHourOfDay:       {"HourOfDay", 0, 23},
	fClockHourOfDay:  {"ClockHourOfDay", 1, 24},
	fHourOfAmPm:      {"HourOfAmPm", 0, 11},
	fClockHourOfAmPm: {"ClockHourOfAmPm", 1, 12},
	fMinute:          {"MinuteOfHour", 0, 59},
	fSecond:          {"SecondOfMinute", 0, 59},
	fNano:            {"NanoOfSecond", 0, 999_999_999},
	fNanoOfDay:       {"NanoOfDay", 0, 86_400_000_000_000 - 1},
	fMilliOfDay:      {"MilliOfDay", 0, 86_400_000 - 1},
}

func (f field) String() string { return fieldInfo[f].name }

// checkValid returns Java's error for a value out of the field's range.
func (f field) checkValid(v int64) error {
	if v < fieldInfo[f].min || v > fieldInfo[f].max {
		return fmt.Errorf("invalid value for %s (valid values %d - %d): %d", f, fieldInfo[f].min, fieldInfo[f].max, v)
	}
	return nil
}

type kind int

const (
	kLiteral     kind = iota
	kNumber           // appendValue
	kReduced          // appendValueReduced: yy, uu
	kFraction         // appendFraction: S...
	kText             // appendText: month, day of week, am/pm, era names
	kOffset           // appendOffset: X, x, Z
	kLocalOffset      // appendLocalizedOffset: O, ZZZZ
	kZoneID           // appendZoneId: VV
	kZoneText         // appendZoneText: z (printing only)
	kOptional         // [ ... ]
)

type signStyle int

const (
	signNormal signStyle = iota
	signNotNegative
	signExceedsPad
)

type textStyle int

const (
	styleShort textStyle = iota
	styleFull
	styleNarrow
)

// item is one printer-parser of a compiled pattern, as
// DateTimeFormatterBuilder appends them.
type item struct {
	kind  kind
	lit   string
	field field
	// Numbers: widths and sign style; subsequent is the digits fixed-width
	// numbers right after this one need (adjacent value parsing), -1 when
	// the number was made fixed width by a variable one after it.
	min, max   int
	sign       signStyle
	subsequent int
	style      textStyle
	// Offsets: the pattern's type (an index into offsetPatterns) and the
	// text of a zero offset.
	offType  int
	noOffset string
	optional []item
}

// offsetPatterns are OffsetIdPrinterParser's patterns; lower case parts
// are optional.
var offsetPatterns = []string{"+HH", "+HHmm", "+HH:mm", "+HHMM", "+HH:MM", "+HHMMss", "+HH:MM:ss", "+HHMMSS", "+HH:MM:SS", "+HHmmss", "+HH:mm:ss"}

// Formatter is a compiled DateTimeFormatter pattern. It is safe for
// concurrent use.
type Formatter struct {
	pattern string
	items   []item
}

// String returns the pattern.
func (f *Formatter) String() string { return f.pattern }

// builder appends items as DateTimeFormatterBuilder does, tracking the
// active value parser of each optional level for adjacent value parsing.
type builder struct {
	items  []item
	active int // index of the active value parser, -1 for none
}

func (b *builder) appendInternal(it item) int {
	b.items = append(b.items, it)
	b.active = -1
	return len(b.items) - 1
}

// appendValue is DateTimeFormatterBuilder.appendValue(NumberPrinterParser):
// a fixed-width, not-negative number right after another number leaves
// that one its digits; any other makes the previous one fixed width.
func (b *builder) appendValue(it item) {
	if b.active < 0 {
		b.active = b.appendInternal(it)
		return
	}
	base := b.active
	if it.min == it.max && it.sign == signNotNegative {
		if b.items[base].subsequent >= 0 {
			b.items[base].subsequent += it.max
		}
		b.items = append(b.items, it) // fixed width: keeps base active
		b.items[len(b.items)-1].subsequent = -1
		b.active = base
		return
	}
	b.items[base].subsequent = -1
	b.items = append(b.items, it)
	b.active = len(b.items) - 1
}

// Compile compiles a pattern as DateTimeFormatter.ofPattern does, with the
// English locale. Letters java.time knows but this package does not
// support (week-based fields, quarters, localized day-of-week numbers,
// generic zone names, padding) are refused with an error saying so.
func Compile(pattern string) (*Formatter, error) {
	stack := []*builder{{active: -1}}
	cur := func() *builder { return stack[len(stack)-1] }
	for i := 0; i < len(pattern); {
		c := pattern[i]
		switch {
		case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
			n := 1
			for i+n < len(pattern) && pattern[i+n] == c {
				n++
			}
			if err := appendLetter(cur(), c, n); err != nil {
				return nil, fmt.Errorf("javatime: pattern %q: %w", pattern, err)
			}
			i += n
		case c == '\'':
			j := i + 1
			var lit strings.Builder
			for ; j < len(pattern); j++ {
				if pattern[j] == '\'' {
					if j+1 < len(pattern) && pattern[j+1] == '\'' {
						j++
					} else {
						break
					}
				}
				lit.WriteByte(pattern[j])
			}
			if j >= len(pattern) {
				return nil, fmt.Errorf("javatime: pattern %q: pattern ends with an incomplete string literal", pattern)
			}
			if j == i+1 {
				lit.WriteByte('\'') // '' is a quote
			}
			cur().appendInternal(item{kind: kLiteral, lit: lit.String()})
			i = j + 1
		case c == '[':
			stack = append(stack, &builder{active: -1})
			i++
		case c == ']':
			if len(stack) == 1 {
				return nil, fmt.Errorf("javatime: pattern %q: pattern invalid as it contains ] without previous [", pattern)
			}
			opt := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			cur().appendInternal(item{kind: kOptional, optional: opt.items})
			i++
		case c == '{' || c == '}' || c == '#':
			return nil, fmt.Errorf("javatime: pattern %q: pattern includes reserved character: '%c'", pattern, c)
		default:
			// Any other character stands for itself; a multi-byte UTF-8
			// character is appended whole.
			n := 1
			for i+n < len(pattern) && pattern[i+n] >= 0x80 && pattern[i+n] < 0xC0 {
				n++
			}
			cur().appendInternal(item{kind: kLiteral, lit: pattern[i : i+n]})
			i += n
		}
	}
	// Unclosed optional sections end with the pattern, as in Java.
	for len(stack) > 1 {
		opt := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		cur().appendInternal(item{kind: kOptional, optional: opt.items})
	}
	return &Formatter{pattern: pattern, items: stack[0].items}, nil
}

func appendLetter(b *builder, c byte, n int) error {
	tooMany := fmt.Errorf("too many pattern letters: %c", c)
	number := func(f field, min, max int, sign signStyle) {
		b.appendValue(item{kind: kNumber, field: f, min: min, max: max, sign: sign})
	}
	text := func(f field) error {
		switch n {
		case 1, 2, 3:
			b.appendInternal(item{kind: kText, field: f, style: styleShort})
		case 4:
			b.appendInternal(item{kind: kText, field: f, style: styleFull})
		case 5:
			b.appendInternal(item{kind: kText, field: f, style: styleNarrow})
		default:
			return tooMany
		}
		return nil
	}
	switch c {
	case 'G':
		return text(fEra)
	case 'y', 'u':
		f := fYearOfEra
		if c == 'u' {
			f = fYear
		}
		switch {
		case n == 2:
			b.appendValue(item{kind: kReduced, field: f, min: 2, max: 2, sign: signNotNegative})
		case n < 4:
			number(f, n, 19, signNormal)
		default:
			if n > 19 {
				return tooMany
			}
			number(f, n, 19, signExceedsPad)
		}
	case 'M', 'L':
		switch n {
		case 1:
			number(fMonth, 1, 19, signNormal)
		case 2:
			number(fMonth, 2, 2, signNotNegative)
		default:
			return text(fMonth)
		}
	case 'd', 'h', 'H', 'k', 'K', 'm', 's':
		f := map[byte]field{'d': fDayOfMonth, 'h': fClockHourOfAmPm, 'H': fHourOfDay, 'k': fClockHourOfDay,
			'K': fHourOfAmPm, 'm': fMinute, 's': fSecond}[c]
		switch n {
		case 1:
			number(f, 1, 19, signNormal)
		case 2:
			number(f, 2, 2, signNotNegative)
		default:
			return tooMany
		}
	case 'D':
		switch n {
		case 1:
			number(fDayOfYear, 1, 19, signNormal)
		case 2, 3:
			number(fDayOfYear, n, 3, signNotNegative)
		default:
			return tooMany
		}
	case 'E':
		return text(fDayOfWeek)
	case 'a':
		if n > 1 {
			return tooMany
		}
		b.appendInternal(item{kind: kText, field: fAmPm, style: styleShort})
	case 'S':
		if n > 9 {
			return fmt.Errorf("the maximum width must be from 1 to 9 inclusive but was %d", n)
		}
		// A fixed-width fraction takes part in adjacent value parsing.
		b.appendValue(item{kind: kFraction, field: fNano, min: n, max: n, sign: signNotNegative})
	case 'n', 'N', 'A':
		f := map[byte]field{'n': fNano, 'N': fNanoOfDay, 'A': fMilliOfDay}[c]
		if n > 19 {
			return tooMany
		}
		if n == 1 {
			number(f, 1, 19, signNormal)
		} else {
			number(f, n, 19, signNotNegative)
		}
	case 'V':
		if n != 2 {
			return fmt.Errorf("pattern letter count must be 2: %c", c)
		}
		b.appendInternal(item{kind: kZoneID})
	case 'z':
		if n > 4 {
			return tooMany
		}
		if n == 4 {
			return fmt.Errorf("pattern letters zzzz (full zone names) are not supported")
		}
		b.appendInternal(item{kind: kZoneText})
	case 'O':
		switch n {
		case 1:
			b.appendInternal(item{kind: kLocalOffset, style: styleShort})
		case 4:
			b.appendInternal(item{kind: kLocalOffset, style: styleFull})
		default:
			return fmt.Errorf("pattern letter count must be 1 or 4: %c", c)
		}
	case 'X', 'x':
		if n > 5 {
			return tooMany
		}
		typ := n + 1
		if n == 1 {
			typ = 1
		}
		zero := "Z"
		if c == 'x' {
			switch {
			case n == 1:
				zero = "+00"
			case n%2 == 0:
				zero = "+0000"
			default:
				zero = "+00:00"
			}
		}
		b.appendInternal(item{kind: kOffset, offType: typ, noOffset: zero})
	case 'Z':
		switch {
		case n < 4:
			b.appendInternal(item{kind: kOffset, offType: 3, noOffset: "+0000"})
		case n == 4:
			b.appendInternal(item{kind: kLocalOffset, style: styleFull})
		case n == 5:
			b.appendInternal(item{kind: kOffset, offType: 6, noOffset: "Z"})
		default:
			return tooMany
		}
	case 'Y', 'w', 'W', 'e', 'c', 'Q', 'q', 'F', 'g', 'v', 'p', 'B':
		return fmt.Errorf("pattern letter %c is not supported", c)
	default:
		return fmt.Errorf("unknown pattern letter: %c", c)
	}
	return nil
}
