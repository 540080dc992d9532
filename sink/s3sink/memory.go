package s3sink

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
)

// memoryBudget is s3.buffer.memory.bytes: the object data that the S3 sink
// tasks of one process may hold waiting for upload. Tasks configured with
// the same value share one budget; each publishes what it holds, and a task
// that finds the total past the limit uploads parts of its own largest
// objects early.
type memoryBudget struct {
	limit  int64
	used   atomic.Int64
	warned atomic.Bool
}

var (
	budgetsMu sync.Mutex
	budgets   = map[int64]*memoryBudget{}
)

// sharedBudget returns the process's budget of limit bytes; nil for 0, no
// budget.
func sharedBudget(limit int64) *memoryBudget {
	if limit <= 0 {
		return nil
	}
	budgetsMu.Lock()
	defer budgetsMu.Unlock()
	b := budgets[limit]
	if b == nil {
		b = &memoryBudget{limit: limit}
		budgets[limit] = b
	}
	return b
}

// memoryCheckStep is how many bytes a task writes between two looks at the
// budget: a look walks the task's open objects.
const memoryCheckStep = 1 << 20

// held returns the bytes the task's objects hold waiting for upload.
func (t *Task) held() int64 {
	var n int64
	for _, p := range t.parts {
		for _, o := range p.objects() {
			n += int64(o.buf.n)
			for _, part := range o.parts {
				n += int64(part.n)
			}
		}
	}
	return n
}

// publishHeld tells the budget what the task holds now.
func (t *Task) publishHeld() {
	if t.mem == nil {
		return
	}
	h := t.held()
	t.mem.used.Add(h - t.published)
	t.published = h
	t.checkedAt = t.written
}

// releaseMemory takes the task's share out of the budget, when it stops.
func (t *Task) releaseMemory() {
	if t.mem != nil {
		t.mem.used.Add(-t.published)
		t.published = 0
	}
}

// keepWithinBudget runs after every memoryCheckStep bytes written. When the
// process's buffered data is past s3.buffer.memory.bytes, it cuts what its
// largest open objects hold into parts (at least S3's smallest part, so
// any object can take one; object names and contents do not change) and
// uploads them, with whatever else is ready. It returns the upload error,
// as uploadAll does.
func (t *Task) keepWithinBudget(ctx context.Context) error {
	if t.mem == nil || t.written-t.checkedAt < memoryCheckStep {
		return nil
	}
	t.publishHeld()
	over := t.mem.used.Load() - t.mem.limit
	if over <= 0 {
		return nil
	}
	var candidates []*object
	for _, p := range t.parts {
		for _, o := range p.order {
			if o.buf.n >= minPartSize {
				candidates = append(candidates, o)
			}
		}
	}
	slices.SortFunc(candidates, func(a, b *object) int { return b.buf.n - a.buf.n })
	// Past the limit by over: cut that much, and a tenth of the budget more
	// so that the next record does not bring us back at once.
	want := over + t.mem.limit/10
	var cut int64
	for _, o := range candidates {
		if cut >= want {
			break
		}
		n := o.buf.n
		o.parts = append(o.parts, o.buf.cut(n))
		cut += int64(n)
	}
	if cut == 0 && !t.hasPendingUploads() {
		if t.mem.warned.CompareAndSwap(false, true) {
			t.log.Warn(BufferMemoryConfig+" is exceeded, and no open object is large enough to upload a part early "+
				"(S3's smallest part is 5 MiB): the budget is below what the open objects need; raise it, or lower "+
				FlushSizeConfig+" or the number of partitions per task",
				"limit", t.mem.limit, "used", t.mem.used.Load())
		}
		return nil
	}
	t.log.Debug("buffer memory budget exceeded; uploading parts early", "limit", t.mem.limit, "used", t.mem.used.Load(), "cut", cut)
	err := t.uploadAll(ctx)
	t.publishHeld()
	return err
}

// hasPendingUploads reports whether some object has something to upload.
func (t *Task) hasPendingUploads() bool {
	for _, p := range t.parts {
		for _, o := range p.objects() {
			if o.pending() {
				return true
			}
		}
	}
	return false
}
