package configprovider_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/worker/configprovider"
)

var ctx = context.Background()

func write(t *testing.T, path, content string) string {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func resolve(t *testing.T, worker map[string]string, cfg map[string]string) (map[string]string, error) {
	t.Helper()
	p, err := configprovider.New(worker, configprovider.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	return p.Resolve(ctx, cfg)
}

func allThree(extra map[string]string) map[string]string {
	w := map[string]string{
		"config.providers":                 "env, file ,directory",
		"config.providers.env.class":       "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
		"config.providers.file.class":      "FileConfigProvider",
		"config.providers.directory.class": "Directory",
	}
	for k, v := range extra {
		w[k] = v
	}
	return w
}

func TestResolveEveryProvider(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CONNECTKIT_TEST_SECRET", "s3cr=t")
	props := write(t, filepath.Join(dir, "creds.properties"), "# comment\nuser = alice\npass:p\\u00e4ss\\\n  word\n")
	write(t, filepath.Join(dir, "secrets", "token"), "tok\nen\n")
	require.NoError(t, os.Symlink(filepath.Join(dir, "secrets", "token"), filepath.Join(dir, "secrets", "link")))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "secrets", "sub"), 0o755))

	got, err := resolve(t, allThree(nil), map[string]string{
		"env":       "${env:CONNECTKIT_TEST_SECRET}",
		"unset":     "${env:CONNECTKIT_TEST_UNSET}",
		"file":      "u=${file:" + props + ":user} p=${file:" + props + ":pass}",
		"nokey":     "${file:" + props + ":nope}",
		"dir":       "${directory:" + dir + "/secrets:token}",
		"link":      "${directory:" + dir + "/secrets:link}",
		"subdir":    "${directory:" + dir + "/secrets:sub}",
		"escape":    "${directory:" + dir + "/secrets:../creds.properties}",
		"unknown":   "${vault:secret/x:y} and ${nope}",
		"plain":     "no placeholder: $ {env:X} ${env}",
		"twice":     "${env:CONNECTKIT_TEST_SECRET}${env:CONNECTKIT_TEST_SECRET}",
		"emptypath": "${file::user}",
	})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"env":       "s3cr=t",
		"unset":     "${env:CONNECTKIT_TEST_UNSET}",
		"file":      "u=alice p=päss" + "word",
		"nokey":     "${file:" + props + ":nope}",
		"dir":       "tok\nen\n",
		"link":      "tok\nen\n",
		"subdir":    "${directory:" + dir + "/secrets:sub}",
		"escape":    "${directory:" + dir + "/secrets:../creds.properties}",
		"unknown":   "${vault:secret/x:y} and ${nope}",
		"plain":     "no placeholder: $ {env:X} ${env}",
		"twice":     "s3cr=ts3cr=t",
		"emptypath": "${file::user}",
	}, got)
}

func TestResolveSplitsLikeKafkasPattern(t *testing.T) {
	dir := t.TempDir()
	props := write(t, filepath.Join(dir, "a.properties"), "k\\:x=colon key\nk=plain\n")
	got, err := resolve(t, allThree(nil), map[string]string{
		// The key is what follows the last colon the lazy groups leave:
		// here the path is the file and the key "k:x".
		"colon": "${file:" + props + ":k:x}",
		"plain": "[${file:" + props + ":k}]",
	})
	require.NoError(t, err)
	assert.Equal(t, "colon key", got["colon"])
	assert.Equal(t, "[plain]", got["plain"])
}

func TestAllowedPaths(t *testing.T) {
	dir := t.TempDir()
	allowed := filepath.Join(dir, "allowed")
	in := write(t, filepath.Join(allowed, "in.properties"), "k=in\n")
	out := write(t, filepath.Join(dir, "out.properties"), "k=out\n")
	write(t, filepath.Join(dir, "allowedx", "x.properties"), "k=sibling\n")
	var logs bytes.Buffer
	p, err := configprovider.New(allThree(map[string]string{
		"config.providers.file.param.allowed.paths":      allowed,
		"config.providers.directory.param.allowed.paths": allowed,
	}), configprovider.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	require.NoError(t, err)
	got, err := p.Resolve(ctx, map[string]string{
		"in":        "${file:" + in + ":k}",
		"dotdot":    "${file:" + allowed + "/../out.properties:k}",
		"out":       "${file:" + out + ":k}",
		"sibling":   "${file:" + dir + "/allowedx/x.properties:k}",
		"backin":    "${file:" + dir + "/x/../allowed/./in.properties:k}",
		"directory": "${directory:" + dir + ":out.properties}",
	})
	require.NoError(t, err)
	assert.Equal(t, "in", got["in"])
	assert.Equal(t, "in", got["backin"], "normalized, then checked")
	for _, k := range []string{"dotdot", "out", "sibling", "directory"} {
		assert.True(t, strings.HasPrefix(got[k], "${"), "%s stays a placeholder: %s", k, got[k])
	}
	assert.Contains(t, logs.String(), "not under allowed.paths")
	assert.NotContains(t, logs.String(), "=out", "warnings name paths, never values")

	for _, bad := range []struct{ paths, msg string }{
		{"relative/dir", "path relative/dir is not absolute"},
		{dir + "/missing", "path " + dir + "/missing does not exist"},
		{allowed + ",", ""}, // a trailing comma is dropped, as Java's split does
	} {
		_, err := configprovider.New(allThree(map[string]string{"config.providers.file.param.allowed.paths": bad.paths}))
		if bad.msg == "" {
			assert.NoError(t, err, bad.paths)
			continue
		}
		require.Error(t, err, bad.paths)
		assert.Contains(t, err.Error(), "config.providers.file.class")
		assert.Contains(t, err.Error(), bad.msg)
	}
}

func TestProviderErrorsFailResolution(t *testing.T) {
	dir := t.TempDir()
	bad := write(t, filepath.Join(dir, "bad.properties"), "k=\xff\n")
	for name, tc := range map[string]struct{ value, msg string }{
		"env path":     {"${env:some/path:HOME}", `provider env, path "some/path": path is not supported for EnvVarConfigProvider`},
		"missing file": {"${file:" + dir + "/missing:k}", "could not read properties from file " + dir + "/missing: no such file or directory"},
		"not UTF-8":    {"${file:" + bad + ":k}", "it is not valid UTF-8"},
	} {
		_, err := resolve(t, allThree(nil), map[string]string{"x": tc.value})
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.msg, name)
	}
}

func TestNewErrors(t *testing.T) {
	_, err := configprovider.New(map[string]string{"config.providers": "vault", "config.providers.vault.class": "com.example.VaultConfigProvider"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `config.providers.vault.class: unknown config provider class "com.example.VaultConfigProvider"`)

	_, err = configprovider.New(map[string]string{"config.providers": "env",
		"config.providers.env.class": "EnvVarConfigProvider", "config.providers.env.param.allowlist.pattern": "("})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "allowlist.pattern")

	// A name without a class is not configured: its placeholders stay.
	got, err := resolve(t, map[string]string{"config.providers": "env"}, map[string]string{"x": "${env:HOME}"})
	require.NoError(t, err)
	assert.Equal(t, "${env:HOME}", got["x"])
}

func TestEnvAllowlist(t *testing.T) {
	t.Setenv("CK_ALLOWED_A", "a")
	t.Setenv("CK_DENIED_B", "b")
	got, err := resolve(t, map[string]string{"config.providers": "env",
		"config.providers.env.class":                   "EnvVar",
		"config.providers.env.param.allowlist.pattern": "CK_ALLOWED_.*"},
		map[string]string{"a": "${env:CK_ALLOWED_A}", "b": "${env:CK_DENIED_B}"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"a": "a", "b": "${env:CK_DENIED_B}"}, got)
}

func TestResolveWorkerUsesItsOwnProviders(t *testing.T) {
	t.Setenv("CK_BOOTSTRAP", "broker:9092")
	w := map[string]string{
		"config.providers":           "env",
		"config.providers.env.class": configprovider.EnvVarClass,
		"bootstrap.servers":          "${env:CK_BOOTSTRAP}",
	}
	got, err := configprovider.ResolveWorker(ctx, w)
	require.NoError(t, err)
	assert.Equal(t, "broker:9092", got["bootstrap.servers"])
	assert.Equal(t, "${env:CK_BOOTSTRAP}", w["bootstrap.servers"], "the caller's map is not changed")

	// Kafka's AbstractConfig splits config.providers without trimming.
	w["config.providers"] = " env"
	got, err = configprovider.ResolveWorker(ctx, w)
	require.NoError(t, err)
	assert.Equal(t, "${env:CK_BOOTSTRAP}", got["bootstrap.servers"])
}

type countingProvider struct{ calls *[]string }

func (c countingProvider) Get(_ context.Context, path string, keys []string) (map[string]string, error) {
	*c.calls = append(*c.calls, fmt.Sprintf("%s %v", path, keys))
	if path == "fail" {
		return nil, errors.New("backend down")
	}
	return map[string]string{"a": "A:" + path}, nil
}

func TestCustomProviderIsAskedOncePerPath(t *testing.T) {
	var calls []string
	p, err := configprovider.New(map[string]string{"config.providers": "c", "config.providers.c.class": "com.example.CountingConfigProvider",
		"config.providers.c.param.x": "1"},
		configprovider.WithClass("com.example.CountingConfigProvider", func(params map[string]string, _ *slog.Logger) (configprovider.Provider, error) {
			assert.Equal(t, map[string]string{"x": "1"}, params)
			return countingProvider{&calls}, nil
		}))
	require.NoError(t, err)
	got, err := p.Resolve(ctx, map[string]string{"1": "${c:p:a}", "2": "${c:p:b}${c:p:a}", "3": "${c:q:a}"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"1": "A:p", "2": "${c:p:b}A:p", "3": "A:q"}, got)
	assert.Equal(t, []string{"p [a b]", "q [a]"}, calls)

	_, err = p.Resolve(ctx, map[string]string{"1": "${c:fail:a}"})
	assert.EqualError(t, err, `configprovider: provider c, path "fail": backend down`)
}

func ExampleProviders_Resolve() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "s3.properties"), []byte("secret=wJalrXUtnFEMI\n"), 0o600)

	providers, err := configprovider.New(map[string]string{
		"config.providers":            "file",
		"config.providers.file.class": "org.apache.kafka.common.config.provider.FileConfigProvider",
	})
	if err != nil {
		panic(err)
	}
	connector := map[string]string{
		"aws.secret.access.key": "${file:" + dir + "/s3.properties:secret}",
		"topics":                "orders",
	}
	resolved, err := providers.Resolve(context.Background(), connector)
	if err != nil {
		panic(err)
	}
	fmt.Println(resolved["aws.secret.access.key"], resolved["topics"])
	// Output: wJalrXUtnFEMI orders
}
