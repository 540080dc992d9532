package connect

import (
	"cmp"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ValidatorFunc adapts a function to a [Validator], for rules the built-in
// validators do not cover. The value of a ConfigPassword key is a
// [Password], which prints as [hidden]: a validator must not put its
// Value in the error, since errors are logged and shown; Parse masks
// secrets by key and does not search messages for them.
type ValidatorFunc func(key string, value any) error

// Validate calls f.
func (f ValidatorFunc) Validate(key string, value any) error { return f(key, value) }

// invalid builds a validator error that shows the value, unless it is a
// password.
func invalid(key string, value any, rule string) error {
	if s := showValue(value); s != "" {
		return KeyError(key, "invalid value "+s+": "+rule)
	}
	return KeyError(key, "invalid value: "+rule)
}

// cannotCheck reports a validator set on a key of a type it does not
// handle: a programmer error that Define finds when the key has a default.
func cannotCheck(key string, v Validator, value any) error {
	return KeyError(key, fmt.Sprintf("validator %v cannot check a value of type %T", v, value))
}

func showValue(v any) string {
	switch v := v.(type) {
	case Password:
		return ""
	case string:
		return strconv.Quote(v)
	case []string:
		return fmt.Sprintf("%q", v)
	case time.Duration:
		return v.String()
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

// number is a value or bound of a numeric validator.
type number struct {
	dur   bool // a time.Duration: only comparable with another
	float bool
	i     int64
	f     float64
}

var durationType = reflect.TypeFor[time.Duration]()

func numberOf[N numeric](n N) number {
	rv := reflect.ValueOf(n)
	if k := rv.Kind(); k == reflect.Float32 || k == reflect.Float64 {
		return number{float: true, f: rv.Float()}
	}
	return number{dur: rv.Type() == durationType, i: rv.Int(), f: float64(rv.Int())}
}

func numberValue(v any) (number, bool) {
	switch v := v.(type) {
	case int:
		return number{i: int64(v), f: float64(v)}, true
	case int64:
		return number{i: v, f: float64(v)}, true
	case time.Duration:
		return number{dur: true, i: int64(v), f: float64(v)}, true
	case float64:
		return number{float: true, f: v}, true
	}
	return number{}, false
}

func (n number) compare(m number) int {
	if n.float || m.float {
		return cmp.Compare(n.f, m.f)
	}
	return cmp.Compare(n.i, m.i)
}

// String shows durations in milliseconds, as users write them.
func (n number) String() string {
	switch {
	case n.float:
		return strconv.FormatFloat(n.f, 'g', -1, 64)
	case n.dur:
		return durationDoc(time.Duration(n.i))
	}
	return strconv.FormatInt(n.i, 10)
}

// message shows durations in Go's syntax, which needs no unit to read.
func (n number) message() string {
	if n.dur {
		return time.Duration(n.i).String()
	}
	return n.String()
}

// numeric lists the Go types whose values can bound a numeric validator.
type numeric interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~float32 | ~float64
}

type rangeValidator struct {
	min, max number
	hasMax   bool
}

// AtLeast accepts numbers no smaller than min. It checks int, long, double
// and duration keys; bound a duration key with a time.Duration, such as
// AtLeast(time.Second).
func AtLeast[N numeric](min N) Validator { return rangeValidator{min: numberOf(min)} }

// Between accepts numbers from min to max, inclusive; see [AtLeast]. It
// panics if max is less than min.
func Between[N numeric](min, max N) Validator {
	if max < min {
		panic(fmt.Sprintf("connect: Between(%v, %v): max is less than min", min, max))
	}
	return rangeValidator{min: numberOf(min), max: numberOf(max), hasMax: true}
}

func (r rangeValidator) Validate(key string, value any) error {
	n, ok := numberValue(value)
	if !ok {
		return cannotCheck(key, r, value)
	}
	if n.dur != r.min.dur {
		// Comparing nanoseconds with a plain number is never what was meant.
		return KeyError(key, fmt.Sprintf("validator %v needs bounds of the same kind as a %T value", r, value))
	}
	if r.hasMax {
		if n.compare(r.min) < 0 || n.compare(r.max) > 0 {
			return invalid(key, value, "must be between "+r.min.message()+" and "+r.max.message())
		}
		return nil
	}
	if n.compare(r.min) < 0 {
		return invalid(key, value, "must be at least "+r.min.message())
	}
	return nil
}

// String describes the range as Kafka's docs do: "[1,...]", "[1,...,10]".
func (r rangeValidator) String() string {
	if r.hasMax {
		return "[" + r.min.String() + ",...," + r.max.String() + "]"
	}
	return "[" + r.min.String() + ",...]"
}

type oneOf struct {
	values     []string
	ignoreCase bool
}

// OneOf accepts the given strings. It checks string and class keys, and
// each element of a list key.
func OneOf(values ...string) Validator { return oneOf{values: values} }

// OneOfIgnoreCase is [OneOf] comparing case-insensitively, for enumerations
// Kafka matches in any case, such as errors.tolerance. The value keeps the
// user's case.
func OneOfIgnoreCase(values ...string) Validator { return oneOf{values: values, ignoreCase: true} }

func (o oneOf) Validate(key string, value any) error {
	switch v := value.(type) {
	case string:
		if !o.accepts(v) {
			return invalid(key, v, o.rule())
		}
	case []string:
		for _, e := range v {
			if !o.accepts(e) {
				return KeyError(key, "invalid element "+strconv.Quote(e)+": "+o.rule())
			}
		}
	default:
		return cannotCheck(key, o, value)
	}
	return nil
}

func (o oneOf) accepts(s string) bool {
	for _, v := range o.values {
		if s == v || o.ignoreCase && strings.EqualFold(s, v) {
			return true
		}
	}
	return false
}

func (o oneOf) rule() string {
	r := fmt.Sprintf("must be one of %v", o.values)
	if o.ignoreCase {
		r += " (case-insensitive)"
	}
	return r
}

// String lists the accepted values as Kafka's docs do: "[none, all]".
func (o oneOf) String() string { return "[" + strings.Join(o.values, ", ") + "]" }

type nonEmpty struct{}

// NonEmpty rejects a string, class or password that is empty or only
// whitespace, and an empty list.
func NonEmpty() Validator { return nonEmpty{} }

func (n nonEmpty) Validate(key string, value any) error {
	switch v := value.(type) {
	case string:
		if kafkaTrim(v) == "" {
			return KeyError(key, "must not be empty")
		}
	case Password:
		if kafkaTrim(v.Value()) == "" {
			return KeyError(key, "must not be empty")
		}
	case []string:
		if len(v) == 0 {
			return KeyError(key, "must not be an empty list")
		}
	default:
		return cannotCheck(key, n, value)
	}
	return nil
}

// String returns "non-empty".
func (nonEmpty) String() string { return "non-empty" }

type regexValidator struct {
	pattern string
	re      *regexp.Regexp
}

// MatchesRegex accepts strings, classes, passwords and list elements that
// match pattern as a whole, as Java's String.matches does. It panics if
// pattern does not compile, at init like [ConfigDef.Define].
func MatchesRegex(pattern string) Validator {
	return regexValidator{pattern: pattern, re: regexp.MustCompile(`^(?:` + pattern + `)$`)}
}

func (r regexValidator) Validate(key string, value any) error {
	switch v := value.(type) {
	case string:
		if !r.re.MatchString(v) {
			return invalid(key, v, r.rule())
		}
	case Password:
		if !r.re.MatchString(v.Value()) {
			return invalid(key, v, r.rule())
		}
	case []string:
		for _, e := range v {
			if !r.re.MatchString(e) {
				return KeyError(key, "invalid element "+strconv.Quote(e)+": "+r.rule())
			}
		}
	default:
		return cannotCheck(key, r, value)
	}
	return nil
}

func (r regexValidator) rule() string { return "must match " + r.pattern }

// String returns "matches " and the pattern.
func (r regexValidator) String() string { return "matches " + r.pattern }

type listSize struct{ min, max int }

// ListSize accepts lists of min to max elements; a negative max means no
// upper bound. It panics if min is negative or max is less than min.
func ListSize(min, max int) Validator {
	if min < 0 || max >= 0 && max < min {
		panic(fmt.Sprintf("connect: ListSize(%d, %d): bad bounds", min, max))
	}
	return listSize{min: min, max: max}
}

func (s listSize) Validate(key string, value any) error {
	l, ok := value.([]string)
	if !ok {
		return cannotCheck(key, s, value)
	}
	if len(l) < s.min || s.max >= 0 && len(l) > s.max {
		return invalid(key, l, "must have "+s.count())
	}
	return nil
}

func (s listSize) count() string {
	switch {
	case s.max < 0:
		return "at least " + elements(s.min)
	case s.min == s.max:
		return "exactly " + elements(s.min)
	}
	return fmt.Sprintf("%d to %s", s.min, elements(s.max))
}

func elements(n int) string {
	if n == 1 {
		return "1 element"
	}
	return strconv.Itoa(n) + " elements"
}

// String describes the size, such as "list of 1 to 5 elements".
func (s listSize) String() string { return "list of " + s.count() }

type allOf []Validator

// AllOf accepts values that every validator accepts, and reports the first
// failure, since later ones usually repeat it. Nil validators are skipped.
func AllOf(validators ...Validator) Validator {
	var a allOf
	for _, v := range validators {
		if v != nil {
			a = append(a, v)
		}
	}
	return a
}

func (a allOf) Validate(key string, value any) error {
	for _, v := range a {
		if err := v.Validate(key, value); err != nil {
			return err
		}
	}
	return nil
}

// String joins the descriptions of the validators that have one.
func (a allOf) String() string {
	var parts []string
	for _, v := range a {
		if s, ok := v.(fmt.Stringer); ok {
			if d := s.String(); d != "" {
				parts = append(parts, d)
			}
		}
	}
	return strings.Join(parts, ", ")
}
