package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/source"
	"github.com/connectkit/connectkit/worker/configprovider"
)

// Options configure [Run], [RunFiles] and [NewStandalone] beyond what the
// files say.
type Options struct {
	// Registry resolves connector.class; nil means [Default].
	Registry *Registry
	// Logger receives the runtime's logs; nil means slog.Default().
	Logger *slog.Logger
	// ResolveConfig turns a stored connector configuration into the one
	// its runtime gets, each time the connector starts: config providers
	// (KIP-297) resolve ${provider:path:key} placeholders here. nil means
	// the providers the worker settings define (config.providers), as in
	// Kafka Connect. The herder keeps and shows the configuration as
	// written.
	ResolveConfig func(ctx context.Context, config map[string]string) (map[string]string, error)
	// API, if set, makes the handler that [Run] serves on the worker's
	// listeners (Kafka Connect's REST API: see package
	// [github.com/connectkit/connectkit/worker/rest]). nil, or an empty
	// listeners setting, serves nothing.
	API func(h Herder) http.Handler
	// Listening, if set, is told the address of each listener once it
	// accepts connections (useful with port 0).
	Listening func(addr net.Addr)
	// Metrics, if not nil, receives every connector's metrics (see
	// docs/metrics.md); serve them with [MetricsHandler].
	Metrics prometheus.Registerer
	// ClusterTimeout bounds how long each task waits at start for its
	// Kafka cluster to answer before it fails with a
	// [*connect.ClusterError] naming bootstrap.servers; 0 means 30 s.
	ClusterTimeout time.Duration
}

// defaults returns the registry and logger, defaults applied.
func (o Options) defaults() (*Registry, *slog.Logger) {
	reg, log := o.Registry, o.Logger
	if reg == nil {
		reg = Default
	}
	if log == nil {
		log = slog.Default()
	}
	return reg, log
}

// providerOptions are the options of the worker's config providers: the
// registry's provider classes and the logger.
func providerOptions(reg *Registry, log *slog.Logger) []configprovider.Option {
	return append(reg.configProviderOptions(), configprovider.WithLogger(log))
}

// withResolver returns o with ResolveConfig set to the config providers
// that wcfg defines, unless the caller set one.
func (o Options) withResolver(wcfg map[string]string) (Options, error) {
	if o.ResolveConfig != nil {
		return o, nil
	}
	reg, log := o.defaults()
	providers, err := configprovider.New(wcfg, providerOptions(reg, log)...)
	if err != nil {
		return o, fmt.Errorf("worker: worker configuration: %w", err)
	}
	o.ResolveConfig = providers.Resolve
	return o, nil
}

// workerPrefixes are the worker keys that configure clients or converters
// rather than naming a setting of their own.
var workerPrefixes = []string{
	sink.ConsumerPrefix, sink.ProducerPrefix, sink.AdminPrefix,
	sink.KeyConverterConfig + ".", sink.ValueConverterConfig + ".", sink.HeaderConverterConfig + ".",
	configprovider.ProvidersConfig, // config.providers and config.providers.<name>.*
}

// RunFiles is connect-standalone: it loads the worker file and each
// connector file (.properties or JSON) and calls [Run].
func RunFiles(ctx context.Context, workerFile string, connectorFiles []string, opts Options) error {
	if len(connectorFiles) == 0 && opts.API == nil {
		return errors.New("worker: no connector configuration files given, and no REST API to create connectors with")
	}
	wcfg, err := LoadConfigFile(workerFile)
	if err != nil {
		return err
	}
	var problems []error
	var connectors []map[string]string
	for _, f := range connectorFiles {
		c, err := LoadConfigFile(f)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		connectors = append(connectors, c)
	}
	if len(problems) > 0 {
		return errors.Join(problems...)
	}
	return Run(ctx, wcfg, connectors, opts)
}

// Run hosts the given connectors, each configured by one map in Kafka
// Connect's keys (name, connector.class, tasks.max, ...), with the worker
// settings wcfg (bootstrap.servers, converters, consumer.*, ...), until ctx
// is cancelled. Every connector is validated before any is started: an
// unknown class or an invalid configuration returns an error listing every
// problem of every connector, each prefixed with the connector's name.
//
// Source connectors keep their offsets where the worker settings say, as in
// Kafka Connect: in offset.storage.file.filename, shared by every source
// connector as connect-standalone does, or in offset.storage.topic.
//
// Cancelling ctx stops all connectors gracefully: each sink task finishes
// its batch, flushes, commits its offsets and stops; each source task stops
// polling, awaits its outstanding records and stores their offsets. A task that fails keeps
// the others running, as in Kafka Connect; Run logs it and returns the
// failures when it stops.
func Run(ctx context.Context, wcfg map[string]string, connectors []map[string]string, opts Options) error {
	reg, log := opts.defaults()
	// Config providers (KIP-297): the worker file's placeholders are
	// resolved with the providers it defines, as Kafka's WorkerConfig does;
	// each connector's with the worker's providers, to be checked now and
	// each time it starts, as Kafka Connect's herder and Worker do. The
	// maps the caller passed keep their placeholders, for anything that
	// shows configurations.
	wcfg, err := configprovider.ResolveWorker(ctx, wcfg, providerOptions(reg, log)...)
	if err != nil {
		return fmt.Errorf("worker: worker configuration: %w", err)
	}
	if opts, err = opts.withResolver(wcfg); err != nil {
		return err
	}
	var problems []error
	hasSource := false
	names := map[string]bool{}
	for i, cfg := range connectors {
		name := cfg[sink.NameConfig]
		label := name
		if label == "" {
			label = fmt.Sprintf("connector #%d", i+1)
		}
		if name != "" && names[name] {
			problems = append(problems, fmt.Errorf("%s: a connector with this name is already configured", label))
			continue
		}
		names[name] = true
		resolved, err := opts.ResolveConfig(ctx, maps.Clone(cfg))
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", label, err))
			continue
		}
		isSource, err := checkConnector(reg, wcfg, resolved)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", label, err))
		}
		hasSource = hasSource || isSource
	}
	listeners, err := Listeners(wcfg)
	if err != nil {
		problems = append(problems, err)
	}
	if len(problems) > 0 {
		return errors.Join(problems...)
	}
	warnUnusedWorkerKeys(wcfg, log, hasSource)

	h, err := NewStandalone(wcfg, opts)
	if err != nil {
		return err
	}
	for _, cfg := range connectors {
		h.ops.Lock()
		_, err := h.add(ctx, cfg, TargetRunning, false)
		h.ops.Unlock()
		if err != nil {
			return fmt.Errorf("%s: %w", cfg[sink.NameConfig], err)
		}
	}
	if opts.API == nil || len(listeners) == 0 {
		h.stopWhenIdle = true
		return h.Run(ctx)
	}
	return serve(ctx, h, opts.API(h), listeners, opts.Listening, log)
}

// checkConnector checks one connector's configuration as its runtime
// will, without starting it, and says whether it is a source connector.
func checkConnector(reg *Registry, wcfg, cfg map[string]string) (bool, error) {
	class := cfg[sink.ConnectorClassConfig]
	if class == "" {
		return false, fmt.Errorf("%s is required", sink.ConnectorClassConfig)
	}
	p, err := reg.Lookup(class)
	if err != nil {
		return false, err
	}
	discard := slog.New(slog.DiscardHandler) // the herder warns when it starts the connector
	switch c := p.New().(type) {
	case connect.SinkConnector:
		_, err := sink.New(c, cfg, sink.WithWorkerConfig(wcfg), sink.WithLogger(discard), sink.WithConverters(reg.Converters()))
		return false, err
	case connect.SourceConnector:
		// The store is the worker's; a memory store stands in for it so
		// that checking opens nothing.
		_, err := source.New(c, cfg, source.WithWorkerConfig(wcfg), source.WithLogger(discard),
			source.WithConverters(reg.Converters()), source.WithOffsetStore(source.NewMemoryOffsetStore()))
		if err == nil && wcfg[source.OffsetStorageFileConfig] == "" && wcfg[source.OffsetStorageTopicConfig] == "" {
			err = connect.JoinConfigErrors(connect.KeyError(source.OffsetStorageTopicConfig,
				"source offsets need a store: set offset.storage.topic (as in distributed mode) or offset.storage.file.filename (as in standalone mode) in the worker configuration"))
		}
		return true, err
	default:
		return false, fmt.Errorf("plugin %s makes neither a sink nor a source connector", p.Name)
	}
}

// serve runs h and an HTTP server of api on each listener until ctx is
// cancelled, then shuts the servers down and stops h. A listener that
// cannot be opened is an error before anything starts.
func serve(ctx context.Context, h *Standalone, api http.Handler, listeners []*url.URL, listening func(net.Addr), log *slog.Logger) error {
	var lns []net.Listener
	for _, u := range listeners {
		ln, err := net.Listen("tcp", u.Host)
		if err != nil {
			for _, l := range lns {
				_ = l.Close()
			}
			return fmt.Errorf("worker: %s: %w", ListenersConfig, err)
		}
		lns = append(lns, ln)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	var wg sync.WaitGroup
	errs := make([]error, len(lns)+1)
	for i, ln := range lns {
		log.Info("REST API listening", "url", "http://"+ln.Addr().String())
		if listening != nil {
			listening(ln.Addr())
		}
		wg.Go(func() {
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				errs[i] = fmt.Errorf("worker: REST listener %s: %w", ln.Addr(), err)
				cancel()
			}
		})
	}
	h.stopWhenUnreachable = true
	wg.Go(func() {
		errs[len(lns)] = h.Run(ctx)
		cancel() // the herder stopped on its own: so does the API
	})
	<-ctx.Done()
	shutdown, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	if err := srv.Shutdown(shutdown); err != nil {
		_ = srv.Close()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// warnUnusedWorkerKeys logs, once, each worker setting this runner does not
// use, such as Kafka Connect's REST and plugin.path settings, or the offset
// storage settings when no source connector runs, so that none is ignored
// silently.
func warnUnusedWorkerKeys(wcfg map[string]string, log *slog.Logger, hasSource bool) {
	known := map[string]bool{}
	names := sink.ConfigDef().Names()
	if hasSource {
		names = append(names, source.ConfigDef().Names()...)
	}
	for _, n := range names {
		known[n] = true
	}
	var unused []string
	for k := range wcfg {
		if known[k] || restKeys[k] {
			continue
		}
		used := false
		for _, p := range workerPrefixes {
			if strings.HasPrefix(k, p) {
				used = true
				break
			}
		}
		if !used {
			unused = append(unused, k)
		}
	}
	sort.Strings(unused)
	for _, k := range unused {
		log.Warn("worker setting is not used by this runner", "key", k)
	}
}
