package httpsource

import (
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAcknowledgementsInAnyOrder acknowledges records of several pages in
// the orders Kafka partitions interleave them, some by a copy of their
// offset, and checks after each that the offset to resume from is that of
// the last record of the acknowledged run at the front.
func TestAcknowledgementsInAnyOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	ep := &endpoint{}
	var srcs []map[string]any
	var parts []int32
	acked := map[int]bool{}
	front := 0 // records before it are all acknowledged
	for page := range 30 {
		for i := range 100 {
			src := map[string]any{"key": strconv.Itoa(page*100 + i)}
			srcs = append(srcs, src)
			parts = append(parts, int32(r.IntN(4)))
			ep.pending = append(ep.pending, record{src: src, key: reflect.ValueOf(src).UnsafePointer()})
		}
		// Each partition acknowledges its records in order; partitions
		// take turns at random, and now and then a record is retried
		// later than those after it.
		next := map[int32]int{}
		for n := 0; n < 100; {
			p := int32(r.IntN(4))
			i := next[p]
			for i < len(srcs) && (parts[i] != p || acked[i]) {
				i++
			}
			if i == len(srcs) {
				next[p] = 0 // the retries left behind
				continue
			}
			if r.IntN(20) == 0 { // leave i for a retry, acknowledged after the next
				j := i + 1
				for j < len(srcs) && (parts[j] != p || acked[j]) {
					j++
				}
				if j < len(srcs) {
					i = j
				}
			}
			next[p] = i + 1
			src := srcs[i]
			if r.IntN(10) == 0 {
				src = map[string]any{"key": src["key"]}
			}
			ep.commit(src, p)
			ep.popDone()
			acked[i] = true
			n++
			for acked[front] {
				front++
			}
			if front > 0 {
				require.Equal(t, srcs[front-1], ep.ackedSrc, "record %d acknowledged", i)
			}
			require.Equal(t, len(srcs)-front, len(ep.pending)-ep.head)
		}
	}
}
