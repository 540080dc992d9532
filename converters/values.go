package converters

import (
	"errors"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/connectkit/connectkit/connect"
)

// This file reads header text as Kafka's Values.parseString does: a
// tokenizer that splits on the delimiters : , { } [ ] and " (a backslash
// escapes the next character), and a parser that reads literals, numbers,
// dates and times, quoted strings, arrays and maps from the tokens,
// inferring a common schema for the elements of an array and for the keys
// and values of a map. A top-level text that is none of these, or that only
// starts like an array or map, is a STRING: the text itself.

// valuesTokens is Values.Parser: a tokenizer with one token of look-ahead
// and rewinding.
type valuesTokens struct {
	s       string
	pos     int
	peeked  bool // a token is looked ahead at: next
	next    string
	hasPrev bool
	prev    string
}

func (p *valuesTokens) mark() int {
	if p.peeked {
		return p.pos - len(p.next)
	}
	return p.pos
}

func (p *valuesTokens) rewind(pos int) {
	p.pos, p.peeked, p.hasPrev = pos, false, false
}

func (p *valuesTokens) more() bool { return p.peeked || p.pos < len(p.s) }

func (p *valuesTokens) take() string {
	if p.peeked {
		p.prev, p.peeked = p.next, false
	} else {
		p.prev = p.consume()
	}
	p.hasPrev = true
	return p.prev
}

// takeN takes n tokens and returns the text they span, or false (and
// takes none) if there are fewer.
func (p *valuesTokens) takeN(n int) (string, bool) {
	start := p.mark()
	for i := 0; i < n; i++ {
		if !p.more() {
			p.rewind(start)
			return "", false
		}
		p.take()
	}
	return p.s[start:p.pos], true
}

func (p *valuesTokens) consume() string {
	escaped := false
	start := p.pos
	for ; p.pos < len(p.s); p.pos++ {
		switch c := p.s[p.pos]; c {
		case '\\':
			escaped = !escaped
		case ':', ',', '{', '}', '[', ']', '"':
			if !escaped {
				if start < p.pos {
					return p.s[start:p.pos]
				}
				p.pos++
				return p.s[start:p.pos]
			}
			escaped = false
		default:
			escaped = false
		}
	}
	return p.s[start:p.pos]
}

// accept consumes the next token that is not blank if, trimmed, it is
// want. Blank tokens before it are consumed either way, as in Kafka.
func (p *valuesTokens) accept(want string) bool {
	if !p.peeked {
		if !p.more() {
			return false
		}
		p.next, p.peeked = p.consume(), true
	}
	for isBlankJava(p.next) && p.pos < len(p.s) {
		p.next = p.consume()
	}
	if trimJava(p.next) == want {
		p.peeked = false
		return true
	}
	return false
}

func isBlankJava(s string) bool { return trimJava(s) == "" }

// valuesParser is Values.ValueParser.
type valuesParser struct {
	t     valuesTokens
	depth int
}

// errTooDeep ends a parse nested deeper than maxJSONDepth arrays and maps.
// Kafka's recursive parser overflows its stack somewhere deeper (where
// depends on the JVM) and SimpleHeaderConverter then keeps the header as
// BYTES; this parser stops at a fixed depth and does the same.
var errTooDeep = errors.New("header value nested too deeply")

// schemaAndValue is a parsed value; a nil *schemaAndValue is Java's null.
type schemaAndValue struct {
	schema *connect.Schema
	value  any
}

// errValues is Kafka's DataException inside the parser: the text is not
// the array, map or embedded value it started like.
var errValues = errors.New("not a value")

func (p *valuesParser) literal(embedded bool, word string) bool {
	start := p.t.mark()
	if p.t.accept(word) && (embedded || !p.t.more()) {
		return true
	}
	p.t.rewind(start)
	return false
}

func (p *valuesParser) parse(embedded bool) (*schemaAndValue, error) {
	if p.depth > maxJSONDepth {
		return nil, errTooDeep
	}
	switch {
	case !p.t.more():
		return nil, nil
	case embedded && p.t.accept(`"`):
		return p.quoted(), nil
	case p.literal(embedded, "null"):
		return nil, nil
	case p.literal(embedded, "true"):
		return &schemaAndValue{connect.BooleanSchema, true}, nil
	case p.literal(embedded, "false"):
		return &schemaAndValue{connect.BooleanSchema, false}, nil
	}
	start := p.t.mark()
	var (
		sv  *schemaAndValue
		err error
		try bool
	)
	if p.t.accept("[") {
		p.depth++
		sv, err = p.array()
		try = true
	} else if p.t.accept("{") {
		p.depth++
		sv, err = p.mapValue()
		try = true
	}
	if try {
		p.depth--
		switch {
		case err == nil:
			return sv, nil
		case errors.Is(err, errTooDeep):
			return nil, err
		}
		p.t.rewind(start)
	}
	token := p.t.take()
	if isBlankJava(token) {
		return &schemaAndValue{connect.StringSchema, token}, nil
	}
	return p.token(embedded, trimJava(token))
}

func (p *valuesParser) token(embedded bool, token string) (*schemaAndValue, error) {
	first, _ := utf8.DecodeRuneInString(token)
	digit := unicode.IsDigit(first)
	if digit {
		if sv := p.multiTokenTemporal(token); sv != nil {
			return sv, nil
		}
	}
	if digit || first == '+' || first == '-' {
		if d, err := parseJavaDecimal(asciiDigits(token)); err == nil {
			s, v := inferNumber(token, d)
			return &schemaAndValue{s, v}, nil
		}
	}
	if embedded {
		return nil, errValues
	}
	return &schemaAndValue{connect.StringSchema, p.t.s}, nil
}

func (p *valuesParser) quoted() *schemaAndValue {
	var sb strings.Builder
	for p.t.more() {
		if p.t.accept(`"`) {
			break
		}
		sb.WriteString(p.t.take())
	}
	content := sb.String()
	if s, v, ok := valuesTemporal(content); ok {
		return &schemaAndValue{s, v}
	}
	return &schemaAndValue{connect.StringSchema, content}
}

// multiTokenTemporal reads a time or timestamp, which the tokenizer splits
// at its colons, from the token and the four after it; else the token alone
// as a date, time or timestamp.
func (p *valuesParser) multiTokenTemporal(token string) *schemaAndValue {
	start := p.t.mark()
	if rest, ok := p.t.takeN(4); ok {
		if s, v, ok := valuesTemporal(token + rest); ok {
			return &schemaAndValue{s, v}
		}
	}
	p.t.rewind(start)
	if s, v, ok := valuesTemporal(token); ok {
		return &schemaAndValue{s, v}
	}
	return nil
}

func valuesTemporal(token string) (*connect.Schema, any, bool) {
	return parseTemporal(strings.ReplaceAll(token, `\:`, ":"))
}

// array reads the elements after "[" up to "]".
func (p *valuesParser) array() (*schemaAndValue, error) {
	result := []any{}
	var merged schemaMerger
	for p.t.more() {
		if p.t.accept("]") {
			if merged.common == nil {
				return &schemaAndValue{&connect.Schema{Type: connect.Array}, result}, nil
			}
			s := connect.ArraySchema(merged.common)
			for i, v := range result {
				c, err := valuesConvert(merged.common, v)
				if err != nil {
					return nil, err
				}
				result[i] = c
			}
			return &schemaAndValue{s, result}, nil
		}
		if p.t.accept(",") {
			return nil, errValues
		}
		e, err := p.parse(true)
		if err != nil {
			return nil, err
		}
		merged.merge(e)
		if e != nil {
			result = append(result, e.value)
		} else {
			result = append(result, nil)
		}
		at := p.t.mark()
		if p.t.accept("]") {
			p.t.rewind(at)
		} else if !p.t.accept(",") {
			return nil, errValues
		}
	}
	return nil, errValues
}

// mapValue reads the entries after "{" up to "}".
func (p *valuesParser) mapValue() (*schemaAndValue, error) {
	var keys, vals []any
	index := map[any]int{}
	var keyMerged, valMerged schemaMerger
	for p.t.more() {
		if p.t.accept("}") {
			s := &connect.Schema{Type: connect.Map, KeySchema: keyMerged.common}
			if s.KeySchema != nil {
				s.ValueSchema = valMerged.common // else Kafka's mapOfNull, no value schema either
			}
			for i := range keys {
				var err error
				if keyMerged.common != nil {
					if keys[i], err = valuesConvert(keyMerged.common, keys[i]); err != nil {
						return nil, err
					}
					if valMerged.common != nil {
						if vals[i], err = valuesConvert(valMerged.common, vals[i]); err != nil {
							return nil, err
						}
					}
				}
			}
			return &schemaAndValue{s, valuesMap(s, keys, vals)}, nil
		}
		if p.t.accept(",") {
			return nil, errValues
		}
		k, err := p.parse(true)
		if err != nil {
			return nil, err
		}
		if k == nil || k.value == nil || !p.t.accept(":") {
			return nil, errValues
		}
		if !isHashable(k.value) {
			// Java keys a map by a list or map too; a Go map cannot.
			return nil, errValues
		}
		v, err := p.parse(true)
		if err != nil {
			return nil, err
		}
		var val any
		if v != nil {
			val = v.value
		}
		// A LinkedHashMap: a repeated key keeps its place, takes the value.
		if i, ok := index[k.value]; ok {
			vals[i] = val
		} else {
			index[k.value] = len(keys)
			keys, vals = append(keys, k.value), append(vals, val)
		}
		p.t.accept(",")
		keyMerged.merge(k)
		valMerged.merge(v)
	}
	return nil, errValues
}

func isHashable(k any) bool {
	switch k.(type) {
	case []byte, []any, map[string]any, map[any]any:
		return false
	}
	return true
}

// valuesMap makes the Go map for a parsed map: map[string]any when the
// keys are STRING, else map[any]any. Keys that became equal on conversion
// to the common schema are one entry, the last value winning, as in Java.
func valuesMap(s *connect.Schema, keys, vals []any) any {
	if len(keys) == 0 || s.KeySchema != nil && s.KeySchema.Type == connect.String && s.KeySchema.Name == "" {
		m := make(map[string]any, len(keys))
		for i, k := range keys {
			m[k.(string)] = vals[i]
		}
		return m
	}
	m := make(map[any]any, len(keys))
	for i, k := range keys {
		if d, ok := k.(connect.Decimal); ok {
			k = d // Decimals hold pointers; rare as keys, kept as they are
		}
		m[k] = vals[i]
	}
	return m
}

// schemaMerger is Values.SchemaMerger: the schema common to the values
// seen, widening numbers; nil (after a conflict) for none.
type schemaMerger struct {
	common   *connect.Schema
	conflict bool
}

func (m *schemaMerger) merge(sv *schemaAndValue) {
	if sv == nil || sv.schema == nil || m.conflict {
		return
	}
	if m.common == nil {
		m.common = sv.schema
		return
	}
	m.common = mergeValuesSchemas(m.common, sv.schema)
	m.conflict = m.common == nil
}

// numberRank orders the number types by how Values widens them.
var numberRank = map[connect.Type]int{connect.Int8: 1, connect.Int16: 2, connect.Int32: 3, connect.Int64: 4, connect.Float32: 5, connect.Float64: 6}

func mergeValuesSchemas(prev, next *connect.Schema) *connect.Schema {
	if prev.Type != next.Type {
		a, b := numberRank[prev.Type], numberRank[next.Type]
		switch {
		case a == 0 || b == 0:
			return nil
		case b > a:
			return next
		}
		return prev
	}
	if prev.Optional == next.Optional {
		if prev.Optional {
			return prev
		}
		return next
	}
	if !schemaEqual(prev, next) {
		return nil
	}
	return prev
}

// valuesConvert is Values.convertTo(schema, null, v) for the values the
// parser makes: numbers widened or narrowed to the common type, numbers as
// days or milliseconds for the temporal types, all else as it is.
func valuesConvert(s *connect.Schema, v any) (any, error) {
	if v == nil {
		if s.Optional {
			return nil, nil
		}
		return nil, errValues
	}
	if t, ok := v.(time.Time); ok {
		switch {
		case s.Name == connect.DateName || s.Name == connect.TimeName || s.Name == connect.TimestampName:
			return t, nil
		}
		return nil, errValues // Java's asLong without a schema refuses a Date
	}
	n, f, isNum := numberOf(v)
	switch s.Name {
	case connect.DateName:
		if !isNum {
			return nil, errValues
		}
		return time.UnixMilli(int64(int32(n)) * millisPerDay).UTC(), nil
	case connect.TimeName:
		if !isNum {
			return nil, errValues
		}
		ms := int64(int32(n))
		if ms < 0 || ms > millisPerDay { // Time.toLogical's range
			return nil, errValues
		}
		return time.UnixMilli(ms).UTC(), nil
	case connect.TimestampName:
		if !isNum {
			return nil, errValues
		}
		return time.UnixMilli(n).UTC(), nil
	}
	if !isNum {
		return v, nil
	}
	switch s.Type {
	case connect.Int8:
		return int8(n), nil
	case connect.Int16:
		return int16(n), nil
	case connect.Int32:
		return int32(n), nil
	case connect.Int64:
		return n, nil
	case connect.Float32:
		return float32(f), nil
	case connect.Float64:
		return f, nil
	}
	return v, nil
}

// numberOf returns a parsed number as Java's longValue and doubleValue.
func numberOf(v any) (int64, float64, bool) {
	switch v := v.(type) {
	case int8:
		return int64(v), float64(v), true
	case int16:
		return int64(v), float64(v), true
	case int32:
		return int64(v), float64(v), true
	case int64:
		return v, float64(v), true
	case float32:
		return javaLong(float64(v)), float64(v), true
	case float64:
		return javaLong(v), v, true
	}
	return 0, 0, false
}

// javaLong is Java's (long) cast of a double: truncation, saturating.
func javaLong(f float64) int64 {
	switch {
	case f != f:
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

// asciiDigits maps the decimal digits of any script to ASCII ones, as
// Java's BigDecimal reads "１２" as 12 (Character.digit).
func asciiDigits(s string) []byte {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r >= utf8.RuneSelf && unicode.IsDigit(r) {
			r = '0' + digitValue(r)
		}
		b = utf8.AppendRune(b, r)
	}
	return b
}

// digitValue is the value of r, a decimal digit: Unicode lays each
// script's digits out as runs of ten from its zero.
func digitValue(r rune) rune {
	for _, rg := range unicode.Nd.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return (r - rune(rg.Lo)) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return (r - rune(rg.Lo)) % 10
		}
	}
	return 0
}
