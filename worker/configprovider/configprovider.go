package configprovider

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Provider is a source of configuration values: Kafka's ConfigProvider.
type Provider interface {
	// Get returns the values of keys at path. A key it has no value for
	// is left out of the result, and its placeholder stays as it is; an
	// error fails the resolution, and must not quote a value.
	Get(ctx context.Context, path string, keys []string) (map[string]string, error)
}

// Factory makes a provider from its settings: the
// config.providers.<name>.param.* settings, prefix stripped.
type Factory func(params map[string]string, log *slog.Logger) (Provider, error)

// Kafka's class names of its providers.
const (
	EnvVarClass    = "org.apache.kafka.common.config.provider.EnvVarConfigProvider"
	FileClass      = "org.apache.kafka.common.config.provider.FileConfigProvider"
	DirectoryClass = "org.apache.kafka.common.config.provider.DirectoryConfigProvider"
)

// Worker settings that configure providers.
const (
	ProvidersConfig = "config.providers"
	providerPrefix  = ProvidersConfig + "."
)

// Option configures [New] and [ResolveWorker].
type Option func(*options)

type options struct {
	classes map[string]Factory
	log     *slog.Logger
}

// WithClass makes class (and its simple class name, and that without a
// "ConfigProvider" suffix) name a provider that f makes, beside Kafka's
// three.
func WithClass(class string, f Factory) Option {
	return func(o *options) {
		for _, n := range aliases(class) {
			o.classes[n] = f
		}
	}
}

// WithLogger sets the logger of the providers' warnings (a path outside
// allowed.paths, a path that is not a directory); the default is
// slog.Default().
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

func newOptions(opts []Option) *options {
	o := &options{classes: map[string]Factory{}, log: slog.Default()}
	WithClass(EnvVarClass, newEnvVar)(o)
	WithClass(FileClass, newFile)(o)
	WithClass(DirectoryClass, newDirectory)(o)
	for _, opt := range opts {
		opt(o)
	}
	return o
}

// aliases returns a class name, its simple name and that without the
// ConfigProvider suffix, as Kafka Connect's plugin aliases.
func aliases(class string) []string {
	out := []string{class}
	simple := class[strings.LastIndexByte(class, '.')+1:]
	if simple != class && simple != "" {
		out = append(out, simple)
	}
	if pruned, ok := strings.CutSuffix(simple, "ConfigProvider"); ok && pruned != "" {
		out = append(out, pruned)
	}
	return out
}

// Providers are the config providers a worker configuration defines.
type Providers struct {
	byName map[string]Provider
}

// New makes the providers that workerCfg defines, as Kafka Connect's
// worker does: config.providers is a comma-separated list (blanks around
// names ignored), a name without config.providers.<name>.class is skipped,
// and a class that names no provider, or a provider whose params are bad,
// is an error naming the setting. New with no providers configured returns
// a Providers that resolves nothing.
func New(workerCfg map[string]string, opts ...Option) (*Providers, error) {
	return newProviders(workerCfg, listNames(workerCfg[ProvidersConfig]), newOptions(opts))
}

// listNames splits a LIST setting as Kafka's ConfigDef does: trimmed,
// split at commas with the blanks around them; an empty value is no names.
func listNames(v string) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	names := regexp.MustCompile(`\s*,\s*`).Split(v, -1)
	return dropTrailingEmpty(names)
}

// splitNames splits as Java's String.split(","): no trimming, trailing
// empty strings dropped.
func splitNames(v string) []string {
	if v == "" {
		return nil
	}
	return dropTrailingEmpty(strings.Split(v, ","))
}

func dropTrailingEmpty(s []string) []string {
	for len(s) > 0 && s[len(s)-1] == "" {
		s = s[:len(s)-1]
	}
	return s
}

func newProviders(cfg map[string]string, names []string, o *options) (*Providers, error) {
	p := &Providers{byName: map[string]Provider{}}
	for _, name := range names {
		classKey := providerPrefix + name + ".class"
		class, ok := cfg[classKey]
		if !ok {
			continue // as Kafka: a provider without a class is not configured
		}
		f, ok := o.classes[strings.TrimSpace(class)]
		if !ok {
			known := slices.Sorted(maps.Keys(o.classes))
			return nil, fmt.Errorf("configprovider: %s: unknown config provider class %q; known: %s",
				classKey, class, strings.Join(known, ", "))
		}
		prefix := providerPrefix + name + ".param."
		params := map[string]string{}
		for k, v := range cfg {
			if len(k) > len(prefix) && strings.HasPrefix(k, prefix) {
				params[k[len(prefix):]] = v
			}
		}
		prov, err := f(params, o.log.With("config.provider", name))
		if err != nil {
			return nil, fmt.Errorf("configprovider: provider %s (%s): %w", name, classKey, err)
		}
		p.byName[name] = prov
	}
	return p, nil
}

// ResolveWorker resolves the placeholders of a worker configuration with
// the providers it defines itself, as Kafka's AbstractConfig does for
// WorkerConfig: config.providers is split at commas without trimming (as
// Kafka does here), and every value, config.providers.* included, is
// resolved. It returns a new map.
func ResolveWorker(ctx context.Context, workerCfg map[string]string, opts ...Option) (map[string]string, error) {
	p, err := newProviders(workerCfg, splitNames(workerCfg[ProvidersConfig]), newOptions(opts))
	if err != nil {
		return nil, err
	}
	return p.Resolve(ctx, workerCfg)
}

// placeholder is Kafka's ConfigTransformer.DEFAULT_PATTERN: provider, then
// an optional path, then the key, which takes what the lazy groups leave.
var placeholder = regexp.MustCompile(`\$\{([^}]*?):(([^}]*?):)?([^}]*?)\}`)

type variable struct{ provider, path, key string }

func variableAt(s string, m []int) variable {
	v := variable{provider: s[m[2]:m[3]], key: s[m[8]:m[9]]}
	if m[6] >= 0 {
		v.path = s[m[6]:m[7]]
	}
	return v
}

// Resolve returns cfg with its placeholders replaced, as Kafka's
// ConfigTransformer does: see the package documentation. cfg itself is
// not changed. The error names the provider and path that failed.
func (p *Providers) Resolve(ctx context.Context, cfg map[string]string) (map[string]string, error) {
	// Which keys each provider is asked for, by path.
	wanted := map[string]map[string][]string{}
	for _, v := range cfg {
		for _, m := range placeholder.FindAllStringSubmatchIndex(v, -1) {
			va := variableAt(v, m)
			if wanted[va.provider] == nil {
				wanted[va.provider] = map[string][]string{}
			}
			if !slices.Contains(wanted[va.provider][va.path], va.key) {
				wanted[va.provider][va.path] = append(wanted[va.provider][va.path], va.key)
			}
		}
	}
	found := map[string]map[string]map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(wanted)) {
		prov := p.byName[name]
		if prov == nil {
			continue
		}
		found[name] = map[string]map[string]string{}
		for _, path := range slices.Sorted(maps.Keys(wanted[name])) {
			keys := wanted[name][path]
			slices.Sort(keys)
			data, err := prov.Get(ctx, path, keys)
			if err != nil {
				return nil, fmt.Errorf("configprovider: provider %s, path %q: %w", name, path, err)
			}
			found[name][path] = data
		}
	}
	out := make(map[string]string, len(cfg))
	for k, v := range cfg {
		out[k] = replace(v, found)
	}
	return out, nil
}

func replace(v string, found map[string]map[string]map[string]string) string {
	ms := placeholder.FindAllStringSubmatchIndex(v, -1)
	if len(ms) == 0 {
		return v
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		va := variableAt(v, m)
		byPath, ok := found[va.provider]
		if !ok {
			continue // unknown provider: the placeholder stays
		}
		b.WriteString(v[last:m[0]])
		if val, ok := byPath[va.path][va.key]; ok {
			b.WriteString(val)
		} else {
			b.WriteString(v[m[0]:m[1]])
		}
		last = m[1]
	}
	b.WriteString(v[last:])
	return b.String()
}
