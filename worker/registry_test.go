package worker

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
)

// fakeSink is a sink connector that remembers which plugin made it.
type fakeSink struct{ kind string }

var _ connect.SinkConnector = (*fakeSink)(nil)

func (c *fakeSink) ConfigDef() *connect.ConfigDef { return connect.NewConfigDef() }

func (c *fakeSink) TaskConfigs(config map[string]string, maxTasks int) ([]map[string]string, error) {
	return connect.ReplicateConfig(config, maxTasks), nil
}

func (c *fakeSink) NewTask() connect.SinkTask { return fakeTask{} }

type fakeTask struct{}

func (fakeTask) Start(context.Context, map[string]string, connect.SinkTaskContext) error {
	return nil
}
func (fakeTask) Put(context.Context, []connect.SinkRecord) error { return nil }
func (fakeTask) Stop(context.Context) error                      { return nil }

func fakePlugin(name string, aliases ...string) Plugin {
	return Plugin{
		Name:    name,
		Aliases: aliases,
		New:     func() connect.Connector { return &fakeSink{kind: name} },
		Doc:     "Test connector " + name + ".",
	}
}

// testRegistry holds a file sink registered as Kafka Connect's, and an S3
// sink whose Go name differs from its Java one.
func testRegistry() *Registry {
	r := NewRegistry()
	r.Register(fakePlugin("FileStreamSink", "org.apache.kafka.connect.file.FileStreamSinkConnector"))
	r.Register(fakePlugin("s3sink", "io.confluent.connect.s3.S3SinkConnector"))
	return r
}

func TestRegistryLookup(t *testing.T) {
	tests := []struct {
		class string
		want  string
	}{
		{"FileStreamSink", "FileStreamSink"},
		{"org.apache.kafka.connect.file.FileStreamSinkConnector", "FileStreamSink"},
		{"FileStreamSinkConnector", "FileStreamSink"},
		{"s3sink", "s3sink"},
		{"io.confluent.connect.s3.S3SinkConnector", "s3sink"},
		{"S3SinkConnector", "s3sink"},
		{"S3Sink", "s3sink"},
	}
	r := testRegistry()
	for _, tt := range tests {
		t.Run(tt.class, func(t *testing.T) {
			p, err := r.Lookup(tt.class)
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.Name)
			c, ok := p.New().(*fakeSink)
			require.True(t, ok)
			assert.Equal(t, tt.want, c.kind)
		})
	}
}

func TestRegistryLookupUnknown(t *testing.T) {
	tests := []struct {
		class   string
		wantErr string
	}{
		{
			class: "FileStreamSinc",
			wantErr: `worker: connector.class "FileStreamSinc": unknown connector class ` +
				`(did you mean "FileStreamSink"?); registered: FileStreamSink, s3sink`,
		},
		{
			class: "s3sinkconnector",
			wantErr: `worker: connector.class "s3sinkconnector": unknown connector class ` +
				`(did you mean "S3SinkConnector"?); registered: FileStreamSink, s3sink`,
		},
		{
			class: "org.apache.kafka.connect.file.FileStreamSinkConector",
			wantErr: `worker: connector.class "org.apache.kafka.connect.file.FileStreamSinkConector": unknown connector class ` +
				`(did you mean "org.apache.kafka.connect.file.FileStreamSinkConnector"?); registered: FileStreamSink, s3sink`,
		},
		{
			// Another package's class of the same simple name is
			// another connector.
			class: "com.example.FileStreamSinkConnector",
			wantErr: `worker: connector.class "com.example.FileStreamSinkConnector": unknown connector class ` +
				`(did you mean "org.apache.kafka.connect.file.FileStreamSinkConnector"?); registered: FileStreamSink, s3sink`,
		},
		{
			class:   "HttpSource",
			wantErr: `worker: connector.class "HttpSource": unknown connector class; registered: FileStreamSink, s3sink`,
		},
		{
			// Kafka Connect class names are case-sensitive.
			class: "filestreamsink",
			wantErr: `worker: connector.class "filestreamsink": unknown connector class ` +
				`(did you mean "FileStreamSink"?); registered: FileStreamSink, s3sink`,
		},
	}
	r := testRegistry()
	for _, tt := range tests {
		t.Run(tt.class, func(t *testing.T) {
			_, err := r.Lookup(tt.class)
			assert.ErrorIs(t, err, ErrUnknownClass)
			assert.EqualError(t, err, tt.wantErr)
		})
	}
}

func TestRegistryLookupEmpty(t *testing.T) {
	var r Registry // the zero Registry works
	_, err := r.Lookup("FileStreamSink")
	assert.ErrorIs(t, err, ErrUnknownClass)
	assert.EqualError(t, err, `worker: connector.class "FileStreamSink": unknown connector class; no connector plugins are registered`)

	_, err = testRegistry().Lookup("")
	assert.EqualError(t, err, "worker: connector.class is not set")
}

func TestRegistryLookupAmbiguous(t *testing.T) {
	r := NewRegistry()
	r.Register(fakePlugin("a", "com.a.JdbcSinkConnector"))
	r.Register(fakePlugin("b", "com.b.JdbcSinkConnector"))

	for _, class := range []string{"JdbcSinkConnector", "JdbcSink"} {
		_, err := r.Lookup(class)
		assert.EqualError(t, err, fmt.Sprintf(`worker: connector.class %q is ambiguous: `+
			`it could be com.a.JdbcSinkConnector or com.b.JdbcSinkConnector; use the full name`, class))
	}
	p, err := r.Lookup("com.b.JdbcSinkConnector")
	require.NoError(t, err)
	assert.Equal(t, "b", p.Name)
}

func TestRegistryExactNameBeatsShortName(t *testing.T) {
	r := NewRegistry()
	r.Register(fakePlugin("java", "org.example.MirrorConnector"))
	r.Register(fakePlugin("Mirror"))

	p, err := r.Lookup("Mirror")
	require.NoError(t, err)
	assert.Equal(t, "Mirror", p.Name)
	p, err = r.Lookup("MirrorConnector")
	require.NoError(t, err)
	assert.Equal(t, "java", p.Name)
}

func TestRegistryRegisterPanics(t *testing.T) {
	tests := []struct {
		name      string
		plugin    Plugin
		wantPanic string
	}{
		{"duplicate name", fakePlugin("FileStreamSink"), `worker: Register called twice for connector name "FileStreamSink"`},
		{"duplicate alias", fakePlugin("other", "io.confluent.connect.s3.S3SinkConnector"), `worker: Register called twice for connector name "io.confluent.connect.s3.S3SinkConnector"`},
		{"name used as alias", fakePlugin("other", "s3sink"), `worker: Register called twice for connector name "s3sink"`},
		{"alias repeats own name", fakePlugin("other", "other"), `worker: Register called twice for connector name "other"`},
		{"empty alias", fakePlugin("other", ""), `worker: Register of plugin "other" with an empty alias`},
		{"no name", Plugin{New: fakePlugin("x").New}, "worker: Register of a plugin without a Name"},
		{"no New", Plugin{Name: "other"}, `worker: Register of plugin "other" without New`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRegistry()
			assert.PanicsWithValue(t, tt.wantPanic, func() { r.Register(tt.plugin) })
			// A failed Register leaves nothing behind.
			_, err := r.Lookup("other")
			assert.ErrorIs(t, err, ErrUnknownClass)
			assert.Len(t, r.Plugins(), 2)
		})
	}
}

func TestRegistryPlugins(t *testing.T) {
	r := NewRegistry()
	r.Register(fakePlugin("zeta", "org.z.ZetaConnector"))
	r.Register(fakePlugin("alpha"))
	r.Register(fakePlugin("Mid"))

	plugins := r.Plugins()
	var names []string
	for _, p := range plugins {
		names = append(names, p.Name)
	}
	assert.Equal(t, []string{"Mid", "alpha", "zeta"}, names)
	assert.Equal(t, "Test connector zeta.", plugins[2].Doc)

	// The result is the caller's to change.
	plugins[2].Aliases[0] = "changed"
	p, err := r.Lookup("org.z.ZetaConnector")
	require.NoError(t, err)
	assert.Equal(t, []string{"org.z.ZetaConnector"}, p.Aliases)
	assert.Empty(t, NewRegistry().Plugins())
}

func TestRegistryRegisterCopiesAliases(t *testing.T) {
	aliases := []string{"org.z.ZetaConnector"}
	r := NewRegistry()
	r.Register(Plugin{Name: "zeta", Aliases: aliases, New: fakePlugin("zeta").New})
	aliases[0] = "changed"
	p, err := r.Lookup("org.z.ZetaConnector")
	require.NoError(t, err)
	assert.Equal(t, []string{"org.z.ZetaConnector"}, p.Aliases)
}

// TestRegistryConcurrent is for the race detector: Default is shared by a
// whole process.
func TestRegistryConcurrent(t *testing.T) {
	r := NewRegistry()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			r.Register(fakePlugin(fmt.Sprintf("p%d", i), fmt.Sprintf("org.p%d.P%dConnector", i, i)))
		})
		wg.Go(func() {
			_, _ = r.Lookup(fmt.Sprintf("P%d", i))
			_ = r.Plugins()
		})
	}
	wg.Wait()
	assert.Len(t, r.Plugins(), 4)
	p, err := r.Lookup("P3")
	require.NoError(t, err)
	assert.Equal(t, "p3", p.Name)
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"FileStreamSinc", "FileStreamSink", 1},
		{"été", "ete", 2},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, editDistance(tt.a, tt.b), "%q %q", tt.a, tt.b)
		assert.Equal(t, tt.want, editDistance(tt.b, tt.a), "%q %q", tt.b, tt.a)
	}
}
