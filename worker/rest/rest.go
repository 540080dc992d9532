package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/worker"
)

// DefaultMaxBodyBytes bounds a request body when [Options.MaxBodyBytes] is 0.
const DefaultMaxBodyBytes = 1 << 20

// Options configure [NewHandler].
type Options struct {
	// Version and Commit are shown by GET /.
	Version, Commit string
	// Loggers are the levels of GET and PUT /admin/loggers; nil gives a
	// root logger at INFO that nothing reads.
	Loggers *Loggers
	// Metrics, if set, is served at GET /metrics, such as a Prometheus
	// handler for the worker's registry.
	Metrics http.Handler
	// MaxBodyBytes bounds a request body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Logger receives a line per failed request; nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock of last_modified; nil means time.Now.
	Now func() time.Time
}

// Route is one endpoint of the API, for its generated reference.
type Route struct {
	Method, Path string
	// Status is the status code of success.
	Status int
	// Doc says what the endpoint does.
	Doc string
}

type route struct {
	Route
	handle func(a *api, w http.ResponseWriter, r *http.Request) (any, int, error)
}

// Routes returns the endpoints NewHandler serves, in the order of the
// reference (docs/rest.md). GET /metrics is served only when
// Options.Metrics is set.
func Routes() []Route {
	out := make([]Route, len(routes))
	for i, r := range routes {
		out[i] = r.Route
	}
	return out
}

// NewHandler returns Kafka Connect's REST API over h.
func NewHandler(h worker.Herder, opts Options) http.Handler {
	a := &api{h: h, opts: opts}
	if a.opts.Loggers == nil {
		a.opts.Loggers = NewLoggers(slog.LevelInfo)
	}
	if a.opts.MaxBodyBytes <= 0 {
		a.opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if a.opts.Logger == nil {
		a.opts.Logger = slog.Default()
	}
	if a.opts.Now == nil {
		a.opts.Now = time.Now
	}
	mux := http.NewServeMux()
	paths := map[string]bool{}
	for _, rt := range routes {
		mux.HandleFunc(rt.Method+" "+rt.Path, func(w http.ResponseWriter, r *http.Request) {
			r.Body = http.MaxBytesReader(w, r.Body, a.opts.MaxBodyBytes)
			body, status, err := rt.handle(a, w, r)
			if err != nil {
				a.writeError(w, r, err)
				return
			}
			if status == 0 {
				status = rt.Status
			}
			writeJSON(w, status, body)
		})
		if !paths[rt.Path] {
			paths[rt.Path] = true
			mux.HandleFunc(rt.Path, func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, http.StatusMethodNotAllowed, errorBody{http.StatusMethodNotAllowed, "HTTP 405 Method Not Allowed"})
			})
		}
	}
	if opts.Metrics != nil {
		mux.Handle("GET /metrics", opts.Metrics)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorBody{http.StatusNotFound, "HTTP 404 Not Found"})
	})
	// Jersey, Kafka Connect's server, ignores a trailing slash.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
			r2 := *r
			u := *r.URL
			u.Path = strings.TrimRight(p, "/")
			u.RawPath = strings.TrimRight(u.RawPath, "/")
			if u.Path == "" {
				u.Path = "/"
			}
			r2.URL = &u
			r = &r2
		}
		mux.ServeHTTP(w, r)
	})
}

type api struct {
	h    worker.Herder
	opts Options
}

var routes = []route{
	{Route{"GET", "/{$}", 200, "Worker version, commit and Kafka cluster id."}, (*api).root},
	{Route{"GET", "/health", 200, "Health of the worker: 200 when it runs, reaches its Kafka cluster and no task has failed; 503 while starting or stopping, 500 otherwise."}, (*api).health},
	{Route{"GET", "/connectors", 200, "Names of the connectors; with ?expand=status and/or ?expand=info, a map from name to its status and/or info."}, (*api).listConnectors},
	{Route{"POST", "/connectors", 201, `Creates a connector from {"name", "config", "initial_state"}; 409 if it exists, 400 if its configuration is invalid.`}, (*api).createConnector},
	{Route{"GET", "/connectors/{connector}", 200, "A connector's name, configuration, tasks and type."}, (*api).getConnector},
	{Route{"DELETE", "/connectors/{connector}", 204, "Stops and deletes a connector; its offsets are kept."}, (*api).deleteConnector},
	{Route{"GET", "/connectors/{connector}/config", 200, "A connector's configuration, passwords hidden."}, (*api).getConfig},
	{Route{"PUT", "/connectors/{connector}/config", 200, "Creates (201) or reconfigures (200) a connector; it restarts with the new configuration."}, (*api).putConfig},
	{Route{"PATCH", "/connectors/{connector}/config", 200, "Changes some keys of a connector's configuration (null removes a key) and restarts it."}, (*api).patchConfig},
	{Route{"GET", "/connectors/{connector}/status", 200, "State of a connector and of each task, with the worker running it and a failure's trace."}, (*api).getStatus},
	{Route{"GET", "/connectors/{connector}/tasks", 200, "Each task's id and configuration, passwords hidden."}, (*api).getTasks},
	{Route{"GET", "/connectors/{connector}/tasks/{task}/status", 200, "State of one task."}, (*api).getTaskStatus},
	{Route{"POST", "/connectors/{connector}/tasks/{task}/restart", 204, "Restarts a task (in this worker, every task of the connector)."}, (*api).restartTask},
	{Route{"GET", "/connectors/{connector}/topics", 200, "Topics the connector uses."}, (*api).getTopics},
	{Route{"PUT", "/connectors/{connector}/topics/reset", 202, "Forgets the topics the connector used."}, (*api).resetTopics},
	{Route{"PUT", "/connectors/{connector}/pause", 202, "Pauses a connector and its tasks."}, (*api).pause},
	{Route{"PUT", "/connectors/{connector}/resume", 202, "Resumes a paused or stopped connector."}, (*api).resume},
	{Route{"PUT", "/connectors/{connector}/stop", 204, "Stops a connector: its tasks are shut down, its configuration is kept; offsets can then be changed."}, (*api).stop},
	{Route{"POST", "/connectors/{connector}/restart", 204, "Restarts a connector; with ?includeTasks=true and/or ?onlyFailed=true, answers 202 with the planned states (RESTARTING)."}, (*api).restart},
	{Route{"GET", "/connectors/{connector}/offsets", 200, "Committed offsets (KIP-875): a sink's consumer group offsets, a source's stored offsets."}, (*api).getOffsets},
	{Route{"PATCH", "/connectors/{connector}/offsets", 200, `Alters the offsets of a STOPPED connector ({"offsets": [{"partition": {...}, "offset": {...}}]}); 400 if it is not STOPPED.`}, (*api).alterOffsets},
	{Route{"DELETE", "/connectors/{connector}/offsets", 200, "Resets every offset of a STOPPED connector; 400 if it is not STOPPED."}, (*api).resetOffsets},
	{Route{"GET", "/connector-plugins", 200, "The connector plugins; with ?connectorsOnly=false, the converters and header converters too."}, (*api).plugins},
	{Route{"PUT", "/connector-plugins/{plugin}/config/validate", 200, "Validates a configuration for a plugin, reporting every problem at once (Kafka Connect's ConfigInfos)."}, (*api).validate},
	{Route{"GET", "/connector-plugins/{plugin}/config", 200, "The configuration keys of a plugin."}, (*api).pluginConfig},
	{Route{"GET", "/admin/loggers", 200, "Loggers with a level of their own, and their levels."}, (*api).loggers},
	{Route{"GET", "/admin/loggers/{logger}", 200, "A logger's level; 404 for a logger without a level of its own."}, (*api).logger},
	{Route{"PUT", "/admin/loggers/{logger}", 200, `Sets a logger's level ({"level": "DEBUG"}) and its descendants'; answers the names changed.`}, (*api).setLogger},
}

// errorBody is Kafka Connect's ErrorMessage.
type errorBody struct {
	Code    int    `json:"error_code"`
	Message string `json:"message"`
}

// requestError is an error of the request itself, with its status.
type requestError struct {
	status int
	msg    string
}

func (e *requestError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &requestError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// statusOf maps an error to Kafka Connect's status code.
func statusOf(err error) int {
	var re *requestError
	var ce *connect.ConfigError
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &re):
		return re.status
	case errors.As(err, &mb):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, worker.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, worker.ErrAlreadyExists), errors.Is(err, worker.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, worker.ErrBadRequest), errors.As(err, &ce):
		return http.StatusBadRequest
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusInternalServerError
	}
	return http.StatusInternalServerError
}

func (a *api) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status >= 500 {
		a.opts.Logger.Error("REST request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	writeJSON(w, status, errorBody{status, err.Error()})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		status, buf = http.StatusInternalServerError, bytes.Buffer{}
		fmt.Fprintf(&buf, `{"error_code":500,"message":%q}`, err.Error())
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// decode reads a JSON request body into v; numbers stay exact.
func decode(r *http.Request, v any) error {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return err
		}
		// Kafka Connect answers 500 here: Jackson's parse error reaches its
		// generic exception mapper. Clients expect that code.
		return &requestError{http.StatusInternalServerError, fmt.Sprintf("Request body is not valid JSON: %v", err)}
	}
	if dec.More() {
		return badRequest("Request body holds more than one JSON value")
	}
	return nil
}

// decodeSettings reads a JSON object of settings. Numbers and booleans
// become their text, as Jackson reads them into a Map<String, String>;
// a null is kept as nil for PATCH and refused otherwise.
func decodeSettings(raw map[string]json.RawMessage, allowNull bool) (map[string]*string, error) {
	out := make(map[string]*string, len(raw))
	for k, v := range raw {
		v = bytes.TrimSpace(v)
		switch {
		case len(v) == 0:
		case string(v) == "null":
			if !allowNull {
				return nil, badRequest("Value of configuration %s is null", k)
			}
			out[k] = nil
		case v[0] == '"':
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, badRequest("Value of configuration %s: %v", k, err)
			}
			out[k] = &s
		case v[0] == '{' || v[0] == '[':
			return nil, badRequest("Value of configuration %s is a JSON object or array, not a string", k)
		default:
			s := string(v)
			out[k] = &s
		}
	}
	return out, nil
}

func readConfig(r *http.Request) (map[string]string, error) {
	var raw map[string]json.RawMessage
	if err := decode(r, &raw); err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, badRequest("Request body must be a JSON object of configuration settings")
	}
	s, err := decodeSettings(raw, false)
	if err != nil {
		return nil, err
	}
	return flatten(s), nil
}

func flatten(s map[string]*string) map[string]string {
	out := make(map[string]string, len(s))
	for k, v := range s {
		out[k] = *v
	}
	return out
}

func taskID(r *http.Request) (int, error) {
	id, err := strconv.Atoi(r.PathValue("task"))
	if err != nil {
		return 0, &requestError{http.StatusNotFound, fmt.Sprintf("Task %q not found: not a number", r.PathValue("task"))}
	}
	return id, nil
}

// boolParam reads a boolean query parameter as JAX-RS does: "true" in any
// case is true, anything else false.
func boolParam(q url.Values, name string) bool {
	return strings.EqualFold(q.Get(name), "true")
}

// clusterTimeout bounds GET /'s wait for the cluster id.
const clusterTimeout = 10 * time.Second

func (a *api) root(w http.ResponseWriter, r *http.Request) (any, int, error) {
	ctx, cancel := context.WithTimeout(r.Context(), clusterTimeout)
	defer cancel()
	id, err := a.h.ClusterID(ctx)
	if err != nil {
		return nil, 0, err
	}
	return map[string]string{"version": a.opts.Version, "commit": a.opts.Commit, "kafka_cluster_id": id}, 0, nil
}

func (a *api) health(w http.ResponseWriter, r *http.Request) (any, int, error) {
	err := a.h.Health(r.Context())
	switch {
	case err == nil:
		return map[string]string{"status": "healthy", "message": "Worker has completed startup and is ready to handle requests."}, 0, nil
	case errors.Is(err, worker.ErrConflict):
		return map[string]string{"status": "starting", "message": err.Error()}, http.StatusServiceUnavailable, nil
	default:
		return map[string]string{"status": "unhealthy", "message": err.Error()}, http.StatusInternalServerError, nil
	}
}

func (a *api) listConnectors(w http.ResponseWriter, r *http.Request) (any, int, error) {
	ctx := r.Context()
	names, err := a.h.Connectors(ctx)
	if err != nil {
		return nil, 0, err
	}
	expand, ok := r.URL.Query()["expand"]
	if !ok {
		return names, 0, nil
	}
	out := map[string]map[string]any{}
	for _, name := range names {
		m := map[string]any{}
		gone := false
		for _, e := range expand {
			var v any
			var err error
			switch e {
			case "status":
				v, err = a.h.ConnectorStatus(ctx, name)
			case "info":
				v, err = a.h.ConnectorInfo(ctx, name)
			default:
				continue
			}
			if errors.Is(err, worker.ErrNotFound) {
				gone = true // deleted meanwhile
				break
			}
			if err != nil {
				return nil, 0, err
			}
			m[e] = v
		}
		if !gone {
			out[name] = m
		}
	}
	return out, 0, nil
}

// createRequest is Kafka Connect's CreateConnectorRequest.
type createRequest struct {
	Name         *string                    `json:"name"`
	Config       map[string]json.RawMessage `json:"config"`
	InitialState *string                    `json:"initial_state"`
}

func (a *api) createConnector(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var req createRequest
	if err := decode(r, &req); err != nil {
		return nil, 0, err
	}
	name := ""
	if req.Name != nil {
		name = strings.TrimSpace(*req.Name)
	}
	settings, err := decodeSettings(req.Config, false)
	if err != nil {
		return nil, 0, err
	}
	config := flatten(settings)
	if have, ok := config["name"]; ok {
		if have != name {
			return nil, 0, badRequest("Connector name configuration (%s) doesn't match connector name in the URL (%s)", have, name)
		}
	} else {
		config["name"] = name
	}
	initial := worker.TargetRunning
	if req.InitialState != nil {
		initial = worker.TargetState(strings.ToUpper(*req.InitialState))
	}
	info, err := a.h.CreateConnector(r.Context(), config, initial)
	if err != nil {
		return nil, 0, err
	}
	w.Header().Set("Location", "/connectors/"+url.PathEscape(name))
	return info, 0, nil
}

func (a *api) getConnector(w http.ResponseWriter, r *http.Request) (any, int, error) {
	info, err := a.h.ConnectorInfo(r.Context(), r.PathValue("connector"))
	return info, 0, err
}

func (a *api) deleteConnector(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return nil, 0, a.h.DeleteConnector(r.Context(), r.PathValue("connector"))
}

func (a *api) getConfig(w http.ResponseWriter, r *http.Request) (any, int, error) {
	cfg, err := a.h.ConnectorConfig(r.Context(), r.PathValue("connector"))
	return cfg, 0, err
}

func (a *api) putConfig(w http.ResponseWriter, r *http.Request) (any, int, error) {
	cfg, err := readConfig(r)
	if err != nil {
		return nil, 0, err
	}
	name := r.PathValue("connector")
	info, created, err := a.h.PutConnectorConfig(r.Context(), name, cfg)
	if err != nil {
		return nil, 0, err
	}
	if created {
		w.Header().Set("Location", "/connectors/"+url.PathEscape(name))
		return info, http.StatusCreated, nil
	}
	return info, 0, nil
}

func (a *api) patchConfig(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var raw map[string]json.RawMessage
	if err := decode(r, &raw); err != nil {
		return nil, 0, err
	}
	patch, err := decodeSettings(raw, true)
	if err != nil {
		return nil, 0, err
	}
	info, err := a.h.PatchConnectorConfig(r.Context(), r.PathValue("connector"), patch)
	return info, 0, err
}

func (a *api) getStatus(w http.ResponseWriter, r *http.Request) (any, int, error) {
	st, err := a.h.ConnectorStatus(r.Context(), r.PathValue("connector"))
	return st, 0, err
}

func (a *api) getTasks(w http.ResponseWriter, r *http.Request) (any, int, error) {
	tasks, err := a.h.TaskConfigs(r.Context(), r.PathValue("connector"))
	return tasks, 0, err
}

func (a *api) getTaskStatus(w http.ResponseWriter, r *http.Request) (any, int, error) {
	id, err := taskID(r)
	if err != nil {
		return nil, 0, err
	}
	st, err := a.h.TaskStatus(r.Context(), r.PathValue("connector"), id)
	return st, 0, err
}

func (a *api) restartTask(w http.ResponseWriter, r *http.Request) (any, int, error) {
	id, err := taskID(r)
	if err != nil {
		return nil, 0, err
	}
	return nil, 0, a.h.RestartTask(r.Context(), r.PathValue("connector"), id)
}

func (a *api) getTopics(w http.ResponseWriter, r *http.Request) (any, int, error) {
	name := r.PathValue("connector")
	topics, err := a.h.ConnectorTopics(r.Context(), name)
	if err != nil {
		return nil, 0, err
	}
	return map[string]any{name: map[string]any{"topics": topics}}, 0, nil
}

func (a *api) resetTopics(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return nil, 0, a.h.ResetConnectorTopics(r.Context(), r.PathValue("connector"))
}

func (a *api) pause(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return nil, 0, a.h.PauseConnector(r.Context(), r.PathValue("connector"))
}

func (a *api) resume(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return nil, 0, a.h.ResumeConnector(r.Context(), r.PathValue("connector"))
}

func (a *api) stop(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return nil, 0, a.h.StopConnector(r.Context(), r.PathValue("connector"))
}

func (a *api) restart(w http.ResponseWriter, r *http.Request) (any, int, error) {
	q := r.URL.Query()
	req := worker.RestartRequest{IncludeTasks: boolParam(q, "includeTasks"), OnlyFailed: boolParam(q, "onlyFailed")}
	plan, err := a.h.RestartConnector(r.Context(), r.PathValue("connector"), req)
	if err != nil {
		return nil, 0, err
	}
	if !req.IncludeTasks && !req.OnlyFailed {
		return nil, http.StatusNoContent, nil
	}
	return plan, http.StatusAccepted, nil
}

func (a *api) getOffsets(w http.ResponseWriter, r *http.Request) (any, int, error) {
	o, err := a.h.ConnectorOffsets(r.Context(), r.PathValue("connector"))
	return o, 0, err
}

func (a *api) alterOffsets(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var o worker.ConnectorOffsets
	if err := decode(r, &o); err != nil {
		return nil, 0, err
	}
	if len(o.Offsets) == 0 {
		return nil, 0, badRequest("Partitions / offsets need to be provided for an alter offsets request")
	}
	msg, err := a.h.AlterConnectorOffsets(r.Context(), r.PathValue("connector"), o)
	if err != nil {
		return nil, 0, err
	}
	return map[string]string{"message": msg}, 0, nil
}

func (a *api) resetOffsets(w http.ResponseWriter, r *http.Request) (any, int, error) {
	msg, err := a.h.ResetConnectorOffsets(r.Context(), r.PathValue("connector"))
	if err != nil {
		return nil, 0, err
	}
	return map[string]string{"message": msg}, 0, nil
}

func (a *api) plugins(w http.ResponseWriter, r *http.Request) (any, int, error) {
	// JAX-RS's @DefaultValue("true") boolean: only "true" in any case is
	// true, but an absent parameter takes the default.
	q := r.URL.Query()
	connectorsOnly := !q.Has("connectorsOnly") || boolParam(q, "connectorsOnly")
	return a.h.Plugins(r.Context(), connectorsOnly), 0, nil
}

// normalizedPlugin drops a Connector suffix, as Kafka Connect compares a
// plugin name in the path with connector.class.
func normalizedPlugin(name string) string {
	if n, ok := strings.CutSuffix(name, "Connector"); ok && n != "" {
		return n
	}
	return name
}

func (a *api) validate(w http.ResponseWriter, r *http.Request) (any, int, error) {
	cfg, err := readConfig(r)
	if err != nil {
		return nil, 0, err
	}
	plugin := r.PathValue("plugin")
	if class, ok := cfg["connector.class"]; ok && !strings.HasSuffix(normalizedPlugin(class), normalizedPlugin(plugin)) {
		return nil, 0, badRequest("Included connector type %s does not match request type %s", class, plugin)
	}
	infos, err := a.h.ValidateConfig(r.Context(), plugin, cfg)
	return infos, 0, err
}

func (a *api) pluginConfig(w http.ResponseWriter, r *http.Request) (any, int, error) {
	plugin := r.PathValue("plugin")
	infos, err := a.h.ValidateConfig(r.Context(), plugin, map[string]string{"connector.class": plugin})
	if err != nil {
		if errors.Is(err, worker.ErrBadRequest) {
			return nil, 0, &requestError{http.StatusNotFound, err.Error()}
		}
		return nil, 0, err
	}
	keys := make([]worker.ConfigKeyInfo, len(infos.Configs))
	for i, c := range infos.Configs {
		keys[i] = c.Definition
	}
	return keys, 0, nil
}

func (a *api) loggers(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return a.opts.Loggers.All(), 0, nil
}

func (a *api) logger(w http.ResponseWriter, r *http.Request) (any, int, error) {
	name := r.PathValue("logger")
	l, ok := a.opts.Loggers.Get(name)
	if !ok {
		return nil, 0, &requestError{http.StatusNotFound, fmt.Sprintf("Logger %s not found.", name)}
	}
	return l, 0, nil
}

func (a *api) setLogger(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var body map[string]*string
	if err := decode(r, &body); err != nil {
		return nil, 0, err
	}
	lv := body["level"]
	if lv == nil {
		return nil, 0, badRequest("Desired 'level' parameter was not specified in request.")
	}
	level, ok := ParseLevel(*lv)
	if !ok {
		return nil, 0, &requestError{http.StatusNotFound, fmt.Sprintf("invalid log level '%s'.", *lv)}
	}
	if scope := r.URL.Query().Get("scope"); strings.EqualFold(scope, "cluster") {
		// One worker is the whole cluster in standalone mode.
		a.opts.Loggers.Set(r.PathValue("logger"), level, a.opts.Now())
		return nil, http.StatusNoContent, nil
	}
	return a.opts.Loggers.Set(r.PathValue("logger"), level, a.opts.Now()), 0, nil
}
