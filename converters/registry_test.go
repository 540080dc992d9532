package converters_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/converters"
)

// rot13 is a converter of the test's own: text, rotated.
type rot13 struct{ isKey bool }

func (rot13) ToConnectData(_ string, data []byte) (*connect.Schema, any, error) {
	out := make([]byte, len(data))
	for i, c := range data {
		switch {
		case c >= 'a' && c <= 'z':
			c = 'a' + (c-'a'+13)%26
		case c >= 'A' && c <= 'Z':
			c = 'A' + (c-'A'+13)%26
		}
		out[i] = c
	}
	return connect.OptionalStringSchema, string(out), nil
}

func (r rot13) FromConnectData(topic string, _ *connect.Schema, value any) ([]byte, error) {
	_, v, err := r.ToConnectData(topic, []byte(fmt.Sprint(value)))
	return []byte(v.(string)), err
}

func rot13Plugin() converters.Plugin {
	return converters.Plugin{
		Name:    "com.example.Rot13Converter",
		Aliases: []string{"rot13"},
		New: func(config map[string]string, isKey bool) (converters.Converter, error) {
			if config["fail"] != "" {
				return nil, errors.New("told to fail")
			}
			return rot13{isKey: isKey}, nil
		},
	}
}

func TestRegistryResolvesRegisteredAndBuiltInConverters(t *testing.T) {
	r := converters.NewRegistry()
	r.Register(rot13Plugin())
	for _, class := range []string{"com.example.Rot13Converter", "Rot13Converter", "rot13", " rot13 "} {
		c, err := r.New(class, nil, true)
		require.NoError(t, err, class)
		assert.Equal(t, rot13{isKey: true}, c, class)
	}
	c, err := r.New(converters.JSONConverterClass, nil, false)
	require.NoError(t, err)
	assert.IsType(t, &converters.JSONConverter{}, c, "the package's converters stay available")

	_, err = r.New("rot13", map[string]string{"fail": "1"}, false)
	assert.EqualError(t, err, "converters: com.example.Rot13Converter: told to fail")
	_, err = r.NewHeaderConverter("rot13", nil)
	assert.EqualError(t, err, "converters: rot13 does not convert headers")
	_, err = r.New("rot14", nil, false)
	assert.EqualError(t, err, `converters: unknown converter class "rot14"`)

	var none *converters.Registry
	_, err = none.New("rot13", nil, false)
	assert.Error(t, err, "a nil registry knows only the package's converters")
	h, err := none.NewHeaderConverter("simple", nil)
	require.NoError(t, err)
	assert.IsType(t, &converters.SimpleHeaderConverter{}, h)
	assert.Equal(t, []string{"com.example.Rot13Converter"}, names(r.Plugins()))
}

func names(ps []converters.Plugin) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

func TestRegisterRefusesTakenNames(t *testing.T) {
	r := converters.NewRegistry()
	r.Register(rot13Plugin())
	assert.PanicsWithValue(t, `converters: Register called twice for converter name "com.example.Rot13Converter"`,
		func() { r.Register(rot13Plugin()) })
	p := rot13Plugin()
	p.Name, p.Aliases = "org.example.JsonConverter", nil
	assert.PanicsWithValue(t, `converters: Register of plugin "org.example.JsonConverter": "JsonConverter" names a converter of this package`,
		func() { r.Register(p) }, "a simple name that would shadow Kafka's JsonConverter")
	assert.Panics(t, func() { r.Register(converters.Plugin{Name: "x"}) }, "neither New nor NewHeader")
	assert.Panics(t, func() { r.Register(converters.Plugin{New: rot13Plugin().New}) }, "no name")
}

func ExampleRegistry() {
	r := converters.NewRegistry()
	r.Register(converters.Plugin{
		Name:    "com.example.Rot13Converter",
		Aliases: []string{"rot13"},
		New: func(map[string]string, bool) (converters.Converter, error) {
			return rot13{}, nil
		},
	})
	c, _ := r.New("rot13", nil, false)
	_, v, _ := c.ToConnectData("topic", []byte("Hello"))
	fmt.Println(v)
	// Output: Uryyb
}
