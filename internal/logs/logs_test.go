package logs

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/smithy-go/logging"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFlagsMakeOneStream(t *testing.T) {
	old := slog.Default()
	t.Cleanup(func() { slog.SetDefault(old) })
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	f := AddFlags(fs)
	require.NoError(t, fs.Parse([]string{"-v", "-log.format=json"}))
	var buf bytes.Buffer
	l, err := f.Logger(&buf)
	require.NoError(t, err)
	l.Debug("debug line", "k", 1)
	log.Print("from the standard log package") // routed to the same handler by SetDefault
	AWS(l).Logf(logging.Warn, "checksum %s", "missing")
	AWS(l).(logging.ContextLogger).WithContext(context.Background()).Logf(logging.Debug, "request")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 4, buf.String())
	var got []string
	for _, line := range lines {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		got = append(got, m["level"].(string)+" "+m["msg"].(string))
	}
	assert.Equal(t, []string{"DEBUG debug line", "INFO from the standard log package", "WARN checksum missing", "DEBUG request"}, got)
	assert.Contains(t, lines[2], `"component":"aws-sdk"`)
}

func TestFlagsDefaultsAndErrors(t *testing.T) {
	old := slog.Default()
	t.Cleanup(func() { slog.SetDefault(old) })
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	f := AddFlags(fs)
	require.NoError(t, fs.Parse(nil))
	var buf bytes.Buffer
	l, err := f.Logger(&buf)
	require.NoError(t, err)
	l.Debug("hidden at info")
	l.Info("shown")
	AWS(l).Logf(logging.Debug, "hidden too")
	assert.NotContains(t, buf.String(), "hidden")
	assert.Contains(t, buf.String(), "level=INFO msg=shown")

	require.NoError(t, fs.Parse([]string{"-log.format=xml"}))
	_, err = f.Logger(io.Discard)
	assert.EqualError(t, err, `-log.format: "xml" is neither text nor json`)
}
