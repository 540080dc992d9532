package clientconfig

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"maps"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPropertiesKnownToLibrdkafka checks the property table against the
// linked librdkafka. Each property is set on a configuration that librdkafka
// rejects only after every property is set (SASL PLAIN without a password),
// so no client is started; an unknown name fails earlier, by name.
func TestPropertiesKnownToLibrdkafka(t *testing.T) {
	const unknown = "No such configuration property"
	try := func(name string) error {
		cm := kafka.ConfigMap{"security.protocol": "sasl_plaintext", "sasl.mechanisms": "PLAIN", name: "1"}
		p, err := kafka.NewProducer(&cm)
		if err == nil {
			p.Close()
		}
		return err
	}
	require.ErrorContains(t, try("no.such.property"), unknown, "the check must tell unknown names apart")
	for _, name := range slices.Sorted(maps.Keys(properties)) {
		if name == "security.protocol" || name == "sasl.mechanisms" || name == "sasl.mechanism" {
			continue
		}
		err := try(name)
		require.Error(t, err, name)
		assert.NotContains(t, err.Error(), unknown, name)
	}
}

// certs are PEM files and texts for TLS clients.
type certs struct {
	dir                         string
	caFile, keystoreFile        string // keystoreFile holds the key and the certificate
	p12File                     string // a PKCS12 keystore, or "" when openssl is missing
	caPEM, certPEM, keyPEM      string
	templateFile, keyFile       string // for the jwt-bearer grant
	p12Password, pemKeyPassword string
}

// fakeCerts names files that need not exist, for tests that only map.
func fakeCerts() certs {
	return certs{caFile: "/ca.pem", keystoreFile: "/client.pem", p12File: "/client.p12", caPEM: "CA", certPEM: "CERT",
		keyPEM: "KEY", templateFile: "/template.json", keyFile: "/key.pem", p12Password: "p12-secret", pemKeyPassword: "pem-secret"}
}

// newCerts writes a CA, a client certificate it signed, and their key.
func newCerts(t *testing.T) certs {
	t.Helper()
	c := fakeCerts()
	c.dir = t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "clientconfig test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	caCert, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	leafDER, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "connect"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, caCert, &key.PublicKey, caKey)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)

	c.caPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}))
	c.certPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER}))
	c.keyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	write := func(name, content string) string {
		path := filepath.Join(c.dir, name)
		require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
		return path
	}
	c.caFile = write("ca.pem", c.caPEM)
	c.keystoreFile = write("client.pem", c.keyPEM+c.certPEM)
	c.keyFile = write("key.pem", c.keyPEM)
	certFile := write("cert.pem", c.certPEM)
	c.templateFile = write("template.json", `{"header":{"kid":"test"},"payload":{"sub":"connect"}}`)

	c.p12File = ""
	if openssl, err := exec.LookPath("openssl"); err == nil {
		p12 := filepath.Join(c.dir, "client.p12")
		out, err := exec.Command(openssl, "pkcs12", "-export", "-in", certFile, "-inkey", c.keyFile,
			"-out", p12, "-passout", "pass:"+c.p12Password).CombinedOutput()
		require.NoError(t, err, "%s", out)
		c.p12File = p12
	}
	return c
}

// clientCase is a realistic configuration of one client.
type clientCase struct {
	name  string
	kind  Kind
	props func(c certs) map[string]string
	p12   bool // needs the PKCS12 keystore
}

var clientCases = []clientCase{
	{name: "consumer tuning", kind: Consumer, props: func(certs) map[string]string {
		return map[string]string{
			"bootstrap.servers":                        "127.0.0.1:9092",
			"client.id":                                "connector-consumer-s3-0",
			"client.rack":                              "rack-a",
			"client.dns.lookup":                        "use_all_dns_ips",
			"security.protocol":                        "PLAINTEXT",
			"fetch.min.bytes":                          "1",
			"fetch.max.bytes":                          "52428800",
			"fetch.max.wait.ms":                        "500",
			"max.partition.fetch.bytes":                "1048576",
			"session.timeout.ms":                       "45000",
			"heartbeat.interval.ms":                    "3000",
			"max.poll.interval.ms":                     "300000",
			"max.poll.records":                         "500",
			"auto.offset.reset":                        "none",
			"isolation.level":                          "read_uncommitted",
			"partition.assignment.strategy":            "org.apache.kafka.clients.consumer.RangeAssignor,org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
			"group.instance.id":                        "worker-1-task-0",
			"group.protocol":                           "classic",
			"check.crcs":                               "true",
			"allow.auto.create.topics":                 "false",
			"receive.buffer.bytes":                     "65536",
			"send.buffer.bytes":                        "-1",
			"reconnect.backoff.ms":                     "50",
			"reconnect.backoff.max.ms":                 "1000",
			"retry.backoff.ms":                         "100",
			"retry.backoff.max.ms":                     "1000",
			"metadata.max.age.ms":                      "300000",
			"request.timeout.ms":                       "30000",
			"connections.max.idle.ms":                  "540000",
			"socket.connection.setup.timeout.ms":       "10000",
			"enable.metrics.push":                      "false",
			"metadata.recovery.strategy":               "rebootstrap",
			"metadata.recovery.rebootstrap.trigger.ms": "300000",
			"enable.auto.commit":                       "false",
			"key.deserializer":                         "org.apache.kafka.common.serialization.ByteArrayDeserializer",
		}
	}},
	{name: "consumer group protocol", kind: Consumer, props: func(certs) map[string]string {
		return map[string]string{"group.protocol": "consumer", "group.remote.assignor": "uniform", "auto.offset.reset": "earliest"}
	}},
	{name: "producer tuning", kind: Producer, props: func(certs) map[string]string {
		return map[string]string{
			"bootstrap.servers":                     "127.0.0.1:9092",
			"client.id":                             "connector-producer-http-0",
			"acks":                                  "all",
			"linger.ms":                             "5",
			"batch.size":                            "0",
			"compression.type":                      "gzip",
			"compression.gzip.level":                "6",
			"enable.idempotence":                    "true",
			"max.in.flight.requests.per.connection": "5",
			"retries":                               "2147483647",
			"delivery.timeout.ms":                   "120000",
			"request.timeout.ms":                    "30000",
			"transaction.timeout.ms":                "60000",
			"max.request.size":                      "1048576",
			"buffer.memory":                         "33554432",
			"partitioner.class":                     "org.apache.kafka.clients.producer.UniformStickyPartitioner",
			"value.serializer":                      "org.apache.kafka.common.serialization.ByteArraySerializer",
		}
	}},
	{name: "producer with Java's default partitioner", kind: Producer, props: func(certs) map[string]string {
		return map[string]string{"compression.type": "zstd", "compression.zstd.level": "3"}
	}},
	{name: "admin", kind: Admin, props: func(certs) map[string]string {
		return map[string]string{
			"bootstrap.servers":    "127.0.0.1:9092",
			"client.id":            "connect-admin",
			"request.timeout.ms":   "20000",
			"metadata.max.age.ms":  "60000",
			"retries":              "3",
			"receive.buffer.bytes": "-1",
		}
	}},
	{name: "TLS with PEM files", kind: Consumer, props: func(c certs) map[string]string {
		return map[string]string{
			"security.protocol":                     "SSL",
			"ssl.truststore.type":                   "PEM",
			"ssl.truststore.location":               c.caFile,
			"ssl.keystore.type":                     "PEM",
			"ssl.keystore.location":                 c.keystoreFile,
			"ssl.key.password":                      c.pemKeyPassword,
			"ssl.endpoint.identification.algorithm": "",
			"ssl.cipher.suites":                     "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256",
			"ssl.enabled.protocols":                 "TLSv1.2,TLSv1.3",
		}
	}},
	{name: "TLS with inline PEM", kind: Producer, props: func(c certs) map[string]string {
		return map[string]string{
			"security.protocol":                     "SSL",
			"ssl.truststore.type":                   "PEM",
			"ssl.truststore.certificates":           c.caPEM,
			"ssl.keystore.type":                     "PEM",
			"ssl.keystore.certificate.chain":        c.certPEM,
			"ssl.keystore.key":                      c.keyPEM,
			"ssl.endpoint.identification.algorithm": "https",
		}
	}},
	{name: "TLS with a PKCS12 keystore", kind: Admin, p12: true, props: func(c certs) map[string]string {
		return map[string]string{
			"security.protocol":       "SSL",
			"ssl.truststore.type":     "PEM",
			"ssl.truststore.location": c.caFile,
			"ssl.keystore.type":       "PKCS12",
			"ssl.keystore.location":   c.p12File,
			"ssl.keystore.password":   c.p12Password,
		}
	}},
	{name: "SASL PLAIN", kind: Consumer, props: func(c certs) map[string]string {
		return map[string]string{
			"security.protocol":                     "SASL_SSL",
			"sasl.mechanism":                        "PLAIN",
			"sasl.jaas.config":                      plainJAAS,
			"ssl.truststore.type":                   "PEM",
			"ssl.truststore.location":               c.caFile,
			"sasl.kerberos.service.name":            "kafka",
			"sasl.kerberos.kinit.cmd":               "kinit -R",
			"sasl.kerberos.min.time.before.relogin": "60000",
		}
	}},
	{name: "SASL SCRAM", kind: Producer, props: func(certs) map[string]string {
		return map[string]string{
			"security.protocol": "SASL_PLAINTEXT",
			"sasl.mechanism":    "SCRAM-SHA-256",
			"sasl.jaas.config":  scramJAAS,
		}
	}},
	{name: "OIDC client credentials", kind: Consumer, props: func(certs) map[string]string {
		return map[string]string{
			"security.protocol":                   "SASL_PLAINTEXT",
			"sasl.mechanism":                      "OAUTHBEARER",
			"sasl.jaas.config":                    oauthJAAS,
			"sasl.login.callback.handler.class":   oidcHandler,
			"sasl.oauthbearer.token.endpoint.url": "http://127.0.0.1:1/token",
		}
	}},
	{name: "OIDC jwt-bearer grant", kind: Producer, props: func(c certs) map[string]string {
		return map[string]string{
			"security.protocol":                           "SASL_PLAINTEXT",
			"sasl.mechanism":                              "OAUTHBEARER",
			"sasl.jaas.config":                            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;",
			"sasl.login.callback.handler.class":           oidcHandler,
			"sasl.oauthbearer.token.endpoint.url":         "http://127.0.0.1:1/token",
			"sasl.oauthbearer.jwt.retriever.class":        "org.apache.kafka.common.security.oauthbearer.JwtBearerJwtRetriever",
			"sasl.oauthbearer.assertion.template.file":    c.templateFile,
			"sasl.oauthbearer.assertion.private.key.file": c.keyFile,
		}
	}},
}

// TestClientCasesCoverRules checks that the cases below emit every
// librdkafka property the mapping table names, so that
// TestLibrdkafkaAcceptsMappedConfigs tries each of them.
func TestClientCasesCoverRules(t *testing.T) {
	emitted := make(map[string]bool)
	for _, cc := range clientCases {
		res, err := Map(cc.kind, cc.props(fakeCerts()))
		require.NoError(t, err, cc.name)
		for name := range res.Config {
			emitted[name] = true
		}
	}
	for _, r := range Rules() {
		for _, name := range r.Librdkafka {
			assert.True(t, emitted[name], "no client case emits %s (for %s)", name, r.Key)
		}
	}
}

// TestLibrdkafkaAcceptsMappedConfigs builds real clients from mapped
// configurations: librdkafka must accept every property, and must not warn
// that one is misplaced (a consumer property on a producer, say) or
// deprecated.
func TestLibrdkafkaAcceptsMappedConfigs(t *testing.T) {
	c := newCerts(t)
	for _, cc := range clientCases {
		t.Run(cc.name, func(t *testing.T) {
			if cc.p12 && c.p12File == "" {
				t.Skip("openssl is needed to write a PKCS12 keystore")
			}
			res, err := Map(cc.kind, cc.props(c))
			require.NoError(t, err)
			assert.Empty(t, build(t, cc.kind, res.Config))
		})
	}
}

// TestConfWarningsAreSeen shows that confWarnings reports misplaced
// properties, so that an empty result means something.
func TestConfWarningsAreSeen(t *testing.T) {
	warns := confWarnings(t, Consumer, map[string]string{"linger.ms": "5"})
	require.Len(t, warns, 1)
	assert.Contains(t, warns[0], "is a producer property")
}

// build builds a client of the given kind from cfg, with a broker address
// that refuses connections, and returns the configuration warnings librdkafka
// logs for cfg.
func build(t *testing.T, kind Kind, cfg map[string]string) []string {
	t.Helper()
	cm := configMap(cfg)
	cm["bootstrap.servers"] = "127.0.0.1:1"
	cm["log_level"] = "0" // the refused connections are expected
	switch kind {
	case Consumer:
		cm["group.id"] = "clientconfig-test"
		c, err := kafka.NewConsumer(&cm)
		require.NoError(t, err)
		require.NoError(t, c.Close())
	case Producer:
		p, err := kafka.NewProducer(&cm)
		require.NoError(t, err)
		p.Close()
	case Admin:
		a, err := kafka.NewAdminClient(&cm)
		require.NoError(t, err)
		a.Close()
	}
	return confWarnings(t, kind, cfg)
}

// confWarnings returns the configuration warnings librdkafka logs for cfg,
// which it logs in a fixed order while it builds a client. One of the last
// says that sasl.mechanisms is set without SASL; setting it marks the end
// of the others. So the SASL settings, which every client reads and none is
// deprecated, are left out, and the protocol is the one without SASL.
//
// Admin clients cannot forward logs, so a producer, the handle type admin
// clients use, stands in for them.
func confWarnings(t *testing.T, kind Kind, cfg map[string]string) []string {
	t.Helper()
	const fence = "`sasl.mechanism` set to `PLAIN` but `security.protocol` is not configured for SASL"
	cm := configMap(cfg)
	for name := range cm {
		if strings.HasPrefix(name, "sasl.") {
			require.Equal(t, property{kinds: allKinds}, properties[name], "%s cannot be left out", name)
			delete(cm, name)
		}
	}
	if proto, ok := cfg["security.protocol"]; ok {
		cm["security.protocol"] = strings.TrimPrefix(strings.ToUpper(proto), "SASL_")
	}
	logs := make(chan kafka.LogEvent, 64)
	cm["bootstrap.servers"] = "127.0.0.1:1"
	cm["sasl.mechanisms"] = "PLAIN"
	cm["go.logs.channel.enable"] = true
	cm["go.logs.channel"] = logs
	if kind == Consumer {
		cm["group.id"] = "clientconfig-test"
		c, err := kafka.NewConsumer(&cm)
		require.NoError(t, err)
		defer func() { assert.NoError(t, c.Close()) }()
	} else {
		p, err := kafka.NewProducer(&cm)
		require.NoError(t, err)
		defer p.Close()
	}
	var warns []string
	deadline := time.After(time.Minute)
	for {
		select {
		case e := <-logs:
			switch {
			case e.Tag != "CONFWARN":
			case strings.Contains(e.Message, fence):
				return warns
			default:
				warns = append(warns, e.Message)
			}
		case <-deadline:
			t.Fatalf("librdkafka did not finish its configuration warnings; so far: %v", warns)
			return nil
		}
	}
}

func configMap(cfg map[string]string) kafka.ConfigMap {
	cm := make(kafka.ConfigMap, len(cfg)+4)
	for k, v := range cfg {
		cm[k] = v
	}
	return cm
}
