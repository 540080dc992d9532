package source

import (
	"strings"
	"time"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/converters"
)

// Configuration keys the source runtime reads, with Kafka Connect's names.
// Connector keys come from the connector's file; worker keys from the
// worker's file, where the connector's file may override them.
const (
	NameConfig                = "name"
	ConnectorClassConfig      = "connector.class"
	TasksMaxConfig            = "tasks.max"
	KeyConverterConfig        = "key.converter"
	ValueConverterConfig      = "value.converter"
	HeaderConverterConfig     = "header.converter"
	ErrorsRetryTimeoutConfig  = "errors.retry.timeout"
	ErrorsRetryMaxDelayConfig = "errors.retry.delay.max.ms"
	ErrorsToleranceConfig     = "errors.tolerance"
	ErrorsLogEnableConfig     = "errors.log.enable"
	ErrorsLogIncludeMessages  = "errors.log.include.messages"

	// TopicCreationDefaultReplicationConfig and
	// TopicCreationDefaultPartitionsConfig turn on the creation of topics
	// that do not exist yet (KIP-158), when both are set.
	TopicCreationDefaultReplicationConfig = "topic.creation.default.replication.factor"
	TopicCreationDefaultPartitionsConfig  = "topic.creation.default.partitions"

	BootstrapServersConfig       = "bootstrap.servers"
	OffsetFlushIntervalConfig    = "offset.flush.interval.ms"
	OffsetFlushTimeoutConfig     = "offset.flush.timeout.ms"
	ShutdownGracefulTimeoutConf  = "task.shutdown.graceful.timeout.ms"
	TopicCreationEnableConfig    = "topic.creation.enable"
	OffsetStorageTopicConfig     = "offset.storage.topic"
	OffsetStoragePartitionsConf  = "offset.storage.partitions"
	OffsetStorageReplicationConf = "offset.storage.replication.factor"
	OffsetStorageFileConfig      = "offset.storage.file.filename"

	// ProducerPrefix is the worker prefix for producer settings;
	// ProducerOverridePrefix the connector's. The admin client that creates
	// topics reads AdminPrefix and AdminOverridePrefix.
	ProducerPrefix         = "producer."
	ProducerOverridePrefix = "producer.override."
	AdminPrefix            = "admin."
	AdminOverridePrefix    = "admin.override."
)

// DefaultConverter is the converter used when neither the worker nor the
// connector names one; Kafka's sample worker files choose the same.
const DefaultConverter = "org.apache.kafka.connect.json.JsonConverter"

// ConfigDef returns the settings the source runtime itself understands,
// which every source connector accepts in addition to its own. The docs
// generator lists them with each connector.
func ConfigDef() *connect.ConfigDef {
	return connect.NewConfigDef().Define(
		connect.ConfigKey{Name: NameConfig, Type: connect.ConfigString, Importance: connect.High, Group: "Common",
			Doc: "Globally unique name of the connector. Its source offsets are stored under this name.", Validator: connect.NonEmpty()},
		connect.ConfigKey{Name: ConnectorClassConfig, Type: connect.ConfigClass, Default: "", Importance: connect.High, Group: "Common",
			Doc: "Name or alias of the connector, such as a Kafka Connect class name."},
		connect.ConfigKey{Name: TasksMaxConfig, Type: connect.ConfigInt, Default: 1, Importance: connect.High, Group: "Common",
			Doc: "Maximum number of tasks. The connector's TaskConfigs decides how many run.", Validator: connect.AtLeast(1)},
		connect.ConfigKey{Name: KeyConverterConfig, Type: connect.ConfigClass, Default: "", Importance: connect.Low, Group: "Common",
			Doc: "Converter for record keys; overrides the worker's. Sub-settings use the key.converter. prefix."},
		connect.ConfigKey{Name: ValueConverterConfig, Type: connect.ConfigClass, Default: "", Importance: connect.Low, Group: "Common",
			Doc: "Converter for record values; overrides the worker's. Sub-settings use the value.converter. prefix."},
		connect.ConfigKey{Name: HeaderConverterConfig, Type: connect.ConfigClass, Default: "", Importance: connect.Low, Group: "Common",
			Doc: "Converter for header values; overrides the worker's. Sub-settings use the header.converter. prefix."},
		connect.ConfigKey{Name: ErrorsRetryTimeoutConfig, Type: connect.ConfigLong, Default: int64(0), Importance: connect.Medium, Group: "Error Handling",
			Doc:       "How long, in milliseconds, Poll and record deliveries that fail with retriable errors are retried. 0 and -1 retry until they succeed, as Kafka Connect does for Poll and its producer; a positive value bounds the retries, after which the task fails.",
			Validator: connect.AtLeast(int64(-1))},
		connect.ConfigKey{Name: ErrorsRetryMaxDelayConfig, Type: connect.ConfigDuration, Default: 60 * time.Second, Importance: connect.Medium, Group: "Error Handling",
			Doc: "Largest delay between retries; delays grow exponentially from 300 ms and are jittered.", Validator: connect.AtLeast(time.Duration(0))},
		connect.ConfigKey{Name: ErrorsToleranceConfig, Type: connect.ConfigString, Default: "none", Importance: connect.Medium, Group: "Error Handling",
			Doc:       "none fails the task on the first record that cannot be converted or produced; all logs and skips such records (a source has no dead-letter queue) and goes on.",
			Validator: connect.OneOfIgnoreCase("none", "all")},
		connect.ConfigKey{Name: ErrorsLogEnableConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium, Group: "Error Handling",
			Doc: "Log each tolerated error with the record's topic and source partition."},
		connect.ConfigKey{Name: ErrorsLogIncludeMessages, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium, Group: "Error Handling",
			Doc: "Also log the record's source offset with each tolerated error."},
		connect.ConfigKey{Name: TopicCreationDefaultReplicationConfig, Type: connect.ConfigInt, Default: connect.NullDefault, Importance: connect.Low, Group: "Topic Creation",
			Doc:       "Replication factor of topics the connector writes to that do not exist yet; -1 takes the broker's default. Topics are created only when this and topic.creation.default.partitions are both set.",
			Validator: connect.AtLeast(-1)},
		connect.ConfigKey{Name: TopicCreationDefaultPartitionsConfig, Type: connect.ConfigInt, Default: connect.NullDefault, Importance: connect.Low, Group: "Topic Creation",
			Doc:       "Number of partitions of topics the connector writes to that do not exist yet; -1 takes the broker's default.",
			Validator: connect.AtLeast(-1)},
		connect.ConfigKey{Name: BootstrapServersConfig, Type: connect.ConfigList, Importance: connect.High, Group: "Worker",
			Doc: "Kafka brokers to connect to (worker setting).", Validator: connect.NonEmpty()},
		connect.ConfigKey{Name: OffsetFlushIntervalConfig, Type: connect.ConfigDuration, Default: 60 * time.Second, Importance: connect.Low, Group: "Worker",
			Doc: "How often the offsets of acknowledged records are stored (worker setting).", Validator: connect.AtLeast(time.Millisecond)},
		connect.ConfigKey{Name: OffsetFlushTimeoutConfig, Type: connect.ConfigDuration, Default: 5 * time.Second, Importance: connect.Low, Group: "Worker",
			Doc: "How long storing offsets may take before the attempt is abandoned and retried at the next flush (worker setting).", Validator: connect.AtLeast(time.Millisecond)},
		connect.ConfigKey{Name: ShutdownGracefulTimeoutConf, Type: connect.ConfigDuration, Default: 5 * time.Second, Importance: connect.Low, Group: "Worker",
			Doc: "How long a task may take, after shutdown begins, to have its outstanding records acknowledged, its offsets stored and Stop return (worker setting).", Validator: connect.AtLeast(time.Duration(0))},
		connect.ConfigKey{Name: TopicCreationEnableConfig, Type: connect.ConfigBoolean, Default: true, Importance: connect.Low, Group: "Worker",
			Doc: "Whether source connectors may create the topics they write to with topic.creation.default.* (worker setting)."},
		connect.ConfigKey{Name: OffsetStorageTopicConfig, Type: connect.ConfigString, Default: "", Importance: connect.High, Group: "Worker",
			Doc: "Compacted topic holding source offsets, in Kafka Connect's format, as in distributed mode (worker setting). Created when missing. Exactly one of this and offset.storage.file.filename must be set, unless the program supplies its own store."},
		connect.ConfigKey{Name: OffsetStoragePartitionsConf, Type: connect.ConfigInt, Default: 25, Importance: connect.Low, Group: "Worker",
			Doc: "Number of partitions of the offset storage topic when it has to be created (worker setting).", Validator: connect.AtLeast(-1)},
		connect.ConfigKey{Name: OffsetStorageReplicationConf, Type: connect.ConfigInt, Default: 3, Importance: connect.Low, Group: "Worker",
			Doc: "Replication factor of the offset storage topic when it has to be created; -1 takes the broker's default (worker setting).", Validator: connect.AtLeast(-1)},
		connect.ConfigKey{Name: OffsetStorageFileConfig, Type: connect.ConfigString, Default: "", Importance: connect.High, Group: "Worker",
			Doc: "File holding source offsets, as in standalone mode (worker setting). It is JSON, not Kafka's Java serialization; see the source package documentation."},
	).Check(func(c *connect.Config) []error {
		var errs []error
		_, rok := c.Raw(TopicCreationDefaultReplicationConfig)
		_, pok := c.Raw(TopicCreationDefaultPartitionsConfig)
		if rok != pok {
			errs = append(errs, connect.KeyError(TopicCreationDefaultPartitionsConfig,
				"topic.creation.default.partitions and topic.creation.default.replication.factor must be set together"))
		}
		for _, k := range []string{TopicCreationDefaultReplicationConfig, TopicCreationDefaultPartitionsConfig} {
			if _, ok := c.Raw(k); ok && c.Int(k) == 0 {
				errs = append(errs, connect.KeyError(k, "must be -1 (the broker's default) or at least 1"))
			}
		}
		if c.String(OffsetStorageTopicConfig) != "" && c.String(OffsetStorageFileConfig) != "" {
			errs = append(errs, connect.KeyError(OffsetStorageTopicConfig,
				"offset.storage.topic and offset.storage.file.filename are mutually exclusive"))
		}
		return errs
	})
}

// settings is the parsed runtime configuration of one connector.
type settings struct {
	name             string
	tasksMax         int
	retryTimeout     time.Duration // <=0: forever
	retryMaxDelay    time.Duration
	tolerateAll      bool
	logErrors        bool
	logMessages      bool
	createTopics     bool
	topicReplication int
	topicPartitions  int
	flushInterval    time.Duration
	flushTimeout     time.Duration
	shutdownTimeout  time.Duration
	bootstrapServers string
	keyConverter     string
	valueConverter   string
	headerConverter  string
	convs            *converters.Registry         // nil: the converters package's own
	converterConfigs map[string]map[string]string // by key.converter/value.converter/header.converter
	producerProps    map[string]string            // Java names, worker producer.* then connector producer.override.*
	adminProps       map[string]string
	offsetTopic      string
	offsetFile       string
}

func newSettings(c *connect.Config) *settings {
	s := &settings{
		name:             c.String(NameConfig),
		tasksMax:         c.Int(TasksMaxConfig),
		retryMaxDelay:    c.Duration(ErrorsRetryMaxDelayConfig),
		tolerateAll:      strings.EqualFold(c.String(ErrorsToleranceConfig), "all"),
		logErrors:        c.Bool(ErrorsLogEnableConfig),
		logMessages:      c.Bool(ErrorsLogIncludeMessages),
		flushInterval:    c.Duration(OffsetFlushIntervalConfig),
		flushTimeout:     c.Duration(OffsetFlushTimeoutConfig),
		shutdownTimeout:  c.Duration(ShutdownGracefulTimeoutConf),
		bootstrapServers: strings.Join(c.List(BootstrapServersConfig), ","),
		converterConfigs: map[string]map[string]string{},
		offsetTopic:      c.String(OffsetStorageTopicConfig),
		offsetFile:       c.String(OffsetStorageFileConfig),
	}
	s.retryTimeout = time.Duration(c.Long(ErrorsRetryTimeoutConfig)) * time.Millisecond
	_, rok := c.Raw(TopicCreationDefaultReplicationConfig)
	_, pok := c.Raw(TopicCreationDefaultPartitionsConfig)
	if rok && pok && c.Bool(TopicCreationEnableConfig) {
		s.createTopics = true
		s.topicReplication = c.Int(TopicCreationDefaultReplicationConfig)
		s.topicPartitions = c.Int(TopicCreationDefaultPartitionsConfig)
	}
	conv := func(key string) string {
		if v := c.Class(key); v != "" {
			return v
		}
		return DefaultConverter
	}
	s.keyConverter, s.valueConverter = conv(KeyConverterConfig), conv(ValueConverterConfig)
	s.headerConverter = c.Class(HeaderConverterConfig)
	for _, k := range []string{KeyConverterConfig, ValueConverterConfig, HeaderConverterConfig} {
		s.converterConfigs[k] = c.WithPrefix(k+".", true)
	}
	s.producerProps = clientProps(c, ProducerPrefix, ProducerOverridePrefix)
	s.adminProps = clientProps(c, AdminPrefix, AdminOverridePrefix)
	return s
}

// clientProps returns a client's Java settings: the worker's, under prefix,
// overridden by the connector's, under overridePrefix.
func clientProps(c *connect.Config, prefix, overridePrefix string) map[string]string {
	props := c.WithPrefix(prefix, true)
	for k := range props {
		if strings.HasPrefix(k, "override.") {
			delete(props, k)
		}
	}
	for k, v := range c.WithPrefix(overridePrefix, true) {
		props[k] = v
	}
	return props
}
