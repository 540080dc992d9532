package partitioner

import (
	"fmt"
	"strings"

	"github.com/connectkit/connectkit/connect"
)

// Confluent's names for the settings (PartitionerConfig, and
// StorageCommonConfig's directory.delim).
const (
	classKey          = "partitioner.class"
	fieldNameKey      = "partition.field.name"
	durationKey       = "partition.duration.ms"
	pathFormatKey     = "path.format"
	localeKey         = "locale"
	timezoneKey       = "timezone"
	extractorKey      = "timestamp.extractor"
	timestampFieldKey = "timestamp.field"
	delimKey          = "directory.delim"
)

const (
	dailyDurationMs  = 24 * 60 * 60 * 1000
	hourlyDurationMs = 60 * 60 * 1000
)

// ConfigDef returns the partitioner settings with Confluent's names and
// defaults: partitioner.class, partition.field.name, partition.duration.ms,
// path.format, locale, timezone, timestamp.extractor, timestamp.field, and
// directory.delim (a storage-common key that Path needs; default "/").
//
// Rules that depend on the partitioner, such as "TimeBasedPartitioner needs
// a timezone", are [connect.ConfigDef.Check]s, so a sink that merges this
// definition into its own reports them with its other problems. Each call
// returns a new definition.
func ConfigDef() *connect.ConfigDef {
	const group = "Partitioner"
	return connect.NewConfigDef().Define(
		connect.ConfigKey{
			Name: classKey, Type: connect.ConfigClass, Default: DefaultPartitionerClass, Importance: connect.High,
			Group: group, OrderInGroup: 1, DisplayName: "Partitioner Class", Validator: classValidator{},
			Dependents: []string{fieldNameKey, durationKey, pathFormatKey, localeKey, timezoneKey},
			Doc: "How records are laid out in directories: DefaultPartitioner keeps Kafka's partitions (partition=<p>), " +
				"FieldPartitioner uses the values of partition.field.name, TimeBasedPartitioner the record time " +
				"(partition.duration.ms, path.format), and DailyPartitioner and HourlyPartitioner are time-based " +
				"with a fixed layout. Confluent's io.confluent.connect.storage.partitioner class names work too.",
		},
		connect.ConfigKey{
			Name: fieldNameKey, Type: connect.ConfigList, Default: "", Importance: connect.Medium,
			Group: group, OrderInGroup: 2, DisplayName: "Partition Field Name", Validator: fieldNamesValidator{},
			Doc: "The record value fields FieldPartitioner partitions by, in order; a dotted name such as " +
				"address.city reads a nested field. Values may be Structs or schemaless maps (JSON objects); " +
				"the fields must be integers, strings or booleans.",
		},
		connect.ConfigKey{
			Name: durationKey, Type: connect.ConfigLong, Default: int64(-1), Importance: connect.Medium,
			Group: group, OrderInGroup: 3, DisplayName: "Partition Duration (ms)",
			Doc: "The length of TimeBasedPartitioner's time buckets in milliseconds, counted in timezone from " +
				"1970-01-01T00:00 local time. The default, -1, suits only the other partitioners; " +
				"DailyPartitioner and HourlyPartitioner ignore it.",
		},
		connect.ConfigKey{
			Name: pathFormatKey, Type: connect.ConfigString, Default: "", Importance: connect.Medium,
			Group: group, OrderInGroup: 4, DisplayName: "Path Format",
			Doc: "TimeBasedPartitioner's directories: a Joda-Time DateTimeFormat pattern printed for the start " +
				"of each bucket, such as 'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH. In Joda, YYYY is the year " +
				"of era and xxxx the ISO week-based year. A trailing directory.delim is dropped. " +
				"DailyPartitioner and HourlyPartitioner ignore it.",
		},
		connect.ConfigKey{
			Name: localeKey, Type: connect.ConfigString, Default: "", Importance: connect.Medium,
			Group: group, OrderInGroup: 5, DisplayName: "Locale",
			Doc: "The locale of month, weekday and era names in path.format, read as Java's new Locale(value) " +
				"reads it. Required by the time-based partitioners. Names are printed for en, and for values " +
				"Java takes for its root locale, such as en_US or en-US (which print abbreviations only); " +
				"with other locales path.format must be numeric.",
		},
		connect.ConfigKey{
			Name: timezoneKey, Type: connect.ConfigString, Default: "", Importance: connect.Medium,
			Group: group, OrderInGroup: 6, DisplayName: "Timezone", Validator: timezoneValidator{},
			Doc: "The time zone in which buckets are cut and path.format is printed: a tz database ID such as " +
				"America/New_York, UTC, or a fixed offset such as +02:00, as Joda-Time's DateTimeZone.forID " +
				"reads it. Required by the time-based partitioners.",
		},
		connect.ConfigKey{
			Name: extractorKey, Type: connect.ConfigString, Default: "Wallclock", Importance: connect.Medium,
			Group: group, OrderInGroup: 7, DisplayName: "Timestamp Extractor",
			Doc: "Where the time-based partitioners find a record's time: Wallclock (the sink's clock, read " +
				"once per batch), Record (the Kafka record's timestamp) or RecordField (the value field named " +
				"by timestamp.field). Confluent's TimeBasedPartitioner$...TimestampExtractor class names work too.",
		},
		connect.ConfigKey{
			Name: timestampFieldKey, Type: connect.ConfigString, Default: "timestamp", Importance: connect.Medium,
			Group: group, OrderInGroup: 8, DisplayName: "Record Field for Timestamp Extractor",
			Doc: "The value field RecordField reads, dotted for a nested field: epoch milliseconds as an " +
				"integer or a string of digits, an ISO-8601 date-time string (UTC unless it has an offset), " +
				"or a Timestamp or Date. Values may be Structs or schemaless maps.",
		},
		connect.ConfigKey{
			Name: delimKey, Type: connect.ConfigString, Default: "/", Importance: connect.Medium,
			Group: "Storage", OrderInGroup: 1, DisplayName: "Directory Delimiter",
			Doc: "The separator between the directories of an object's path. FieldPartitioner also joins " +
				"its fields with it, and DailyPartitioner and HourlyPartitioner put it between the parts " +
				"of their dates.",
		},
	).
		Check(checkFieldNames).
		Check(checkDuration).
		Check(checkPathFormat).
		Check(checkTimezone).
		Check(checkExtractor)
}

var configDef = ConfigDef()

type classValidator struct{}

func (classValidator) Validate(key string, value any) error {
	s, _ := value.(string)
	if _, ok := kinds[s]; ok {
		return nil
	}
	return connect.KeyError(key, fmt.Sprintf("unknown partitioner %q: use %s, "+
		"or the same names in package io.confluent.connect.storage.partitioner (custom Java classes cannot be loaded)",
		s, joinNames(kindNames[kindDefault:])))
}

func (classValidator) String() string {
	return strings.Join(kindNames[kindDefault:], ", ") + " (or their Confluent class names)"
}

type fieldNamesValidator struct{}

func (fieldNamesValidator) Validate(key string, value any) error {
	names, _ := value.([]string)
	for _, n := range names {
		if err := checkFieldName(n); err != nil {
			return connect.KeyError(key, err.Error())
		}
	}
	return nil
}

func (fieldNamesValidator) String() string { return "field names, dotted for nested fields" }

type timezoneValidator struct{}

func (timezoneValidator) Validate(key string, value any) error {
	s, _ := value.(string)
	if s == "" {
		return nil // required only by the time-based partitioners
	}
	if _, err := loadZone(s); err != nil {
		return connect.KeyError(key, err.Error())
	}
	return nil
}

func (timezoneValidator) String() string { return "a tz database ID or an offset such as +02:00" }

func kindOf(c *connect.Config) kind { return kinds[c.Class(classKey)] }

func checkFieldNames(c *connect.Config) []error {
	if kindOf(c) == kindField && len(c.List(fieldNameKey)) == 0 {
		return []error{connect.KeyError(fieldNameKey, "FieldPartitioner needs at least one field")}
	}
	return nil
}

func checkDuration(c *connect.Config) []error {
	if kindOf(c) != kindTimeBased {
		return nil
	}
	if d := c.Long(durationKey); d <= 0 {
		return []error{connect.KeyError(durationKey, fmt.Sprintf("TimeBasedPartitioner needs a positive duration, not %d", d))}
	}
	return nil
}

// pathFormat returns the Joda pattern a time-based partitioner prints, and
// the key to blame for its problems: Daily and Hourly build theirs from
// directory.delim. Like Confluent, it refuses a blank pattern or one that is
// only the delimiter, and drops a trailing delimiter.
func pathFormat(k kind, c *connect.Config) (string, string, error) {
	delim := c.String(delimKey)
	pattern, key := c.String(pathFormatKey), pathFormatKey
	switch k {
	case kindDaily:
		pattern, key = "'year'=YYYY"+delim+"'month'=MM"+delim+"'day'=dd", delimKey
	case kindHourly:
		pattern, key = "'year'=YYYY"+delim+"'month'=MM"+delim+"'day'=dd"+delim+"'hour'=HH", delimKey
	}
	if strings.TrimSpace(pattern) == "" || pattern == delim {
		return "", key, fmt.Errorf("%s needs a path.format", k)
	}
	if strings.TrimSpace(delim) != "" {
		pattern = strings.TrimSuffix(pattern, delim)
	}
	return pattern, key, nil
}

// compilePathFormat compiles the pattern and checks that the locale can
// print its names.
func compilePathFormat(k kind, c *connect.Config) (*jodaFormat, *symbols, []error) {
	var errs []error
	locale := c.String(localeKey)
	if locale == "" {
		errs = append(errs, connect.KeyError(localeKey, k.String()+" needs a locale, such as en"))
	}
	pattern, key, err := pathFormat(k, c)
	if err != nil {
		return nil, nil, append(errs, connect.KeyError(key, err.Error()))
	}
	f, err := compileJoda(pattern)
	if err != nil {
		msg := fmt.Sprintf("invalid Joda-Time pattern %q: %v", pattern, err)
		if key == delimKey {
			msg = fmt.Sprintf("%s builds path.format %q from it, which Joda rejects: %v", k, pattern, err)
		}
		return nil, nil, append(errs, connect.KeyError(key, msg))
	}
	sym := localeSymbols(locale)
	if sym == nil {
		sym = englishSymbols // unused: the pattern prints no names
		if f.text && locale != "" {
			errs = append(errs, connect.KeyError(localeKey, fmt.Sprintf(
				"path.format %q prints names (G, MMM, E, a or z), which are supported only for locale en "+
					"and for values Java reads as its root locale, such as en_US; %q is neither", pattern, locale)))
		}
	}
	return f, sym, errs
}

func checkPathFormat(c *connect.Config) []error {
	k := kindOf(c)
	if !k.timeBased() {
		return nil
	}
	_, _, errs := compilePathFormat(k, c)
	return errs
}

func checkTimezone(c *connect.Config) []error {
	k := kindOf(c)
	if !k.timeBased() {
		return nil
	}
	id := c.String(timezoneKey)
	if id == "" {
		return []error{connect.KeyError(timezoneKey, k.String()+" needs a timezone, such as UTC")}
	}
	z, err := loadZone(id)
	if err != nil {
		return nil // the validator reported it
	}
	if f, _, errs := compilePathFormat(k, c); len(errs) == 0 && f.names && !z.namesAreFixed() {
		return []error{connect.KeyError(pathFormatKey, fmt.Sprintf(
			"z prints time zone names, which Java takes from its locale data; they are supported "+
				"for UTC and fixed offsets, not for %s: use Z, ZZ or ZZZ", id))}
	}
	return nil
}

type extractorKind uint8

const (
	wallclockExtractor extractorKind = iota + 1
	recordExtractor
	recordFieldExtractor
)

var extractors = map[string]extractorKind{
	"Wallclock":               wallclockExtractor,
	"Record":                  recordExtractor,
	"RecordField":             recordFieldExtractor,
	WallclockExtractorClass:   wallclockExtractor,
	RecordExtractorClass:      recordExtractor,
	RecordFieldExtractorClass: recordFieldExtractor,
}

func checkExtractor(c *connect.Config) []error {
	k := kindOf(c)
	if !k.timeBased() {
		return nil
	}
	name := c.String(extractorKey)
	e, ok := extractors[name]
	if !ok {
		return []error{connect.KeyError(extractorKey, fmt.Sprintf(
			"unknown timestamp extractor %q: use Wallclock, Record or RecordField, or Confluent's "+
				"class names for them (custom Java classes cannot be loaded)", name))}
	}
	if e == recordFieldExtractor {
		if err := checkFieldName(c.String(timestampFieldKey)); err != nil {
			return []error{connect.KeyError(timestampFieldKey, "RecordField needs a field: "+err.Error())}
		}
	}
	return nil
}

// settings are the parsed settings a partitioner is built from.
type settings struct {
	kind       kind
	delim      string
	fieldNames []string

	durationMs     int64
	format         *jodaFormat
	symbols        *symbols
	zone           *zone
	extractor      extractorKind
	timestampField string
}

// settingsOf reads the settings of a configuration that Parse accepted, so
// that every check above has passed.
func settingsOf(c *connect.Config) *settings {
	s := &settings{
		kind:       kindOf(c),
		delim:      c.String(delimKey),
		fieldNames: c.List(fieldNameKey),
	}
	if !s.kind.timeBased() {
		return s
	}
	switch s.kind {
	case kindDaily:
		s.durationMs = dailyDurationMs
	case kindHourly:
		s.durationMs = hourlyDurationMs
	default:
		s.durationMs = c.Long(durationKey)
	}
	s.format, s.symbols, _ = compilePathFormat(s.kind, c)
	s.zone, _ = loadZone(c.String(timezoneKey))
	s.extractor = extractors[c.String(extractorKey)]
	s.timestampField = c.String(timestampFieldKey)
	return s
}
