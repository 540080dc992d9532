package converters

import (
	"container/list"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/connectkit/connectkit/connect"
)

// JSONConverter reads and writes JSON as Kafka's
// org.apache.kafka.connect.json.JsonConverter does, byte for byte.
//
// Settings, with Kafka's names and defaults (see [JSONConverterConfigDef]):
//
//	schemas.enable            true    wrap each value in {"schema":...,"payload":...}
//	schemas.cache.size        1000    schemas remembered in each direction
//	decimal.format            BASE64  how Decimal values are written: BASE64 or NUMERIC
//	replace.null.with.default true    write and read a null as the schema's default
//
// Reading accepts both decimal formats, whatever the setting. See the
// package documentation for the Go values each schema type yields and for
// where this converter is stricter than Kafka's.
type JSONConverter struct {
	schemasEnable  bool
	decimalNumeric bool
	replaceNull    bool
	// Parsed schemas by their JSON text, and rendered schemas by pointer:
	// both directions see the same few schemas over and over.
	parsed   *lru[string, *connect.Schema]
	rendered *lru[*connect.Schema, []byte]
	// The schema read last, tried before the cache.
	lastParsed atomic.Pointer[parsedSchema]
	// The last output's size, to size the next buffer.
	lastSize atomic.Int64
}

var (
	_ Converter       = (*JSONConverter)(nil)
	_ HeaderConverter = (*JSONConverter)(nil)
)

// Kafka's JsonConverterConfig names.
const (
	schemasEnableKey    = "schemas.enable"
	schemasCacheSizeKey = "schemas.cache.size"
	decimalFormatKey    = "decimal.format"
	replaceNullKey      = "replace.null.with.default"
)

// JSONConverterConfigDef returns the settings of [JSONConverter] with
// Kafka's names, defaults and groups, after the converter.type that every
// converter has. Each call returns a new definition.
func JSONConverterConfigDef() *connect.ConfigDef {
	return converterConfigDef().Define(
		connect.ConfigKey{
			Name: schemasEnableKey, Type: connect.ConfigBoolean, Default: true, Importance: connect.High,
			Group: "Schemas", OrderInGroup: 1, DisplayName: "Enable Schemas",
			Doc: `Wrap each value in an envelope {"schema":...,"payload":...}; without it values are plain JSON and are read without a schema.`,
		},
		connect.ConfigKey{
			Name: schemasCacheSizeKey, Type: connect.ConfigInt, Default: 1000, Importance: connect.High,
			Group: "Schemas", OrderInGroup: 2, DisplayName: "Schema Cache Size",
			Doc: "The most schemas remembered in each direction; 0 or less remembers none.",
		},
		connect.ConfigKey{
			Name: decimalFormatKey, Type: connect.ConfigString, Default: "BASE64", Importance: connect.Low,
			Group: "Serialization", OrderInGroup: 1, DisplayName: "Decimal Format",
			Validator: connect.OneOfIgnoreCase("BASE64", "NUMERIC"),
			Doc:       "How Decimal values are written, in any case: BASE64, the unscaled value's bytes in base64, or NUMERIC, a JSON number. Reading accepts both.",
		},
		connect.ConfigKey{
			Name: replaceNullKey, Type: connect.ConfigBoolean, Default: true, Importance: connect.Low,
			Group: "Serialization", OrderInGroup: 2, DisplayName: "Replace Null With Default",
			Doc: "Write and read a null value, or an unset struct field, whose schema has a default as that default. When false, null stays null.",
		},
	)
}

var jsonConfigDef = JSONConverterConfigDef()

// NewJSONConverter returns a JSONConverter configured by config. isKey is
// accepted for symmetry with [New]; it changes nothing, as in Kafka.
func NewJSONConverter(config map[string]string, isKey bool) (*JSONConverter, error) {
	cfg, err := parseConfig(jsonConfigDef, "JsonConverter", config)
	if err != nil {
		return nil, err
	}
	size := cfg.Int(schemasCacheSizeKey)
	return &JSONConverter{
		schemasEnable:  cfg.Bool(schemasEnableKey),
		decimalNumeric: strings.EqualFold(cfg.String(decimalFormatKey), "NUMERIC"),
		replaceNull:    cfg.Bool(replaceNullKey),
		parsed:         newLRU[string, *connect.Schema](size),
		rendered:       newLRU[*connect.Schema, []byte](size),
	}, nil
}

// errEnvelope is Kafka's complaint about JSON that lacks the envelope.
var errEnvelope = errors.New(`JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields; to read plain JSON, set schemas.enable=false`)

// ToConnectData decodes JSON. With schemas.enable it needs the envelope and
// returns its schema and the payload as typed values; without, or when the
// envelope's schema is null, it returns a nil schema and plain Go values:
// map[string]any, []any, string, int64 for integral numbers, float64 for
// others, bool and nil. Nil data, and without schemas.enable empty data,
// give (nil, nil).
func (c *JSONConverter) ToConnectData(_ string, data []byte) (*connect.Schema, any, error) {
	if data == nil {
		return nil, nil, nil
	}
	var err error
	if len(data) >= 2 && (data[0] == 0 || data[1] == 0 || data[0] >= 0xfe || len(data) >= 4 && (data[2] == 0 || data[3] == 0)) {
		// Maybe UTF-16 or UTF-32, as Jackson would detect it.
		if data, err = jacksonEncoding(data); err != nil {
			return nil, nil, &connect.DataError{Op: "json", Err: err}
		}
	}
	d := jsonDecoder{data: data, conv: c}
	if len(data) >= 4 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf {
		// Jackson skips a UTF-8 byte-order mark, when it sees one: it
		// looks for it only in input of four bytes or more.
		d.pos = 3
	}
	var (
		s *connect.Schema
		v any
	)
	if c.schemasEnable {
		s, v, err = d.envelope()
	} else {
		d.skipWS()
		if d.pos == len(data) {
			return nil, nil, nil // Jackson reads no content as a missing node
		}
		if v, err = d.value(); err == nil {
			err = d.end()
		}
	}
	if err != nil {
		return nil, nil, &connect.DataError{Op: "json", Err: err}
	}
	return s, v, nil
}

// envelope reads {"schema":...,"payload":...} in one pass when, as usual,
// the schema comes first; otherwise the payload is revisited once the schema
// is known.
func (d *jsonDecoder) envelope() (*connect.Schema, any, error) {
	d.skipWS()
	if d.pos == len(d.data) {
		return nil, nil, errEnvelope // no content at all
	}
	if d.data[d.pos] != '{' {
		// Kafka parses first, so malformed JSON is reported as such.
		if err := d.skipValue(); err != nil {
			return nil, nil, err
		}
		if err := d.end(); err != nil {
			return nil, nil, err
		}
		return nil, nil, errEnvelope
	}
	var (
		schema                           *connect.Schema
		schemaErr                        error
		payload                          any
		payloadErr                       error
		haveSchema, havePayload, decoded bool
		extra                            bool
		payloadStart                     int
	)
	empty, err := d.openObject()
	if err != nil {
		return nil, nil, err
	}
	for !empty {
		raw, _, err := d.key()
		if err != nil {
			return nil, nil, err
		}
		if _, err := d.peek(); err != nil {
			return nil, nil, err
		}
		start := d.pos
		switch string(raw) {
		case "schema":
			haveSchema, decoded = true, false
			// A schema seen before is valid; skip the checks on it. Most
			// topics carry one schema, so try the last one first: if the
			// text starts with it, it is that JSON value.
			if last := d.conv.lastParsed.Load(); last != nil && len(d.data)-start >= len(last.text) &&
				string(d.data[start:start+len(last.text)]) == last.text {
				schema, schemaErr, d.pos = last.schema, nil, start+len(last.text)
				break
			}
			if c := d.data[start]; c == '{' {
				if end, ok := d.fastSkip(); ok {
					if s, text, hit := lookupText(d.conv.parsed, d.data[start:end]); hit {
						schema, schemaErr, d.pos = s, nil, end
						d.conv.remember(text, s)
						break
					}
				}
			}
			if err := d.skipValue(); err != nil {
				return nil, nil, err
			}
			schema, schemaErr = d.conv.parseSchema(d.data, start, d.pos)
		case "payload":
			havePayload, payloadStart = true, start
			if haveSchema && schemaErr == nil {
				depth := d.depth
				payload, payloadErr = d.payload(schema)
				if payloadErr != nil {
					var se *jsonSyntaxError
					if errors.As(payloadErr, &se) {
						return nil, nil, payloadErr
					}
					// Finish the envelope: its shape is checked first.
					d.pos, d.depth = start, depth
					if err := d.skipValue(); err != nil {
						return nil, nil, err
					}
				}
				decoded = true
			} else if err := d.skipValue(); err != nil {
				return nil, nil, err
			}
		default:
			extra = true
			if err := d.skipValue(); err != nil {
				return nil, nil, err
			}
		}
		more, err := d.next('}', "after object key:value pair")
		if err != nil {
			return nil, nil, err
		}
		if !more {
			break
		}
	}
	if err := d.end(); err != nil {
		return nil, nil, err
	}
	if extra || !haveSchema || !havePayload {
		return nil, nil, errEnvelope
	}
	if schemaErr != nil {
		return nil, nil, wrapPath(schemaErr, "schema")
	}
	if !decoded {
		end := d.pos
		d.pos = payloadStart
		payload, payloadErr = d.payload(schema)
		d.pos = end
	}
	if payloadErr != nil {
		return nil, nil, payloadErr
	}
	return schema, payload, nil
}

func (d *jsonDecoder) payload(s *connect.Schema) (any, error) {
	if s == nil {
		return d.value()
	}
	return d.typed(s)
}

// parseSchema parses the schema JSON at data[start:end], through the cache.
func (c *JSONConverter) parseSchema(data []byte, start, end int) (*connect.Schema, error) {
	text := data[start:end]
	if string(text) == "null" {
		return nil, nil
	}
	if s, key, ok := lookupText(c.parsed, text); ok {
		c.remember(key, s)
		return s, nil
	}
	d := jsonDecoder{data: data, pos: start, conv: c}
	s, _, _, err := d.schema()
	if err != nil {
		return nil, err
	}
	key := string(text)
	c.parsed.put(key, s)
	c.remember(key, s)
	return s, nil
}

type parsedSchema struct {
	text   string
	schema *connect.Schema
}

// remember makes s, read from text, the schema tried first.
func (c *JSONConverter) remember(text string, s *connect.Schema) {
	if c.parsed.max <= 0 || s == nil {
		return
	}
	if last := c.lastParsed.Load(); last == nil || last.schema != s {
		c.lastParsed.Store(&parsedSchema{text: text, schema: s})
	}
}

// FromConnectData encodes value as JSON; with schemas.enable, inside the
// envelope. A nil schema and nil value give nil bytes (a Kafka null); a nil
// value with a schema gives the schema's default, JSON null (with
// schemas.enable=false, the 4 bytes "null") or, for a required schema
// without default, an error.
//
// A [json.RawMessage] value with a nil schema is JSON already: it is
// checked as ToConnectData checks its input (stricter than [json.Valid],
// which lets invalid UTF-8 through) and written as it is, not copied; with
// schemas.enable, as the payload of an envelope whose schema is null. This
// is a Go extension: Kafka Connect has no such type.
func (c *JSONConverter) FromConnectData(topic string, schema *connect.Schema, value any) ([]byte, error) {
	if schema == nil && value == nil {
		return nil, nil
	}
	if raw, ok := value.(json.RawMessage); ok && schema == nil {
		return c.fromRaw(topic, raw)
	}
	e := jsonEncoder{buf: make([]byte, 0, c.lastSize.Load()+64), conv: c}
	if c.schemasEnable {
		e.buf = append(e.buf, `{"schema":`...)
		rendered, err := c.renderSchema(schema)
		if err != nil {
			return nil, &connect.DataError{Op: "json", Err: wrapPath(err, "schema")}
		}
		e.buf = append(e.buf, rendered...)
		e.buf = append(e.buf, `,"payload":`...)
	}
	if err := e.value(schema, value); err != nil {
		return nil, &connect.DataError{Op: "json", Err: err}
	}
	if c.schemasEnable {
		e.buf = append(e.buf, '}')
	}
	c.lastSize.Store(int64(len(e.buf)))
	return e.buf, nil
}

// fromRaw writes pre-encoded JSON after checking that it is one JSON value,
// so that nothing malformed reaches Kafka.
func (c *JSONConverter) fromRaw(topic string, raw json.RawMessage) ([]byte, error) {
	if !validFast(raw) {
		d := jsonDecoder{data: raw}
		d.skipWS()
		err := d.skipValue()
		if err == nil {
			err = d.end()
		}
		if err != nil {
			return nil, &connect.DataError{Op: "json", Err: fmt.Errorf("json.RawMessage value for topic %s: %w", topic, err)}
		}
	}
	if !c.schemasEnable {
		return raw, nil
	}
	out := make([]byte, 0, len(envelopeNull)+len(raw)+1)
	out = append(out, envelopeNull...)
	out = append(out, raw...)
	return append(out, '}'), nil
}

// envelopeNull opens the envelope of a value without a schema.
const envelopeNull = `{"schema":null,"payload":`

func (c *JSONConverter) renderSchema(s *connect.Schema) ([]byte, error) {
	if s == nil {
		return []byte("null"), nil
	}
	if b, ok := c.rendered.get(s); ok {
		return b, nil
	}
	e := jsonEncoder{conv: c}
	if err := e.appendSchema(s); err != nil {
		return nil, err
	}
	c.rendered.put(s, e.buf)
	return e.buf, nil
}

// ToConnectHeader is ToConnectData.
func (c *JSONConverter) ToConnectHeader(topic, _ string, value []byte) (*connect.Schema, any, error) {
	return c.ToConnectData(topic, value)
}

// FromConnectHeader is FromConnectData.
func (c *JSONConverter) FromConnectHeader(topic, _ string, schema *connect.Schema, value any) ([]byte, error) {
	return c.FromConnectData(topic, schema, value)
}

// lru is a small least-recently-used cache, safe for concurrent use. A
// capacity of zero or less caches nothing, as Kafka's LRUCache.
type lru[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	items map[K]*list.Element
	order list.List // front is most recent
}

type lruEntry[K comparable, V any] struct {
	key K
	val V
}

func newLRU[K comparable, V any](max int) *lru[K, V] {
	return &lru[K, V]{max: max, items: make(map[K]*list.Element)}
}

func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hit(c.items[k])
}

func (c *lru[K, V]) hit(el *list.Element) (V, bool) {
	if el == nil {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry[K, V]).val, true
}

func (c *lru[K, V]) put(k K, v V) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		el.Value.(*lruEntry[K, V]).val = v
		c.order.MoveToFront(el)
		return
	}
	c.items[k] = c.order.PushFront(&lruEntry[K, V]{key: k, val: v})
	if c.order.Len() > c.max {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*lruEntry[K, V]).key)
	}
}

// lookupText looks text up without copying it into a string, and returns
// the cache's copy of it.
func lookupText[V any](c *lru[string, V], text []byte) (V, string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el := c.items[string(text)]
	v, ok := c.hit(el)
	if !ok {
		return v, "", false
	}
	return v, el.Value.(*lruEntry[string, V]).key, true
}
