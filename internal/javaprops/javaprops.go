// Package javaprops parses Java .properties text exactly as
// java.util.Properties does. It is package worker's ParseProperties, here so
// that packages worker imports (its config providers) can read .properties
// files too.
package javaprops

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// SyntaxError reports malformed configuration text: a bad \uXXXX escape in
// a .properties file, or invalid JSON. Line and Column are 1-based (Column
// counts characters); Offset is the 0-based byte offset in the input.
type SyntaxError struct {
	Line   int
	Column int
	Offset int64
	Msg    string
}

// Error says where the problem is and what it is.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d (byte %d): %s", e.Line, e.Column, e.Offset, e.Msg)
}

// utf8BOM is skipped at the start of a file. Java would keep it as part of
// the first key, silently breaking that setting; no one means that.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Parse reads Java .properties text as java.util.Properties.load does;
// see worker.ParseProperties for the rules. Its errors are bare
// *SyntaxError values for the caller to wrap.
func Parse(data []byte) (map[string]string, error) {
	p := newPropText(data)
	props := make(map[string]string)
	var line []rune
	var pos []int
	for {
		var ok bool
		line, pos, ok = p.logicalLine(line[:0], pos[:0])
		if !ok {
			return props, nil
		}
		keyEnd, valueStart := splitKeyValue(line)
		key, err := p.unescape(line[:keyEnd], pos[:keyEnd])
		if err != nil {
			return nil, err
		}
		value, err := p.unescape(line[valueStart:], pos[valueStart:])
		if err != nil {
			return nil, err
		}
		props[key] = value
	}
}

// propText is decoded .properties text, with where each character came from
// so that errors can name their place.
type propText struct {
	src  []rune
	offs []int // byte offset in the input of each rune of src
	next int   // index in src of the next rune to read
}

func newPropText(data []byte) *propText {
	base := 0
	if bytes.HasPrefix(data, utf8BOM) {
		base = len(utf8BOM)
		data = data[base:]
	}
	p := &propText{
		src:  make([]rune, 0, len(data)),
		offs: make([]int, 0, len(data)),
	}
	if utf8.Valid(data) {
		for i, r := range string(data) {
			p.src = append(p.src, r)
			p.offs = append(p.offs, base+i)
		}
	} else {
		for i, b := range data {
			p.src = append(p.src, rune(b))
			p.offs = append(p.offs, base+i)
		}
	}
	return p
}

func isPropSpace(c rune) bool { return c == ' ' || c == '\t' || c == '\f' }

func isPropEOL(c rune) bool { return c == '\n' || c == '\r' }

// logicalLine appends the next logical line to line, and the index in
// p.src of each of its runes to pos. It skips blank and comment lines,
// joins continued lines (dropping the backslash and the continuation's
// leading whitespace) and drops a trailing backslash at the end of the
// text. It returns false when no line is left.
func (p *propText) logicalLine(line []rune, pos []int) ([]rune, []int, bool) {
	var (
		skipSpace = true  // at the start of a natural line
		continued = false // skipSpace on a continuation line, where EOL ends the logical line
		backslash = false // the last rune was an unescaped backslash
		skipLF    = false // a continuation ended with CR: a following LF belongs to it
	)
	for p.next < len(p.src) {
		i := p.next
		c := p.src[i]
		p.next++
		if skipLF {
			skipLF = false
			if c == '\n' {
				continue
			}
		}
		if skipSpace {
			if isPropSpace(c) || (!continued && isPropEOL(c)) {
				continue
			}
			skipSpace, continued = false, false
		}
		if len(line) == 0 && (c == '#' || c == '!') {
			// Java checks for a comment while the logical line is
			// empty, so also after a continuation of a lone backslash.
			for p.next < len(p.src) && !isPropEOL(p.src[p.next]) {
				p.next++
			}
			skipSpace = true
			continue
		}
		if !isPropEOL(c) {
			line = append(line, c)
			pos = append(pos, i)
			backslash = c == '\\' && !backslash
			continue
		}
		if len(line) == 0 {
			// Only possible after a continuation onto an empty line.
			skipSpace = true
			continue
		}
		if !backslash {
			return line, pos, true
		}
		line, pos = line[:len(line)-1], pos[:len(pos)-1]
		skipSpace, continued, backslash = true, true, false
		skipLF = c == '\r'
		if p.next == len(p.src) {
			// Java ends the line here even when dropping the
			// backslash empties it.
			return line, pos, true
		}
	}
	if len(line) == 0 {
		return line, pos, false
	}
	if backslash {
		line, pos = line[:len(line)-1], pos[:len(pos)-1]
	}
	return line, pos, true
}

// splitKeyValue returns where the key of a logical line ends and where its
// value starts.
func splitKeyValue(line []rune) (keyEnd, valueStart int) {
	valueStart = len(line)
	hasSep := false
	backslash := false
	for keyEnd < len(line) {
		c := line[keyEnd]
		if !backslash && (c == '=' || c == ':') {
			valueStart, hasSep = keyEnd+1, true
			break
		}
		if !backslash && isPropSpace(c) {
			valueStart = keyEnd + 1
			break
		}
		backslash = c == '\\' && !backslash
		keyEnd++
	}
	for ; valueStart < len(line); valueStart++ {
		c := line[valueStart]
		if isPropSpace(c) {
			continue
		}
		if hasSep || (c != '=' && c != ':') {
			break
		}
		hasSep = true
	}
	return keyEnd, valueStart
}

// unescape resolves the escapes of a key or value. pos holds the index in
// p.src of each rune of s, for errors.
func (p *propText) unescape(s []rune, pos []int) (string, error) {
	var b strings.Builder
	b.Grow(len(s))
	// Java builds strings of UTF-16 code units: \uXXXX escapes of a
	// surrogate pair make one character, and a lone half is invalid text.
	var high rune = -1
	flushHigh := func() {
		if high >= 0 {
			b.WriteRune(utf8.RuneError)
			high = -1
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			// Line assembly drops a lone final backslash; were
			// one to come, keep it rather than lose it.
			flushHigh()
			b.WriteRune(c)
			continue
		}
		i++
		c = s[i]
		if c != 'u' {
			flushHigh()
			switch c {
			case 't':
				c = '\t'
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 'f':
				c = '\f'
			}
			b.WriteRune(c)
			continue
		}
		u, ok := hex4(s[i+1:])
		if !ok {
			end := min(i+5, len(s))
			return "", p.errorAt(pos[i-1], fmt.Sprintf("malformed \\uXXXX escape %q", string(s[i-1:end])))
		}
		i += 4
		switch {
		case utf16.IsSurrogate(u) && u < 0xDC00: // high half
			flushHigh()
			high = u
		case utf16.IsSurrogate(u): // low half
			if high >= 0 {
				b.WriteRune(utf16.DecodeRune(high, u))
				high = -1
			} else {
				b.WriteRune(utf8.RuneError)
			}
		default:
			flushHigh()
			b.WriteRune(u)
		}
	}
	flushHigh()
	return b.String(), nil
}

// hex4 reads the four hex digits that start s.
func hex4(s []rune) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var u rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			u = u<<4 | (c - '0')
		case 'a' <= c && c <= 'f':
			u = u<<4 | (c - 'a' + 10)
		case 'A' <= c && c <= 'F':
			u = u<<4 | (c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return u, true
}

// errorAt returns a SyntaxError at the rune src[i].
func (p *propText) errorAt(i int, msg string) *SyntaxError {
	line, col := 1, 1
	for j := 0; j < i; j++ {
		switch c := p.src[j]; {
		case c == '\n' || (c == '\r' && (j+1 == len(p.src) || p.src[j+1] != '\n')):
			line, col = line+1, 1
		case c == '\r':
			// The LF of a CRLF pair ends the line.
		default:
			col++
		}
	}
	return &SyntaxError{Line: line, Column: col, Offset: int64(p.offs[i]), Msg: msg}
}
