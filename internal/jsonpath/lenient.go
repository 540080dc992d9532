package jsonpath

import (
	"strings"
)

// parseLenient parses text the way json-smart's permissive mode does for
// the JSON literals of filters and the JSON parameters of functions:
// single-quoted strings, bare words, leading zeros and trailing commas
// are accepted. False where json-smart throws.
func parseLenient(text string) (any, bool) {
	p := &lenient{s: text}
	p.space()
	v, ok := p.value(0)
	if !ok {
		return nil, false
	}
	p.space()
	return v, p.i == len(p.s)
}

type lenient struct {
	s string
	i int
}

func (p *lenient) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *lenient) value(depth int) (any, bool) {
	if p.i >= len(p.s) || depth > 1000 {
		return nil, false
	}
	switch c := p.s[p.i]; {
	case c == '{':
		p.i++
		m := &omap{}
		for {
			p.space()
			if p.i < len(p.s) && p.s[p.i] == '}' {
				p.i++
				return m, true
			}
			var k string
			if p.i < len(p.s) && (p.s[p.i] == '"' || p.s[p.i] == '\'') {
				s, ok := p.str()
				if !ok {
					return nil, false
				}
				k = s
			} else {
				k = p.word(":")
				if k == "" {
					return nil, false
				}
			}
			p.space()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return nil, false
			}
			p.i++
			p.space()
			v, ok := p.value(depth + 1)
			if !ok {
				return nil, false
			}
			m.put(k, v)
			p.space()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == '}' {
				p.i++
				return m, true
			}
			return nil, false
		}
	case c == '[':
		p.i++
		a := []any{}
		for {
			p.space()
			for p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++ // json-smart skips useless commas
				p.space()
			}
			if p.i < len(p.s) && p.s[p.i] == ']' {
				p.i++
				return a, true
			}
			v, ok := p.value(depth + 1)
			if !ok {
				return nil, false
			}
			a = append(a, v)
			p.space()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == ']' {
				p.i++
				return a, true
			}
			return nil, false
		}
	case c == '"' || c == '\'':
		return p.str()
	}
	w := p.word(",]}")
	switch w {
	case "":
		return nil, false
	case "true":
		return true, true
	case "false":
		return false, true
	case "null":
		return nil, true
	}
	if n, ok := lenientNumber(w); ok {
		return n, true
	}
	return w, true
}

// word reads a bare token up to one of stop or the end, trimmed.
func (p *lenient) word(stop string) string {
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(stop, rune(p.s[p.i])) && p.s[p.i] != '[' && p.s[p.i] != '{' {
		p.i++
	}
	return strings.TrimRight(p.s[start:p.i], " \t\n\r")
}

func (p *lenient) str() (string, bool) {
	q := p.s[p.i]
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return b.String(), true
		case c == '\\' && p.i+1 < len(p.s):
			p.i++
			switch e := p.s[p.i]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'u':
				if p.i+4 >= len(p.s) {
					return "", false
				}
				u, ok := hexValue(p.s[p.i+1 : p.i+5])
				if !ok {
					return "", false
				}
				b.WriteRune(rune(u))
				p.i += 4
			default:
				b.WriteByte(e)
			}
			p.i++
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return "", false
}

func hexValue(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		d := strings.IndexByte("0123456789abcdef", s[i]|0x20)
		if d < 0 {
			return 0, false
		}
		n = n*16 + d
	}
	return n, true
}

// lenientNumber reads a number json-smart accepts, leading zeros too, as
// the number it makes (the zeros go).
func lenientNumber(w string) (number, bool) {
	if w == "-" {
		return "0", true // json-smart reads a lone minus as 0
	}
	i := 0
	if i < len(w) && w[i] == '-' {
		i++
	}
	start := i
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	if i == start {
		return "", false
	}
	intPart := strings.TrimLeft(w[start:i], "0")
	if intPart == "" {
		intPart = "0"
	}
	rest := w[i:]
	if rest != "" {
		if _, ok := parseDecimal("0" + rest); !ok || strings.ContainsAny(rest, "+-") && !strings.ContainsAny(rest, "eE") {
			return "", false
		}
	}
	return number(w[:start] + intPart + rest), true
}
