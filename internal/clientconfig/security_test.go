package clientconfig

import (
	"maps"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// with returns base with the extra settings added.
func with(base map[string]string, kv ...string) map[string]string {
	out := maps.Clone(base)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

const (
	plainJAAS = `org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="alice-secret";`
	scramJAAS = `org.apache.kafka.common.security.scram.ScramLoginModule required username="bob" password="bob-secret";`
	oauthJAAS = `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required
		clientId="connect" clientSecret="oidc-secret" scope="kafka"
		extension_logicalCluster="lkc-1" extension_identityPoolId="pool-2";`
	oidcHandler = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler"
)

func TestMapSSL(t *testing.T) {
	tls := map[string]string{"security.protocol": "SSL"}
	tests := []mapCase{
		{
			name: "PEM files",
			kind: Consumer,
			props: with(tls,
				"ssl.truststore.type", "PEM",
				"ssl.truststore.location", "/etc/kafka/ca.pem",
				"ssl.keystore.type", "pem",
				"ssl.keystore.location", "/etc/kafka/client.pem",
				"ssl.key.password", "key-secret",
				"ssl.endpoint.identification.algorithm", "",
				"ssl.protocol", "TLSv1.3",
				"ssl.enabled.protocols", "TLSv1.2,TLSv1.3",
				"ssl.truststore.password", "unused"),
			want: map[string]string{
				"security.protocol":                     "SSL",
				"ssl.ca.location":                       "/etc/kafka/ca.pem",
				"ssl.certificate.location":              "/etc/kafka/client.pem",
				"ssl.key.location":                      "/etc/kafka/client.pem",
				"ssl.key.password":                      "key-secret",
				"ssl.endpoint.identification.algorithm": "none",
			},
			warnings: []string{"ssl.protocol", "ssl.enabled.protocols", "ssl.truststore.password"},
		},
		{
			name: "inline PEM",
			kind: Producer,
			props: with(tls,
				"ssl.truststore.type", "PEM",
				"ssl.truststore.certificates", "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----",
				"ssl.keystore.type", "PEM",
				"ssl.keystore.certificate.chain", "-----BEGIN CERTIFICATE-----\nME\n-----END CERTIFICATE-----",
				"ssl.keystore.key", "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----",
				"ssl.endpoint.identification.algorithm", "HTTPS"),
			want: map[string]string{
				"security.protocol":                     "SSL",
				"ssl.ca.pem":                            "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----",
				"ssl.certificate.pem":                   "-----BEGIN CERTIFICATE-----\nME\n-----END CERTIFICATE-----",
				"ssl.key.pem":                           "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----",
				"ssl.endpoint.identification.algorithm": "https",
				"partitioner":                           "murmur2_random",
			},
		},
		{
			name: "PKCS12 keystore",
			kind: Admin,
			props: with(tls,
				"ssl.keystore.type", "PKCS12",
				"ssl.keystore.location", "/etc/kafka/client.p12",
				"ssl.keystore.password", "store-secret",
				"ssl.key.password", "store-secret"),
			want: map[string]string{
				"security.protocol":     "SSL",
				"ssl.keystore.location": "/etc/kafka/client.p12",
				"ssl.keystore.password": "store-secret",
			},
			warnings: []string{"ssl.key.password"},
		},
		{
			name: "PKCS12 key with its own password",
			kind: Admin,
			props: with(tls,
				"ssl.keystore.type", "PKCS12",
				"ssl.keystore.location", "/etc/kafka/client.p12",
				"ssl.keystore.password", "store-secret",
				"ssl.key.password", "key-secret"),
			errors: []string{"ssl.key.password"},
		},
		{
			name:   "JKS stores, by default type too",
			kind:   Consumer,
			props:  with(tls, "ssl.truststore.location", "/etc/kafka/truststore.jks", "ssl.keystore.location", "/etc/kafka/keystore.jks"),
			errors: []string{"ssl.truststore.location", "ssl.keystore.location"},
		},
		{
			name: "PKCS12 truststore",
			kind: Consumer,
			props: with(tls, "ssl.truststore.type", "PKCS12", "ssl.truststore.location", "/etc/kafka/truststore.p12",
				"ssl.truststore.password", "x"),
			warnings: []string{"ssl.truststore.password"},
			errors:   []string{"ssl.truststore.location"},
		},
		{
			name: "both a truststore file and inline certificates",
			kind: Consumer,
			props: with(tls, "ssl.truststore.type", "PEM", "ssl.truststore.location", "/ca.pem",
				"ssl.truststore.certificates", "-----BEGIN CERTIFICATE-----"),
			errors: []string{"ssl.truststore.certificates"},
		},
		{
			name:   "unknown store type",
			kind:   Consumer,
			props:  with(tls, "ssl.truststore.type", "BCFKS"),
			errors: []string{"ssl.truststore.type"},
		},
		{
			name:   "Java cipher suite names",
			kind:   Consumer,
			props:  with(tls, "ssl.cipher.suites", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
			errors: []string{"ssl.cipher.suites"},
		},
		{
			name:  "OpenSSL cipher suite names",
			kind:  Consumer,
			props: with(tls, "ssl.cipher.suites", "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384"),
			want: map[string]string{"security.protocol": "SSL",
				"ssl.cipher.suites": "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384"},
		},
		{
			name:   "TLS 1.3 only",
			kind:   Consumer,
			props:  with(tls, "ssl.enabled.protocols", "TLSv1.3"),
			errors: []string{"ssl.enabled.protocols"},
		},
		{
			name:   "unknown endpoint identification",
			kind:   Consumer,
			props:  with(tls, "ssl.endpoint.identification.algorithm", "ldaps"),
			errors: []string{"ssl.endpoint.identification.algorithm"},
		},
		{
			name:   "custom SSL engine",
			kind:   Consumer,
			props:  with(tls, "ssl.engine.factory.class", "com.example.Engine"),
			errors: []string{"ssl.engine.factory.class"},
		},
		{
			name: "ssl settings without TLS are ignored, as Java ignores them",
			kind: Consumer,
			props: map[string]string{
				"ssl.truststore.location": "/etc/kafka/truststore.jks",
				"ssl.truststore.password": "x",
				"ssl.ca.location":         "/ca.pem",
			},
			want:     map[string]string{},
			warnings: []string{"ssl.truststore.location", "ssl.truststore.password", "ssl.ca.location"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestMapSASL(t *testing.T) {
	sasl := map[string]string{"security.protocol": "SASL_SSL"}
	tests := []mapCase{
		{
			name:  "PLAIN",
			kind:  Consumer,
			props: with(sasl, "sasl.mechanism", "PLAIN", "sasl.jaas.config", plainJAAS),
			want: map[string]string{
				"security.protocol": "SASL_SSL",
				"sasl.mechanisms":   "PLAIN",
				"sasl.username":     "alice",
				"sasl.password":     "alice-secret",
			},
		},
		{
			name:  "SCRAM",
			kind:  Producer,
			props: with(sasl, "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", scramJAAS),
			want: map[string]string{
				"security.protocol": "SASL_PLAINTEXT",
				"sasl.mechanisms":   "SCRAM-SHA-512",
				"sasl.username":     "bob",
				"sasl.password":     "bob-secret",
				"partitioner":       "murmur2_random",
			},
		},
		{
			name: "SCRAM delegation token",
			kind: Producer,
			props: with(sasl, "sasl.mechanism", "SCRAM-SHA-256", "sasl.jaas.config",
				`org.apache.kafka.common.security.scram.ScramLoginModule required username="id" password="hmac" tokenauth="true";`),
			errors: []string{"sasl.jaas.config"},
		},
		{
			name: "unused login options are reported",
			kind: Consumer,
			props: with(sasl, "sasl.mechanism", "PLAIN", "sasl.jaas.config",
				`org.apache.kafka.common.security.plain.PlainLoginModule required username="a" password="b" user_a="b";`),
			want: map[string]string{
				"security.protocol": "SASL_SSL",
				"sasl.mechanisms":   "PLAIN",
				"sasl.username":     "a",
				"sasl.password":     "b",
			},
			warnings: []string{"sasl.jaas.config"},
		},
		{
			name:   "login module of another mechanism",
			kind:   Consumer,
			props:  with(sasl, "sasl.mechanism", "SCRAM-SHA-256", "sasl.jaas.config", plainJAAS),
			errors: []string{"sasl.jaas.config"},
		},
		{
			name: "OIDC",
			kind: Consumer,
			props: with(sasl,
				"sasl.mechanism", "OAUTHBEARER",
				"sasl.jaas.config", oauthJAAS,
				"sasl.login.callback.handler.class", oidcHandler,
				"sasl.oauthbearer.token.endpoint.url", "https://idp.example.com/oauth2/token",
				"sasl.login.refresh.buffer.seconds", "300",
				"sasl.oauthbearer.sub.claim.name", "sub"),
			want: map[string]string{
				"security.protocol":                   "SASL_SSL",
				"sasl.mechanisms":                     "OAUTHBEARER",
				"sasl.oauthbearer.method":             "oidc",
				"sasl.oauthbearer.client.id":          "connect",
				"sasl.oauthbearer.client.secret":      "oidc-secret",
				"sasl.oauthbearer.scope":              "kafka",
				"sasl.oauthbearer.extensions":         "identityPoolId=pool-2,logicalCluster=lkc-1",
				"sasl.oauthbearer.token.endpoint.url": "https://idp.example.com/oauth2/token",
			},
			warnings: []string{"sasl.login.refresh.buffer.seconds", "sasl.oauthbearer.sub.claim.name"},
		},
		{
			name: "OIDC jwt-bearer grant of Kafka 4.1",
			kind: Consumer,
			props: with(sasl,
				"sasl.mechanism", "OAUTHBEARER",
				"sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ;",
				"sasl.login.callback.handler.class", oidcHandler,
				"sasl.oauthbearer.token.endpoint.url", "https://idp.example.com/oauth2/token",
				"sasl.oauthbearer.jwt.retriever.class", "org.apache.kafka.common.security.oauthbearer.JwtBearerJwtRetriever",
				"sasl.oauthbearer.assertion.template.file", "/etc/kafka/template.json",
				"sasl.oauthbearer.assertion.private.key.file", "/etc/kafka/assertion.pem"),
			want: map[string]string{
				"security.protocol":                            "SASL_SSL",
				"sasl.mechanisms":                              "OAUTHBEARER",
				"sasl.oauthbearer.method":                      "oidc",
				"sasl.oauthbearer.token.endpoint.url":          "https://idp.example.com/oauth2/token",
				"sasl.oauthbearer.grant.type":                  "urn:ietf:params:oauth:grant-type:jwt-bearer",
				"sasl.oauthbearer.assertion.jwt.template.file": "/etc/kafka/template.json",
				"sasl.oauthbearer.assertion.private.key.file":  "/etc/kafka/assertion.pem",
			},
		},
		{
			name:   "OIDC without a token endpoint",
			kind:   Consumer,
			props:  with(sasl, "sasl.mechanism", "OAUTHBEARER", "sasl.jaas.config", oauthJAAS, "sasl.login.callback.handler.class", oidcHandler),
			errors: []string{"sasl.jaas.config"},
		},
		{
			name: "token file instead of an endpoint",
			kind: Consumer,
			props: with(sasl, "sasl.mechanism", "OAUTHBEARER", "sasl.jaas.config", oauthJAAS,
				"sasl.oauthbearer.token.endpoint.url", "file:///var/run/token"),
			errors: []string{"sasl.oauthbearer.token.endpoint.url"},
		},
		{
			name: "Java's unsecured JWT login",
			kind: Consumer,
			props: with(sasl, "sasl.mechanism", "OAUTHBEARER", "sasl.jaas.config",
				`org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="alice";`),
			errors: []string{"sasl.jaas.config"},
		},
		{
			name: "custom login classes",
			kind: Consumer,
			props: with(sasl, "sasl.mechanism", "PLAIN", "sasl.jaas.config", plainJAAS,
				"sasl.login.callback.handler.class", "com.example.Handler",
				"sasl.client.callback.handler.class", "com.example.Client",
				"sasl.login.class", "com.example.Login"),
			errors: []string{"sasl.login.callback.handler.class", "sasl.client.callback.handler.class", "sasl.login.class"},
		},
		{
			name: "Kerberos",
			kind: Consumer,
			props: with(sasl, "sasl.mechanism", "GSSAPI", "sasl.jaas.config",
				`com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true keyTab="/etc/kafka.keytab" principal="connect@EXAMPLE.COM";`),
			errors: []string{"sasl.mechanism", "sasl.jaas.config"},
		},
		{
			name:   "SASL without a mechanism means Kerberos in Java",
			kind:   Consumer,
			props:  sasl,
			errors: []string{"security.protocol"},
		},
		{
			name:   "PLAIN without credentials",
			kind:   Consumer,
			props:  with(sasl, "sasl.mechanism", "PLAIN"),
			errors: []string{"sasl.mechanism"},
		},
		{
			name:  "librdkafka's own credentials",
			kind:  Consumer,
			props: with(sasl, "sasl.mechanisms", "PLAIN", "sasl.username", "u", "sasl.password", "p"),
			want: map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanisms": "PLAIN",
				"sasl.username": "u", "sasl.password": "p"},
		},
		{
			name:   "credentials in both forms that disagree",
			kind:   Consumer,
			props:  with(sasl, "sasl.mechanism", "PLAIN", "sasl.jaas.config", plainJAAS, "sasl.password", "other"),
			errors: []string{"sasl.password"},
		},
		{
			name: "unknown login module",
			kind: Consumer,
			props: with(sasl, "sasl.mechanism", "PLAIN", "sasl.jaas.config",
				`com.example.VaultLoginModule required path="kafka";`),
			errors: []string{"sasl.jaas.config"},
		},
		{
			name: "sasl settings without SASL are ignored, as Java ignores them",
			kind: Producer,
			props: map[string]string{"security.protocol": "SSL", "sasl.mechanism": "GSSAPI", "sasl.jaas.config": plainJAAS,
				"sasl.kerberos.service.name": "kafka"},
			want:     map[string]string{"security.protocol": "SSL", "partitioner": "murmur2_random"},
			warnings: []string{"sasl.mechanism", "sasl.jaas.config", "sasl.kerberos.service.name"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

// TestSecretsNeverInMessages feeds secrets through every path that reports
// on them, including malformed login configurations, and checks that no
// warning or error repeats them.
func TestSecretsNeverInMessages(t *testing.T) {
	const s = "Hunter2-secret"
	module := "org.apache.kafka.common.security.plain.PlainLoginModule"
	jaas := []string{
		module + ` required username="u" password="` + s + `";`,
		module + ` required username="u" password="` + s,
		module + ` required username="u" password=` + s + ` ` + s + `;`,
		module + ` required username="u" password="x" ` + s + `;`,
		module + ` required username="u" password="x"; ` + s + ` required;`,
		module + ` ` + s + ` password="x";`,
		module + ` required password="` + s + `";`,
		module + ` required username="u" password="` + s + `" password="` + s + `";`,
		s,
		s + ` required password="x";`,
		`com.example.Nope required password="` + s + `";`,
		`org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientSecret="` + s + `" extension_a="` + s + `,";`,
	}
	var configs []map[string]string
	for _, j := range jaas {
		for _, mech := range []string{"PLAIN", "SCRAM-SHA-256", "OAUTHBEARER"} {
			configs = append(configs, map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": mech,
				"sasl.jaas.config": j, "sasl.oauthbearer.token.endpoint.url": "https://idp/token"})
		}
	}
	configs = append(configs,
		map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN", "sasl.jaas.config": jaas[0],
			"sasl.password": "other-" + s, "sasl.oauthbearer.client.secret": s},
		map[string]string{"security.protocol": "SSL", "ssl.keystore.type": "PKCS12", "ssl.keystore.location": "/k.p12",
			"ssl.keystore.password": s, "ssl.key.password": "other-" + s, "ssl.truststore.password": s},
		map[string]string{"security.protocol": "SSL", "ssl.keystore.type": "PEM", "ssl.keystore.password": s,
			"ssl.keystore.key": s, "ssl.keystore.location": "/k.pem"},
		map[string]string{"security.protocol": "PLAINTEXT", "ssl.key.password": s, "sasl.jaas.config": jaas[0]},
		map[string]string{"go.secret": s, "unknown.password": s},
	)
	checked := 0
	for _, props := range configs {
		for _, kind := range []Kind{Consumer, Producer, Admin} {
			res, err := Map(kind, props)
			var text []string
			if err != nil {
				text = append(text, err.Error())
				checked++
			}
			for _, w := range res.Warnings {
				text = append(text, w.String())
				checked++
			}
			for _, line := range text {
				assert.NotContains(t, line, s)
				assert.NotContains(t, line, "Hunter2")
			}
		}
	}
	require.Greater(t, checked, len(configs), "the configurations must produce messages to check")
}

func TestParseJAAS(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		module  string
		options map[string]string
		err     string
	}{
		{
			name:    "quoted values",
			in:      plainJAAS,
			module:  plainModule,
			options: map[string]string{"username": "alice", "password": "alice-secret"},
		},
		{
			name:    "bare and single-quoted values, no semicolon, line breaks",
			in:      "com.sun.security.auth.module.Krb5LoginModule Required\n\tuseKeyTab=true\n\tkeyTab='/etc/a b.keytab'",
			module:  kerberosMod,
			options: map[string]string{"useKeyTab": "true", "keyTab": "/etc/a b.keytab"},
		},
		{
			name:    "escapes",
			in:      `m.M required a="q\"uote" b="back\\slash" c="tab\tnl\n" d="\101\7" e='it\'s' f="\x";`,
			module:  "m.M",
			options: map[string]string{"a": `q"uote`, "b": `back\slash`, "c": "tab\tnl\n", "d": "A\a", "e": "it's", "f": "x"},
		},
		{
			name:    "spaces around =",
			in:      `m.M optional  user = "u" ;  `,
			module:  "m.M",
			options: map[string]string{"user": "u"},
		},
		{name: "empty", in: "  ", err: "no login module"},
		{name: "no flag", in: "m.M", err: "no control flag"},
		{name: "bad flag", in: `m.M username="u";`, err: "not followed by a control flag"},
		{name: "no equals", in: `m.M required username "u";`, err: "expected option=value at character 14"},
		{name: "no value", in: `m.M required username=;`, err: "option username: no value"},
		{name: "unterminated", in: `m.M required username="u`, err: "option username: unterminated quoted value"},
		{name: "two modules", in: `m.M required; n.N required;`, err: "more than one login module"},
		{name: "twice", in: `m.M required a=1 a=2;`, err: "option a is set twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := parseJAAS(tc.in)
			if tc.err != "" {
				assert.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.module, e.module)
			assert.Equal(t, tc.options, e.options)
		})
	}
}

func TestShortModuleHidesNonClassNames(t *testing.T) {
	assert.Equal(t, "PlainLoginModule", jaasEntry{module: plainModule}.shortModule())
	assert.Equal(t, "the login module", jaasEntry{module: "p@ss.word!"}.shortModule())
	assert.Equal(t, "the login module", jaasEntry{module: strings.Repeat("x", 8)}.shortModule())
}
