package jsonpath

import (
	"fmt"
	"strings"
	"sync"
)

// Condition is a compiled kafka.filtering.condition.
type Condition struct {
	src  string
	p    *cpath
	proj Projection
}

// Path is a compiled key or timestamp path.
type Path struct {
	src  string
	p    *cpath
	proj Projection
}

// PathError reports an expression Jayway 2.6.0 does not compile, or one
// this package refuses (see docs/compat/jsonpath.md).
type PathError struct {
	Expr string
	Msg  string
}

func (e *PathError) Error() string { return fmt.Sprintf("invalid JSONPath %q: %s", e.Expr, e.Msg) }

func compileChecked(expr string) (*cpath, error) {
	p, err := compilePath(expr)
	if err != nil {
		return nil, &PathError{Expr: expr, Msg: err.Error()}
	}
	if err := p.refuse(); err != nil {
		return nil, &PathError{Expr: expr, Msg: err.Error()}
	}
	return p, nil
}

// refuse rejects what Jayway compiles but can only fail on: a function it
// does not have makes every read throw, so kakao would drop every record.
func (p *cpath) refuse() error {
	for _, t := range p.toks {
		switch t.kind {
		case tFunc:
			switch t.fn {
			case "avg", "stddev", "sum", "min", "max", "concat", "length", "size", "append", "keys":
			default:
				return fmt.Errorf("function %s() is not in Jayway 2.6.0, which has no function %s() (first(), last() and index() came in 2.7.0): the expression could never match", t.fn, t.fn)
			}
			for _, prm := range t.params {
				if prm.path != nil {
					if err := prm.path.refuse(); err != nil {
						return err
					}
				}
			}
		case tFilter:
			for _, e := range t.preds {
				if err := refuseExpr(e); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func refuseExpr(e expr) error {
	switch e := e.(type) {
	case orExpr:
		for _, x := range e {
			if err := refuseExpr(x); err != nil {
				return err
			}
		}
	case andExpr:
		for _, x := range e {
			if err := refuseExpr(x); err != nil {
				return err
			}
		}
	case notExpr:
		return refuseExpr(e.e)
	case *relation:
		for _, n := range []*node{e.l, e.r} {
			if n.kind == vPath {
				if err := n.path.refuse(); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// CompileCondition compiles a Jayway filter expression such as
// $.[?(@.color == 'red')]. Every expression Jayway 2.6.0 compiles is
// accepted, except the few listed in docs/compat/jsonpath.md.
func CompileCondition(expr string) (*Condition, error) {
	p, err := compileChecked(expr)
	if err != nil {
		return nil, err
	}
	c := &Condition{src: expr, p: p}
	p.project(&c.proj, true)
	return c, nil
}

// String returns the expression as written.
func (c *Condition) String() string { return c.src }

// MatchJSON reports whether kakao forwards data:
// !JsonPath.read(data, condition).toString().equals("[]"), false where
// Jayway throws. The error reports data that is not strict JSON (RFC
// 8259), not valid UTF-8, or nested deeper than jsontext.MaxDepth;
// json-smart, under Jayway, also accepted single quotes and bare words.
func (c *Condition) MatchJSON(data []byte) (bool, error) {
	s := scratchPool.Get().(*Scratch)
	defer scratchPool.Put(s)
	doc, err := s.Decode(data, &c.proj)
	if err != nil {
		return false, err
	}
	return c.Match(doc), nil
}

// scratchPool lets MatchJSON, which may be called from several goroutines,
// reuse decoding storage.
var scratchPool = sync.Pool{New: func() any { return new(Scratch) }}

// Match reports whether the condition forwards the document, as MatchJSON
// does on its bytes.
func (c *Condition) Match(doc Document) bool {
	root := doc.v.any()
	if root == nil {
		return false // Jayway refuses a null document
	}
	var ctx *evalCtx
	if doc.s != nil {
		ctx = &doc.s.ctx
	}
	return c.p.matches(root, ctx)
}

// printsNonEmpty is !v.toString().equals("[]"), false where toString
// throws on a null.
func printsNonEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case string:
		return v != "[]"
	case []any:
		return len(v) > 0
	case keySet:
		return len(v) > 0
	}
	return true
}

// Projection returns what the condition reads of a document, for Decode.
func (c *Condition) Projection() *Projection { return &c.proj }

// CompilePath compiles a key or timestamp path; a leading @ means the root,
// as Jayway reads it at the top level.
func CompilePath(expr string) (*Path, error) {
	p, err := compileChecked(expr)
	if err != nil {
		return nil, err
	}
	out := &Path{src: expr, p: p}
	p.project(&out.proj, false)
	return out, nil
}

// String returns the path as written.
func (p *Path) String() string { return p.src }

// Need adds what the path reads to proj.
func (p *Path) Need(proj *Projection) { proj.merge(&p.proj) }

// Text returns the value at the path in data as kakao prints it into a key
// or timestamp (Java's toString), and false when the path is missing, its
// value is null, or Jayway throws. The error reports data that is not
// strict JSON.
func (p *Path) Text(data []byte) (string, bool, error) {
	doc, err := new(Scratch).Decode(data, &p.proj)
	if err != nil {
		return "", false, err
	}
	s, ok := p.TextIn(doc)
	return strings.Clone(s), ok, nil
}

// TextIn is Text on a decoded document. The text may point into the
// document's bytes.
func (p *Path) TextIn(doc Document) (string, bool) {
	root := doc.v.any()
	if root == nil {
		return "", false
	}
	v, err := p.p.run(root, root, false)
	if err != nil || v == nil {
		return "", false
	}
	return javaString(v), true
}

// Document is a decoded JSON value. It is valid until the next Decode with
// the same Scratch.
type Document struct {
	v jv
	s *Scratch
}

// Decode decodes data, building only what p asks for (everything when p is
// nil). The error, which wraps ErrSyntax, reports data that is not strict
// JSON (RFC 8259), not valid UTF-8, or nested deeper than
// jsontext.MaxDepth.
func (s *Scratch) Decode(data []byte, p *Projection) (Document, error) {
	v, err := s.decode(data, p)
	return Document{v: v, s: s}, err
}

// Merge adds everything o reads to p.
func (p *Projection) Merge(o *Projection) { p.merge(o) }

// SplitPaths splits kafka.key.field at the commas that separate paths, not
// at those inside brackets or quotes (kakao splits at every comma, which
// breaks unions).
func SplitPaths(s string) []string {
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

// project adds to proj what the path reads: the names along its simple
// prefix, what its filters read of each element there, and everything
// under the first token that is not a name or an index. A condition
// (cond) whose last token is a filter needs only whether elements pass,
// not their contents.
func (p *cpath) project(proj *Projection, cond bool) {
	if p.readsRoot() {
		// The document itself is read from elsewhere: keep it whole.
		proj.add(nil)
		return
	}
	var names []string
	for _, t := range p.toks {
		switch {
		case t.kind == tProp && len(t.props) == 1:
			names = append(names, t.props[0])
			continue
		case t.kind == tIndex:
			continue // arrays are transparent
		case t.kind == tFilter:
			if proj.node(names) == nil {
				return
			}
			for _, e := range t.preds {
				needExpr(e, proj, names)
			}
			continue
		}
		proj.add(names)
		return
	}
	if cond && len(p.toks) > 0 && p.toks[len(p.toks)-1].kind == tFilter {
		return
	}
	proj.add(names)
}

func needExpr(e expr, proj *Projection, base []string) {
	switch e := e.(type) {
	case orExpr:
		for _, x := range e {
			needExpr(x, proj, base)
		}
	case andExpr:
		for _, x := range e {
			needExpr(x, proj, base)
		}
	case notExpr:
		needExpr(e.e, proj, base)
	case *relation:
		for _, n := range []*node{e.l, e.r} {
			if n.kind != vPath {
				continue
			}
			// Existence tests run on the element, even for $ paths (a
			// condition with other $ paths keeps the whole document).
			b := base
			var sub Projection
			n.path.project(&sub, false)
			at := proj.node(b)
			if at != nil {
				at.merge(&sub)
			}
		}
	}
}

// readsRoot reports whether evaluating the path reads the document from
// another place than its own steps: a $ path in a filter, or a function
// with parameters (evaluated on the document).
func (p *cpath) readsRoot() bool {
	for _, t := range p.toks {
		switch t.kind {
		case tFunc:
			if len(t.params) > 0 {
				return true
			}
		case tFilter:
			for _, e := range t.preds {
				if exprReadsRoot(e) {
					return true
				}
			}
		}
	}
	return false
}

func exprReadsRoot(e expr) bool {
	switch e := e.(type) {
	case orExpr:
		for _, x := range e {
			if exprReadsRoot(x) {
				return true
			}
		}
	case andExpr:
		for _, x := range e {
			if exprReadsRoot(x) {
				return true
			}
		}
	case notExpr:
		return exprReadsRoot(e.e)
	case *relation:
		for _, n := range []*node{e.l, e.r} {
			if n.kind == vPath && (n.path.root == '$' || n.path.readsRoot()) {
				return true
			}
		}
	}
	return false
}
