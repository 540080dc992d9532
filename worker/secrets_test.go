package worker_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/internal/secretcheck"
	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/source"
	"github.com/connectkit/connectkit/worker"
	"github.com/connectkit/connectkit/worker/bundled"
	"github.com/connectkit/connectkit/worker/rest"
)

// saslCluster starts kfake requiring SASL/PLAIN with user "connect" and
// password pass, with the topics seeded.
func saslCluster(t *testing.T, pass string, topics ...string) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.Superuser("PLAIN", "connect", pass),
		kfake.SeedTopics(1, topics...), kfake.AllowAutoTopicCreation())
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

func saslClient(t *testing.T, addrs []string, pass string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(addrs...),
		kgo.SASL(plain.Auth{User: "connect", Pass: pass}.AsMechanism())}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(cl.Close)
	return cl
}

func jaas(pass string) string {
	return `org.apache.kafka.common.security.plain.PlainLoginModule required username="connect" password="` + pass + `";`
}

// TestSecretsNeverLeak runs every bundled connector through worker.Run
// with debug logging, against a SASL/PLAIN cluster and an HTTP API and S3
// store that require credentials, with generated secrets in every
// password setting: the connectors' own (the S3 secret key through a
// ${file:...} config provider), the Kafka clients' sasl.jaas.config, and a
// run with a wrong password so that authentication errors are logged too.
// No secret may appear in any log line or error. The REST API's responses
// join the same check: restCalls calls every endpoint while the
// connectors run, and the generated docs are checked too.
func TestSecretsNeverLeak(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 2))
	lc := secretcheck.NewCheck(r)
	kafkaPass := lc.Secret("sasl.jaas.config")
	httpPass := lc.Secret("http.auth.password")
	s3Secret := lc.Secret("aws.secret.access.key (from a ${file:...} provider)")
	wrongPass := lc.Secret("a wrong sasl.jaas.config password")

	kc := saslCluster(t, kafkaPass, "in", "out")
	addrs := kc.ListenAddrs()
	prod := saslClient(t, addrs, kafkaPass, kgo.DefaultProduceTopic("in"))
	ctx := context.Background()
	for i := range 20 {
		v := fmt.Sprintf(`{"id":%d,"ok":true}`, i)
		if i == 7 {
			v = `{"id": not json` // logged with errors.log.include.messages
		}
		require.NoError(t, prod.ProduceSync(ctx, &kgo.Record{Value: []byte(v)}).FirstErr())
	}

	store := connectortest.NewS3(t, "bucket")
	var httpCalls atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		n := httpCalls.Add(1)
		if u, p, ok := req.BasicAuth(); !ok || u != "api" || p != httpPass {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if n == 2 {
			http.Error(w, "try again", http.StatusServiceUnavailable) // an error path that logs the request
			return
		}
		_ = json.NewEncoder(w).Encode([]map[string]any{{"id": n, "v": "x"}})
	}))
	defer api.Close()

	dir := t.TempDir()
	secretsFile := filepath.Join(dir, "s3.properties")
	require.NoError(t, os.WriteFile(secretsFile, []byte("secret="+s3Secret+"\n"), 0o600))
	out := filepath.Join(dir, "out.txt")

	workerCfg := func(pass string) map[string]string {
		w := map[string]string{
			"bootstrap.servers":              strings.Join(addrs, ","),
			"config.providers":               "file",
			"config.providers.file.class":    "org.apache.kafka.common.config.provider.FileConfigProvider",
			"key.converter":                  "org.apache.kafka.connect.storage.StringConverter",
			"value.converter":                "org.apache.kafka.connect.json.JsonConverter",
			"value.converter.schemas.enable": "false",
			"offset.flush.interval.ms":       "300",
			"offset.storage.file.filename":   filepath.Join(dir, "offsets"),
		}
		for _, p := range []string{"", "consumer.", "producer.", "admin."} {
			w[p+"security.protocol"] = "SASL_PLAINTEXT"
			w[p+"sasl.mechanism"] = "PLAIN"
			w[p+"sasl.jaas.config"] = jaas(pass)
		}
		return w
	}
	errorsAll := map[string]string{"errors.tolerance": "all", "errors.log.enable": "true", "errors.log.include.messages": "true",
		"errors.deadletterqueue.topic.name": "dlq", "errors.deadletterqueue.topic.replication.factor": "1",
		"errors.deadletterqueue.context.headers.enable": "true"}
	with := func(m map[string]string, extra map[string]string) map[string]string {
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	connectors := []map[string]string{
		with(map[string]string{"name": "files", "connector.class": "FileStreamSink", "topics": "in", "file": out}, errorsAll),
		with(map[string]string{"name": "s3", "connector.class": "io.confluent.connect.s3.S3SinkConnector", "topics": "in",
			"s3.bucket.name": "bucket", "s3.region": store.Region, "store.url": store.Endpoint,
			"aws.access.key.id": store.AccessKey, "aws.secret.access.key": "${file:" + secretsFile + ":secret}",
			"format.class": "io.confluent.connect.s3.format.json.JsonFormat", "flush.size": "5",
			"storage.class": "io.confluent.connect.s3.storage.S3Storage"}, errorsAll),
		with(map[string]string{"name": "forward", "connector.class": "com.kakao.connector.kafka.KafkaSinkConnector", "topics": "in",
			"kafka.sink.bootstrap": strings.Join(addrs, ","), "kafka.sink.topic": "out",
			"kafka.filtering.condition": "$[?(@.ok == true)]", "value.converter": "org.apache.kafka.connect.storage.StringConverter",
			"kafka.sink.security.protocol": "SASL_PLAINTEXT", "kafka.sink.sasl.mechanism": "PLAIN",
			"kafka.sink.sasl.jaas.config": jaas(kafkaPass)}, errorsAll),
		{"name": "http", "connector.class": "HttpSource", "kafka.topic": "from-http", "http.request.url": api.URL,
			"http.auth.type": "Basic", "http.auth.user": "api", "http.auth.password": httpPass,
			"http.timer.interval.millis": "100", "http.timer.catchup.interval.millis": "50",
			"http.response.list.pointer": "/", "http.response.record.offset.pointer": "key=/id",
			"errors.tolerance": "all"},
	}

	// Run 1: everything right, until each connector has done its work.
	logs := &syncWriter{w: new(bytes.Buffer)}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	old := slog.Default()
	slog.SetDefault(log) // catches anything logging through the default
	t.Cleanup(func() { slog.SetDefault(old) })
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	metrics := prometheus.NewRegistry()
	addr := make(chan net.Addr, 1)
	w1 := workerCfg(kafkaPass)
	w1["listeners"] = "http://127.0.0.1:0"
	go func() {
		done <- worker.Run(runCtx, w1, connectors, worker.Options{Registry: bundled.Registry(), Logger: log, Metrics: metrics,
			API: func(h worker.Herder) http.Handler {
				return rest.NewHandler(h, rest.Options{Metrics: worker.MetricsHandler(metrics), Logger: log})
			},
			Listening: func(a net.Addr) { addr <- a }})
	}()
	reader := saslClient(t, addrs, kafkaPass, kgo.ConsumeTopics("out", "from-http"))
	seen := map[string]int{}
	deadline := time.Now().Add(45 * time.Second)
	for (seen["out"] < 19 || seen["from-http"] < 2) && time.Now().Before(deadline) {
		pctx, pcancel := context.WithTimeout(ctx, time.Second)
		reader.PollFetches(pctx).EachRecord(func(rec *kgo.Record) { seen[rec.Topic]++ })
		pcancel()
	}
	if !assert.GreaterOrEqual(t, seen["out"], 19, "the kafka sink forwarded the good records") {
		for _, line := range strings.Split(logs.String(), "\n") {
			if strings.Contains(line, `"forward"`) && !strings.Contains(line, `"DEBUG"`) {
				t.Log(line)
			}
		}
	}
	assert.GreaterOrEqual(t, seen["from-http"], 2, "the HTTP source wrote records")
	require.Eventually(t, func() bool {
		b, _ := os.ReadFile(out)
		keys, _ := store.Keys(ctx, "bucket", "")
		return strings.Count(string(b), "\n") == 19 && len(keys) > 0
	}, 30*time.Second, 100*time.Millisecond, "the file and S3 sinks wrote the good records")
	// Every REST endpoint, while the connectors run: a connector created
	// with secrets (the HTTP source's password, a ${file:...} placeholder,
	// sasl.jaas.config) and validated with invalid values beside them.
	created := with(with(map[string]string{}, connectors[3]), map[string]string{"name": "http-rest", "kafka.topic": "from-http-rest",
		"producer.override.sasl.jaas.config": jaas(kafkaPass), "producer.override.ssl.key.password": "${file:" + secretsFile + ":secret}"})
	invalid := with(with(map[string]string{}, created), map[string]string{"http.timer.interval.millis": "soon", "http.auth.type": "Digest",
		"http.auth.password": httpPass})
	restCalls(t, lc, "http://"+(<-addr).String(), "forward", "http", created, invalid)
	cancel()
	if err := <-done; err != nil {
		lc.Add("the error of run 1", fmt.Sprintf("%v\n%+v", err, err))
	}
	lc.Add("the logs of run 1", logs.String())

	// Run 2: a wrong Kafka password, for the clients' authentication errors.
	logs2 := &syncWriter{w: new(bytes.Buffer)}
	log2 := slog.New(slog.NewJSONHandler(logs2, &slog.HandlerOptions{Level: slog.LevelDebug}))
	runCtx, cancel = context.WithTimeout(ctx, 4*time.Second)
	err := worker.Run(runCtx, workerCfg(wrongPass), connectors[:1], worker.Options{Registry: bundled.Registry(), Logger: log2})
	cancel()
	if err != nil {
		lc.Add("the error of run 2", fmt.Sprintf("%v\n%+v", err, err))
	}
	lc.Add("the logs of run 2", logs2.String())
	assert.Contains(t, strings.ToLower(logs2.String()), "authenticat", "the wrong password was noticed and logged")

	// Run 3: invalid configurations beside the secrets, for the errors.
	bad := with(with(map[string]string{}, connectors[1]), map[string]string{"flush.size": "-1", "s3.part.size": "x"})
	bad["aws.secret.access.key"] = s3Secret
	httpBad := with(with(map[string]string{}, connectors[3]), map[string]string{"http.auth.type": "Digest", "http.timer.interval.millis": "soon"})
	err = worker.Run(ctx, workerCfg(kafkaPass), []map[string]string{bad, httpBad}, worker.Options{Registry: bundled.Registry(), Logger: log})
	require.Error(t, err)
	lc.Add("the configuration error of run 3", fmt.Sprintf("%v\n%+v", err, err))

	require.Positive(t, len(logs.String()), "run 1 logged")
	// The generated references (config keys, REST routes, deviations).
	docs, err := filepath.Glob("../docs/*.md")
	require.NoError(t, err)
	compat, err := filepath.Glob("../docs/compat/*.md")
	require.NoError(t, err)
	require.NotEmpty(t, compat)
	for _, f := range append(docs, compat...) {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		lc.Add(f, string(b))
	}
	lc.AssertNoLeak(t)
}

// TestShortSecretsChangeNoMessage sets every PASSWORD key of every bundled
// connector (found in their ConfigDefs and the runtimes', so a new
// connector is covered without changing this test) and the Kafka clients'
// sasl.jaas.config password to generated one-, two- and three-character
// secrets, beside invalid settings, and requires worker.Run's error and
// logs to be the same, byte for byte, whatever the secret. A short
// secret cannot be looked for in a text (a one-letter one is in every
// word); a text that does not change with it holds neither the secret nor
// a trace of masking it.
func TestShortSecretsChangeNoMessage(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 3))
	// One offsets file for every run: the sink consumers' static member
	// id is derived from its path.
	offsetsFile := filepath.Join(t.TempDir(), "offsets")
	outputFor := func(secret string) string {
		var connectors []map[string]string
		for _, p := range bundled.Plugins() {
			cfg := map[string]string{
				"name": "c-" + p.Name, "connector.class": p.Name, "topics": "t", "kafka.topic": "t",
				"tasks.max": "zero", "errors.tolerance": "some", // invalid: the runtime's errors
			}
			for _, k := range p.New().ConfigDef().Keys() {
				switch k.Type {
				case connect.ConfigPassword:
					cfg[k.Name] = secret
				case connect.ConfigInt, connect.ConfigLong:
					cfg[k.Name] = "x" // invalid: the connector's own errors
				}
			}
			connectors = append(connectors, cfg)
		}
		w := map[string]string{"bootstrap.servers": "127.0.0.1:1", "offset.flush.interval.ms": "soon"}
		for _, k := range append(sink.ConfigDef().Keys(), source.ConfigDef().Keys()...) {
			if k.Type == connect.ConfigPassword {
				w[k.Name] = secret
			}
		}
		for _, p := range []string{"consumer.", "producer."} {
			w[p+"security.protocol"] = "SASL_SSL"
			w[p+"sasl.mechanism"] = "SCRAM-SHA-512"
			w[p+"sasl.jaas.config"] = `org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="` + secret + `" unknownOption="` + secret + `";`
			w[p+"ssl.key.password"] = secret
			w[p+"ssl.keystore.password"] = secret + "x"
			w[p+"ssl.keystore.type"] = "PKCS12"
		}
		var logs bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug,
			ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Attr{}
				}
				return a
			}}))
		err := worker.Run(context.Background(), w, connectors, worker.Options{Registry: bundled.Registry(), Logger: log})
		require.Error(t, err)
		out := err.Error() + "\n"
		// Valid connectors, so that the client settings are checked (and
		// fail: a PKCS12 key password that differs from the store's).
		delete(w, "offset.flush.interval.ms")
		w["offset.storage.file.filename"] = offsetsFile
		err = worker.Run(context.Background(), w, []map[string]string{
			{"name": "files", "connector.class": "FileStreamSink", "topics": "t", "file": filepath.Join(t.TempDir(), "f")},
			{"name": "http", "connector.class": "HttpSource", "kafka.topic": "t", "http.request.url": "http://127.0.0.1:1/",
				"http.auth.type": "Basic", "http.auth.user": "u", "http.auth.password": secret},
		}, worker.Options{Registry: bundled.Registry(), Logger: log, ClusterTimeout: 200 * time.Millisecond})
		require.Error(t, err)
		// The two connectors run side by side and the client retries its
		// refused connection as often as time allows: compare the lines
		// sorted, without the client's connection attempts.
		// The broker's own words for the refusal vary from run to run too.
		brokerError := regexp.MustCompile(`(within 200ms: )[^"\n]*`)
		var lines []string
		for _, l := range strings.Split(out+err.Error()+"\n"+logs.String(), "\n") {
			if !strings.Contains(l, "facility=FAIL") {
				lines = append(lines, brokerError.ReplaceAllString(l, "${1}<the client's error>"))
			}
		}
		slices.Sort(lines)
		return strings.Join(lines, "\n")
	}
	hiddenInWord := regexp.MustCompile(`\w\[hidden\]|\[hidden\]\w|\[hidd\[`)
	letters := "abcdefghijklmnopqrstuvwxyz"
	for n := 1; n <= 3; n++ {
		var secrets []string
		for range 4 {
			b := make([]byte, n)
			for i := range b {
				b[i] = letters[r.IntN(len(letters))]
			}
			secrets = append(secrets, string(b))
		}
		first := outputFor(secrets[0])
		require.Contains(t, first, "tasks.max", "the run failed on the invalid settings")
		require.Contains(t, first, "ssl.key.password", "the client settings were checked")
		assert.NotRegexp(t, hiddenInWord, first)
		for _, s := range secrets[1:] {
			assert.Equal(t, first, outputFor(s), "the output changes with the secret (%q vs %q)", secrets[0], s)
		}
	}
}

// restCalls calls every endpoint of rest.Routes(), and GET /metrics, on the
// worker at base while the connectors of TestSecretsNeverLeak run, and
// adds each status and response body to lc. It fails t for a route it did
// not call, so that a new route cannot be forgotten. sinkName and
// sourceName are running connectors; create is the configuration, with
// secrets, of a connector to create, change and delete.
func restCalls(t *testing.T, lc *secretcheck.Check, base, sinkName, sourceName string, create map[string]string, validate map[string]string) {
	t.Helper()
	known := map[string]bool{}
	for _, rt := range rest.Routes() {
		known[rt.Method+" "+rt.Path] = true
	}
	called := map[string]bool{}
	call := func(method, route, path string, body any) (int, string) {
		t.Helper()
		if route != "" {
			require.True(t, known[method+" "+route], "%s %s is not in rest.Routes()", method, route)
			called[method+" "+route] = true
		}
		var rd io.Reader
		if body != nil {
			b, err := json.Marshal(body)
			require.NoError(t, err)
			rd = bytes.NewReader(b)
		}
		req, err := http.NewRequest(method, base+path, rd)
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		lc.Add("REST "+method+" "+path, fmt.Sprintf("%d %s\n%s\n", resp.StatusCode, resp.Header, b))
		assert.Less(t, resp.StatusCode, 500, "%s %s: %s", method, path, b)
		return resp.StatusCode, string(b)
	}
	eventually := func(what string, cond func() bool) {
		t.Helper()
		require.Eventually(t, cond, 20*time.Second, 50*time.Millisecond, what)
	}
	state := func(name string) string {
		_, b := call("GET", "/connectors/{connector}/status", "/connectors/"+name+"/status", nil)
		var st struct {
			Connector struct{ State string } `json:"connector"`
		}
		_ = json.Unmarshal([]byte(b), &st)
		return st.Connector.State
	}

	call("GET", "/{$}", "/", nil)
	call("GET", "/health", "/health", nil)
	call("GET", "/connectors", "/connectors", nil)
	call("GET", "/connectors", "/connectors?expand=status&expand=info", nil)
	call("GET", "/connector-plugins", "/connector-plugins", nil)
	call("GET", "/connector-plugins", "/connector-plugins?connectorsOnly=false", nil)
	for _, name := range []string{sinkName, sourceName} {
		for _, p := range []string{"", "/config", "/status", "/tasks", "/topics"} {
			call("GET", "/connectors/{connector}"+p, "/connectors/"+name+p, nil)
		}
		call("GET", "/connectors/{connector}/tasks/{task}/status", "/connectors/"+name+"/tasks/0/status", nil)
		call("GET", "/connectors/{connector}/offsets", "/connectors/"+name+"/offsets", nil)
		call("GET", "/connector-plugins/{plugin}/config", "/connector-plugins/"+url.PathEscape(create["connector.class"])+"/config", nil)
	}

	// A connector created, reconfigured and patched with its secrets.
	name := create["name"]
	status, b := call("POST", "/connectors", "/connectors", map[string]any{"name": name, "config": create})
	require.Equal(t, 201, status, b)
	status, b = call("PUT", "/connectors/{connector}/config", "/connectors/"+name+"/config", create)
	require.Equal(t, 200, status, b)
	call("PATCH", "/connectors/{connector}/config", "/connectors/"+name+"/config", map[string]any{"tasks.max": "1"})
	eventually("the created connector runs", func() bool { return state(name) == "RUNNING" })
	call("GET", "/connectors/{connector}/config", "/connectors/"+name+"/config", nil)
	call("GET", "/connectors/{connector}/tasks", "/connectors/"+name+"/tasks", nil)

	// Pause, resume, restart; then stop and change the offsets.
	call("PUT", "/connectors/{connector}/pause", "/connectors/"+sourceName+"/pause", nil)
	eventually("paused", func() bool { return state(sourceName) == "PAUSED" })
	call("PUT", "/connectors/{connector}/resume", "/connectors/"+sourceName+"/resume", nil)
	eventually("resumed", func() bool { return state(sourceName) == "RUNNING" })
	call("POST", "/connectors/{connector}/restart", "/connectors/"+sourceName+"/restart", nil)
	call("POST", "/connectors/{connector}/restart", "/connectors/"+sourceName+"/restart?includeTasks=true&onlyFailed=false", nil)
	call("POST", "/connectors/{connector}/tasks/{task}/restart", "/connectors/"+sourceName+"/tasks/0/restart", nil)
	call("PUT", "/connectors/{connector}/topics/reset", "/connectors/"+sinkName+"/topics/reset", nil)
	for _, n := range []string{sourceName, sinkName} {
		status, b = call("PUT", "/connectors/{connector}/stop", "/connectors/"+n+"/stop", nil)
		require.Equal(t, 204, status, b)
		eventually("stopped", func() bool { return state(n) == "STOPPED" })
		_, b = call("GET", "/connectors/{connector}/offsets", "/connectors/"+n+"/offsets", nil)
		var o map[string]any
		require.NoError(t, json.Unmarshal([]byte(b), &o), b)
		if offs, _ := o["offsets"].([]any); len(offs) > 0 {
			status, b = call("PATCH", "/connectors/{connector}/offsets", "/connectors/"+n+"/offsets", o)
			require.Equal(t, 200, status, b)
		}
		status, b = call("DELETE", "/connectors/{connector}/offsets", "/connectors/"+n+"/offsets", nil)
		require.Equal(t, 200, status, b)
		call("PUT", "/connectors/{connector}/resume", "/connectors/"+n+"/resume", nil)
	}
	status, b = call("DELETE", "/connectors/{connector}", "/connectors/"+name, nil)
	require.Equal(t, 204, status, b)

	// Validation, with the secrets and with invalid values beside them.
	for _, cfg := range []map[string]string{create, validate} {
		status, b = call("PUT", "/connector-plugins/{plugin}/config/validate",
			"/connector-plugins/"+url.PathEscape(cfg["connector.class"])+"/config/validate", cfg)
		require.Equal(t, 200, status, b)
	}
	require.Contains(t, b, `"error_count"`)

	call("GET", "/admin/loggers", "/admin/loggers", nil)
	call("PUT", "/admin/loggers/{logger}", "/admin/loggers/org.apache.kafka.connect", map[string]string{"level": "DEBUG"})
	call("GET", "/admin/loggers/{logger}", "/admin/loggers/org.apache.kafka.connect", nil)
	status, b = call("GET", "", "/metrics", nil)
	require.Equal(t, 200, status)
	require.Contains(t, b, "kafka_connect_", "the metrics are served")
	call("GET", "/health", "/health", nil)

	for _, rt := range rest.Routes() {
		assert.True(t, called[rt.Method+" "+rt.Path], "the secrets test does not call %s %s: add it to restCalls", rt.Method, rt.Path)
	}
}
