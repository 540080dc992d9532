package clientconfig

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// jaasEntry is the one login module of a sasl.jaas.config value:
//
//	<module class> <control flag> [<option>=<value> ...];
type jaasEntry struct {
	module  string
	options map[string]string
	order   []string // option names as written
}

var javaClassName = regexp.MustCompile(`^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$`)

// shortModule names the login module in messages: its class name without
// the package, or a placeholder when the text is no class name and so may
// be a misplaced secret.
func (e jaasEntry) shortModule() string {
	if !javaClassName.MatchString(e.module) {
		return "the login module"
	}
	return e.module[strings.LastIndex(e.module, ".")+1:]
}

// parseJAAS parses a sasl.jaas.config value as Java clients do: one login
// module, values quoted with " or ' (with backslash escapes) or bare words,
// and a final semicolon. Its errors quote nothing but option names that
// precede a well-formed value, because the text holds passwords.
func parseJAAS(s string) (jaasEntry, error) {
	p := jaasParser{s: s}
	e := jaasEntry{options: make(map[string]string)}
	e.module = p.word()
	if e.module == "" {
		return e, errors.New("no login module")
	}
	switch flag := strings.ToLower(p.word()); flag {
	case "required", "requisite", "sufficient", "optional":
	case "":
		return e, errors.New("no control flag (such as required) after the login module")
	default:
		return e, errors.New("the login module is not followed by a control flag (such as required)")
	}
	for {
		p.space()
		if p.done() {
			// Java insists on the semicolon; its absence loses nothing.
			return e, nil
		}
		if p.peek() == ';' {
			p.i++
			p.space()
			if !p.done() {
				return e, errors.New("more than one login module; Kafka clients use exactly one")
			}
			return e, nil
		}
		at := p.i
		name := p.word()
		p.space()
		if name == "" || p.done() || p.peek() != '=' {
			return e, fmt.Errorf("expected option=value at character %d", at+1)
		}
		p.i++
		p.space()
		val, err := p.value()
		if err != nil {
			return e, fmt.Errorf("option %s: %w", name, err)
		}
		if _, dup := e.options[name]; dup {
			return e, fmt.Errorf("option %s is set twice", name)
		}
		e.options[name] = val
		e.order = append(e.order, name)
	}
}

type jaasParser struct {
	s string
	i int
}

func (p *jaasParser) done() bool { return p.i >= len(p.s) }
func (p *jaasParser) peek() byte { return p.s[p.i] }

func (p *jaasParser) space() {
	for !p.done() && strings.IndexByte(" \t\r\n\f", p.peek()) >= 0 {
		p.i++
	}
}

// word reads a bare word: everything up to white space, '=', ';' or a quote.
func (p *jaasParser) word() string {
	p.space()
	start := p.i
	for !p.done() && strings.IndexByte(" \t\r\n\f=;\"'", p.peek()) < 0 {
		p.i++
	}
	return p.s[start:p.i]
}

// value reads a quoted string or a bare word.
func (p *jaasParser) value() (string, error) {
	if p.done() {
		return "", errors.New("no value")
	}
	q := p.peek()
	if q != '"' && q != '\'' {
		if w := p.word(); w != "" {
			return w, nil
		}
		return "", errors.New("no value")
	}
	p.i++
	var b strings.Builder
	for !p.done() {
		c := p.peek()
		p.i++
		switch {
		case c == q:
			return b.String(), nil
		case c == '\\' && !p.done():
			b.WriteByte(p.escape())
		default:
			b.WriteByte(c)
		}
	}
	return "", errors.New("unterminated quoted value")
}

// escape decodes the escape after a backslash as java.io.StreamTokenizer
// does: C-style letters, octal numbers, and any other character as itself.
func (p *jaasParser) escape() byte {
	c := p.peek()
	p.i++
	switch c {
	case 'a':
		return 7
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'v':
		return '\v'
	}
	if c < '0' || c > '7' {
		return c
	}
	n, digits := int(c-'0'), 1
	limit := 3
	if c > '3' {
		limit = 2
	}
	for digits < limit && !p.done() && p.peek() >= '0' && p.peek() <= '7' {
		n = n*8 + int(p.peek()-'0')
		p.i++
		digits++
	}
	return byte(n)
}
