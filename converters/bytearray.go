package converters

import (
	"encoding/json"
	"github.com/connectkit/connectkit/connect"
)

// ByteArrayConverter passes bytes through unchanged, as Kafka's
// org.apache.kafka.connect.converters.ByteArrayConverter does. It has no
// settings of its own; its zero value is ready to use.
type ByteArrayConverter struct{}

var (
	_ Converter       = (*ByteArrayConverter)(nil)
	_ HeaderConverter = (*ByteArrayConverter)(nil)
)

// ByteArrayConverterConfigDef returns the settings of [ByteArrayConverter]:
// only converter.type, as Kafka's ByteArrayConverter.
func ByteArrayConverterConfigDef() *connect.ConfigDef { return converterConfigDef() }

var byteArrayConfigDef = ByteArrayConverterConfigDef()

// NewByteArrayConverter returns a ByteArrayConverter. Like Kafka's, it
// accepts and ignores any settings other than a bad converter.type.
func NewByteArrayConverter(config map[string]string) (*ByteArrayConverter, error) {
	if _, err := parseConfig(byteArrayConfigDef, "ByteArrayConverter", config); err != nil {
		return nil, err
	}
	return &ByteArrayConverter{}, nil
}

// ToConnectData returns the optional bytes schema and data itself, not a
// copy; a nil data gives a nil value.
func (*ByteArrayConverter) ToConnectData(_ string, data []byte) (*connect.Schema, any, error) {
	if data == nil {
		return connect.OptionalBytesSchema, nil, nil
	}
	return connect.OptionalBytesSchema, data, nil
}

// FromConnectData returns value, which must be a []byte, a
// [json.RawMessage] or nil, itself. A schema, if given, must be of type
// BYTES.
func (*ByteArrayConverter) FromConnectData(_ string, schema *connect.Schema, value any) ([]byte, error) {
	if schema != nil && schema.Type != connect.Bytes {
		return nil, connect.DataErrorf("bytearray: invalid schema type %s for ByteArrayConverter", schema.Type)
	}
	switch v := value.(type) {
	case nil:
		return nil, nil
	case []byte:
		return v, nil
	case json.RawMessage:
		return v, nil
	default:
		return nil, connect.DataErrorf("bytearray: ByteArrayConverter is not compatible with values of type %T", value)
	}
}

// ToConnectHeader is ToConnectData.
func (c *ByteArrayConverter) ToConnectHeader(topic, _ string, value []byte) (*connect.Schema, any, error) {
	return c.ToConnectData(topic, value)
}

// FromConnectHeader is FromConnectData.
func (c *ByteArrayConverter) FromConnectHeader(topic, _ string, schema *connect.Schema, value any) ([]byte, error) {
	return c.FromConnectData(topic, schema, value)
}
