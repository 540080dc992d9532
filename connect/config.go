package connect

// SKELETON: the API below is fixed; bodies are being implemented.

import (
	"io"
	"time"
)

// ConfigType is the type of a configuration value, as Kafka's ConfigDef.Type.
type ConfigType int8

// The configuration types. ConfigDuration is a LONG number of milliseconds
// read as a time.Duration, for keys such as offset.flush.interval.ms.
const (
	ConfigBoolean ConfigType = iota + 1
	ConfigString
	ConfigInt
	ConfigLong
	ConfigDouble
	ConfigList
	ConfigPassword
	ConfigClass
	ConfigDuration
)

// Importance is how much a setting matters to users, for docs.
type Importance int8

// The importance levels.
const (
	High Importance = iota + 1
	Medium
	Low
)

// NullDefault is the Default of an optional key whose default is "no value".
var NullDefault = nullDefault{}

type nullDefault struct{}

// ConfigKey defines one setting.
type ConfigKey struct {
	Name         string
	Type         ConfigType
	Default      any // nil: required
	Importance   Importance
	Doc          string
	Group        string
	OrderInGroup int
	DisplayName  string
	Validator    Validator
	Dependents   []string
}

// Validator checks a parsed value.
type Validator interface {
	Validate(key string, value any) error
}

// ConfigDef describes a set of settings.
type ConfigDef struct{ keys []ConfigKey }

// NewConfigDef returns an empty definition.
func NewConfigDef() *ConfigDef { return &ConfigDef{} }

// Define adds keys.
func (d *ConfigDef) Define(keys ...ConfigKey) *ConfigDef { d.keys = append(d.keys, keys...); return d }

// Parse parses props.
func (d *ConfigDef) Parse(props map[string]string) (*Config, error) { return &Config{}, nil }

// WriteMarkdown writes docs.
func (d *ConfigDef) WriteMarkdown(w io.Writer) error { return nil }

// Config is a parsed configuration.
type Config struct{}

func (c *Config) String(name string) string          { return "" }
func (c *Config) Int(name string) int                { return 0 }
func (c *Config) Long(name string) int64             { return 0 }
func (c *Config) Double(name string) float64         { return 0 }
func (c *Config) Bool(name string) bool              { return false }
func (c *Config) List(name string) []string          { return nil }
func (c *Config) Password(name string) Password      { return Password{} }
func (c *Config) Class(name string) string           { return "" }
func (c *Config) Duration(name string) time.Duration { return 0 }
func (c *Config) Originals() map[string]string       { return nil }
func (c *Config) WithPrefix(prefix string, strip bool) map[string]string {
	return nil
}
func (c *Config) Unused() []string { return nil }

// Password is a secret.
type Password struct{ value string }

// Value returns the secret.
func (p Password) Value() string { return p.value }
