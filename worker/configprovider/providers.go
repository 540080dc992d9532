package configprovider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/connectkit/connectkit/internal/javaprops"
)

// envVar is Kafka's EnvVarConfigProvider.
type envVar struct{ vars map[string]string }

func newEnvVar(params map[string]string, log *slog.Logger) (Provider, error) {
	pattern := ".*"
	if p, ok := params["allowlist.pattern"]; ok {
		pattern = p
	}
	re, err := regexp.Compile(`^(?:` + pattern + `)$`) // Java's matches(): the whole name
	if err != nil {
		return nil, fmt.Errorf("allowlist.pattern: %w", err)
	}
	vars := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if re.MatchString(k) {
			vars[k] = v
		}
	}
	return envVar{vars}, nil
}

func (e envVar) Get(_ context.Context, path string, keys []string) (map[string]string, error) {
	if path != "" {
		return nil, fmt.Errorf("path is not supported for EnvVarConfigProvider, invalid value %q", path)
	}
	out := map[string]string{}
	for _, k := range keys {
		if v, ok := e.vars[k]; ok {
			out[k] = v
		}
	}
	return out, nil
}

// allowedPaths is Kafka's AllowedPaths: nil allows every path.
type allowedPaths []string

func newAllowedPaths(params map[string]string) (allowedPaths, error) {
	v := params["allowed.paths"]
	if v == "" {
		return nil, nil
	}
	var out allowedPaths
	for _, p := range dropTrailingEmpty(strings.Split(v, ",")) {
		n := normalize(p)
		if !filepath.IsAbs(n) {
			return nil, fmt.Errorf("allowed.paths: path %s is not absolute", n)
		}
		if _, err := os.Stat(n); err != nil {
			return nil, fmt.Errorf("allowed.paths: path %s does not exist", n)
		}
		out = append(out, n)
	}
	return out, nil
}

// normalize is Java's Path.normalize on a Unix path: "." and "name/.."
// removed, slashes collapsed. Unlike filepath.Clean, an empty result
// stays empty (Java's empty path) rather than becoming ".".
func normalize(p string) string {
	if p == "" {
		return ""
	}
	c := filepath.Clean(p)
	if c == "." {
		return ""
	}
	return c
}

// javaPath is what Java's Paths.get makes of p on Unix: repeated and
// trailing slashes dropped, "." and ".." kept (they mean something to the
// file system when links are involved).
func javaPath(p string) string {
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	return p
}

// check returns the path to open for an untrusted path, or "" when it is
// outside the allowed paths.
func (a allowedPaths) check(path string) string {
	if a == nil {
		return javaPath(path)
	}
	n := normalize(path)
	for _, allowed := range a {
		if n == allowed || strings.HasPrefix(n, strings.TrimSuffix(allowed, "/")+"/") {
			return n
		}
	}
	return ""
}

// file is Kafka's FileConfigProvider.
type file struct {
	allowed allowedPaths
	log     *slog.Logger
}

func newFile(params map[string]string, log *slog.Logger) (Provider, error) {
	a, err := newAllowedPaths(params)
	if err != nil {
		return nil, err
	}
	return file{a, log}, nil
}

func (f file) Get(_ context.Context, path string, keys []string) (map[string]string, error) {
	out := map[string]string{}
	if path == "" {
		return out, nil
	}
	p := f.allowed.check(path)
	if p == "" {
		f.log.Warn("config provider path is not under allowed.paths; its placeholders are left as they are", "path", path)
		return out, nil
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("could not read properties from file %s: %w", path, errors.Unwrap(err))
	}
	// Kafka reads the file through a UTF-8 reader that refuses bad bytes.
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("could not read properties from file %s: it is not valid UTF-8", path)
	}
	// A byte order mark is part of the first key to Java's reader.
	if rest, ok := bytes.CutPrefix(data, []byte("\uFEFF")); ok {
		data = append([]byte(`\uFEFF`), rest...)
	}
	props, err := javaprops.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("could not read properties from file %s: %w", path, err)
	}
	for _, k := range keys {
		if v, ok := props[k]; ok {
			out[k] = v
		}
	}
	return out, nil
}

// directory is Kafka's DirectoryConfigProvider.
type directory struct {
	allowed allowedPaths
	log     *slog.Logger
}

func newDirectory(params map[string]string, log *slog.Logger) (Provider, error) {
	a, err := newAllowedPaths(params)
	if err != nil {
		return nil, err
	}
	return directory{a, log}, nil
}

func (d directory) Get(_ context.Context, path string, keys []string) (map[string]string, error) {
	out := map[string]string{}
	if path == "" {
		return out, nil
	}
	dir := d.allowed.check(path)
	if dir == "" {
		d.log.Warn("config provider path is not under allowed.paths; its placeholders are left as they are", "path", path)
		return out, nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		d.log.Warn("config provider path is not a directory; its placeholders are left as they are", "path", path)
		return out, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("could not list directory %s: %w", dir, errors.Unwrap(err))
	}
	// Only names listed in the directory: a key such as "../x" names no
	// entry, so nothing outside dir is read.
	for _, e := range entries {
		if !slices.Contains(keys, e.Name()) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
			continue // Files.isRegularFile: links followed, broken ones skipped
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("could not read file %s for property %s: %w", p, e.Name(), errors.Unwrap(err))
		}
		// Kafka reads the file as UTF-8 and refuses bad bytes.
		if !utf8.Valid(b) {
			return nil, fmt.Errorf("could not read file %s for property %s: it is not valid UTF-8", p, e.Name())
		}
		out[e.Name()] = string(b)
	}
	return out, nil
}
