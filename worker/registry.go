package worker

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/converters"
	"github.com/connectkit/connectkit/worker/configprovider"
)

// ErrUnknownClass is returned, wrapped, by [Registry.Lookup] when a
// connector.class names no registered plugin.
var ErrUnknownClass = errors.New("unknown connector class")

// Plugin is a kind of connector that a configuration file can name in
// connector.class.
type Plugin struct {
	// Name is the plugin's own name, used in listings and errors.
	Name string
	// Aliases are other names for it, usually the Java class name of the
	// Kafka Connect connector it replaces, so that existing files run
	// unchanged: "io.confluent.connect.s3.S3SinkConnector".
	Aliases []string
	// New returns a new connector, a [connect.SinkConnector] or a
	// [connect.SourceConnector].
	New func() connect.Connector
	// Doc is a one-line description, for listings.
	Doc string
}

// Registry maps connector.class values to plugins, and converter class
// names to the converters registered beside the [converters] package's own
// ([Registry.RegisterConverter]). The zero Registry is empty and ready to
// use; its methods are safe to call from any goroutine. A Registry must not
// be copied after first use.
//
// Lookup accepts a plugin's Name, any of its Aliases, and, as Kafka Connect
// does for class names, the last dot-separated part of any of those (the
// simple class name) and that part without a "Connector" suffix, unless
// two plugins share it: "FileStreamSinkConnector" and "FileStreamSink" both
// find a plugin registered as
// "org.apache.kafka.connect.file.FileStreamSinkConnector".
type Registry struct {
	mu      sync.RWMutex
	plugins []Plugin
	exact   map[string]int   // Name and Aliases -> index in plugins
	short   map[string][]int // simple and suffix-less names -> indexes in plugins
	convs   converters.Registry
	cps     map[string]configprovider.Factory // config provider classes
}

// Default is the registry [Run] and [RunFiles] use when [Options] names
// none. Nothing is registered into it implicitly, by init functions or
// otherwise: a program fills it (with package bundled's Register, its own
// Register calls, or both) before it runs connectors, or passes its own
// [Registry] instead, as tests and programs that run several sets do.
var Default = NewRegistry()

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{} }

// Register adds p under its Name and Aliases. It panics if p has no Name
// or New, or if one of its names is already registered (here or earlier
// in p): registering is done at init time, where that is a programming
// error.
func (r *Registry) Register(p Plugin) {
	if p.Name == "" {
		panic("worker: Register of a plugin without a Name")
	}
	if p.New == nil {
		panic(fmt.Sprintf("worker: Register of plugin %q without New", p.Name))
	}
	p.Aliases = slices.Clone(p.Aliases)
	names := append([]string{p.Name}, p.Aliases...)

	r.mu.Lock()
	defer r.mu.Unlock()
	if r.exact == nil {
		r.exact = make(map[string]int)
		r.short = make(map[string][]int)
	}
	for i, name := range names {
		if name == "" {
			panic(fmt.Sprintf("worker: Register of plugin %q with an empty alias", p.Name))
		}
		if _, dup := r.exact[name]; dup || slices.Contains(names[:i], name) {
			panic(fmt.Sprintf("worker: Register called twice for connector name %q", name))
		}
	}
	idx := len(r.plugins)
	r.plugins = append(r.plugins, p)
	for _, name := range names {
		r.exact[name] = idx
		for _, s := range shortNames(name) {
			if !slices.Contains(r.short[s], idx) {
				r.short[s] = append(r.short[s], idx)
			}
		}
	}
}

// shortNames returns the names Kafka Connect also accepts for a class
// name: its simple name, and that without a "Connector" suffix.
func shortNames(name string) []string {
	var out []string
	simple := name[strings.LastIndexByte(name, '.')+1:]
	if simple != name && simple != "" {
		out = append(out, simple)
	}
	if pruned, ok := strings.CutSuffix(simple, "Connector"); ok && pruned != "" {
		out = append(out, pruned)
	}
	return out
}

// Lookup returns the plugin that class names: see [Registry] for the names
// it accepts. The error for a class that names no plugin wraps
// [ErrUnknownClass], lists the registered plugins and suggests the one
// whose name is closest to class, when one is close.
func (r *Registry) Lookup(class string) (Plugin, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if class == "" {
		return Plugin{}, errors.New("worker: connector.class is not set")
	}
	if i, ok := r.exact[class]; ok {
		return r.plugin(i), nil
	}
	switch matches := r.short[class]; len(matches) {
	case 0:
	case 1:
		return r.plugin(matches[0]), nil
	default:
		// Kafka Connect drops such a short name; naming the
		// candidates is more help.
		var full []string
		for _, i := range matches {
			p := r.plugins[i]
			for _, name := range append([]string{p.Name}, p.Aliases...) {
				if slices.Contains(shortNames(name), class) {
					full = append(full, name)
				}
			}
		}
		slices.Sort(full)
		return Plugin{}, fmt.Errorf("worker: connector.class %q is ambiguous: it could be %s; use the full name",
			class, strings.Join(full, " or "))
	}

	var b strings.Builder
	if s := r.suggest(class); s != "" {
		fmt.Fprintf(&b, " (did you mean %q?)", s)
	}
	if len(r.plugins) == 0 {
		b.WriteString("; no connector plugins are registered")
	} else {
		names := make([]string, len(r.plugins))
		for i, p := range r.plugins {
			names[i] = p.Name
		}
		slices.Sort(names)
		fmt.Fprintf(&b, "; registered: %s", strings.Join(names, ", "))
	}
	return Plugin{}, fmt.Errorf("worker: connector.class %q: %w%s", class, ErrUnknownClass, b.String())
}

// plugin returns a copy of plugins[i] that the caller may change.
func (r *Registry) plugin(i int) Plugin {
	p := r.plugins[i]
	p.Aliases = slices.Clone(p.Aliases)
	return p
}

// suggest returns the accepted name closest to class: the full name of a
// plugin whose simple class name class shares (a class of another
// package), or else the name nearest to class, ignoring case, within a few
// edits. It returns the empty string if no name is close.
func (r *Registry) suggest(class string) string {
	for _, s := range shortNames(class) {
		if matches := r.short[s]; len(matches) == 1 {
			p := r.plugins[matches[0]]
			for _, name := range append([]string{p.Name}, p.Aliases...) {
				if name != s && slices.Contains(shortNames(name), s) {
					return name
				}
			}
		}
	}
	limit := min(max(utf8.RuneCountInString(class)/4, 1), 3)
	best, bestDist := "", limit+1
	consider := func(name string) {
		d := editDistance(strings.ToLower(class), strings.ToLower(name))
		if d < bestDist || (d == bestDist && name < best) {
			best, bestDist = name, d
		}
	}
	for name := range r.exact {
		consider(name)
	}
	for name, matches := range r.short {
		if len(matches) == 1 {
			consider(name)
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Plugins returns the registered plugins, sorted by Name.
func (r *Registry) Plugins() []Plugin {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Plugin, len(r.plugins))
	for i := range r.plugins {
		out[i] = r.plugin(i)
	}
	slices.SortFunc(out, func(a, b Plugin) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// RegisterConverter adds a converter that key.converter, value.converter
// and header.converter can name, beside the [converters] package's own. It
// panics on a name already taken, as [converters.Registry.Register] does.
func (r *Registry) RegisterConverter(p converters.Plugin) { r.convs.Register(p) }

// Converters returns the registry of converters that the runtimes resolve
// converter class names in: the [converters] package's own and those added
// with [Registry.RegisterConverter].
func (r *Registry) Converters() *converters.Registry { return &r.convs }

// RegisterConfigProvider makes class (and its simple class name, and that
// without a "ConfigProvider" suffix) a config provider class that
// config.providers.<name>.class may name, beside Kafka's three (see package
// configprovider). It panics if class is empty or f nil.
func (r *Registry) RegisterConfigProvider(class string, f configprovider.Factory) {
	if class == "" || f == nil {
		panic("worker: RegisterConfigProvider needs a class and a factory")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cps == nil {
		r.cps = map[string]configprovider.Factory{}
	}
	r.cps[class] = f
}

// configProviderOptions returns the options that add the registered
// config provider classes.
func (r *Registry) configProviderOptions() []configprovider.Option {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []configprovider.Option
	for class, f := range r.cps {
		out = append(out, configprovider.WithClass(class, f))
	}
	return out
}
