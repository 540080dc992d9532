package source

import (
	"reflect"
	"sync"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/connect"
)

// pending is one record between Poll and its acknowledgement (or its
// deliberate skip under errors.tolerance=all). The pendings of one Poll
// batch are allocated together. It keeps the record converted, not as a
// kafka.Message: message builds one for each Produce call, on the stack,
// so that the records waiting for acknowledgements take less memory.
type pending struct {
	rec       *connect.SourceRecord
	key       []byte // converted, with value, headers, topic and partition
	value     []byte
	headers   []kafka.Header
	topic     *string
	partition int32
	part      *partitionState
	seq       uint64 // poll order within the task
	done      bool
}

// message is the record as the producer takes it, with p as its Opaque so
// that its delivery report finds p.
func (p *pending) message() kafka.Message {
	return kafka.Message{TopicPartition: kafka.TopicPartition{Topic: p.topic, Partition: p.partition},
		Key: p.key, Value: p.value, Headers: p.headers, Timestamp: p.rec.Timestamp, Opaque: p}
}

// partitionState follows the records of one source partition in poll order.
type partitionState struct {
	partition map[string]any
	queue     []*pending // records not yet done or not yet passed, from head
	head      int
	offset    map[string]any // latest offset that may be stored
	has       bool           // offset is set (it may be nil: a deletion)
	version   uint64         // bumped each time offset moves
	flushed   uint64         // version last stored
}

// offsetTracker decides which source offsets may be stored: a partition's
// offset advances only over a run of records that are all done, in the
// order Poll returned them, so a record acknowledged out of order never
// moves it past an earlier one still outstanding. The poll loop tracks
// records while the goroutine handling delivery reports marks them done, so
// mu guards it.
type offsetTracker struct {
	mu    sync.Mutex
	parts map[string]*partitionState // by the partition's JSON
	// The last partition map seen and its state: tasks usually reuse one
	// map for many records, and this spares encoding it each time.
	lastMap   map[string]any
	lastState *partitionState
	seq       uint64
}

func newOffsetTracker() *offsetTracker {
	return &offsetTracker{parts: map[string]*partitionState{}}
}

// track registers the records of one Poll batch, in poll order, and returns
// their pending entries. If a record's source partition cannot be stored, it
// returns the entries of the records before it with the error.
func (t *offsetTracker) track(recs []connect.SourceRecord) ([]pending, error) {
	ps := make([]pending, len(recs))
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := range recs {
		rec := &recs[i]
		t.seq++
		p := &ps[i]
		p.rec, p.seq = rec, t.seq
		if rec.SourcePartition == nil {
			continue // no offset to store
		}
		st, err := t.state(rec.SourcePartition)
		if err != nil {
			return ps[:i], err
		}
		p.part = st
		st.queue = append(st.queue, p)
	}
	return ps, nil
}

func (t *offsetTracker) state(partition map[string]any) (*partitionState, error) {
	if t.lastState != nil && sameMap(partition, t.lastMap) {
		return t.lastState, nil
	}
	b, err := marshal(partition)
	if err != nil {
		return nil, connect.DataErrorf("source partition %v cannot be stored as JSON: %v", partition, err)
	}
	ps, ok := t.parts[string(b)]
	if !ok {
		ps = &partitionState{partition: partition}
		t.parts[string(b)] = ps
	}
	t.lastMap, t.lastState = partition, ps
	return ps, nil
}

// sameMap reports whether a and b are the same map (not merely equal).
func sameMap(a, b map[string]any) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// done marks records acknowledged or skipped and advances their
// partitions' offsets over the runs of done records at the heads of their
// queues.
func (t *offsetTracker) done(ps ...*pending) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, p := range ps {
		p.done = true
		if p.part != nil {
			p.part.advance()
		}
	}
}

func (ps *partitionState) advance() {
	for ps.head < len(ps.queue) && ps.queue[ps.head].done {
		ps.offset, ps.has = ps.queue[ps.head].rec.SourceOffset, true
		ps.version++
		ps.queue[ps.head] = nil
		ps.head++
	}
	if ps.head == len(ps.queue) {
		ps.queue, ps.head = ps.queue[:0], 0
	} else if ps.head > 1024 && ps.head > len(ps.queue)/2 {
		n := copy(ps.queue, ps.queue[ps.head:])
		clear(ps.queue[n:])
		ps.queue, ps.head = ps.queue[:n], 0
	}
}

// flushable is a snapshot of offsets not stored yet.
type flushable struct {
	offsets  []PartitionOffset
	states   []*partitionState
	versions []uint64
}

// unflushed returns the offsets that moved since they were last stored.
func (t *offsetTracker) unflushed() flushable {
	t.mu.Lock()
	defer t.mu.Unlock()
	var f flushable
	for _, ps := range t.parts {
		if ps.has && ps.version != ps.flushed {
			f.offsets = append(f.offsets, PartitionOffset{Partition: ps.partition, Offset: ps.offset})
			f.states = append(f.states, ps)
			f.versions = append(f.versions, ps.version)
		}
	}
	return f
}

// stored records that the offsets in f are stored.
func (t *offsetTracker) stored(f flushable) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, ps := range f.states {
		ps.flushed = f.versions[i]
	}
}
