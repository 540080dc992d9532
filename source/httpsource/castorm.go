package httpsource

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/internal/jsontext"
)

// castorm's SchemedKvSourceRecordMapper, its default record mapper, writes
// a Key struct and a Value struct whose value field is the record's JSON as
// text. The schemas carry its names and docs, so that a JsonConverter with
// schemas writes castorm's bytes.
var (
	castormKeySchema   = castormStruct("com.github.castorm.kafka.connect.http.Key", "Message Key", castormKeyField())
	castormValueSchema = castormStruct("com.github.castorm.kafka.connect.http.Value", "Message Value",
		connect.Field{Name: "value", Schema: &connect.Schema{Type: connect.String, Doc: "HTTP Record Value"}},
		castormKeyField(),
		connect.Field{Name: "timestamp", Schema: &connect.Schema{Type: connect.Int64, Optional: true, Doc: "HTTP Record Timestamp"}})
)

func castormKeyField() connect.Field {
	return connect.Field{Name: "key", Schema: &connect.Schema{Type: connect.String, Optional: true, Doc: "HTTP Record Key"}}
}

func castormStruct(name, doc string, fields ...connect.Field) *connect.Schema {
	s := connect.StructSchema(name, fields...)
	s.Doc = doc
	return s
}

// castormText is the text castorm's mappers give a record's value, and
// hash into the key of a record without one (JacksonRecordParser.getValue):
// an object as Jackson writes the tree it read, fields in the API's order (a
// repeated field keeps its first place and its last value), numbers as
// Jackson reads and prints them (integers exact, others as Java doubles),
// strings escaped as Jackson's writeValueAsString escapes them (characters
// outside the Basic Multilingual Plane as they are); a string, number,
// boolean or null
// as its text (Jackson's asText). An array is written as JSON too, where
// castorm wrote "" (see the package documentation).
func castormText(v any) string {
	raw, ok := v.(json.RawMessage)
	if !ok || len(raw) == 0 {
		return valueText(v)
	}
	switch c := raw[0]; {
	case c == '{' || c == '[':
		w := jacksonWriter{src: raw}
		b := w.value(make([]byte, 0, len(raw)+len(raw)/8), true)
		return unsafe.String(unsafe.SliceData(b), len(b)) // b is not used again
	case c == '-' || c >= '0' && c <= '9':
		return string(appendJacksonNumber(nil, raw, false))
	}
	return rawText(raw)
}

// jacksonWriter writes JSON text, which the tape has checked, as Jackson
// writes the tree it reads from it.
type jacksonWriter struct {
	src []byte
	i   int
}

func (w *jacksonWriter) space() {
	for w.i < len(w.src) {
		switch w.src[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

// value writes the value at w.i and moves past it. nested is false only
// for a top-level number, which asText prints unquoted even when infinite.
func (w *jacksonWriter) value(b []byte, nested bool) []byte {
	w.space()
	start := w.i
	switch w.src[w.i] {
	case '{':
		return w.object(b)
	case '[':
		w.i++
		b = append(b, '[')
		for n := 0; ; n++ {
			w.space()
			if w.src[w.i] == ']' {
				w.i++
				return append(b, ']')
			}
			if n > 0 {
				w.i++ // ,
				b = append(b, ',')
			}
			b = w.value(b, true)
		}
	case '"':
		w.skip()
		return appendJacksonText(b, w.src[start+1:w.i-1])
	case 't', 'f', 'n':
		w.skip()
		return append(b, w.src[start:w.i]...)
	}
	w.skip()
	return appendJacksonNumber(b, w.src[start:w.i], nested)
}

// object writes an object: Jackson's ObjectNode is a LinkedHashMap, so a
// repeated field stays where it first appeared, with its last value.
func (w *jacksonWriter) object(b []byte) []byte {
	type member struct {
		key              string // unescaped, for finding a repeated field
		keyStart, keyEnd int    // the key's text between its quotes
		start, end       int    // the value's span in src
	}
	var small [16]member // most objects: no allocation
	members := small[:0]
	var index map[string]int // for large objects only
	w.i++
	for {
		w.space()
		if w.src[w.i] == '}' {
			w.i++
			break
		}
		if w.src[w.i] == ',' {
			w.i++
			w.space()
		}
		ks := w.i
		w.skip()
		ke := w.i - 1
		key := stringText(w.src[ks+1 : ke])
		w.space()
		w.i++ // :
		w.space()
		vs := w.i
		w.skip()
		m := member{key: key, keyStart: ks + 1, keyEnd: ke, start: vs, end: w.i}
		at := -1
		if index != nil {
			if j, ok := index[key]; ok {
				at = j
			}
		} else {
			for j := range members {
				if members[j].key == key {
					at = j
					break
				}
			}
		}
		if at >= 0 {
			members[at] = m
			continue
		}
		members = append(members, m)
		if index != nil {
			index[key] = len(members) - 1
		} else if len(members) == 16 {
			index = make(map[string]int, 32)
			for j, mm := range members {
				index[mm.key] = j
			}
		}
	}
	end := w.i
	b = append(b, '{')
	for j, m := range members {
		if j > 0 {
			b = append(b, ',')
		}
		b = appendJacksonText(b, w.src[m.keyStart:m.keyEnd])
		b = append(b, ':')
		w.i = m.start
		b = w.value(b, true)
	}
	w.i = end
	return append(b, '}')
}

// appendJacksonText appends a JSON string, given the text between its
// quotes, as Jackson's writeValueAsString writes it. Text without escapes
// or control characters comes out as it went in.
func appendJacksonText(b, text []byte) []byte {
	plain := utf8.Valid(text)
	for i := 0; plain && i < len(text); i++ {
		plain = text[i] != '\\' && text[i] >= 0x20
	}
	if plain {
		b = append(b, '"')
		b = append(b, text...)
		return append(b, '"')
	}
	return jsontext.AppendJacksonCharString(b, jsontext.Unescape(text))
}

// stringText returns the value of a JSON string, given the text between
// its quotes; without escapes, it shares text's memory.
func stringText(text []byte) string {
	if bytes.IndexByte(text, '\\') < 0 {
		return unsafe.String(unsafe.SliceData(text), len(text))
	}
	return jsontext.Unescape(text)
}

// skip moves w.i past the value at w.i.
func (w *jacksonWriter) skip() {
	depth := 0
	for {
		switch c := w.src[w.i]; c {
		case '"':
			w.i++
			for w.src[w.i] != '"' {
				if w.src[w.i] == '\\' {
					w.i++
				}
				w.i++
			}
			w.i++
		case '{', '[':
			depth++
			w.i++
		case '}', ']':
			depth--
			w.i++
		default:
			w.i++
			for w.i < len(w.src) && !isDelim(w.src[w.i]) {
				w.i++
			}
		}
		if depth == 0 {
			return
		}
		for w.i < len(w.src) && (w.src[w.i] == ',' || w.src[w.i] == ':' || w.src[w.i] <= ' ') {
			w.i++
		}
	}
}

func isDelim(c byte) bool {
	return c == ',' || c == ':' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// appendJacksonNumber writes a JSON number as Jackson reads and writes it:
// an integer exactly (IntNode, LongNode, BigIntegerNode; -0 is 0), anything
// else as a Java double (DoubleNode), an infinite one quoted inside a
// document, as Jackson's QUOTE_NON_NUMERIC_NUMBERS does.
func appendJacksonNumber(b, num []byte, nested bool) []byte {
	integer := true
	for _, c := range num {
		if c == '.' || c == 'e' || c == 'E' {
			integer = false
			break
		}
	}
	if integer {
		if string(num) == "-0" {
			return append(b, '0')
		}
		return append(b, num...)
	}
	f, _ := strconv.ParseFloat(unsafe.String(unsafe.SliceData(num), len(num)), 64) // ±Inf past the range, as Java's
	if nested && (f > 1.7976931348623157e308 || f < -1.7976931348623157e308) {
		b = append(b, '"')
		b = jsontext.AppendJavaDouble(b, f, 64)
		return append(b, '"')
	}
	return jsontext.AppendJavaDouble(b, f, 64)
}
