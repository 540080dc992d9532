package clientconfig

import (
	"slices"
	"sort"
	"strings"
)

var sslRules = slices.Concat(
	[]rule{
		converted(allKinds, "ssl.truststore.type", nil,
			"PEM, JKS or PKCS12 (JKS when unset); decides how ssl.truststore.location maps", storeType),
		converted(allKinds, "ssl.truststore.location", []string{"ssl.ca.location"},
			"PEM truststores only: librdkafka cannot read JKS or PKCS12 truststores, which are errors "+
				"that explain how to convert them to PEM", truststoreLocation),
		converted(allKinds, "ssl.truststore.certificates", []string{"ssl.ca.pem"},
			"inline PEM certificates; an error together with ssl.truststore.location", truststoreCertificates),
		converted(allKinds, "ssl.keystore.type", nil,
			"PEM, JKS or PKCS12 (JKS when unset); decides how ssl.keystore.location maps", storeType),
		converted(allKinds, "ssl.keystore.location", []string{"ssl.certificate.location", "ssl.key.location", "ssl.keystore.location"},
			"PEM: the file holds the key and the certificate chain, so both properties name it; "+
				"PKCS12: same name; JKS (the default type) is an error that explains how to convert it", keystoreLocation),
		converted(allKinds, "ssl.keystore.password", []string{"ssl.keystore.password"},
			"used for PKCS12 keystores; ignored with a warning otherwise (PEM keystores have none)", keystorePassword),
		converted(allKinds, "ssl.key.password", []string{"ssl.key.password"},
			"used for PEM keys; for a PKCS12 keystore librdkafka opens the key with ssl.keystore.password, "+
				"so a different key password is an error", keyPassword),
		converted(allKinds, "ssl.keystore.certificate.chain", []string{"ssl.certificate.pem"},
			"inline PEM; an error together with ssl.keystore.location", inlineKeystore("ssl.certificate.pem")),
		converted(allKinds, "ssl.keystore.key", []string{"ssl.key.pem"},
			"inline PEM; an error together with ssl.keystore.location", inlineKeystore("ssl.key.pem")),
		converted(allKinds, "ssl.endpoint.identification.algorithm", []string{"ssl.endpoint.identification.algorithm"},
			"empty becomes none (no host name check), https stays https; other values are errors", endpointIdentification),
		converted(allKinds, "ssl.cipher.suites", []string{"ssl.cipher.suites"},
			"OpenSSL names pass; Java (IANA) names such as TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 are errors", cipherSuites),
		{key: "ssl.enabled.protocols", kinds: allKinds, outcome: Ignored,
			note: "OpenSSL negotiates TLS 1.2 or 1.3, so a list without TLSv1.2 is an error", fn: enabledProtocols},
	},
	ignored(allKinds, "librdkafka reads PEM truststores, which have no password", "ssl.truststore.password"),
	ignored(allKinds, "OpenSSL negotiates TLS 1.2 or 1.3", "ssl.protocol"),
	ignored(allKinds, "a Java security provider; librdkafka uses OpenSSL (see ssl.providers)", "ssl.provider"),
	ignored(allKinds, "OpenSSL checks certificates by the standard X.509 rules",
		"ssl.keymanager.algorithm", "ssl.trustmanager.algorithm"),
	ignored(allKinds, "OpenSSL uses its own random number generator", "ssl.secure.random.implementation"),
	rejected(allKinds, "a custom Java SSL engine cannot run in librdkafka", "ssl.engine.factory.class"),
)

var saslRules = slices.Concat(
	[]rule{
		converted(allKinds, "sasl.mechanism", []string{"sasl.mechanisms"},
			"PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER; GSSAPI (Kerberos) is an error: the bundled librdkafka lacks it",
			saslMechanism),
		converted(allKinds, "sasl.mechanisms", []string{"sasl.mechanisms"},
			"librdkafka's name for sasl.mechanism, treated the same", saslMechanism),
		converted(allKinds, "sasl.jaas.config", []string{"sasl.username", "sasl.password", "sasl.oauthbearer.method",
			"sasl.oauthbearer.client.id", "sasl.oauthbearer.client.secret", "sasl.oauthbearer.scope", "sasl.oauthbearer.extensions"},
			"PlainLoginModule and ScramLoginModule: username and password; OAuthBearerLoginModule with "+
				"OAuthBearerLoginCallbackHandler: OIDC client credentials (clientId, clientSecret, scope, extension_*). "+
				"Other login modules, Java's unsecured JWT login and SCRAM delegation tokens are errors. "+
				"The login module must match sasl.mechanism", jaasConfig),
		converted(allKinds, "sasl.login.callback.handler.class", []string{"sasl.oauthbearer.method"},
			"OAuthBearerLoginCallbackHandler selects OIDC (sasl.oauthbearer.method=oidc); other classes are errors",
			loginCallbackHandler),
		converted(allKinds, "sasl.oauthbearer.token.endpoint.url", []string{"sasl.oauthbearer.token.endpoint.url"},
			"http and https URLs; file URLs are errors", tokenEndpoint),
		converted(allKinds, "sasl.oauthbearer.jwt.retriever.class", []string{"sasl.oauthbearer.grant.type"},
			"ClientCredentialsJwtRetriever and DefaultJwtRetriever: client credentials; JwtBearerJwtRetriever: "+
				"the jwt-bearer grant; other retrievers are errors", jwtRetriever),
		renamed(allKinds, "sasl.oauthbearer.assertion.template.file", "sasl.oauthbearer.assertion.jwt.template.file",
			"renamed"),
	},
	same(allKinds, "sasl.kerberos.service.name", "sasl.kerberos.kinit.cmd", "sasl.kerberos.min.time.before.relogin"),
	ignored(allKinds, "librdkafka renews Kerberos tickets with sasl.kerberos.kinit.cmd",
		"sasl.kerberos.ticket.renew.window.factor", "sasl.kerberos.ticket.renew.jitter"),
	ignored(allKinds, "librdkafka refreshes OAuth tokens at 80% of their lifetime",
		"sasl.login.refresh.window.factor", "sasl.login.refresh.window.jitter",
		"sasl.login.refresh.min.period.seconds", "sasl.login.refresh.buffer.seconds"),
	ignored(allKinds, "librdkafka requests tokens with its own HTTP timeouts and retries",
		"sasl.login.connect.timeout.ms", "sasl.login.read.timeout.ms",
		"sasl.login.retry.backoff.ms", "sasl.login.retry.backoff.max.ms"),
	ignored(allKinds, "Java checks the token it receives; librdkafka hands it to the broker, which checks it",
		"sasl.oauthbearer.scope.claim.name", "sasl.oauthbearer.sub.claim.name",
		"sasl.oauthbearer.expected.audience", "sasl.oauthbearer.expected.issuer",
		"sasl.oauthbearer.jwks.endpoint.url", "sasl.oauthbearer.jwks.endpoint.refresh.ms",
		"sasl.oauthbearer.jwks.endpoint.retry.backoff.ms", "sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms",
		"sasl.oauthbearer.clock.skew.seconds", "sasl.oauthbearer.jwt.validator.class"),
	ignored(allKinds, "librdkafka has no switch for URL-encoding the client credentials",
		"sasl.oauthbearer.header.urlencode"),
	rejected(allKinds, "a custom Java callback handler cannot run in librdkafka", "sasl.client.callback.handler.class"),
	rejected(allKinds, "a custom Java login class cannot run in librdkafka", "sasl.login.class"),
)

// storeType returns the upper-cased store type set by key, JKS by default as
// in Java.
func (m *mapper) storeType(key string) string {
	if t := strings.ToUpper(m.value(key)); t != "" {
		return t
	}
	return "JKS"
}

func storeType(m *mapper, key, val string) {
	switch strings.ToUpper(val) {
	case "PEM", "JKS", "PKCS12":
	default:
		m.fail(key, "%q is not PEM, JKS or PKCS12", val)
	}
}

func truststoreLocation(m *mapper, key, val string) {
	switch t := m.storeType("ssl.truststore.type"); t {
	case "PEM":
		m.set(key, "ssl.ca.location", val)
	case "JKS", "PKCS12":
		m.fail(key, "librdkafka cannot read %s truststores; export the CA certificates to a PEM file "+
			"(keytool -exportcert -rfc, or openssl pkcs12 -nokeys) and set ssl.truststore.type=PEM", t)
	}
}

func truststoreCertificates(m *mapper, key, val string) {
	if m.has("ssl.truststore.location") {
		m.fail(key, "set only one of ssl.truststore.location and ssl.truststore.certificates")
		return
	}
	m.set(key, "ssl.ca.pem", val)
}

func keystoreLocation(m *mapper, key, val string) {
	switch t := m.storeType("ssl.keystore.type"); t {
	case "PEM":
		m.set(key, "ssl.certificate.location", val)
		m.set(key, "ssl.key.location", val)
	case "PKCS12":
		m.set(key, "ssl.keystore.location", val)
	case "JKS":
		m.fail(key, "librdkafka cannot read JKS keystores (the default ssl.keystore.type); convert it "+
			"(keytool -importkeystore -deststoretype PKCS12) and set ssl.keystore.type=PKCS12, or use PEM")
	}
}

func inlineKeystore(name string) func(m *mapper, key, val string) {
	return func(m *mapper, key, val string) {
		if m.has("ssl.keystore.location") {
			m.fail(key, "set only one of ssl.keystore.location and ssl.keystore.key with ssl.keystore.certificate.chain")
			return
		}
		m.set(key, name, val)
	}
}

// pkcs12Keystore reports whether the user's keystore is a PKCS12 file.
func (m *mapper) pkcs12Keystore() bool {
	return m.has("ssl.keystore.location") && m.storeType("ssl.keystore.type") == "PKCS12"
}

func keystorePassword(m *mapper, key, val string) {
	if m.pkcs12Keystore() {
		m.set(key, "ssl.keystore.password", val)
		return
	}
	m.warn(key, "ignored: only PKCS12 keystores have a store password")
}

func keyPassword(m *mapper, key, val string) {
	switch {
	case m.pkcs12Keystore():
		if val != m.props["ssl.keystore.password"] {
			m.fail(key, "differs from ssl.keystore.password, but librdkafka opens the key in a PKCS12 keystore "+
				"with the store password; export the keystore with one password")
			return
		}
		m.warn(key, "ignored: librdkafka opens the key with ssl.keystore.password, which is the same")
	case m.has("ssl.keystore.location") && m.storeType("ssl.keystore.type") == "PEM", m.has("ssl.keystore.key"),
		m.has("ssl.key.location"), m.has("ssl.key.pem"):
		m.set(key, "ssl.key.password", val)
	default:
		m.warn(key, "ignored: no PEM private key is configured")
	}
}

func endpointIdentification(m *mapper, key, val string) {
	switch strings.ToLower(val) {
	case "", "none":
		m.set(key, key, "none")
	case "https":
		m.set(key, key, "https")
	default:
		m.fail(key, "%q is not https or empty", val)
	}
}

func cipherSuites(m *mapper, key, val string) {
	for _, s := range strings.Split(val, ",") {
		s = strings.TrimSpace(s)
		if strings.HasPrefix(s, "TLS_") || strings.HasPrefix(s, "SSL_") {
			m.fail(key, "%s is a Java cipher suite name; list OpenSSL names (such as ECDHE-RSA-AES256-GCM-SHA384) instead", s)
			return
		}
	}
	m.set(key, key, val)
}

func enabledProtocols(m *mapper, key, val string) {
	for _, p := range strings.Split(val, ",") {
		if strings.TrimSpace(p) == "TLSv1.2" {
			m.warn(key, "ignored: OpenSSL negotiates TLS 1.2 or 1.3")
			return
		}
	}
	m.fail(key, "librdkafka cannot restrict TLS to these versions; it negotiates TLS 1.2 or 1.3")
}

// mechanism returns the SASL mechanism the user chose, in upper case, and
// the setting that chose it; Java's default is GSSAPI.
func (m *mapper) mechanism() (mech, key string) {
	for _, k := range []string{"sasl.mechanism", "sasl.mechanisms"} {
		if v := m.value(k); v != "" {
			return strings.ToUpper(v), k
		}
	}
	return "GSSAPI", ""
}

func saslMechanism(m *mapper, key, val string) {
	if strings.EqualFold(val, "GSSAPI") {
		m.fail(key, "GSSAPI (Kerberos) is not available in the librdkafka bundled with confluent-kafka-go")
		return
	}
	m.set(key, "sasl.mechanisms", val)
}

// checkSASL reports a SASL protocol without the settings it needs.
func (m *mapper) checkSASL() {
	if !strings.HasPrefix(strings.ToUpper(m.value("security.protocol")), "SASL_") {
		return
	}
	mech, key := m.mechanism()
	switch {
	case key == "":
		m.fail("security.protocol", "SASL needs sasl.mechanism: Java's default, GSSAPI (Kerberos), is not available "+
			"in the librdkafka bundled with confluent-kafka-go")
	case m.has("sasl.jaas.config"):
	case (mech == "PLAIN" || strings.HasPrefix(mech, "SCRAM-")) && !m.has("sasl.username"):
		m.fail(key, "%s needs credentials: set sasl.jaas.config with username and password", mech)
	case mech == "OAUTHBEARER" && !m.has("sasl.oauthbearer.method") && !m.has("enable.sasl.oauthbearer.unsecure.jwt"):
		m.fail(key, "OAUTHBEARER needs sasl.jaas.config with OAuthBearerLoginModule")
	}
}

// The login modules of Java clients.
const (
	plainModule  = "org.apache.kafka.common.security.plain.PlainLoginModule"
	scramModule  = "org.apache.kafka.common.security.scram.ScramLoginModule"
	oauthModule  = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule"
	kerberosMod  = "com.sun.security.auth.module.Krb5LoginModule"
	oauthPackage = "org.apache.kafka.common.security.oauthbearer."
)

func jaasConfig(m *mapper, key, val string) {
	entry, err := parseJAAS(val)
	if err != nil {
		m.fail(key, "%v", err)
		return
	}
	mech, _ := m.mechanism()
	needs := func(want ...string) bool {
		if slices.Contains(want, mech) {
			return true
		}
		m.fail(key, "%s does not go with sasl.mechanism %s; set sasl.mechanism to %s",
			entry.shortModule(), mech, strings.Join(want, " or "))
		return false
	}
	switch entry.module {
	case plainModule:
		if needs("PLAIN") {
			m.credentials(key, entry)
		}
	case scramModule:
		switch {
		case !needs("SCRAM-SHA-256", "SCRAM-SHA-512"):
		case strings.EqualFold(entry.options["tokenauth"], "true"):
			m.fail(key, "SCRAM delegation tokens (tokenauth) are not supported by librdkafka")
		default:
			m.credentials(key, entry, "tokenauth")
		}
	case oauthModule:
		if needs("OAUTHBEARER") {
			m.oidc(key, entry)
		}
	case kerberosMod:
		m.fail(key, "Krb5LoginModule needs GSSAPI (Kerberos), which is not available in the librdkafka bundled "+
			"with confluent-kafka-go")
	default:
		m.fail(key, "login module %s is not supported; librdkafka offers PLAIN, SCRAM and OAUTHBEARER", entry.shortModule())
	}
}

// credentials maps the username and password of a PLAIN or SCRAM login.
// Options named in known are understood and not reported as ignored.
func (m *mapper) credentials(key string, e jaasEntry, known ...string) {
	user, okUser := e.options["username"]
	pass, okPass := e.options["password"]
	if !okUser || !okPass {
		m.fail(key, "%s needs the options username and password", e.shortModule())
		return
	}
	m.set(key, "sasl.username", user)
	m.set(key, "sasl.password", pass)
	m.ignoreOptions(key, e, append([]string{"username", "password"}, known...))
}

// oidc maps an OAuthBearerLoginModule login to librdkafka's OIDC client.
func (m *mapper) oidc(key string, e jaasEntry) {
	handler := m.value("sasl.login.callback.handler.class")
	switch {
	case isOIDCHandler(handler):
	case handler == "" && m.has("sasl.oauthbearer.token.endpoint.url"):
	default:
		// A custom handler is reported on its own key.
		if handler == "" {
			m.fail(key, "without sasl.login.callback.handler.class=%sOAuthBearerLoginCallbackHandler this is Java's "+
				"unsecured JWT login, meant for tests; librdkafka offers one through enable.sasl.oauthbearer.unsecure.jwt "+
				"and sasl.oauthbearer.config", oauthPackage)
		}
		return
	}
	if !m.has("sasl.oauthbearer.token.endpoint.url") {
		m.fail(key, "OIDC login needs sasl.oauthbearer.token.endpoint.url")
		return
	}
	m.set(key, "sasl.oauthbearer.method", "oidc")
	used := []string{"clientId", "clientSecret", "scope"}
	for opt, name := range map[string]string{
		"clientId":     "sasl.oauthbearer.client.id",
		"clientSecret": "sasl.oauthbearer.client.secret",
		"scope":        "sasl.oauthbearer.scope",
	} {
		if v, ok := e.options[opt]; ok {
			m.set(key, name, v)
		}
	}
	var ext []string
	for opt, v := range e.options {
		name, ok := strings.CutPrefix(opt, "extension_")
		if !ok {
			continue
		}
		used = append(used, opt)
		if strings.ContainsAny(name+v, ",=") {
			m.fail(key, "option %s: librdkafka's sasl.oauthbearer.extensions cannot hold ',' or '='", opt)
			return
		}
		ext = append(ext, name+"="+v)
	}
	if len(ext) > 0 {
		sort.Strings(ext)
		m.set(key, "sasl.oauthbearer.extensions", strings.Join(ext, ","))
	}
	m.ignoreOptions(key, e, used)
}

// ignoreOptions warns about the options of e not in used.
func (m *mapper) ignoreOptions(key string, e jaasEntry, used []string) {
	for _, opt := range e.order {
		if !slices.Contains(used, opt) {
			m.warn(key, "option %s of %s ignored", opt, e.shortModule())
		}
	}
}

func isOIDCHandler(class string) bool {
	return strings.HasPrefix(class, oauthPackage) && strings.HasSuffix(class, ".OAuthBearerLoginCallbackHandler")
}

func loginCallbackHandler(m *mapper, key, val string) {
	switch {
	case val == "":
	case !isOIDCHandler(val):
		m.fail(key, "the Java callback handler %s cannot run in librdkafka", val)
	default:
		if mech, _ := m.mechanism(); mech != "OAUTHBEARER" {
			m.warn(key, "ignored: sasl.mechanism is %s", mech)
			return
		}
		m.set(key, "sasl.oauthbearer.method", "oidc")
	}
}

func tokenEndpoint(m *mapper, key, val string) {
	lower := strings.ToLower(val)
	if !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "http://") {
		m.fail(key, "librdkafka fetches tokens over http or https only; reading a token file is not supported")
		return
	}
	m.set(key, key, val)
}

func jwtRetriever(m *mapper, key, val string) {
	switch val[strings.LastIndex(val, ".")+1:] {
	case "", "ClientCredentialsJwtRetriever", "DefaultJwtRetriever":
		// librdkafka's default grant, client_credentials.
	case "JwtBearerJwtRetriever":
		m.set(key, "sasl.oauthbearer.grant.type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
	default:
		m.fail(key, "the Java JWT retriever %s cannot run in librdkafka", val)
	}
}
