//go:build integration

package converters

import (
	"encoding/base64"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/connectkit/connectkit/connect"
)

// gen makes the random part of the differential corpus: JSON text for the
// readers (envelopes of random schemas with payloads that mostly fit them,
// plain JSON, and byte-level damage to both), Connect values with schemas
// for the writers, and header and charset texts.
type gen struct {
	r *rand.Rand
}

func (g *gen) n(k int) int      { return g.r.IntN(k) }
func (g *gen) p(f float64) bool { return g.r.Float64() < f }

func (g *gen) pick(s ...string) string { return s[g.n(len(s))] }

// ws is JSON white space, mostly none.
func (g *gen) ws() string {
	if g.p(0.85) {
		return ""
	}
	return g.pick(" ", "\n", "\t", "\r\n ", "  ")
}

// ---- Strings ----

// Characters that stress the writers and readers.
var tricky = []string{
	"a", "Z", "0", " ", "é", "ß", "€", "\uFFFD", "\uFFFE", "\uFEFF", "😀", "\U0010FFFF", "\U00010000",
	"\"", "\\", "/", "\b", "\f", "\n", "\r", "\t", "\x00", "\x1f", "\x7f", "\u0080", "\u2028", "中",
	"\xed\xa0\x80", "\xed\xbf\xbf", "\xed\xa0\xbd", // lone surrogates, as the reader keeps them
}

// str is a random Go string, as the converters hold strings.
func (g *gen) str() string {
	if g.p(0.2) {
		return g.pick("", "a", "abc", "key", "null", "true", "1", "NaN")
	}
	var sb strings.Builder
	for i, n := 0, g.n(8); i < n; i++ {
		if g.p(0.5) {
			sb.WriteByte(byte('a' + g.n(26)))
		} else {
			sb.WriteString(tricky[g.n(len(tricky))])
		}
	}
	return sb.String()
}

// jsonStr writes s as a JSON string with escapes chosen at random, as
// different writers would.
func (g *gen) jsonStr(s string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for i := 0; i < len(s); {
		if isWTF8Surrogate(s, i) {
			fmt.Fprintf(&sb, g.pick(`\u%04x`, `\u%04X`), wtf8Surrogate(s, i))
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == '"' || r == '\\':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r < 0x20:
			if short, ok := map[rune]string{'\b': `\b`, '\f': `\f`, '\n': `\n`, '\r': `\r`, '\t': `\t`}[r]; ok && g.p(0.5) {
				sb.WriteString(short)
			} else {
				fmt.Fprintf(&sb, `\u%04x`, r)
			}
		case r == '/' && g.p(0.5):
			sb.WriteString(`\/`)
		case r > 0xffff && g.p(0.5):
			r1, r2 := utf16Pair(r)
			fmt.Fprintf(&sb, `\u%04x\u%04x`, r1, r2)
		case r >= 0x80 && r <= 0xffff && g.p(0.3):
			fmt.Fprintf(&sb, `\u%04x`, r)
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}

// ---- Numbers ----

func (g *gen) intLit(lo, hi int64) string {
	switch g.n(10) {
	case 0:
		return g.pick("0", "-0", "007", "1.0", "2e0", "1E2", "-1.5", "0.5", "1e-2", "100.00")
	case 1:
		return g.pick(strconv.FormatInt(hi, 10), strconv.FormatInt(lo, 10), "9223372036854775808", "-9223372036854775809", "128", "-129", "32768", "2147483648", "99999999999999999999")
	}
	span := uint64(hi - lo)
	if span > 1<<20 && g.p(0.7) {
		return strconv.Itoa(g.n(2001) - 1000)
	}
	return strconv.FormatInt(lo+int64(g.r.Uint64N(span)), 10)
}

func (g *gen) floatLit() string {
	switch g.n(8) {
	case 0:
		return g.pick("0", "-0", "-0.0", "0.0", "1e400", "-1e400", "1e-400", "-1e-400", "-2.5e-324", "4.9e-324", "1.7976931348623157e308",
			"3.4028235e38", "3.4028236e38", "1e39", "-1e-46", "1.4e-45", "0.1", "1e23", "9.999999999999999e22", "2e-3", "1.0E-5", "123456789012345678901234567890")
	case 1:
		return g.pick(`"NaN"`, `"Infinity"`, `"-Infinity"`)
	case 2:
		return strconv.Itoa(g.n(100000) - 50000)
	}
	f := g.r.NormFloat64() * math.Pow(10, float64(g.n(40)-20))
	switch g.n(3) {
	case 0:
		return strconv.FormatFloat(f, 'g', -1, 64)
	case 1:
		return strconv.FormatFloat(f, 'e', g.n(20), 64)
	}
	return strconv.FormatFloat(f, 'f', g.n(8), 64)
}

// ---- Base64 ----

func (g *gen) b64(p []byte) string {
	s := base64.StdEncoding.EncodeToString(p)
	switch g.n(12) {
	case 0:
		s = " " + s
	case 1:
		s += "\n"
	case 2:
		if len(s) > 4 {
			s = s[:4] + g.pick(" ", "\n", "\r\n", "\t") + s[4:]
		}
	case 3:
		if len(s) > 2 {
			s = s[:2] + "\n" + s[2:]
		}
	case 4:
		s = strings.TrimRight(s, "=")
	case 5:
		s = base64.StdEncoding.EncodeToString(p[:len(p)/2]) + base64.StdEncoding.EncodeToString(p[len(p)/2:])
	case 6:
		s = g.pick("AQ==AQ==", "AQI=AQ==", "A===", "AQ=x", "AR==", "====", "-_-_", "AQID=", "AQ\\u0000==", "\\u0001AQID")
	}
	return s
}

func (g *gen) bytes() []byte {
	p := make([]byte, g.n(9))
	for i := range p {
		p[i] = byte(g.r.Uint32())
	}
	return p
}

// ---- Schemas ----

// schema is a random Connect schema; depth bounds nesting.
func (g *gen) schema(depth int) *connect.Schema {
	var s *connect.Schema
	k := g.n(20)
	if depth <= 0 && k >= 14 {
		k = g.n(14)
	}
	switch {
	case k < 9:
		s = &connect.Schema{Type: []connect.Type{connect.Int8, connect.Int16, connect.Int32, connect.Int64,
			connect.Float32, connect.Float64, connect.Boolean, connect.String, connect.Bytes}[k]}
	case k == 9:
		s = connect.DecimalSchema(int32(g.n(6) - 1))
	case k == 10:
		s = connect.DateSchema()
	case k == 11:
		s = connect.TimeSchema()
	case k == 12:
		s = connect.TimestampSchema()
	case k == 13:
		s = &connect.Schema{Type: connect.String}
	case k < 16:
		s = connect.ArraySchema(g.schema(depth - 1))
	case k < 18:
		key := g.schema(0)
		if key.Type == connect.Bytes && key.Name == "" || g.p(0.5) {
			key = &connect.Schema{Type: connect.String}
		}
		s = connect.MapSchema(key, g.schema(depth-1))
	default:
		var fields []connect.Field
		for i, n := 0, g.n(4); i < n; i++ {
			name := g.pick("a", "b", "id", "name", "x y", "é", "\uFFFD", "😀", "f"+strconv.Itoa(i))
			if sField(fields, name) {
				continue
			}
			fields = append(fields, connect.Field{Name: name, Index: len(fields), Schema: g.schema(depth - 1)})
		}
		s = connect.StructSchema("", fields...)
	}
	s = copySchema(s)
	s.Optional = g.p(0.4)
	if g.p(0.15) {
		s.Name = g.pick("", "com.example.X", "n\uFFFD", "\xed\xa0\x80")
		s.Set |= connect.NameSet
	}
	if g.p(0.1) {
		s.Version = g.n(3)
		s.Set |= connect.VersionSet
	}
	if g.p(0.1) {
		s.Doc = g.pick("", "a doc", "d\uFFFD😀")
		s.Set |= connect.DocSet
	}
	if g.p(0.08) {
		if s.Parameters == nil {
			s.Parameters = map[string]string{}
		}
		s.Parameters[g.pick("k", "p\uFFFD", "connect.decimal.precision")] = g.pick("", "v", "10", "\uFFFD")
	}
	if g.p(0.12) && s.Type != connect.StructType {
		s.Default = g.value(s, 1)
	}
	return s
}

func sField(fs []connect.Field, name string) bool {
	for _, f := range fs {
		if f.Name == name {
			return true
		}
	}
	return false
}

func copySchema(s *connect.Schema) *connect.Schema {
	c := *s
	if s.Parameters != nil {
		c.Parameters = map[string]string{}
		for k, v := range s.Parameters {
			c.Parameters[k] = v
		}
	}
	return &c
}

// value is a random Go value of schema s (nil for none: a schemaless
// value); null at times where s allows it.
func (g *gen) value(s *connect.Schema, depth int) any {
	if s == nil {
		return g.plain(depth)
	}
	if s.Optional && g.p(0.1) {
		return nil
	}
	switch s.Name {
	case connect.DecimalName:
		scale, _ := s.Scale()
		return connect.Decimal{Unscaled: big.NewInt(g.r.Int64N(2000000) - 1000000), Scale: scale}
	case connect.DateName:
		return time.UnixMilli(int64(g.n(40000)-20000) * millisPerDay).UTC()
	case connect.TimeName:
		return time.UnixMilli(int64(g.n(millisPerDay))).UTC()
	case connect.TimestampName:
		return time.UnixMilli(g.r.Int64N(1<<42) - 1<<41).UTC()
	}
	switch s.Type {
	case connect.Int8:
		return int8(g.r.Uint32())
	case connect.Int16:
		return int16(g.r.Uint32())
	case connect.Int32:
		return int32(g.r.Uint32())
	case connect.Int64:
		if g.p(0.5) {
			return int64(g.n(1000))
		}
		return int64(g.r.Uint64())
	case connect.Float32:
		return float32(g.float())
	case connect.Float64:
		return g.float()
	case connect.Boolean:
		return g.p(0.5)
	case connect.String:
		return g.str()
	case connect.Bytes:
		return g.bytes()
	case connect.Array:
		a := []any{}
		for i, n := 0, g.n(4); i < n && depth >= 0; i++ {
			a = append(a, g.value(s.ValueSchema, depth-1))
		}
		return a
	case connect.Map:
		if s.KeySchema.Type == connect.String && s.KeySchema.Name == "" {
			m := map[string]any{}
			for i, n := 0, g.n(4); i < n && depth >= 0; i++ {
				m[g.str()] = g.value(s.ValueSchema, depth-1)
			}
			return m
		}
		m := map[any]any{}
		for i, n := 0, g.n(4); i < n && depth >= 0; i++ {
			k := g.value(s.KeySchema, 0)
			if k == nil || !isHashable(k) {
				continue
			}
			if _, ok := k.(connect.Decimal); ok {
				continue // a Decimal's big.Int pointer makes equal keys differ
			}
			m[k] = g.value(s.ValueSchema, depth-1)
		}
		return m
	case connect.StructType:
		st := connect.NewStruct(s)
		for i, f := range s.Fields {
			if g.p(0.9) {
				st.SetAt(i, g.value(f.Schema, depth-1))
			}
		}
		return st
	}
	return nil
}

func (g *gen) float() float64 {
	switch g.n(10) {
	case 0:
		return []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64,
			math.SmallestNonzeroFloat64, 1e23, 1e7, 1e-3, 0.1, 100, 1e21, 1e-7, 9007199254740993}[g.n(15)]
	case 1:
		return float64(g.n(1000))
	}
	return g.r.NormFloat64() * math.Pow(10, float64(g.n(60)-30))
}

// plain is a random schemaless value, of the Go types the reader returns.
func (g *gen) plain(depth int) any {
	k := g.n(10)
	if depth <= 0 && k >= 7 {
		k = g.n(7)
	}
	switch k {
	case 0:
		return nil
	case 1:
		return g.p(0.5)
	case 2:
		return int64(g.r.Uint64() >> g.n(64))
	case 3:
		return g.float()
	case 4, 5:
		return g.str()
	case 6:
		return g.bytes()
	case 7, 8:
		a := []any{}
		for i, n := 0, g.n(4); i < n; i++ {
			a = append(a, g.plain(depth-1))
		}
		return a
	}
	m := map[string]any{}
	for i, n := 0, g.n(4); i < n; i++ {
		m[g.str()] = g.plain(depth - 1)
	}
	return m
}

// ---- JSON text for the reader ----

// schemaJSON writes s as an envelope's schema, members in a random order,
// sometimes with the ill-typed or unknown members writers get wrong.
func (g *gen) schemaJSON(s *connect.Schema, field string) string {
	var members []string
	add := func(k, v string) { members = append(members, g.jsonStr(k)+g.ws()+":"+g.ws()+v) }
	t := jsonTypeName(s.Type)
	if g.p(0.01) {
		t = g.pick("float32", "INT32", "unknown", "")
	}
	add("type", g.jsonStr(t))
	if s.Optional || g.p(0.3) {
		add("optional", strconv.FormatBool(s.Optional))
	}
	if s.Name != "" || s.Set&connect.NameSet != 0 {
		add("name", g.jsonStr(s.Name))
	}
	if s.Version != 0 || s.Set&connect.VersionSet != 0 {
		add("version", g.pick(strconv.Itoa(s.Version), strconv.Itoa(s.Version), strconv.Itoa(s.Version)+".0"))
	}
	if s.Doc != "" || s.Set&connect.DocSet != 0 {
		add("doc", g.jsonStr(s.Doc))
	}
	if len(s.Parameters) > 0 {
		var ps []string
		for _, k := range parameterOrder(s) {
			ps = append(ps, g.jsonStr(k)+":"+g.jsonStr(s.Parameters[k]))
		}
		add("parameters", "{"+strings.Join(ps, ",")+"}")
	}
	switch s.Type {
	case connect.Array:
		add("items", g.schemaJSON(s.ValueSchema, ""))
	case connect.Map:
		add("keys", g.schemaJSON(s.KeySchema, ""))
		add("values", g.schemaJSON(s.ValueSchema, ""))
	case connect.StructType:
		var fs []string
		for _, f := range s.Fields {
			fs = append(fs, g.schemaJSON(f.Schema, f.Name))
		}
		add("fields", "["+strings.Join(fs, ","+g.ws())+"]")
	}
	if s.Default != nil {
		add("default", g.valueJSON(s, s.Default))
	} else if s.Type == connect.StructType && g.p(0.05) {
		add("default", g.pick("null", `{}`, `{"a":1}`))
	}
	if field != "" || g.p(0.01) {
		add("field", g.jsonStr(field))
	}
	if g.p(0.02) {
		add(g.pick("extra", "doc", "name", "optional", "version"), g.pick("1", "null", `"x"`, "true", "[]"))
	}
	g.r.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
	return "{" + g.ws() + strings.Join(members, ","+g.ws()) + g.ws() + "}"
}

// valueJSON writes v, of schema s, as a JSON payload, in the forms writers
// other than ours produce, with occasional values of the wrong type.
func (g *gen) valueJSON(s *connect.Schema, v any) string {
	if g.p(0.02) {
		return g.pick("null", "1", `"x"`, "true", "[]", "{}", "1.5", `"AQ=="`)
	}
	if v == nil {
		return "null"
	}
	if s == nil {
		return g.plainJSON(v)
	}
	switch v := v.(type) {
	case connect.Decimal:
		if g.p(0.5) {
			return `"` + g.b64(decimalBytes(v.Unscaled)) + `"`
		}
		return string(appendJavaDecimal(nil, v))
	case time.Time:
		ms := v.UnixMilli()
		if s.Name == connect.DateName {
			ms /= millisPerDay
		}
		if g.p(0.05) {
			return g.intLit(math.MinInt64, math.MaxInt64)
		}
		return strconv.FormatInt(ms, 10)
	case int8:
		return g.maybeInt(int64(v), math.MinInt8, math.MaxInt8)
	case int16:
		return g.maybeInt(int64(v), math.MinInt16, math.MaxInt16)
	case int32:
		return g.maybeInt(int64(v), math.MinInt32, math.MaxInt32)
	case int64:
		return g.maybeInt(v, math.MinInt64, math.MaxInt64)
	case float32:
		if g.p(0.5) {
			return g.floatLit()
		}
		return string(appendJSONFloat(nil, v))
	case float64:
		if g.p(0.5) {
			return g.floatLit()
		}
		return string(appendJSONDouble(nil, v))
	case bool:
		return strconv.FormatBool(v)
	case string:
		return g.jsonStr(v)
	case []byte:
		return `"` + g.b64(v) + `"`
	case []any:
		var es []string
		for _, e := range v {
			es = append(es, g.valueJSON(s.ValueSchema, e))
		}
		return "[" + strings.Join(es, ","+g.ws()) + "]"
	case map[string]any:
		var es []string
		for _, k := range sortedStringKeys(v) {
			es = append(es, g.jsonStr(k)+":"+g.ws()+g.valueJSON(s.ValueSchema, v[k]))
		}
		return "{" + strings.Join(es, ",") + "}"
	case map[any]any:
		var es []string
		for _, e := range sortedEntries(v) {
			es = append(es, "["+g.valueJSON(s.KeySchema, e.key)+","+g.valueJSON(s.ValueSchema, e.value)+"]")
		}
		return "[" + strings.Join(es, ",") + "]"
	case *connect.Struct:
		var es []string
		for i, f := range s.Fields {
			fv := v.AtWithoutDefault(i)
			if fv == nil && g.p(0.5) {
				continue
			}
			es = append(es, g.jsonStr(f.Name)+":"+g.ws()+g.valueJSON(f.Schema, fv))
		}
		if g.p(0.05) {
			es = append(es, `"unknown":[1,{"x":null}]`)
		}
		g.r.Shuffle(len(es), func(i, j int) { es[i], es[j] = es[j], es[i] })
		return "{" + strings.Join(es, ",") + "}"
	}
	return "null"
}

func (g *gen) maybeInt(n, lo, hi int64) string {
	if g.p(0.1) {
		return g.intLit(lo, hi)
	}
	return strconv.FormatInt(n, 10)
}

func (g *gen) plainJSON(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case int64:
		if g.p(0.1) {
			return g.intLit(math.MinInt64, math.MaxInt64)
		}
		return strconv.FormatInt(v, 10)
	case float64:
		if g.p(0.5) {
			return g.floatLit()
		}
		return string(appendJSONDouble(nil, v))
	case string:
		return g.jsonStr(v)
	case []byte:
		return `"` + g.b64(v) + `"`
	case []any:
		var es []string
		for _, e := range v {
			es = append(es, g.plainJSON(e))
		}
		return "[" + g.ws() + strings.Join(es, g.ws()+","+g.ws()) + g.ws() + "]"
	case map[string]any:
		var es []string
		for _, k := range sortedStringKeys(v) {
			es = append(es, g.jsonStr(k)+g.ws()+":"+g.ws()+g.plainJSON(v[k]))
		}
		if g.p(0.05) && len(es) > 0 {
			es = append(es, es[0]) // a duplicate key
		}
		return "{" + g.ws() + strings.Join(es, ","+g.ws()) + g.ws() + "}"
	}
	return "null"
}

// damage changes a few bytes of b at random, or adds a byte-order mark,
// white space or trailing text.
func (g *gen) damage(b []byte) []byte {
	b = append([]byte(nil), b...)
	switch g.n(10) {
	case 0:
		return append([]byte("\xef\xbb\xbf"), b...)
	case 1:
		return append(b, []byte(g.pick(" ", "\n", " x", "}", "1", " null", ","))...)
	case 2:
		if len(b) > 0 {
			return b[:g.n(len(b))]
		}
	case 3:
		return append([]byte(g.pick(" ", "\t\n", "\x00", "\xef\xbb")), b...)
	}
	for i, n := 0, 1+g.n(2); i < n && len(b) > 0; i++ {
		j := g.n(len(b))
		switch g.n(3) {
		case 0:
			const junk = "{}[]\":,\\ 0-eE.nul\x00\x80\xff"
			b[j] = junk[g.n(len(junk))]
		case 1:
			b = append(b[:j], b[j+1:]...)
		default:
			const junk = "{}[]\":,\\ 0-eE.nul"
			b = append(b[:j], append([]byte{junk[g.n(len(junk))]}, b[j:]...)...)
		}
	}
	return b
}

// ---- Header texts ----

// headerText is a random text as headers carry them: what Values writes,
// and what people write by hand.
func (g *gen) headerText(depth int) string {
	switch g.n(16) {
	case 0:
		return g.pick("", " ", "null", "true", "false", "TRUE", " true ", "nul", "[]", "{}", "[ ]", "{ }", "[", "]", "{", "}", ",", ":", `"`, `""`, `\`)
	case 1:
		return g.intLit(math.MinInt64, math.MaxInt64)
	case 2:
		return g.floatLit()
	case 3:
		return time.UnixMilli(int64(g.n(40000)-20000) * millisPerDay).UTC().Format("2006-01-02")
	case 4:
		return time.UnixMilli(int64(g.n(millisPerDay))).UTC().Format("15:04:05.000Z")
	case 5:
		return time.UnixMilli(g.r.Int64N(1<<42) - 1<<41).UTC().Format("2006-01-02T15:04:05.000Z")
	case 6, 7:
		if depth > 0 {
			var es []string
			for i, n := 0, g.n(4); i < n; i++ {
				es = append(es, g.headerElem(depth-1))
			}
			return "[" + strings.Join(es, g.pick(",", ", ", " ,")) + g.pick("]", "]", "", ",]")
		}
	case 8, 9:
		if depth > 0 {
			var es []string
			for i, n := 0, g.n(4); i < n; i++ {
				es = append(es, g.headerElem(depth-1)+g.pick(":", ": ", " : ", "=")+g.headerElem(depth-1))
			}
			return "{" + strings.Join(es, g.pick(",", ", ")) + g.pick("}", "}", "", ",}")
		}
	case 10:
		return g.pick("1,2", "12:30", "a b", "2024-13-45", "1 2", "1e3", "1.0", "-", "+1", "0x10", "１２", "true,false", "[1,2]x")
	}
	return g.str()
}

func (g *gen) headerElem(depth int) string {
	if g.p(0.3) {
		var sb strings.Builder
		sb.WriteByte('"')
		for _, c := range g.str() {
			if c == '"' || c == '\\' {
				sb.WriteByte('\\')
			}
			sb.WriteRune(c)
		}
		sb.WriteByte('"')
		return sb.String()
	}
	return g.headerText(depth)
}
