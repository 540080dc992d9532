package connect

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// parseOne defines one key of type t and parses raw for it.
func parseOne(t *testing.T, typ ConfigType, raw string) (any, error) {
	t.Helper()
	def := NewConfigDef().Define(ConfigKey{Name: "k", Type: typ, Default: NullDefault})
	c, err := def.Parse(map[string]string{"k": raw})
	if err != nil {
		return nil, err
	}
	return c.Get("k"), nil
}

func TestParseTypes(t *testing.T) {
	tests := []struct {
		name    string
		typ     ConfigType
		raw     string
		want    any
		wantErr string // substring; the key must be named too
	}{
		{"bool true", ConfigBoolean, "true", true, ""},
		{"bool any case and spaces", ConfigBoolean, " TRUE\t", true, ""},
		{"bool false", ConfigBoolean, "False", false, ""},
		{"bool yes", ConfigBoolean, "yes", nil, `invalid value "yes": expected true or false`},
		{"bool empty", ConfigBoolean, "", nil, "expected true or false"},

		{"string trimmed", ConfigString, "  a b \n", "a b", ""},
		{"string empty", ConfigString, "", "", ""},

		{"int", ConfigInt, "42", 42, ""},
		{"int spaces and sign", ConfigInt, " -7 ", -7, ""},
		{"int plus sign", ConfigInt, "+5", 5, ""},
		{"int max", ConfigInt, "2147483647", 2147483647, ""},
		{"int min", ConfigInt, "-2147483648", -2147483648, ""},
		{"int overflow", ConfigInt, "2147483648", nil, `invalid value "2147483648": out of range for type int`},
		{"int underflow", ConfigInt, "-2147483649", nil, "out of range for type int"},
		{"int not a number", ConfigInt, "12abc", nil, `invalid value "12abc": not a number of type int`},
		{"int fraction", ConfigInt, "1.5", nil, "not a number of type int"},
		{"int empty", ConfigInt, "", nil, "not a number of type int"},

		{"long", ConfigLong, " 9223372036854775807 ", int64(9223372036854775807), ""},
		{"long overflow", ConfigLong, "9223372036854775808", nil, "out of range for type long"},
		{"long not a number", ConfigLong, "ten", nil, "not a number of type long"},

		{"double", ConfigDouble, "1.5", 1.5, ""},
		{"double integer", ConfigDouble, " 2 ", 2.0, ""},
		{"double exponent", ConfigDouble, "1e3", 1000.0, ""},
		{"double bad", ConfigDouble, "1,5", nil, "not a number of type double"},
		{"double overflow", ConfigDouble, "1e400", nil, "out of range for type double"},

		{"list", ConfigList, "a,b", []string{"a", "b"}, ""},
		{"list elements trimmed", ConfigList, " a , b\t,c ", []string{"a", "b", "c"}, ""},
		{"list empty", ConfigList, "", []string{}, ""},
		{"list blank", ConfigList, "   ", []string{}, ""},
		{"list keeps empty elements", ConfigList, "a,,b", []string{"a", "", "b"}, ""},
		{"list one", ConfigList, "a", []string{"a"}, ""},

		{"password trimmed like Kafka", ConfigPassword, " s3cret ", NewPassword("s3cret"), ""},

		{"class trimmed", ConfigClass, " com.example.Foo\n", "com.example.Foo", ""},

		{"duration ms", ConfigDuration, "60000", time.Minute, ""},
		{"duration spaces", ConfigDuration, " 250 ", 250 * time.Millisecond, ""},
		{"duration negative disables", ConfigDuration, "-1", -time.Millisecond, ""},
		{"duration Go syntax", ConfigDuration, "1m30s", 90 * time.Second, ""},
		{"duration bad", ConfigDuration, "5 sec", nil, `invalid value "5 sec": expected a number of milliseconds or a duration such as "5s"`},
		{"duration no unit fraction", ConfigDuration, "1.5", nil, "expected a number of milliseconds"},
		{"duration overflow", ConfigDuration, "9223372036854775807", nil, "out of range for a duration"},
		{"duration empty", ConfigDuration, "", nil, "expected a number of milliseconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseOne(t, tt.typ, tt.raw)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "k: invalid value", "the key is named")
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestAccessors(t *testing.T) {
	def := NewConfigDef().Define(
		ConfigKey{Name: "b", Type: ConfigBoolean, Default: true},
		ConfigKey{Name: "s", Type: ConfigString, Default: "x"},
		ConfigKey{Name: "i", Type: ConfigInt, Default: 1},
		ConfigKey{Name: "l", Type: ConfigLong, Default: int64(2)},
		ConfigKey{Name: "d", Type: ConfigDouble, Default: 0.5},
		ConfigKey{Name: "li", Type: ConfigList, Default: []string{"a"}},
		ConfigKey{Name: "p", Type: ConfigPassword, Default: NullDefault},
		ConfigKey{Name: "c", Type: ConfigClass, Default: "Foo"},
		ConfigKey{Name: "du", Type: ConfigDuration, Default: time.Second},
	)
	c, err := def.Parse(map[string]string{
		"b": "false", "s": "y", "i": "3", "l": "4", "d": "1.25",
		"li": "c,d", "p": "pw", "c": "Bar", "du": "2000",
	})
	require.NoError(t, err)
	assert.False(t, c.Bool("b"))
	assert.Equal(t, "y", c.String("s"))
	assert.Equal(t, 3, c.Int("i"))
	assert.Equal(t, int64(4), c.Long("l"))
	assert.Equal(t, 1.25, c.Double("d"))
	assert.Equal(t, []string{"c", "d"}, c.List("li"))
	assert.Equal(t, "pw", c.Password("p").Value())
	assert.Equal(t, "Bar", c.Class("c"))
	assert.Equal(t, 2*time.Second, c.Duration("du"))

	// A caller changing a returned list must not change the Config.
	c.List("li")[0] = "changed"
	c.Get("li").([]string)[0] = "changed"
	assert.Equal(t, []string{"c", "d"}, c.List("li"))
}

func TestDefaults(t *testing.T) {
	tests := []struct {
		name string
		key  ConfigKey
		want any
	}{
		{"bool", ConfigKey{Type: ConfigBoolean, Default: true}, true},
		{"bool string", ConfigKey{Type: ConfigBoolean, Default: "TRUE"}, true},
		{"string", ConfigKey{Type: ConfigString, Default: "x"}, "x"},
		{"string trimmed like Kafka", ConfigKey{Type: ConfigString, Default: " x "}, "x"},
		{"int", ConfigKey{Type: ConfigInt, Default: 5}, 5},
		{"int from int64", ConfigKey{Type: ConfigInt, Default: int64(5)}, 5},
		{"int string", ConfigKey{Type: ConfigInt, Default: "5"}, 5},
		{"long from int", ConfigKey{Type: ConfigLong, Default: 5}, int64(5)},
		{"long string", ConfigKey{Type: ConfigLong, Default: "-1"}, int64(-1)},
		{"double", ConfigKey{Type: ConfigDouble, Default: 0.5}, 0.5},
		{"double from int", ConfigKey{Type: ConfigDouble, Default: 2}, 2.0},
		{"list", ConfigKey{Type: ConfigList, Default: []string{"a", "b"}}, []string{"a", "b"}},
		{"list nil", ConfigKey{Type: ConfigList, Default: []string(nil)}, []string{}},
		{"list string", ConfigKey{Type: ConfigList, Default: "a, b"}, []string{"a", "b"}},
		{"list empty string", ConfigKey{Type: ConfigList, Default: ""}, []string{}},
		{"password string", ConfigKey{Type: ConfigPassword, Default: "pw"}, NewPassword("pw")},
		{"password", ConfigKey{Type: ConfigPassword, Default: NewPassword("pw")}, NewPassword("pw")},
		{"class", ConfigKey{Type: ConfigClass, Default: "Foo"}, "Foo"},
		{"duration", ConfigKey{Type: ConfigDuration, Default: time.Minute}, time.Minute},
		{"duration ms string", ConfigKey{Type: ConfigDuration, Default: "60000"}, time.Minute},
		{"duration Go string", ConfigKey{Type: ConfigDuration, Default: "1m"}, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.key.Name = "k"
			c, err := NewConfigDef().Define(tt.key).Parse(nil)
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.Get("k"))
		})
	}
}

func TestNullDefault(t *testing.T) {
	def := NewConfigDef()
	for i := ConfigBoolean; i <= ConfigDuration; i++ {
		def.Define(ConfigKey{Name: i.String(), Type: i, Default: NullDefault})
	}
	c, err := def.Parse(nil)
	require.NoError(t, err)
	for _, name := range def.Names() {
		assert.Nil(t, c.Get(name), name)
	}
	assert.False(t, c.Bool("boolean"))
	assert.Equal(t, "", c.String("string"))
	assert.Equal(t, 0, c.Int("int"))
	assert.Equal(t, int64(0), c.Long("long"))
	assert.Equal(t, 0.0, c.Double("double"))
	assert.Nil(t, c.List("list"))
	assert.Equal(t, Password{}, c.Password("password"))
	assert.Equal(t, "", c.Password("password").Value())
	assert.Equal(t, "", c.Class("class"))
	assert.Equal(t, time.Duration(0), c.Duration("long (ms)"))
}

func TestDefinePanics(t *testing.T) {
	tests := []struct {
		name string
		keys []ConfigKey
		want string
	}{
		{"duplicate", []ConfigKey{
			{Name: "a", Type: ConfigInt, Default: 1},
			{Name: "a", Type: ConfigString, Default: ""},
		}, `"a": defined twice`},
		{"empty name", []ConfigKey{{Type: ConfigInt}}, "empty name"},
		{"no type", []ConfigKey{{Name: "a"}}, "unknown type 0"},
		{"bad type", []ConfigKey{{Name: "a", Type: 42}}, "unknown type 42"},
		{"bad importance", []ConfigKey{{Name: "a", Type: ConfigInt, Importance: 9}}, "unknown importance 9"},
		{"unparsable default", []ConfigKey{{Name: "a", Type: ConfigInt, Default: "ten"}}, `default: invalid value "ten"`},
		{"wrong Go type", []ConfigKey{{Name: "a", Type: ConfigInt, Default: 1.5}}, "a float64 cannot be the default of a int key"},
		{"int default overflow", []ConfigKey{{Name: "a", Type: ConfigInt, Default: int64(1) << 40}}, "out of range for type int"},
		{"integer duration", []ConfigKey{{Name: "a", Type: ConfigDuration, Default: 1000}}, "use a time.Duration"},
		{"string default for bool", []ConfigKey{{Name: "a", Type: ConfigBoolean, Default: "yes"}}, "expected true or false"},
		{"default fails validator", []ConfigKey{{Name: "a", Type: ConfigInt, Default: 0, Validator: AtLeast(1)}}, "default is not valid: a: invalid value 0: must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				require.NotNil(t, r, "Define did not panic")
				assert.Contains(t, fmt.Sprint(r), tt.want)
			}()
			NewConfigDef().Define(tt.keys...)
		})
	}
}

func TestParseRequired(t *testing.T) {
	def := NewConfigDef().Define(
		ConfigKey{Name: "topics", Type: ConfigList},
		ConfigKey{Name: "opt", Type: ConfigString, Default: NullDefault},
	)
	_, err := def.Parse(map[string]string{"opt": "x"})
	var ce *ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []ConfigProblem{{Key: "topics", Message: "missing required configuration, which has no default value"}}, ce.Problems)

	// An empty value is a value: Kafka parses it rather than calling it missing.
	c, err := def.Parse(map[string]string{"topics": ""})
	require.NoError(t, err)
	assert.Equal(t, []string{}, c.List("topics"))
}

func TestParseReportsEveryProblem(t *testing.T) {
	def := NewConfigDef().Define(
		ConfigKey{Name: "name", Type: ConfigString},
		ConfigKey{Name: "port", Type: ConfigInt, Default: 80, Validator: Between(1, 65535)},
		ConfigKey{Name: "mode", Type: ConfigString, Default: "a", Validator: OneOf("a", "b", "c")},
		ConfigKey{Name: "retries", Type: ConfigInt, Default: 3},
		ConfigKey{Name: "topics", Type: ConfigList},
		ConfigKey{Name: "fine", Type: ConfigBoolean, Default: false},
	).Check(func(c *Config) []error {
		return []error{errors.New("a problem without a key"), KeyError("name", "checked last but sorted first")}
	})
	_, err := def.Parse(map[string]string{
		"retries": "many",
		"mode":    "d",
		"port":    "70000",
		"fine":    "true",
		"other":   "kept",
	})
	var ce *ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []ConfigProblem{
		{Key: "name", Message: "missing required configuration, which has no default value"},
		{Key: "name", Message: "checked last but sorted first"},
		{Key: "port", Message: "invalid value 70000: must be between 1 and 65535"},
		{Key: "mode", Message: `invalid value "d": must be one of [a b c]`},
		{Key: "retries", Message: `invalid value "many": not a number of type int`},
		{Key: "topics", Message: "missing required configuration, which has no default value"},
		{Key: "", Message: "a problem without a key"},
	}, ce.Problems)
	assert.Equal(t, "invalid configuration: "+
		"name: missing required configuration, which has no default value; "+
		"name: checked last but sorted first; "+
		"port: invalid value 70000: must be between 1 and 65535; "+
		`mode: invalid value "d": must be one of [a b c]; `+
		`retries: invalid value "many": not a number of type int; `+
		"topics: missing required configuration, which has no default value; "+
		"a problem without a key", err.Error())

	var p ConfigProblem
	require.ErrorAs(t, err, &p)
	assert.Equal(t, "name", p.Key)
}

func TestValidators(t *testing.T) {
	tests := []struct {
		name    string
		v       Validator
		value   any
		wantErr string // the whole message; "" for valid
	}{
		{"at least ok", AtLeast(1), 1, ""},
		{"at least low", AtLeast(1), 0, "k: invalid value 0: must be at least 1"},
		{"at least long", AtLeast(0), int64(-5), "k: invalid value -5: must be at least 0"},
		{"at least double", AtLeast(0.5), 0.25, "k: invalid value 0.25: must be at least 0.5"},
		{"at least int bound on double", AtLeast(1), 1.5, ""},
		{"at least float bound on int", AtLeast(0.5), 0, "k: invalid value 0: must be at least 0.5"},
		{"at least duration", AtLeast(time.Second), 500 * time.Millisecond, "k: invalid value 500ms: must be at least 1s"},
		{"at least duration ok", AtLeast(time.Second), time.Second, ""},
		{"at least big long", AtLeast(int64(1) << 62), int64(1)<<62 - 1, "must be at least 4611686018427387904"},
		{"at least int bound on duration", AtLeast(1), time.Second, "k: validator [1,...] needs bounds of the same kind as a time.Duration value"},
		{"at least on string", AtLeast(1), "5", "k: validator [1,...] cannot check a value of type string"},
		{"between ok", Between(1, 10), 10, ""},
		{"between low", Between(1, 10), 0, "k: invalid value 0: must be between 1 and 10"},
		{"between high", Between(1, 10), int64(11), "k: invalid value 11: must be between 1 and 10"},
		{"between durations", Between(time.Second, time.Minute), 2 * time.Minute, "k: invalid value 2m0s: must be between 1s and 1m0s"},
		{"between doubles", Between(0.0, 1.0), 1.5, "k: invalid value 1.5: must be between 0 and 1"},

		{"one of ok", OneOf("a", "b"), "b", ""},
		{"one of bad", OneOf("a", "b", "c"), "A", `k: invalid value "A": must be one of [a b c]`},
		{"one of class", OneOf("Foo"), "Foo", ""},
		{"one of list ok", OneOf("a", "b"), []string{"b", "a"}, ""},
		{"one of list bad", OneOf("a", "b"), []string{"a", "x"}, `k: invalid element "x": must be one of [a b]`},
		{"one of on int", OneOf("1"), 1, "k: validator [1] cannot check a value of type int"},
		{"one of ignore case ok", OneOfIgnoreCase("none", "all"), "ALL", ""},
		{"one of ignore case bad", OneOfIgnoreCase("none", "all"), "some", `k: invalid value "some": must be one of [none all] (case-insensitive)`},
		{"one of ignore case list", OneOfIgnoreCase("a"), []string{"A", "b"}, `k: invalid element "b"`},

		{"non-empty ok", NonEmpty(), "x", ""},
		{"non-empty blank", NonEmpty(), " \t", "k: must not be empty"},
		{"non-empty password", NonEmpty(), NewPassword(""), "k: must not be empty"},
		{"non-empty password ok", NonEmpty(), NewPassword("x"), ""},
		{"non-empty list", NonEmpty(), []string{}, "k: must not be an empty list"},
		{"non-empty list ok", NonEmpty(), []string{""}, ""},
		{"non-empty on int", NonEmpty(), 0, "cannot check a value of type int"},

		{"regex ok", MatchesRegex(`[a-z]+`), "abc", ""},
		{"regex whole value", MatchesRegex(`[a-z]+`), "abc1", `k: invalid value "abc1": must match [a-z]+`},
		{"regex alternatives anchored", MatchesRegex(`a|b`), "ab", `k: invalid value "ab": must match a|b`},
		{"regex list", MatchesRegex(`\d+`), []string{"1", "x"}, `k: invalid element "x": must match \d+`},
		{"regex password hides value", MatchesRegex(`\d+`), NewPassword("letters"), `k: invalid value: must match \d+`},

		{"list size ok", ListSize(1, 2), []string{"a", "b"}, ""},
		{"list size small", ListSize(1, 2), []string{}, `k: invalid value []: must have 1 to 2 elements`},
		{"list size big", ListSize(1, 2), []string{"a", "b", "c"}, `k: invalid value ["a" "b" "c"]: must have 1 to 2 elements`},
		{"list size unbounded", ListSize(2, -1), []string{"a"}, "must have at least 2 elements"},
		{"list size exact", ListSize(1, 1), []string{"a", "b"}, "must have exactly 1 element"},
		{"list size on string", ListSize(1, 1), "a", "cannot check a value of type string"},

		{"all of ok", AllOf(NonEmpty(), OneOf("a")), "a", ""},
		{"all of first failure", AllOf(NonEmpty(), OneOf("a")), "", "k: must not be empty"},
		{"all of second failure", AllOf(nil, NonEmpty(), OneOf("a")), "b", `k: invalid value "b": must be one of [a]`},

		{"func ok", ValidatorFunc(func(string, any) error { return nil }), 1, ""},
		{"func error", ValidatorFunc(func(key string, v any) error {
			if v.(int)%2 != 0 {
				return KeyError(key, "must be even")
			}
			return nil
		}), 3, "k: must be even"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.v.Validate("k", tt.value)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestValidatorStrings(t *testing.T) {
	tests := []struct {
		v    Validator
		want string
	}{
		{AtLeast(1), "[1,...]"},
		{AtLeast(0.5), "[0.5,...]"},
		{AtLeast(time.Second), "[1000,...]"},
		{Between(1, 65535), "[1,...,65535]"},
		{Between(time.Millisecond, time.Hour), "[1,...,3600000]"},
		{OneOf("none", "all"), "[none, all]"},
		{OneOfIgnoreCase("none", "all"), "[none, all]"},
		{NonEmpty(), "non-empty"},
		{MatchesRegex(`[a-z]+`), "matches [a-z]+"},
		{ListSize(1, 5), "list of 1 to 5 elements"},
		{ListSize(1, -1), "list of at least 1 element"}, {ListSize(2, 2), "list of exactly 2 elements"},
		{AllOf(NonEmpty(), ValidatorFunc(func(string, any) error { return nil }), OneOf("a")), "non-empty, [a]"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			s, ok := tt.v.(fmt.Stringer)
			require.True(t, ok)
			assert.Equal(t, tt.want, s.String())
		})
	}
}

func TestValidatorConstructorsPanic(t *testing.T) {
	assert.Panics(t, func() { Between(2, 1) })
	assert.Panics(t, func() { ListSize(-1, 2) })
	assert.Panics(t, func() { ListSize(3, 2) })
	assert.Panics(t, func() { MatchesRegex(`(`) })
}

func TestValidatorSkipsNoValue(t *testing.T) {
	def := NewConfigDef().Define(ConfigKey{Name: "k", Type: ConfigString, Default: NullDefault, Validator: NonEmpty()})
	_, err := def.Parse(nil)
	assert.NoError(t, err, "a key with no value has nothing to validate")
	_, err = def.Parse(map[string]string{"k": " "})
	assert.EqualError(t, err, "invalid configuration: k: must not be empty")
}

func TestCheck(t *testing.T) {
	def := NewConfigDef().Define(
		ConfigKey{Name: "min", Type: ConfigInt, Default: 0},
		ConfigKey{Name: "max", Type: ConfigInt, Default: 10},
		ConfigKey{Name: "unrelated", Type: ConfigInt, Default: 0},
	)
	var ran int
	def.Check(func(c *Config) []error {
		lo, hi := c.Int("min"), c.Int("max")
		ran++
		if lo > hi {
			return []error{KeyError("min", fmt.Sprintf("must not exceed max (%d)", c.Int("max")))}
		}
		return nil
	})

	tests := []struct {
		name    string
		props   map[string]string
		wantErr string
		wantRan int
	}{
		{"valid", map[string]string{"min": "1"}, "", 1},
		{"fails", map[string]string{"min": "11"}, "invalid configuration: min: must not exceed max (10)", 1},
		{"skipped when a key it reads failed", map[string]string{"max": "x"}, `invalid configuration: max: invalid value "x": not a number of type int`, 0},
		{"runs when an unrelated key failed", map[string]string{"min": "11", "unrelated": "x"},
			`invalid configuration: min: must not exceed max (10); unrelated: invalid value "x": not a number of type int`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran = 0
			_, err := def.Parse(tt.props)
			if tt.wantErr == "" {
				assert.NoError(t, err)
			} else {
				assert.EqualError(t, err, tt.wantErr)
			}
			assert.Equal(t, tt.wantRan, ran)
		})
	}
}

func TestCheckFlattensConfigErrors(t *testing.T) {
	sub := NewConfigDef().Define(ConfigKey{Name: "s3.bucket", Type: ConfigString})
	def := NewConfigDef().Check(func(c *Config) []error {
		_, err := sub.Parse(c.Originals())
		return []error{err}
	})
	_, err := def.Parse(nil)
	var ce *ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []ConfigProblem{{Key: "s3.bucket", Message: "missing required configuration, which has no default value"}}, ce.Problems)
}

func TestCheckPanicsPassThrough(t *testing.T) {
	def := NewConfigDef().Check(func(c *Config) []error {
		c.Int("undefined")
		return nil
	})
	assert.PanicsWithValue(t, `connect: config key "undefined" is not defined`, func() { _, _ = def.Parse(nil) })
}

func TestRequiredWhen(t *testing.T) {
	def := NewConfigDef().Define(
		ConfigKey{Name: "auth", Type: ConfigString, Default: "none", Validator: OneOf("none", "static")},
		ConfigKey{Name: "secret", Type: ConfigPassword, Default: NullDefault},
		ConfigKey{Name: "users", Type: ConfigList, Default: ""},
	).RequiredWhen("secret", func(c *Config) bool { return c.String("auth") == "static" }, `auth is "static"`).
		RequiredWhen("users", func(c *Config) bool { return c.String("auth") == "static" }, `auth is "static"`)

	tests := []struct {
		name    string
		props   map[string]string
		wantErr string
	}{
		{"condition false", map[string]string{}, ""},
		{"condition true and set", map[string]string{"auth": "static", "secret": "pw", "users": "a"}, ""},
		{"condition true and missing", map[string]string{"auth": "static"},
			`invalid configuration: secret: required when auth is "static"; users: required when auth is "static"`},
		{"empty counts as missing", map[string]string{"auth": "static", "secret": " ", "users": "a"},
			`invalid configuration: secret: required when auth is "static"`},
		{"condition key invalid", map[string]string{"auth": "oauth"},
			`invalid configuration: auth: invalid value "oauth": must be one of [none static]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := def.Parse(tt.props)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tt.wantErr)
		})
	}
}

func TestOriginalsAndUnused(t *testing.T) {
	def := NewConfigDef().Define(ConfigKey{Name: "name", Type: ConfigString})
	props := map[string]string{
		"name":                      " n ",
		"producer.override.acks":    "all",
		"producer.override.linger":  "5",
		"consumer.override.max":     "1",
		"typo.nmae":                 "x",
		"passthrough":               "  keep spaces  ",
		"producer.overrideless.key": "y",
	}
	c, err := def.Parse(props)
	require.NoError(t, err)

	orig := c.Originals()
	assert.Equal(t, props, orig)
	orig["name"] = "changed"
	assert.Equal(t, " n ", c.Originals()["name"], "Originals returns a copy")

	assert.Equal(t, []string{
		"consumer.override.max", "passthrough", "producer.override.acks",
		"producer.override.linger", "producer.overrideless.key", "typo.nmae",
	}, c.Unused())

	assert.Equal(t, map[string]string{"acks": "all", "linger": "5"}, c.WithPrefix("producer.override.", true))
	assert.Equal(t, map[string]string{"consumer.override.max": "1"}, c.WithPrefix("consumer.override.", false))
	assert.Equal(t, map[string]string{}, c.WithPrefix("nothing.", true))

	raw, ok := c.Raw("passthrough")
	assert.True(t, ok)
	assert.Equal(t, "  keep spaces  ", raw)
	raw, ok = c.Raw("name")
	assert.True(t, ok)
	assert.Equal(t, " n ", raw)
	_, ok = c.Raw("absent")
	assert.False(t, ok)

	assert.Equal(t, []string{"producer.overrideless.key", "typo.nmae"}, c.Unused())
}

func TestAccessorPanics(t *testing.T) {
	c, err := NewConfigDef().Define(ConfigKey{Name: "n", Type: ConfigInt, Default: 1}).Parse(nil)
	require.NoError(t, err)
	assert.PanicsWithValue(t, `connect: config key "m" is not defined`, func() { c.Int("m") })
	assert.PanicsWithValue(t, `connect: config key "n" is a int, not a long`, func() { c.Long("n") })
	assert.PanicsWithValue(t, `connect: config key "n" is a int, not a string`, func() { c.String("n") })
	assert.PanicsWithValue(t, `connect: config key "m" is not defined`, func() { c.Get("m") })
}

func TestDefIntrospection(t *testing.T) {
	a := NewConfigDef().Define(
		ConfigKey{Name: "x", Type: ConfigInt, Default: 1, Dependents: []string{"y"}},
		ConfigKey{Name: "y", Type: ConfigString, Default: "s"},
	).Check(func(c *Config) []error { return []error{KeyError("x", "from a")} })
	b := NewConfigDef().Define(ConfigKey{Name: "z", Type: ConfigBoolean})

	assert.Equal(t, []string{"x", "y"}, a.Names())
	k, ok := a.Key("x")
	require.True(t, ok)
	assert.Equal(t, ConfigKey{Name: "x", Type: ConfigInt, Default: 1, Dependents: []string{"y"}}, k)
	k.Dependents[0] = "changed"
	_, ok = a.Key("z")
	assert.False(t, ok)
	keys := a.Keys()
	require.Len(t, keys, 2)
	assert.Equal(t, []string{"y"}, keys[0].Dependents, "Key returns a copy")

	m := a.Merge(b)
	assert.Equal(t, []string{"x", "y", "z"}, m.Names())
	assert.Equal(t, []string{"x", "y"}, a.Names(), "Merge leaves its inputs alone")
	_, err := m.Parse(map[string]string{})
	assert.EqualError(t, err, "invalid configuration: x: from a; z: missing required configuration, which has no default value")

	assert.PanicsWithValue(t, `connect: define config key "x": defined twice`, func() { a.Merge(a) })

	var zero ConfigDef
	zero.Define(ConfigKey{Name: "a", Type: ConfigInt, Default: 1})
	assert.Equal(t, []string{"a"}, zero.Names(), "the zero ConfigDef is usable")
}

func TestConfigFormat(t *testing.T) {
	def := NewConfigDef().Define(
		ConfigKey{Name: "s", Type: ConfigString, Default: "x"},
		ConfigKey{Name: "b", Type: ConfigBoolean, Default: true},
		ConfigKey{Name: "p", Type: ConfigPassword},
		ConfigKey{Name: "l", Type: ConfigList, Default: []string{"a", "b"}},
		ConfigKey{Name: "d", Type: ConfigDuration, Default: 1500 * time.Millisecond},
		ConfigKey{Name: "f", Type: ConfigDouble, Default: 0.5},
		ConfigKey{Name: "n", Type: ConfigLong, Default: NullDefault},
	)
	c, err := def.Parse(map[string]string{"p": "hunter2", "extra.password": "undefined-secret"})
	require.NoError(t, err)
	want := `{b=true, d=1.5s, f=0.5, l=["a" "b"], n=null, p=[hidden], s="x"}`
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		assert.Equal(t, want, fmt.Sprintf(verb, c), verb)
	}
	assert.Equal(t, want, fmt.Sprint(c))
	assert.Equal(t, "<nil>", fmt.Sprint((*Config)(nil)))
}

func TestPasswordFormatting(t *testing.T) {
	p := NewPassword("hunter2")
	assert.Equal(t, "hunter2", p.Value())
	assert.Equal(t, "", Password{}.Value())
	assert.Equal(t, hidden, p.String())
	assert.Equal(t, hidden, p.GoString())
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		assert.Equal(t, hidden, fmt.Sprintf(verb, p), verb)
	}
}

// TestPasswordNeverLeaks looks for the secret everywhere a configuration
// can end up: fmt, errors, slog, JSON and docs.
func TestPasswordNeverLeaks(t *testing.T) {
	const secret = "hunter2-s3cret"
	def := NewConfigDef().Define(
		ConfigKey{Name: "db.password", Type: ConfigPassword, Validator: ValidatorFunc(func(key string, v any) error {
			// A validator that prints the value it got: a Password.
			return fmt.Errorf("%s: %q is weak (%v)", key, v, v)
		})},
		ConfigKey{Name: "api.key", Type: ConfigPassword, Default: NewPassword(secret + "-default"), Validator: NonEmpty()},
		ConfigKey{Name: "token", Type: ConfigPassword, Validator: MatchesRegex(`[0-9]+`)},
	).Check(func(c *Config) []error {
		return []error{KeyError("token", fmt.Sprintf("check saw %v", c.Password("api.key")))}
	})
	_, err := def.Parse(map[string]string{"db.password": " " + secret + " ", "token": secret})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)
	assert.NotContains(t, fmt.Sprintf("%+v", err), secret)
	assert.Contains(t, err.Error(), `db.password: db.password: [hidden] is weak ([hidden])`)
	assert.Contains(t, err.Error(), `token: check saw [hidden]`)
	assert.Contains(t, err.Error(), `token: invalid value: must match [0-9]+`)

	ok := NewConfigDef().Define(
		ConfigKey{Name: "db.password", Type: ConfigPassword, Default: secret, Importance: High},
		ConfigKey{Name: "user", Type: ConfigString, Default: "u"},
	)
	c, err := ok.Parse(map[string]string{"db.password": secret})
	require.NoError(t, err)
	p := c.Password("db.password")
	require.Equal(t, secret, p.Value())

	type holder struct {
		Exported   Password
		unexported Password
		Cfg        *Config
		cfg        Config
		Any        any
	}
	h := holder{Exported: p, unexported: p, Cfg: c, cfg: *c, Any: p}

	var printed []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		printed = append(printed, fmt.Sprintf(verb, p), fmt.Sprintf(verb, c), fmt.Sprintf(verb, h), fmt.Sprintf(verb, &h))
	}
	printed = append(printed, fmt.Sprint(p, c, h), fmt.Sprintln(p, c, h))
	for _, s := range printed {
		assert.NotContains(t, s, secret)
	}

	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	logger.Info("config", "password", p, "config", c, "holder", h, slog.Any("any", p))
	var text bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("config", "password", p, "config", c)
	assert.Contains(t, logs.String(), `"password":"[hidden]"`)
	assert.Contains(t, logs.String(), `"config":{"db.password":"[hidden]","user":"u"}`)
	assert.NotContains(t, logs.String(), secret)
	assert.NotContains(t, text.String(), secret)

	js, err := json.Marshal(h)
	require.NoError(t, err)
	assert.NotContains(t, string(js), secret)
	js, err = json.Marshal(map[string]any{"p": p, "list": []Password{p}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"p":"[hidden]","list":["[hidden]"]}`, string(js))

	var md bytes.Buffer
	require.NoError(t, ok.WriteMarkdown(&md))
	require.NoError(t, def.WriteMarkdown(&md))
	assert.NotContains(t, md.String(), secret)
	assert.Contains(t, md.String(), "| `db.password` | password | [hidden] |")
}

func TestWriteMarkdownGolden(t *testing.T) {
	def := NewConfigDef().Define(
		ConfigKey{Name: "name", Type: ConfigString, Importance: High, Doc: "Globally unique name of the connector."},
		ConfigKey{Name: "s3.bucket.name", Type: ConfigString, Importance: High, Group: "S3", OrderInGroup: 1,
			Doc: "The S3 bucket.", Validator: NonEmpty()},
		ConfigKey{Name: "s3.region", Type: ConfigString, Default: "us-west-2", Importance: Medium, Group: "S3", OrderInGroup: 0,
			Doc: "The AWS region."},
		ConfigKey{Name: "aws.secret.access.key", Type: ConfigPassword, Default: "not-for-docs", Importance: High, Group: "S3", OrderInGroup: 2,
			Doc: "The secret key."},
		ConfigKey{Name: "aws.session.token", Type: ConfigPassword, Default: "", Importance: Low, Group: "S3", OrderInGroup: 2},
		ConfigKey{Name: "flush.size", Type: ConfigInt, Importance: High, Group: "Connector", Validator: AtLeast(1),
			Doc: "Records written per file\nbefore it is committed."},
		ConfigKey{Name: "rotate.interval.ms", Type: ConfigDuration, Default: NullDefault, Importance: Medium, Group: "Connector",
			Validator: Between(time.Second, time.Hour), Doc: "Longest time a file stays open."},
		ConfigKey{Name: "poll.interval.ms", Type: ConfigDuration, Default: 1500 * time.Microsecond, Importance: Low, Group: "Connector"},
		ConfigKey{Name: "compression", Type: ConfigString, Default: "none", Importance: Medium, Group: "Connector",
			Validator: OneOfIgnoreCase("none", "gzip"), Doc: "File compression."},
		ConfigKey{Name: "path.regex", Type: ConfigString, Default: "a", Importance: Low, Group: "Connector",
			Validator: MatchesRegex(`a|b`), Doc: "Pipes | get escaped."},
		ConfigKey{Name: "topics", Type: ConfigList, Default: []string{"a", "b"}, Importance: High, Group: "Connector",
			Validator: ListSize(1, -1)},
		ConfigKey{Name: "empty.list", Type: ConfigList, Default: "", Group: "Connector"},
		ConfigKey{Name: "ratio", Type: ConfigDouble, Default: 0.75, Importance: Low, Group: "Connector"},
		ConfigKey{Name: "enabled", Type: ConfigBoolean, Default: true, Importance: Low, Group: "Connector"},
		ConfigKey{Name: "format.class", Type: ConfigClass, Default: "JsonFormat", Importance: High, Group: "Connector"},
		ConfigKey{Name: "max.bytes", Type: ConfigLong, Default: int64(1) << 40, Importance: Low, Group: "Connector"},
		ConfigKey{Name: "tasks.max", Type: ConfigInt, Default: 1, Importance: High, Validator: AtLeast(1),
			Doc: "Maximum number of tasks."},
	)
	var got bytes.Buffer
	require.NoError(t, def.WriteMarkdown(&got))
	golden := filepath.Join("testdata", "configdef.md")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, got.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./connect/ -run TestWriteMarkdownGolden -update to create it")
	assert.Equal(t, string(want), got.String())
	assert.NotContains(t, got.String(), "not-for-docs")

	var again bytes.Buffer
	require.NoError(t, def.WriteMarkdown(&again))
	assert.Equal(t, got.String(), again.String(), "output is deterministic")
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteMarkdownError(t *testing.T) {
	def := NewConfigDef().Define(ConfigKey{Name: "a", Type: ConfigInt, Default: 1})
	assert.EqualError(t, def.WriteMarkdown(failingWriter{}), "disk full")
}

func TestTypeAndImportanceStrings(t *testing.T) {
	var names []string
	for i := ConfigBoolean; i <= ConfigDuration; i++ {
		names = append(names, i.String())
	}
	assert.Equal(t, "boolean string int long double list password class long (ms)", strings.Join(names, " "))
	assert.Equal(t, "ConfigType(0)", ConfigType(0).String())
	assert.Equal(t, []string{"high", "medium", "low", ""}, []string{High.String(), Medium.String(), Low.String(), Importance(0).String()})
}

func TestJoinConfigErrors(t *testing.T) {
	assert.NoError(t, JoinConfigErrors(nil, nil))
	_, err1 := NewConfigDef().Define(ConfigKey{Name: "a", Type: ConfigInt}).Parse(map[string]string{})
	require.Error(t, err1)
	joined := JoinConfigErrors(err1, KeyError("b", "bad"), errors.New("loose"), KeyError("b", "bad"))
	var ce *ConfigError
	require.ErrorAs(t, joined, &ce)
	require.Len(t, ce.Problems, 3, "duplicates are reported once")
	assert.Equal(t, "a", ce.Problems[0].Key)
	assert.Equal(t, ConfigProblem{Key: "b", Message: "bad"}, ce.Problems[1])
	assert.Equal(t, ConfigProblem{Message: "loose"}, ce.Problems[2])
}

// TestShortPasswordsDoNotMangleMessages: secrets are masked by key, so a
// one- or two-character password leaves every other text as it is, where
// replacing the secret's text would turn "type int" into "t[hidden]pe int"
// and hint at the secret.
func TestShortPasswordsDoNotMangleMessages(t *testing.T) {
	def := NewConfigDef().Define(
		ConfigKey{Name: "pass", Type: ConfigPassword, Validator: NonEmpty()},
		ConfigKey{Name: "port", Type: ConfigInt, Validator: AtLeast(1)},
		ConfigKey{Name: "mode", Type: ConfigString, Validator: OneOf("type", "hidden")},
	)
	for _, secret := range []string{"y", "e", "n", "ty", "in", "[", "]", "hi", "d"} {
		_, err := def.Parse(map[string]string{"pass": secret, "port": "x", "mode": "xyz"})
		require.Error(t, err, secret)
		msg := err.Error()
		assert.NotContains(t, msg, "[hidden]", "no password value is in these problems (%q)", secret)
		assert.Contains(t, msg, `port: invalid value "x": not a number of type int`, secret)
		assert.Contains(t, msg, `mode: invalid value "xyz": must be one of [type hidden]`, secret)
		c, err := def.Parse(map[string]string{"pass": secret, "port": "1", "mode": "type"})
		require.NoError(t, err)
		assert.Equal(t, `{mode="type", pass=[hidden], port=1}`, fmt.Sprint(c), secret)
	}
	_, err := def.Parse(map[string]string{"pass": " ", "port": "1", "mode": "type"})
	require.Error(t, err)
	assert.Equal(t, "invalid configuration: pass: must not be empty", err.Error(),
		"an error about a password key names the key, not the value")
}
