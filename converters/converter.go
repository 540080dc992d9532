package converters

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/connectkit/connectkit/connect"
)

// Converter turns a record's key or value bytes into a schema and value and
// back, as Kafka Connect's Converter does. The runtime keeps one for keys and
// one for values of each connector.
//
// Conversion errors are [*connect.DataError] values, which the runtime routes
// to the dead-letter queue under errors.tolerance=all; their messages say what
// was wrong and where, never the whole payload. The converters in this package
// are safe for concurrent use.
type Converter interface {
	// ToConnectData decodes data read from topic. A Kafka null (nil data)
	// gives what Kafka's converter gives: (nil, nil) for JSON, the optional
	// string or bytes schema with a nil value for the string and byte-array
	// converters.
	ToConnectData(topic string, data []byte) (*connect.Schema, any, error)
	// FromConnectData encodes value, described by schema (nil when there is
	// none), for topic. It may return nil bytes, a Kafka null.
	FromConnectData(topic string, schema *connect.Schema, value any) ([]byte, error)
}

// HeaderConverter turns header values into schemas and values and back, as
// Kafka Connect's HeaderConverter does. key is the header's key.
type HeaderConverter interface {
	ToConnectHeader(topic, key string, value []byte) (*connect.Schema, any, error)
	FromConnectHeader(topic, key string, schema *connect.Schema, value any) ([]byte, error)
}

// Kafka Connect's class names for the converters in this package. [New] and
// [NewHeaderConverter] also accept the simple class name ("JsonConverter")
// and a short alias ("json", "string", "bytearray", "simple").
const (
	StringConverterClass       = "org.apache.kafka.connect.storage.StringConverter"
	ByteArrayConverterClass    = "org.apache.kafka.connect.converters.ByteArrayConverter"
	JSONConverterClass         = "org.apache.kafka.connect.json.JsonConverter"
	SimpleHeaderConverterClass = "org.apache.kafka.connect.storage.SimpleHeaderConverter"
)

type kind int

const (
	kindString kind = iota + 1
	kindByteArray
	kindJSON
	kindSimple
)

var classes = map[string]kind{
	StringConverterClass:       kindString,
	"StringConverter":          kindString,
	"string":                   kindString,
	ByteArrayConverterClass:    kindByteArray,
	"ByteArrayConverter":       kindByteArray,
	"bytearray":                kindByteArray,
	JSONConverterClass:         kindJSON,
	"JsonConverter":            kindJSON,
	"json":                     kindJSON,
	SimpleHeaderConverterClass: kindSimple,
	"SimpleHeaderConverter":    kindSimple,
	"simple":                   kindSimple,
}

func lookup(class string) (kind, error) {
	k, ok := classes[strings.TrimSpace(class)]
	if !ok {
		return 0, fmt.Errorf("converters: unknown converter class %q", class)
	}
	return k, nil
}

// New returns the converter named by class, a Kafka Connect class name or
// alias (see [StringConverterClass]), configured with config: the
// converter's own settings, with the "key.converter." or "value.converter."
// prefix already stripped. isKey says whether it converts record keys.
//
// Unknown settings are ignored, as Kafka ignores them; bad values of known
// settings are reported together, each naming its key.
func New(class string, config map[string]string, isKey bool) (Converter, error) {
	k, err := lookup(class)
	if err != nil {
		return nil, err
	}
	switch k {
	case kindString:
		return NewStringConverter(config, isKey)
	case kindByteArray:
		return NewByteArrayConverter(config)
	case kindJSON:
		return NewJSONConverter(config, isKey)
	default:
		return nil, fmt.Errorf("converters: %s is a header converter only", class)
	}
}

// NewHeaderConverter returns the header converter named by class, configured
// with config (the "header.converter." settings, prefix stripped). Besides
// [SimpleHeaderConverter], Kafka's default, the string, byte-array and JSON
// converters convert headers too, as in Kafka.
func NewHeaderConverter(class string, config map[string]string) (HeaderConverter, error) {
	k, err := lookup(class)
	if err != nil {
		return nil, err
	}
	switch k {
	case kindString:
		return NewStringConverter(config, false)
	case kindByteArray:
		return NewByteArrayConverter(config)
	case kindJSON:
		return NewJSONConverter(config, false)
	default:
		return &SimpleHeaderConverter{}, nil
	}
}

// converterTypeKey is set by Kafka's worker to key, value or header; a user
// rarely sets it, but Kafka validates it, so do we.
const converterTypeKey = "converter.type"

// settings reads a converter's configuration, collecting every problem.
type settings struct {
	config map[string]string
	errs   []string
}

func newSettings(config map[string]string) *settings {
	s := &settings{config: config}
	if v, ok := config[converterTypeKey]; ok {
		switch strings.TrimSpace(v) {
		case "key", "value", "header":
		default:
			s.fail(converterTypeKey, v, "is not one of key, value, header")
		}
	}
	return s
}

func (s *settings) fail(key, value, problem string) {
	s.errs = append(s.errs, fmt.Sprintf("%s: %q %s", key, value, problem))
}

// boolean parses key as Kafka's ConfigDef does: "true" or "false" in any
// case, surrounding space ignored.
func (s *settings) boolean(key string, def bool) bool {
	v, ok := s.config[key]
	if !ok {
		return def
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true":
		return true
	case "false":
		return false
	}
	s.fail(key, v, "is not a boolean")
	return def
}

func (s *settings) integer(key string, def int) int {
	v, ok := s.config[key]
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
	if err != nil {
		s.fail(key, v, "is not an int")
		return def
	}
	return int(n)
}

func (s *settings) str(key, def string) string {
	v, ok := s.config[key]
	if !ok {
		return def
	}
	return strings.TrimSpace(v)
}

func (s *settings) err(class string) error {
	if len(s.errs) == 0 {
		return nil
	}
	return fmt.Errorf("converters: %s: %s", class, strings.Join(s.errs, "; "))
}
