//go:build integration

package configprovider_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/internal/javaoracle"
	"github.com/connectkit/connectkit/worker/configprovider"
)

// diffCase is one worker configuration and one connector configuration.
type diffCase struct {
	name      string
	worker    map[string]string
	connector map[string]string
}

// outcome is what one side made of a case.
type outcome struct {
	worker, connector  map[string]string
	workerErr, connErr string
}

// TestDifferentialAgainstKafka resolves a generated corpus of worker and
// connector configurations, full of placeholders for the env, file and
// directory providers (and for unknown ones, malformed ones, paths outside
// allowed.paths, files that are not UTF-8), with this package and with
// Kafka 4.3.1's own AbstractConfig, ConfigTransformer and providers, and
// requires the same results: the same resolved values, and an error on
// both sides or neither. Error texts are not compared: Kafka's name Java
// exceptions.
func TestDifferentialAgainstKafka(t *testing.T) {
	// Java reads the environment in the locale's charset.
	t.Setenv("LC_ALL", "C.UTF-8")
	prog := javaoracle.Build(t, "testdata/kafka")
	dir := t.TempDir()
	fx := newFixtures(t, dir)
	cases := append(handPicked(fx), generated(fx, rand.New(rand.NewPCG(20261207, 1)), 600)...)

	var in bytes.Buffer
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, c := range cases {
		in.WriteString("CASE\n")
		for k, v := range c.worker {
			fmt.Fprintf(&in, "W %s %s\n", b64(k), b64(v))
		}
		for k, v := range c.connector {
			fmt.Fprintf(&in, "C %s %s\n", b64(k), b64(v))
		}
		in.WriteString("END\n")
	}
	javaOut := parseOutcomes(t, prog.Run(t, "Transform", in.Bytes()))
	require.Len(t, javaOut, len(cases))

	quiet := configprovider.WithLogger(slog.New(slog.DiscardHandler))
	var failures, errorsBoth, resolvedSome int
	for i, c := range cases {
		var got outcome
		w, err := configprovider.ResolveWorker(ctx, c.worker, quiet)
		if err != nil {
			got.workerErr = err.Error()
		} else {
			got.worker = w
			p, err := configprovider.New(w, quiet)
			if err == nil {
				got.connector, err = p.Resolve(ctx, c.connector)
			}
			if err != nil {
				got.connErr = err.Error()
			}
		}
		want := javaOut[i]
		if msg := compare(want, got); msg != "" {
			failures++
			if failures <= 20 {
				t.Errorf("case %d (%s): %s\nworker: %q\nconnector: %q", i, c.name, msg, c.worker, c.connector)
			}
		}
		if want.connErr != "" || want.workerErr != "" {
			errorsBoth++
		}
		for k, v := range want.connector {
			if v != c.connector[k] {
				resolvedSome++
				break
			}
		}
	}
	t.Logf("%d cases: %d with an error (in Kafka), %d with a resolved placeholder, %d disagreements",
		len(cases), errorsBoth, resolvedSome, failures)
	// The corpus must exercise both paths, or agreeing proves little.
	require.Greater(t, resolvedSome, len(cases)/4)
	require.Greater(t, errorsBoth, 10)
}

func compare(want, got outcome) string {
	switch {
	case (want.workerErr != "") != (got.workerErr != ""):
		return fmt.Sprintf("worker error: Kafka %q, ours %q", want.workerErr, got.workerErr)
	case want.workerErr != "":
		return ""
	case !mapsEqual(want.worker, got.worker):
		return fmt.Sprintf("worker settings differ:\nKafka %q\nours  %q", want.worker, got.worker)
	case (want.connErr != "") != (got.connErr != ""):
		return fmt.Sprintf("connector error: Kafka %q, ours %q", want.connErr, got.connErr)
	case want.connErr != "":
		return ""
	case !mapsEqual(want.connector, got.connector):
		return fmt.Sprintf("connector settings differ:\nKafka %q\nours  %q", want.connector, got.connector)
	}
	return ""
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func parseOutcomes(t *testing.T, out []byte) []outcome {
	t.Helper()
	dec := func(s string) string {
		b, err := base64.StdEncoding.DecodeString(s)
		require.NoError(t, err)
		return string(b)
	}
	var res []outcome
	cur := outcome{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		f := strings.Split(sc.Text(), " ")
		switch f[0] {
		case "W":
			if cur.worker == nil {
				cur.worker = map[string]string{}
			}
			cur.worker[dec(f[1])] = dec(f[2])
		case "C":
			if cur.connector == nil {
				cur.connector = map[string]string{}
			}
			cur.connector[dec(f[1])] = dec(f[2])
		case "WERR":
			cur.workerErr = dec(f[1])
		case "CERR":
			cur.connErr = dec(f[1])
		case "END":
			if cur.workerErr == "" && cur.worker == nil {
				cur.worker = map[string]string{}
			}
			if cur.workerErr == "" && cur.connErr == "" && cur.connector == nil {
				cur.connector = map[string]string{}
			}
			res = append(res, cur)
			cur = outcome{}
		default:
			t.Fatalf("unexpected oracle line %q", sc.Text())
		}
	}
	return res
}

// fixtures are the files and directories placeholders point at.
type fixtures struct {
	dir                   string
	propsFiles, propsKeys []string
	dirs, dirKeys         []string
	envNames              []string
	allowed               []string // values for allowed.paths
}

func newFixtures(t *testing.T, dir string) *fixtures {
	fx := &fixtures{dir: dir}
	mk := func(rel string, content []byte) string {
		p := filepath.Join(dir, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, content, 0o600))
		return p
	}
	fx.propsKeys = []string{"user", "password", "k:x", "empty", "space key", "uni", "multi", "dup", "missing", "\uFEFFbom"}
	fx.propsFiles = []string{
		mk("secrets/a.properties", []byte("user=alice\npassword = pa:ss=word\nk\\:x=colon\nempty=\nspace\\ key=sp\nuni=\\u00e9t\u00e9 \u20ac\nmulti=one\\\n   two\ndup=1\ndup=2\n! comment\n")),
		mk("secrets/b.properties", []byte("\uFEFFbom=yes\nuser:bob\n")),
		mk("secrets/bad.properties", []byte("user=\xff\xfe\n")),
		mk("other/c.properties", []byte("user=carol\npassword\tsecret\n")),
		filepath.Join(dir, "secrets/a.properties"), filepath.Join(dir, "other/c.properties"), // likelier than the failing ones
		filepath.Join(dir, "secrets/missing.properties"),
		filepath.Join(dir, "secrets/../secrets/a.properties"),
		filepath.Join(dir, "secrets//a.properties"),
		filepath.Join(dir, "secrets"), // a directory, not a file
		"relative/none.properties",
	}
	mk("vault/token", []byte("tok\nen\n"))
	mk("vault/pass word", []byte("p w"))
	mk("vault/bin", []byte("a\xffb\xe2\x82c\xf0\x9f\x98"))
	mk("vault/empty", nil)
	mk("vault/sub/inner", []byte("inner"))
	require.NoError(t, os.Symlink(filepath.Join(dir, "vault/token"), filepath.Join(dir, "vault/link")))
	require.NoError(t, os.Symlink(filepath.Join(dir, "vault/gone"), filepath.Join(dir, "vault/broken")))
	require.NoError(t, os.Symlink(filepath.Join(dir, "vault"), filepath.Join(dir, "vaultlink")))
	fx.dirs = []string{
		filepath.Join(dir, "vault"), filepath.Join(dir, "vault") + "/", filepath.Join(dir, "vaultlink"),
		filepath.Join(dir, "other/../vault"), filepath.Join(dir, "nodir"), filepath.Join(dir, "vault/token"),
	}
	fx.dirKeys = []string{"token", "pass word", "bin", "empty", "sub", "link", "broken", "inner", "sub/inner", "../secrets/a.properties", "nope"}
	fx.envNames = []string{"CKDIFF_A_ONE", "CKDIFF_A_TWO", "CKDIFF_B_UNI", "CKDIFF_EMPTY", "CKDIFF_UNSET"}
	for i, v := range []string{"one", "two=2:${x}", "\u00e9\u20ac \U0001F600", ""} {
		t.Setenv(fx.envNames[i], v)
	}
	fx.allowed = []string{"", filepath.Join(dir, "secrets"), filepath.Join(dir, "secrets") + "," + filepath.Join(dir, "vault"),
		filepath.Join(dir, "vault", ".."), dir + "/", filepath.Join(dir, "nodir"), "relative/path", filepath.Join(dir, "secrets") + ","}
	return fx
}

const (
	envClass  = configprovider.EnvVarClass
	fileClass = configprovider.FileClass
	dirClass  = configprovider.DirectoryClass
)

func handPicked(fx *fixtures) []diffCase {
	a := fx.propsFiles[0]
	std := map[string]string{
		"config.providers":                 "env,file,directory",
		"config.providers.env.class":       envClass,
		"config.providers.file.class":      fileClass,
		"config.providers.directory.class": dirClass,
	}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range std {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	vault := fx.dirs[0]
	return []diffCase{
		{"every provider", std, map[string]string{
			"e": "${env:CKDIFF_A_ONE}", "f": "${file:" + a + ":password}", "d": "${directory:" + vault + ":token}",
			"mixed": "x${env:CKDIFF_A_TWO}y${file:" + a + ":uni}z",
		}},
		{"colon in key", std, map[string]string{"k": "${file:" + a + ":k:x}", "p": "${a:b:c:d}", "q": "${:}", "r": "${::}", "s": "${x::y}"}},
		{"unclosed and nested", std, map[string]string{"u": "${env:CKDIFF_A_ONE", "n": "${env:${env:CKDIFF_A_ONE}}", "m": "$${env:CKDIFF_A_ONE}}"}},
		{"env with a path", std, map[string]string{"e": "${env:p:CKDIFF_A_ONE}"}},
		{"env allowlist", with(map[string]string{"config.providers.env.param.allowlist.pattern": "CKDIFF_A_.*"}),
			map[string]string{"a": "${env:CKDIFF_A_ONE}", "b": "${env:CKDIFF_B_UNI}"}},
		{"worker placeholders", with(map[string]string{"bootstrap.servers": "${env:CKDIFF_A_ONE}:9092", "sasl": "${file:" + a + ":password}"}), nil},
		{"worker names untrimmed", map[string]string{"config.providers": " env", "config.providers.env.class": envClass, "x": "${env:CKDIFF_A_ONE}"},
			map[string]string{"x": "${env:CKDIFF_A_ONE}"}},
		{"unknown class", map[string]string{"config.providers": "v", "config.providers.v.class": "com.example.Nope"}, map[string]string{"x": "1"}},
		{"no providers", map[string]string{}, map[string]string{"x": "${env:CKDIFF_A_ONE}"}},
		{"provider without class", map[string]string{"config.providers": "env"}, map[string]string{"x": "${env:CKDIFF_A_ONE}"}},
		{"bom key", std, map[string]string{"x": "${file:" + fx.propsFiles[1] + ":\uFEFFbom}", "y": "${file:" + fx.propsFiles[1] + ":bom}"}},
	}
}

// generated returns n random cases built from the fixtures and from text
// that looks like placeholders.
func generated(fx *fixtures, r *rand.Rand, n int) []diffCase {
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	junk := []string{"a", "b", "$", "{", "}", ":", "${", "}}", " ", "\n", "é", "€", "\\", "=", "/"}
	providerNames := []string{"env", "file", "directory", "env", "file", "directory", "vault", "", "Env"}
	placeholderText := func() string {
		prov := pick(providerNames)
		var path, key string
		switch prov {
		case "env":
			key = pick(fx.envNames)
			if r.IntN(12) == 0 {
				path = pick(fx.propsFiles)
			}
		case "file":
			path, key = pick(fx.propsFiles), pick(fx.propsKeys)
		case "directory":
			path, key = pick(fx.dirs), pick(fx.dirKeys)
		default:
			path, key = pick(junk), pick(fx.propsKeys)
		}
		s := "${" + prov + ":"
		if path != "" || r.IntN(10) == 0 {
			s += path + ":"
		}
		s += key
		if r.IntN(15) != 0 {
			s += "}"
		}
		return s
	}
	value := func() string {
		var b strings.Builder
		for range r.IntN(4) + 1 {
			if r.IntN(3) == 0 {
				for range r.IntN(3) + 1 {
					b.WriteString(pick(junk))
				}
			} else {
				b.WriteString(placeholderText())
			}
		}
		return b.String()
	}
	var out []diffCase
	for i := range n {
		w := map[string]string{}
		names := slices.Clone([]string{"env", "file", "directory"})
		r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
		names = names[:1+r.IntN(3)]
		sep := pick([]string{",", ", ", " , "})
		w["config.providers"] = strings.Join(names, sep)
		if r.IntN(8) == 0 {
			w["config.providers"] = " " + w["config.providers"] + ","
		}
		classes := map[string]string{"env": envClass, "file": fileClass, "directory": dirClass}
		for _, name := range names {
			if r.IntN(20) != 0 {
				w["config.providers."+name+".class"] = classes[name]
			}
		}
		if r.IntN(3) == 0 {
			w["config.providers.file.param.allowed.paths"] = pick(fx.allowed)
		}
		if r.IntN(3) == 0 {
			w["config.providers.directory.param.allowed.paths"] = pick(fx.allowed)
		}
		if r.IntN(5) == 0 {
			w["config.providers.env.param.allowlist.pattern"] = pick([]string{"CKDIFF_A_.*", "CKDIFF_(A|B)_[A-Z]+", ".*ONE", "CKDIFF_EMPTY"})
		}
		if r.IntN(4) == 0 {
			w["bootstrap.servers"] = value()
		}
		c := map[string]string{}
		for j := range r.IntN(4) + 1 {
			c[fmt.Sprintf("k%d", j)] = value()
		}
		out = append(out, diffCase{name: fmt.Sprintf("generated %d", i), worker: w, connector: c})
	}
	return out
}
