package jsonpath

import (
	"strings"
)

// This file compiles the inside of [?( )] the way Jayway 2.6.0's
// FilterCompiler reads it. Its quirks decide answers: a path runs until an
// operator character, a blank or a closing parenthesis, so "@.a||@.b" is
// one path; an operator is a run of <>=~! characters or else everything up
// to the next blank; "!" before a path is dropped when a comparison follows.

// expr is a compiled filter expression.
type expr interface {
	apply(ctx *predCtx) bool
}

type orExpr []expr
type andExpr []expr
type notExpr struct{ e expr }

func (o orExpr) apply(ctx *predCtx) bool {
	for _, e := range o {
		if e.apply(ctx) {
			return true
		}
	}
	return false
}

func (a andExpr) apply(ctx *predCtx) bool {
	for _, e := range a {
		if !e.apply(ctx) {
			return false
		}
	}
	return true
}

func (n notExpr) apply(ctx *predCtx) bool { return !n.e.apply(ctx) }

type operator uint8

const (
	opGE operator = iota
	opLE
	opEQ
	opTSEQ
	opNE
	opTSNE
	opLT
	opGT
	opRegex
	opNIN
	opIN
	opContains
	opAll
	opSize
	opExists
	opType
	opMatches
	opEmpty
	opSubsetOf
	opAnyOf
	opNoneOf
)

var operatorNames = []string{"GTE", "LTE", "==", "===", "!=", "!==", "<", ">", "=~", "NIN", "IN", "CONTAINS", "ALL",
	"SIZE", "EXISTS", "TYPE", "MATCHES", "EMPTY", "SUBSETOF", "ANYOF", "NONEOF"}

var operatorSymbols = map[string]operator{">=": opGE, "<=": opLE, "==": opEQ, "===": opTSEQ, "!=": opNE, "!==": opTSNE,
	"<": opLT, ">": opGT, "=~": opRegex}

func operatorFrom(s string) operator {
	if op, ok := operatorSymbols[s]; ok {
		return op
	}
	u := strings.ToUpper(s)
	for i, n := range operatorNames {
		if n == u && i >= int(opNIN) {
			return operator(i)
		}
	}
	failf("filter operator %s is not supported", s)
	return 0
}

// relation is RelationalExpressionNode.
type relation struct {
	l  *node
	op operator
	r  *node
}

// filterCompiler reads a filter; c spans the whole "[?( )]" text, its
// position and end moved inside.
type filterCompiler struct{ c *chars }

func compileFilter(src string) expr {
	c := newChars(src)
	c.trim()
	if !c.curIs('[') || !c.lastIs(']') {
		failf("filter must start with '[' and end with ']'. %s", src)
	}
	c.pos++
	c.end--
	c.trim()
	if !c.curIs('?') {
		failf("filter must start with '[?' and end with ']'. %s", src)
	}
	c.pos++
	c.trim()
	if !c.curIs('(') || !c.lastIs(')') {
		failf("filter must start with '[?(' and end with ')]'. %s", src)
	}
	fc := &filterCompiler{c: c}
	e := fc.readOr()
	c.skipBlanks()
	if c.inBounds(c.pos) {
		failf("expected end of filter expression instead of: %s", c.sub(c.pos, c.end+1))
	}
	return e
}

// hasSignificant is hasSignificantSubSequence: it consumes s after blanks.
func (c *chars) hasSignificant(s string) bool {
	c.skipBlanks()
	r := []rune(s)
	if !c.inBounds(c.pos + len(r) - 1) {
		return false
	}
	if c.sub(c.pos, c.pos+len(r)) != s {
		return false
	}
	c.pos += len(r)
	return true
}

func (c *chars) readSignificant(r rune) {
	if c.skipBlanks().cur() != r {
		failf("expected character: %c", r)
	}
	c.pos++
}

func (fc *filterCompiler) readOr() expr {
	ops := []expr{fc.readAnd()}
	for {
		save := fc.c.pos
		if fc.c.hasSignificant("||") {
			ops = append(ops, fc.readAnd())
			continue
		}
		fc.c.pos = save
		break
	}
	if len(ops) == 1 {
		return ops[0]
	}
	return orExpr(ops)
}

func (fc *filterCompiler) readAnd() expr {
	ops := []expr{fc.readAndOperand()}
	for {
		save := fc.c.pos
		if fc.c.hasSignificant("&&") {
			ops = append(ops, fc.readAndOperand())
			continue
		}
		fc.c.pos = save
		break
	}
	if len(ops) == 1 {
		return ops[0]
	}
	return andExpr(ops)
}

func (fc *filterCompiler) readAndOperand() expr {
	c := fc.c
	save := c.skipBlanks().pos
	if c.skipBlanks().curIs('!') {
		c.readSignificant('!')
		switch c.skipBlanks().cur() {
		case '$', '@':
			c.pos = save
		default:
			return notExpr{fc.readAndOperand()}
		}
	}
	if c.skipBlanks().curIs('(') {
		c.readSignificant('(')
		e := fc.readOr()
		c.readSignificant(')')
		return e
	}
	return fc.readExpression()
}

func (fc *filterCompiler) readExpression() expr {
	c := fc.c
	left := fc.readValue()
	save := c.pos
	if rel, ok := fc.tryRelation(left); ok {
		return rel
	}
	c.pos = save
	if left.kind != vPath {
		failf("expected path node")
	}
	ex := *left
	ex.existsCheck = true
	right := nodeFalse
	if left.shouldExist {
		right = nodeTrue
	}
	return &relation{l: &ex, op: opExists, r: right}
}

// tryRelation reads an operator and a right operand; false where Jayway's
// reading throws an InvalidPathException, which makes the left side an
// existence test.
func (fc *filterCompiler) tryRelation(left *node) (rel *relation, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if ce, isCE := r.(*compileError); !isCE || !ce.ipe {
				panic(r)
			}
			rel, ok = nil, false
		}
	}()
	op := fc.readOperator()
	right := fc.readValue()
	return &relation{l: left, op: op, r: right}, true
}

func isRelChar(r rune) bool { return r == '<' || r == '>' || r == '=' || r == '~' || r == '!' }

func (fc *filterCompiler) readOperator() operator {
	c := fc.c
	begin := c.skipBlanks().pos
	if isRelChar(c.cur()) {
		for c.inBounds(c.pos) && isRelChar(c.cur()) {
			c.pos++
		}
	} else {
		for c.inBounds(c.pos) && c.cur() != ' ' {
			c.pos++
		}
	}
	return operatorFrom(c.sub(begin, c.pos))
}

func (fc *filterCompiler) readValue() *node {
	c := fc.c
	switch c.skipBlanks().cur() {
	case '$', '@':
		return fc.readPath()
	case '!':
		c.pos++
		switch c.skipBlanks().cur() {
		case '$', '@':
			return fc.readPath()
		}
		failf("unexpected character: !")
	}
	return fc.readLiteral()
}

func (fc *filterCompiler) readLiteral() *node {
	c := fc.c
	switch c.skipBlanks().cur() {
	case '\'':
		return fc.readString('\'')
	case '"':
		return fc.readString('"')
	case 't', 'f':
		return fc.readBool()
	case 'n':
		return fc.readNull()
	case '{', '[':
		return fc.readJSON()
	case '/':
		return fc.readPattern()
	}
	return fc.readNumber()
}

func (fc *filterCompiler) readNull() *node {
	c := fc.c
	if c.cur() == 'n' && c.inBounds(c.pos+3) && c.sub(c.pos, c.pos+4) == "null" {
		c.pos += 4
		return nodeNull
	}
	failf("expected <null> value")
	return nil
}

func (fc *filterCompiler) readBool() *node {
	c := fc.c
	end := c.pos + 4
	if c.cur() == 't' {
		end = c.pos + 3
	}
	if !c.inBounds(end) {
		failf("expected boolean literal")
	}
	s := c.sub(c.pos, end+1)
	if s != "true" && s != "false" {
		failf("expected boolean literal")
	}
	c.pos += len(s)
	if s == "true" {
		return nodeTrue
	}
	return nodeFalse
}

func (fc *filterCompiler) readJSON() *node {
	c := fc.c
	begin := c.pos
	open := c.cur()
	closing := ']'
	if open == '{' {
		closing = '}'
	}
	end := c.indexOfMatchingClose(c.pos, open, closing, true, false)
	if end == -1 {
		failf("string not closed")
	}
	c.pos = end + 1
	return literalJSON(c.sub(begin, c.pos))
}

func (fc *filterCompiler) readPattern() *node {
	c := fc.c
	begin := c.pos
	closing := c.nextIndexOfUnescaped(c.pos, '/')
	if closing == -1 {
		failf("pattern not closed")
	}
	if c.inBounds(closing + 1) {
		end := closing + 1
		for c.inBounds(end) && strings.ContainsRune("dixmsuU", c.s[end]) {
			end++
		}
		closing = end - 1
	}
	c.pos = closing + 1
	return patternNode(c.sub(begin, c.pos))
}

func (fc *filterCompiler) readString(q rune) *node {
	c := fc.c
	begin := c.pos
	closing := c.nextIndexOfUnescaped(c.pos, q)
	if closing == -1 {
		failf("string literal does not have matching quotes. Expected %c", q)
	}
	c.pos = closing + 1
	s, ok := stringLiteral(c.sub(begin, c.pos))
	if !ok {
		failf("unable to parse unicode value")
	}
	return &node{kind: vStr, s: s}
}

func (fc *filterCompiler) readNumber() *node {
	c := fc.c
	begin := c.pos
	for c.inBounds(c.pos) && isNumberChar(c.cur()) {
		c.pos++
	}
	lit := c.sub(begin, c.pos)
	d, ok := parseDecimal(lit)
	if !ok {
		failOther("invalid number %q", lit)
	}
	return &node{kind: vNum, s: lit, num: d}
}

// isNumberChar is CharacterIndex.isNumberCharacter (Character.isDigit
// takes any Unicode digit, which BigDecimal then refuses).
func isNumberChar(r rune) bool {
	return r >= '0' && r <= '9' || r == '-' || r == '.' || r == 'E' || r == 'e'
}

func (fc *filterCompiler) readPath() *node {
	c := fc.c
	prev := c.prevSignificant(c.pos)
	begin := c.pos
	c.pos++
	for c.inBounds(c.pos) {
		if c.cur() == '[' {
			end := c.indexOfMatchingClose(c.pos, '[', ']', true, false)
			if end == -1 {
				failf("square brackets does not match in filter")
			}
			c.pos = end + 1
		}
		fnClose := c.cur() == ')' && fc.closesFunction(begin)
		logicalClose := c.cur() == ')' && !fnClose
		if !c.inBounds(c.pos) || isRelChar(c.cur()) || c.cur() == ' ' || logicalClose {
			break
		}
		c.pos++
	}
	return &node{kind: vPath, path: compileInnerPath(c.sub(begin, c.pos)), shouldExist: prev != '!'}
}

func (fc *filterCompiler) closesFunction(lower int) bool {
	c := fc.c
	if c.cur() != ')' {
		return false
	}
	i := c.prevSignificantIndex(c.pos)
	if i == -1 || c.s[i] != '(' {
		return false
	}
	for i--; c.inBounds(i) && i > lower; i-- {
		if c.s[i] == '.' {
			return true
		}
	}
	return false
}

// stringLiteral is StringNode(text, escape=true): the quotes go when both
// ends hold the same one, then Utils.unescape runs.
func stringLiteral(s string) (string, bool) {
	r := []rune(s)
	if len(r) <= 1 {
		return s, true
	}
	if open, close := r[0], r[len(r)-1]; (open == '\'' || open == '"') && open == close {
		s = string(r[1 : len(r)-1])
	}
	return javaUnescape(s)
}

// compileInnerPath is PathCompiler.compile inside a filter, which turns
// every failure into an InvalidPathException.
func compileInnerPath(src string) *cpath {
	p, err := compilePath(src)
	if err != nil {
		failf("%v", err)
	}
	return p
}
