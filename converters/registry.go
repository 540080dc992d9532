package converters

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Plugin is a converter that a configuration can name in key.converter,
// value.converter or header.converter, beside the converters of this
// package.
type Plugin struct {
	// Name is the plugin's own name, usually the Java class name of the
	// Kafka Connect converter it replaces, so that existing files run
	// unchanged ("io.confluent.connect.avro.AvroConverter").
	Name string
	// Aliases are other names for it ("avro").
	Aliases []string
	// New returns a key or value converter configured with config (the
	// converter's own settings, prefix stripped); isKey says which. Nil
	// for a header-only converter.
	New func(config map[string]string, isKey bool) (Converter, error)
	// NewHeader returns a header converter configured with config. Nil
	// for a converter that does not convert headers.
	NewHeader func(config map[string]string) (HeaderConverter, error)
	// Doc is a one-line description, for listings.
	Doc string
}

// Registry resolves converter class names: first the plugins registered in
// it, then the converters of this package, as [New] and
// [NewHeaderConverter] do. A registered plugin is found by its Name, its
// Aliases and the simple class name (the part after the last dot) of
// either. A nil *Registry holds only this package's converters, so a
// runtime without a registry behaves as before. Its methods are safe to
// call from any goroutine.
type Registry struct {
	mu      sync.RWMutex
	plugins map[string]Plugin
	names   []string // Names, in registration order, for listings
}

// NewRegistry returns a registry holding only this package's converters.
func NewRegistry() *Registry { return &Registry{} }

// Register adds p under its Name, its Aliases and their simple class
// names. It panics if p has no Name, has neither New nor NewHeader, or
// has a name already taken, by a plugin registered before or by a
// converter of this package: registering is done when a program starts,
// where that is a programming error.
func (r *Registry) Register(p Plugin) {
	if p.Name == "" {
		panic("converters: Register of a plugin without a Name")
	}
	if p.New == nil && p.NewHeader == nil {
		panic(fmt.Sprintf("converters: Register of plugin %q with neither New nor NewHeader", p.Name))
	}
	p.Aliases = slices.Clone(p.Aliases)
	var names []string
	for _, n := range append([]string{p.Name}, p.Aliases...) {
		if n == "" {
			panic(fmt.Sprintf("converters: Register of plugin %q with an empty alias", p.Name))
		}
		names = append(names, n)
		if s := n[strings.LastIndexByte(n, '.')+1:]; s != n && s != "" {
			names = append(names, s)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.plugins == nil {
		r.plugins = map[string]Plugin{}
	}
	for i, n := range names {
		if _, builtin := classes[n]; builtin {
			panic(fmt.Sprintf("converters: Register of plugin %q: %q names a converter of this package", p.Name, n))
		}
		if _, dup := r.plugins[n]; dup || slices.Contains(names[:i], n) {
			panic(fmt.Sprintf("converters: Register called twice for converter name %q", n))
		}
	}
	for _, n := range names {
		r.plugins[n] = p
	}
	r.names = append(r.names, p.Name)
}

// Plugins returns the registered plugins (not this package's converters),
// in the order they were registered.
func (r *Registry) Plugins() []Plugin {
	if r == nil {
		return nil
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Plugin, len(r.names))
	for i, n := range r.names {
		out[i] = r.plugins[n]
		out[i].Aliases = slices.Clone(out[i].Aliases)
	}
	return out
}

func (r *Registry) lookup(class string) (Plugin, bool) {
	if r == nil {
		return Plugin{}, false
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, ok := r.plugins[strings.TrimSpace(class)]
	return p, ok
}

// New returns the key or value converter named by class; see the
// package-level [New] for config and isKey.
func (r *Registry) New(class string, config map[string]string, isKey bool) (Converter, error) {
	p, ok := r.lookup(class)
	if !ok {
		return New(class, config, isKey)
	}
	if p.New == nil {
		return nil, fmt.Errorf("converters: %s is a header converter only", class)
	}
	c, err := p.New(config, isKey)
	if err != nil {
		return nil, fmt.Errorf("converters: %s: %w", p.Name, err)
	}
	return c, nil
}

// NewHeaderConverter returns the header converter named by class; see the
// package-level [NewHeaderConverter].
func (r *Registry) NewHeaderConverter(class string, config map[string]string) (HeaderConverter, error) {
	p, ok := r.lookup(class)
	if !ok {
		return NewHeaderConverter(class, config)
	}
	if p.NewHeader == nil {
		return nil, fmt.Errorf("converters: %s does not convert headers", class)
	}
	c, err := p.NewHeader(config)
	if err != nil {
		return nil, fmt.Errorf("converters: %s: %w", p.Name, err)
	}
	return c, nil
}
