package rest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/converters"
	"github.com/connectkit/connectkit/worker"
	"github.com/connectkit/connectkit/worker/bundled"
	"github.com/connectkit/connectkit/worker/rest"
)

// secretSink is a sink whose password setting must never be shown.
type secretSink struct{}

func (secretSink) ConfigDef() *connect.ConfigDef {
	return connect.NewConfigDef().Define(connect.ConfigKey{Name: "db.password", Type: connect.ConfigPassword,
		Default: "", Importance: connect.High, Doc: "A secret."})
}

func (secretSink) TaskConfigs(config map[string]string, maxTasks int) ([]map[string]string, error) {
	return connect.ReplicateConfig(config, maxTasks), nil
}

func (secretSink) NewTask() connect.SinkTask { return &nopSinkTask{} }

type nopSinkTask struct{}

func (*nopSinkTask) Start(context.Context, map[string]string, connect.SinkTaskContext) error {
	return nil
}
func (*nopSinkTask) Put(context.Context, []connect.SinkRecord) error { return nil }
func (*nopSinkTask) Stop(context.Context) error                      { return nil }

// failSink's tasks fail to start.
type failSink struct{ secretSink }

func (failSink) NewTask() connect.SinkTask { return &failTask{} }

type failTask struct{ nopSinkTask }

func (*failTask) Start(context.Context, map[string]string, connect.SinkTaskContext) error {
	return errors.New("cannot open the database")
}

// countSource writes records 0..4 of partition {"file": "f"}, each with
// offset {"line": n}, then idles.
type countSource struct{}

func (countSource) ConfigDef() *connect.ConfigDef {
	return connect.NewConfigDef().Define(connect.ConfigKey{Name: "topic", Type: connect.ConfigString, Importance: connect.High, Doc: "Topic."})
}

func (countSource) TaskConfigs(config map[string]string, maxTasks int) ([]map[string]string, error) {
	return connect.ReplicateConfig(config, 1), nil
}

func (countSource) NewTask() connect.SourceTask { return &countTask{} }

type countTask struct {
	topic string
	n     int
}

func (t *countTask) Start(_ context.Context, config map[string]string, _ connect.SourceTaskContext) error {
	t.topic = config["topic"]
	return nil
}

func (t *countTask) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	if t.n >= 5 {
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
		return nil, nil
	}
	t.n++
	return []connect.SourceRecord{{Topic: t.topic, Value: []byte(fmt.Sprint(t.n)),
		SourcePartition: map[string]any{"file": "f"}, SourceOffset: map[string]any{"line": t.n}}}, nil
}

func (t *countTask) Stop(context.Context) error { return nil }

// server runs a standalone herder and the REST API over it until the test
// ends.
func server(t *testing.T, c *connectortest.Cluster) (*httptest.Server, *worker.Standalone) {
	t.Helper()
	reg := bundled.Registry()
	reg.Register(worker.Plugin{Name: "SecretSink", Aliases: []string{"com.example.SecretSinkConnector"},
		New: func() connect.Connector { return secretSink{} }})
	reg.Register(worker.Plugin{Name: "FailSink", New: func() connect.Connector { return failSink{} }})
	reg.Register(worker.Plugin{Name: "CountSource", Aliases: []string{"com.example.CountSourceConnector"},
		New: func() connect.Connector { return countSource{} }})
	wcfg := map[string]string{
		"bootstrap.servers":            c.BootstrapServers(),
		"key.converter":                "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":              "org.apache.kafka.connect.storage.StringConverter",
		"offset.flush.interval.ms":     "100",
		"offset.storage.file.filename": filepath.Join(t.TempDir(), "offsets.json"),
		"listeners":                    "http://127.0.0.1:0",
	}
	log := slog.New(slog.DiscardHandler)
	h, err := worker.NewStandalone(wcfg, worker.Options{Registry: reg, Logger: log})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	srv := httptest.NewServer(rest.NewHandler(h, rest.Options{Version: "test", Commit: "abc", Logger: log}))
	t.Cleanup(func() {
		srv.Close()
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(30 * time.Second):
			t.Error("Run did not return")
		}
	})
	return srv, h
}

type response struct {
	status int
	body   []byte
}

func (r response) json(t *testing.T) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(r.body, &v), "body %s", r.body)
	return v
}

func (r response) object(t *testing.T) map[string]any {
	t.Helper()
	m, ok := r.json(t).(map[string]any)
	require.True(t, ok, "body %s is not an object", r.body)
	return m
}

func call(t *testing.T, srv *httptest.Server, method, path, body string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{resp.StatusCode, b}
}

func waitState(t *testing.T, c *connectortest.Cluster, srv *httptest.Server, name, connState, taskState string) map[string]any {
	t.Helper()
	var last map[string]any
	c.WaitFor(t, 30*time.Second, func() bool {
		r := call(t, srv, "GET", "/connectors/"+name+"/status", "")
		if r.status != 200 {
			return false
		}
		last = r.object(t)
		if last["connector"].(map[string]any)["state"] != connState {
			return false
		}
		tasks := last["tasks"].([]any)
		if taskState == "" {
			return len(tasks) == 0
		}
		for _, ts := range tasks {
			if ts.(map[string]any)["state"] != taskState {
				return false
			}
		}
		return len(tasks) > 0
	}, "connector %s to be %s with tasks %s", name, connState, taskState)
	return last
}

func TestSinkConnectorLifecycle(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "in", 2)
	srv, _ := server(t, c)
	file := filepath.Join(t.TempDir(), "out.txt")

	r := call(t, srv, "POST", "/connectors", fmt.Sprintf(`{"name":"fs","config":{"connector.class":"FileStreamSink","topics":"in","file":%q,"tasks.max":1}}`, file))
	require.Equal(t, 201, r.status, "%s", r.body)
	info := r.object(t)
	assert.Equal(t, "fs", info["name"])
	assert.Equal(t, "sink", info["type"])
	assert.Equal(t, "1", info["config"].(map[string]any)["tasks.max"], "numbers become strings, as in Kafka Connect")

	assert.Equal(t, 409, call(t, srv, "POST", "/connectors", `{"name":"fs","config":{"connector.class":"FileStreamSink","topics":"in"}}`).status)
	st := waitState(t, c, srv, "fs", "RUNNING", "RUNNING")
	assert.Equal(t, "sink", st["type"])
	assert.NotEmpty(t, st["tasks"].([]any)[0].(map[string]any)["worker_id"])

	c.Produce(t, connectortest.Record{Topic: "in", Partition: 0, Value: []byte("a")}, connectortest.Record{Topic: "in", Partition: 1, Value: []byte("b")})

	list := call(t, srv, "GET", "/connectors?expand=status&expand=info", "").object(t)
	require.Contains(t, list, "fs")
	assert.Contains(t, list["fs"], "status")
	assert.Contains(t, list["fs"], "info")
	assert.Equal(t, []any{"fs"}, call(t, srv, "GET", "/connectors", "").json(t))
	assert.Equal(t, []any{"fs"}, call(t, srv, "GET", "/connectors/", "").json(t), "a trailing slash is ignored, as by Jersey")

	tasks := call(t, srv, "GET", "/connectors/fs/tasks", "").json(t).([]any)
	require.Len(t, tasks, 1)
	assert.Equal(t, map[string]any{"connector": "fs", "task": float64(0)}, tasks[0].(map[string]any)["id"])
	assert.Equal(t, "RUNNING", call(t, srv, "GET", "/connectors/fs/tasks/0/status", "").object(t)["state"])
	assert.Equal(t, 404, call(t, srv, "GET", "/connectors/fs/tasks/7/status", "").status)
	assert.Equal(t, map[string]any{"fs": map[string]any{"topics": []any{"in"}}}, call(t, srv, "GET", "/connectors/fs/topics", "").json(t))

	assert.Equal(t, 202, call(t, srv, "PUT", "/connectors/fs/pause", "").status)
	waitState(t, c, srv, "fs", "PAUSED", "PAUSED")
	assert.Equal(t, 202, call(t, srv, "PUT", "/connectors/fs/resume", "").status)
	waitState(t, c, srv, "fs", "RUNNING", "RUNNING")

	// The records reach the file and their offsets are committed.
	c.WaitFor(t, 30*time.Second, func() bool {
		o := call(t, srv, "GET", "/connectors/fs/offsets", "").object(t)["offsets"].([]any)
		return len(o) == 2
	}, "both partitions' offsets committed")

	assert.Equal(t, 400, call(t, srv, "PATCH", "/connectors/fs/offsets", `{"offsets":[{"partition":{"kafka_topic":"in","kafka_partition":0},"offset":{"kafka_offset":0}}]}`).status,
		"offsets change only on a STOPPED connector")
	assert.Equal(t, 204, call(t, srv, "PUT", "/connectors/fs/stop", "").status)
	waitState(t, c, srv, "fs", "STOPPED", "")
	assert.Equal(t, []any{}, call(t, srv, "GET", "/connectors/fs/tasks", "").json(t))

	want := []any{
		map[string]any{"partition": map[string]any{"kafka_topic": "in", "kafka_partition": float64(0)}, "offset": map[string]any{"kafka_offset": float64(1)}},
		map[string]any{"partition": map[string]any{"kafka_topic": "in", "kafka_partition": float64(1)}, "offset": map[string]any{"kafka_offset": float64(1)}},
	}
	assert.Equal(t, want, call(t, srv, "GET", "/connectors/fs/offsets", "").object(t)["offsets"])
	r = call(t, srv, "PATCH", "/connectors/fs/offsets", `{"offsets":[{"partition":{"kafka_topic":"in","kafka_partition":0},"offset":{"kafka_offset":0}}]}`)
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.Contains(t, r.object(t)["message"], "altered successfully")
	assert.Equal(t, int64(0), c.CommittedOffsets(t, "connect-fs")[connect.TopicPartition{Topic: "in", Partition: 0}])
	assert.Equal(t, 400, call(t, srv, "PATCH", "/connectors/fs/offsets", `{"offsets":[{"partition":{"kafka_topic":"in","kafka_partition":"x"},"offset":{"kafka_offset":0}}]}`).status)
	assert.Equal(t, 400, call(t, srv, "PATCH", "/connectors/fs/offsets", `{"offsets":[]}`).status)
	r = call(t, srv, "DELETE", "/connectors/fs/offsets", "")
	require.Equal(t, 200, r.status, "%s", r.body)
	r = call(t, srv, "GET", "/connectors/fs/offsets", "")
	assert.Equal(t, []any{}, r.object(t)["offsets"], "%s", r.body)

	assert.Equal(t, 202, call(t, srv, "PUT", "/connectors/fs/resume", "").status)
	waitState(t, c, srv, "fs", "RUNNING", "RUNNING")
	r = call(t, srv, "POST", "/connectors/fs/restart?includeTasks=true", "")
	require.Equal(t, 202, r.status)
	plan := r.object(t)
	assert.Equal(t, "RESTARTING", plan["connector"].(map[string]any)["state"])
	assert.Equal(t, "RESTARTING", plan["tasks"].([]any)[0].(map[string]any)["state"])
	waitState(t, c, srv, "fs", "RUNNING", "RUNNING")
	assert.Equal(t, 204, call(t, srv, "POST", "/connectors/fs/restart", "").status)
	assert.Equal(t, 202, call(t, srv, "POST", "/connectors/fs/restart?onlyFailed=true", "").status)
	assert.Equal(t, 204, call(t, srv, "POST", "/connectors/fs/tasks/0/restart", "").status)
	assert.Equal(t, 404, call(t, srv, "POST", "/connectors/fs/tasks/3/restart", "").status)

	r = call(t, srv, "PATCH", "/connectors/fs/config", `{"tasks.max":"2","file":null}`)
	require.Equal(t, 200, r.status, "%s", r.body)
	cfg := call(t, srv, "GET", "/connectors/fs/config", "").object(t)
	assert.Equal(t, "2", cfg["tasks.max"])
	assert.NotContains(t, cfg, "file")
	r = call(t, srv, "PUT", "/connectors/fs/config", fmt.Sprintf(`{"connector.class":"FileStreamSink","topics":"in","file":%q}`, file))
	assert.Equal(t, 200, r.status, "%s", r.body)
	r = call(t, srv, "PUT", "/connectors/fs2/config", fmt.Sprintf(`{"connector.class":"FileStreamSink","topics":"in","file":%q}`, file))
	assert.Equal(t, 201, r.status, "%s", r.body)

	assert.Equal(t, 204, call(t, srv, "DELETE", "/connectors/fs", "").status)
	assert.Equal(t, 404, call(t, srv, "GET", "/connectors/fs", "").status)
	assert.Equal(t, 404, call(t, srv, "DELETE", "/connectors/fs", "").status)
}

func TestBadRequests(t *testing.T) {
	c := connectortest.NewCluster(t)
	srv, _ := server(t, c)
	for _, tc := range []struct {
		method, path, body string
		status             int
	}{
		{"GET", "/connectors/nope", "", 404},
		{"GET", "/connectors/nope/status", "", 404},
		{"PUT", "/connectors/nope/pause", "", 404},
		{"GET", "/connectors/nope/offsets", "", 404},
		{"POST", "/connectors", `{"name": "x", "config": {`, 500},
		{"POST", "/connectors", `{"name":"x","config":{"connector.class":"FileStreamSink","tasks.max":"many"}}`, 400},
		{"POST", "/connectors", `{"name":"","config":{"connector.class":"FileStreamSink","topics":"t"}}`, 400},
		{"POST", "/connectors", `{"name":"a\u0001b","config":{"connector.class":"FileStreamSink","topics":"t"}}`, 400},
		{"POST", "/connectors", `{"name":"x","config":{"connector.class":"NoSuchThing","topics":"t"}}`, 400},
		{"POST", "/connectors", `{"name":"x","config":{"name":"y","connector.class":"FileStreamSink","topics":"t"}}`, 400},
		{"PUT", "/connectors/x/config", `{"name":"y","connector.class":"FileStreamSink","topics":"t"}`, 400},
		{"POST", "/connectors", `{"name":"x","config":{"connector.class":"FileStreamSink","topics":{"a":1}}}`, 400},
		{"POST", "/connectors", `{"name":"x","config":{"connector.class":"FileStreamSink","topics":"t"},"initial_state":"SLEEPING"}`, 400},
		{"POST", "/connectors", `{"name":"x","config":{"topics":"` + strings.Repeat("t", rest.DefaultMaxBodyBytes) + `"}}`, 413},
		{"DELETE", "/connectors", "", 405},
		{"GET", "/no/such/path", "", 404},
		{"PUT", "/admin/loggers/x", `{"level":"LOUD"}`, 404},
		{"PUT", "/admin/loggers/x", `{}`, 400},
		{"GET", "/admin/loggers/never.set", "", 404},
		{"PUT", "/connector-plugins/FileStreamSink/config/validate", `{"connector.class":"S3Sink"}`, 400},
		{"PUT", "/connector-plugins/FileStreamSink/config/validate", `{"topics":"t"}`, 400},
	} {
		r := call(t, srv, tc.method, tc.path, tc.body)
		path := tc.path
		if len(path) > 60 {
			path = path[:60]
		}
		if assert.Equal(t, tc.status, r.status, "%s %s %.200s: %.300s", tc.method, path, tc.body, r.body) {
			body := r.object(t)
			assert.Equal(t, float64(tc.status), body["error_code"], "%s %s", tc.method, path)
			assert.NotEmpty(t, body["message"])
		}
	}
	// An invalid configuration lists every problem.
	r := call(t, srv, "POST", "/connectors", `{"name":"x","config":{"connector.class":"FileStreamSink","tasks.max":"many","errors.tolerance":"maybe"}}`)
	msg := r.object(t)["message"].(string)
	assert.Contains(t, msg, "contains the following 4 error(s)")
	for _, key := range []string{"tasks.max", "errors.tolerance", "topics", "topics.regex"} {
		assert.Contains(t, msg, key)
	}
}

func TestValidateReportsEveryErrorWithPasswordsHidden(t *testing.T) {
	c := connectortest.NewCluster(t)
	srv, _ := server(t, c)
	r := call(t, srv, "PUT", "/connector-plugins/SecretSink/config/validate",
		`{"connector.class":"SecretSink","name":"v","tasks.max":"x","errors.tolerance":"maybe","db.password":"hunter2","consumer.override.sasl.jaas.config":"secret-jaas"}`)
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.NotContains(t, string(r.body), "hunter2")
	var infos worker.ConfigInfos
	require.NoError(t, json.Unmarshal(r.body, &infos))
	assert.Equal(t, "com.example.SecretSinkConnector", infos.Name)
	assert.Equal(t, 4, infos.ErrorCount, "tasks.max, errors.tolerance, topics and topics.regex")
	byName := map[string]worker.ConfigInfo{}
	for _, ci := range infos.Configs {
		byName[ci.Definition.Name] = ci
	}
	require.Contains(t, byName, "db.password")
	assert.Equal(t, "PASSWORD", byName["db.password"].Definition.Type)
	assert.Equal(t, worker.Hidden, *byName["db.password"].Value.Value)
	assert.Len(t, byName["tasks.max"].Value.Errors, 1)
	assert.Equal(t, "INT", byName["tasks.max"].Definition.Type)
	assert.NotContains(t, byName, "bootstrap.servers", "worker settings are not a connector's")
	assert.Contains(t, infos.Groups, "Common")

	keys := call(t, srv, "GET", "/connector-plugins/FileStreamSink/config", "").json(t).([]any)
	assert.NotEmpty(t, keys)
}

func TestPasswordsAreHiddenAndPlaceholdersShown(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "in", 1)
	srv, _ := server(t, c)
	r := call(t, srv, "POST", "/connectors", `{"name":"s","config":{"connector.class":"SecretSink","topics":"in",
		"db.password":"hunter2","consumer.override.sasl.jaas.config":"org.apache.kafka.common.security.plain.PlainLoginModule required password=\"jaas-secret\";",
		"value.converter.basic.auth.user.info":"${file:/secrets.properties:sr}"}}`)
	require.Equal(t, 201, r.status, "%s", r.body)
	waitState(t, c, srv, "s", "RUNNING", "RUNNING")
	for _, path := range []string{"/connectors/s", "/connectors/s/config", "/connectors/s/tasks", "/connectors/s/status",
		"/connectors?expand=info&expand=status"} {
		r := call(t, srv, "GET", path, "")
		require.Equal(t, 200, r.status, "%s: %s", path, r.body)
		assert.NotContains(t, string(r.body), "hunter2", path)
		assert.NotContains(t, string(r.body), "jaas-secret", path)
	}
	cfg := call(t, srv, "GET", "/connectors/s/config", "").object(t)
	assert.Equal(t, worker.Hidden, cfg["db.password"])
	assert.Equal(t, worker.Hidden, cfg["consumer.override.sasl.jaas.config"])
	assert.Equal(t, "${file:/secrets.properties:sr}", cfg["value.converter.basic.auth.user.info"])
}

func TestSourceOffsets(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "out", 1)
	srv, _ := server(t, c)
	r := call(t, srv, "POST", "/connectors", `{"name":"src","config":{"connector.class":"CountSource","topic":"out"}}`)
	require.Equal(t, 201, r.status, "%s", r.body)
	c.WaitFor(t, 30*time.Second, func() bool {
		o := call(t, srv, "GET", "/connectors/src/offsets", "").object(t)["offsets"].([]any)
		return len(o) == 1 && o[0].(map[string]any)["offset"].(map[string]any)["line"] == float64(5)
	}, "the source offset of the last record stored")
	require.Equal(t, 204, call(t, srv, "PUT", "/connectors/src/stop", "").status)
	r = call(t, srv, "PATCH", "/connectors/src/offsets", `{"offsets":[{"partition":{"file":"f"},"offset":{"line":2}},{"partition":{"file":"g"},"offset":{"line":9}}]}`)
	require.Equal(t, 200, r.status, "%s", r.body)
	got := call(t, srv, "GET", "/connectors/src/offsets", "").object(t)["offsets"].([]any)
	assert.ElementsMatch(t, []any{
		map[string]any{"partition": map[string]any{"file": "f"}, "offset": map[string]any{"line": float64(2)}},
		map[string]any{"partition": map[string]any{"file": "g"}, "offset": map[string]any{"line": float64(9)}},
	}, got)
	require.Equal(t, 200, call(t, srv, "DELETE", "/connectors/src/offsets", "").status)
	assert.Equal(t, []any{}, call(t, srv, "GET", "/connectors/src/offsets", "").object(t)["offsets"])
}

func TestRootHealthPluginsLoggers(t *testing.T) {
	c := connectortest.NewCluster(t)
	srv, _ := server(t, c)
	root := call(t, srv, "GET", "/", "").object(t)
	assert.Equal(t, "test", root["version"])
	assert.NotEmpty(t, root["kafka_cluster_id"])

	c.WaitFor(t, 10*time.Second, func() bool { return call(t, srv, "GET", "/health", "").status == 200 }, "healthy")
	assert.Equal(t, "healthy", call(t, srv, "GET", "/health", "").object(t)["status"])

	plugins := call(t, srv, "GET", "/connector-plugins", "").json(t).([]any)
	var classes []string
	for _, p := range plugins {
		classes = append(classes, p.(map[string]any)["class"].(string))
	}
	assert.Contains(t, classes, "org.apache.kafka.connect.file.FileStreamSinkConnector")
	assert.Equal(t, 200, call(t, srv, "GET", "/connector-plugins?connectorsOnly=false", "").status)

	loggers := call(t, srv, "GET", "/admin/loggers", "").object(t)
	assert.Equal(t, map[string]any{"level": "INFO", "last_modified": nil}, loggers["root"])
	r := call(t, srv, "PUT", "/admin/loggers/worker.rest", `{"level":"debug"}`)
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.Equal(t, []any{"worker.rest"}, r.json(t))
	got := call(t, srv, "GET", "/admin/loggers/worker.rest", "").object(t)
	assert.Equal(t, "DEBUG", got["level"])
	assert.NotNil(t, got["last_modified"])
}

func TestHealthFailsWhenTheClusterIsUnreachable(t *testing.T) {
	h, err := worker.NewStandalone(map[string]string{"bootstrap.servers": "127.0.0.1:1"}, worker.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	srv := httptest.NewServer(rest.NewHandler(h, rest.Options{Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()
	r := call(t, srv, "GET", "/health", "")
	assert.Equal(t, 503, r.status, "not started: %s", r.body)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	defer func() { cancel(); <-done }()
	require.Eventually(t, func() bool { return call(t, srv, "GET", "/health", "").status != 503 }, 10*time.Second, 20*time.Millisecond)
	r = call(t, srv, "GET", "/health", "")
	assert.Equal(t, 500, r.status)
	body := r.object(t)
	assert.Equal(t, "unhealthy", body["status"])
	assert.Contains(t, body["message"], "bootstrap.servers")
}

func TestLoggersFilterByLoggerName(t *testing.T) {
	var buf bytes.Buffer
	l := rest.NewLoggers(slog.LevelInfo)
	log := slog.New(l.Handler(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.Level(-100)})))
	quiet := log.With(rest.LoggerAttr, "a.b.c")
	quiet.Debug("hidden")
	l.Set("a.b", slog.LevelDebug, time.Now())
	quiet.Debug("shown")
	log.Debug("root stays at INFO")
	assert.NotContains(t, buf.String(), "hidden")
	assert.Contains(t, buf.String(), "shown")
	assert.NotContains(t, buf.String(), "root stays")
}

func TestFailedTaskIsVisibleAndRestartable(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "in", 1)
	srv, _ := server(t, c)
	r := call(t, srv, "POST", "/connectors", `{"name":"bad","config":{"connector.class":"FailSink","topics":"in","db.password":"hunter2"}}`)
	require.Equal(t, 201, r.status, "%s", r.body)
	st := waitState(t, c, srv, "bad", "RUNNING", "FAILED")
	task := st["tasks"].([]any)[0].(map[string]any)
	assert.Contains(t, task["trace"], "cannot open the database")
	assert.Equal(t, "undefined", task["version"])

	h := call(t, srv, "GET", "/health", "")
	assert.Equal(t, 500, h.status)
	assert.Contains(t, h.object(t)["message"], "bad-0")

	r = call(t, srv, "POST", "/connectors/bad/restart?includeTasks=true&onlyFailed=true", "")
	require.Equal(t, 202, r.status, "%s", r.body)
	plan := r.object(t)
	assert.Equal(t, "RUNNING", plan["connector"].(map[string]any)["state"], "a running connector is not restarted with onlyFailed")
	assert.Equal(t, "RESTARTING", plan["tasks"].([]any)[0].(map[string]any)["state"])
	assert.NotContains(t, plan["tasks"].([]any)[0].(map[string]any), "trace")
	// It fails again: the restart happened and the status shows it.
	waitState(t, c, srv, "bad", "RUNNING", "FAILED")

	require.Equal(t, 204, call(t, srv, "PUT", "/connectors/bad/stop", "").status)
	c.WaitFor(t, 10*time.Second, func() bool { return call(t, srv, "GET", "/health", "").status == 200 },
		"healthy once the failed connector is stopped")
}

// TestConcurrentRequests changes one connector from many goroutines at
// once; the herder serializes the changes, and every runtime it started
// stops before Run returns (the server's cleanup checks that).
func TestConcurrentRequests(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "in", 1)
	srv, _ := server(t, c)
	file := filepath.Join(t.TempDir(), "out.txt")
	r := call(t, srv, "POST", "/connectors", fmt.Sprintf(`{"name":"busy","config":{"connector.class":"FileStreamSink","topics":"in","file":%q}}`, file))
	require.Equal(t, 201, r.status, "%s", r.body)
	ops := []struct{ method, path string }{
		{"PUT", "/connectors/busy/pause"}, {"PUT", "/connectors/busy/resume"}, {"PUT", "/connectors/busy/stop"},
		{"POST", "/connectors/busy/restart?includeTasks=true"}, {"GET", "/connectors/busy/status"},
		{"GET", "/connectors?expand=status"}, {"PATCH", "/connectors/busy/config"},
	}
	done := make(chan struct{})
	for g := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 6 {
				op := ops[(g+i)%len(ops)]
				body := ""
				if op.method == "PATCH" {
					body = fmt.Sprintf(`{"tasks.max":"%d"}`, 1+i%2)
				}
				r := call(t, srv, op.method, op.path, body)
				assert.Less(t, r.status, 300, "%s %s: %s", op.method, op.path, r.body)
			}
		}()
	}
	for range 8 {
		<-done
	}
	require.Equal(t, 202, call(t, srv, "PUT", "/connectors/busy/resume", "").status)
	waitState(t, c, srv, "busy", "RUNNING", "RUNNING")
}

func TestConnectorPluginsListsConvertersWhenAsked(t *testing.T) {
	reg := bundled.Registry()
	reg.RegisterConverter(converters.Plugin{Name: "com.example.Rot13Converter",
		New: func(map[string]string, bool) (converters.Converter, error) { return nil, errors.New("not used") }})
	reg.RegisterConverter(converters.Plugin{Name: "com.example.TraceHeaderConverter",
		NewHeader: func(map[string]string) (converters.HeaderConverter, error) { return nil, errors.New("not used") }})
	h, err := worker.NewStandalone(map[string]string{"bootstrap.servers": "127.0.0.1:1"}, worker.Options{Registry: reg, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	srv := httptest.NewServer(rest.NewHandler(h, rest.Options{Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()

	list := func(query string) (connectors, others []string) {
		t.Helper()
		r := call(t, srv, "GET", "/connector-plugins"+query, "")
		require.Equal(t, 200, r.status, "%s", r.body)
		for _, p := range r.json(t).([]any) {
			m := p.(map[string]any)
			require.ElementsMatch(t, []string{"class", "type", "version"}, slices.Collect(maps.Keys(m)))
			switch m["type"] {
			case "sink", "source":
				require.Empty(t, others, "connectors come first")
				connectors = append(connectors, m["class"].(string))
			default:
				others = append(others, m["type"].(string)+" "+m["class"].(string))
			}
		}
		return connectors, others
	}
	only, none := list("")
	assert.Contains(t, only, "org.apache.kafka.connect.file.FileStreamSinkConnector")
	assert.Empty(t, none)
	for _, q := range []string{"?connectorsOnly=true", "?connectorsOnly=TRUE"} {
		c, o := list(q)
		assert.Equal(t, only, c, q)
		assert.Empty(t, o, q)
	}
	for _, q := range []string{"?connectorsOnly=false", "?connectorsOnly=no"} { // JAX-RS: anything but "true" is false
		c, o := list(q)
		assert.Equal(t, only, c, q)
		assert.Equal(t, []string{
			"converter com.example.Rot13Converter",
			"converter org.apache.kafka.connect.converters.ByteArrayConverter",
			"converter org.apache.kafka.connect.json.JsonConverter",
			"converter org.apache.kafka.connect.storage.StringConverter",
			"header_converter com.example.TraceHeaderConverter",
			"header_converter org.apache.kafka.connect.converters.ByteArrayConverter",
			"header_converter org.apache.kafka.connect.json.JsonConverter",
			"header_converter org.apache.kafka.connect.storage.SimpleHeaderConverter",
			"header_converter org.apache.kafka.connect.storage.StringConverter",
		}, o, q)
	}
}
