package httpsource

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/cespare/xxhash/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSeenSetForgetsTheOldest(t *testing.T) {
	id := func(i int) seenID { return identity(strconv.Itoa(i), "2024-01-01T00:00:00Z", []byte(`{"v":1}`)) }
	s := newSeenSet(3)
	for _, i := range []int{1, 2, 2, 3} {
		s.add(id(i))
	}
	for i := 1; i <= 3; i++ {
		assert.True(t, s.has(id(i)), "%d", i)
	}
	s.add(id(4))
	assert.False(t, s.has(id(1)), "the oldest is forgotten")
	s.add(id(5))
	s.add(id(6))
	s.add(id(7))
	assert.Equal(t, []bool{false, false, false, false, true, true, true},
		[]bool{s.has(id(1)), s.has(id(2)), s.has(id(3)), s.has(id(4)), s.has(id(5)), s.has(id(6)), s.has(id(7))})

	// What an offset stores brings back the same set.
	restored := newSeenSet(3)
	require.NoError(t, restored.restore(s.snapshot().String()))
	for i := 1; i <= 7; i++ {
		assert.Equal(t, s.has(id(i)), restored.has(id(i)), "%d", i)
	}
	assert.Error(t, restored.restore("not base64!"))
	assert.NotEqual(t, id(1), identity("1", "2024-01-01T00:00:01Z", []byte(`{"v":1}`)), "the timestamp counts")
	assert.NotEqual(t, id(1), identity("1", "2024-01-01T00:00:00Z", []byte(`{"v":2}`)), "so does the content")
	assert.NotEqual(t, identity("a", "bc", nil), identity("ab", "c", nil), "so do the bounds between key and timestamp")
	assert.NotEqual(t, identity("a", "", []byte("b")), identity("", "a", []byte("b")), "and between timestamp and content")
	// Stored with offsets, so the same in every process: xxhash64 of the
	// length-prefixed fields, then again after a prefix.
	layout := "\x01\x00\x00\x00\x00\x00\x00\x00k\x01\x00\x00\x00\x00\x00\x00\x00tv"
	assert.Equal(t, seenID{xxhash.Sum64String(layout), xxhash.Sum64String("connectkit.seen" + layout)}, identity("k", "t", []byte("v")))

	off := newSeenSet(0)
	off.add(id(1))
	assert.False(t, off.has(id(1)), "size 0 remembers nothing")
}

// TestSeenSetMatchesAQueue checks the set against a plain first-in
// first-out list, with identities crowded onto few slots so that probes
// collide and removals move entries back.
func TestSeenSetMatchesAQueue(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 5, 8, 13} {
		s := newSeenSet(n)
		var queue []seenID
		for range 5000 {
			id := seenID{r.Uint64N(4)<<60 | r.Uint64N(3), r.Uint64N(3)}
			want := slices.Contains(queue, id)
			if got := s.has(id); got != want {
				t.Fatalf("size %d: has(%v) = %v, want %v (queue %v)", n, id, got, want, queue)
			}
			s.add(id)
			if !want {
				if queue = append(queue, id); len(queue) > n {
					queue = queue[1:]
				}
			}
		}
	}
}
