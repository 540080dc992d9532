package jsonpath

import (
	"fmt"
	"strconv"
	"strings"
)

// This file compiles Jayway path syntax the way Jayway 2.6.0's
// PathCompiler reads it, quirks included: "$.[" is "$[", a path that does
// not start with $ or @ gets "$." in front, a bare name runs up to the
// next '.', '[' or '(' (so "@.a||@.b" is the one property "a||@"), and
// function names are only looked up when the path is evaluated.

// tokKind is the kind of one path token.
type tokKind uint8

const (
	tProp   tokKind = iota // ['a'] or .a, or ['a','b']
	tIndex                 // [0] or [0,1]
	tSlice                 // [1:2], [1:], [:2]
	tWild                  // * or [*]
	tScan                  // ..
	tFilter                // [?(...)]
	tFunc                  // .name(...)
)

type sliceKind uint8

const (
	sliceFrom sliceKind = iota
	sliceTo
	sliceBetween
)

// token is one step of a compiled path.
type token struct {
	kind     tokKind
	props    []string
	indexes  []int
	slice    sliceKind
	from, to int
	preds    []expr
	fn       string
	params   []*param
}

// cpath is a compiled path: the root ($ or @) and its tokens.
type cpath struct {
	src      string
	root     byte
	toks     []token
	definite bool
	// upDef[i] reports whether every token before toks[i] is definite.
	upDef []bool
	// simple is set when every token is one name or one index: such a
	// path is walked directly, its only failure being no result.
	simple bool
}

// tokenDefinite is PathToken.isTokenDefinite.
func (p *cpath) tokenDefinite(i int) bool {
	t := &p.toks[i]
	switch t.kind {
	case tProp:
		return len(t.props) == 1 || i == len(p.toks)-1
	case tIndex:
		return len(t.indexes) == 1
	case tFunc:
		return true
	}
	return false
}

func (p *cpath) finish() {
	p.simple = true
	for _, t := range p.toks {
		if !(t.kind == tProp && len(t.props) == 1 || t.kind == tIndex && len(t.indexes) == 1) {
			p.simple = false
		}
	}
	p.definite = true
	p.upDef = make([]bool, len(p.toks))
	for i := range p.toks {
		p.upDef[i] = p.definite
		if !p.tokenDefinite(i) {
			p.definite = false
		}
	}
}

// isFunction reports whether the path ends with a function.
func (p *cpath) isFunction() bool {
	return len(p.toks) > 0 && p.toks[len(p.toks)-1].kind == tFunc
}

// compileError is an exception while compiling: an InvalidPathException
// (ipe), or another one (an index out of bounds, a number or a regular
// expression that does not parse), which some of Jayway's readers let
// through where they catch the first kind.
type compileError struct {
	msg string
	ipe bool
}

func (e *compileError) Error() string { return e.msg }

func failf(format string, args ...any) {
	panic(&compileError{msg: fmt.Sprintf(format, args...), ipe: true})
}

func failOther(format string, args ...any) { panic(&compileError{msg: fmt.Sprintf(format, args...)}) }

// chars is Jayway's CharacterIndex over a string's characters: a position
// and an end that trimming moves, over the whole text, so that reading past
// the end still sees the text's characters, and past the text fails.
type chars struct {
	s        []rune
	pos, end int
}

func newChars(s string) *chars {
	r := []rune(s)
	return &chars{s: r, end: len(r) - 1}
}

func (c *chars) at(i int) rune {
	if i < 0 || i >= len(c.s) {
		failOther("index %d out of bounds", i)
	}
	return c.s[i]
}

func (c *chars) cur() rune           { return c.at(c.pos) }
func (c *chars) curIs(r rune) bool   { return c.at(c.pos) == r }
func (c *chars) lastIs(r rune) bool  { return c.at(c.end) == r }
func (c *chars) inBounds(i int) bool { return i >= 0 && i <= c.end }
func (c *chars) nextIs(r rune) bool  { return c.inBounds(c.pos+1) && c.s[c.pos+1] == r }
func (c *chars) isTail() bool        { return c.pos >= c.end }
func (c *chars) hasMore() bool       { return c.inBounds(c.pos + 1) }
func (c *chars) sub(from, to int) string {
	if from < 0 || to > len(c.s) || from > to {
		failOther("range [%d,%d) out of bounds", from, to)
	}
	return string(c.s[from:to])
}

func (c *chars) skipBlanks() *chars {
	for c.inBounds(c.pos) && c.pos < c.end && c.s[c.pos] == ' ' {
		c.pos++
	}
	return c
}

func (c *chars) trim() {
	c.skipBlanks()
	for c.inBounds(c.pos) && c.pos < c.end && c.s[c.end] == ' ' {
		c.end--
	}
}

func (c *chars) nextSignificantFrom(i int) (int, bool) {
	i++
	for c.inBounds(i) && c.s[i] == ' ' {
		i++
	}
	return i, c.inBounds(i)
}

// indexOfNextSignificant is indexOfNextSignificantChar: the index of r
// after blanks from i+1, or -1; it reads one past the end like Jayway.
func (c *chars) indexOfNextSignificant(i int, r rune) int {
	i++
	for c.inBounds(i) && c.s[i] == ' ' {
		i++
	}
	if c.at(i) == r {
		return i
	}
	return -1
}

func (c *chars) nextSignificantIs(i int, r rune) bool {
	j, ok := c.nextSignificantFrom(i)
	return ok && c.s[j] == r
}

func (c *chars) nextSignificant(i int) rune {
	j, ok := c.nextSignificantFrom(i)
	if !ok {
		return ' '
	}
	return c.s[j]
}

func (c *chars) nextIndexOf(i int, r rune) int {
	for ; c.inBounds(i); i++ {
		if c.s[i] == r {
			return i
		}
	}
	return -1
}

func (c *chars) nextIndexOfUnescaped(i int, r rune) int {
	esc := false
	for i++; c.inBounds(i); i++ {
		switch {
		case esc:
			esc = false
		case c.s[i] == '\\':
			esc = true
		case c.s[i] == r:
			return i
		}
	}
	return -1
}

func (c *chars) indexOfMatchingClose(start int, open, close rune, skipStrings, skipRegex bool) int {
	if c.at(start) != open {
		failf("expected %c but found %c", open, c.at(start))
	}
	opened := 1
	for i := start + 1; c.inBounds(i); i++ {
		if skipStrings {
			if q := c.s[i]; q == '\'' || q == '"' {
				i = c.nextIndexOfUnescaped(i, q)
				if i == -1 {
					failf("could not find matching close quote for %c", q)
				}
				i++
			}
		}
		if skipRegex && c.at(i) == '/' {
			i = c.nextIndexOfUnescaped(i, '/')
			if i == -1 {
				failf("could not find matching close for / when parsing regex")
			}
			i++
		}
		if c.at(i) == open {
			opened++
		}
		if c.at(i) == close {
			opened--
			if opened == 0 {
				return i
			}
		}
	}
	return -1
}

func (c *chars) prevSignificantIndex(i int) int {
	i--
	for c.inBounds(i) && c.s[i] == ' ' {
		i--
	}
	if c.inBounds(i) {
		return i
	}
	return -1
}

func (c *chars) prevSignificant(i int) rune {
	j := c.prevSignificantIndex(i)
	if j == -1 {
		return ' '
	}
	return c.s[j]
}

// compilePath compiles a Jayway path, catching the failures of the
// character reader as Jayway's compile turns every exception into an
// InvalidPathException.
func compilePath(src string) (p *cpath, err error) {
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(*compileError)
			if !ok {
				panic(r)
			}
			p, err = nil, ce
		}
	}()
	return mustCompilePath(src), nil
}

func mustCompilePath(src string) *cpath {
	c := newChars(src)
	c.trim()
	if first := c.at(0); first != '$' && first != '@' {
		c = newChars("$." + src)
		c.trim()
	}
	if c.lastIs('.') {
		failf("path must not end with a '.' or '..'")
	}
	pc := &pathCompiler{c: c}
	p := &cpath{src: src}
	pc.readContext(p)
	p.finish()
	return invertScanFunction(p)
}

// invertScanFunction is CompiledPath's rewrite of $..x.fn(): the
// function applies to the document, with the scan as its parameter.
func invertScanFunction(p *cpath) *cpath {
	if !p.isFunction() || len(p.toks) < 2 || p.toks[0].kind != tScan {
		return p
	}
	fn := p.toks[len(p.toks)-1]
	inner := &cpath{src: p.src, root: p.root, toks: p.toks[:len(p.toks)-1]}
	inner.finish()
	fn.params = []*param{{path: inner}}
	out := &cpath{src: p.src, root: '$', toks: []token{fn}}
	out.finish()
	return out
}

type pathCompiler struct {
	c     *chars
	steps int
}

func isPathContext(r rune) bool { return r == '$' || r == '@' }

func (pc *pathCompiler) readContext(p *cpath) {
	c := pc.c
	for c.inBounds(c.pos) && isBlank(c.s[c.pos]) {
		c.pos++
	}
	if !isPathContext(c.cur()) {
		failf("path must start with '$' or '@'")
	}
	p.root = byte(c.cur())
	if c.isTail() {
		return
	}
	c.pos++
	if r := c.cur(); r != '.' && r != '[' {
		failf("illegal character at position %d expected '.' or '['", c.pos)
	}
	pc.readNext(p)
}

func isBlank(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

func (pc *pathCompiler) readNext(p *cpath) bool {
	c := pc.c
	// Jayway can go back to an earlier position (after an unclosed
	// ['a', for one) and recurse until its stack overflows; a path has at
	// most one token per character.
	if pc.steps++; pc.steps > len(c.s)+1 {
		failOther("the path does not end: Jayway overflows its stack")
	}
	switch c.cur() {
	case '[':
		if pc.readBracketProperty(p) || pc.readArray(p) || pc.readWildcard(p) || pc.readFilter(p) || pc.readPlaceholder(p) {
			return true
		}
		failf("could not parse token starting at position %d", c.pos)
	case '.':
		return pc.readDot(p)
	case '*':
		if pc.readWildcard(p) {
			return true
		}
		failf("could not parse token starting at position %d", c.pos)
	}
	if pc.readPropertyOrFunction(p) {
		return true
	}
	failf("could not parse token starting at position %d", c.pos)
	return false
}

func (pc *pathCompiler) readDot(p *cpath) bool {
	c := pc.c
	switch {
	case c.curIs('.') && c.nextIs('.'):
		p.toks = append(p.toks, token{kind: tScan})
		c.pos += 2
	case !c.hasMore():
		failf("path must not end with a '.'")
	default:
		c.pos++
	}
	if c.curIs('.') {
		failf("character '.' on position %d is not valid", c.pos)
	}
	return pc.readNext(p)
}

func (pc *pathCompiler) readPropertyOrFunction(p *cpath) bool {
	c := pc.c
	if r := c.cur(); r == '[' || r == '*' || r == '.' || r == ' ' {
		return false
	}
	start, i, end := c.pos, c.pos, 0
	isFunc := false
	for ; c.inBounds(i); i++ {
		r := c.s[i]
		if r == ' ' {
			failf("use bracket notion ['my prop'] if your property contains blank characters. position: %d", c.pos)
		}
		if r == '.' || r == '[' {
			end = i
			break
		}
		if r == '(' {
			isFunc = true
			end = i
			break
		}
	}
	if end == 0 {
		end = c.end + 1
	}
	var params []*param
	if isFunc {
		if c.inBounds(i + 1) {
			if c.s[i+1] != ')' {
				c.pos = end + 1
				params = pc.parseFunctionParams(c.sub(start, end))
			} else {
				c.pos = i + 1
			}
		} else {
			c.pos = i
		}
	} else {
		c.pos = end
	}
	name := c.sub(start, end)
	if isFunc {
		p.toks = append(p.toks, token{kind: tFunc, fn: name, params: params})
	} else {
		p.toks = append(p.toks, token{kind: tProp, props: []string{name}})
	}
	return c.isTail() || pc.readNext(p)
}

// param is a function parameter: a path, or JSON text.
type param struct {
	path *cpath
	json string
}

func (pc *pathCompiler) parseFunctionParams(name string) []*param {
	c := pc.c
	const (
		none = iota
		jsonParam
		pathParam
	)
	typ := none
	paren, bracket, brace, quote := 1, 0, 0, 0
	done := false
	var prior rune
	var out []*param
	var b strings.Builder
	for c.inBounds(c.pos) && !done {
		r := c.s[c.pos]
		c.pos++
		if typ == none {
			if isBlank(r) {
				continue
			}
			if r == '{' || r >= '0' && r <= '9' || r == '"' {
				typ = jsonParam
			} else if isPathContext(r) {
				typ = pathParam
			}
		}
		switch r {
		case '"':
			if prior != '\\' && quote > 0 {
				quote--
			} else {
				quote++
			}
		case '(':
			paren++
		case '{':
			brace++
		case '[':
			bracket++
		case '}':
			if brace == 0 {
				failf("unexpected close brace '}' at character position: %d", c.pos)
			}
			brace--
		case ']':
			if bracket == 0 {
				failf("unexpected close bracket ']' at character position: %d", c.pos)
			}
			bracket--
		}
		if r == ')' {
			paren--
			if paren < 0 {
				b.WriteRune(r)
			}
		}
		if r == ')' || r == ',' {
			if quote == 0 && brace == 0 && bracket == 0 && (paren == 0 && r == ')' || paren == 1) {
				done = paren == 0
				if typ != none {
					switch typ {
					case jsonParam:
						out = append(out, &param{json: b.String()})
					case pathParam:
						sub := &pathCompiler{c: newChars(b.String())}
						sp := &cpath{src: b.String()}
						sub.readContext(sp)
						sp.finish()
						out = append(out, &param{path: invertScanFunction(sp)})
					}
					b.Reset()
					typ = none
				}
			}
		}
		if typ != none && !(r == ',' && brace == 0 && bracket == 0 && paren == 1) {
			b.WriteRune(r)
		}
		prior = r
	}
	if brace != 0 || paren != 0 || bracket != 0 {
		failf("arguments to function: '%s' are not closed properly", name)
	}
	return out
}

func (pc *pathCompiler) readPlaceholder(p *cpath) bool {
	c := pc.c
	if !c.curIs('[') {
		return false
	}
	q := c.indexOfNextSignificant(c.pos, '?')
	if q == -1 {
		return false
	}
	if r := c.nextSignificant(q); r != ']' && r != ',' {
		return false
	}
	end := c.nextIndexOf(c.pos+1, ']')
	if end == -1 {
		return false
	}
	// Placeholders take filters passed as arguments, which kakao never
	// passes.
	failf("not enough predicates supplied for filter [%s] at position %d", c.sub(c.pos+1, end), c.pos)
	return false
}

func (pc *pathCompiler) readFilter(p *cpath) bool {
	c := pc.c
	if !c.curIs('[') && !c.nextSignificantIs(c.pos, '?') {
		return false
	}
	open := c.pos
	q := c.indexOfNextSignificant(c.pos, '?')
	if q == -1 {
		return false
	}
	paren := c.indexOfNextSignificant(q, '(')
	if paren == -1 {
		return false
	}
	closeParen := c.indexOfMatchingClose(paren, '(', ')', true, true)
	if closeParen == -1 {
		return false
	}
	if !c.nextSignificantIs(closeParen, ']') {
		return false
	}
	closeBracket := c.indexOfNextSignificant(closeParen, ']')
	e := compileFilter(c.sub(open, closeBracket+1))
	p.toks = append(p.toks, token{kind: tFilter, preds: []expr{e}})
	c.pos = closeBracket + 1
	return c.isTail() || pc.readNext(p)
}

func (pc *pathCompiler) readWildcard(p *cpath) bool {
	c := pc.c
	inBracket := c.curIs('[')
	if inBracket && !c.nextSignificantIs(c.pos, '*') {
		return false
	}
	if !c.curIs('*') && !c.inBounds(c.pos+1) {
		return false
	}
	if inBracket {
		w := c.indexOfNextSignificant(c.pos, '*')
		if !c.nextSignificantIs(w, ']') {
			failf("expected wildcard token to end with ']' on position %d", w+1)
		}
		c.pos = c.indexOfNextSignificant(w, ']') + 1
	} else {
		c.pos++
	}
	p.toks = append(p.toks, token{kind: tWild})
	return c.isTail() || pc.readNext(p)
}

func (pc *pathCompiler) readArray(p *cpath) bool {
	c := pc.c
	if !c.curIs('[') {
		return false
	}
	if r := c.nextSignificant(c.pos); !(r >= '0' && r <= '9') && r != '-' && r != ':' {
		return false
	}
	start := c.pos + 1
	end := c.nextIndexOf(start, ']')
	if end == -1 {
		return false
	}
	e := strings.Trim(c.sub(start, end), " \t\n\r")
	if e == "*" {
		return false
	}
	for _, r := range e {
		if !(r >= '0' && r <= '9') && r != ',' && r != '-' && r != ':' && r != ' ' {
			return false
		}
	}
	if strings.Contains(e, ":") {
		p.toks = append(p.toks, parseSlice(e))
	} else {
		p.toks = append(p.toks, parseIndexes(e))
	}
	c.pos = end + 1
	return c.isTail() || pc.readNext(p)
}

func javaParseInt(s string) (int, bool) {
	if s == "" || len(s) > 11 {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || s[0] == '+' && len(s) == 1 {
		return 0, false
	}
	return int(n), true
}

func parseSlice(e string) token {
	for _, r := range e {
		if !(r >= '0' && r <= '9') && r != '-' && r != ':' {
			failf("failed to parse SliceOperation: %s", e)
		}
	}
	// Java's split drops trailing empty strings.
	parts := strings.Split(e, ":")
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	read := func(i int) (int, bool) {
		if i >= len(parts) || parts[i] == "" {
			return 0, false
		}
		n, ok := javaParseInt(parts[i])
		if !ok {
			failf("failed to parse SliceOperation: %s", e)
		}
		return n, true
	}
	from, hasFrom := read(0)
	to, hasTo := read(1)
	t := token{kind: tSlice, from: from, to: to}
	switch {
	case hasFrom && !hasTo:
		t.slice = sliceFrom
	case hasFrom:
		t.slice = sliceBetween
	case hasTo:
		t.slice = sliceTo
	default:
		failf("failed to parse SliceOperation: %s", e)
	}
	return t
}

func parseIndexes(e string) token {
	var idx []int
	for _, part := range strings.Split(e, ",") {
		part = strings.Trim(part, " \t\n\r\f\v")
		n, ok := javaParseInt(part)
		if !ok {
			failf("failed to parse token in ArrayIndexOperation: %s", part)
		}
		idx = append(idx, n)
	}
	return token{kind: tIndex, indexes: idx}
}

func (pc *pathCompiler) readBracketProperty(p *cpath) bool {
	c := pc.c
	if !c.curIs('[') {
		return false
	}
	delim := c.nextSignificant(c.pos)
	if delim != '\'' && delim != '"' {
		return false
	}
	var props []string
	start, i, end := c.pos+1, c.pos+1, 0
	inProp, esc, lastComma := false, false, false
	for ; c.inBounds(i); i++ {
		r := c.s[i]
		switch {
		case esc:
			esc = false
		case r == '\\':
			esc = true
		case r == ']' && !inProp:
			if lastComma {
				failf("found empty property at index %d", i)
			}
			goto done
		case r == delim:
			if inProp {
				if n := c.nextSignificant(i); n != ']' && n != ',' {
					failf("property must be separated by comma or property must be terminated close square bracket at index %d", i)
				}
				end = i
				props = append(props, mustUnescape(c.sub(start, end)))
				inProp = false
			} else {
				start = i + 1
				inProp = true
				lastComma = false
			}
		case r == ',':
			if lastComma {
				failf("found empty property at index %d", i)
			}
			lastComma = true
		}
	}
done:
	if inProp {
		failf("property has not been closed - missing closing %c", delim)
	}
	c.pos = c.indexOfNextSignificant(end, ']') + 1
	if len(props) == 0 {
		failf("empty properties")
	}
	p.toks = append(p.toks, token{kind: tProp, props: props})
	return c.isTail() || pc.readNext(p)
}

// javaUnescape is Jayway's Utils.unescape; false where Java throws (a \u
// escape that is not hexadecimal).
func javaUnescape(s string) (string, bool) {
	var b strings.Builder
	r := []rune(s)
	slash := false
	for i := 0; i < len(r); i++ {
		ch := r[i]
		if slash {
			slash = false
			switch ch {
			case 'r':
				b.WriteByte('\r')
			case 'f':
				b.WriteByte('\f')
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'b':
				b.WriteByte('\b')
			case 'u':
				if i+4 >= len(r) {
					// Java drops an escape cut short by the end.
					return b.String(), true
				}
				n, err := strconv.ParseUint(string(r[i+1:i+5]), 16, 16)
				if err != nil {
					return "", false
				}
				b.WriteRune(rune(n))
				i += 4
			default:
				b.WriteRune(ch)
			}
			continue
		}
		if ch == '\\' {
			slash = true
			continue
		}
		b.WriteRune(ch)
	}
	if slash {
		b.WriteByte('\\')
	}
	return b.String(), true
}

// mustUnescape is javaUnescape at compile time.
func mustUnescape(s string) string {
	u, ok := javaUnescape(s)
	if !ok {
		failf("unable to parse unicode value in %s", s)
	}
	return u
}
