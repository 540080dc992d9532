package clientconfig

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mapCase is one Map call and everything it should produce.
type mapCase struct {
	name     string
	kind     Kind
	props    map[string]string
	want     map[string]string // the whole Config, when no error is expected
	warnings []string          // keys that get a warning
	errors   []string          // keys that get an error
	maxPoll  int
}

func (tc mapCase) run(t *testing.T) {
	t.Helper()
	res, err := Map(tc.kind, tc.props)
	assert.ElementsMatch(t, tc.warnings, warningKeys(res.Warnings), "warnings: %v", res.Warnings)
	assert.Equal(t, tc.maxPoll, res.MaxPollRecords)
	if len(tc.errors) > 0 {
		require.Error(t, err)
		assert.ElementsMatch(t, tc.errors, slices.Collect(maps.Keys(keyErrors(t, err))), "errors: %v", err)
		assert.Nil(t, res.Config)
		return
	}
	require.NoError(t, err)
	assert.Equal(t, tc.want, res.Config)
}

func warningKeys(ws []Warning) []string {
	var keys []string
	for _, w := range ws {
		keys = append(keys, w.Key)
	}
	return keys
}

// keyErrors returns the messages of a *MapError by key.
func keyErrors(t *testing.T, err error) map[string]string {
	t.Helper()
	var me *MapError
	require.True(t, errors.As(err, &me), "not a *MapError: %v", err)
	out := make(map[string]string)
	for _, ke := range me.Errors {
		out[ke.Key] = ke.Message
	}
	return out
}

func TestMapCommonAndConsumer(t *testing.T) {
	tests := []mapCase{
		{
			name: "same names and renames",
			kind: Consumer,
			props: map[string]string{
				"bootstrap.servers":         "k1:9092,k2:9092",
				"client.id":                 "connector-consumer-s3-0",
				"client.rack":               "eu-west-1a",
				"fetch.min.bytes":           "1024",
				"fetch.max.bytes":           "10485760",
				"fetch.max.wait.ms":         "250",
				"max.partition.fetch.bytes": "2097152",
				"session.timeout.ms":        "10000",
				"heartbeat.interval.ms":     "2000",
				"max.poll.interval.ms":      "600000",
				"isolation.level":           "read_committed",
				"group.instance.id":         "worker-1",
				"check.crcs":                "true",
				"reconnect.backoff.ms":      "50",
				"reconnect.backoff.max.ms":  "1000",
				"retry.backoff.ms":          "100",
				"retry.backoff.max.ms":      "1000",
				"connections.max.idle.ms":   "540000",
				"metadata.max.age.ms":       "300000",
				"request.timeout.ms":        " 30000 ",
				"receive.buffer.bytes":      "-1",
				"send.buffer.bytes":         "131072",
			},
			want: map[string]string{
				"bootstrap.servers":                  "k1:9092,k2:9092",
				"client.id":                          "connector-consumer-s3-0",
				"client.rack":                        "eu-west-1a",
				"fetch.min.bytes":                    "1024",
				"fetch.max.bytes":                    "10485760",
				"fetch.wait.max.ms":                  "250",
				"max.partition.fetch.bytes":          "2097152",
				"session.timeout.ms":                 "10000",
				"heartbeat.interval.ms":              "2000",
				"max.poll.interval.ms":               "600000",
				"isolation.level":                    "read_committed",
				"group.instance.id":                  "worker-1",
				"check.crcs":                         "true",
				"reconnect.backoff.ms":               "50",
				"reconnect.backoff.max.ms":           "1000",
				"retry.backoff.ms":                   "100",
				"retry.backoff.max.ms":               "1000",
				"connections.max.idle.ms":            "540000",
				"topic.metadata.refresh.interval.ms": "300000",
				"socket.timeout.ms":                  "30000",
				"socket.receive.buffer.bytes":        "0",
				"socket.send.buffer.bytes":           "131072",
			},
		},
		{
			name:     "values beyond librdkafka's limits are capped with a warning",
			kind:     Consumer,
			props:    map[string]string{"metadata.max.age.ms": "86400000", "request.timeout.ms": "600000"},
			want:     map[string]string{"topic.metadata.refresh.interval.ms": "3600000", "socket.timeout.ms": "300000"},
			warnings: []string{"metadata.max.age.ms", "request.timeout.ms"},
		},
		{
			name:   "bad numbers",
			kind:   Consumer,
			props:  map[string]string{"metadata.max.age.ms": "soon", "receive.buffer.bytes": "-2", "request.timeout.ms": "5"},
			errors: []string{"metadata.max.age.ms", "receive.buffer.bytes", "request.timeout.ms"},
		},
		{
			name:  "auto.offset.reset none asks librdkafka to report the missing offset",
			kind:  Consumer,
			props: map[string]string{"auto.offset.reset": "none"},
			want:  map[string]string{"auto.offset.reset": "error"},
		},
		{
			name:  "auto.offset.reset earliest",
			kind:  Consumer,
			props: map[string]string{"auto.offset.reset": "Earliest"},
			want:  map[string]string{"auto.offset.reset": "earliest"},
		},
		{
			name:   "auto.offset.reset by_duration",
			kind:   Consumer,
			props:  map[string]string{"auto.offset.reset": "by_duration:PT1H"},
			errors: []string{"auto.offset.reset"},
		},
		{
			name: "Java's default assignor list keeps the first kind",
			kind: Consumer,
			props: map[string]string{"partition.assignment.strategy": "org.apache.kafka.clients.consumer.RangeAssignor, " +
				"org.apache.kafka.clients.consumer.CooperativeStickyAssignor"},
			want:     map[string]string{"partition.assignment.strategy": "range"},
			warnings: []string{"partition.assignment.strategy"},
		},
		{
			name:  "assignor classes become librdkafka names",
			kind:  Consumer,
			props: map[string]string{"partition.assignment.strategy": "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"},
			want:  map[string]string{"partition.assignment.strategy": "cooperative-sticky"},
		},
		{
			name: "eager assignors in order, duplicates dropped",
			kind: Consumer,
			props: map[string]string{"partition.assignment.strategy": "org.apache.kafka.clients.consumer.RoundRobinAssignor," +
				"range,org.apache.kafka.clients.consumer.RoundRobinAssignor"},
			want: map[string]string{"partition.assignment.strategy": "roundrobin,range"},
		},
		{
			name:   "eager sticky and custom assignors",
			kind:   Consumer,
			props:  map[string]string{"partition.assignment.strategy": "org.apache.kafka.clients.consumer.StickyAssignor,com.example.Mine"},
			errors: []string{"partition.assignment.strategy"},
		},
		{
			name: "the consumer group protocol leaves these to the broker",
			kind: Consumer,
			props: map[string]string{
				"group.protocol":                "consumer",
				"group.remote.assignor":         "uniform",
				"session.timeout.ms":            "10000",
				"heartbeat.interval.ms":         "1000",
				"partition.assignment.strategy": "range",
			},
			errors: []string{"session.timeout.ms", "heartbeat.interval.ms", "partition.assignment.strategy"},
		},
		{
			name:    "max.poll.records is a hint, not a librdkafka property",
			kind:    Consumer,
			props:   map[string]string{"max.poll.records": "250"},
			want:    map[string]string{},
			maxPoll: 250,
		},
		{
			name:   "max.poll.records must be positive",
			kind:   Consumer,
			props:  map[string]string{"max.poll.records": "0"},
			errors: []string{"max.poll.records"},
		},
		{
			name: "Java-only consumer tuning is dropped with warnings",
			kind: Consumer,
			props: map[string]string{
				"key.deserializer":                         "org.apache.kafka.common.serialization.ByteArrayDeserializer",
				"value.deserializer":                       "org.apache.kafka.common.serialization.ByteArrayDeserializer",
				"interceptor.classes":                      "io.confluent.monitoring.clients.interceptor.MonitoringConsumerInterceptor",
				"metric.reporters":                         "com.example.Reporter",
				"auto.commit.interval.ms":                  "1000",
				"default.api.timeout.ms":                   "60000",
				"exclude.internal.topics":                  "true",
				"metrics.context.connect.kafka.cluster.id": "abc",
			},
			want: map[string]string{},
			warnings: []string{"key.deserializer", "value.deserializer", "interceptor.classes", "metric.reporters",
				"auto.commit.interval.ms", "default.api.timeout.ms", "exclude.internal.topics",
				"metrics.context.connect.kafka.cluster.id"},
		},
		{
			name:     "reserved settings",
			kind:     Consumer,
			props:    map[string]string{"group.id": "mine", "enable.auto.commit": "false", "enable.auto.offset.store": "true"},
			warnings: []string{"enable.auto.commit"},
			errors:   []string{"group.id", "enable.auto.offset.store"},
		},
		{
			name:     "settings of other clients",
			kind:     Consumer,
			props:    map[string]string{"linger.ms": "5", "key.serializer": "x", "transactional.id": "t"},
			want:     map[string]string{},
			warnings: []string{"linger.ms", "key.serializer", "transactional.id"},
		},
		{
			name: "librdkafka properties pass through",
			kind: Consumer,
			props: map[string]string{
				"enable.partition.eof":       "false",
				"queued.max.messages.kbytes": "32768",
				"statistics.interval.ms":     "0",
				"api.version.request":        "true",
			},
			want: map[string]string{
				"enable.partition.eof":       "false",
				"queued.max.messages.kbytes": "32768",
				"statistics.interval.ms":     "0",
				"api.version.request":        "true",
			},
			warnings: []string{"api.version.request"},
		},
		{
			name:     "librdkafka properties of other clients",
			kind:     Consumer,
			props:    map[string]string{"queue.buffering.max.messages": "10"},
			want:     map[string]string{},
			warnings: []string{"queue.buffering.max.messages"},
		},
		{
			name: "unknown, binding and callback settings",
			kind: Consumer,
			props: map[string]string{
				"fetch.min.byte":                  "1",
				"go.application.rebalance.enable": "true",
				"rebalance_cb":                    "x",
				"log.queue":                       "true",
			},
			errors: []string{"fetch.min.byte", "go.application.rebalance.enable", "rebalance_cb", "log.queue"},
		},
		{
			name:   "Java and librdkafka names of one property must agree",
			kind:   Consumer,
			props:  map[string]string{"fetch.max.wait.ms": "100", "fetch.wait.max.ms": "200"},
			errors: []string{"fetch.wait.max.ms"},
		},
		{
			name:  "aliases that agree",
			kind:  Consumer,
			props: map[string]string{"max.partition.fetch.bytes": "1000", "fetch.message.max.bytes": "1000"},
			want:  map[string]string{"fetch.message.max.bytes": "1000"},
		},
		{
			name: "admin clients",
			kind: Admin,
			props: map[string]string{
				"bootstrap.servers":      "k:9092",
				"request.timeout.ms":     "20000",
				"retries":                "5",
				"default.api.timeout.ms": "60000",
				"fetch.min.bytes":        "1",
				"client.rack":            "r1",
			},
			want:     map[string]string{"bootstrap.servers": "k:9092", "socket.timeout.ms": "20000", "client.rack": "r1"},
			warnings: []string{"retries", "default.api.timeout.ms", "fetch.min.bytes"},
		},
		{
			name:   "admin clients cannot reach controllers",
			kind:   Admin,
			props:  map[string]string{"bootstrap.controllers": "c:9093"},
			errors: []string{"bootstrap.controllers"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestMapProducer(t *testing.T) {
	tests := []mapCase{
		{
			name: "tuning",
			kind: Producer,
			props: map[string]string{
				"acks":                                  "all",
				"linger.ms":                             "20",
				"batch.size":                            "65536",
				"compression.type":                      "zstd",
				"compression.zstd.level":                "6",
				"compression.gzip.level":                "9",
				"enable.idempotence":                    "true",
				"max.in.flight.requests.per.connection": "5",
				"retries":                               "2147483647",
				"delivery.timeout.ms":                   "120000",
				"request.timeout.ms":                    "45000",
				"transaction.timeout.ms":                "60000",
				"max.request.size":                      "2097152",
				"buffer.memory":                         "33554432",
				"key.serializer":                        "org.apache.kafka.common.serialization.ByteArraySerializer",
				"value.serializer":                      "org.apache.kafka.common.serialization.ByteArraySerializer",
				"max.block.ms":                          "60000",
			},
			want: map[string]string{
				"acks":                       "all",
				"linger.ms":                  "20",
				"batch.size":                 "65536",
				"compression.type":           "zstd",
				"compression.level":          "6",
				"enable.idempotence":         "true",
				"max.in.flight":              "5",
				"retries":                    "2147483647",
				"delivery.timeout.ms":        "120000",
				"request.timeout.ms":         "45000",
				"socket.timeout.ms":          "45000",
				"transaction.timeout.ms":     "60000",
				"message.max.bytes":          "2097152",
				"queue.buffering.max.kbytes": "32768",
				"partitioner":                "murmur2_random",
			},
			warnings: []string{"compression.gzip.level", "key.serializer", "value.serializer", "max.block.ms"},
		},
		{
			name:     "buffer.memory that is no whole KiB",
			kind:     Producer,
			props:    map[string]string{"buffer.memory": "1000000"},
			want:     map[string]string{"queue.buffering.max.kbytes": "977", "partitioner": "murmur2_random"},
			warnings: []string{"buffer.memory"},
		},
		{
			name:  "batch.size 0 disables batching",
			kind:  Producer,
			props: map[string]string{"batch.size": "0"},
			want:  map[string]string{"batch.size": "1", "partitioner": "murmur2_random"},
		},
		{
			name:   "compression level beyond librdkafka's",
			kind:   Producer,
			props:  map[string]string{"compression.type": "lz4", "compression.lz4.level": "17"},
			errors: []string{"compression.lz4.level"},
		},
		{
			name:  "Java's default partitioner",
			kind:  Producer,
			props: map[string]string{"partitioner.class": "org.apache.kafka.clients.producer.internals.DefaultPartitioner"},
			want:  map[string]string{"partitioner": "murmur2_random"},
		},
		{
			name:  "uniform sticky partitioner ignores keys",
			kind:  Producer,
			props: map[string]string{"partitioner.class": "org.apache.kafka.clients.producer.UniformStickyPartitioner"},
			want:  map[string]string{"partitioner": "random"},
		},
		{
			name:     "round robin is approximated",
			kind:     Producer,
			props:    map[string]string{"partitioner.class": "org.apache.kafka.clients.producer.RoundRobinPartitioner"},
			want:     map[string]string{"partitioner": "random"},
			warnings: []string{"partitioner.class"},
		},
		{
			name:  "partitioner.ignore.keys",
			kind:  Producer,
			props: map[string]string{"partitioner.ignore.keys": "true"},
			want:  map[string]string{"partitioner": "random"},
		},
		{
			name: "partitioner.ignore.keys has no effect beside partitioner.class",
			kind: Producer,
			props: map[string]string{"partitioner.ignore.keys": "true",
				"partitioner.class": "org.apache.kafka.clients.producer.internals.DefaultPartitioner"},
			want:     map[string]string{"partitioner": "murmur2_random"},
			warnings: []string{"partitioner.ignore.keys"},
		},
		{
			name:  "librdkafka's partitioner chosen explicitly",
			kind:  Producer,
			props: map[string]string{"partitioner": "consistent_random"},
			want:  map[string]string{"partitioner": "consistent_random"},
		},
		{
			name: "Java and librdkafka partitioners that disagree",
			kind: Producer,
			props: map[string]string{"partitioner": "random",
				"partitioner.class": "org.apache.kafka.clients.producer.internals.DefaultPartitioner"},
			errors: []string{"partitioner.class"},
		},
		{
			name:   "custom partitioner",
			kind:   Producer,
			props:  map[string]string{"partitioner.class": "com.example.ByRegion"},
			errors: []string{"partitioner.class"},
		},
		{
			name:   "transactional.id belongs to the runtime",
			kind:   Producer,
			props:  map[string]string{"transactional.id": "mine"},
			errors: []string{"transactional.id"},
		},
		{
			name:   "aliases that disagree",
			kind:   Producer,
			props:  map[string]string{"linger.ms": "5", "queue.buffering.max.ms": "10"},
			errors: []string{"queue.buffering.max.ms"},
		},
		{
			name:     "consumer settings",
			kind:     Producer,
			props:    map[string]string{"fetch.min.bytes": "1", "max.poll.records": "10", "group.id": "g"},
			want:     map[string]string{"partitioner": "murmur2_random"},
			warnings: []string{"fetch.min.bytes", "max.poll.records", "group.id"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestMapUnknownKind(t *testing.T) {
	_, err := Map(Kind(0), map[string]string{})
	assert.ErrorContains(t, err, "unknown client kind")
}

func TestMapErrorListsEveryKey(t *testing.T) {
	_, err := Map(Consumer, map[string]string{"group.id": "g", "nope": "1", "partition.assignment.strategy": "x.Y"})
	require.Error(t, err)
	assert.Equal(t, "clientconfig: consumer settings cannot be used; "+
		"group.id: reserved: the runtime names the consumer group connect-<connector>, as Kafka Connect does; "+
		"nope: unknown setting: neither a Java client setting nor a librdkafka property; "+
		`partition.assignment.strategy: "x.Y" is not an assignor librdkafka has (range, roundrobin, cooperative-sticky)`,
		err.Error())
	var ke KeyError
	require.ErrorAs(t, err, &ke)
	assert.Equal(t, "group.id", ke.Key)
}

func TestMapDoesNotModifyProps(t *testing.T) {
	props := map[string]string{"fetch.max.wait.ms": " 100 ", "max.poll.records": "5"}
	before := maps.Clone(props)
	_, err := Map(Consumer, props)
	require.NoError(t, err)
	assert.Equal(t, before, props)
}

func TestReserved(t *testing.T) {
	assert.Equal(t, []string{"auto.commit.enable", "enable.auto.commit", "enable.auto.offset.store", "enabled_events",
		"group.id", "log.queue"}, slices.Sorted(maps.Keys(Reserved(Consumer))))
	assert.Equal(t, []string{"enabled_events", "log.queue", "transactional.id"}, slices.Sorted(maps.Keys(Reserved(Producer))))
	assert.Equal(t, []string{"enabled_events", "log.queue"}, slices.Sorted(maps.Keys(Reserved(Admin))))
	for key, why := range Reserved(Consumer) {
		assert.NotEmpty(t, why, key)
	}
}
