package worker

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/source"
)

// Hidden replaces the value of a PASSWORD setting in everything the worker
// shows: Kafka's own text for a hidden password.
const Hidden = "[hidden]"

// clientPasswordKeys are the Kafka client settings of type PASSWORD (and
// the Schema Registry client's credentials), which connectors pass with a
// prefix such as consumer.override. or value.converter.
var clientPasswordKeys = map[string]bool{
	"ssl.key.password":                 true,
	"ssl.keystore.password":            true,
	"ssl.keystore.key":                 true,
	"ssl.keystore.certificate.chain":   true,
	"ssl.truststore.password":          true,
	"ssl.truststore.certificates":      true,
	"sasl.jaas.config":                 true,
	"sasl.password":                    true,
	"sasl.oauthbearer.client.secret":   true,
	"basic.auth.user.info":             true,
	"bearer.auth.token":                true,
	"bearer.auth.client.secret":        true,
	"schema.registry.ssl.key.password": true,
}

// isPlaceholder says whether a value is only a config provider reference,
// ${provider:path:key}, which is shown as written: it holds no secret.
func isPlaceholder(v string) bool {
	return strings.HasPrefix(v, "${") && strings.HasSuffix(v, "}") && strings.Count(v, "${") == 1
}

// passwordKey says whether key holds a password for connector c: a
// PASSWORD key of the connector's or its runtime's ConfigDef, or a client
// password setting, alone or under any prefix (a client or converter
// prefix, or a connector's own such as kafka.sink.).
func passwordKey(defs []*connect.ConfigDef, key string) bool {
	for _, d := range defs {
		if k, ok := d.Key(key); ok {
			return k.Type == connect.ConfigPassword
		}
	}
	if clientPasswordKeys[key] {
		return true
	}
	// Any prefix, not only the runtime's own: connectors pass client
	// settings under prefixes of their own too (kafkasink's kafka.sink.),
	// which their ConfigDefs do not list.
	for k := range clientPasswordKeys {
		if strings.HasSuffix(key, "."+k) {
			return true
		}
	}
	return false
}

// maskConfig returns a copy of config whose password values are [Hidden],
// by key, using the ConfigDefs of the connector class config names.
// Placeholders of config providers are kept.
func maskConfig(reg *Registry, config map[string]string) map[string]string {
	return maskWith(configDefs(reg, config[sink.ConnectorClassConfig]), config)
}

func maskWith(defs []*connect.ConfigDef, config map[string]string) map[string]string {
	out := maps.Clone(config)
	if out == nil {
		out = map[string]string{}
	}
	for k, v := range out {
		if v != "" && !isPlaceholder(v) && passwordKey(defs, k) {
			out[k] = Hidden
		}
	}
	return out
}

// configDefs returns the ConfigDefs that describe a configuration of
// class: the connector's own and its runtime's; none for an unknown class.
func configDefs(reg *Registry, class string) []*connect.ConfigDef {
	p, err := reg.Lookup(class)
	if err != nil {
		return nil
	}
	switch c := p.New().(type) {
	case connect.SinkConnector:
		return []*connect.ConfigDef{c.ConfigDef(), sink.ConfigDef()}
	case connect.SourceConnector:
		return []*connect.ConfigDef{c.ConfigDef(), source.ConfigDef()}
	}
	return nil
}

// mask masks a configuration of connector c, its own or a task's (which
// may lack connector.class), by the keys of c's class.
func (s *Standalone) mask(c *connState, config map[string]string) map[string]string {
	return maskWith(configDefs(s.reg, c.config[sink.ConnectorClassConfig]), config)
}

// maskPlain renders a configuration for an error message, passwords
// hidden, keys sorted.
func (s *Standalone) maskPlain(config map[string]string) string {
	m := maskConfig(s.reg, config)
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%s", k, m[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
