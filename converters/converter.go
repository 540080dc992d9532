package converters

import (
	"fmt"
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

// converterConfigDef returns the setting every converter has, as Kafka's
// ConverterConfig. Kafka requires it and its worker always sets it; here
// [New] and [NewHeaderConverter] are told the role, so it is optional.
func converterConfigDef() *connect.ConfigDef {
	return connect.NewConfigDef().Define(connect.ConfigKey{
		Name: converterTypeKey, Type: connect.ConfigString, Default: connect.NullDefault,
		Validator: connect.OneOf("key", "value", "header"), Importance: connect.Low,
		DisplayName: "Converter type",
		Doc:         "How this converter is used. The runtime passes the role itself, so this is rarely set.",
	})
}

// parseConfig parses config against def, naming the converter in errors.
// The error wraps a [*connect.ConfigError] listing every bad key.
func parseConfig(def *connect.ConfigDef, class string, config map[string]string) (*connect.Config, error) {
	c, err := def.Parse(config)
	if err != nil {
		return nil, fmt.Errorf("converters: %s: %w", class, err)
	}
	return c, nil
}
