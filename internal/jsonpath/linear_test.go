package jsonpath

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/internal/jsontext"
	"github.com/connectkit/connectkit/internal/jsontext/jsondocs"
)

// 10 MB of '[', never closed, is refused after jsontext.MaxDepth bytes,
// allocating a small constant amount, whether the decoder builds the
// document or skips it (issue 13.10).
func TestOpenBracketsRefused(t *testing.T) {
	doc := jsondocs.OpenBrackets(10 << 20)
	for _, expr := range []string{"$..x", "$[?(@.b)]", "$.a"} {
		cond, err := CompileCondition(expr)
		require.NoError(t, err)
		read := func() {
			_, err := cond.MatchJSON(doc)
			if assert.ErrorIs(t, err, ErrSyntax, expr) {
				assert.Contains(t, err.Error(), fmt.Sprintf("nesting deeper than %d", jsontext.MaxDepth))
			}
		}
		read() // the scratch pool is filled
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		read()
		runtime.ReadMemStats(&after)
		allocated := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d bytes in %d allocations for %d input bytes", expr, allocated, after.Mallocs-before.Mallocs, len(doc))
		assert.LessOrEqual(t, allocated, uint64(256<<10), expr)
		assert.LessOrEqual(t, testing.AllocsPerRun(3, read), 2.0*jsontext.MaxDepth, expr)
	}
}
