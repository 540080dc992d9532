package partitioner

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/connectkit/connectkit/connect"
)

// Partitioner maps a record to the directory its object is written in.
type Partitioner interface {
	// Encode returns rec's encoded partition, such as "partition=3" or
	// "year=2024/month=02/day=29/hour=13". now is the wall-clock time the
	// Wallclock extractor uses; the sink passes one value per batch.
	Encode(rec *connect.SinkRecord, now time.Time) (string, error)
	// Path returns the directory, relative to topics.dir, of topic's
	// objects for an encoded partition: "<topic><directory.delim><encoded>",
	// as Confluent's generatePartitionedPath does for all its partitioners,
	// the field and time-based ones included.
	Path(topic, encoded string) string
}

// TimeBased is implemented by the time-based partitioners, for rotate.interval.ms.
type TimeBased interface {
	Partitioner
	// Timestamp is the record time the partitioner uses (from its timestamp.extractor).
	Timestamp(rec *connect.SinkRecord, now time.Time) (time.Time, error)
}

// Confluent's class names for the partitioners, which partitioner.class
// accepts, as it accepts their simple names ("DailyPartitioner").
const (
	DefaultPartitionerClass   = "io.confluent.connect.storage.partitioner.DefaultPartitioner"
	FieldPartitionerClass     = "io.confluent.connect.storage.partitioner.FieldPartitioner"
	TimeBasedPartitionerClass = "io.confluent.connect.storage.partitioner.TimeBasedPartitioner"
	DailyPartitionerClass     = "io.confluent.connect.storage.partitioner.DailyPartitioner"
	HourlyPartitionerClass    = "io.confluent.connect.storage.partitioner.HourlyPartitioner"
)

// Confluent's class names for the timestamp extractors, which
// timestamp.extractor accepts besides the short names Wallclock, Record and
// RecordField.
const (
	WallclockExtractorClass   = TimeBasedPartitionerClass + "$WallclockTimestampExtractor"
	RecordExtractorClass      = TimeBasedPartitionerClass + "$RecordTimestampExtractor"
	RecordFieldExtractorClass = TimeBasedPartitionerClass + "$RecordFieldTimestampExtractor"
)

type kind uint8

const (
	kindDefault kind = iota + 1
	kindField
	kindTimeBased
	kindDaily
	kindHourly
)

var kindNames = [...]string{
	kindDefault:   "DefaultPartitioner",
	kindField:     "FieldPartitioner",
	kindTimeBased: "TimeBasedPartitioner",
	kindDaily:     "DailyPartitioner",
	kindHourly:    "HourlyPartitioner",
}

func (k kind) String() string { return kindNames[k] }

func (k kind) timeBased() bool { return k >= kindTimeBased }

var kinds = map[string]kind{
	DefaultPartitionerClass:   kindDefault,
	FieldPartitionerClass:     kindField,
	TimeBasedPartitionerClass: kindTimeBased,
	DailyPartitionerClass:     kindDaily,
	HourlyPartitionerClass:    kindHourly,
	"DefaultPartitioner":      kindDefault,
	"FieldPartitioner":        kindField,
	"TimeBasedPartitioner":    kindTimeBased,
	"DailyPartitioner":        kindDaily,
	"HourlyPartitioner":       kindHourly,
}

// New builds the partitioner named by partitioner.class (default Confluent's
// DefaultPartitioner) from a connector's configuration, which may contain
// unrelated keys.
//
// Every mistake in the partitioner's settings is reported at once, in a
// [*connect.ConfigError] naming each key. The partitioner it returns is
// safe for concurrent use; the time-based ones also implement [TimeBased].
func New(config map[string]string) (Partitioner, error) {
	c, err := configDef.Parse(config)
	if err != nil {
		return nil, fmt.Errorf("partitioner: %w", err)
	}
	s := settingsOf(c)
	switch s.kind {
	case kindDefault:
		return &defaultPartitioner{delim: s.delim}, nil
	case kindField:
		return newFieldPartitioner(s), nil
	}
	return newTimeBased(s)
}

// defaultPartitioner keeps Kafka's partitioning: partition=<p>.
type defaultPartitioner struct {
	delim string
}

var _ Partitioner = (*defaultPartitioner)(nil)

func (p *defaultPartitioner) Encode(rec *connect.SinkRecord, _ time.Time) (string, error) {
	var buf [24]byte
	b := append(buf[:0], "partition="...)
	return string(strconv.AppendInt(b, int64(rec.Partition), 10)), nil
}

// Path is Confluent's generatePartitionedPath, which none of its built-in
// partitioners overrides: the topic, the delimiter, the encoded partition.
func (p *defaultPartitioner) Path(topic, encoded string) string { return topic + p.delim + encoded }

// fieldPartitioner partitions by the values of record fields:
// <field>=<value>, joined by the delimiter.
type fieldPartitioner struct {
	delim  string
	names  []string
	fields [][]string // names split at dots
}

var _ Partitioner = (*fieldPartitioner)(nil)

func newFieldPartitioner(s *settings) *fieldPartitioner {
	p := &fieldPartitioner{delim: s.delim, names: s.fieldNames}
	for _, n := range s.fieldNames {
		p.fields = append(p.fields, splitField(n))
	}
	return p
}

func (p *fieldPartitioner) Encode(rec *connect.SinkRecord, _ time.Time) (string, error) {
	var buf [128]byte
	b := buf[:0]
	for i, segs := range p.fields {
		if i > 0 {
			b = append(b, p.delim...)
		}
		v, schema, err := lookup(rec.Value, segs)
		if err == nil {
			b = append(b, p.names[i]...)
			b = append(b, '=')
			b, err = appendFieldValue(b, v, schema)
		}
		if err != nil {
			return "", dataError(rec, "partition.field.name %q: %w", p.names[i], err)
		}
	}
	return string(b), nil
}

func (p *fieldPartitioner) Path(topic, encoded string) string { return topic + p.delim + encoded }

// dataError reports a record the partitioner cannot place, naming it by its
// coordinates, never its content.
func dataError(rec *connect.SinkRecord, format string, args ...any) error {
	return &connect.DataError{Op: "partitioner: record " + rec.String(), Err: fmt.Errorf(format, args...)}
}

// joinNames lists names for messages: "a, b or c".
func joinNames(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
