package connect

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ConfigType is the type of a configuration value, as Kafka's ConfigDef.Type.
// It decides how a property string is parsed, which Go type the value has
// (for defaults, validators and [Config.Get]) and which accessor reads it:
//
//	ConfigBoolean   bool           Config.Bool
//	ConfigString    string         Config.String
//	ConfigInt       int (32-bit)   Config.Int
//	ConfigLong      int64          Config.Long
//	ConfigDouble    float64        Config.Double
//	ConfigList      []string       Config.List
//	ConfigPassword  Password       Config.Password
//	ConfigClass     string         Config.Class
//	ConfigDuration  time.Duration  Config.Duration
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

var configTypeNames = [...]string{
	ConfigBoolean:  "boolean",
	ConfigString:   "string",
	ConfigInt:      "int",
	ConfigLong:     "long",
	ConfigDouble:   "double",
	ConfigList:     "list",
	ConfigPassword: "password",
	ConfigClass:    "class",
	ConfigDuration: "long (ms)",
}

// String returns Kafka's lower-case name of the type, so generated docs read
// like Kafka's. ConfigDuration is "long (ms)" because that is what users write.
func (t ConfigType) String() string {
	if !t.valid() {
		return "ConfigType(" + strconv.Itoa(int(t)) + ")"
	}
	return configTypeNames[t]
}

func (t ConfigType) valid() bool { return t >= ConfigBoolean && t <= ConfigDuration }

// Importance is how much a setting matters to users, for docs.
type Importance int8

// The importance levels.
const (
	High Importance = iota + 1
	Medium
	Low
)

// String returns "high", "medium" or "low" as in Kafka's docs, and "" for
// the zero Importance of a key that did not set one.
func (i Importance) String() string {
	switch i {
	case High:
		return "high"
	case Medium:
		return "medium"
	case Low:
		return "low"
	case 0:
		return ""
	}
	return "Importance(" + strconv.Itoa(int(i)) + ")"
}

// NullDefault is the Default of an optional key whose default is "no value".
// Accessors then return the zero value of the key's Go type.
var NullDefault = nullDefault{}

type nullDefault struct{}

// ConfigKey defines one setting.
//
// Default is a value of the key's Go type (see [ConfigType]); any integer
// type does for ConfigInt, ConfigLong and ConfigDouble. A string is also
// accepted for every type and parsed like a property value, so defaults can
// be copied from Kafka's docs. A nil Default makes the key required;
// [NullDefault] makes it optional with no value.
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

// Validator checks a parsed value. The value has the key's Go type (see
// [ConfigType]); it is never nil, because keys with no value are not
// validated. Errors should name the key: return [KeyError] so that
// [ConfigError] does not repeat it. A Validator that also implements
// fmt.Stringer describes the valid values in [ConfigDef.WriteMarkdown].
type Validator interface {
	Validate(key string, value any) error
}

// ConfigDef describes a set of settings. Build it once, at init, with
// [NewConfigDef] and [ConfigDef.Define]; it may then be used by many
// goroutines, as long as nobody defines more keys.
type ConfigDef struct {
	keys   []definedKey
	index  map[string]int
	checks []func(c *Config) []error
}

// definedKey is a ConfigKey with its Default converted once, at Define.
type definedKey struct {
	ConfigKey
	required bool
	def      any // nil for required and NullDefault keys
}

// NewConfigDef returns an empty definition.
func NewConfigDef() *ConfigDef { return &ConfigDef{index: map[string]int{}} }

// Define adds keys, in order. A bad definition is a programmer error found
// at init, so Define panics on an empty or duplicate name, an unknown type
// or importance, a default that does not convert to the key's type, or a
// default that fails the key's Validator.
func (d *ConfigDef) Define(keys ...ConfigKey) *ConfigDef {
	for _, k := range keys {
		dk, err := newDefinedKey(k)
		if err != nil {
			panic(fmt.Sprintf("connect: define config key %q: %v", k.Name, err))
		}
		d.add(dk)
	}
	return d
}

func (d *ConfigDef) add(dk definedKey) {
	if d.index == nil {
		d.index = map[string]int{}
	}
	if _, dup := d.index[dk.Name]; dup {
		panic(fmt.Sprintf("connect: define config key %q: defined twice", dk.Name))
	}
	d.index[dk.Name] = len(d.keys)
	d.keys = append(d.keys, dk)
}

func newDefinedKey(k ConfigKey) (definedKey, error) {
	if k.Name == "" {
		return definedKey{}, errors.New("empty name")
	}
	if !k.Type.valid() {
		return definedKey{}, fmt.Errorf("unknown type %d", k.Type)
	}
	if k.Importance < 0 || k.Importance > Low {
		return definedKey{}, fmt.Errorf("unknown importance %d", k.Importance)
	}
	k.Dependents = slices.Clone(k.Dependents)
	dk := definedKey{ConfigKey: k}
	switch k.Default.(type) {
	case nil:
		dk.required = true
	case nullDefault:
	default:
		v, err := convertDefault(k.Type, k.Default)
		if err != nil {
			return definedKey{}, fmt.Errorf("default: %w", err)
		}
		if k.Validator != nil {
			if err := k.Validator.Validate(k.Name, v); err != nil {
				return definedKey{}, fmt.Errorf("default is not valid: %w", err)
			}
		}
		dk.def = v
	}
	return dk, nil
}

// convertDefault turns a Go default into the key's Go type.
func convertDefault(t ConfigType, v any) (any, error) {
	if s, ok := v.(string); ok {
		return parseValue(t, s)
	}
	switch t {
	case ConfigBoolean:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case ConfigInt:
		if n, ok := asInt64(v); ok {
			if n < math.MinInt32 || n > math.MaxInt32 {
				return nil, fmt.Errorf("%d is out of range for type int", n)
			}
			return int(n), nil
		}
	case ConfigLong:
		if n, ok := asInt64(v); ok {
			return n, nil
		}
	case ConfigDouble:
		switch f := v.(type) {
		case float64:
			return f, nil
		case float32:
			return float64(f), nil
		}
		if n, ok := asInt64(v); ok {
			return float64(n), nil
		}
	case ConfigList:
		if l, ok := v.([]string); ok {
			if l == nil {
				l = []string{}
			}
			return slices.Clone(l), nil
		}
	case ConfigPassword:
		if p, ok := v.(Password); ok {
			return p, nil
		}
	case ConfigDuration:
		if d, ok := v.(time.Duration); ok {
			return d, nil
		}
		// An integer would be ambiguous: Kafka users think in
		// milliseconds, Go's time.Duration counts nanoseconds.
		return nil, fmt.Errorf("a %T cannot be the default of a %s key; use a time.Duration or a string such as \"60000\"", v, t)
	}
	return nil, fmt.Errorf("a %T cannot be the default of a %s key", v, t)
}

func asInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	case uint:
		return int64(n), n <= math.MaxInt64
	case uint64:
		return int64(n), n <= math.MaxInt64
	}
	return 0, false
}

// Check adds a rule that spans several keys, such as "a requires b". It runs
// in Parse after every key has been parsed and validated, and is skipped if
// it reads a key that failed, so that one mistake is reported once. Name the
// key of each problem with [KeyError]; problems are sorted with the others.
// As for validators, a check must not put a [Password.Value] in an error.
func (d *ConfigDef) Check(fn func(c *Config) []error) *ConfigDef {
	d.checks = append(d.checks, fn)
	return d
}

// RequiredWhen makes key required when cond holds, the most common
// dependency between keys. A key counts as missing when it has no value or
// an empty string, list or password. reason completes the message
// "required when ...", such as `auth.mode is "static"`.
func (d *ConfigDef) RequiredWhen(key string, cond func(c *Config) bool, reason string) *ConfigDef {
	return d.Check(func(c *Config) []error {
		// Read key first, so that an undefined key panics on every Parse.
		if v := c.Get(key); !cond(c) || !isEmptyValue(v) {
			return nil
		}
		return []error{KeyError(key, "required when "+reason)}
	})
}

func isEmptyValue(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []string:
		return len(v) == 0
	case Password:
		return v.Value() == ""
	}
	return false
}

// Merge returns a new definition with the keys and checks of d followed by
// those of others, such as a connector's own keys after the runtime's
// common ones. It panics if a name is defined twice.
func (d *ConfigDef) Merge(others ...*ConfigDef) *ConfigDef {
	m := NewConfigDef()
	for _, src := range append([]*ConfigDef{d}, others...) {
		for _, k := range src.keys {
			m.add(k)
		}
		m.checks = append(m.checks, src.checks...)
	}
	return m
}

// Keys returns the keys in definition order, with their Defaults as given
// to Define.
func (d *ConfigDef) Keys() []ConfigKey {
	out := make([]ConfigKey, len(d.keys))
	for i, k := range d.keys {
		out[i] = k.ConfigKey
		out[i].Dependents = slices.Clone(k.Dependents)
	}
	return out
}

// Key returns the definition of the named key.
func (d *ConfigDef) Key(name string) (ConfigKey, bool) {
	i, ok := d.index[name]
	if !ok {
		return ConfigKey{}, false
	}
	k := d.keys[i].ConfigKey
	k.Dependents = slices.Clone(k.Dependents)
	return k, true
}

// Names returns the key names in definition order.
func (d *ConfigDef) Names() []string {
	out := make([]string, len(d.keys))
	for i, k := range d.keys {
		out[i] = k.Name
	}
	return out
}

// Parse parses props, as read from a .properties file or a REST request,
// against the definition. Keys that are not defined are kept for
// [Config.Originals], [Config.WithPrefix] and [Config.Unused].
//
// Parse does not stop at the first mistake: the error is a [*ConfigError]
// listing every missing key, unparsable value, validator failure and
// [ConfigDef.Check] failure, so that users fix their configuration in one go.
func (d *ConfigDef) Parse(props map[string]string) (*Config, error) {
	st := &configState{
		types:     make(map[string]ConfigType, len(d.keys)),
		values:    make(map[string]any, len(d.keys)),
		originals: maps.Clone(props),
		used:      map[string]bool{},
		failed:    map[string]bool{},
	}
	if st.originals == nil {
		st.originals = map[string]string{}
	}
	var problems []ConfigProblem
	for _, k := range d.keys {
		st.types[k.Name] = k.Type
		v, p := d.parseKey(k, props)
		if p != nil {
			problems = append(problems, *p)
			st.failed[k.Name] = true
			continue
		}
		st.values[k.Name] = v
	}
	c := &Config{st: &st}
	for _, check := range d.checks {
		for _, err := range runCheck(check, c) {
			problems = appendProblems(problems, "", err)
		}
	}
	st.failed = nil
	if len(problems) > 0 {
		// Secrets are masked by key, not by searching messages for their
		// text: a PASSWORD value reaches validators and checks only as a
		// Password, which prints as [hidden], and parseValue never quotes
		// one, so no message holds a secret unless code called
		// Password.Value to put it there, which validators and checks must
		// not do.
		d.sortProblems(problems)
		return nil, &ConfigError{Problems: problems}
	}
	return c, nil
}

func (d *ConfigDef) parseKey(k definedKey, props map[string]string) (any, *ConfigProblem) {
	var v any
	if raw, ok := props[k.Name]; ok {
		pv, err := parseValue(k.Type, raw)
		if err != nil {
			return nil, &ConfigProblem{Key: k.Name, Message: err.Error()}
		}
		v = pv
	} else if k.required {
		return nil, &ConfigProblem{Key: k.Name, Message: "missing required configuration, which has no default value"}
	} else {
		v = k.def
	}
	if v != nil && k.Validator != nil {
		if err := k.Validator.Validate(k.Name, v); err != nil {
			p := problemOf(k.Name, err)
			return nil, &p
		}
	}
	return v, nil
}

// skipCheck is the panic with which an accessor stops a check that reads a
// key that failed to parse.
type skipCheck struct{}

func runCheck(fn func(c *Config) []error, c *Config) (errs []error) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(skipCheck); !ok {
				panic(r)
			}
			errs = nil
		}
	}()
	return fn(c)
}

func appendProblems(ps []ConfigProblem, key string, err error) []ConfigProblem {
	if err == nil {
		return ps
	}
	var ce *ConfigError
	if errors.As(err, &ce) {
		return append(ps, ce.Problems...)
	}
	return append(ps, problemOf(key, err))
}

func problemOf(key string, err error) ConfigProblem {
	var p ConfigProblem
	if errors.As(err, &p) {
		if p.Key == "" {
			p.Key = key
		}
		return p
	}
	return ConfigProblem{Key: key, Message: err.Error()}
}

// sortProblems orders problems by definition order of their keys, so that
// the error reads like the docs; problems of other keys come last.
func (d *ConfigDef) sortProblems(ps []ConfigProblem) {
	rank := func(key string) int {
		if i, ok := d.index[key]; ok {
			return i
		}
		return len(d.keys)
	}
	sort.SliceStable(ps, func(i, j int) bool { return rank(ps[i].Key) < rank(ps[j].Key) })
}

// parseValue parses a property value the way Kafka's ConfigDef does. Its
// errors never quote a password.
func parseValue(t ConfigType, raw string) (any, error) {
	s := kafkaTrim(raw)
	switch t {
	case ConfigBoolean:
		switch {
		case strings.EqualFold(s, "true"):
			return true, nil
		case strings.EqualFold(s, "false"):
			return false, nil
		}
		return nil, fmt.Errorf("invalid value %q: expected true or false", raw)
	case ConfigString, ConfigClass:
		return s, nil
	case ConfigPassword:
		// Kafka trims passwords too; Config.Raw has the untrimmed value.
		return NewPassword(s), nil
	case ConfigInt:
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nil, numberError(raw, t, err)
		}
		return int(n), nil
	case ConfigLong:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, numberError(raw, t, err)
		}
		return n, nil
	case ConfigDouble:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, numberError(raw, t, err)
		}
		return f, nil
	case ConfigList:
		if s == "" {
			return []string{}, nil
		}
		l := strings.Split(s, ",")
		for i := range l {
			l[i] = strings.Trim(l[i], " \t\n\v\f\r")
		}
		return l, nil
	case ConfigDuration:
		return parseDuration(raw, s)
	}
	return nil, fmt.Errorf("unknown type %d", t)
}

func numberError(raw string, t ConfigType, err error) error {
	if errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("invalid value %q: out of range for type %s", raw, t)
	}
	return fmt.Errorf("invalid value %q: not a number of type %s", raw, t)
}

// parseDuration reads Kafka's integer milliseconds, or Go's duration syntax
// for users who prefer "30s" to "30000".
func parseDuration(raw, s string) (any, error) {
	ms, err := strconv.ParseInt(s, 10, 64)
	if err == nil {
		if ms > math.MaxInt64/int64(time.Millisecond) || ms < math.MinInt64/int64(time.Millisecond) {
			return nil, fmt.Errorf("invalid value %q: out of range for a duration", raw)
		}
		return time.Duration(ms) * time.Millisecond, nil
	}
	if errors.Is(err, strconv.ErrRange) {
		return nil, fmt.Errorf("invalid value %q: out of range for a duration", raw)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return nil, fmt.Errorf("invalid value %q: expected a number of milliseconds or a duration such as \"5s\"", raw)
	}
	return d, nil
}

// kafkaTrim trims like Java's String.trim, which Kafka applies to values:
// every character up to and including the space.
func kafkaTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

// ConfigProblem is one mistake in a configuration. It is also an error, so
// that a validator or check can name the key its problem belongs to.
type ConfigProblem struct {
	Key     string
	Message string
}

// Error returns "key: message".
func (p ConfigProblem) Error() string {
	if p.Key == "" {
		return p.Message
	}
	return p.Key + ": " + p.Message
}

// KeyError returns an error about key, for validators and checks: Parse
// files it under that key instead of repeating the key in the message.
func KeyError(key, msg string) error { return ConfigProblem{Key: key, Message: msg} }

// ConfigError is the error of [ConfigDef.Parse]: every problem found, in
// definition order of their keys.
type ConfigError struct {
	Problems []ConfigProblem
}

// Error lists every problem on one line, so that a log line holds them all.
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("invalid configuration: ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap returns the problems, so that errors.As finds a [ConfigProblem].
func (e *ConfigError) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}

// Config is a parsed configuration. Reading a key that is not defined, or
// with the accessor of another type, is a programmer error and panics, as
// Kafka's AbstractConfig throws. A Config is safe for concurrent use.
//
// fmt and log/slog print a Config as its defined keys and values, sorted by
// name, with passwords hidden.
type Config struct {
	// st sits behind two pointers because fmt shows what one pointer
	// points to; printing a struct that holds a Config must not show the
	// original values.
	st **configState
}

func (c *Config) state() *configState { return *c.st }

type configState struct {
	types     map[string]ConfigType
	values    map[string]any // by defined key; nil for no value
	originals map[string]string
	failed    map[string]bool // while checks run: keys that failed to parse

	mu   sync.Mutex
	used map[string]bool // undefined keys read through WithPrefix or Raw
}

func (c *Config) value(name string, want ConfigType) any {
	t, ok := c.state().types[name]
	if !ok {
		panic(fmt.Sprintf("connect: config key %q is not defined", name))
	}
	if want != 0 && t != want {
		panic(fmt.Sprintf("connect: config key %q is a %s, not a %s", name, t, want))
	}
	if c.state().failed[name] {
		panic(skipCheck{})
	}
	return c.state().values[name]
}

// String returns a ConfigString value.
func (c *Config) String(name string) string {
	v, _ := c.value(name, ConfigString).(string)
	return v
}

// Int returns a ConfigInt value.
func (c *Config) Int(name string) int {
	v, _ := c.value(name, ConfigInt).(int)
	return v
}

// Long returns a ConfigLong value.
func (c *Config) Long(name string) int64 {
	v, _ := c.value(name, ConfigLong).(int64)
	return v
}

// Double returns a ConfigDouble value.
func (c *Config) Double(name string) float64 {
	v, _ := c.value(name, ConfigDouble).(float64)
	return v
}

// Bool returns a ConfigBoolean value.
func (c *Config) Bool(name string) bool {
	v, _ := c.value(name, ConfigBoolean).(bool)
	return v
}

// List returns a copy of a ConfigList value: nil if it has no value, empty
// if it was set to "".
func (c *Config) List(name string) []string {
	v, _ := c.value(name, ConfigList).([]string)
	return slices.Clone(v)
}

// Password returns a ConfigPassword value.
func (c *Config) Password(name string) Password {
	v, _ := c.value(name, ConfigPassword).(Password)
	return v
}

// Class returns a ConfigClass value: the class name or alias as written,
// for the caller to look up in its own registry.
func (c *Config) Class(name string) string {
	v, _ := c.value(name, ConfigClass).(string)
	return v
}

// Duration returns a ConfigDuration value.
func (c *Config) Duration(name string) time.Duration {
	v, _ := c.value(name, ConfigDuration).(time.Duration)
	return v
}

// Get returns the value of any defined key with its Go type (see
// [ConfigType]), or nil if it has no value; for code that handles keys
// generically.
func (c *Config) Get(name string) any {
	v := c.value(name, 0)
	if l, ok := v.([]string); ok {
		return slices.Clone(l)
	}
	return v
}

// Originals returns a copy of the properties given to Parse, including the
// keys that are not defined.
func (c *Config) Originals() map[string]string { return maps.Clone(c.state().originals) }

// WithPrefix returns the original properties whose key starts with prefix,
// without the prefix if strip is true, such as the "producer.override."
// keys passed on to a client. They count as used for [Config.Unused].
func (c *Config) WithPrefix(prefix string, strip bool) map[string]string {
	out := map[string]string{}
	c.state().mu.Lock()
	defer c.state().mu.Unlock()
	for k, v := range c.state().originals {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		c.state().used[k] = true
		if strip {
			k = k[len(prefix):]
		}
		out[k] = v
	}
	return out
}

// Raw returns a property exactly as given to Parse, untrimmed, and counts
// it as used for [Config.Unused]; for keys passed through undefined, or
// whose surrounding whitespace matters.
func (c *Config) Raw(name string) (string, bool) {
	v, ok := c.state().originals[name]
	if ok {
		c.state().mu.Lock()
		c.state().used[name] = true
		c.state().mu.Unlock()
	}
	return v, ok
}

// Unused returns, sorted, the properties that are neither defined nor read
// through [Config.WithPrefix] or [Config.Raw]: likely typos, which callers
// log once as "supplied but isn't a known config".
func (c *Config) Unused() []string {
	c.state().mu.Lock()
	defer c.state().mu.Unlock()
	var out []string
	for k := range c.state().originals {
		if _, defined := c.state().types[k]; !defined && !c.state().used[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Format prints the defined keys and their values, sorted by name, with
// passwords hidden, for every verb. Config cannot be a fmt.Stringer, since
// its String method reads a key.
func (c *Config) Format(f fmt.State, _ rune) {
	if c == nil || c.st == nil || *c.st == nil {
		_, _ = io.WriteString(f, "<nil>") // Format cannot report errors
		return
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, name := range c.sortedNames() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(formatValue(c.state().values[name]))
	}
	b.WriteByte('}')
	_, _ = io.WriteString(f, b.String())
}

// LogValue logs the defined keys and their values, with passwords hidden.
func (c *Config) LogValue() slog.Value {
	if c == nil || c.st == nil || *c.st == nil {
		return slog.StringValue("<nil>")
	}
	names := c.sortedNames()
	attrs := make([]slog.Attr, 0, len(names))
	for _, name := range names {
		switch v := c.state().values[name].(type) {
		case Password:
			attrs = append(attrs, slog.String(name, hidden))
		default:
			attrs = append(attrs, slog.Any(name, v))
		}
	}
	return slog.GroupValue(attrs...)
}

func (c *Config) sortedNames() []string {
	return slices.Sorted(maps.Keys(c.state().types))
}

// formatValue prints a value for Config's Format, in Go's syntax.
func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(v)
	case []string:
		return fmt.Sprintf("%q", v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

const hidden = "[hidden]"

// Password is a secret, such as a ConfigPassword value. Every way of
// printing or encoding it (fmt, log/slog, encoding/json) shows "[hidden]";
// only [Password.Value] returns the secret. Compare Values, not Passwords.
type Password struct {
	// secret sits behind a pointer so that printing a struct that holds a
	// Password in an unexported field shows an address, not the secret.
	secret *string
}

// NewPassword returns a Password holding s, for defaults and tests.
func NewPassword(s string) Password { return Password{secret: &s} }

// Value returns the secret.
func (p Password) Value() string {
	if p.secret == nil {
		return ""
	}
	return *p.secret
}

// String returns "[hidden]".
func (p Password) String() string { return hidden }

// GoString returns "[hidden]", so that %#v does not show the secret.
func (p Password) GoString() string { return hidden }

// Format prints "[hidden]" for every verb, including %x and %q.
func (p Password) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, hidden) }

// LogValue logs "[hidden]".
func (p Password) LogValue() slog.Value { return slog.StringValue(hidden) }

// MarshalJSON encodes "[hidden]", so that a Password in a REST response or
// a logged struct stays secret.
func (p Password) MarshalJSON() ([]byte, error) { return []byte(`"` + hidden + `"`), nil }

// JoinConfigErrors merges the problems of several validations (a runtime's
// and a connector's, say) into one [*ConfigError], so that a user sees every
// problem at once. A [*ConfigError] contributes its problems, a
// [ConfigProblem] itself, and any other error a problem without a key. It
// returns nil when all errs are nil.
func JoinConfigErrors(errs ...error) error {
	var out ConfigError
	seen := map[ConfigProblem]bool{}
	add := func(p ConfigProblem) {
		if !seen[p] {
			seen[p] = true
			out.Problems = append(out.Problems, p)
		}
	}
	for _, err := range errs {
		var ce *ConfigError
		var cp ConfigProblem
		switch {
		case err == nil:
		// Only a ConfigError or ConfigProblem itself is flattened: one
		// wrapped with context keeps that context as a problem of its own.
		case errors.As(err, &ce) && error(ce) == err: //nolint:errorlint // identity, not equality, is meant
			for _, p := range ce.Problems {
				add(p)
			}
		case errors.As(err, &cp) && error(cp) == err: //nolint:errorlint // as above
			add(cp)
		default:
			add(ConfigProblem{Message: err.Error()})
		}
	}
	if len(out.Problems) == 0 {
		return nil
	}
	return &out
}
