package connect

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReplicateConfig(t *testing.T) {
	for _, n := range []int{0, 1, 2, 5} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			config := map[string]string{"topics": "orders", "flush.size": "100"}
			got := ReplicateConfig(config, n)
			require.Len(t, got, n)
			for i, c := range got {
				assert.Equal(t, config, c, "copy %d", i)
			}
			if n == 0 {
				return
			}

			// Mutating one copy, or the original, changes nothing else.
			got[0]["flush.size"] = "1"
			got[0]["extra"] = "x"
			config["topics"] = "changed"
			for i := 1; i < n; i++ {
				assert.Equal(t, map[string]string{"topics": "orders", "flush.size": "100"}, got[i], "copy %d", i)
			}
			assert.Equal(t, map[string]string{"topics": "orders", "flush.size": "1", "extra": "x"}, got[0])
		})
	}
}

func TestReplicateConfigEmpty(t *testing.T) {
	for _, config := range []map[string]string{nil, {}} {
		got := ReplicateConfig(config, 2)
		require.Len(t, got, 2)
		for _, c := range got {
			// Non-nil, so a task may add keys to its copy.
			require.NotNil(t, c)
			assert.Empty(t, c)
			c["k"] = "v"
		}
		assert.Empty(t, got[1]["x"])
	}
}
