package converters

import (
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/connectkit/connectkit/connect"
)

// StringConverter converts values to and from text, as Kafka's
// org.apache.kafka.connect.storage.StringConverter does.
//
// Its one setting, converter.encoding (default UTF-8), names a Java
// character set. UTF-8, ISO-8859-1, US-ASCII, UTF-16, UTF-16BE and UTF-16LE
// are supported, under Java's names and common aliases; others are a
// configuration error. As in Kafka, where the setting is given as
// key.converter.encoding or value.converter.encoding, the runtime strips the
// prefix before calling [New]. Kafka's serializer-level overrides,
// key.serializer.encoding or value.serializer.encoding (for writing) and
// key.deserializer.encoding or value.deserializer.encoding (for reading),
// chosen by isKey, win over converter.encoding here too. Unlike Kafka, which
// never looks at an encoding an override hides, every encoding setting
// given must name a supported charset. See [StringConverterConfigDef].
type StringConverter struct {
	enc, dec *charset
}

var (
	_ Converter       = (*StringConverter)(nil)
	_ HeaderConverter = (*StringConverter)(nil)
)

const encodingKey = "converter.encoding"

// StringConverterConfigDef returns the settings of [StringConverter]:
// converter.type, converter.encoding as in Kafka's StringConverterConfig,
// and the serializer and deserializer overrides that Kafka's
// StringSerializer and StringDeserializer read. Each call returns a new
// definition.
func StringConverterConfigDef() *connect.ConfigDef {
	def := converterConfigDef().Define(connect.ConfigKey{
		Name: encodingKey, Type: connect.ConfigString, Default: "UTF-8", Importance: connect.High,
		Validator: charsetValidator{}, Group: "Converter", DisplayName: "Encoding",
		Doc: "The Java character set strings are written and read in.",
	})
	for i, role := range []string{"key", "value"} {
		who := "a key converter"
		if role == "value" {
			who = "a value or header converter"
		}
		for j, dir := range []string{"serializer", "deserializer"} {
			does := "writes"
			if dir == "deserializer" {
				does = "reads"
			}
			def.Define(connect.ConfigKey{
				Name: role + "." + dir + ".encoding", Type: connect.ConfigString, Default: connect.NullDefault,
				Importance: connect.Low, Validator: charsetValidator{}, Group: "Converter", OrderInGroup: 1 + 2*i + j,
				Doc: "Overrides " + encodingKey + " when " + who + " " + does + ".",
			})
		}
	}
	return def
}

var stringConfigDef = StringConverterConfigDef()

// charsetValidator accepts the names lookupCharset knows.
type charsetValidator struct{}

func (charsetValidator) Validate(key string, value any) error {
	name, ok := value.(string)
	if !ok {
		return connect.KeyError(key, fmt.Sprintf("cannot check a %T as a character set", value))
	}
	if _, ok := lookupCharset(name); !ok {
		return connect.KeyError(key, fmt.Sprintf("invalid value %q: not a supported encoding (%s)", name, supportedCharsets))
	}
	return nil
}

const supportedCharsets = "UTF-8, ISO-8859-1, US-ASCII, UTF-16, UTF-16BE, UTF-16LE"

// String lists the canonical names, for docs.
func (charsetValidator) String() string { return "[" + supportedCharsets + "] or a Java alias of one" }

// NewStringConverter returns a StringConverter configured by config.
func NewStringConverter(config map[string]string, isKey bool) (*StringConverter, error) {
	cfg, err := parseConfig(stringConfigDef, "StringConverter", config)
	if err != nil {
		return nil, err
	}
	role := "value"
	if isKey {
		role = "key"
	}
	// Parse checked every name given, so each lookup succeeds.
	pick := func(key string) *charset {
		name := cfg.String(encodingKey)
		if v, ok := cfg.Get(key).(string); ok {
			name = v
		}
		c, _ := lookupCharset(name)
		return c
	}
	return &StringConverter{
		enc: pick(role + ".serializer.encoding"),
		dec: pick(role + ".deserializer.encoding"),
	}, nil
}

// ToConnectData decodes data into a string with the optional string schema;
// nil data gives a nil value, as in Kafka. Bytes the encoding cannot map
// become U+FFFD, as in Java.
func (c *StringConverter) ToConnectData(_ string, data []byte) (*connect.Schema, any, error) {
	if data == nil {
		return connect.OptionalStringSchema, nil, nil
	}
	return connect.OptionalStringSchema, c.dec.decode(data), nil
}

// FromConnectData encodes value's text form and ignores schema, as Kafka
// does. The text form follows Java's toString: numbers as Java prints them
// ("1.0", "1.0E20"), lists as "[1, a]", maps as "{a=1}" (keys sorted),
// structs as "Struct{a=1}" (unset fields omitted), decimals as BigDecimal
// prints them and times as java.util.Date prints them in UTC ("Thu Jan 01
// 00:00:00 UTC 1970"). A []byte is written as is (Kafka writes the array's
// identity, "[B@1b6d3586"); a [json.RawMessage], pre-encoded JSON (a Go
// extension, see the package documentation), as its text.
func (c *StringConverter) FromConnectData(_ string, _ *connect.Schema, value any) ([]byte, error) {
	switch v := value.(type) {
	case nil:
		return nil, nil
	case []byte:
		return v, nil
	case string:
		return c.enc.encode(v), nil
	case json.RawMessage:
		return c.enc.encode(string(v)), nil
	}
	return c.enc.encode(string(appendJavaString(nil, value))), nil
}

// ToConnectHeader is ToConnectData.
func (c *StringConverter) ToConnectHeader(topic, _ string, value []byte) (*connect.Schema, any, error) {
	return c.ToConnectData(topic, value)
}

// FromConnectHeader is FromConnectData.
func (c *StringConverter) FromConnectHeader(topic, _ string, schema *connect.Schema, value any) ([]byte, error) {
	return c.FromConnectData(topic, schema, value)
}

// appendJavaString appends v as Java's String.valueOf would print the
// equivalent Java object.
func appendJavaString(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return append(b, v...)
	case []byte:
		return append(b, v...)
	case bool:
		return strconv.AppendBool(b, v)
	case float32:
		return appendJavaFloat(b, v)
	case float64:
		return appendJavaDouble(b, v)
	case connect.Decimal:
		if v.Unscaled == nil {
			return append(b, "null"...)
		}
		return appendJavaDecimal(b, v)
	case *big.Int:
		return append(b, v.String()...)
	case time.Time:
		return v.UTC().AppendFormat(b, "Mon Jan 02 15:04:05 UTC 2006")
	case *connect.Struct:
		b = append(b, "Struct{"...)
		first := true
		for i, f := range v.Schema().Fields {
			fv := v.AtWithoutDefault(i) // Java's toString skips unset fields, defaulted or not
			if fv == nil {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, f.Name...)
			b = append(b, '=')
			b = appendJavaString(b, fv)
		}
		return append(b, '}')
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendJavaString(b, e)
		}
		return append(b, ']')
	case map[string]any:
		b = append(b, '{')
		for i, k := range sortedStringKeys(v) {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, k...)
			b = append(b, '=')
			b = appendJavaString(b, v[k])
		}
		return append(b, '}')
	case map[any]any:
		b = append(b, '{')
		for i, e := range sortedEntries(v) {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendJavaString(b, e.key)
			b = append(b, '=')
			b = appendJavaString(b, e.value)
		}
		return append(b, '}')
	}
	if n, ok := appendInteger(b, v); ok {
		return n
	}
	return fmt.Append(b, v)
}

// appendInteger appends v if it is of an integer kind.
func appendInteger(b []byte, v any) ([]byte, bool) {
	switch v := v.(type) {
	case int8:
		return strconv.AppendInt(b, int64(v), 10), true
	case int16:
		return strconv.AppendInt(b, int64(v), 10), true
	case int32:
		return strconv.AppendInt(b, int64(v), 10), true
	case int64:
		return strconv.AppendInt(b, v, 10), true
	case int:
		return strconv.AppendInt(b, int64(v), 10), true
	case uint8:
		return strconv.AppendUint(b, uint64(v), 10), true
	case uint16:
		return strconv.AppendUint(b, uint64(v), 10), true
	case uint32:
		return strconv.AppendUint(b, uint64(v), 10), true
	case uint64:
		return strconv.AppendUint(b, v, 10), true
	case uint:
		return strconv.AppendUint(b, uint64(v), 10), true
	}
	return b, false
}

func sortedStringKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// mapEntry is a key and its value.
type mapEntry struct{ key, value any }

// sortedEntries is m's entries in a deterministic order (Go maps have none;
// Kafka's follows the Java map it is given): a nil key first, then numbers
// by value (NaN first), strings lexically, then other kinds by type name
// and text. They are taken by ranging over m, not by looking keys up: a NaN
// key, which Kafka's Java maps hold like any other, can never be looked up
// in a Go map.
func sortedEntries(m map[any]any) []mapEntry {
	es := make([]mapEntry, 0, len(m))
	for k, v := range m {
		es = append(es, mapEntry{k, v})
	}
	sort.SliceStable(es, func(i, j int) bool { return keyLess(es[i].key, es[j].key) })
	return es
}

func keyLess(a, b any) bool {
	ra, rb := rankKey(a), rankKey(b)
	if ra.class != rb.class {
		return ra.class < rb.class
	}
	switch ra.class {
	case keyInt:
		if ra.i != rb.i {
			return ra.i < rb.i
		}
	case keyFloat:
		// NaN first, so that the order is total (NaN compares false).
		if na, nb := ra.f != ra.f, rb.f != rb.f; na != nb {
			return na
		}
		if ra.f != rb.f && ra.f == ra.f {
			return ra.f < rb.f
		}
	case keyNil:
		return false
	case keyString:
		return ra.s < rb.s
	}
	ta, tb := reflect.TypeOf(a).String(), reflect.TypeOf(b).String()
	if ta != tb {
		return ta < tb
	}
	return fmt.Sprint(a) < fmt.Sprint(b)
}

const (
	keyNil = iota // a nil key (a null key of an optional key schema) goes first
	keyInt
	keyFloat
	keyString
	keyOther
)

type keyRank struct {
	class int
	i     int64
	f     float64
	s     string
}

func rankKey(v any) keyRank {
	switch v := v.(type) {
	case nil:
		return keyRank{class: keyNil}
	case int8:
		return keyRank{class: keyInt, i: int64(v)}
	case int16:
		return keyRank{class: keyInt, i: int64(v)}
	case int32:
		return keyRank{class: keyInt, i: int64(v)}
	case int64:
		return keyRank{class: keyInt, i: v}
	case int:
		return keyRank{class: keyInt, i: int64(v)}
	case float32:
		return keyRank{class: keyFloat, f: float64(v)}
	case float64:
		return keyRank{class: keyFloat, f: v}
	case string:
		return keyRank{class: keyString, s: v}
	}
	return keyRank{class: keyOther}
}

// trimJava trims as Java's String.trim: every character up to U+0020.
func trimJava(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}
