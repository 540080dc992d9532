package jsonpath

import (
	"strconv"
	"strings"
	"unicode/utf16"
)

// This file holds Jayway's ValueNodes, the operands of filter relations,
// and its relational evaluators (EvaluatorFactory). Numbers are compared
// as BigDecimal, exactly, from the text Java prints for them.

type vkind uint8

const (
	vUndef vkind = iota
	vNull
	vBool
	vNum
	vStr
	vJSON
	vList
	vPattern
	vPath
)

// node is a ValueNode.
type node struct {
	kind vkind
	b    bool
	// vStr: the text; vNum: the text the BigDecimal was made from, or
	// with raw set, the number as the document writes it.
	s   string
	raw bool
	num dec
	// vJSON: a parsed value (from the document or a parsed literal), or a
	// literal's text, unparsed until used.
	json     any
	text     string
	literal  bool
	parsed   any
	parsedOK bool
	list     []*node
	re       *javaRegex
	path     *cpath
	// vPath: an existence test, and whether the path must exist (false
	// after a '!').
	existsCheck, shouldExist bool
}

var (
	nodeNull  = &node{kind: vNull}
	nodeTrue  = &node{kind: vBool, b: true}
	nodeFalse = &node{kind: vBool}
	nodeUndef = &node{kind: vUndef}
)

func literalJSON(text string) *node {
	n := &node{kind: vJSON, text: text, literal: true}
	n.parsed, n.parsedOK = parseLenient(text)
	return n
}

func patternNode(text string) *node {
	begin := strings.IndexByte(text, '/')
	end := strings.LastIndexByte(text, '/')
	re, err := compileJavaRegex(text[begin+1:end], text[end+1:])
	if err != nil {
		failOther("%v", err)
	}
	return &node{kind: vPattern, re: re}
}

// numberNode is NumberNode(new BigDecimal(text)); Java throws on the text
// of an infinite or NaN Double.
func numberNode(text string) (*node, error) {
	d, ok := parseDecimal(text)
	if !ok {
		return nil, &evalError{kind: errOther, msg: "NumberFormatException: " + text}
	}
	return &node{kind: vNum, s: text, num: d}, nil
}

// jsonValue returns the node's JSON value, parsing a literal; Java throws
// where json-smart cannot parse it.
func (n *node) jsonValue() (any, error) {
	if !n.literal {
		return n.json, nil
	}
	if !n.parsedOK {
		return nil, &evalError{kind: errOther, msg: "IllegalArgumentException: cannot parse " + n.text}
	}
	return n.parsed, nil
}

// asList is JsonNode.asValueListNode: the elements of an array, each made
// a ValueNode, or nil when the value is not an array.
func (n *node) asList() ([]*node, bool, error) {
	v, err := n.jsonValue()
	if err != nil {
		return nil, false, err
	}
	a, ok := v.([]any)
	if !ok {
		return nil, false, nil
	}
	out := make([]*node, len(a))
	for i, e := range a {
		if out[i], err = toValueNode(e); err != nil {
			return nil, false, err
		}
	}
	return out, true, nil
}

// toValueNode is ValueNode.toValueNode, which reads strings that look like
// paths or JSON as such.
func toValueNode(v any) (*node, error) {
	switch v := v.(type) {
	case nil:
		return nodeNull, nil
	case string:
		t := strings.TrimFunc(v, func(r rune) bool { return r <= ' ' })
		if t != "" && (t[0] == '@' || t[0] == '$') {
			if p, err := compilePath(t); err == nil {
				return &node{kind: vPath, path: p}, nil
			}
		}
		if len(t) > 1 && (t[0] == '[' && t[len(t)-1] == ']' || t[0] == '{' && t[len(t)-1] == '}') {
			if _, ok := parseLenient(t); ok {
				return literalJSON(v), nil
			}
		}
		s, ok := stringLiteral(v)
		if !ok {
			return nil, &evalError{kind: errOther, msg: "unable to parse unicode value"}
		}
		return &node{kind: vStr, s: s}, nil
	case bool:
		if v {
			return nodeTrue, nil
		}
		return nodeFalse, nil
	}
	if t, ok := javaNumberText(v); ok {
		return numberNode(t)
	}
	return nil, &evalError{kind: errOther, msg: "could not determine value type"}
}

// asNum is asNumberNode: a string's BigDecimal, or false (Java's NAN).
func (n *node) asNum() (dec, bool) {
	if n.kind == vNum {
		return n.num, true
	}
	return parseDecimal(n.s)
}

// asStr is asStringNode's text: a number as BigDecimal prints it.
func (n *node) asStr() string {
	switch {
	case n.kind != vNum:
		return n.s
	case n.raw:
		return bigDecimalString(javaNumber(number(n.s)))
	}
	return bigDecimalString(n.s)
}

// docNumber sets n to the NumberNode of a document's number: the BigDecimal
// of Java's toString of what json-smart made of it. Up to 15 significant
// digits a Double prints back the value written, so the text is used as
// it is, without formatting.
func (n *node) docNumber(raw string) error {
	*n = node{kind: vNum, s: raw, raw: true}
	if len(raw) <= 18 && !strings.ContainsAny(raw, "eE") && significantDigits(raw) <= 15 {
		n.num, _ = parseDecimal(raw)
		return nil
	}
	d, ok := parseDecimal(javaNumber(number(raw)))
	if !ok {
		return &evalError{kind: errOther, msg: "NumberFormatException: " + javaNumber(number(raw))}
	}
	n.num = d
	return nil
}

// significantDigits counts the digits of a JSON number's mantissa from the
// first that is not zero.
func significantDigits(s string) int {
	n, started := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 'e' || c == 'E' {
			break
		}
		if c < '0' || c > '9' {
			continue
		}
		if c != '0' {
			started = true
		}
		if started {
			n++
		}
	}
	return n
}

// equals is ValueNode.equals (o is the argument).
func (n *node) equals(o *node) bool {
	switch n.kind {
	case vStr:
		return (o.kind == vStr || o.kind == vNum) && n.s == o.asStr()
	case vNum:
		if o.kind != vNum && o.kind != vStr {
			return false
		}
		d, ok := o.asNum()
		return ok && n.num.cmp(d) == 0
	case vBool:
		return o.kind == vBool && n.b == o.b
	case vNull:
		return o.kind == vNull
	case vJSON:
		if o.kind != vJSON {
			return false
		}
		switch {
		case n.literal && o.literal:
			return n.text == o.text
		case n.literal || o.literal:
			return false
		}
		return javaEqual(n.json, o.json)
	case vList:
		if o.kind != vList || len(n.list) != len(o.list) {
			return false
		}
		for i := range n.list {
			if !n.list[i].equals(o.list[i]) {
				return false
			}
		}
		return true
	}
	// Undefined, patterns and paths equal nothing else.
	return n == o && n.kind != vUndef
}

func contains(list []*node, x *node) bool {
	for _, e := range list {
		if x.equals(e) {
			return true
		}
	}
	return false
}

// errIPE is an InvalidPathException while evaluating a filter, which
// makes the element not match.
func errIPE(msg string) error { return &evalError{kind: errInvalid, msg: msg} }

// listOperand is how in, subsetof, anyof and noneof read a side: a JSON
// array's elements; false for other JSON; an InvalidPathException for the
// rest (asValueListNode).
func listOperand(n *node) ([]*node, bool, error) {
	if n.kind == vJSON {
		return n.asList()
	}
	if n.kind == vList {
		return n.list, true, nil
	}
	return nil, false, errIPE("expected value list node")
}

// evaluate is the evaluator of op on evaluated operands.
func evaluate(op operator, l, r *node) (bool, error) {
	switch op {
	case opExists:
		if l.kind != vBool && r.kind != vBool {
			return false, &evalError{kind: errOther, msg: "failed to evaluate exists expression"}
		}
		if l.kind != vBool || r.kind != vBool {
			return false, errIPE("expected boolean node")
		}
		return l.b == r.b, nil
	case opNE:
		ok, err := evaluate(opEQ, l, r)
		return !ok, err
	case opTSNE:
		ok, err := evaluate(opTSEQ, l, r)
		return !ok, err
	case opEQ:
		if l.kind == vJSON && r.kind == vJSON {
			if l.literal {
				return false, nil // a String never equals a parsed value
			}
			rv, err := r.jsonValue()
			if err != nil {
				return false, err
			}
			return javaEqual(l.json, rv), nil
		}
		return l.equals(r), nil
	case opTSEQ:
		if l.kind != r.kind {
			return false, nil
		}
		return evaluate(opEQ, l, r)
	case opLT, opLE, opGT, opGE:
		var c int
		switch {
		case l.kind == vNum && r.kind == vNum:
			c = l.num.cmp(r.num)
		case l.kind == vStr && r.kind == vStr:
			c = compareUTF16(l.s, r.s)
		default:
			return false, nil
		}
		switch op {
		case opLT:
			return c < 0, nil
		case opLE:
			return c <= 0, nil
		case opGT:
			return c > 0, nil
		}
		return c >= 0, nil
	case opSize:
		if r.kind != vNum {
			return false, nil
		}
		want := r.num.intValue()
		switch l.kind {
		case vStr:
			return utf16Len(l.s) == want, nil
		case vJSON:
			v, err := l.jsonValue()
			if err != nil {
				return false, err
			}
			n := -1
			if a, ok := v.([]any); ok {
				n = len(a)
			}
			return n == want, nil
		}
		return false, nil
	case opEmpty:
		switch l.kind {
		case vStr:
			if r.kind != vBool {
				return false, errIPE("expected boolean node")
			}
			return (l.s == "") == r.b, nil
		case vJSON:
			v, err := l.jsonValue()
			if err != nil {
				return false, err
			}
			empty := true
			switch v := v.(type) {
			case []any:
				empty = len(v) == 0
			case *omap, *object:
				// Jayway casts the map to a Collection.
				return false, &evalError{kind: errOther, msg: "ClassCastException: a map is not a collection"}
			case string:
				empty = v == ""
			}
			if r.kind != vBool {
				return false, errIPE("expected boolean node")
			}
			return empty == r.b, nil
		}
		return false, nil
	case opIN, opNIN:
		var list []*node
		if r.kind == vJSON {
			l2, ok, err := r.asList()
			if err != nil {
				return false, err
			}
			if !ok {
				return op == opNIN, nil
			}
			list = l2
		} else if r.kind == vList {
			list = r.list
		} else {
			return false, errIPE("expected value list node")
		}
		return contains(list, l) == (op == opIN), nil
	case opAll:
		// right.asValueListNode() without a context: a JSON literal is
		// not a ValueListNode, so Jayway throws.
		if r.kind != vList {
			return false, errIPE("expected value list node")
		}
		if l.kind != vJSON {
			return false, nil
		}
		have, ok, err := l.asList()
		if err != nil || !ok {
			return ok || err == nil, err
		}
		for _, x := range r.list {
			if !contains(have, x) {
				return false, nil
			}
		}
		return true, nil
	case opContains:
		if l.kind == vStr && r.kind == vStr {
			return strings.Contains(l.s, r.s), nil
		}
		if l.kind == vJSON {
			have, ok, err := l.asList()
			if err != nil || !ok {
				return false, err
			}
			return contains(have, r), nil
		}
		return false, nil
	case opRegex:
		if (l.kind == vPattern) == (r.kind == vPattern) {
			return false, nil
		}
		re, in := l, r
		if r.kind == vPattern {
			re, in = r, l
		}
		text := ""
		switch in.kind {
		case vStr, vNum:
			text = in.asStr()
		case vBool:
			text = strconv.FormatBool(in.b)
		}
		return re.re.matches(text), nil
	case opSubsetOf, opAnyOf, opNoneOf:
		right, ok, err := listOperand(r)
		if err != nil || !ok {
			return false, err
		}
		left, ok, err := listOperand(l)
		if err != nil || !ok {
			return false, err
		}
		switch op {
		case opSubsetOf:
			for _, x := range left {
				if !contains(right, x) {
					return false, nil
				}
			}
			return true, nil
		case opAnyOf:
			for _, x := range left {
				for _, y := range right {
					if x.equals(y) {
						return true, nil
					}
				}
			}
			return false, nil
		}
		for _, x := range left {
			for _, y := range right {
				if x.equals(y) {
					return false, nil
				}
			}
		}
		return true, nil
	case opMatches, opType:
		return false, errIPE("expected predicate or class node")
	}
	return false, nil
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// compareUTF16 is String.compareTo, which orders UTF-16 code units.
func compareUTF16(a, b string) int {
	if a == b {
		return 0
	}
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return int(ua[i]) - int(ub[i])
		}
	}
	return len(ua) - len(ub)
}

// dec is an exact decimal read from text without copying it: the
// significant digits of m (its digits, a '.' skipped) are d1 d2 ... and
// the value is 0.d1d2... × 10^exp.
type dec struct {
	neg        bool
	m          string
	first, end int // significant digits lie in m[first:end]
	exp        int
}

// parseDecimal reads s as new BigDecimal(s) does; false where it throws.
func parseDecimal(s string) (dec, bool) {
	i := 0
	var d dec
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		d.neg = s[i] == '-'
		i++
	}
	start := i
	point, digits := -1, 0
	for ; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			digits++
			continue
		}
		if c == '.' && point < 0 {
			point = i
			continue
		}
		break
	}
	if digits == 0 {
		return dec{}, false
	}
	d.m = s[start:i]
	e := 0
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' || i+1 == len(s) {
			return dec{}, false
		}
		n, err := strconv.ParseInt(s[i+1:], 10, 32)
		if err != nil {
			return dec{}, false
		}
		e = int(n)
	}
	// Position of the point among the digits (digits before it).
	intDigits := digits
	if point >= 0 {
		intDigits = point - start
	}
	d.first, d.end = -1, -1
	seen := 0
	for k := 0; k < len(d.m); k++ {
		c := d.m[k]
		if c == '.' {
			continue
		}
		if c != '0' {
			if d.first < 0 {
				d.first = k
				d.exp = intDigits - seen + e
			}
			d.end = k + 1
		}
		seen++
	}
	if d.first < 0 {
		return dec{neg: d.neg}, true // zero
	}
	return d, true
}

func (a dec) isZero() bool { return a.first == a.end }

// digit returns the k-th significant digit, '0' past the last.
func (a dec) next(k int) (byte, int) {
	for k < a.end && a.m[k] == '.' {
		k++
	}
	if k >= a.end {
		return '0', k
	}
	return a.m[k], k + 1
}

func (a dec) sign() int {
	switch {
	case a.isZero():
		return 0
	case a.neg:
		return -1
	}
	return 1
}

// cmp is BigDecimal.compareTo.
func (a dec) cmp(b dec) int {
	sa, sb := a.sign(), b.sign()
	if sa != sb || sa == 0 {
		return sa - sb
	}
	if a.exp != b.exp {
		if a.exp < b.exp {
			return -sa
		}
		return sa
	}
	i, j := a.first, b.first
	for i < a.end || j < b.end {
		var x, y byte
		x, i = a.next(i)
		y, j = b.next(j)
		if x != y {
			if x < y {
				return -sa
			}
			return sa
		}
	}
	return 0
}

// intValue is BigDecimal.intValue: the integer part's low 32 bits.
func (a dec) intValue() int {
	if a.isZero() || a.exp <= 0 {
		return 0
	}
	var v uint32
	k := a.first
	for i := 0; i < a.exp; i++ {
		var c byte
		c, k = a.next(k)
		v = v*10 + uint32(c-'0')
	}
	if a.neg {
		return int(-int32(v))
	}
	return int(int32(v))
}
