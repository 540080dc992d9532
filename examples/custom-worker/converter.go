package main

import (
	"strings"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/converters"
)

// upperCase is a converter of our own: text, upper-cased on the way in
// from Kafka. It shows that a converter class named in a connector file
// resolves in the same registry as the connectors.
type upperCase struct{ converters.Converter }

func newUpperCase(config map[string]string, isKey bool) (converters.Converter, error) {
	c, err := converters.NewStringConverter(config, isKey)
	if err != nil {
		return nil, err
	}
	return upperCase{c}, nil
}

func (u upperCase) ToConnectData(topic string, data []byte) (*connect.Schema, any, error) {
	s, v, err := u.Converter.ToConnectData(topic, data)
	if str, ok := v.(string); ok {
		v = strings.ToUpper(str)
	}
	return s, v, err
}
