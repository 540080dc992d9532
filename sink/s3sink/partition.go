package s3sink

import (
	"reflect"
	"time"

	"github.com/connectkit/connectkit/connect"
)

// partitionState is what a task holds for one Kafka partition: the objects
// of the open set, one per encoded partition, and the rotated sets still
// being uploaded. A set is committed as a whole, as Confluent's
// TopicPartitionWriter commits all its files together; the partition's
// offset may be committed up to the start of its first set not yet wholly
// in S3.
type partitionState struct {
	tp connect.TopicPartition

	open     map[string]*file // by encoded partition
	order    []*object        // open objects (values, keys, headers) in creation order
	setStart int64            // offset of the open set's first record
	count    int              // records in the open set, for flush.size

	baseTime     time.Time // record time of the open set's first record
	hasBase      bool
	lastEncoded  string    // encoded partition of the last record written
	nextSchedule time.Time // rotate.schedule.interval.ms deadline of the open set
	lastArrival  time.Time // when the last record was written, by the clock

	closing []*objectSet // rotated sets, oldest first

	next int64 // offset after the last record seen; -1 for none

	// After a failed upload the partition's unfinished sets are discarded
	// and its records must be read again from rewindTo. rewinding: the
	// rewind was asked for, and the rest of the current call's records are
	// skipped; the runtime moves the consumer back before the next Put.
	rewindTo  int64
	rewinding bool

	// opened: the runtime gave the partition with Open, so its assignment
	// tells whether the task still holds it. fenced: it no longer did when
	// an object was about to be completed; its objects were discarded, and
	// its records are ignored until Open gives it back.
	opened, fenced bool
}

// file is what one encoded partition of the open set writes: the value
// object and, with store.kafka.keys and store.kafka.headers, the keys and
// headers objects beside it, which hold the same records line for line. A
// file of tombstones (behavior.on.null.values=write) has no value object.
type file struct {
	value, keys, headers *object
	schema               *connect.Schema // value schema of the first record, for schema.compatibility=NONE
	tombstones           bool
}

// objectSet is a rotated set of objects. Once they are all in S3 the
// partition's records before end are durable.
type objectSet struct {
	start, end int64
	objects    []*object
}

func newPartitionState(tp connect.TopicPartition) *partitionState {
	return &partitionState{tp: tp, open: map[string]*file{}, next: -1}
}

// safeOffset returns the offset that may be committed: the start of the
// first set not yet in S3, or, when nothing is pending, the runtime's own
// offset (every record before it was written or deliberately skipped).
func (p *partitionState) safeOffset(runtimeOffset int64) int64 {
	switch {
	case p.rewinding:
		return p.rewindTo
	case len(p.closing) > 0:
		return p.closing[0].start
	case len(p.order) > 0:
		return p.setStart
	}
	return runtimeOffset
}

// unfinishedStart is where the partition must be read again from if its
// unfinished sets are lost, and whether there is any.
func (p *partitionState) unfinishedStart() (int64, bool) {
	switch {
	case len(p.closing) > 0:
		return p.closing[0].start, true
	case len(p.order) > 0:
		return p.setStart, true
	}
	return 0, false
}

// objects returns every object not yet in S3.
func (p *partitionState) objects() []*object {
	var out []*object
	for _, set := range p.closing {
		for _, o := range set.objects {
			if !o.complete {
				out = append(out, o)
			}
		}
	}
	return append(out, p.order...)
}

// rotate seals the open set and queues it for upload; its records, and
// every skipped record before end, become durable once it is uploaded. It
// returns the bytes sealed objects now wait to upload.
func (p *partitionState) rotate(end int64) (int, error) {
	if len(p.order) == 0 {
		return 0, nil
	}
	bytes := 0
	var firstErr error
	for _, o := range p.order {
		if err := o.seal(); err != nil && firstErr == nil {
			firstErr = err
		}
		bytes += o.buf.n
	}
	p.closing = append(p.closing, &objectSet{start: p.setStart, end: end, objects: p.order})
	p.resetOpen()
	return bytes, firstErr
}

func (p *partitionState) resetOpen() {
	p.open = map[string]*file{}
	p.order = nil
	p.count = 0
	p.hasBase = false
	p.lastEncoded = ""
}

// popCompleted drops the leading sets whose objects are all in S3.
func (p *partitionState) popCompleted() {
	for len(p.closing) > 0 {
		for _, o := range p.closing[0].objects {
			if !o.complete {
				return
			}
		}
		p.closing[0] = nil
		p.closing = p.closing[1:]
	}
}

// discard forgets every unfinished object (after their uploads have been
// aborted) and returns where the partition must be read again from.
func (p *partitionState) discard() (int64, bool) {
	from, ok := p.unfinishedStart()
	p.closing = nil
	p.resetOpen()
	p.next = -1
	return from, ok
}

// sameSchema is Kafka Connect's Schema.equals, as NONE compatibility uses
// it: two schemaless records match, a schemaless and a schema'd one do not.
func sameSchema(a, b *connect.Schema) bool {
	return a == b || a != nil && b != nil && reflect.DeepEqual(a, b)
}

// nextScheduledRotation returns the next multiple of interval counted from
// midnight in loc, but no later than the next midnight, as Confluent's
// DateTimeUtils.getNextTimeAdjustedByDay.
func nextScheduledRotation(now time.Time, interval time.Duration, loc *time.Location) time.Time {
	local := now.In(loc)
	y, m, d := local.Date()
	midnight := time.Date(y, m, d, 0, 0, 0, 0, loc)
	nextMidnight := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	elapsed := now.Sub(midnight)
	next := midnight.Add((elapsed/interval + 1) * interval)
	if next.After(nextMidnight) {
		return nextMidnight
	}
	return next
}
