package httpsource

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSeenSetForgetsTheOldest(t *testing.T) {
	id := func(i int) seenID { return identity(strconv.Itoa(i), "2024-01-01T00:00:00Z") }
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
	assert.NotEqual(t, id(1), identity("1", "2024-01-01T00:00:01Z"), "the timestamp counts")
	assert.NotEqual(t, identity("a", "bc"), identity("ab", "c"), "so do the bounds between key and timestamp")

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
