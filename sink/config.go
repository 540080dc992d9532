package sink

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/converters"
)

// Configuration keys the sink runtime reads, with Kafka Connect's names.
// Connector keys come from the connector's file; worker keys from the
// worker's file, where the connector's file may override them.
const (
	NameConfig                = "name"
	ConnectorClassConfig      = "connector.class"
	TasksMaxConfig            = "tasks.max"
	TopicsConfig              = "topics"
	TopicsRegexConfig         = "topics.regex"
	KeyConverterConfig        = "key.converter"
	ValueConverterConfig      = "value.converter"
	HeaderConverterConfig     = "header.converter"
	ErrorsRetryTimeoutConfig  = "errors.retry.timeout"
	ErrorsRetryMaxDelayConfig = "errors.retry.delay.max.ms"
	ErrorsToleranceConfig     = "errors.tolerance"
	ErrorsLogEnableConfig     = "errors.log.enable"
	ErrorsLogIncludeMessages  = "errors.log.include.messages"
	DLQTopicConfig            = "errors.deadletterqueue.topic.name"
	DLQReplicationConfig      = "errors.deadletterqueue.topic.replication.factor"
	DLQContextHeadersConfig   = "errors.deadletterqueue.context.headers.enable"

	BootstrapServersConfig      = "bootstrap.servers"
	OffsetFlushIntervalConfig   = "offset.flush.interval.ms"
	OffsetFlushTimeoutConfig    = "offset.flush.timeout.ms"
	ShutdownGracefulTimeoutConf = "task.shutdown.graceful.timeout.ms"

	// ConsumerPrefix is the worker prefix for consumer settings;
	// ConsumerOverridePrefix the connector's.
	ConsumerPrefix         = "consumer."
	ConsumerOverridePrefix = "consumer.override."
	ProducerPrefix         = "producer."
	ProducerOverridePrefix = "producer.override."
	AdminPrefix            = "admin."
	AdminOverridePrefix    = "admin.override."
)

// DefaultConverter is the converter used when neither the worker nor the
// connector names one; Kafka's sample worker files choose the same.
const DefaultConverter = "org.apache.kafka.connect.json.JsonConverter"

// ConfigDef returns the settings the sink runtime itself understands, which
// every sink connector accepts in addition to its own. The docs generator
// lists them with each connector.
func ConfigDef() *connect.ConfigDef {
	return connect.NewConfigDef().Define(
		connect.ConfigKey{Name: NameConfig, Type: connect.ConfigString, Importance: connect.High, Group: "Common",
			Doc: "Globally unique name of the connector. Its consumer group is connect-<name>.", Validator: connect.NonEmpty()},
		connect.ConfigKey{Name: ConnectorClassConfig, Type: connect.ConfigClass, Default: "", Importance: connect.High, Group: "Common",
			Doc: "Name or alias of the connector, such as a Kafka Connect class name."},
		connect.ConfigKey{Name: TasksMaxConfig, Type: connect.ConfigInt, Default: 1, Importance: connect.High, Group: "Common",
			Doc: "Maximum number of tasks. Each task has its own consumer in the connector's group.", Validator: connect.AtLeast(1)},
		connect.ConfigKey{Name: TopicsConfig, Type: connect.ConfigList, Default: "", Importance: connect.High, Group: "Common",
			Doc: "Topics to consume. Exactly one of topics and topics.regex must be set."},
		connect.ConfigKey{Name: TopicsRegexConfig, Type: connect.ConfigString, Default: "", Importance: connect.High, Group: "Common",
			Doc: "Regular expression that topic names to consume must match in full."},
		connect.ConfigKey{Name: KeyConverterConfig, Type: connect.ConfigClass, Default: "", Importance: connect.Low, Group: "Common",
			Doc: "Converter for record keys; overrides the worker's. Sub-settings use the key.converter. prefix."},
		connect.ConfigKey{Name: ValueConverterConfig, Type: connect.ConfigClass, Default: "", Importance: connect.Low, Group: "Common",
			Doc: "Converter for record values; overrides the worker's. Sub-settings use the value.converter. prefix."},
		connect.ConfigKey{Name: HeaderConverterConfig, Type: connect.ConfigClass, Default: "", Importance: connect.Low, Group: "Common",
			Doc: "Converter for header values; overrides the worker's. Sub-settings use the header.converter. prefix."},
		connect.ConfigKey{Name: ErrorsRetryTimeoutConfig, Type: connect.ConfigLong, Default: int64(0), Importance: connect.Medium, Group: "Error Handling",
			Doc:       "How long, in milliseconds, to retry an operation that failed with a retriable error. 0 means no retries and -1 forever, except for Put: there a positive value bounds the retries, and 0 or -1 retry until Put succeeds, as Kafka Connect does.",
			Validator: connect.AtLeast(int64(-1))},
		connect.ConfigKey{Name: ErrorsRetryMaxDelayConfig, Type: connect.ConfigDuration, Default: 60 * time.Second, Importance: connect.Medium, Group: "Error Handling",
			Doc: "Largest delay between retries; delays grow exponentially from 300 ms and are jittered.", Validator: connect.AtLeast(time.Duration(0))},
		connect.ConfigKey{Name: ErrorsToleranceConfig, Type: connect.ConfigString, Default: "none", Importance: connect.Medium, Group: "Error Handling",
			Doc:       "none fails the task on the first bad record; all skips bad records (to the dead-letter queue when one is set) and goes on.",
			Validator: connect.OneOfIgnoreCase("none", "all")},
		connect.ConfigKey{Name: ErrorsLogEnableConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium, Group: "Error Handling",
			Doc: "Log each tolerated error with the record's topic, partition and offset."},
		connect.ConfigKey{Name: ErrorsLogIncludeMessages, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium, Group: "Error Handling",
			Doc: "Also log the record's key, value and headers with each tolerated error."},
		connect.ConfigKey{Name: DLQTopicConfig, Type: connect.ConfigString, Default: "", Importance: connect.Medium, Group: "Error Handling",
			Doc: "Topic that receives records that failed conversion or that the task reported, when errors.tolerance=all. Empty means none."},
		connect.ConfigKey{Name: DLQReplicationConfig, Type: connect.ConfigInt, Default: 3, Importance: connect.Medium, Group: "Error Handling",
			Doc: "Replication factor used when the dead-letter queue topic has to be created.", Validator: connect.AtLeast(-1)},
		connect.ConfigKey{Name: DLQContextHeadersConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium, Group: "Error Handling",
			Doc: "Add __connect.errors.* headers describing the failure to records in the dead-letter queue."},
		connect.ConfigKey{Name: BootstrapServersConfig, Type: connect.ConfigList, Importance: connect.High, Group: "Worker",
			Doc: "Kafka brokers to connect to (worker setting).", Validator: connect.NonEmpty()},
		connect.ConfigKey{Name: OffsetFlushIntervalConfig, Type: connect.ConfigDuration, Default: 60 * time.Second, Importance: connect.Low, Group: "Worker",
			Doc: "How often offsets are flushed and committed (worker setting).", Validator: connect.AtLeast(time.Millisecond)},
		connect.ConfigKey{Name: OffsetFlushTimeoutConfig, Type: connect.ConfigDuration, Default: 5 * time.Second, Importance: connect.Low, Group: "Worker",
			Doc: "How long the runtime waits for the dead-letter queue to acknowledge records before an offset commit (worker setting).", Validator: connect.AtLeast(time.Millisecond)},
		connect.ConfigKey{Name: ShutdownGracefulTimeoutConf, Type: connect.ConfigDuration, Default: 5 * time.Second, Importance: connect.Low, Group: "Worker",
			Doc: "How long a task may take to finish its work and stop after shutdown begins (worker setting).", Validator: connect.AtLeast(time.Duration(0))},
	).Check(func(c *connect.Config) []error {
		topics, re := c.List(TopicsConfig), c.String(TopicsRegexConfig)
		var errs []error
		switch {
		case len(topics) == 0 && re == "":
			errs = append(errs, connect.KeyError(TopicsConfig, "one of topics or topics.regex must be set"))
		case len(topics) > 0 && re != "":
			errs = append(errs, connect.KeyError(TopicsConfig, "topics and topics.regex are mutually exclusive"))
		}
		if re != "" {
			if _, err := regexp.Compile(re); err != nil {
				errs = append(errs, connect.KeyError(TopicsRegexConfig, "invalid regular expression: "+err.Error()))
			}
		}
		if dlq := c.String(DLQTopicConfig); dlq != "" {
			for _, t := range topics {
				if t == dlq {
					errs = append(errs, connect.KeyError(DLQTopicConfig, fmt.Sprintf("the dead-letter queue topic %q cannot be one of the topics the connector consumes", dlq)))
				}
			}
			if re != "" {
				if m, err := regexp.MatchString("^(?:"+re+")$", dlq); err == nil && m {
					errs = append(errs, connect.KeyError(DLQTopicConfig, fmt.Sprintf("the dead-letter queue topic %q matches topics.regex", dlq)))
				}
			}
		}
		return errs
	})
}

// settings is the parsed runtime configuration of one connector.
type settings struct {
	name              string
	tasksMax          int
	topics            []string
	topicsRegex       string
	retryTimeout      time.Duration // <0: forever
	retryMaxDelay     time.Duration
	tolerateAll       bool
	logErrors         bool
	logMessages       bool
	dlqTopic          string
	dlqReplication    int
	dlqContextHeaders bool
	flushInterval     time.Duration
	flushTimeout      time.Duration
	shutdownTimeout   time.Duration
	bootstrapServers  string
	keyConverter      string
	valueConverter    string
	headerConverter   string
	convs             *converters.Registry         // nil: the converters package's own
	converterConfigs  map[string]map[string]string // by key.converter/value.converter/header.converter
	consumerProps     map[string]string            // Java names, worker consumer.* then connector consumer.override.*
	producerProps     map[string]string
	instanceBase      string // stem of group.instance.id; "" for dynamic membership
}

func newSettings(c *connect.Config) *settings {
	s := &settings{
		name:              c.String(NameConfig),
		tasksMax:          c.Int(TasksMaxConfig),
		topics:            c.List(TopicsConfig),
		topicsRegex:       c.String(TopicsRegexConfig),
		retryMaxDelay:     c.Duration(ErrorsRetryMaxDelayConfig),
		tolerateAll:       strings.EqualFold(c.String(ErrorsToleranceConfig), "all"),
		logErrors:         c.Bool(ErrorsLogEnableConfig),
		logMessages:       c.Bool(ErrorsLogIncludeMessages),
		dlqTopic:          c.String(DLQTopicConfig),
		dlqReplication:    c.Int(DLQReplicationConfig),
		dlqContextHeaders: c.Bool(DLQContextHeadersConfig),
		flushInterval:     c.Duration(OffsetFlushIntervalConfig),
		flushTimeout:      c.Duration(OffsetFlushTimeoutConfig),
		shutdownTimeout:   c.Duration(ShutdownGracefulTimeoutConf),
		bootstrapServers:  strings.Join(c.List(BootstrapServersConfig), ","),
		converterConfigs:  map[string]map[string]string{},
	}
	if ms := c.Long(ErrorsRetryTimeoutConfig); ms < 0 {
		s.retryTimeout = -1
	} else {
		s.retryTimeout = time.Duration(ms) * time.Millisecond
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
	s.consumerProps = c.WithPrefix(ConsumerPrefix, true)
	for k := range s.consumerProps {
		if strings.HasPrefix(k, "override.") {
			delete(s.consumerProps, k)
		}
	}
	for k, v := range c.WithPrefix(ConsumerOverridePrefix, true) {
		s.consumerProps[k] = v
	}
	s.producerProps = c.WithPrefix(ProducerPrefix, true)
	for k := range s.producerProps {
		if strings.HasPrefix(k, "override.") {
			delete(s.producerProps, k)
		}
	}
	for k, v := range c.WithPrefix(ProducerOverridePrefix, true) {
		s.producerProps[k] = v
	}
	return s
}
