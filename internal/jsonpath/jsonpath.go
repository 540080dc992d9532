package jsonpath

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"

	"github.com/PaesslerAG/gval"
	"github.com/PaesslerAG/jsonpath"
)

// This file compiles Jayway JSONPath expressions, the syntax of kakao's
// kafka.filtering.condition and kafka.key.field, into evaluators with
// Jayway 2.6's semantics (see doc.go, "Filters").
//
// Paths made of names and indexes (@.a.b, $['a'][0]) are walked directly.
// Paths with wildcards, deep scans, slices or unions are handed to
// PaesslerAG/jsonpath, after the rewrites its syntax needs. Filters, the
// [?( )] part, are evaluated here: PaesslerAG's own filters differ from
// Jayway's on object roots, existence tests, loose equality and regular
// expressions (reference section 3.4).

// Condition is a compiled kafka.filtering.condition.
type Condition struct {
	src    string
	before []step    // simple steps before the filter
	pred   predicate // nil for an expression without filter
	after  []step    // simple steps after the filter
	lib    *libPath  // an expression without filter that only PaesslerAG evaluates
	proj   Projection
}

// Path is a compiled key or timestamp path.
type Path struct {
	src   string
	steps []step
	lib   *libPath
}

// step is one step of a simple path: a property name, or an array index
// when isIndex is set.
type step struct {
	name    string
	index   int
	isIndex bool
}

// libPath is a path evaluated by PaesslerAG/jsonpath.
type libPath struct {
	eval gval.Evaluable
}

// pathError is a compilation error.
type pathError struct {
	expr string
	pos  int
	msg  string
}

func (e *pathError) Error() string {
	return fmt.Sprintf("invalid JSONPath %q at position %d: %s", e.expr, e.pos, e.msg)
}

// CompileCondition compiles a Jayway filter expression such as
// $.[?(@.color == 'red')].
func CompileCondition(expr string) (*Condition, error) {
	p := &parser{s: expr}
	c := &Condition{src: expr}
	if err := p.start(); err != nil {
		return nil, err
	}
	var complex bool
	for !p.eof() {
		seg, err := p.segment()
		if err != nil {
			return nil, err
		}
		switch {
		case seg.filter != nil:
			if c.pred != nil {
				return nil, p.errorf("only one filter [?( )] per expression is supported")
			}
			c.pred = seg.filter
		case seg.complex:
			complex = true
		case c.pred != nil:
			c.after = append(c.after, seg.step)
		default:
			c.before = append(c.before, seg.step)
		}
	}
	if complex {
		if c.pred != nil {
			return nil, p.errorf("a filter cannot be combined with wildcards, deep scans, slices or unions")
		}
		lp, err := compileLib(expr)
		if err != nil {
			return nil, err
		}
		c.lib, c.before, c.after = lp, nil, nil
		c.proj.all = true
		return c, nil
	}
	// What the expression reads: the names on its paths, from the root or
	// from each element the filter tests (arrays are transparent).
	root := stepNames(c.before)
	if c.pred == nil {
		c.proj.add(root)
		return c, nil
	}
	c.proj.node(root)
	c.pred.need(&c.proj, root)
	if len(c.after) > 0 {
		c.proj.add(append(root, stepNames(c.after)...))
	}
	return c, nil
}

// String returns the expression as written.
func (c *Condition) String() string { return c.src }

// MatchJSON reports whether Jayway's JsonPath.read(data, condition) gives
// a non-empty result, which is how kakao decides to forward a record. The
// error reports data that is not strict JSON (RFC 8259); json-smart, under
// Jayway, also accepted single quotes and unquoted names.
func (c *Condition) MatchJSON(data []byte) (bool, error) {
	s := scratchPool.Get().(*Scratch)
	defer scratchPool.Put(s)
	doc, err := s.decode(data, &c.proj)
	if err != nil {
		return false, err
	}
	return c.match(doc), nil
}

// scratchPool lets MatchJSON, which may be called from several goroutines,
// reuse decoding storage.
var scratchPool = sync.Pool{New: func() any { return new(Scratch) }}

// match is MatchJSON on a decoded document.
func (c *Condition) match(doc jv) bool {
	if c.lib != nil {
		v, ok := c.lib.get(doc.any())
		return ok && nonEmpty(jvOf(v))
	}
	cur, ok := walk(doc, c.before)
	if !ok {
		return false
	}
	if c.pred == nil {
		return nonEmpty(cur)
	}
	switch v := cur.j.(type) {
	case *object, map[string]any:
		// Jayway applies a filter on an object to the object itself.
		return c.test(doc, cur)
	case []any:
		for _, el := range v {
			if c.test(doc, jvOf(el)) {
				return true
			}
		}
	}
	// On a primitive, Jayway throws: kakao drops the record.
	return false
}

// test applies the filter, and the path after it, to one element.
func (c *Condition) test(doc, el jv) bool {
	if !c.pred.eval(doc, el) {
		return false
	}
	_, found := walk(el, c.after)
	return found
}

// nonEmpty is Jayway's result.toString() != "[]", and false where
// toString would throw on a null.
func nonEmpty(v jv) bool {
	switch v.kind {
	case kNull:
		return false
	case kString:
		return v.s != "[]"
	}
	a, isList := v.j.([]any)
	return !isList || len(a) > 0
}

// CompilePath compiles a key or timestamp path; a leading @ means the root,
// as Jayway reads it at the top level.
func CompilePath(expr string) (*Path, error) {
	p := &parser{s: expr}
	if err := p.start(); err != nil {
		return nil, err
	}
	path := &Path{src: expr}
	complex := false
	for !p.eof() {
		seg, err := p.segment()
		if err != nil {
			return nil, err
		}
		switch {
		case seg.filter != nil:
			return nil, p.errorf("filters are not supported in key and timestamp paths")
		case seg.complex:
			complex = true
		default:
			path.steps = append(path.steps, seg.step)
		}
	}
	if complex {
		lp, err := compileLib(expr)
		if err != nil {
			return nil, err
		}
		path.lib, path.steps = lp, nil
	}
	return path, nil
}

// String returns the path as written.
func (p *Path) String() string { return p.src }

// Text returns the value at the path in data as kakao prints it into a
// key or timestamp (Java's toString), and false when the path is missing
// or its value is null. The error reports data that is not strict JSON.
func (p *Path) Text(data []byte) (string, bool, error) {
	var proj Projection
	p.need(&proj)
	doc, err := decodeJSON(data, &proj)
	if err != nil {
		return "", false, err
	}
	s, ok := p.text(doc, data)
	return strings.Clone(s), ok, nil
}

// get returns the value at the path, and false if there is none.
func (p *Path) get(doc jv) (jv, bool) {
	if p.lib != nil {
		v, ok := p.lib.get(doc.any())
		return jvOf(v), ok
	}
	return walk(doc, p.steps)
}

// need adds the path's names to proj, everything for a library path.
func (p *Path) need(proj *Projection) {
	if p.lib != nil {
		proj.all, proj.children = true, nil
		return
	}
	proj.add(stepNames(p.steps))
}

func stepNames(steps []step) []string {
	var out []string
	for _, s := range steps {
		if !s.isIndex {
			out = append(out, s.name)
		}
	}
	return out
}

// walk follows simple steps from v.
func walk(v jv, steps []step) (jv, bool) {
	for _, s := range steps {
		var ok bool
		switch j := v.j.(type) {
		case *object:
			if s.isIndex {
				return jv{}, false
			}
			if v, ok = j.get(s.name); !ok {
				return jv{}, false
			}
		case map[string]any:
			if s.isIndex {
				return jv{}, false
			}
			x, ok := j[s.name]
			if !ok {
				return jv{}, false
			}
			v = jvOf(x)
		case []any:
			if !s.isIndex {
				return jv{}, false
			}
			i := s.index
			if i < 0 {
				i += len(j)
			}
			if i < 0 || i >= len(j) {
				return jv{}, false
			}
			v = jvOf(j[i])
		default:
			return jv{}, false
		}
	}
	return v, true
}

// compileLib compiles a path for PaesslerAG/jsonpath: single-quoted strings
// become double-quoted, $.[ becomes $[, and a leading @ or [ means the root.
func compileLib(expr string) (*libPath, error) {
	src := libSyntax(expr)
	ev, err := jsonpath.New(src)
	if err != nil {
		return nil, &pathError{expr: expr, pos: 0, msg: err.Error()}
	}
	return &libPath{eval: ev}, nil
}

func libSyntax(expr string) string {
	s := strings.TrimSpace(expr)
	switch {
	case strings.HasPrefix(s, "@"):
		s = "$" + s[1:]
	case strings.HasPrefix(s, "["):
		s = "$" + s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.' && i+1 < len(s) && s[i+1] == '[':
			// $.[ is $[ to Jayway
		case c == '\'':
			lit, n, err := readQuoted(s[i:])
			if err != nil {
				b.WriteString(s[i:])
				return b.String()
			}
			b.WriteString(strconv.Quote(lit))
			i += n - 1
		case c == '"':
			_, n, err := readQuoted(s[i:])
			if err != nil {
				b.WriteString(s[i:])
				return b.String()
			}
			b.WriteString(s[i : i+n])
			i += n - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func (l *libPath) get(v any) (any, bool) {
	res, err := l.eval(context.Background(), v)
	if err != nil {
		return nil, false
	}
	return res, true
}

// parser reads Jayway's path and filter syntax.
type parser struct {
	s string
	i int
}

func (p *parser) errorf(format string, args ...any) error {
	return &pathError{expr: p.s, pos: p.i, msg: fmt.Sprintf(format, args...)}
}

func (p *parser) eof() bool { return p.i >= len(p.s) }

func (p *parser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

// start reads the root: $, or @ (the root at the top level), or nothing
// before a bracket, which Jayway reads as $.
func (p *parser) start() error {
	p.s = strings.TrimSpace(p.s)
	if p.s == "" {
		return p.errorf("the expression is empty")
	}
	switch p.s[0] {
	case '$', '@':
		p.i = 1
	case '[':
	default:
		return p.errorf("a path starts with $ or @")
	}
	return nil
}

// segment is one step of a top-level path.
type segment struct {
	step    step
	filter  predicate
	complex bool
}

func (p *parser) segment() (segment, error) {
	switch p.s[p.i] {
	case '.':
		p.i++
		if p.eof() {
			return segment{}, p.errorf("a path cannot end with '.'")
		}
		switch p.s[p.i] {
		case '.':
			p.skipComplex()
			return segment{complex: true}, nil
		case '[':
			return p.segment() // $.[ is $[
		case '*':
			p.i++
			return segment{complex: true}, nil
		}
		name := p.name()
		if name == "" {
			return segment{}, p.errorf("expected a property name after '.'")
		}
		if p.i+1 < len(p.s) && p.s[p.i] == '(' && p.s[p.i+1] == ')' {
			return segment{}, p.errorf("functions such as %s() are not supported", name)
		}
		return segment{step: step{name: name}}, nil
	case '[':
		p.i++
		p.space()
		if p.eof() {
			return segment{}, p.errorf("unterminated '['")
		}
		switch c := p.s[p.i]; {
		case c == '?':
			p.i++
			p.space()
			if p.eof() || p.s[p.i] != '(' {
				return segment{}, p.errorf("expected '(' after '[?'")
			}
			p.i++
			f, err := p.or()
			if err != nil {
				return segment{}, err
			}
			p.space()
			if p.eof() || p.s[p.i] != ')' {
				return segment{}, p.errorf("expected ')' to close the filter")
			}
			p.i++
			p.space()
			if p.eof() || p.s[p.i] != ']' {
				return segment{}, p.errorf("expected ']' to close the filter")
			}
			p.i++
			return segment{filter: f}, nil
		case c == '\'' || c == '"':
			lit, n, err := readQuoted(p.s[p.i:])
			if err != nil {
				return segment{}, p.errorf("%v", err)
			}
			p.i += n
			p.space()
			if !p.eof() && p.s[p.i] == ',' {
				return p.skipBracket()
			}
			if p.eof() || p.s[p.i] != ']' {
				return segment{}, p.errorf("expected ']'")
			}
			p.i++
			return segment{step: step{name: lit}}, nil
		case c == '-' || c >= '0' && c <= '9':
			start := p.i
			p.i++
			for !p.eof() && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
				p.i++
			}
			n, err := strconv.Atoi(p.s[start:p.i])
			if err != nil {
				return segment{}, p.errorf("invalid index %q", p.s[start:p.i])
			}
			p.space()
			if !p.eof() && (p.s[p.i] == ',' || p.s[p.i] == ':') {
				return p.skipBracket()
			}
			if p.eof() || p.s[p.i] != ']' {
				return segment{}, p.errorf("expected ']'")
			}
			p.i++
			return segment{step: step{index: n, isIndex: true}}, nil
		case c == '*' || c == ':':
			return p.skipBracket()
		default:
			return segment{}, p.errorf("unexpected %q in brackets", c)
		}
	}
	return segment{}, p.errorf("unexpected %q", p.s[p.i])
}

// skipBracket passes over the rest of a bracket that PaesslerAG evaluates.
func (p *parser) skipBracket() (segment, error) {
	for !p.eof() {
		switch c := p.s[p.i]; c {
		case ']':
			p.i++
			return segment{complex: true}, nil
		case '\'', '"':
			_, n, err := readQuoted(p.s[p.i:])
			if err != nil {
				return segment{}, p.errorf("%v", err)
			}
			p.i += n
		default:
			p.i++
		}
	}
	return segment{}, p.errorf("unterminated '['")
}

// skipComplex passes over a deep scan's name.
func (p *parser) skipComplex() {
	p.i++ // the second '.'
	if !p.eof() && p.s[p.i] == '*' {
		p.i++
		return
	}
	p.name()
}

// name reads a property name after a dot.
func (p *parser) name() string {
	start := p.i
	for !p.eof() {
		c := p.s[p.i]
		if c == '.' || c == '[' || c == ']' || c == '(' || c == ')' || c == ' ' || c == '\t' || c == '\'' || c == '"' ||
			c == '=' || c == '!' || c == '<' || c == '>' || c == '&' || c == '|' || c == ',' || c == '~' {
			break
		}
		p.i++
	}
	return p.s[start:p.i]
}

// readQuoted reads a quoted string literal at the start of s, with Jayway's
// escapes, and returns it with the number of bytes read.
func readQuoted(s string) (string, int, error) {
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q:
			return b.String(), i + 1, nil
		case c == '\\' && i+1 < len(s):
			i++
			switch e := s[i]; e {
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				if i+4 < len(s) {
					if n, err := strconv.ParseUint(s[i+1:i+5], 16, 16); err == nil {
						b.WriteRune(rune(n))
						i += 4
						continue
					}
				}
				return "", 0, fmt.Errorf("invalid \\u escape in %s", s)
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, fmt.Errorf("unterminated string %s", s)
}

// The filter grammar, as Jayway's FilterCompiler reads it:
//
//	or       = and { "||" and }
//	and      = unary { "&&" unary }
//	unary    = "!" path | "!" unary | "(" or ")" | relation
//	relation = operand [ operator operand ]   (a lone path tests existence)

func (p *parser) or() (predicate, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for {
		p.space()
		if !strings.HasPrefix(p.s[p.i:], "||") {
			return l, nil
		}
		p.i += 2
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &logical{or: true, l: l, r: r}
	}
}

func (p *parser) and() (predicate, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		p.space()
		if !strings.HasPrefix(p.s[p.i:], "&&") {
			return l, nil
		}
		p.i += 2
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = &logical{l: l, r: r}
	}
}

func (p *parser) unary() (predicate, error) {
	p.space()
	if p.eof() {
		return nil, p.errorf("unexpected end of the filter")
	}
	switch p.s[p.i] {
	case '!':
		p.i++
		p.space()
		if !p.eof() && (p.s[p.i] == '@' || p.s[p.i] == '$') {
			// !@.x is true when x is absent, whatever its value.
			o, err := p.operand()
			if err != nil {
				return nil, err
			}
			return &exists{path: o.path, want: false}, nil
		}
		inner, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &not{inner}, nil
	case '(':
		p.i++
		inner, err := p.or()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.eof() || p.s[p.i] != ')' {
			return nil, p.errorf("expected ')'")
		}
		p.i++
		return inner, nil
	}
	l, err := p.operand()
	if err != nil {
		return nil, err
	}
	p.space()
	op := p.operator()
	if op == opNone {
		if l.path == nil {
			return nil, p.errorf("expected a comparison after a literal")
		}
		return &exists{path: l.path, want: true}, nil
	}
	r, err := p.operand()
	if err != nil {
		return nil, err
	}
	rel := &relation{op: op, l: l, r: r}
	if err := rel.check(); err != nil {
		return nil, p.errorf("%v", err)
	}
	return rel, nil
}

type operator int

const (
	opNone operator = iota
	opEq
	opNe
	opTSEq
	opTSNe
	opLt
	opLe
	opGt
	opGe
	opRegex
	opIn
	opNin
	opContains
	opSubsetOf
	opAnyOf
	opNoneOf
	opSize
	opEmpty
	opAll
	opExists
)

var symbolOps = []struct {
	s  string
	op operator
}{
	{"===", opTSEq}, {"!==", opTSNe}, {"==", opEq}, {"!=", opNe}, {"<=", opLe}, {">=", opGe},
	{"=~", opRegex}, {"<", opLt}, {">", opGt},
}

var wordOps = map[string]operator{
	"in": opIn, "nin": opNin, "contains": opContains, "subsetof": opSubsetOf, "anyof": opAnyOf,
	"noneof": opNoneOf, "size": opSize, "empty": opEmpty, "all": opAll, "exists": opExists,
}

func (p *parser) operator() operator {
	rest := p.s[p.i:]
	for _, o := range symbolOps {
		if strings.HasPrefix(rest, o.s) {
			p.i += len(o.s)
			return o.op
		}
	}
	j := 0
	for j < len(rest) && rest[j] >= 'a' && rest[j] <= 'z' {
		j++
	}
	if op, ok := wordOps[rest[:j]]; ok {
		p.i += j
		return op
	}
	return opNone
}

// operand is one side of a relation.
type operand struct {
	path  *operandPath
	value value // a literal
}

// operandPath is a path inside a filter: relative to the element tested
// (@) or to the document root ($).
type operandPath struct {
	root  bool
	steps []step
	lib   *libPath
}

func (o *operandPath) get(root, cur jv) (jv, bool) {
	base := cur
	if o.root {
		base = root
	}
	if o.lib != nil {
		v, ok := o.lib.get(base.any())
		return jvOf(v), ok
	}
	return walk(base, o.steps)
}

// eval returns the operand's value: the literal, or the value at the path
// stored in buf.
func (o *operand) eval(root, cur jv, buf *value) *value {
	if o.path == nil {
		return &o.value
	}
	if v, ok := o.path.get(root, cur); ok {
		*buf = valueOf(v)
	}
	return buf
}

func (p *parser) operand() (operand, error) {
	p.space()
	if p.eof() {
		return operand{}, p.errorf("expected a value")
	}
	switch c := p.s[p.i]; {
	case c == '@' || c == '$':
		start := p.i
		p.i++
		op := &operandPath{root: c == '$'}
		complex := false
		for !p.eof() && (p.s[p.i] == '.' || p.s[p.i] == '[') {
			if p.s[p.i] == '[' && p.i+1 < len(p.s) && strings.HasPrefix(strings.TrimLeft(p.s[p.i+1:], " "), "?") {
				return operand{}, p.errorf("filters inside filters are not supported")
			}
			seg, err := p.segment()
			if err != nil {
				return operand{}, err
			}
			if seg.complex {
				complex = true
				continue
			}
			op.steps = append(op.steps, seg.step)
		}
		if complex {
			lp, err := compileLib(p.s[start:p.i])
			if err != nil {
				return operand{}, err
			}
			op.lib, op.steps = lp, nil
		}
		return operand{path: op}, nil
	case c == '\'' || c == '"':
		lit, n, err := readQuoted(p.s[p.i:])
		if err != nil {
			return operand{}, p.errorf("%v", err)
		}
		p.i += n
		return operand{value: value{kind: kString, s: lit}}, nil
	case c == '/':
		return p.regex()
	case c == '-' || c >= '0' && c <= '9':
		start := p.i
		p.i++
		for !p.eof() && strings.IndexByte("0123456789.eE+-", p.s[p.i]) >= 0 {
			p.i++
		}
		lit := p.s[start:p.i]
		if _, err := strconv.ParseFloat(lit, 64); err != nil {
			return operand{}, p.errorf("invalid number %q", lit)
		}
		return operand{value: numberValue(lit)}, nil
	case c == '[':
		return p.list()
	case c == '{':
		return operand{}, p.errorf("JSON object literals are not supported")
	}
	for _, w := range []struct {
		s string
		v value
	}{{"true", value{kind: kBool, b: true}}, {"false", value{kind: kBool}}, {"null", value{kind: kNull}}} {
		if strings.HasPrefix(p.s[p.i:], w.s) {
			p.i += len(w.s)
			return operand{value: w.v}, nil
		}
	}
	return operand{}, p.errorf("unexpected %q", p.s[p.i])
}

// list reads a literal list such as ['red', 'green'] or [1, 5].
func (p *parser) list() (operand, error) {
	p.i++ // [
	var items []value
	for {
		p.space()
		if !p.eof() && p.s[p.i] == ']' && len(items) == 0 {
			p.i++
			break
		}
		o, err := p.operand()
		if err != nil {
			return operand{}, err
		}
		if o.path != nil || o.value.kind == kList || o.value.kind == kRegex {
			return operand{}, p.errorf("a list holds only strings, numbers, booleans and null")
		}
		items = append(items, o.value)
		p.space()
		if p.eof() {
			return operand{}, p.errorf("unterminated list")
		}
		if p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.s[p.i] != ']' {
			return operand{}, p.errorf("expected ',' or ']' in a list")
		}
		p.i++
		break
	}
	return operand{value: value{kind: kList, list: items}}, nil
}

// regex reads /re/flags. Jayway matches the whole input (Matcher.matches),
// so the Go expression is anchored at both ends.
func (p *parser) regex() (operand, error) {
	start := p.i
	p.i++
	var b strings.Builder
	for {
		if p.eof() {
			p.i = start
			return operand{}, p.errorf("unterminated regular expression")
		}
		c := p.s[p.i]
		if c == '\\' && p.i+1 < len(p.s) && p.s[p.i+1] == '/' {
			b.WriteByte('/')
			p.i += 2
			continue
		}
		if c == '\\' && p.i+1 < len(p.s) {
			b.WriteString(p.s[p.i : p.i+2])
			p.i += 2
			continue
		}
		p.i++
		if c == '/' {
			break
		}
		b.WriteByte(c)
	}
	flags := ""
	for !p.eof() && unicode.IsLetter(rune(p.s[p.i])) {
		switch f := p.s[p.i]; f {
		case 'i', 'm', 's':
			if !strings.ContainsRune(flags, rune(f)) {
				flags += string(f)
			}
		case 'u', 'U', 'd':
			// Unicode case and character classes, Unix lines: Go's
			// regular expressions work on Unicode already.
		default:
			return operand{}, p.errorf("unsupported regular expression flag %q", f)
		}
		p.i++
	}
	src := "^(?:" + b.String() + ")$"
	if flags != "" {
		src = "(?" + flags + ")" + src
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return operand{}, p.errorf("regular expression %s is not supported by Go's RE2 syntax: %v", p.s[start:p.i], err)
	}
	v := value{kind: kRegex, re: re}
	if !strings.ContainsRune(flags, 'm') {
		// Without m, a match starts at the start of the text, so the
		// text starts with the prefix every match starts with.
		v.s, _ = re.LiteralPrefix()
	}
	return operand{value: v}, nil
}

// predicate is a compiled filter: it tests one element, with the document
// root at hand for $ paths.
type predicate interface {
	eval(root, cur jv) bool
	// need adds to proj what the filter reads of an element, each element
	// being reached from the root by the names in base.
	need(proj *Projection, base []string)
}

type logical struct {
	or   bool
	l, r predicate
}

func (n *logical) eval(root, cur jv) bool {
	if n.or {
		return n.l.eval(root, cur) || n.r.eval(root, cur)
	}
	return n.l.eval(root, cur) && n.r.eval(root, cur)
}

func (n *logical) need(proj *Projection, base []string) {
	n.l.need(proj, base)
	n.r.need(proj, base)
}

type not struct{ inner predicate }

func (n *not) eval(root, cur jv) bool { return !n.inner.eval(root, cur) }

func (n *not) need(proj *Projection, base []string) { n.inner.need(proj, base) }

// exists is @.x (want true) or !@.x (want false): a test of presence, true
// for a present null or false too.
type exists struct {
	path *operandPath
	want bool
}

func (n *exists) eval(root, cur jv) bool {
	v, ok := n.path.get(root, cur)
	if a, isList := v.j.([]any); ok && n.path.lib != nil && isList {
		ok = len(a) > 0 // an indefinite path exists when it finds something
	}
	return ok == n.want
}

func (n *exists) need(proj *Projection, base []string) { n.path.need(proj, base) }

func (o *operandPath) need(proj *Projection, base []string) {
	if o.lib != nil {
		proj.all, proj.children = true, nil
		return
	}
	if o.root {
		proj.add(stepNames(o.steps))
		return
	}
	proj.add(append(append([]string(nil), base...), stepNames(o.steps)...))
}

type relation struct {
	op   operator
	l, r operand
}

func (n *relation) need(proj *Projection, base []string) {
	if n.l.path != nil {
		n.l.path.need(proj, base)
	}
	if n.r.path != nil {
		n.r.path.need(proj, base)
	}
}

// check rejects at compile time the operands that Jayway would reject on
// every record.
func (n *relation) check() error {
	lit := func(o operand, k kind) bool { return o.path == nil && o.value.kind == k }
	switch n.op {
	case opSize:
		if !lit(n.r, kNumber) {
			return errors.New("size needs a number on its right")
		}
	case opEmpty, opExists:
		if !lit(n.r, kBool) {
			return errors.New("empty and exists need true or false on their right")
		}
	case opRegex:
		if !lit(n.r, kRegex) && !lit(n.l, kRegex) {
			return errors.New("=~ needs a regular expression /.../ on one side")
		}
	}
	return nil
}

func (n *relation) eval(root, cur jv) bool {
	if n.op == opExists {
		if n.l.path == nil {
			return false
		}
		_, ok := n.l.path.get(root, cur)
		return ok == n.r.value.b
	}
	var lv, rv value
	l, r := n.l.eval(root, cur, &lv), n.r.eval(root, cur, &rv)
	switch n.op {
	case opEq:
		return l.equals(r)
	case opNe:
		return !l.equals(r)
	case opTSEq:
		return l.kind == r.kind && l.equals(r)
	case opTSNe:
		return !(l.kind == r.kind && l.equals(r))
	case opLt, opLe, opGt, opGe:
		c, ok := l.compare(r)
		if !ok {
			return false
		}
		switch n.op {
		case opLt:
			return c < 0
		case opLe:
			return c <= 0
		case opGt:
			return c > 0
		}
		return c >= 0
	case opRegex:
		if l.kind == kRegex {
			return l.matches(r.regexInput())
		}
		return r.matches(l.regexInput())
	case opIn:
		return l.in(r)
	case opNin:
		return !l.in(r)
	case opContains:
		if l.kind == kString && r.kind == kString {
			return strings.Contains(l.s, r.s)
		}
		items, ok := l.items()
		if !ok || l.kind == kList {
			return false
		}
		for i := range items {
			if r.equals(&items[i]) {
				return true
			}
		}
		return false
	case opSubsetOf, opAnyOf, opNoneOf:
		left, ok := l.items()
		if !ok {
			return false
		}
		right, ok := r.items()
		if !ok {
			return false
		}
		contains := func(x value) bool {
			for i := range right {
				if x.equals(&right[i]) {
					return true
				}
			}
			return false
		}
		switch n.op {
		case opSubsetOf:
			for _, x := range left {
				if !contains(x) {
					return false
				}
			}
			return true
		case opAnyOf:
			for _, x := range left {
				if contains(x) {
					return true
				}
			}
			return false
		default:
			for _, x := range left {
				if contains(x) {
					return false
				}
			}
			return true
		}
	case opSize:
		want := int(r.float())
		switch l.kind {
		case kString:
			return len(utf16.Encode([]rune(l.s))) == want
		case kJSON:
			a, ok := l.j.([]any)
			return ok && len(a) == want
		}
		return false
	case opEmpty:
		switch l.kind {
		case kString:
			return (l.s == "") == r.b
		case kJSON:
			switch j := l.j.(type) {
			case []any:
				return (len(j) == 0) == r.b
			case map[string]any:
				return (len(j) == 0) == r.b
			}
		}
		return false
	case opAll:
		// Jayway 2.6 never matches `all` on a path (golden table).
		return false
	}
	return false
}

// kind is the class of a Jayway ValueNode.
type kind uint8

const (
	kUndefined kind = iota
	kString
	kNumber
	kBool
	kNull
	kJSON // an object or array from the document
	kList // a literal list
	kRegex
)

// value is a Jayway ValueNode.
type value struct {
	kind kind
	// kString: the text; a literal kNumber: the literal; kRegex: a prefix
	// of every text the expression matches.
	s    string
	n    number // a kNumber from the document
	f    float64
	b    bool
	j    any
	list []value
	re   *regexp.Regexp
}

func valueOf(v jv) value {
	switch v.kind {
	case kString:
		return value{kind: kString, s: v.s}
	case kNumber:
		n := number(v.s)
		return value{kind: kNumber, n: n, f: n.float()}
	case kBool:
		return value{kind: kBool, b: v.b}
	case kNull:
		return value{kind: kNull}
	}
	return value{kind: kJSON, j: v.j}
}

func numberValue(lit string) value {
	f, _ := strconv.ParseFloat(lit, 64)
	return value{kind: kNumber, s: lit, f: f}
}

func (v *value) float() float64 { return v.f }

// equals is Jayway's ValueNode.equals, which is loose between strings and
// numbers and decided by the left side: a string compares as text with the
// number as BigDecimal prints it, a number compares numerically with the
// string read as a BigDecimal.
func (v *value) equals(o *value) bool {
	switch v.kind {
	case kString:
		switch o.kind {
		case kString:
			return v.s == o.s
		case kNumber:
			return v.s == o.decimal()
		}
	case kNumber:
		switch o.kind {
		case kNumber:
			return v.f == o.f
		case kString:
			f, ok := parseBigDecimal(o.s)
			return ok && v.f == f
		}
	case kBool:
		return o.kind == kBool && v.b == o.b
	case kNull:
		return o.kind == kNull
	case kJSON:
		return o.kind == kJSON && javaEqual(v.j, o.j)
	case kList:
		if o.kind != kList || len(v.list) != len(o.list) {
			return false
		}
		for i := range v.list {
			if !v.list[i].equals(&o.list[i]) {
				return false
			}
		}
		return true
	}
	return false
}

// compare orders two numbers or two strings; anything else is unordered.
func (v *value) compare(o *value) (int, bool) {
	switch {
	case v.kind == kNumber && o.kind == kNumber:
		switch {
		case v.f < o.f:
			return -1, true
		case v.f > o.f:
			return 1, true
		}
		return 0, true
	case v.kind == kString && o.kind == kString:
		return strings.Compare(v.s, o.s), true
	}
	return 0, false
}

// matches reports whether the regular expression v matches text. Checking
// the literal prefix first spares most texts regexp's setup, which costs
// more than the rest of a typical match.
func (v *value) matches(text string) bool {
	return strings.HasPrefix(text, v.s) && v.re.MatchString(text)
}

// regexInput is the text Jayway matches a regular expression against.
func (v *value) regexInput() string {
	switch v.kind {
	case kString:
		return v.s
	case kNumber:
		return v.decimal()
	case kBool:
		return strconv.FormatBool(v.b)
	}
	return ""
}

// decimal is the number as Jayway's NumberNode prints it: the BigDecimal
// of the Java number's toString, or of the literal.
func (v *value) decimal() string {
	if v.n != "" {
		return bigDecimalString(javaNumber(v.n))
	}
	return bigDecimalString(v.s)
}

// items returns the elements of a literal list or of a JSON array.
func (v *value) items() ([]value, bool) {
	switch v.kind {
	case kList:
		return v.list, true
	case kJSON:
		a, ok := v.j.([]any)
		if !ok {
			return nil, false
		}
		out := make([]value, len(a))
		for i, e := range a {
			out[i] = valueOf(jvOf(e))
		}
		return out, true
	}
	return nil, false
}

func (v *value) in(list *value) bool {
	items, ok := list.items()
	if !ok {
		return false
	}
	for i := range items {
		if v.equals(&items[i]) {
			return true
		}
	}
	return false
}

// javaEqual is Java's equals between two json-smart values: maps and lists
// element by element, numbers only within the same class (an Integer 5 is
// not a Double 5.0).
func javaEqual(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return false
		}
		for k, av := range a {
			bv, ok := bm[k]
			if !ok || !javaEqual(av, bv) {
				return false
			}
		}
		return true
	case []any:
		ba, ok := b.([]any)
		if !ok || len(a) != len(ba) {
			return false
		}
		for i := range a {
			if !javaEqual(a[i], ba[i]) {
				return false
			}
		}
		return true
	case number:
		bn, ok := b.(number)
		return ok && javaClass(a) == javaClass(bn) && javaNumber(a) == javaNumber(bn)
	default:
		return a == b
	}
}

// text returns the value at the path as kakao's key and timestamp code
// prints it (Java's toString), and false when there is none: the path is
// missing, or the value is null (where kakao's toString throws). raw is the
// document's bytes, for objects and arrays.
func (p *Path) text(doc jv, raw []byte) (string, bool) {
	v, ok := p.get(doc)
	if !ok || v.kind == kNull {
		return "", false
	}
	var span []byte
	if v.kind == kJSON && p.lib == nil {
		span, _ = rawAt(raw, p.steps)
	}
	return javaString(v, span), true
}

// splitPaths splits kafka.key.field at the commas that separate paths, not
// at those inside brackets or quotes (kakao splits at every comma, which
// breaks unions).
func splitPaths(s string) []string {
	var out []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '[' || c == '(':
			depth++
		case c == ']' || c == ')':
			depth--
		case c == ',' && depth == 0:
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}
