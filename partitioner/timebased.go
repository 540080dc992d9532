package partitioner

import (
	"errors"
	"sync/atomic"
	"time"

	"github.com/connectkit/connectkit/connect"
)

// timeBased is Confluent's TimeBasedPartitioner, and its Daily and Hourly
// variants: records go to the bucket of partition.duration.ms that holds
// their timestamp, named by path.format printed for the bucket's start.
type timeBased struct {
	delim      string
	durationMs int64
	format     *jodaFormat
	symbols    *symbols
	zone       *zone
	extractor  extractorKind
	fieldName  string
	field      []string

	// last caches the most recent bucket's encoding: records of one batch
	// mostly share a bucket, and then Encode allocates nothing.
	last atomic.Pointer[encodedBucket]
}

type encodedBucket struct {
	start   int64
	encoded string
}

var _ TimeBased = (*timeBased)(nil)

func newTimeBased(s *settings) (*timeBased, error) {
	if s.format == nil || s.zone == nil || s.durationMs <= 0 || s.extractor == 0 {
		// ConfigDef's checks make this unreachable.
		return nil, errors.New("partitioner: incomplete time-based settings")
	}
	return &timeBased{
		delim:      s.delim,
		durationMs: s.durationMs,
		format:     s.format,
		symbols:    s.symbols,
		zone:       s.zone,
		extractor:  s.extractor,
		fieldName:  s.timestampField,
		field:      splitField(s.timestampField),
	}, nil
}

func (p *timeBased) Encode(rec *connect.SinkRecord, now time.Time) (string, error) {
	ts, err := p.timestamp(rec, now)
	if err != nil {
		return "", err
	}
	start, err := bucketStart(p.durationMs, ts, p.zone)
	if err != nil {
		return "", dataError(rec, "timestamp %d: %w", ts, err)
	}
	if last := p.last.Load(); last != nil && last.start == start {
		return last.encoded, nil
	}
	var buf [64]byte
	e := &encodedBucket{start: start, encoded: string(p.format.appendTo(buf[:0], start, p.zone, p.symbols))}
	p.last.Store(e)
	return e.encoded, nil
}

func (p *timeBased) Path(topic, encoded string) string { return topic + p.delim + encoded }

func (p *timeBased) Timestamp(rec *connect.SinkRecord, now time.Time) (time.Time, error) {
	ts, err := p.timestamp(rec, now)
	if err != nil {
		return time.Time{}, err
	}
	return time.UnixMilli(ts).UTC(), nil
}

// timestamp is what the configured extractor reads, in epoch milliseconds.
func (p *timeBased) timestamp(rec *connect.SinkRecord, now time.Time) (int64, error) {
	switch p.extractor {
	case wallclockExtractor:
		return now.UnixMilli(), nil
	case recordExtractor:
		if rec.Timestamp.IsZero() {
			return 0, dataError(rec, "timestamp.extractor Record: the record has no timestamp")
		}
		return rec.Timestamp.UnixMilli(), nil
	}
	v, schema, err := lookup(rec.Value, p.field)
	if err == nil {
		var ts int64
		if ts, err = timestampOf(v, schema); err == nil {
			return ts, nil
		}
	}
	return 0, dataError(rec, "timestamp.field %q: %w", p.fieldName, err)
}

// bucketStart is Confluent's TimeBasedPartitioner.getPartition: the
// timestamp moved to local time, floored to a multiple of the duration
// (truncated toward zero, as Java's integer division, so that instants
// before 1970 round up), and moved back to UTC as Joda's
// convertLocalToUTC(local, false) does across DST changes.
func bucketStart(durationMs, ts int64, z *zone) (int64, error) {
	local, err := z.utcToLocal(ts)
	if err != nil {
		return 0, err
	}
	return z.localToUTC(local / durationMs * durationMs)
}
