package jsonpath

import (
	"errors"
	"math"
	"sync"
)

// This file evaluates compiled paths the way Jayway 2.6.0's path tokens
// do, with the default configuration kakao uses (no options), and the
// REQUIRE_PROPERTIES option of existence tests.

type errKind uint8

const (
	errOther    errKind = iota // any other exception: the whole read fails
	errInvalid                 // InvalidPathException: a filter element fails
	errNotFound                // PathNotFoundException (an InvalidPathException)
)

// evalError is an exception thrown while evaluating.
type evalError struct {
	kind errKind
	msg  string
}

func (e *evalError) Error() string { return e.msg }

func isInvalid(err error) bool {
	var e *evalError
	return errors.As(err, &e) && (e.kind == errInvalid || e.kind == errNotFound)
}

func isNotFound(err error) bool {
	var e *evalError
	return errors.As(err, &e) && e.kind == errNotFound
}

func notFound(msg string) error { return &evalError{kind: errNotFound, msg: msg} }

// undefinedT marks a missing property (JsonProvider.UNDEFINED).
type undefinedT struct{}

var undefined any = undefinedT{}

// evalCtx is one evaluation of a path.
type evalCtx struct {
	p            *cpath
	root         any
	results      []any
	requireProps bool
	pc           predCtx
}

// ctxPool recycles evaluation contexts, and their result slices, between
// records.
var ctxPool = sync.Pool{New: func() any { return new(evalCtx) }}

func isMap(v any) bool {
	switch v.(type) {
	case *omap, *object:
		return true
	}
	return false
}

func mapGet(v any, k string) any {
	switch m := v.(type) {
	case *omap:
		if x, ok := m.get(k); ok {
			return x
		}
	case *object:
		if x, ok := m.get(k); ok {
			return x.any()
		}
	}
	return undefined
}

func mapKeys(v any) []string {
	switch m := v.(type) {
	case *omap:
		return m.keys
	case *object:
		var out []string
		for i, c := range m.p.children {
			if m.vals[i].kind != kUndefined {
				out = append(out, c.name)
			}
		}
		return out
	}
	return nil
}

// run evaluates the path on doc: getValue's answer, the last result of a
// definite path or the list of results.
func (p *cpath) run(doc, root any, requireProps bool) (any, error) {
	ctx := ctxPool.Get().(*evalCtx)
	ctx.p, ctx.root, ctx.requireProps, ctx.results = p, root, requireProps, ctx.results[:0]
	defer func() {
		ctx.p, ctx.root = nil, nil
		clear(ctx.results)
		ctxPool.Put(ctx)
	}()
	if len(p.toks) == 0 {
		ctx.results = append(ctx.results, doc)
	} else if err := ctx.eval(0, doc); err != nil {
		return nil, err
	}
	if p.definite {
		if len(ctx.results) == 0 {
			return nil, notFound("no results for path: " + p.src)
		}
		return ctx.results[len(ctx.results)-1], nil
	}
	return append([]any{}, ctx.results...), nil
}

// matches runs the path on doc and reports whether the result prints as
// something else than [], without building the result.
func (p *cpath) matches(doc any, ctx *evalCtx) bool {
	if ctx == nil {
		ctx = ctxPool.Get().(*evalCtx)
		defer ctxPool.Put(ctx)
	}
	ctx.p, ctx.root, ctx.requireProps, ctx.results = p, doc, false, ctx.results[:0]
	ok := false
	switch {
	case len(p.toks) == 0:
		ok = printsNonEmpty(doc)
	case ctx.eval(0, doc) != nil:
	case p.definite:
		ok = len(ctx.results) > 0 && printsNonEmpty(ctx.results[len(ctx.results)-1])
	default:
		ok = len(ctx.results) > 0
	}
	// Keep nothing of the document alive.
	ctx.p, ctx.root, ctx.pc = nil, nil, predCtx{}
	clear(ctx.results)
	return ok
}

func (ctx *evalCtx) leaf(i int) bool { return i == len(ctx.p.toks)-1 }

func (ctx *evalCtx) next(i int, model any) error {
	if ctx.leaf(i) {
		ctx.results = append(ctx.results, model)
		return nil
	}
	return ctx.eval(i+1, model)
}

func (ctx *evalCtx) eval(i int, model any) error {
	t := &ctx.p.toks[i]
	switch t.kind {
	case tProp:
		if !isMap(model) {
			if !ctx.p.upDef[i] {
				return nil
			}
			return notFound("expected to find an object with property")
		}
		if len(t.props) == 1 || ctx.leaf(i) {
			return ctx.property(i, model, t.props)
		}
		for _, name := range t.props {
			if err := ctx.property(i, model, []string{name}); err != nil {
				return err
			}
		}
		return nil
	case tIndex:
		if ok, err := ctx.checkArray(i, model); !ok {
			return err
		}
		for _, ix := range t.indexes {
			if err := ctx.index(i, ix, model); err != nil {
				return err
			}
		}
		return nil
	case tSlice:
		if ok, err := ctx.checkArray(i, model); !ok {
			return err
		}
		n := len(model.([]any))
		from, to := 0, 0
		switch t.slice {
		case sliceFrom:
			from = t.from
			if from < 0 {
				from += n
			}
			from = max(0, from)
			to = n
		case sliceBetween:
			from, to = t.from, min(n, t.to)
		case sliceTo:
			to = t.to
			if to < 0 {
				to += n
			}
			to = min(n, to)
		}
		if n == 0 {
			return nil
		}
		for k := from; k < to; k++ {
			if err := ctx.index(i, k, model); err != nil {
				return err
			}
		}
		return nil
	case tWild:
		if isMap(model) {
			for _, k := range mapKeys(model) {
				if err := ctx.property(i, model, []string{k}); err != nil {
					return err
				}
			}
		} else if a, ok := model.([]any); ok {
			for k := range a {
				if err := ctx.index(i, k, model); err != nil {
					if isNotFound(err) && !ctx.requireProps {
						continue
					}
					return err
				}
			}
		}
		return nil
	case tScan:
		if ctx.leaf(i) {
			return &evalError{kind: errOther, msg: "current path token is a leaf"}
		}
		return ctx.walk(i+1, model)
	case tFilter:
		if isMap(model) {
			ok, err := ctx.accept(t, model)
			if err != nil || !ok {
				return err
			}
			return ctx.next(i, model)
		}
		if a, isArr := model.([]any); isArr {
			for k, el := range a {
				ok, err := ctx.accept(t, el)
				if err != nil {
					return err
				}
				if ok {
					if err := ctx.index(i, k, model); err != nil {
						return err
					}
				}
			}
			return nil
		}
		if ctx.p.upDef[i] {
			return errIPE("filter can not be applied to primitives")
		}
		return nil
	case tFunc:
		res, err := ctx.function(t, model)
		if err != nil {
			return err
		}
		ctx.results = append(ctx.results, res)
		if !ctx.leaf(i) {
			return ctx.eval(i+1, res)
		}
		return nil
	}
	return nil
}

func (ctx *evalCtx) checkArray(i int, model any) (bool, error) {
	if _, ok := model.([]any); ok {
		return true, nil
	}
	if !ctx.p.upDef[i] {
		return false, nil
	}
	return false, notFound("the path is not an array")
}

// property is handleObjectProperty.
func (ctx *evalCtx) property(i int, model any, props []string) error {
	if len(props) == 1 {
		v := mapGet(model, props[0])
		if v == undefined {
			if ctx.leaf(i) {
				if ctx.requireProps {
					return notFound("no results for path")
				}
				return nil
			}
			if !(ctx.p.upDef[i] && ctx.p.tokenDefinite(i)) && !ctx.requireProps {
				return nil
			}
			return notFound("missing property in path")
		}
		return ctx.next(i, v)
	}
	merged := &omap{}
	for _, k := range props {
		v := mapGet(model, k)
		if v == undefined {
			if ctx.requireProps {
				return notFound("missing property in path")
			}
			continue
		}
		merged.put(k, v)
	}
	ctx.results = append(ctx.results, merged)
	return nil
}

// index is handleArrayIndex: an index out of range is no result.
func (ctx *evalCtx) index(i, ix int, model any) error {
	a := model.([]any)
	if ix < 0 {
		ix += len(a)
	}
	if ix < 0 || ix >= len(a) {
		return nil
	}
	return ctx.next(i, a[ix])
}

// walk is ScanPathToken.walk for the token at i.
func (ctx *evalCtx) walk(i int, model any) error {
	switch m := model.(type) {
	case *omap, *object:
		ok, err := ctx.scanMatches(i, model)
		if err != nil {
			return err
		}
		if ok {
			if err := ctx.eval(i, model); err != nil {
				return err
			}
		}
		for _, k := range mapKeys(m) {
			if v := mapGet(m, k); v != undefined {
				if err := ctx.walk(i, v); err != nil {
					return err
				}
			}
		}
	case []any:
		ok, err := ctx.scanMatches(i, model)
		if err != nil {
			return err
		}
		if ok {
			if ctx.leaf(i) {
				if err := ctx.eval(i, model); err != nil {
					return err
				}
			} else {
				for _, el := range m {
					if err := ctx.eval(i+1, el); err != nil {
						return err
					}
				}
			}
		}
		for _, el := range m {
			if err := ctx.walk(i, el); err != nil {
				return err
			}
		}
	}
	return nil
}

// scanMatches is the scan's predicate for its target token.
func (ctx *evalCtx) scanMatches(i int, model any) (bool, error) {
	t := &ctx.p.toks[i]
	switch t.kind {
	case tProp:
		if !isMap(model) {
			return false, nil
		}
		if !ctx.p.tokenDefinite(i) {
			return true, nil
		}
		for _, k := range t.props {
			if mapGet(model, k) == undefined {
				return false, nil
			}
		}
		return true, nil
	case tIndex, tSlice:
		_, ok := model.([]any)
		return ok, nil
	case tWild:
		return true, nil
	case tFilter:
		return ctx.accept(t, model)
	}
	return false, nil
}

// predCtx is what a filter sees: the element and the document.
type predCtx struct {
	item, root any
}

// accept applies a filter token's predicates to one element; an
// InvalidPathException makes it fail.
func (ctx *evalCtx) accept(t *token, item any) (ok bool, err error) {
	pc := &ctx.pc
	pc.item, pc.root = item, ctx.root
	defer func() {
		if r := recover(); r != nil {
			e, isEval := r.(*evalError)
			if !isEval {
				panic(r)
			}
			if isInvalid(e) {
				ok, err = false, nil
				return
			}
			ok, err = false, e
		}
	}()
	for _, p := range t.preds {
		if !p.apply(pc) {
			return false, nil
		}
	}
	return true, nil
}

// apply evaluates the relation; exceptions travel as panics of *evalError
// up to accept, as Java's do.
func (r *relation) apply(ctx *predCtx) bool {
	var lb, rb node
	l, rr := r.l, r.r
	if l.kind == vPath {
		l = l.evalPath(ctx, &lb)
	}
	if rr.kind == vPath {
		rr = rr.evalPath(ctx, &rb)
	}
	ok, err := evaluate(r.op, l, rr)
	if err != nil {
		panic(err)
	}
	return ok
}

// getSimple walks a simple path from v.
func (p *cpath) getSimple(v jv) (jv, bool) {
	for i := range p.toks {
		t := &p.toks[i]
		if v.kind != kJSON {
			return jv{}, false
		}
		switch m := v.j.(type) {
		case *object:
			if t.kind != tProp {
				return jv{}, false
			}
			x, ok := m.get(t.props[0])
			if !ok {
				return jv{}, false
			}
			v = x
		case *omap:
			if t.kind != tProp {
				return jv{}, false
			}
			x, ok := m.get(t.props[0])
			if !ok {
				return jv{}, false
			}
			v = jvOf(x)
		case []any:
			if t.kind != tIndex {
				return jv{}, false
			}
			ix := t.indexes[0]
			if ix < 0 {
				ix += len(m)
			}
			if ix < 0 || ix >= len(m) {
				return jv{}, false
			}
			v = jvOf(m[ix])
		default:
			return jv{}, false
		}
	}
	return v, true
}

// evalPath is PathNode.evaluate; the value may be written to buf.
func (n *node) evalPath(ctx *predCtx, buf *node) *node {
	if n.existsCheck {
		// Jayway evaluates existence on the element, even for $ paths.
		if n.path.simple {
			if _, ok := n.path.getSimple(jvOf(ctx.item)); ok {
				return nodeTrue
			}
			return nodeFalse
		}
		_, err := n.path.run(ctx.item, ctx.root, true)
		if err != nil {
			if isNotFound(err) {
				return nodeFalse
			}
			panic(err)
		}
		return nodeTrue
	}
	doc := ctx.item
	if n.path.root == '$' {
		doc = ctx.root
	}
	if n.path.simple {
		v, ok := n.path.getSimple(jvOf(doc))
		if !ok {
			return nodeUndef
		}
		switch v.kind {
		case kString:
			*buf = node{kind: vStr, s: v.s}
		case kNumber:
			if err := buf.docNumber(v.s); err != nil {
				panic(err)
			}
		case kBool:
			if v.b {
				return nodeTrue
			}
			return nodeFalse
		case kNull:
			return nodeNull
		default:
			*buf = node{kind: vJSON, json: v.j}
		}
		return buf
	}
	res, err := n.path.run(doc, ctx.root, false)
	if err != nil {
		if isNotFound(err) {
			return nodeUndef
		}
		panic(err)
	}
	switch v := res.(type) {
	case string:
		*buf = node{kind: vStr, s: v}
		return buf
	case bool:
		if v {
			return nodeTrue
		}
		return nodeFalse
	case nil:
		return nodeNull
	case []any, *omap, *object:
		*buf = node{kind: vJSON, json: v}
		return buf
	case number:
		if err := buf.docNumber(string(v)); err != nil {
			panic(err)
		}
		return buf
	}
	if t, ok := javaNumberText(res); ok {
		nn, err := numberNode(t)
		if err != nil {
			panic(err)
		}
		return nn
	}
	panic(&evalError{kind: errOther, msg: "could not convert to a ValueNode"})
}

// jdouble is a java.lang.Double that a function computed; jint an Integer.
type (
	jdouble float64
	jint    int
)

// keySet is the Set that keys() returns.
type keySet []string

// javaNumberText is the toString of a Java number, and false for other
// values.
func javaNumberText(v any) (string, bool) {
	switch v := v.(type) {
	case number:
		return javaNumber(v), true
	case jdouble:
		return javaDouble(float64(v)), true
	case jint:
		return javaInt(int(v)), true
	}
	return "", false
}

func (ctx *evalCtx) function(t *token, model any) (any, error) {
	// Path parameters are evaluated on the document first, JSON ones
	// parsed when the function reads them.
	var pathValues []any
	for _, p := range t.params {
		if p.path != nil {
			v, err := p.path.run(ctx.root, ctx.root, false)
			if err != nil {
				return nil, err
			}
			pathValues = append(pathValues, v)
		}
	}
	paramValues := func() ([]any, error) {
		var out []any
		k := 0
		for _, p := range t.params {
			if p.path != nil {
				out = append(out, pathValues[k])
				k++
				continue
			}
			v, ok := parseLenient(p.json)
			if !ok {
				return nil, &evalError{kind: errOther, msg: "invalid JSON parameter " + p.json}
			}
			out = append(out, v)
		}
		return out, nil
	}
	var params []any
	if t.fn != "length" && t.fn != "size" {
		var err error
		if params, err = paramValues(); err != nil {
			return nil, err
		}
	}
	switch t.fn {
	case "avg", "stddev", "sum", "min", "max":
		var nums []float64
		if a, ok := model.([]any); ok {
			for _, e := range a {
				if f, ok := javaDoubleValue(e); ok {
					nums = append(nums, f)
				}
			}
		}
		for _, p := range params {
			if a, ok := p.([]any); ok {
				for _, e := range a {
					if f, ok := javaDoubleValue(e); ok {
						nums = append(nums, f)
					}
				}
			} else if f, ok := javaDoubleValue(p); ok {
				nums = append(nums, f)
			}
		}
		if len(nums) == 0 {
			return nil, &evalError{kind: errOther, msg: "aggregation function attempted to calculate value using empty array"}
		}
		return jdouble(aggregate(t.fn, nums)), nil
	case "concat":
		var s []byte
		if a, ok := model.([]any); ok {
			for _, e := range a {
				if str, ok := e.(string); ok {
					s = append(s, str...)
				}
			}
		}
		for _, p := range params {
			if a, ok := p.([]any); ok {
				for _, e := range a {
					if e != nil {
						s = append(s, javaString(e)...)
					}
				}
			} else if str, ok := p.(string); ok {
				s = append(s, str...)
			}
		}
		return string(s), nil
	case "length", "size":
		if len(t.params) > 0 {
			prm := t.params[0]
			if prm.path == nil {
				return nil, &evalError{kind: errOther, msg: "NullPointerException: length() of a JSON parameter"}
			}
			// Jayway appends a wildcard to the parameter's path (to its
			// cached path, on every evaluation: see docs/compat/jsonpath.md).
			pp := prm.path
			if !pp.isFunction() && len(pp.toks) > 0 {
				w := &cpath{src: pp.src, root: pp.root, toks: append(append([]token(nil), pp.toks...), token{kind: tWild})}
				w.finish()
				// Jayway cached the path's definiteness when it evaluated
				// the parameter, before the wildcard.
				w.definite = pp.definite
				pp = w
			}
			inner, err := pp.run(model, model, false)
			if err != nil {
				return nil, err
			}
			if a, ok := inner.([]any); ok {
				return jint(len(a)), nil
			}
		}
		switch m := model.(type) {
		case []any:
			return jint(len(m)), nil
		case *omap:
			return jint(len(m.keys)), nil
		case *object:
			return jint(len(mapKeys(m))), nil
		}
		return nil, nil
	case "append":
		a, ok := model.([]any)
		if !ok {
			return model, nil
		}
		out := append([]any(nil), a...)
		return append(out, params...), nil
	case "keys":
		if isMap(model) {
			return keySet(mapKeys(model)), nil
		}
		return nil, nil
	}
	return nil, errIPE("function with name: " + t.fn + " does not exist")
}

// javaDoubleValue is Number.doubleValue for the numbers of a document.
func javaDoubleValue(v any) (float64, bool) {
	switch v := v.(type) {
	case number:
		return v.float(), true
	case jdouble:
		return float64(v), true
	case jint:
		return float64(v), true
	}
	return 0, false
}

func aggregate(fn string, nums []float64) float64 {
	switch fn {
	case "sum", "avg", "stddev":
		sum, sq := 0.0, 0.0
		for _, f := range nums {
			sum += f
			sq += f * f
		}
		n := float64(len(nums))
		switch fn {
		case "sum":
			return sum
		case "avg":
			return sum / n
		}
		return math.Sqrt(sq/n - sum*sum/n/n)
	case "min":
		m := math.MaxFloat64
		for _, f := range nums {
			if m > f {
				m = f
			}
		}
		return m
	}
	m := math.SmallestNonzeroFloat64 // Java's Double.MIN_VALUE
	for _, f := range nums {
		if m < f {
			m = f
		}
	}
	return m
}
