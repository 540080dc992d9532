package jsonpath

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// This file translates Java regular expressions (java.util.regex, as
// Jayway compiles /re/flags) into Go's RE2 syntax, keeping Java's meaning
// where the two differ: '.' excludes every Java line terminator, \s holds
// the vertical tab, i without u folds ASCII letters only, x drops blanks
// and comments, \uXXXX is a character. What RE2 cannot express
// (look-arounds, back-references, atomic groups, possessive quantifiers,
// nested classes and intersections) is an error, which makes the
// condition a configuration error.

// javaRegex is a compiled /re/flags; Jayway matches the whole input
// (Matcher.matches).
type javaRegex struct {
	re     *regexp.Regexp
	prefix string // every match starts with it
}

func (r *javaRegex) matches(text string) bool {
	return strings.HasPrefix(text, r.prefix) && r.re.MatchString(text)
}

type regexFlags struct{ ci, unicodeCase, comments, multiline, dotall, unixLines bool }

func compileJavaRegex(pattern, flags string) (*javaRegex, error) {
	var f regexFlags
	for _, c := range flags {
		switch c {
		case 'i':
			f.ci = true
		case 'u':
			f.unicodeCase = true
		case 'x':
			f.comments = true
		case 'm':
			f.multiline = true
		case 's':
			f.dotall = true
		case 'd':
			f.unixLines = true
		}
	}
	t := &regexTranslator{src: []rune(pattern), f: f}
	body, err := t.translate()
	if err != nil {
		return nil, fmt.Errorf("regular expression /%s/%s: %w", pattern, flags, err)
	}
	src := `\A(?:` + body + `)\z`
	if f.ci && f.unicodeCase {
		src = "(?i)" + src
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, fmt.Errorf("regular expression /%s/%s is not supported by Go's RE2 syntax: %w", pattern, flags, err)
	}
	prefix, _ := re.LiteralPrefix()
	return &javaRegex{re: re, prefix: prefix}, nil
}

type regexTranslator struct {
	src []rune
	i   int
	f   regexFlags
	out strings.Builder
}

var errUnsupported = func(what string) error {
	return fmt.Errorf("%s cannot be expressed in Go's RE2 syntax", what)
}

func (t *regexTranslator) translate() (string, error) {
	for t.i < len(t.src) {
		c := t.src[t.i]
		if t.f.comments && t.skipComment(c) {
			continue
		}
		t.i++
		switch c {
		case '\\':
			if err := t.escape(false); err != nil {
				return "", err
			}
		case '[':
			if err := t.class(); err != nil {
				return "", err
			}
		case '.':
			switch {
			case t.f.dotall:
				t.out.WriteString(`(?s:.)`)
			case t.f.unixLines:
				t.out.WriteString(`[^\n]`)
			default:
				t.out.WriteString(`[^\n\r\x{85}\x{2028}\x{2029}]`)
			}
		case '^':
			if t.f.multiline {
				t.out.WriteString(`(?m:^)`)
			} else {
				t.out.WriteString(`^`)
			}
		case '$':
			if t.f.multiline {
				t.out.WriteString(`(?m:$)`)
			} else {
				t.out.WriteString(`$`)
			}
		case '(':
			if err := t.group(); err != nil {
				return "", err
			}
		case ')', '|':
			t.out.WriteRune(c)
		case '{':
			// Java reads { only as a quantifier {n}, {n,} or {n,m}.
			end := t.i
			for end < len(t.src) && (t.src[end] >= '0' && t.src[end] <= '9' || t.src[end] == ',') {
				end++
			}
			q := string(t.src[t.i:end])
			if end >= len(t.src) || t.src[end] != '}' || q == "" || q[0] == ',' || strings.Count(q, ",") > 1 {
				return "", fmt.Errorf("illegal repetition")
			}
			t.out.WriteString("{" + q + "}")
			t.i = end + 1
			if t.i < len(t.src) && t.src[t.i] == '+' {
				return "", errUnsupported("a possessive quantifier")
			}
		case '}':
			t.out.WriteString(`\}`)
		case '*', '+', '?':
			t.out.WriteRune(c)
			if t.i < len(t.src) && t.src[t.i] == '+' {
				return "", errUnsupported("a possessive quantifier")
			}
		default:
			t.literal(c)
		}
	}
	return t.out.String(), nil
}

// skipComment passes over blanks and # comments in x mode.
func (t *regexTranslator) skipComment(c rune) bool {
	switch {
	case c == ' ' || c == '\t' || c == '\n' || c == '\x0b' || c == '\f' || c == '\r':
		t.i++
		return true
	case c == '#':
		for t.i < len(t.src) && t.src[t.i] != '\n' {
			t.i++
		}
		return true
	}
	return false
}

func (t *regexTranslator) group() error {
	if t.i >= len(t.src) || t.src[t.i] != '?' {
		t.out.WriteByte('(')
		return nil
	}
	rest := string(t.src[t.i:])
	switch {
	case strings.HasPrefix(rest, "?="), strings.HasPrefix(rest, "?!"), strings.HasPrefix(rest, "?<="), strings.HasPrefix(rest, "?<!"):
		return errUnsupported("a look-around")
	case strings.HasPrefix(rest, "?>"):
		return errUnsupported("an atomic group")
	case strings.HasPrefix(rest, "?<"):
		t.out.WriteString("(?P<")
		t.i += 2
		return nil
	case strings.HasPrefix(rest, "?:"):
		t.out.WriteString("(?:")
		t.i += 2
		return nil
	}
	// Inline flags: (?idmsux-idmsux) or (?flags:...).
	j := t.i + 1
	var b strings.Builder
	for ; j < len(t.src) && strings.ContainsRune("idmsuxUc-", t.src[j]); j++ {
		switch t.src[j] {
		case 'i', 'm', 's', '-':
			b.WriteRune(t.src[j])
		case 'x':
			return errUnsupported("the inline flag x")
		}
		// c (canonical equivalence), d, u and U change nothing RE2 can
		// express: they are dropped.
	}
	if j >= len(t.src) || t.src[j] != ')' && t.src[j] != ':' {
		return fmt.Errorf("invalid group")
	}
	flags := strings.TrimSuffix(b.String(), "-")
	if flags == "" {
		if t.src[j] == ')' {
			t.i = j + 1
			return nil
		}
		t.out.WriteString("(?:")
		t.i = j + 1
		return nil
	}
	t.out.WriteString("(?" + flags + string(t.src[j]))
	t.i = j + 1
	return nil
}

// literal writes one character, folding ASCII letters under i without u.
func (t *regexTranslator) literal(c rune) {
	if t.f.ci && !t.f.unicodeCase && c < 0x80 && unicode.IsLetter(c) {
		t.out.WriteString("[" + string(unicode.ToLower(c)) + string(unicode.ToUpper(c)) + "]")
		return
	}
	t.out.WriteString(regexp.QuoteMeta(string(c)))
}

func hexRune(r rune) string { return `\x{` + strconv.FormatInt(int64(r), 16) + `}` }

// escape translates the escape after a backslash; in a class it writes
// what goes between the brackets.
func (t *regexTranslator) escape(inClass bool) error {
	if t.i >= len(t.src) {
		return fmt.Errorf("trailing backslash")
	}
	c := t.src[t.i]
	t.i++
	switch c {
	case 'u':
		if t.i+4 > len(t.src) {
			return fmt.Errorf("illegal unicode escape")
		}
		n, err := strconv.ParseUint(string(t.src[t.i:t.i+4]), 16, 32)
		if err != nil {
			return fmt.Errorf("illegal unicode escape")
		}
		t.i += 4
		t.char(rune(n), inClass)
	case 'x':
		if t.i < len(t.src) && t.src[t.i] == '{' {
			end := t.i
			for end < len(t.src) && t.src[end] != '}' {
				end++
			}
			n, err := strconv.ParseUint(string(t.src[t.i+1:end]), 16, 32)
			if err != nil || end >= len(t.src) {
				return fmt.Errorf("illegal hexadecimal escape")
			}
			t.i = end + 1
			t.char(rune(n), inClass)
			return nil
		}
		if t.i+2 > len(t.src) {
			return fmt.Errorf("illegal hexadecimal escape")
		}
		n, err := strconv.ParseUint(string(t.src[t.i:t.i+2]), 16, 8)
		if err != nil {
			return fmt.Errorf("illegal hexadecimal escape")
		}
		t.i += 2
		t.char(rune(n), inClass)
	case '0':
		n := 0
		k := 0
		for ; k < 3 && t.i < len(t.src) && t.src[t.i] >= '0' && t.src[t.i] <= '7'; k++ {
			if k == 2 && n > 037 {
				break
			}
			n = n*8 + int(t.src[t.i]-'0')
			t.i++
		}
		if k == 0 {
			return fmt.Errorf("illegal octal escape")
		}
		t.char(rune(n), inClass)
	case 'e':
		t.char(0x1b, inClass)
	case 'a':
		t.char(0x07, inClass)
	case 'c':
		if t.i >= len(t.src) {
			return fmt.Errorf("illegal control escape")
		}
		t.char(t.src[t.i]^64, inClass)
		t.i++
	case 't', 'n', 'r', 'f', 'd', 'D', 'w', 'W':
		t.out.WriteString(`\` + string(c))
	case 's':
		if inClass {
			t.out.WriteString(`\t\n\x0b\f\r `)
		} else {
			t.out.WriteString(`[\t\n\x0b\f\r ]`)
		}
	case 'S':
		if inClass {
			return errUnsupported(`\S inside a class`)
		}
		t.out.WriteString(`[^\t\n\x0b\f\r ]`)
	case 'h', 'H':
		set := ` \t\x{a0}\x{1680}\x{180e}\x{2000}-\x{200a}\x{202f}\x{205f}\x{3000}`
		if c == 'H' {
			if inClass {
				return errUnsupported(`\H inside a class`)
			}
			t.out.WriteString("[^" + set + "]")
		} else if inClass {
			t.out.WriteString(set)
		} else {
			t.out.WriteString("[" + set + "]")
		}
	case 'v', 'V':
		set := `\n\x0b\f\r\x{85}\x{2028}\x{2029}`
		if c == 'V' {
			if inClass {
				return errUnsupported(`\V inside a class`)
			}
			t.out.WriteString("[^" + set + "]")
		} else if inClass {
			t.out.WriteString(set)
		} else {
			t.out.WriteString("[" + set + "]")
		}
	case 'R':
		if inClass {
			return fmt.Errorf(`illegal \R in a class`)
		}
		t.out.WriteString(`(?:\r\n|[\n\x0b\f\r\x{85}\x{2028}\x{2029}])`)
	case 'b', 'B', 'A', 'z':
		if inClass {
			return fmt.Errorf(`illegal \%c in a class`, c)
		}
		t.out.WriteString(`\` + string(c))
	case 'Z':
		// Before a final line terminator; Matcher.matches must still reach
		// the end, so at the end of a pattern it is the end of input.
		t.out.WriteString(`\z`)
	case 'Q':
		end := strings.Index(string(t.src[t.i:]), `\E`)
		var lit []rune
		if end < 0 {
			lit = t.src[t.i:]
			t.i = len(t.src)
		} else {
			lit = []rune(string(t.src[t.i:])[:end])
			t.i += len(lit) + 2
		}
		for _, r := range lit {
			t.char(r, inClass)
		}
	case 'p', 'P':
		return t.property(c == 'P', inClass)
	case 'k', 'G', 'X':
		return errUnsupported(`\` + string(c))
	default:
		switch {
		case c >= '1' && c <= '9':
			return errUnsupported("a back-reference")
		case c < 0x80 && (unicode.IsLetter(c) || unicode.IsDigit(c)):
			return fmt.Errorf(`illegal escape \%c`, c)
		}
		t.char(c, inClass)
	}
	return nil
}

// char writes one literal character.
func (t *regexTranslator) char(r rune, inClass bool) {
	if !inClass {
		t.literal(r)
		return
	}
	t.classChar(r)
}

func (t *regexTranslator) classChar(r rune) {
	t.out.WriteString(hexRune(r))
	if t.f.ci && !t.f.unicodeCase && r < 0x80 && unicode.IsLetter(r) {
		t.out.WriteString(hexRune(unicode.ToLower(r)) + hexRune(unicode.ToUpper(r)))
	}
}

var posixClasses = map[string]string{
	"Lower": `a-z`, "Upper": `A-Z`, "ASCII": `\x00-\x7f`, "Alpha": `a-zA-Z`, "Digit": `0-9`, "Alnum": `a-zA-Z0-9`,
	"Punct": `!-/:-@\[-` + "`" + `{-~`, "Graph": `!-~`, "Print": ` -~`, "Blank": ` \t`, "Cntrl": `\x00-\x1f\x7f`,
	"XDigit": `0-9a-fA-F`, "Space": ` \t\n\x0b\f\r`,
}

func (t *regexTranslator) property(negated, inClass bool) error {
	var name string
	if t.i < len(t.src) && t.src[t.i] == '{' {
		end := t.i
		for end < len(t.src) && t.src[end] != '}' {
			end++
		}
		if end >= len(t.src) {
			return fmt.Errorf("unclosed character family")
		}
		name = string(t.src[t.i+1 : end])
		t.i = end + 1
	} else if t.i < len(t.src) {
		name = string(t.src[t.i])
		t.i++
	}
	if set, ok := posixClasses[name]; ok {
		switch {
		case inClass && negated:
			return errUnsupported(`\P{` + name + `} inside a class`)
		case inClass:
			t.out.WriteString(set)
		case negated:
			t.out.WriteString("[^" + set + "]")
		default:
			t.out.WriteString("[" + set + "]")
		}
		return nil
	}
	// Without a prefix Java takes a general category; after Is, a
	// category or a script (and binary properties RE2 lacks).
	if n, ok := strings.CutPrefix(name, "Is"); ok {
		if _, isCat := unicode.Categories[n]; !isCat {
			script := ""
			for k := range unicode.Scripts {
				if strings.EqualFold(k, n) {
					script = k
				}
			}
			if script == "" {
				return errUnsupported(`\p{` + name + `}`)
			}
			n = script
		}
		name = n
	} else if _, isCat := unicode.Categories[name]; !isCat {
		return fmt.Errorf(`unknown character property \p{%s}`, name)
	}
	p := "p"
	if negated {
		p = "P"
	}
	t.out.WriteString(`\` + p + `{` + name + `}`)
	return nil
}

// class translates a character class after its '['.
func (t *regexTranslator) class() error {
	t.out.WriteByte('[')
	if t.i < len(t.src) && t.src[t.i] == '^' {
		t.out.WriteByte('^')
		t.i++
	}
	first := true
	for {
		if t.i >= len(t.src) {
			return fmt.Errorf("unclosed character class")
		}
		c := t.src[t.i]
		if t.f.comments && (c == ' ' || c == '\t' || c == '\n' || c == '\x0b' || c == '\f' || c == '\r') {
			t.i++
			continue
		}
		t.i++
		switch {
		case c == ']' && !first:
			t.out.WriteByte(']')
			return nil
		case c == '[':
			return errUnsupported("a nested character class")
		case c == '&' && t.i < len(t.src) && t.src[t.i] == '&':
			return errUnsupported("a character class intersection")
		case c == '\\':
			if err := t.escape(true); err != nil {
				return err
			}
		case c == '-' && !first && t.i < len(t.src) && t.src[t.i] != ']':
			t.out.WriteByte('-')
			// Fold the range's letters: its ends are already written.
		case t.f.ci && !t.f.unicodeCase && t.i+1 < len(t.src) && t.src[t.i] == '-' && t.src[t.i+1] != ']' && t.src[t.i+1] != '\\' && t.src[t.i+1] != '[':
			hi := t.src[t.i+1]
			t.i += 2
			t.out.WriteString(hexRune(c) + "-" + hexRune(hi))
			t.foldRange(c, hi)
		default:
			t.classChar(c)
		}
		first = false
	}
}

// foldRange adds the other case of the ASCII letters in lo-hi.
func (t *regexTranslator) foldRange(lo, hi rune) {
	for _, span := range [][2]rune{{'a', 'z'}, {'A', 'Z'}} {
		a, b := max(lo, span[0]), min(hi, span[1])
		if a > b {
			continue
		}
		d := rune('A' - 'a')
		if span[0] == 'A' {
			d = -d
		}
		t.out.WriteString(hexRune(a+d) + "-" + hexRune(b+d))
	}
}
