package kafkasink

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/internal/clientconfig"
	"github.com/connectkit/connectkit/internal/jsonpath"
)

// Configuration keys. The kafka.* keys up to kafka.producer.batch.size are
// kakao's (KafkaSinkConnectorConfig), with its defaults; the others are
// this connector's.
const (
	SinkTopicConfig          = "kafka.sink.topic"
	SinkBootstrapConfig      = "kafka.sink.bootstrap"
	FilterConditionConfig    = "kafka.filtering.condition"
	TimestampEnabledConfig   = "kafka.timestamp.enabled"
	TimestampFieldConfig     = "kafka.timestamp.field"
	TimestampFormatConfig    = "kafka.timestamp.format"
	SamplingEnabledConfig    = "kafka.sampling.enabled"
	SamplingPercentageConfig = "kafka.sampling.percentage"
	KeyEnabledConfig         = "kafka.key.enabled"
	KeyFieldConfig           = "kafka.key.field"
	ProducerLingerConfig     = "kafka.producer.linger.ms"
	ProducerBatchSizeConfig  = "kafka.producer.batch.size"

	TimestampZoneConfig         = "kafka.timestamp.zone"
	TimestampInvalidConfig      = "kafka.timestamp.behavior.on.invalid"
	KeyMissingConfig            = "kafka.key.behavior.on.missing"
	SamplingDeterministicConfig = "kafka.sampling.deterministic"
	ForwardKeyConfig            = "kafka.forward.key"
	ForwardHeadersConfig        = "kafka.forward.headers"
	ForwardTimestampConfig      = "kafka.forward.timestamp"
	NullValuesConfig            = "kafka.behavior.on.null.values"
	RoutesConfig                = "kafka.routes"
	ExactlyOnceConfig           = "kafka.exactly.once.enabled"
	ExactlyOnceOffsetsConfig    = "kafka.exactly.once.offsets"
	OffsetsTopicConfig          = "kafka.exactly.once.offsets.topic"
	TransactionalIDPrefixConfig = "kafka.exactly.once.transactional.id.prefix"

	// SinkClientPrefix passes settings to the destination producer, with
	// the Java client's names: kafka.sink.security.protocol,
	// kafka.sink.compression.type, kafka.sink.acks...
	SinkClientPrefix = "kafka.sink."
	// RoutePrefix starts the settings of one route:
	// kafka.route.<name>.condition and kafka.route.<name>.topic.
	RoutePrefix = "kafka.route."
)

// ConnectorClass is kakao's class name, accepted as an alias.
const ConnectorClass = "com.kakao.connector.kafka.KafkaSinkConnector"

// The values of the behavior keys and of kafka.exactly.once.offsets.
const (
	BehaviorFail    = "fail"
	BehaviorNull    = "null"
	BehaviorNow     = "now"
	BehaviorRecord  = "record"
	BehaviorSkip    = "skip"
	BehaviorForward = "forward"

	OffsetsAuto        = "auto"
	OffsetsGroup       = "group"
	OffsetsDestination = "destination"
)

// DefaultCondition is kakao's default filter: records without an "all" key.
const DefaultCondition = "$.[?( !@.all )]"

// ConfigDef returns the connector's settings.
func ConfigDef() *connect.ConfigDef {
	const (
		kakao = "Kakao"
		route = "Routing"
		out   = "Output"
		eos   = "Delivery"
	)
	return connect.NewConfigDef().Define(
		connect.ConfigKey{Name: SinkBootstrapConfig, Type: connect.ConfigString, Importance: connect.High, Group: kakao, OrderInGroup: 1,
			Validator: connect.NonEmpty(),
			Doc: "The destination cluster's bootstrap servers. Required: kakao's default, second-kafka:9092, is a placeholder. " +
				"Other destination client settings go under kafka.sink.<Java producer setting>."},
		connect.ConfigKey{Name: SinkTopicConfig, Type: connect.ConfigString, Default: "test", Importance: connect.High, Group: kakao, OrderInGroup: 2,
			Doc: "The destination topic of records that match kafka.filtering.condition, when kafka.routes is empty."},
		connect.ConfigKey{Name: FilterConditionConfig, Type: connect.ConfigString, Default: DefaultCondition, Importance: connect.High, Group: kakao, OrderInGroup: 3,
			Doc: "A Jayway JSONPath expression; a record is forwarded when its result is not empty. On an object, a filter " +
				"$.[?(...)] tests the object itself; on an array, its elements. The default forwards every record that has no " +
				"\"all\" key. Compiled once at start: an invalid expression is a configuration error."},
		connect.ConfigKey{Name: TimestampEnabledConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium, Group: kakao, OrderInGroup: 4,
			Doc: "Take the output record's timestamp from kafka.timestamp.field."},
		connect.ConfigKey{Name: TimestampFieldConfig, Type: connect.ConfigString, Default: "@.timestamp", Importance: connect.Medium, Group: kakao, OrderInGroup: 5,
			Doc: "JSONPath of the timestamp in the value; a leading @ means the root."},
		connect.ConfigKey{Name: TimestampFormatConfig, Type: connect.ConfigString, Default: "yyyy-MM-dd", Importance: connect.Medium, Group: kakao, OrderInGroup: 6,
			Doc: "Java DateTimeFormatter pattern of the timestamp, such as yyyyMMdd HHmmss SSS, read in kafka.timestamp.zone. " +
				"It must give a date and an hour: kakao's default, yyyy-MM-dd, cannot, so with kafka.timestamp.enabled=true it " +
				"is a configuration error (kakao silently used the current time)."},
		connect.ConfigKey{Name: SamplingEnabledConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium, Group: kakao, OrderInGroup: 7,
			Doc: "Forward only a sample of the records, chosen before the filter."},
		connect.ConfigKey{Name: SamplingPercentageConfig, Type: connect.ConfigDouble, Default: 0.1, Importance: connect.Medium, Group: kakao, OrderInGroup: 8,
			Validator: connect.Between(0.0, 1.0),
			Doc:       "The fraction of records sampled: 0.1 is 10%, as in kakao's connector despite the name."},
		connect.ConfigKey{Name: KeyEnabledConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium, Group: kakao, OrderInGroup: 9,
			Doc: "Build the output record's key from kafka.key.field."},
		connect.ConfigKey{Name: KeyFieldConfig, Type: connect.ConfigString, Default: "@.timestamp", Importance: connect.Medium, Group: kakao, OrderInGroup: 10,
			Doc: "Comma-separated JSONPaths whose values, printed as Java does, are concatenated without separator into the key."},
		connect.ConfigKey{Name: ProducerLingerConfig, Type: connect.ConfigString, Default: "0", Importance: connect.Low, Group: kakao, OrderInGroup: 11,
			Doc: "linger.ms of the destination producer; kafka.sink.linger.ms overrides it."},
		connect.ConfigKey{Name: ProducerBatchSizeConfig, Type: connect.ConfigString, Default: "16384", Importance: connect.Low, Group: kakao, OrderInGroup: 12,
			Doc: "batch.size of the destination producer; kafka.sink.batch.size overrides it."},

		connect.ConfigKey{Name: RoutesConfig, Type: connect.ConfigList, Default: "", Importance: connect.Medium, Group: route, OrderInGroup: 1,
			Doc: "Names of routes, each with kafka.route.<name>.condition (a JSONPath like kafka.filtering.condition) and " +
				"kafka.route.<name>.topic. A record goes to the topic of every route whose condition matches. When set, " +
				"kafka.filtering.condition and kafka.sink.topic must be left unset."},

		connect.ConfigKey{Name: KeyMissingConfig, Type: connect.ConfigString, Default: BehaviorNull, Importance: connect.Medium, Group: out, OrderInGroup: 1,
			Validator: connect.OneOfIgnoreCase(BehaviorFail, BehaviorNull),
			Doc: "With kafka.key.enabled, what to do with a matching record where a key path is missing or null: null " +
				"forwards it without a key, as kakao does; fail reports it as a bad record (errors.tolerance decides between " +
				"failing the task and the dead-letter queue, which records the reason)."},
		connect.ConfigKey{Name: TimestampInvalidConfig, Type: connect.ConfigString, Default: BehaviorNow, Importance: connect.Medium, Group: out, OrderInGroup: 2,
			Validator: connect.OneOfIgnoreCase(BehaviorFail, BehaviorNow, BehaviorRecord),
			Doc: "With kafka.timestamp.enabled, what to do with a matching record whose timestamp is missing or does not " +
				"parse: now uses the current time, as kakao does; record keeps the consumed record's timestamp; fail reports " +
				"it as a bad record (to the dead-letter queue under errors.tolerance=all)."},
		connect.ConfigKey{Name: TimestampZoneConfig, Type: connect.ConfigString, Default: "UTC", Importance: connect.Medium, Group: out, OrderInGroup: 3,
			Doc: "Time zone of timestamps without an offset, such as UTC or Asia/Seoul. Kakao used the JVM's zone."},
		connect.ConfigKey{Name: ForwardKeyConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium, Group: out, OrderInGroup: 4,
			Doc: "Keep the consumed record's key when kafka.key.enabled is false. Kakao sent records without a key."},
		connect.ConfigKey{Name: ForwardHeadersConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium, Group: out, OrderInGroup: 5,
			Doc: "Keep the consumed record's headers. With header.converter=org.apache.kafka.connect.converters.ByteArrayConverter " +
				"they are copied byte for byte."},
		connect.ConfigKey{Name: ForwardTimestampConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium, Group: out, OrderInGroup: 6,
			Doc: "Keep the consumed record's timestamp when kafka.timestamp.enabled is false. Kakao let the producer stamp the current time."},
		connect.ConfigKey{Name: NullValuesConfig, Type: connect.ConfigString, Default: BehaviorSkip, Importance: connect.Medium, Group: out, OrderInGroup: 7,
			Validator: connect.OneOfIgnoreCase(BehaviorSkip, BehaviorForward),
			Doc: "What to do with tombstones (null values), which no condition can test: skip them, as kakao did, or forward " +
				"them to kafka.sink.topic (or every route's topic)."},
		connect.ConfigKey{Name: SamplingDeterministicConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Low, Group: out, OrderInGroup: 8,
			Doc: "Sample by a hash of the record's key (or of its topic, partition and offset when it has none) instead of at " +
				"random, so that a replay samples the same records."},

		connect.ConfigKey{Name: ExactlyOnceConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.High, Group: eos, OrderInGroup: 1,
			Doc: "Write in Kafka transactions, one transactional.id per task, that also carry the consumed offsets, so that " +
				"read_committed consumers of the destination see each record once. Off, delivery is at least once: the " +
				"producer is idempotent with acks=all and offsets are committed only for delivered records."},
		connect.ConfigKey{Name: ExactlyOnceOffsetsConfig, Type: connect.ConfigString, Default: OffsetsAuto, Importance: connect.Medium, Group: eos, OrderInGroup: 2,
			Validator: connect.OneOfIgnoreCase(OffsetsAuto, OffsetsGroup, OffsetsDestination),
			Doc: "Where exactly-once keeps consumed offsets. group: in the consumer group, through the transaction; only when " +
				"the destination is the source cluster. destination: in kafka.exactly.once.offsets.topic on the destination, " +
				"restored when partitions are assigned. auto: group when kafka.sink.bootstrap equals the bootstrap.servers the connector " +
				"reads from (its own setting or the worker's), else destination."},
		connect.ConfigKey{Name: OffsetsTopicConfig, Type: connect.ConfigString, Default: "connect-kafkasink-offsets", Importance: connect.Low, Group: eos, OrderInGroup: 3,
			Validator: connect.NonEmpty(),
			Doc:       "Compacted topic on the destination that holds consumed offsets in destination mode; created when missing."},
		connect.ConfigKey{Name: TransactionalIDPrefixConfig, Type: connect.ConfigString, Default: "", Importance: connect.Low, Group: eos, OrderInGroup: 4,
			Doc: "Prefix of the tasks' transactional.id, <prefix>-<task>; connect-<name> when empty. Processes that run the " +
				"same connector side by side need different prefixes."},
	).Check(checkConfig)
}

// route is one condition → topic pair.
type route struct {
	name  string
	cond  *jsonpath.Condition
	topic string
}

// settings is a parsed configuration.
type settings struct {
	name             string
	bootstrap        string
	routes           []route
	proj             jsonpath.Projection
	sampling         bool
	sampleRate       float64
	deterministic    bool
	keyPaths         []*jsonpath.Path
	keyMissingNull   bool
	tsPath           *jsonpath.Path
	tsFormat         *TimeFormat
	tsZone           *time.Location
	tsInvalid        string
	forwardKey       bool
	forwardHeaders   bool
	forwardTimestamp bool
	forwardNulls     bool
	exactlyOnce      bool
	offsetsInGroup   bool
	offsetsTopic     string
	txnPrefix        string
	producer         map[string]string // librdkafka settings
	headerConverter  string
	// tolerateAll is errors.tolerance=all. The runtime applies it; the
	// task reads it only to stop at a bad record under none.
	tolerateAll bool
}

// definedPrefixKeys are kafka.sink.* keys that are not client settings.
var definedPrefixKeys = []string{SinkTopicConfig, SinkBootstrapConfig}

// clientProps returns the kafka.sink.* client settings, Java names.
func clientProps(c *connect.Config) map[string]string {
	props := c.WithPrefix(SinkClientPrefix, true)
	for _, k := range definedPrefixKeys {
		delete(props, strings.TrimPrefix(k, SinkClientPrefix))
	}
	return props
}

// checkConfig compiles what the keys hold, so that every mistake is a
// configuration error naming its key.
func checkConfig(c *connect.Config) []error {
	_, errs := newSettings(c)
	return errs
}

func newSettings(c *connect.Config) (*settings, []error) {
	var errs []error
	keyErr := func(key string, err error) { errs = append(errs, connect.KeyError(key, err.Error())) }
	orig := c.Originals()
	s := &settings{
		name:             orig["name"],
		tolerateAll:      strings.EqualFold(strings.TrimSpace(orig["errors.tolerance"]), "all"),
		bootstrap:        c.String(SinkBootstrapConfig),
		sampling:         c.Bool(SamplingEnabledConfig),
		sampleRate:       c.Double(SamplingPercentageConfig),
		deterministic:    c.Bool(SamplingDeterministicConfig),
		keyMissingNull:   strings.EqualFold(c.String(KeyMissingConfig), BehaviorNull),
		tsInvalid:        strings.ToLower(c.String(TimestampInvalidConfig)),
		forwardKey:       c.Bool(ForwardKeyConfig),
		forwardHeaders:   c.Bool(ForwardHeadersConfig),
		forwardTimestamp: c.Bool(ForwardTimestampConfig),
		forwardNulls:     strings.EqualFold(c.String(NullValuesConfig), BehaviorForward),
		exactlyOnce:      c.Bool(ExactlyOnceConfig),
		offsetsTopic:     c.String(OffsetsTopicConfig),
		txnPrefix:        c.String(TransactionalIDPrefixConfig),
		headerConverter:  orig["header.converter"],
	}
	if s.txnPrefix == "" {
		s.txnPrefix = "connect-" + s.name
	}

	if names := c.List(RoutesConfig); len(names) > 0 {
		for _, k := range []string{FilterConditionConfig, SinkTopicConfig} {
			if _, set := orig[k]; set {
				errs = append(errs, connect.KeyError(k, "must be left unset when kafka.routes is set"))
			}
		}
		routeProps := c.WithPrefix(RoutePrefix, true)
		for _, n := range names {
			cond, topic := routeProps[n+".condition"], routeProps[n+".topic"]
			ck, tk := RoutePrefix+n+".condition", RoutePrefix+n+".topic"
			if cond == "" {
				errs = append(errs, connect.KeyError(ck, "required for route "+n))
			}
			if topic == "" {
				errs = append(errs, connect.KeyError(tk, "required for route "+n))
			}
			if cond == "" || topic == "" {
				continue
			}
			compiled, err := jsonpath.CompileCondition(cond)
			if err != nil {
				keyErr(ck, err)
				continue
			}
			s.routes = append(s.routes, route{name: n, cond: compiled, topic: topic})
		}
		for k := range routeProps {
			name, _, _ := strings.Cut(k, ".")
			if !slices.Contains(names, name) {
				errs = append(errs, connect.KeyError(RoutePrefix+k, fmt.Sprintf("route %q is not listed in %s", name, RoutesConfig)))
			}
		}
	} else {
		cond, err := jsonpath.CompileCondition(c.String(FilterConditionConfig))
		if err != nil {
			keyErr(FilterConditionConfig, err)
		} else {
			s.routes = []route{{name: "default", cond: cond, topic: c.String(SinkTopicConfig)}}
		}
		if c.String(SinkTopicConfig) == "" {
			errs = append(errs, connect.KeyError(SinkTopicConfig, "must not be empty"))
		}
	}
	for _, r := range s.routes {
		s.proj.Merge(r.cond.Projection())
	}

	if c.Bool(KeyEnabledConfig) {
		for _, f := range jsonpath.SplitPaths(c.String(KeyFieldConfig)) {
			p, err := jsonpath.CompilePath(f)
			if err != nil {
				keyErr(KeyFieldConfig, err)
				continue
			}
			p.Need(&s.proj)
			s.keyPaths = append(s.keyPaths, p)
		}
	}
	zone, err := time.LoadLocation(c.String(TimestampZoneConfig))
	if err != nil {
		keyErr(TimestampZoneConfig, fmt.Errorf("unknown time zone: %w", err))
	}
	s.tsZone = zone
	if c.Bool(TimestampEnabledConfig) {
		p, err := jsonpath.CompilePath(c.String(TimestampFieldConfig))
		if err != nil {
			keyErr(TimestampFieldConfig, err)
		} else {
			p.Need(&s.proj)
			s.tsPath = p
		}
		if s.tsFormat, err = ParseTimeFormat(c.String(TimestampFormatConfig)); err != nil {
			keyErr(TimestampFormatConfig, err)
		}
	}

	if s.exactlyOnce {
		switch strings.ToLower(c.String(ExactlyOnceOffsetsConfig)) {
		case OffsetsGroup:
			s.offsetsInGroup = true
		case OffsetsAuto:
			s.offsetsInGroup = sameServers(s.bootstrap, orig["bootstrap.servers"])
		}
	}

	props := clientProps(c)
	mapped, err := clientconfig.Map(clientconfig.Producer, props)
	if err != nil {
		var me *clientconfig.MapError
		if errors.As(err, &me) {
			for _, ke := range me.Errors {
				errs = append(errs, connect.KeyError(SinkClientPrefix+ke.Key, ke.Message))
			}
		} else {
			keyErr(SinkClientPrefix+"*", err)
		}
	}
	s.producer = map[string]string{
		"acks":               "all",
		"enable.idempotence": "true",
		"linger.ms":          c.String(ProducerLingerConfig),
		"batch.size":         c.String(ProducerBatchSizeConfig),
	}
	maps.Copy(s.producer, mapped.Config)
	if s.exactlyOnce {
		if a := s.producer["acks"]; a != "all" && a != "-1" {
			errs = append(errs, connect.KeyError(SinkClientPrefix+"acks", "exactly-once needs acks=all"))
		}
		if s.producer["enable.idempotence"] == "false" {
			errs = append(errs, connect.KeyError(SinkClientPrefix+"enable.idempotence", "exactly-once needs an idempotent producer"))
		}
	}
	return s, errs
}

// sameServers reports whether two bootstrap lists name the same servers.
func sameServers(a, b string) bool {
	split := func(s string) []string {
		var out []string
		for _, x := range strings.Split(s, ",") {
			if x = strings.TrimSpace(x); x != "" {
				out = append(out, x)
			}
		}
		slices.Sort(out)
		return out
	}
	sa, sb := split(a), split(b)
	return len(sa) > 0 && slices.Equal(sa, sb)
}
