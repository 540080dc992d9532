package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/source"
)

// Options configure [Run] and [RunFiles] beyond what the files say.
type Options struct {
	// Registry resolves connector.class; nil means [Default].
	Registry *Registry
	// Logger receives the runtime's logs; nil means slog.Default().
	Logger *slog.Logger
	// Metrics, if not nil, receives every connector's metrics (see
	// docs/metrics.md); serve them with [MetricsHandler].
	Metrics prometheus.Registerer
	// ClusterTimeout bounds how long each task waits at start for its
	// Kafka cluster to answer before it fails with a
	// [*connect.ClusterError] naming bootstrap.servers; 0 means 30 s.
	ClusterTimeout time.Duration
}

// workerPrefixes are the worker keys that configure clients or converters
// rather than naming a setting of their own.
var workerPrefixes = []string{
	sink.ConsumerPrefix, sink.ProducerPrefix, sink.AdminPrefix,
	sink.KeyConverterConfig + ".", sink.ValueConverterConfig + ".", sink.HeaderConverterConfig + ".",
}

// RunFiles is connect-standalone: it loads the worker file and each
// connector file (.properties or JSON) and calls [Run].
func RunFiles(ctx context.Context, workerFile string, connectorFiles []string, opts Options) error {
	if len(connectorFiles) == 0 {
		return errors.New("worker: no connector configuration files given")
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
	reg := opts.Registry
	if reg == nil {
		reg = Default
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	var problems []error
	var runtimes []runtime
	hasSource := false
	names := map[string]bool{}
	// Source connectors share the worker's offset file, as in
	// connect-standalone; an offset topic is opened by each runtime.
	var offsetFile *source.FileOffsetStore
	if f := wcfg[source.OffsetStorageFileConfig]; f != "" && wcfg[source.OffsetStorageTopicConfig] == "" {
		var err error
		if offsetFile, err = source.NewFileOffsetStore(f); err != nil {
			return fmt.Errorf("worker: %s: %w", source.OffsetStorageFileConfig, err)
		}
	}
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
		class := cfg[sink.ConnectorClassConfig]
		if class == "" {
			problems = append(problems, fmt.Errorf("%s: %s is required", label, sink.ConnectorClassConfig))
			continue
		}
		p, err := reg.Lookup(class)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", label, err))
			continue
		}
		switch c := p.New().(type) {
		case connect.SinkConnector:
			// The runtime logs task failures itself, with their stacks.
			rt, err := sink.New(c, cfg, sink.WithWorkerConfig(wcfg), sink.WithLogger(log), sink.WithMetrics(opts.Metrics), sink.WithClusterTimeout(opts.ClusterTimeout))
			if err != nil {
				problems = append(problems, fmt.Errorf("%s: %w", label, err))
				continue
			}
			runtimes = append(runtimes, rt)
		case connect.SourceConnector:
			opts := []source.Option{source.WithWorkerConfig(wcfg), source.WithLogger(log), source.WithMetrics(opts.Metrics), source.WithClusterTimeout(opts.ClusterTimeout)}
			if offsetFile != nil {
				opts = append(opts, source.WithOffsetStore(offsetFile))
			}
			rt, err := source.New(c, cfg, opts...)
			if err != nil {
				problems = append(problems, fmt.Errorf("%s: %w", label, err))
				continue
			}
			runtimes = append(runtimes, rt)
			hasSource = true
		default:
			problems = append(problems, fmt.Errorf("%s: plugin %s makes neither a sink nor a source connector", label, p.Name))
		}
	}
	if len(problems) > 0 {
		return errors.Join(problems...)
	}
	warnUnusedWorkerKeys(wcfg, log, hasSource)

	var wg sync.WaitGroup
	errs := make([]error, len(runtimes))
	for i, rt := range runtimes {
		log.Info("starting connector", "connector", rt.Name())
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = rt.Run(ctx)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// runtime is what the sink and source runtimes have in common.
type runtime interface {
	Name() string
	Run(ctx context.Context) error
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
		if known[k] {
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
