package clientconfig

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Kind is the kind of Kafka client a configuration is for.
type Kind int

// The client kinds. Admin clients are librdkafka producer handles, so they
// read only the properties common to every client.
const (
	Consumer Kind = iota + 1
	Producer
	Admin
)

// String returns "consumer", "producer" or "admin".
func (k Kind) String() string {
	switch k {
	case Consumer:
		return "consumer"
	case Producer:
		return "producer"
	case Admin:
		return "admin"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Warning reports a setting that Map dropped or changed because it has no
// exact librdkafka equivalent and dropping it changes nothing that matters.
type Warning struct {
	Key     string // the setting as the user wrote it
	Message string
}

// String returns "key: message".
func (w Warning) String() string { return w.Key + ": " + w.Message }

// KeyError reports one setting that cannot be honoured.
type KeyError struct {
	Key     string // the setting as the user wrote it
	Message string
}

// Error returns "key: message".
func (e KeyError) Error() string { return e.Key + ": " + e.Message }

// MapError lists every setting of one client configuration that cannot be
// honoured, sorted by key. Messages never contain secret values.
type MapError struct {
	Kind   Kind
	Errors []KeyError
}

// Error lists every setting with its problem.
func (e *MapError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "clientconfig: %s settings cannot be used", e.Kind)
	for _, ke := range e.Errors {
		b.WriteString("; ")
		b.WriteString(ke.Error())
	}
	return b.String()
}

// Unwrap returns the individual [KeyError] values, so errors.As finds them.
func (e *MapError) Unwrap() []error {
	errs := make([]error, len(e.Errors))
	for i, ke := range e.Errors {
		errs[i] = ke
	}
	return errs
}

// Result is what Map makes of a client configuration.
type Result struct {
	// Config holds librdkafka properties, ready to copy into a
	// kafka.ConfigMap. It is nil when Map returns an error.
	Config map[string]string
	// Warnings name the settings that were dropped or adjusted, sorted by key.
	Warnings []Warning
	// MaxPollRecords is max.poll.records, or 0 when it was not set. It is no
	// librdkafka property: the sink runtime uses it as its batch size.
	MaxPollRecords int
}

// Map converts the Java client settings of one client, without their
// "consumer.", "producer.", "admin." or "*.override." prefix, into
// librdkafka properties. props must be complete (security.protocol decides
// whether ssl.* and sasl.* settings apply); Map does not modify it.
//
// Settings with no librdkafka equivalent that matter for correctness or
// security make Map return a [*MapError] naming every one of them; harmless
// ones are dropped with a [Warning]. Reserved settings (see [Reserved]) and
// unknown names are errors. The returned Result carries the warnings even
// when Map fails.
func Map(kind Kind, props map[string]string) (Result, error) {
	if kind < Consumer || kind > Admin {
		return Result{}, fmt.Errorf("clientconfig: unknown client kind %d", int(kind))
	}
	m := run(kind, props)
	slices.SortStableFunc(m.warnings, func(a, b Warning) int { return strings.Compare(a.Key, b.Key) })
	res := Result{Warnings: m.warnings, MaxPollRecords: m.maxPollRecords}
	if len(m.errs) > 0 {
		slices.SortStableFunc(m.errs, func(a, b KeyError) int { return strings.Compare(a.Key, b.Key) })
		return res, &MapError{Kind: kind, Errors: m.errs}
	}
	res.Config = m.out
	return res, nil
}

// Reserved returns the settings the runtime controls for clients of the
// given kind, each with the reason, so that callers can reject them early.
// Map itself reports them as errors (or, when they hold the value the runtime
// sets anyway, as warnings).
func Reserved(kind Kind) map[string]string {
	res := make(map[string]string)
	for _, r := range rules {
		if r.outcome == RuntimeOwned && r.kinds.has(kind) {
			res[r.key] = r.note
		}
	}
	return res
}

// run maps props, leaving the outcome in the returned mapper.
func run(kind Kind, props map[string]string) *mapper {
	m := &mapper{
		kind:  kind,
		props: props,
		out:   make(map[string]string),
		setBy: make(map[string]origin),
	}
	for _, key := range slices.Sorted(maps.Keys(props)) {
		m.mapKey(key)
	}
	m.finish()
	return m
}

// mapper holds the state of one Map call.
type mapper struct {
	kind  Kind
	props map[string]string

	out   map[string]string
	setBy map[string]origin // by canonical librdkafka name

	warnings       []Warning
	errs           []KeyError
	maxPollRecords int
}

func (m *mapper) warn(key, format string, args ...any) {
	m.warnings = append(m.warnings, Warning{Key: key, Message: fmt.Sprintf(format, args...)})
}

func (m *mapper) fail(key, format string, args ...any) {
	m.errs = append(m.errs, KeyError{Key: key, Message: fmt.Sprintf(format, args...)})
}

// origin records which input setting emitted a librdkafka property, and
// under which of its names.
type origin struct{ key, name string }

// set emits librdkafka property name with val on behalf of input setting key.
// Two settings that reach the same property (directly or through a librdkafka
// alias) must agree.
func (m *mapper) set(key, name, val string) {
	canon := name
	if p, ok := properties[name]; ok && p.alias != "" {
		canon = p.alias
	}
	if prev, ok := m.setBy[canon]; ok {
		if m.out[prev.name] != val {
			m.fail(key, "conflicts with %s: both set librdkafka's %s, to different values", prev.key, canon)
		}
		return
	}
	m.setBy[canon] = origin{key: key, name: name}
	m.out[name] = val
}

// has reports whether the user set key to a non-blank value.
func (m *mapper) has(key string) bool { return m.value(key) != "" }

// value returns the user's value of key, trimmed as Java trims non-string
// values.
func (m *mapper) value(key string) string { return strings.TrimSpace(m.props[key]) }

func (m *mapper) mapKey(key string) {
	val := m.props[key]
	if !secret(key) {
		val = strings.TrimSpace(val)
	}
	if strings.HasPrefix(key, "go.") {
		m.fail(key, "confluent-kafka-go settings are set by the runtime")
		return
	}
	if strings.HasPrefix(key, "metrics.context.") {
		m.warn(key, "ignored: Java metrics context labels have no librdkafka equivalent")
		return
	}
	r, known := lookupRule(key, m.kind)
	p, isProp := properties[key]
	switch {
	case r != nil:
	case known && isProp && p.kinds.has(m.kind):
		// A Java setting of other clients that librdkafka reads here too.
	case known:
		m.warn(key, "ignored: %s clients do not read it", m.kind)
		return
	case isProp:
	default:
		m.fail(key, "unknown setting: neither a Java client setting nor a librdkafka property")
		return
	}
	if reason := m.notApplicable(key); reason != "" {
		m.warn(key, "ignored: %s", reason)
		return
	}
	if r != nil {
		r.apply(m, key, val)
		return
	}
	m.passThrough(key, val, p)
}

// passThrough emits a librdkafka property the user set by its own name.
func (m *mapper) passThrough(key, val string, p property) {
	switch {
	case p.flag == apiOnly:
		m.fail(key, "a librdkafka callback or pointer, set through its C API only")
	case !p.kinds.has(m.kind):
		m.warn(key, "ignored: librdkafka reads it only in %s", p.kinds)
	default:
		if p.flag == deprecated || p.flag == experimental {
			m.warn(key, "%s in librdkafka", p.flag)
		}
		m.set(key, key, val)
	}
}

// notApplicable says why the security protocol makes key irrelevant, as Java
// clients ignore ssl.* without TLS and sasl.* without SASL.
func (m *mapper) notApplicable(key string) string {
	proto := strings.ToUpper(m.value("security.protocol"))
	if proto == "" {
		proto = "PLAINTEXT"
	}
	switch {
	case strings.HasPrefix(key, "ssl.") && !strings.HasSuffix(proto, "SSL"):
		return "security.protocol " + proto + " does not use TLS"
	case strings.HasPrefix(key, "sasl.") && !strings.HasPrefix(proto, "SASL_"):
		return "security.protocol " + proto + " does not use SASL"
	}
	return ""
}

// secret reports whether key holds a password, private key or similar value
// that must never appear in messages and is used exactly as written.
func secret(key string) bool {
	switch key {
	case "sasl.jaas.config", "ssl.keystore.key", "ssl.key.pem",
		"sasl.oauthbearer.assertion.private.key.pem":
		return true
	}
	return strings.Contains(key, "password") || strings.Contains(key, "secret") ||
		strings.Contains(key, "passphrase")
}
