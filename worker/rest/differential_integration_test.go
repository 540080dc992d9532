//go:build integration

package rest_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/internal/javaoracle"
	"github.com/connectkit/connectkit/worker"
	"github.com/connectkit/connectkit/worker/bundled"
	"github.com/connectkit/connectkit/worker/rest"
)

// side is one worker under test: Java's ConnectStandalone or ours, each
// with its own connector name (they share the broker, and a sink's consumer
// group is named for its connector).
type side struct {
	label string
	base  string
	name  string
	file  string
}

func (s side) do(t *testing.T, method, path, body string) (int, any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err, "%s %s %s", s.label, method, path)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var v any
	if len(bytes.TrimSpace(b)) > 0 {
		if err := json.Unmarshal(b, &v); err != nil {
			v = "<non-JSON body> " + string(b)
		}
	}
	return resp.StatusCode, normalize(v, s.name, "NAME")
}

// normalize replaces the side's connector name, in keys and values, so
// that both sides' bodies compare.
func normalize(v any, name, with string) any {
	switch v := v.(type) {
	case string:
		return strings.ReplaceAll(v, name, with)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalize(e, name, with)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[strings.ReplaceAll(k, name, with)] = normalize(e, name, with)
		}
		return out
	}
	return v
}

// step is one request of the scripted session, sent to both sides.
type step struct {
	id           string // names the step in failures and in docs/compat/rest.md
	method, path string
	body         string
	// match lists the paths (dot-separated, array indexes as numbers)
	// whose values must be equal on both sides, beyond the shape.
	match []string
	// wait, if set, polls GET /connectors/NAME/status until it holds.
	wait func(status any) bool
}

// deviations reads the deliberate differences of docs/compat/rest.md:
// rows "| `step id` | `path` | reason |", where path "status" means the
// status code and any other path a JSON path whose shape or value may
// differ ("*" for any array index).
func deviations(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open("../../docs/compat/rest.md")
	require.NoError(t, err)
	defer f.Close()
	row := regexp.MustCompile("^\\|\\s*`([^`]+)`\\s*\\|\\s*`([^`]+)`\\s*\\|\\s*\\S")
	out := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := row.FindStringSubmatch(sc.Text()); m != nil {
			out[m[1]] = append(out[m[1]], m[2])
		}
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, out, "docs/compat/rest.md lists no deviations in the expected table format")
	return out
}

func allowed(devs []string, path string) bool {
	for _, d := range devs {
		re := "^" + strings.ReplaceAll(regexp.QuoteMeta(d), `\*`, `[^.]+`) + "(\\..*)?$"
		if regexp.MustCompile(re).MatchString(path) {
			return true
		}
	}
	return false
}

// compareShape reports where a and b differ in keys or value types. null
// matches any type, as Jackson writes absent optional values.
func compareShape(path string, a, b any, devs []string, out *[]string) {
	if allowed(devs, path) || a == nil || b == nil {
		return
	}
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: object on Java, %T here", path, b))
			return
		}
		keys := map[string]bool{}
		for k := range av {
			keys[k] = true
		}
		for k := range bv {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			p := join(path, k)
			ae, aok := av[k]
			be, bok := bv[k]
			switch {
			case allowed(devs, p):
			case !aok:
				*out = append(*out, fmt.Sprintf("%s: only here", p))
			case !bok:
				*out = append(*out, fmt.Sprintf("%s: only on Java", p))
			default:
				compareShape(p, ae, be, devs, out)
			}
		}
	case []any:
		bv, ok := b.([]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: array on Java, %T here", path, b))
			return
		}
		// Every element of one side has the shape of the other's first.
		for i, e := range av {
			if len(bv) > 0 {
				compareShape(join(path, fmt.Sprint(i)), e, bv[0], devs, out)
			}
		}
		for i, e := range bv {
			if len(av) > 0 {
				compareShape(join(path, fmt.Sprint(i)), av[0], e, devs, out)
			}
		}
	default:
		if fmt.Sprintf("%T", a) != fmt.Sprintf("%T", b) {
			*out = append(*out, fmt.Sprintf("%s: %T on Java, %T here", path, a, b))
		}
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func at(v any, path string) any {
	if path == "" {
		return v
	}
	for _, p := range strings.Split(path, ".") {
		switch c := v.(type) {
		case map[string]any:
			v = c[p]
		case []any:
			var i int
			if _, err := fmt.Sscan(p, &i); err != nil || i >= len(c) {
				return nil
			}
			v = c[i]
		default:
			return nil
		}
	}
	return v
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startJava starts Kafka Connect 4.3.1's ConnectStandalone with only a
// worker file, its REST API on a free port, and waits until GET / answers.
func startJava(t *testing.T, bootstrap string) string {
	t.Helper()
	p := javaoracle.Build(t, "testdata/connect-standalone")
	dir := t.TempDir()
	port := freePort(t)
	workerFile := filepath.Join(dir, "worker.properties")
	require.NoError(t, os.WriteFile(workerFile, []byte(fmt.Sprintf(`bootstrap.servers=%s
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
offset.storage.file.filename=%s
offset.flush.interval.ms=500
listeners=http://127.0.0.1:%d
plugin.discovery=only_scan
`, bootstrap, filepath.Join(dir, "offsets"), port)), 0o644))
	logFile, err := os.Create(filepath.Join(dir, "connect.log"))
	require.NoError(t, err)
	cmd := exec.Command("java", append(p.JavaArgs("Standalone"), workerFile)...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		logFile.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logFile.Name())
			if len(b) > 20000 {
				b = b[len(b)-20000:]
			}
			t.Logf("Java Connect log tail:\n%s", b)
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(3 * time.Minute)
	for {
		select {
		case err := <-exited:
			b, _ := os.ReadFile(logFile.Name())
			t.Fatalf("ConnectStandalone exited: %v\n%s", err, b)
		default:
		}
		resp, err := http.Get(base + "/connectors")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("ConnectStandalone's REST API did not come up within 3 minutes")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// startGo runs our standalone herder and REST API on the same broker.
func startGo(t *testing.T, bootstrap string) string {
	t.Helper()
	dir := t.TempDir()
	wcfg := map[string]string{
		"bootstrap.servers":            bootstrap,
		"key.converter":                "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":              "org.apache.kafka.connect.storage.StringConverter",
		"offset.storage.file.filename": filepath.Join(dir, "offsets.json"),
		"offset.flush.interval.ms":     "500",
	}
	log := slog.New(slog.DiscardHandler)
	h, err := worker.NewStandalone(wcfg, worker.Options{Registry: bundled.Registry(), Logger: log})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	srv := httptest.NewServer(rest.NewHandler(h, rest.Options{Version: "test", Logger: log}))
	t.Cleanup(func() {
		srv.Close()
		cancel()
		<-done
	})
	return srv.URL
}

func stateIs(connector, task string) func(any) bool {
	return func(st any) bool {
		if at(st, "connector.state") != connector {
			return false
		}
		tasks, _ := at(st, "tasks").([]any)
		if task == "" {
			return len(tasks) == 0
		}
		if len(tasks) == 0 {
			return false
		}
		for i := range tasks {
			if at(st, fmt.Sprintf("tasks.%d.state", i)) != task {
				return false
			}
		}
		return true
	}
}

// TestRESTMatchesKafkaConnect runs one scripted REST session against Java
// Kafka Connect's standalone worker and ours, on the same broker, and
// checks that every response has the same status code and JSON shape, and
// the same values where they must agree. Differences listed in
// docs/compat/rest.md are allowed, and only those.
func TestRESTMatchesKafkaConnect(t *testing.T) {
	c := connectortest.ExternalKafka(t)
	topic := c.Unique("rest-diff")
	c.CreateTopic(t, topic, 1)
	for i := range 3 {
		c.Produce(t, connectortest.Record{Topic: topic, Value: fmt.Appendf(nil, "line %d", i)})
	}
	dir := t.TempDir()
	java := side{label: "java", base: startJava(t, c.BootstrapServers()), name: c.Unique("java-sink"), file: filepath.Join(dir, "java.txt")}
	ours := side{label: "go", base: startGo(t, c.BootstrapServers()), name: c.Unique("go-sink"), file: filepath.Join(dir, "go.txt")}
	devs := deviations(t)

	sinkClass := "org.apache.kafka.connect.file.FileStreamSinkConnector"
	create := func(s side) string {
		return fmt.Sprintf(`{"name":%q,"config":{"connector.class":%q,"tasks.max":"1","topics":%q,"file":%q}}`, s.name, sinkClass, topic, s.file)
	}
	steps := []step{
		{id: "list-empty", method: "GET", path: "/connectors", match: []string{""}},
		{id: "create", method: "POST", path: "/connectors", match: []string{"name", "type", "config.topics", "config.tasks.max", "config.connector.class"}},
		{id: "create-again", method: "POST", path: "/connectors", match: []string{"error_code"}},
		{id: "status-running", method: "GET", path: "/connectors/NAME/status", wait: stateIs("RUNNING", "RUNNING"),
			match: []string{"name", "type", "connector.state", "tasks.0.state", "tasks.0.id"}},
		{id: "list-expanded", method: "GET", path: "/connectors?expand=status&expand=info",
			match: []string{"NAME.status.connector.state", "NAME.info.name", "NAME.info.type", "NAME.info.tasks"}},
		{id: "info", method: "GET", path: "/connectors/NAME", match: []string{"name", "type", "tasks"}},
		{id: "config", method: "GET", path: "/connectors/NAME/config", match: []string{"name", "topics", "connector.class"}},
		{id: "tasks", method: "GET", path: "/connectors/NAME/tasks", match: []string{"0.id"}},
		{id: "task-status", method: "GET", path: "/connectors/NAME/tasks/0/status", match: []string{"id", "state"}},
		{id: "task-status-unknown", method: "GET", path: "/connectors/NAME/tasks/9/status", match: []string{"error_code"}},
		{id: "topics", method: "GET", path: "/connectors/NAME/topics"},
		{id: "topics-reset", method: "PUT", path: "/connectors/NAME/topics/reset"},
		{id: "health", method: "GET", path: "/health", match: []string{"status"}},
		{id: "pause", method: "PUT", path: "/connectors/NAME/pause"},
		{id: "status-paused", method: "GET", path: "/connectors/NAME/status", wait: stateIs("PAUSED", "PAUSED"),
			match: []string{"connector.state", "tasks.0.state"}},
		{id: "resume", method: "PUT", path: "/connectors/NAME/resume"},
		{id: "status-resumed", method: "GET", path: "/connectors/NAME/status", wait: stateIs("RUNNING", "RUNNING"),
			match: []string{"connector.state", "tasks.0.state"}},
		{id: "alter-offsets-running", method: "PATCH", path: "/connectors/NAME/offsets",
			body:  fmt.Sprintf(`{"offsets":[{"partition":{"kafka_topic":%q,"kafka_partition":0},"offset":{"kafka_offset":1}}]}`, topic),
			match: []string{"error_code"}},
		{id: "stop", method: "PUT", path: "/connectors/NAME/stop"},
		{id: "status-stopped", method: "GET", path: "/connectors/NAME/status", wait: stateIs("STOPPED", ""),
			match: []string{"connector.state", "tasks"}},
		{id: "tasks-stopped", method: "GET", path: "/connectors/NAME/tasks", match: []string{""}},
		{id: "offsets", method: "GET", path: "/connectors/NAME/offsets", match: []string{"offsets"}},
		{id: "alter-offsets", method: "PATCH", path: "/connectors/NAME/offsets",
			body: fmt.Sprintf(`{"offsets":[{"partition":{"kafka_topic":%q,"kafka_partition":0},"offset":{"kafka_offset":1}}]}`, topic)},
		{id: "offsets-altered", method: "GET", path: "/connectors/NAME/offsets", match: []string{"offsets"}},
		{id: "alter-offsets-empty", method: "PATCH", path: "/connectors/NAME/offsets", body: `{"offsets":[]}`, match: []string{"error_code"}},
		{id: "reset-offsets", method: "DELETE", path: "/connectors/NAME/offsets"},
		{id: "offsets-reset", method: "GET", path: "/connectors/NAME/offsets", match: []string{"offsets"}},
		{id: "resume-after-stop", method: "PUT", path: "/connectors/NAME/resume"},
		{id: "status-running-again", method: "GET", path: "/connectors/NAME/status", wait: stateIs("RUNNING", "RUNNING"),
			match: []string{"connector.state", "tasks.0.state"}},
		{id: "restart-include-tasks", method: "POST", path: "/connectors/NAME/restart?includeTasks=true",
			match: []string{"name", "connector.state", "tasks.0.state"}},
		{id: "status-restarted", method: "GET", path: "/connectors/NAME/status", wait: stateIs("RUNNING", "RUNNING"),
			match: []string{"connector.state", "tasks.0.state"}},
		{id: "restart-only-failed", method: "POST", path: "/connectors/NAME/restart?includeTasks=true&onlyFailed=true",
			match: []string{"connector.state", "tasks.0.state"}},
		{id: "restart", method: "POST", path: "/connectors/NAME/restart"},
		{id: "restart-task", method: "POST", path: "/connectors/NAME/tasks/0/restart"},
		{id: "patch-config", method: "PATCH", path: "/connectors/NAME/config", body: `{"tasks.max":"2"}`, match: []string{"name", "config.tasks.max"}},
		{id: "put-config", method: "PUT", path: "/connectors/NAME/config",
			body: fmt.Sprintf(`{"connector.class":%q,"topics":%q,"tasks.max":"1"}`, sinkClass, topic), match: []string{"name", "config.tasks.max", "type"}},
		{id: "put-config-create", method: "PUT", path: "/connectors/NAME-2/config",
			body: fmt.Sprintf(`{"connector.class":%q,"topics":%q}`, sinkClass, topic), match: []string{"name", "type"}},
		{id: "delete-second", method: "DELETE", path: "/connectors/NAME-2"},
		{id: "create-stopped", method: "POST", path: "/connectors",
			body:  fmt.Sprintf(`{"name":"NAME-3","config":{"connector.class":%q,"topics":%q},"initial_state":"STOPPED"}`, sinkClass, topic),
			match: []string{"name", "tasks"}},
		{id: "status-created-stopped", method: "GET", path: "/connectors/NAME-3/status", match: []string{"connector.state", "tasks"}},
		{id: "delete-third", method: "DELETE", path: "/connectors/NAME-3"},
		{id: "put-config-name-mismatch", method: "PUT", path: "/connectors/NAME/config",
			body: fmt.Sprintf(`{"name":"other","connector.class":%q,"topics":%q}`, sinkClass, topic), match: []string{"error_code"}},
		{id: "validate", method: "PUT", path: "/connector-plugins/FileStreamSinkConnector/config/validate",
			body:  fmt.Sprintf(`{"connector.class":%q,"name":"v","tasks.max":"abc","errors.tolerance":"maybe"}`, sinkClass),
			match: []string{"name", "error_count"}},
		{id: "validate-class-mismatch", method: "PUT", path: "/connector-plugins/FileStreamSourceConnector/config/validate",
			body: fmt.Sprintf(`{"connector.class":%q,"name":"v","topics":"t"}`, sinkClass), match: []string{"error_code"}},
		{id: "plugins", method: "GET", path: "/connector-plugins"},
		{id: "plugin-config", method: "GET", path: "/connector-plugins/FileStreamSinkConnector/config"},
		{id: "plugin-config-unknown", method: "GET", path: "/connector-plugins/NoSuchConnector/config", match: []string{"error_code"}},
		{id: "plugins-all", method: "GET", path: "/connector-plugins?connectorsOnly=false"},
		{id: "loggers", method: "GET", path: "/admin/loggers"},
		{id: "set-logger", method: "PUT", path: "/admin/loggers/org.apache.kafka.connect.runtime", body: `{"level":"DEBUG"}`},
		{id: "get-logger", method: "GET", path: "/admin/loggers/org.apache.kafka.connect.runtime", match: []string{"level"}},
		{id: "bad-log-level", method: "PUT", path: "/admin/loggers/org.apache.kafka.connect.runtime", body: `{"level":"LOUD"}`, match: []string{"error_code"}},
		{id: "unknown-connector", method: "GET", path: "/connectors/no-such-connector", match: []string{"error_code"}},
		{id: "unknown-connector-status", method: "GET", path: "/connectors/no-such-connector/status", match: []string{"error_code"}},
		{id: "unknown-connector-pause", method: "PUT", path: "/connectors/no-such-connector/pause", match: []string{"error_code"}},
		{id: "method-not-allowed", method: "DELETE", path: "/connectors", match: []string{"error_code"}},
		{id: "unknown-path", method: "GET", path: "/no/such/path", match: []string{"error_code"}},
		{id: "trailing-slash", method: "GET", path: "/connectors/"},
		{id: "bad-task-id", method: "GET", path: "/connectors/NAME/tasks/x/status"},
		{id: "not-json-object", method: "PUT", path: "/connectors/NAME/config", body: `["a"]`},
		{id: "malformed-json", method: "POST", path: "/connectors", body: `{"name": "x", "config": {`},
		{id: "bad-config", method: "POST", path: "/connectors",
			body: fmt.Sprintf(`{"name":"bad-config","config":{"connector.class":%q,"tasks.max":"abc","topics":"t"}}`, sinkClass), match: []string{"error_code"}},
		{id: "delete", method: "DELETE", path: "/connectors/NAME"},
		{id: "deleted", method: "GET", path: "/connectors/NAME", match: []string{"error_code"}},
		{id: "root", method: "GET", path: "/"},
	}

	for _, st := range steps {
		body := func(s side) string {
			if st.id == "create" || st.id == "create-again" {
				return create(s)
			}
			return strings.ReplaceAll(st.body, "NAME", s.name)
		}
		path := func(s side) string { return strings.ReplaceAll(st.path, "NAME", s.name) }
		if st.wait != nil {
			for _, s := range []side{java, ours} {
				c.WaitFor(t, 90*time.Second, func() bool {
					code, v := s.do(t, "GET", "/connectors/"+s.name+"/status", "")
					return code == 200 && st.wait(v)
				}, "%s: %s status", st.id, s.label)
			}
		}
		if st.id == "alter-offsets-running" {
			// Both sinks have committed every record before they stop.
			for _, s := range []side{java, ours} {
				deadline := time.Now().Add(60 * time.Second)
				for {
					_, last := s.do(t, "GET", "/connectors/"+s.name+"/offsets", "")
					if at(last, "offsets.0.offset.kafka_offset") == float64(3) {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("%s: offsets not committed after 60s; last answer %v", s.label, last)
					}
					time.Sleep(500 * time.Millisecond)
				}
			}
		}
		jc, jv := java.do(t, st.method, path(java), body(java))
		gc, gv := ours.do(t, st.method, path(ours), body(ours))
		d := devs[st.id]
		var problems []string
		if jc != gc && !slices.Contains(d, "status") {
			problems = append(problems, fmt.Sprintf("status %d on Java, %d here", jc, gc))
		}
		compareShape("", jv, gv, d, &problems)
		for _, m := range st.match {
			if allowed(d, m) {
				continue
			}
			a, b := at(jv, m), at(gv, m)
			aj, _ := json.Marshal(a)
			bj, _ := json.Marshal(b)
			if !bytes.Equal(aj, bj) {
				problems = append(problems, fmt.Sprintf("%q: %s on Java, %s here", m, aj, bj))
			}
		}
		if len(problems) > 0 {
			jb, _ := json.Marshal(jv)
			gb, _ := json.Marshal(gv)
			t.Errorf("%s (%s %s):\n  %s\n  java: %d %s\n  go:   %d %s", st.id, st.method, st.path,
				strings.Join(problems, "\n  "), jc, jb, gc, gb)
		}
	}
}
