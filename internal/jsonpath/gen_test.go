package jsonpath

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// This file generates (condition, document) pairs for the differential
// test against Jayway: documents shaped like the events kakao's users
// filter, and conditions from a grammar of Jayway's syntax that mixes
// valid expressions with near misses, so that both the answers and the
// configuration errors are compared.

// pair is one case of the differential test.
type pair struct{ cond, doc string }

var (
	genKeys    = []string{"a", "b", "n", "eventType", "tags", "all", "x", "items", "user", "price", "id"}
	genStrings = []string{`"click"`, `"view"`, `""`, `"5"`, `"[]"`, `"abc"`, `"Click"`, `"a\nb"`, `"KR"`, `"100"`, `"1e2"`, `"ÄÖ"`, `"a"`, `"b"`,
		`"$.a"`, `"@.x"`, `"[1,2]"`, `"{\"a\":1}"`, `"a\\nb"`, `"'a'"`, `"a\u0000b"`, `"\ud83d\ude00"`, `"1.0E+2"`, `" 5"`, `"true"`, `"null"`}
	genNumbers = []string{"0", "1", "2", "3", "5", "-1", "5.0", "1.5", "100", "99.999999999999999", "1e2", "9007199254740993",
		"9007199254740992", "12345678901234567890", "2147483648", "-0", "0.1", "1E-7", "123456789.123", "3.0",
		"1e400", "-1e-400", "1.0E+2", "0.0", "1234567890123456789012", "12345678901234567890.5", "100.000000000000000001",
		"4.35", "0.30000000000000004", "2.82879384806159E17", "1e22", "1e23", "-2147483649", "9223372036854775808"}
	genLitNumbers = []string{"0", "1", "2", "3", "5", "-1", "5.0", "1.5", "100", "99.999999999999999", "1e2", "9007199254740993",
		"9007199254740992", "12345678901234567890", "0.1", "1E-7", "100.0", "2147483648", "-0.0", "01",
		"1.", ".5", "-", "1e", "+1", "1e400", "4.35", "0.30000000000000004", "1E+2", "12345678901234567890.5", "1-1"}
	genLitStrings = []string{`'click'`, `"view"`, `''`, `'5'`, `'abc'`, `'a'`, `'b'`, `'KR'`, `'100'`, `'[]'`, `'it\'s'`, `"Click"`, `'5.0'`,
		`'\u0041'`, `"a\"b"`, `'a\nb'`, `'$.a'`, `'1e2'`, `'ÄÖ'`, `'a)b'`, `'a]b'`, `'&&'`, `'a b'`}
	genRegexes = []string{`/cl.*/`, `/CL.*/i`, `/^c/`, `/.*ick/`, `/a.b/s`, `/^b$/m`, `/ä.*/i`, `/Ä.*/iu`, `/\u0063lick/`, `/c l i c k/x`,
		`/(?=c).*/`, `/(a)\1/`, `/[a-c]+/`, `/\d+/`, `/\w+/`, `/\p{L}+/`, `/click|view/`, `/.*/`, `/\Qa.b\E/`, `/[[:alpha:]]+/`, `/a{2,}/`,
		`/\/x/`, `/x/g`, `/\bclick\b/`, `/\Aclick\z/`}
	genFuncs   = []string{"concat(@.a)", "sum(1,2)", "append(\"x\")", "length(@.x)", "max($.n)", "concat('x')", "avg(1, $..n)", "keys( )", "nope()", "length()", "size()", "min()", "max()", "avg()", "stddev()", "sum()", "keys()", "first()", "last()", "index(0)", "index(-1)", "concat(\"x\")", "append(1)", "length( )"}
	genOps     = []string{"==", "!=", "<", "<=", ">", ">=", "=~", "in", "nin", "subsetof", "anyof", "noneof", "contains", "size", "empty", "exists", "===", "!==", "all", "matches"}
	genSpacing = []string{" ", "", "  "}
)

type generator struct{ r *rand.Rand }

func (g *generator) pick(s []string) string { return s[g.r.IntN(len(s))] }

func (g *generator) chance(p float64) bool { return g.r.Float64() < p }

// doc returns a random document: mostly an object, sometimes an array of
// objects or a primitive.
func (g *generator) doc() string {
	switch g.r.IntN(10) {
	case 0:
		return g.value(2)
	case 1, 2:
		var b strings.Builder
		b.WriteByte('[')
		for i, n := 0, g.r.IntN(4); i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(g.object(2))
		}
		b.WriteByte(']')
		return b.String()
	}
	return g.object(3)
}

func (g *generator) object(depth int) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, n := 0, g.r.IntN(5); i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(g.pick(genKeys)))
		b.WriteByte(':')
		b.WriteString(g.value(depth - 1))
	}
	b.WriteByte('}')
	return b.String()
}

func (g *generator) value(depth int) string {
	k := g.r.IntN(10)
	if depth <= 0 && k >= 7 {
		k = g.r.IntN(7)
	}
	switch k {
	case 0, 1:
		return g.pick(genStrings)
	case 2, 3:
		return g.pick(genNumbers)
	case 4:
		return g.pick([]string{"true", "false"})
	case 5:
		return "null"
	case 6, 7:
		var b strings.Builder
		b.WriteByte('[')
		for i, n := 0, g.r.IntN(4); i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(g.value(depth - 1))
		}
		b.WriteByte(']')
		return b.String()
	}
	return g.object(depth)
}

// cond returns a random condition.
func (g *generator) cond() string {
	var b strings.Builder
	switch g.r.IntN(8) {
	case 0:
		b.WriteString("@")
	case 1:
		// bare: Jayway prefixes "$."
	default:
		b.WriteString("$")
	}
	n := g.r.IntN(3)
	filterAt := -1
	if g.chance(0.85) {
		filterAt = g.r.IntN(n + 1)
	}
	for i := 0; i <= n; i++ {
		if i == filterAt {
			b.WriteString(g.pick([]string{".", "", "..", "", "."}))
			b.WriteString("[?(" + g.expr(2) + ")]")
			if g.chance(0.1) {
				b.WriteString("[?(" + g.expr(1) + ")]")
			}
			continue
		}
		if i < n || g.chance(0.5) {
			b.WriteString(g.segment())
		}
	}
	if g.chance(0.1) {
		b.WriteString("." + g.pick(genFuncs))
	}
	return b.String()
}

func (g *generator) segment() string {
	switch g.r.IntN(14) {
	case 0, 1, 2:
		return "." + g.pick(genKeys)
	case 3:
		return "['" + g.pick(genKeys) + "']"
	case 4:
		return g.pick([]string{"[0]", "[-1]", "[1]", "[0,1]"})
	case 5:
		return g.pick([]string{"[*]", ".*"})
	case 6:
		return ".." + g.pick(genKeys)
	case 7:
		return g.pick([]string{"[0:2]", "[1:]", "[:1]", "[-1:]", "[:-1]"})
	case 8:
		return "['" + g.pick(genKeys) + "','" + g.pick(genKeys) + "']"
	case 9:
		return "..*"
	}
	return ""
}

func (g *generator) expr(depth int) string {
	if depth > 0 && g.chance(0.35) {
		op := g.pick([]string{"&&", "||"})
		sp := g.pick(genSpacing)
		return g.expr(depth-1) + sp + op + g.pick(genSpacing) + g.expr(depth-1)
	}
	switch {
	case depth > 0 && g.chance(0.1):
		return "!(" + g.expr(depth-1) + ")"
	case depth > 0 && g.chance(0.08):
		return "(" + g.expr(depth-1) + ")"
	case g.chance(0.12):
		return g.pick([]string{"!", "! "}) + g.path()
	case g.chance(0.12):
		return g.path()
	}
	return g.relation()
}

func (g *generator) relation() string {
	op := g.pick(genOps)
	sp, sp2 := g.pick(genSpacing), g.pick(genSpacing)
	if sp == "" && len(op) > 0 && op[0] >= 'a' && op[0] <= 'z' {
		sp = " "
	}
	if sp2 == "" && len(op) > 0 && op[0] >= 'a' && op[0] <= 'z' && g.chance(0.7) {
		sp2 = " "
	}
	var right string
	switch op {
	case "=~":
		right = g.pick(genRegexes)
	case "in", "nin", "subsetof", "anyof", "noneof", "all":
		if g.chance(0.85) {
			right = g.list()
		} else {
			right = g.operand()
		}
	case "size":
		right = g.pick([]string{"0", "1", "2", "3", "'2'", "@.n"})
	case "empty", "exists":
		right = g.pick([]string{"true", "false", "true", "false", "1"})
	default:
		right = g.operand()
	}
	left := g.path()
	if g.chance(0.1) {
		left, right = g.operand(), left
	}
	return left + sp + op + sp2 + right
}

func (g *generator) path() string {
	var b strings.Builder
	if g.chance(0.1) {
		b.WriteString("$")
	} else {
		b.WriteString("@")
	}
	switch g.r.IntN(12) {
	case 0:
		// the element itself
	case 1:
		b.WriteString("['" + g.pick(genKeys) + "']")
	case 2:
		b.WriteString(".." + g.pick(genKeys))
	case 3:
		b.WriteString("." + g.pick(genKeys) + g.pick([]string{"[0]", "[-1]", "[*]", ".length()", ".size()", ".min()", ".max()", ".sum()", ".avg()", ".first()", ".keys()"}))
	case 4:
		b.WriteString("." + g.pick(genKeys) + "." + g.pick(genKeys))
	case 5:
		b.WriteString(".*")
	default:
		b.WriteString("." + g.pick(genKeys))
	}
	return b.String()
}

func (g *generator) operand() string {
	switch g.r.IntN(10) {
	case 0, 1, 2:
		return g.pick(genLitNumbers)
	case 3, 4, 5:
		return g.pick(genLitStrings)
	case 6:
		return g.pick([]string{"true", "false", "null"})
	case 7:
		return g.list()
	case 8:
		return g.path()
	}
	return g.pick([]string{`{"a":1}`, `[]`, `{}`, `"x"`})
}

func (g *generator) list() string {
	var parts []string
	for i, n := 0, g.r.IntN(4); i < n; i++ {
		switch g.r.IntN(3) {
		case 0:
			parts = append(parts, g.pick(genLitNumbers))
		case 1:
			parts = append(parts, g.pick(genLitStrings))
		default:
			parts = append(parts, g.pick([]string{"true", "null"}))
		}
	}
	return "[" + strings.Join(parts, g.pick([]string{",", ", "})) + "]"
}

// mutate changes one to three characters of s, mostly to characters of
// Jayway's syntax, to probe the compiler's edges.
func (g *generator) mutate(s string) string {
	const syntax = "$@.[]()?'\"*,:!=<>~&|/ -0123456789abcnul{}"
	r := []rune(s)
	for k, n := 0, 1+g.r.IntN(3); k < n && len(r) > 0; k++ {
		i := g.r.IntN(len(r))
		c := rune(syntax[g.r.IntN(len(syntax))])
		switch g.r.IntN(3) {
		case 0:
			r[i] = c
		case 1:
			r = append(r[:i], append([]rune{c}, r[i:]...)...)
		default:
			r = append(r[:i], r[i+1:]...)
		}
	}
	return string(r)
}

// genPairs returns n random pairs: each condition with a few documents.
// One condition in five is a mutation of a hand-picked one.
func genPairs(seed uint64, n int) []pair {
	g := &generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	picked := handPicked()
	out := make([]pair, 0, n)
	for len(out) < n {
		c := g.cond()
		if g.chance(0.2) {
			c = g.mutate(picked[g.r.IntN(len(picked))].cond)
		}
		for i := 0; i < 4 && len(out) < n; i++ {
			out = append(out, pair{c, g.doc()})
		}
	}
	return out
}

// genTextPairs returns n (path, document) pairs for key and timestamp
// paths: mostly names, indexes, wildcards, scans and functions, sometimes
// a filter.
func genTextPairs(seed uint64, n int) []pair {
	g := &generator{r: rand.New(rand.NewPCG(seed, seed^0x51ed270b7a5c1d3f))}
	out := make([]pair, 0, n)
	for len(out) < n {
		var b strings.Builder
		b.WriteString(g.pick([]string{"$", "@", "$", ""}))
		for i, k := 0, 1+g.r.IntN(3); i < k; i++ {
			s := g.segment()
			if s == "" {
				s = "." + g.pick(genKeys)
			}
			if b.Len() == 0 && s[0] == '.' {
				s = s[1:]
			}
			b.WriteString(s)
		}
		if g.chance(0.1) {
			b.WriteString("[?(" + g.expr(1) + ")]")
		}
		if g.chance(0.15) {
			b.WriteString("." + g.pick([]string{"length()", "size()", "min()", "max()", "sum()", "avg()", "keys()", "concat(\"-\")", "append(1)"}))
		}
		c := b.String()
		for i := 0; i < 4 && len(out) < n; i++ {
			out = append(out, pair{c, g.doc()})
		}
	}
	return out
}
