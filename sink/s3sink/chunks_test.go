package s3sink

import (
	"crypto/md5"
	"encoding/base64"
	"math/rand/v2"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChunksCutAndRead(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var b chunks
	var want []byte
	var parts [][]byte
	for range 300 {
		p := make([]byte, rng.IntN(3*chunkSize))
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		b.write(p)
		want = append(want, p...)
		if b.n >= 200_000 && rng.IntN(2) == 0 {
			n := rng.IntN(b.n) + 1
			part := b.cut(n)
			require.Equal(t, n, part.n)
			parts = append(parts, want[:n])
			want = want[n:]
			require.NoError(t, iotest.TestReader(part.reader(), parts[len(parts)-1]), "part %d", len(parts))
			assert.Equal(t, md5Of(parts[len(parts)-1]), *part.md5())
		}
		for _, c := range b.c {
			require.LessOrEqual(t, len(c), chunkSize)
		}
	}
	require.NotEmpty(t, parts)
	require.Equal(t, len(want), b.n)
	require.NoError(t, iotest.TestReader(b.reader(), want), "the rest reads back after the cuts")
	require.NoError(t, iotest.TestReader((&chunks{}).reader(), nil))
}

func md5Of(b []byte) string {
	sum := md5.Sum(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}
