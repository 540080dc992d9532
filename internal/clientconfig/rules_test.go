package clientconfig

import (
	"bytes"
	"flag"
	"maps"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite mapping.md from Rules")

// TestMappingTable keeps mapping.md, the table users read, equal to Rules.
// Run go test -run TestMappingTable -update after changing a rule.
func TestMappingTable(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteTable(&b))
	if *update {
		require.NoError(t, os.WriteFile("mapping.md", b.Bytes(), 0o644))
	}
	want, err := os.ReadFile("mapping.md")
	require.NoError(t, err)
	assert.Equal(t, string(want), b.String(), "mapping.md is stale: go test -run TestMappingTable -update")
}

// Contexts that make ssl.* and sasl.* settings apply.
var (
	tlsContext   = map[string]string{"security.protocol": "SSL"}
	plainContext = map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN",
		"sasl.username": "u", "sasl.password": "p"}
	oidcContext = map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "OAUTHBEARER",
		"sasl.oauthbearer.method": "oidc"}
)

// ruleSamples holds, for rules that "1" alone does not exercise, the value
// and the settings around it.
var ruleSamples = map[string]map[string]string{
	"security.protocol":                     {"security.protocol": "SSL"},
	"request.timeout.ms":                    {"request.timeout.ms": "30000"},
	"buffer.memory":                         {"buffer.memory": "1024"},
	"auto.offset.reset":                     {"auto.offset.reset": "earliest"},
	"partition.assignment.strategy":         {"partition.assignment.strategy": "range"},
	"compression.gzip.level":                {"compression.type": "gzip", "compression.gzip.level": "5"},
	"compression.lz4.level":                 {"compression.type": "lz4", "compression.lz4.level": "5"},
	"compression.zstd.level":                {"compression.type": "zstd", "compression.zstd.level": "5"},
	"partitioner.class":                     {"partitioner.class": "org.apache.kafka.clients.producer.UniformStickyPartitioner"},
	"partitioner.ignore.keys":               {"partitioner.ignore.keys": "true"},
	"enable.auto.commit":                    {"enable.auto.commit": "true"},
	"auto.commit.enable":                    {"auto.commit.enable": "true"},
	"enable.auto.offset.store":              {"enable.auto.offset.store": "true"},
	"ssl.truststore.type":                   with(tlsContext, "ssl.truststore.type", "PEM"),
	"ssl.truststore.location":               with(tlsContext, "ssl.truststore.type", "PEM", "ssl.truststore.location", "/ca.pem"),
	"ssl.keystore.type":                     with(tlsContext, "ssl.keystore.type", "PEM"),
	"ssl.keystore.location":                 with(tlsContext, "ssl.keystore.type", "PEM", "ssl.keystore.location", "/k.pem"),
	"ssl.keystore.password":                 with(tlsContext, "ssl.keystore.type", "PKCS12", "ssl.keystore.location", "/k.p12", "ssl.keystore.password", "s"),
	"ssl.key.password":                      with(tlsContext, "ssl.keystore.type", "PEM", "ssl.keystore.location", "/k.pem", "ssl.key.password", "k"),
	"ssl.endpoint.identification.algorithm": with(tlsContext, "ssl.endpoint.identification.algorithm", "https"),
	"ssl.cipher.suites":                     with(tlsContext, "ssl.cipher.suites", "ECDHE-RSA-AES256-GCM-SHA384"),
	"ssl.enabled.protocols":                 with(tlsContext, "ssl.enabled.protocols", "TLSv1.2"),
	"sasl.mechanism":                        with(plainContext, "sasl.mechanism", "PLAIN"),
	"sasl.mechanisms":                       with(plainContext, "sasl.mechanism", "", "sasl.mechanisms", "PLAIN"),
	"sasl.jaas.config":                      with(plainContext, "sasl.username", "", "sasl.password", "", "sasl.jaas.config", plainJAAS),
	"sasl.login.callback.handler.class":     with(oidcContext, "sasl.oauthbearer.method", "", "enable.sasl.oauthbearer.unsecure.jwt", "true", "sasl.login.callback.handler.class", oidcHandler),
	"sasl.oauthbearer.token.endpoint.url":   with(oidcContext, "sasl.oauthbearer.token.endpoint.url", "https://idp/token"),
	"sasl.oauthbearer.jwt.retriever.class":  with(oidcContext, "sasl.oauthbearer.jwt.retriever.class", "org.apache.kafka.common.security.oauthbearer.JwtBearerJwtRetriever"),
}

// TestRulesAgreeWithMap runs Map on a sample of every rule and checks that
// it does what the rule's outcome says, and emits only the librdkafka
// properties the rule names.
func TestRulesAgreeWithMap(t *testing.T) {
	for _, r := range Rules() {
		for _, kind := range r.Kinds {
			t.Run(r.Key+"/"+kind.String(), func(t *testing.T) {
				props := sample(r.Key)
				m := run(kind, props)
				var warned bool
				for _, w := range m.warnings {
					warned = warned || w.Key == r.Key
				}
				var failed bool
				for _, e := range m.errs {
					failed = failed || e.Key == r.Key
				}
				var emitted []string
				for _, o := range m.setBy {
					if o.key == r.Key {
						emitted = append(emitted, o.name)
					}
				}
				switch r.Outcome {
				case Mapped:
					assert.Empty(t, m.errs)
					assert.False(t, warned, "%v", m.warnings)
					assert.Subset(t, r.Librdkafka, emitted)
					assert.Equal(t, len(r.Librdkafka) > 0, len(emitted) > 0, "emitted %v", emitted)
				case Ignored:
					assert.Empty(t, m.errs)
					assert.True(t, warned, "no warning")
					assert.Empty(t, emitted)
				case Rejected, RuntimeOwned:
					assert.True(t, failed, "no error")
				case Hint:
					assert.Empty(t, m.errs)
					assert.Empty(t, emitted)
					assert.Positive(t, m.maxPollRecords)
				default:
					t.Fatalf("outcome %v", r.Outcome)
				}
			})
		}
	}
}

// sample returns the settings that exercise the rule for key.
func sample(key string) map[string]string {
	if s, ok := ruleSamples[key]; ok {
		props := maps.Clone(s)
		maps.DeleteFunc(props, func(_, v string) bool { return v == "" })
		return props
	}
	switch {
	case strings.HasPrefix(key, "ssl."):
		return with(tlsContext, key, "1")
	case strings.HasPrefix(key, "sasl."):
		return with(plainContext, key, "1")
	}
	return map[string]string{key: "1"}
}

func TestRulesAreUnique(t *testing.T) {
	for key, rs := range ruleIndex {
		var seen kinds
		for _, r := range rs {
			assert.Zero(t, seen&r.kinds, "%s has two rules for one client kind", key)
			seen |= r.kinds
			assert.NotEmpty(t, r.note, key)
		}
	}
}

func TestRulesNameLibrdkafkaProperties(t *testing.T) {
	for _, r := range Rules() {
		for _, name := range r.Librdkafka {
			p, ok := properties[name]
			if assert.True(t, ok, "%s maps to unknown %s", r.Key, name) {
				assert.Zero(t, p.flag, "%s maps to %s, which is %s", r.Key, name, p.flag)
				for _, k := range r.Kinds {
					assert.True(t, p.kinds.has(k), "%s maps to %s, which %ss do not read", r.Key, name, k)
				}
			}
		}
	}
}
