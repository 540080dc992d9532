package javatime

import (
	"fmt"
	"strings"
)

// Parsed holds the fields a [Formatter] read from a text, before
// resolving.
type Parsed struct {
	text      string
	pattern   string
	vals      [numFields]int64
	has       [numFields]bool
	offset    int // seconds east of UTC
	hasOffset bool
	zone      *Zone // a zone ID (VV) read from the text
}

// ParseError is a text that does not match its pattern, or whose fields do
// not make a valid date-time.
type ParseError struct {
	Text    string
	Pattern string
	Index   int // where parsing stopped, -1 when the fields did not resolve
	Reason  string
}

func (e *ParseError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("javatime: text %q (pattern %q): %s", e.Text, e.Pattern, e.Reason)
	}
	return fmt.Sprintf("javatime: text %q does not match the pattern %q at index %d: %s", e.Text, e.Pattern, e.Index, e.Reason)
}

// parseFail is why an item did not match; it goes with the position.
type parseFail struct {
	pos    int
	reason string
}

// Parse reads the whole of text with the pattern, as
// DateTimeFormatter.parse does before resolving.
func (f *Formatter) Parse(text string) (*Parsed, error) {
	p := &Parsed{text: text, pattern: f.pattern}
	pos, fail := parseItems(f.items, text, 0, p)
	if fail != nil {
		return nil, &ParseError{Text: text, Pattern: f.pattern, Index: fail.pos, Reason: fail.reason}
	}
	if pos != len(text) {
		return nil, &ParseError{Text: text, Pattern: f.pattern, Index: pos, Reason: "unparsed text found"}
	}
	return p, nil
}

func parseItems(items []item, text string, pos int, p *Parsed) (int, *parseFail) {
	for i := range items {
		it := &items[i]
		var fail *parseFail
		switch it.kind {
		case kOptional:
			saved := *p
			if next, f := parseItems(it.optional, text, pos, p); f == nil {
				pos = next
			} else {
				*p = saved // the section is skipped
			}
			continue
		case kLiteral:
			if !strings.HasPrefix(text[pos:], it.lit) {
				return pos, &parseFail{pos, fmt.Sprintf("expected %q", it.lit)}
			}
			pos += len(it.lit)
			continue
		case kNumber, kReduced:
			pos, fail = parseNumber(it, text, pos, p)
		case kFraction:
			pos, fail = parseFraction(it, text, pos, p)
		case kText:
			pos, fail = parseText(it, text, pos, p)
		case kOffset:
			pos, fail = parseOffset(it, text, pos, p)
		case kLocalOffset:
			pos, fail = parseLocalOffset(it, text, pos, p)
		case kZoneID:
			pos, fail = parseZoneID(text, pos, p)
		case kZoneText:
			fail = &parseFail{pos, "zone names (z) cannot be parsed; use VV or an offset"}
		}
		if fail != nil {
			return pos, fail
		}
	}
	return pos, nil
}

// set records a parsed field; a second, different value for the same field
// fails there, as DateTimeParseContext.setParsedField does.
func (p *Parsed) set(f field, v int64, start, end int) (int, *parseFail) {
	if p.has[f] && p.vals[f] != v {
		return start, &parseFail{start, fmt.Sprintf("%s %d conflicts with %d parsed earlier", f, v, p.vals[f])}
	}
	p.vals[f], p.has[f] = v, true
	return end, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseNumber is NumberPrinterParser.parse in strict mode.
func parseNumber(it *item, text string, position int, p *Parsed) (int, *parseFail) {
	length := len(text)
	if position == length {
		return position, &parseFail{position, "expected a number, found the end of the text"}
	}
	minEnd := position + it.min
	negative, positive := false, false
	switch text[position] {
	case '+':
		if !signParse(it, true) {
			return position, &parseFail{position, "unexpected sign"}
		}
		positive = true
		position++
	case '-':
		if !signParse(it, false) {
			return position, &parseFail{position, "unexpected sign"}
		}
		negative = true
		position++
	}
	effMax := it.max + max(it.subsequent, 0)
	pos := position
	var total uint64
	overflow := false
	for pass := 0; pass < 2; pass++ {
		maxEnd := min(pos+effMax, length)
		for pos < maxEnd {
			c := text[pos]
			pos++
			if !isDigit(c) {
				pos--
				if pos < minEnd {
					return position, &parseFail{position, fmt.Sprintf("expected %d digits", it.min)}
				}
				break
			}
			if total > (1<<63-1-9)/10 {
				overflow = true
			}
			total = total*10 + uint64(c-'0')
		}
		if it.subsequent > 0 && pass == 0 {
			// Leave the fixed-width numbers after this one their digits.
			effMax = max(it.min, pos-position-it.subsequent)
			pos, total, overflow = position, 0, false
		} else {
			break
		}
	}
	if pos < minEnd {
		return position, &parseFail{position, fmt.Sprintf("expected %d digits", it.min)}
	}
	if overflow {
		return position, &parseFail{position, "number too large"}
	}
	v := int64(total)
	if negative {
		if v == 0 {
			return position - 1, &parseFail{position - 1, "minus zero"}
		}
		v = -v
	} else if it.sign == signExceedsPad {
		n := pos - position
		if positive && n <= it.min {
			return position - 1, &parseFail{position - 1, "a '+' sign only goes with more digits than the pattern's"}
		}
		if !positive && n > it.min {
			return position, &parseFail{position, fmt.Sprintf("more than %d digits need a '+' sign", it.min)}
		}
	}
	if it.kind == kReduced {
		// Two digits are a year from 2000 to 2099 (BASE_DATE 2000-01-01).
		if pos-position == 2 && v >= 0 {
			v += 2000
		}
	}
	return p.set(it.field, v, position, pos)
}

// signParse is SignStyle.parse in strict mode.
func signParse(it *item, positive bool) bool {
	switch it.sign {
	case signNormal:
		return !positive
	case signExceedsPad:
		return true
	}
	return false
}

// parseFraction is FractionPrinterParser.parse in strict mode, without a
// decimal point.
func parseFraction(it *item, text string, position int, p *Parsed) (int, *parseFail) {
	length := len(text)
	if position == length {
		return position, &parseFail{position, "expected a fraction, found the end of the text"}
	}
	minEnd := position + it.min
	if minEnd > length {
		return position, &parseFail{position, fmt.Sprintf("expected %d fraction digits", it.min)}
	}
	maxEnd := min(position+it.max, length)
	pos := position
	total := 0
	for pos < maxEnd {
		c := text[pos]
		pos++
		if !isDigit(c) {
			pos--
			if pos < minEnd {
				return position, &parseFail{position, fmt.Sprintf("expected %d fraction digits", it.min)}
			}
			break
		}
		total = total*10 + int(c-'0')
	}
	for n := pos - position; n < 9; n++ {
		total *= 10
	}
	return p.set(fNano, int64(total), position, pos)
}

var (
	monthsFull   = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	monthsShort  = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	monthsNarrow = []string{"J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D"}
	// Java numbers the days of the week from Monday, 1.
	daysFull   = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	daysShort  = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
	daysNarrow = []string{"M", "T", "W", "T", "F", "S", "S"}
	ampm       = []string{"AM", "PM"}
	erasFull   = []string{"Before Christ", "Anno Domini"}
	erasShort  = []string{"BC", "AD"}
	erasNarrow = []string{"B", "A"}
)

// texts returns the names of a text field's values and the value of the
// first.
func texts(f field, style textStyle) ([]string, int64) {
	switch f {
	case fMonth:
		return [...][]string{monthsShort, monthsFull, monthsNarrow}[style], 1
	case fDayOfWeek:
		return [...][]string{daysShort, daysFull, daysNarrow}[style], 1
	case fEra:
		return [...][]string{erasShort, erasFull, erasNarrow}[style], 0
	}
	return ampm, 0
}

// parseText matches the field's names of the item's style, longest first,
// case sensitively.
func parseText(it *item, text string, pos int, p *Parsed) (int, *parseFail) {
	names, first := texts(it.field, it.style)
	if it.style == styleNarrow && it.field != fAmPm {
		return pos, &parseFail{pos, "narrow names (5 pattern letters) cannot be parsed: they are ambiguous"}
	}
	best := -1
	for i, n := range names {
		if strings.HasPrefix(text[pos:], n) && (best < 0 || len(n) > len(names[best])) {
			best = i
		}
	}
	if best < 0 {
		return pos, &parseFail{pos, fmt.Sprintf("expected a %s name", it.field)}
	}
	return p.set(it.field, first+int64(best), pos, pos+len(names[best]))
}

// parseOffset is OffsetIdPrinterParser.parse in strict mode.
func parseOffset(it *item, text string, position int, p *Parsed) (int, *parseFail) {
	length := len(text)
	if position == length {
		return position, &parseFail{position, "expected an offset, found the end of the text"}
	}
	if strings.HasPrefix(text[position:], it.noOffset) {
		return p.setOffset(0, position, position+len(it.noOffset))
	}
	sign := text[position]
	if sign != '+' && sign != '-' {
		return position, &parseFail{position, "expected an offset"}
	}
	pat := offsetPatterns[it.offType]
	colon := strings.Contains(pat, ":")
	var hms [3]int
	pos := position + 1
	ok := true
	digits := func(idx int, mandatory bool) {
		if !ok {
			return
		}
		at := pos
		if colon && idx > 0 {
			if at+1 > length || text[at] != ':' {
				ok = !mandatory
				return
			}
			at++
		}
		if at+2 > length || !isDigit(text[at]) || !isDigit(text[at+1]) {
			ok = !mandatory
			return
		}
		v := int(text[at]-'0')*10 + int(text[at+1]-'0')
		if v > 59 {
			ok = !mandatory
			return
		}
		hms[idx], pos = v, at+2
	}
	digits(0, true)
	switch it.offType {
	case 1, 2: // +HHmm, +HH:mm
		digits(1, false)
	case 3, 4: // +HHMM, +HH:MM
		digits(1, true)
	case 5, 6: // +HHMMss, +HH:MM:ss
		digits(1, true)
		digits(2, false)
	}
	if !ok {
		return position, &parseFail{position, "expected an offset such as " + pat}
	}
	if hms[0] > 23 {
		return position, &parseFail{position, "offset out of range: Hour[0-23], Minute[0-59], Second[0-59]"}
	}
	secs := hms[0]*3600 + hms[1]*60 + hms[2]
	if sign == '-' {
		secs = -secs
	}
	return p.setOffset(secs, position, pos)
}

func (p *Parsed) setOffset(secs, start, end int) (int, *parseFail) {
	if p.hasOffset && p.offset != secs {
		return start, &parseFail{start, "the offset conflicts with one parsed earlier"}
	}
	p.offset, p.hasOffset = secs, true
	return end, nil
}

// parseLocalOffset is LocalizedOffsetIdPrinterParser.parse: GMT, then
// optionally a sign, hours and minutes.
func parseLocalOffset(it *item, text string, position int, p *Parsed) (int, *parseFail) {
	if !strings.HasPrefix(text[position:], "GMT") {
		return position, &parseFail{position, `expected "GMT"`}
	}
	pos, end := position+3, len(text)
	if pos == end || text[pos] != '+' && text[pos] != '-' {
		return p.setOffset(0, position, pos)
	}
	neg := text[pos] == '-'
	pos++
	digit := func(at int) int {
		if at < end && isDigit(text[at]) {
			return int(text[at] - '0')
		}
		return -1
	}
	bad := &parseFail{position, "expected an offset such as GMT+08:00"}
	h, m, s := 0, 0, 0
	if it.style == styleFull {
		h1, h2 := digit(pos), digit(pos+1)
		if h1 < 0 || h2 < 0 || pos+2 >= end || text[pos+2] != ':' {
			return position, bad
		}
		m1, m2 := digit(pos+3), digit(pos+4)
		if m1 < 0 || m2 < 0 {
			return position, bad
		}
		h, m, pos = h1*10+h2, m1*10+m2, pos+5
		if pos+2 < end && text[pos] == ':' {
			if s1, s2 := digit(pos+1), digit(pos+2); s1 >= 0 && s2 >= 0 {
				s, pos = s1*10+s2, pos+3
			}
		}
	} else {
		if h = digit(pos); h < 0 {
			return position, bad
		}
		pos++
		if pos < end {
			if h2 := digit(pos); h2 >= 0 {
				h, pos = h*10+h2, pos+1
			}
			if pos+2 < end && text[pos] == ':' {
				if m1, m2 := digit(pos+1), digit(pos+2); m1 >= 0 && m2 >= 0 {
					m, pos = m1*10+m2, pos+3
					if pos+2 < end && text[pos] == ':' {
						if s1, s2 := digit(pos+1), digit(pos+2); s1 >= 0 && s2 >= 0 {
							s, pos = s1*10+s2, pos+3
						}
					}
				}
			}
		}
	}
	// Java checks only the total, as ZoneOffset.ofTotalSeconds does:
	// GMT+09:90 is +10:30.
	secs := h*3600 + m*60 + s
	if secs > 18*3600 {
		return position, &parseFail{position, "offset out of range"}
	}
	if neg {
		secs = -secs
	}
	return p.setOffset(secs, position, pos)
}

// parseZoneID reads a zone ID as ZoneIdPrinterParser does: Z, an offset
// such as +01:00, UTC, GMT or UT with an optional offset, or the longest
// region ID (Europe/Paris) the time zone database knows.
func parseZoneID(text string, position int, p *Parsed) (int, *parseFail) {
	rest := text[position:]
	if rest == "" {
		return position, &parseFail{position, "expected a zone ID, found the end of the text"}
	}
	offsetAt := func(at int) (int, int, bool) {
		off := item{offType: 6, noOffset: "Z"} // +HH:MM:ss
		var tmp Parsed
		end, fail := parseOffset(&off, text, at, &tmp)
		return tmp.offset, end, fail == nil
	}
	if rest[0] == '+' || rest[0] == '-' {
		secs, end, ok := offsetAt(position)
		if !ok {
			return position, &parseFail{position, "expected a zone offset such as +01:00"}
		}
		return p.setZone(offsetZone(secs), end)
	}
	if rest[0] == 'Z' {
		return p.setZone(offsetZone(0), position+1)
	}
	for _, prefix := range []string{"UTC", "GMT", "UT"} {
		if strings.HasPrefix(rest, prefix) {
			end := position + len(prefix)
			if end < len(text) && (text[end] == '+' || text[end] == '-') {
				if secs, e, ok := offsetAt(end); ok {
					z, err := ParseZone(prefix + offsetID(secs))
					if err == nil {
						return p.setZone(z, e)
					}
				}
			}
			z, _ := ParseZone(prefix)
			return p.setZone(z, end)
		}
	}
	n := 0
	for n < len(rest) && isZoneChar(rest[n]) {
		n++
	}
	for ; n > 0; n-- {
		if z, err := ParseZone(rest[:n]); err == nil && !z.fixed {
			return p.setZone(z, position+n)
		}
	}
	return position, &parseFail{position, "expected a zone ID"}
}

func isZoneChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || isDigit(c) || c == '/' || c == '_' || c == '-' || c == '+' || c == '.' || c == '~'
}

func (p *Parsed) setZone(z *Zone, end int) (int, *parseFail) {
	p.zone = z
	return end, nil
}

// offsetID is ZoneOffset.getId: Z, or ±HH:MM[:SS].
func offsetID(secs int) string {
	if secs == 0 {
		return "Z"
	}
	var b strings.Builder
	formatOffset(&b, secs, 6, "Z")
	return b.String()
}
