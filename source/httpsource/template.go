package httpsource

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
)

// textContext says how the value of a template action is escaped, by where
// the action sits in the request.
type textContext int

const (
	ctxRaw    textContext = iota // a body that is neither JSON nor a form
	ctxURL                       // path until the first '?', then query
	ctxQuery                     // a query parameter's name or value, or a form body
	ctxHeader                    // a header value
	ctxJSON                      // a JSON body: inside or outside strings
)

// rawString is what the raw template function returns: text the escapers
// leave alone.
type rawString string

// requestTemplate is one compiled template: the URL, a header value, a
// parameter or the body.
type requestTemplate struct {
	t   *template.Template // nil when templates are off
	lit string
}

// templateMode is what http.request.template.factory selects.
type templateMode int

const (
	templatesBackwardsCompatible templateMode = iota // offset.* and each property at the top level
	templatesOffsetOnly                              // offset.* only
	templatesOff                                     // text used as it is
)

// compileTemplate compiles src, a Go template or castorm's FreeMarker
// subset (see the package doc), appending to every action the escaper its
// place in the request calls for, so that a value cannot change the
// request's structure.
func compileTemplate(name, src string, ctx textContext, mode templateMode, funcs template.FuncMap) (*requestTemplate, error) {
	if mode == templatesOff {
		return &requestTemplate{lit: src}, nil
	}
	goSrc, err := translateFreeMarker(src)
	if err != nil {
		return nil, err
	}
	t, err := template.New(name).Funcs(funcs).Funcs(escapers).Parse(goSrc)
	if err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	if t.Tree == nil || t.Tree.Root == nil {
		return &requestTemplate{lit: ""}, nil
	}
	if len(t.Templates()) > 1 {
		return nil, fmt.Errorf("template: define and block are not supported")
	}
	w := escapeWalker{ctx: ctx}
	w.list(t.Tree.Root)
	return &requestTemplate{t: t}, nil
}

// render executes the template with data.
func (r *requestTemplate) render(data any) (string, error) {
	if r.t == nil {
		return r.lit, nil
	}
	var b strings.Builder
	if err := r.t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// escapeWalker visits a template's nodes in text order, tracking where the
// text so far leaves the output (in the query part of a URL, inside a JSON
// string), and appends the matching escaper to each action. Branches of if,
// range and with are visited in order, each from the state before it.
type escapeWalker struct {
	ctx      textContext
	inQuery  bool
	inString bool
	escaped  bool // the last JSON text ended in a backslash
}

func (w *escapeWalker) list(l *parse.ListNode) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			w.text(string(n.Text))
		case *parse.ActionNode:
			if len(n.Pipe.Decl) == 0 {
				n.Pipe.Cmds = append(n.Pipe.Cmds, &parse.CommandNode{
					NodeType: parse.NodeCommand,
					Pos:      n.Pos,
					Args:     []parse.Node{parse.NewIdentifier(w.escaper()).SetPos(n.Pos)},
				})
			}
		case *parse.IfNode:
			w.branch(&n.BranchNode)
		case *parse.RangeNode:
			w.branch(&n.BranchNode)
		case *parse.WithNode:
			w.branch(&n.BranchNode)
		}
	}
}

func (w *escapeWalker) branch(b *parse.BranchNode) {
	before := *w
	w.list(b.List)
	after := *w
	*w = before
	w.list(b.ElseList)
	// Either branch may have run; the one with content wins, which is
	// right for the usual {{if}}...{{end}} around a whole parameter.
	if b.ElseList == nil {
		*w = after
	}
}

func (w *escapeWalker) text(s string) {
	switch w.ctx {
	case ctxURL:
		if strings.ContainsAny(s, "?") {
			w.inQuery = true
		}
	case ctxJSON:
		for i := 0; i < len(s); i++ {
			switch {
			case w.escaped:
				w.escaped = false
			case s[i] == '\\' && w.inString:
				w.escaped = true
			case s[i] == '"':
				w.inString = !w.inString
			}
		}
	}
}

func (w *escapeWalker) escaper() string {
	switch w.ctx {
	case ctxURL:
		if w.inQuery {
			return "_escQuery"
		}
		return "_escPath"
	case ctxQuery:
		return "_escQuery"
	case ctxHeader:
		return "_escHeader"
	case ctxJSON:
		if w.inString {
			return "_escJSONString"
		}
		return "_escJSONValue"
	}
	return "_escRaw"
}

var escapers = template.FuncMap{
	"_escPath":  func(v any) string { return escapeWith(v, url.PathEscape) },
	"_escQuery": func(v any) string { return escapeWith(v, url.QueryEscape) },
	"_escRaw":   func(v any) string { return escapeWith(v, func(s string) string { return s }) },
	"_escHeader": func(v any) string {
		return escapeWith(v, strings.NewReplacer("\r", " ", "\n", " ", "\x00", " ").Replace)
	},
	"_escJSONString": func(v any) string {
		return escapeWith(v, func(s string) string {
			b, _ := json.Marshal(s) // a string always marshals
			return string(b[1 : len(b)-1])
		})
	},
	"_escJSONValue": jsonValue,
}

// escapeWith formats v as text and escapes it, unless it is raw.
func escapeWith(v any, esc func(string) string) string {
	if r, ok := v.(rawString); ok {
		return string(r)
	}
	return esc(textOf(v))
}

// jsonValue writes v where a JSON value is expected: numbers as numbers,
// everything else as a JSON string, so that an offset such as
// `1, "admin": true` stays one string.
func jsonValue(v any) string {
	switch x := v.(type) {
	case rawString:
		return string(x)
	case nil:
		return "null"
	case int, int64, float64, bool:
		b, _ := json.Marshal(x)
		return string(b)
	}
	s := textOf(v)
	if jsonNumber.MatchString(s) {
		return s
	}
	b, _ := json.Marshal(s)
	return string(b)
}

var jsonNumber = regexp.MustCompile(`^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$`)

// textOf formats a template value: nil (a missing offset property) as "".
func textOf(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case rawString:
		return string(x)
	case time.Time:
		return formatInstant(x)
	}
	return fmt.Sprint(v)
}

// templateFuncs are the functions templates may call, in zone loc.
func templateFuncs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"raw": func(v any) rawString { return rawString(textOf(v)) },
		"default": func(def any, v any) any {
			if v == nil || textOf(v) == "" {
				return def
			}
			return v
		},
		"epochMillis": func(v any) (int64, error) {
			t, err := templateTime(v)
			if err != nil {
				return 0, fmt.Errorf("epochMillis: %w", err)
			}
			return t.UnixMilli(), nil
		},
		"formatTime": func(pattern string, v any) (string, error) {
			p, err := compileJavaPattern(pattern)
			if err != nil {
				return "", fmt.Errorf("formatTime: %w", err)
			}
			t, err := templateTime(v)
			if err != nil {
				return "", fmt.Errorf("formatTime: %w", err)
			}
			return p.Format(t, loc), nil
		},
	}
}

func templateTime(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x, nil
	case nil:
		return time.Time{}, fmt.Errorf("no timestamp in the offset: set http.offset.initial, such as timestamp=2020-01-01T00:00:00Z")
	}
	return parseInstant(textOf(v))
}

// FreeMarker interpolations castorm's files use, translated to Go
// templates: ${offset.key}, ${timestamp}, ${offset.key!"default"},
// ${offset.timestamp?datetime.iso?long} and
// ${offset.timestamp?datetime.iso?string['yyyy-MM-dd']}.
var (
	freeMarkerInterp = regexp.MustCompile(`\$\{([^}]*)\}`)
	freeMarkerExpr   = regexp.MustCompile(`^\(?\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*(?:!\s*("(?:[^"\\]|\\.)*"|'[^']*'|-?\d+)?)?\s*\)?\s*((?:\?[\w.]+(?:\[\s*(?:'[^']*'|"[^"]*")\s*\]|\(\s*(?:'[^']*'|"[^"]*")\s*\))?)*)$`)
	freeMarkerFormat = regexp.MustCompile(`^\?datetime\.iso\?string[\[(]\s*(?:'([^']*)'|"([^"]*)")\s*[\])]$`)
)

func translateFreeMarker(src string) (string, error) {
	var bad error
	out := freeMarkerInterp.ReplaceAllStringFunc(src, func(m string) string {
		inner := strings.TrimSpace(m[2 : len(m)-1])
		g := freeMarkerExpr.FindStringSubmatch(inner)
		if g == nil {
			bad = fmt.Errorf("FreeMarker expression %s is not supported; write a Go template such as {{.offset.timestamp}} (see the package doc)", m)
			return m
		}
		expr := "." + g[1]
		if strings.Contains(inner, "!") {
			def := `""`
			if d := g[2]; d != "" {
				if d[0] == '"' || d[0] == '\'' {
					d = d[1 : len(d)-1]
				}
				def = strconv.Quote(d)
			}
			expr = "(default " + def + " " + expr + ")"
		}
		builtins := g[3]
		switch {
		case builtins == "" || builtins == "?url" || builtins == "?c" || builtins == "?string":
		case builtins == "?datetime.iso?long":
			expr = "epochMillis " + expr
		case freeMarkerFormat.MatchString(builtins):
			f := freeMarkerFormat.FindStringSubmatch(builtins)
			expr = "formatTime " + strconv.Quote(f[1]+f[2]) + " " + expr
		default:
			bad = fmt.Errorf("FreeMarker built-ins %s in %s are not supported; use a Go template with epochMillis or formatTime (see the package doc)", builtins, m)
			return m
		}
		return "{{" + expr + "}}"
	})
	return out, bad
}
