package connectortest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/connectkit/connectkit/connect"
)

// AnyPartition, set as [Record.Partition], lets the producer choose the
// partition as Kafka's Java producer does: by the murmur2 hash of the key,
// and for a record without a key, any partition.
const AnyPartition int32 = -1

// Record is a Kafka record as it is on the wire: bytes, not converted values.
//
// On records handed to [Cluster.Produce], Offset is ignored. On records the
// Cluster returns, every field is filled in from the log.
type Record struct {
	Topic string
	// Partition is the partition to write to. The zero value is partition
	// 0, so that records without one land in a single, predictable order;
	// use AnyPartition to let the key decide.
	Partition int32
	// Key is nil for a record without a key; nil and empty are different
	// records in Kafka, and the Cluster keeps them apart.
	Key []byte
	// Value is nil for a tombstone and empty (non-nil, zero length) for an
	// empty value.
	Value []byte
	// Headers are kept in order, repeated keys included.
	Headers []RecordHeader
	// Timestamp is the record's create time. Kafka keeps milliseconds: on
	// produce, a zero Timestamp means now and anything finer than a
	// millisecond is dropped. Records the Cluster returns carry it in UTC,
	// so that == and assert.Equal agree with [time.Time.Equal] when
	// comparing with UTC times such as [GoldenTime].
	Timestamp time.Time
	Offset    int64
}

// RecordHeader is one record header, unconverted. A nil Value is a null
// header value, which Kafka distinguishes from an empty one.
type RecordHeader struct {
	Key   string
	Value []byte
}

// TopicPartition returns the partition r is in, or is to be written to.
func (r Record) TopicPartition() connect.TopicPartition {
	return connect.TopicPartition{Topic: r.Topic, Partition: r.Partition}
}

// String names the record by its coordinates, "topic-partition@offset",
// the way [connect.SinkRecord.String] does.
func (r Record) String() string {
	return fmt.Sprintf("%s-%d@%d", r.Topic, r.Partition, r.Offset)
}

// Cluster is a Kafka cluster for tests and a franz-go client that the helper
// methods use to write, read and inspect it. Usually it is in-process, kfake
// brokers speaking the real Kafka protocol on loopback TCP ([NewCluster]);
// it may also be a real broker running elsewhere ([ExternalCluster]).
// Clients under test (the librdkafka-based runtimes) connect to
// [Cluster.BootstrapServers].
//
// The helpers speak only the Kafka protocol, so what they see is what any
// client would see, and they work the same on both kinds; [Cluster.Kfake]
// reaches the fake brokers themselves, to inject errors or inspect groups.
//
// A Cluster is safe for concurrent use. The methods taking a testing.TB stop
// the test with t.Fatalf on failure, which Go allows only on the goroutine
// running that test or subtest; elsewhere, and in main packages, use the
// ...Context variants, which return errors.
type Cluster struct {
	fake    *kfake.Cluster // nil on an external cluster
	client  *kgo.Client
	addrs   []string
	timeout time.Duration
	once    sync.Once

	// Set on external clusters, which outlive the test and are shared:
	// what Unique prepends, the partitions of a topic created without a
	// count (0 for the brokers' default), and the configs of the topics
	// CreateTopic creates.
	prefix            string
	defaultPartitions int32
	topicConfigs      map[string]string
}

// ClusterOption configures [NewCluster] and [StartCluster].
type ClusterOption func(*clusterConfig)

type clusterConfig struct {
	brokers       int
	partitions    int32
	seeds         []seedTopics
	minSession    time.Duration
	maxSession    time.Duration
	brokerConfigs map[string]string
	autoCreate    bool
	// explicitPartitions is what DefaultPartitions set, 0 if it was not
	// given: an external cluster has its own default.
	explicitPartitions int32
	timeout            time.Duration
	kfakeOpts          []kfake.Opt
	// The options given that only an embedded cluster can honour, by
	// name, for the error ExternalCluster gives.
	embeddedOnly []string
}

func (c *clusterConfig) embedded(option string) {
	if !slices.Contains(c.embeddedOnly, option) {
		c.embeddedOnly = append(c.embeddedOnly, option)
	}
}

type seedTopics struct {
	partitions int32
	topics     []string
}

// Defaults that differ from kfake's or Kafka's, and why.
const (
	// A librdkafka consumer may then use a session.timeout.ms as short as
	// this, so that tests of a crashed member take well under a second.
	// kfake's default (6 s) is Kafka's.
	defaultMinSessionTimeout = 100 * time.Millisecond
	// Kafka's default, 1048588, is 12 bytes more than 1 MiB: a record with
	// a 1 MiB value, like the golden "large" record, does not fit.
	defaultMessageMaxBytes = 8 << 20
	// How long one helper call may take before it fails the test.
	defaultTimeout = 30 * time.Second
)

// Brokers sets the number of brokers, overriding the default of 1.
func Brokers(n int) ClusterOption {
	return func(c *clusterConfig) { c.brokers = n; c.embedded("Brokers") }
}

// SeedTopics creates topics with the given number of partitions when the
// cluster starts (partitions <= 0 means [DefaultPartitions]). It may be given
// more than once.
func SeedTopics(partitions int32, topics ...string) ClusterOption {
	return func(c *clusterConfig) {
		c.seeds = append(c.seeds, seedTopics{partitions, slices.Clone(topics)})
		c.embedded("SeedTopics")
	}
}

// DefaultPartitions sets the number of partitions of topics created without
// a count: [Cluster.CreateTopic] with partitions <= 0, seed topics with
// partitions <= 0, and auto-created topics. The default is 1, as in Kafka.
// On an [ExternalCluster] it applies to CreateTopic only; without it, the
// brokers' num.partitions applies.
func DefaultPartitions(n int32) ClusterOption {
	return func(c *clusterConfig) { c.partitions, c.explicitPartitions = n, n }
}

// GroupSessionTimeouts sets the range of session.timeout.ms the brokers
// accept from group members (Kafka's group.min.session.timeout.ms and
// group.max.session.timeout.ms). The default range is 100 ms to 5 min, so
// that tests may use short sessions; Kafka's minimum is 6 s.
func GroupSessionTimeouts(minimum, maximum time.Duration) ClusterOption {
	return func(c *clusterConfig) {
		c.minSession, c.maxSession = minimum, maximum
		c.embedded("GroupSessionTimeouts")
	}
}

// BrokerConfig sets a broker-level config, such as "message.max.bytes"
// (8 MiB here by default, so that 1 MiB records fit),
// "group.consumer.heartbeat.interval.ms" (100 ms here by default, for fast
// KIP-848 rebalances) or "log.message.timestamp.type". See
// [kfake.BrokerConfigs] for the keys kfake understands.
func BrokerConfig(key, value string) ClusterOption {
	return func(c *clusterConfig) { c.brokerConfigs[key] = value; c.embedded("BrokerConfig") }
}

// AutoCreateTopics lets clients, the helpers included, create topics by
// naming them in metadata requests, as Kafka's auto.create.topics.enable
// does. It is off by default so that a misspelt topic fails the test
// instead of creating an empty one.
func AutoCreateTopics() ClusterOption {
	return func(c *clusterConfig) { c.autoCreate = true }
}

// OperationTimeout bounds each helper call (produce, read, admin), overriding
// the default of 30 s. When it expires, the call fails naming what it was
// waiting for.
func OperationTimeout(d time.Duration) ClusterOption {
	return func(c *clusterConfig) { c.timeout = d }
}

// KfakeOptions passes options straight to [kfake.NewCluster], after the
// ones the other ClusterOptions produce, for what they do not cover (a
// logger, SASL, ACLs).
func KfakeOptions(opts ...kfake.Opt) ClusterOption {
	return func(c *clusterConfig) { c.kfakeOpts = append(c.kfakeOpts, opts...); c.embedded("KfakeOptions") }
}

// NewCluster starts a [Cluster] and stops it when the test and its subtests
// have finished. It fails the test if the cluster cannot start.
func NewCluster(t testing.TB, opts ...ClusterOption) *Cluster {
	t.Helper()
	c, err := StartCluster(opts...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// StartCluster starts a [Cluster] outside a test, such as in an example's
// main; stop it with [Cluster.Close]. Tests use [NewCluster].
func StartCluster(opts ...ClusterOption) (*Cluster, error) {
	cfg := newClusterConfig(opts)
	if cfg.brokers < 1 {
		return nil, fmt.Errorf("connectortest: start cluster: %d brokers", cfg.brokers)
	}
	if cfg.partitions < 1 {
		return nil, fmt.Errorf("connectortest: start cluster: %d default partitions", cfg.partitions)
	}
	maxBytes, err := strconv.Atoi(cfg.brokerConfigs["message.max.bytes"])
	if err != nil || maxBytes <= 0 {
		return nil, fmt.Errorf("connectortest: start cluster: message.max.bytes %q is not a positive integer",
			cfg.brokerConfigs["message.max.bytes"])
	}

	kopts := []kfake.Opt{
		kfake.NumBrokers(cfg.brokers),
		kfake.DefaultNumPartitions(int(cfg.partitions)),
		kfake.GroupMinSessionTimeout(cfg.minSession),
		kfake.GroupMaxSessionTimeout(cfg.maxSession),
		kfake.BrokerConfigs(cfg.brokerConfigs),
	}
	for _, s := range cfg.seeds {
		kopts = append(kopts, kfake.SeedTopics(s.partitions, s.topics...))
	}
	if cfg.autoCreate {
		kopts = append(kopts, kfake.AllowAutoTopicCreation())
	}
	kopts = append(kopts, cfg.kfakeOpts...)

	fake, err := kfake.NewCluster(kopts...)
	if err != nil {
		return nil, fmt.Errorf("connectortest: start cluster: %w", err)
	}
	addrs := fake.ListenAddrs()
	client, err := helperClient(addrs, cfg.autoCreate, maxBytes)
	if err != nil {
		fake.Close()
		return nil, fmt.Errorf("connectortest: start cluster: client: %w", err)
	}
	return &Cluster{fake: fake, client: client, addrs: addrs, timeout: cfg.timeout}, nil
}

func newClusterConfig(opts []ClusterOption) clusterConfig {
	cfg := clusterConfig{
		brokers:    1,
		partitions: 1,
		minSession: defaultMinSessionTimeout,
		maxSession: 5 * time.Minute,
		brokerConfigs: map[string]string{
			"message.max.bytes": strconv.Itoa(defaultMessageMaxBytes),
			// Members of KIP-848 groups heartbeat this often, and so
			// learn of a rebalance this soon; Kafka's default is 5 s.
			"group.consumer.heartbeat.interval.ms": "100",
		},
		timeout: defaultTimeout,
	}
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

// helperClient is the client the helpers write, read and inspect with.
func helperClient(addrs []string, autoCreate bool, maxBytes int) (*kgo.Client, error) {
	copts := []kgo.Opt{
		kgo.SeedBrokers(addrs...),
		kgo.ClientID("connectortest"),
		kgo.RecordPartitioner(partitioner{}),
		// The helpers write what they are given, as large as the
		// brokers take, uncompressed and unbatched in time.
		kgo.ProducerBatchMaxBytes(int32(maxBytes)),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		kgo.ProducerLinger(0),
		// Topics come and go within a test; see them promptly.
		kgo.MetadataMinAge(50 * time.Millisecond),
	}
	if autoCreate {
		copts = append(copts, kgo.AllowAutoTopicCreation())
	}
	return kgo.NewClient(copts...)
}

// Close stops the client and, on an embedded cluster, the brokers. Clients
// still connected to an embedded cluster see their connections drop; an
// external cluster keeps running. Close is idempotent.
func (c *Cluster) Close() {
	c.once.Do(func() {
		c.client.Close()
		if c.fake != nil {
			c.fake.Close()
		}
	})
}

// BootstrapServers returns the brokers' addresses, comma separated, for
// bootstrap.servers.
func (c *Cluster) BootstrapServers() string { return strings.Join(c.addrs, ",") }

// GroupProtocol is a consumer group protocol, named as librdkafka's
// group.protocol names it.
type GroupProtocol string

// The group protocols.
const (
	// ClassicProtocol is the JoinGroup and SyncGroup protocol, with the
	// assignor (partition.assignment.strategy) running in a member.
	ClassicProtocol GroupProtocol = "classic"
	// ConsumerProtocol is KIP-848's, with the brokers assigning partitions
	// and setting the heartbeat interval.
	ConsumerProtocol GroupProtocol = "consumer"
)

// ConsumerConfig returns the librdkafka settings for a consumer in group on
// c: bootstrap.servers, group.id, group.protocol, and for the classic
// protocol the timings that keep rebalances short. Add the rest
// (partition.assignment.strategy, auto.offset.reset, ...) as the code under
// test does.
//
// A member learns of a rebalance from its next heartbeat. With the classic
// protocol the member sets the interval, 3 s by default, and a
// cooperative-sticky rebalance takes two rounds; librdkafka also sends a
// member's JoinGroup requests at least a second apart. With 100 ms
// heartbeats a member joining a cooperative-sticky group gets its
// partitions after 1 to 1.5 s, rather than 6 s. With the consumer protocol
// the cluster sets the interval, to 100 ms, and the same takes about 0.1 s.
func (c *Cluster) ConsumerConfig(group string, protocol GroupProtocol) map[string]string {
	cfg := map[string]string{
		"bootstrap.servers": c.BootstrapServers(),
		"group.id":          group,
		"group.protocol":    string(protocol),
	}
	if protocol == ClassicProtocol {
		// librdkafka refuses these under the consumer protocol.
		cfg["session.timeout.ms"] = "6000"
		cfg["heartbeat.interval.ms"] = "100"
	}
	return cfg
}

// Kfake returns the fake cluster underneath, for what the Kafka protocol
// cannot do: injecting errors and delays with [kfake.Cluster.ControlKey],
// moving partition leaders, inspecting groups with
// [kfake.Cluster.GroupInfo]. It returns nil on an [ExternalCluster].
func (c *Cluster) Kfake() *kfake.Cluster { return c.fake }

// Unique returns name made unique to this Cluster value, for the topics and
// connector (group) names a test uses. An embedded cluster is the test's
// own, so there it returns name unchanged; an [ExternalCluster] outlives
// the test and may already hold a topic of that name from an earlier run,
// so there it prepends a prefix of a random run id and a counter, such as
// "ck-1a2b3c4d-7-". The prefix is the same for every name of one Cluster
// value, so a topics.regex can be built from it: Unique("metrics.") +
// ".*" (quoted with regexp.QuoteMeta).
func (c *Cluster) Unique(name string) string { return c.prefix + name }

// must runs one TB helper call: f, bounded by the operation timeout, and
// t.Fatalf if it fails. The context is not the test's t.Context, which ends
// before cleanups run, so that the helpers work in t.Cleanup too.
func must[T any](t testing.TB, c *Cluster, f func(context.Context) (T, error)) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	v, err := f(ctx)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return v
}

// CreateTopic creates topic with the given number of partitions (<= 0 for
// [DefaultPartitions]). It fails the test if the topic exists.
//
// On an [ExternalCluster] the topic gets retention.ms=-1, so that records
// with old timestamps, such as the golden records, are kept, and a
// max.message.bytes of 8 MiB, as on an embedded cluster; its replication
// factor is the brokers' default.
func (c *Cluster) CreateTopic(t testing.TB, topic string, partitions int32) {
	t.Helper()
	must(t, c, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, c.CreateTopicContext(ctx, topic, partitions)
	})
}

// CreateTopicContext is [Cluster.CreateTopic] returning an error.
func (c *Cluster) CreateTopicContext(ctx context.Context, topic string, partitions int32) error {
	if partitions <= 0 {
		partitions = -1 // the brokers' default
		if c.defaultPartitions > 0 {
			partitions = c.defaultPartitions
		}
	}
	req := kmsg.NewPtrCreateTopicsRequest()
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic = topic
	rt.NumPartitions = partitions
	rt.ReplicationFactor = -1
	for _, k := range slices.Sorted(maps.Keys(c.topicConfigs)) {
		rc := kmsg.NewCreateTopicsRequestTopicConfig()
		rc.Name, rc.Value = k, kmsg.StringPtr(c.topicConfigs[k])
		rt.Configs = append(rt.Configs, rc)
	}
	req.Topics = append(req.Topics, rt)
	req.TimeoutMillis = int32(min(c.timeout, time.Minute).Milliseconds())
	resp, err := req.RequestWith(ctx, c.client)
	if err == nil {
		if len(resp.Topics) != 1 {
			err = fmt.Errorf("%d topics in response", len(resp.Topics))
		} else {
			err = kerr.ErrorForCode(resp.Topics[0].ErrorCode)
		}
	}
	if err == nil {
		err = c.awaitLeaders(ctx, topic)
	}
	if err != nil {
		return fmt.Errorf("connectortest: create topic %q: %w", topic, err)
	}
	return nil
}

// awaitLeaders waits until metadata shows every partition of topic with a
// leader. A real broker answers CreateTopics before its metadata shows the
// topic, and a read or commit right after would fail.
func (c *Cluster) awaitLeaders(ctx context.Context, topic string) error {
	return retry(ctx, func() error {
		mt, err := c.metadata(ctx, topic)
		if err != nil {
			return err
		}
		for _, p := range mt.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil || p.Leader < 0 {
				return fmt.Errorf("metadata: partition %d has no leader: %w", p.Partition, kerr.LeaderNotAvailable)
			}
		}
		return nil
	}, kerr.UnknownTopicOrPartition)
}

// transient are the errors a real broker returns for a moment after it
// starts, after a topic is created or while a group's coordinator loads;
// the helpers retry them until their deadline.
var transient = []error{
	kerr.CoordinatorNotAvailable, kerr.CoordinatorLoadInProgress, kerr.NotCoordinator,
	kerr.LeaderNotAvailable, kerr.NotLeaderForPartition,
}

// retry calls f until it returns nil or an error that is not transient (or
// one of also), or until ctx is done, and returns its last error.
func retry(ctx context.Context, f func() error, also ...error) error {
	retriable := append(slices.Clone(also), transient...)
	for {
		err := f()
		if err == nil || !slices.ContainsFunc(retriable, func(e error) bool { return errors.Is(err, e) }) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Produce writes records and waits until the brokers have acknowledged every
// one. Records for the same partition are written in the order given. It
// returns the records as written, with Partition, Offset and Timestamp set,
// and fails the test naming the topic and partition of any record that
// could not be written.
func (c *Cluster) Produce(t testing.TB, records ...Record) []Record {
	t.Helper()
	return must(t, c, func(ctx context.Context) ([]Record, error) {
		return c.ProduceContext(ctx, records...)
	})
}

// ProduceContext is [Cluster.Produce] returning an error. Cancelling ctx
// abandons waiting; records already sent may still be written.
func (c *Cluster) ProduceContext(ctx context.Context, records ...Record) ([]Record, error) {
	krs := make([]*kgo.Record, len(records))
	for i := range records {
		kr, err := toKgo(&records[i])
		if err != nil {
			return nil, fmt.Errorf("connectortest: produce record %d: %w", i, err)
		}
		krs[i] = kr
	}
	var fails produceFailures
	for _, res := range c.client.ProduceSync(ctx, krs...) {
		fails.add(res.Record, res.Err)
	}
	if err := fails.err(len(krs)); err != nil {
		return nil, err
	}
	out := slices.Clone(records)
	for i, kr := range krs {
		out[i].Partition = kr.Partition
		out[i].Offset = kr.Offset
		out[i].Timestamp = kafkaTime(kr.Timestamp)
	}
	return out, nil
}

// ProduceN writes n records made by gen(0) … gen(n-1), called in order on
// the calling goroutine, to topic (whatever Topic gen sets), and waits until
// all are acknowledged. Unlike Produce it keeps only the records in flight
// in memory, for writing many.
func (c *Cluster) ProduceN(t testing.TB, topic string, n int, gen func(i int) Record) {
	t.Helper()
	must(t, c, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, c.produceN(ctx, topic, n, gen)
	})
}

func (c *Cluster) produceN(ctx context.Context, topic string, n int, gen func(i int) Record) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		fails produceFailures
	)
	promise := func(kr *kgo.Record, err error) {
		mu.Lock()
		fails.add(kr, err)
		mu.Unlock()
		wg.Done()
	}
	for i := range n {
		r := gen(i)
		r.Topic = topic
		kr, err := toKgo(&r)
		if err != nil {
			wg.Wait()
			return fmt.Errorf("connectortest: produce record %d: %w", i, err)
		}
		wg.Add(1)
		c.client.Produce(ctx, kr, promise)
	}
	wg.Wait()
	return fails.err(n)
}

// produceFailures summarizes failed produces: the first error in full and a
// count, rather than one line per record.
type produceFailures struct {
	n     int
	first error
}

func (f *produceFailures) add(kr *kgo.Record, err error) {
	if err == nil {
		return
	}
	f.n++
	if f.first == nil {
		where := fmt.Sprintf("topic %q", kr.Topic)
		if kr.Partition >= 0 {
			where = fmt.Sprintf("topic %q partition %d", kr.Topic, kr.Partition)
		}
		f.first = fmt.Errorf("%s: %w", where, err)
	}
}

func (f *produceFailures) err(total int) error {
	if f.n == 0 {
		return nil
	}
	return fmt.Errorf("connectortest: produce: %d of %d records failed, first: %w", f.n, total, f.first)
}

func toKgo(r *Record) (*kgo.Record, error) {
	if r.Topic == "" {
		return nil, errors.New("no topic")
	}
	if r.Partition < AnyPartition {
		return nil, fmt.Errorf("topic %q: invalid partition %d", r.Topic, r.Partition)
	}
	kr := &kgo.Record{
		Topic:     r.Topic,
		Partition: r.Partition,
		Key:       r.Key,
		Value:     r.Value,
		Timestamp: r.Timestamp,
	}
	if len(r.Headers) > 0 {
		kr.Headers = make([]kgo.RecordHeader, len(r.Headers))
		for i, h := range r.Headers {
			kr.Headers[i] = kgo.RecordHeader{Key: h.Key, Value: h.Value}
		}
	}
	return kr, nil
}

// kafkaTime is t as Kafka stores it: milliseconds, here in UTC.
func kafkaTime(t time.Time) time.Time { return time.UnixMilli(t.UnixMilli()).UTC() }

// partitioner honours Record.Partition and hashes the key for AnyPartition.
// kgo hands it each record before setting the record's Partition, so the
// field still holds what the caller asked for.
type partitioner struct{}

func (partitioner) ForTopic(topic string) kgo.TopicPartitioner {
	return &topicPartitioner{byKey: kgo.StickyKeyPartitioner(nil).ForTopic(topic)}
}

type topicPartitioner struct{ byKey kgo.TopicPartitioner }

func (p *topicPartitioner) RequiresConsistency(r *kgo.Record) bool {
	return r.Partition != AnyPartition || p.byKey.RequiresConsistency(r)
}

func (p *topicPartitioner) Partition(r *kgo.Record, n int) int {
	if r.Partition != AnyPartition {
		return int(r.Partition) // kgo fails the record if it is >= n
	}
	return p.byKey.Partition(r, n)
}

func (p *topicPartitioner) OnNewBatch() {
	if nb, ok := p.byKey.(kgo.TopicPartitionerOnNewBatch); ok {
		nb.OnNewBatch()
	}
}

// ReadAll returns every record in topic when it is called: all partitions,
// partition 0 first, each partition in offset order, from its log start to
// its high watermark. Records of aborted transactions are included (it reads
// uncommitted); transaction markers are not. It fails the test if the topic
// does not exist.
func (c *Cluster) ReadAll(t testing.TB, topic string) []Record {
	t.Helper()
	return must(t, c, func(ctx context.Context) ([]Record, error) {
		return c.ReadAllContext(ctx, topic)
	})
}

// ReadAllContext is [Cluster.ReadAll] returning an error.
func (c *Cluster) ReadAllContext(ctx context.Context, topic string) ([]Record, error) {
	var out []Record
	err := retry(ctx, func() (err error) {
		out, err = c.readAll(ctx, topic)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("connectortest: read topic %q: %w", topic, err)
	}
	return out, nil
}

func (c *Cluster) readAll(ctx context.Context, topic string) ([]Record, error) {
	partitions, err := c.partitions(ctx, topic)
	if err != nil {
		return nil, err
	}
	start, err := c.listOffsets(ctx, topic, partitions, -2)
	if err != nil {
		return nil, err
	}
	end, err := c.listOffsets(ctx, topic, partitions, -1)
	if err != nil {
		return nil, err
	}
	from := make(map[int32]kgo.Offset)
	for p := range partitions {
		if end[p] > start[p] {
			from[p] = kgo.NewOffset().At(start[p])
		}
	}
	if len(from) == 0 {
		return nil, nil
	}

	// A client of its own: consuming is per client, and each call reads
	// its own partitions.
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(c.addrs...),
		kgo.ClientID("connectortest-read"),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: from}),
		// Transaction markers take offsets too, and may be the last
		// thing before the high watermark; we see them to know we
		// are done and drop them after.
		kgo.KeepControlRecords(),
		kgo.FetchMaxWait(100*time.Millisecond),
	)
	if err != nil {
		return nil, err
	}
	defer cl.Close()

	byPartition := make(map[int32][]Record, len(from))
	for len(from) > 0 {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("partitions %v not read to their end: %w", slices.Sorted(maps.Keys(from)), ctx.Err())
		}
		if errs := fetches.Errors(); len(errs) > 0 {
			e := errs[0]
			return nil, fmt.Errorf("fetch partition %d: %w", e.Partition, e.Err)
		}
		fetches.EachRecord(func(kr *kgo.Record) {
			p := kr.Partition
			if kr.Offset >= end[p] {
				return // written after we looked
			}
			if !kr.Attrs.IsControl() {
				byPartition[p] = append(byPartition[p], fromFetched(kr))
			}
			if kr.Offset+1 >= end[p] {
				delete(from, p)
			}
		})
	}

	var out []Record
	for p := range partitions {
		out = append(out, byPartition[p]...)
	}
	return out, nil
}

// fromFetched copies a fetched record; kgo's slices point into the fetch.
func fromFetched(kr *kgo.Record) Record {
	r := Record{
		Topic:     kr.Topic,
		Partition: kr.Partition,
		Offset:    kr.Offset,
		Key:       bytes.Clone(kr.Key),
		Value:     bytes.Clone(kr.Value),
		Timestamp: kafkaTime(kr.Timestamp),
	}
	if len(kr.Headers) > 0 {
		r.Headers = make([]RecordHeader, len(kr.Headers))
		for i, h := range kr.Headers {
			r.Headers[i] = RecordHeader{Key: h.Key, Value: bytes.Clone(h.Value)}
		}
	}
	return r
}

// partitions returns how many partitions topic has.
func (c *Cluster) partitions(ctx context.Context, topic string) (int32, error) {
	mt, err := c.metadata(ctx, topic)
	if err != nil {
		return 0, err
	}
	return int32(len(mt.Partitions)), nil
}

// metadata returns what the brokers know of topic.
func (c *Cluster) metadata(ctx context.Context, topic string) (kmsg.MetadataResponseTopic, error) {
	req := kmsg.NewPtrMetadataRequest()
	rt := kmsg.NewMetadataRequestTopic()
	rt.Topic = kmsg.StringPtr(topic)
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, c.client)
	if err != nil {
		return kmsg.MetadataResponseTopic{}, fmt.Errorf("metadata: %w", err)
	}
	for _, mt := range resp.Topics {
		if mt.Topic == nil || *mt.Topic != topic {
			continue
		}
		if err := kerr.ErrorForCode(mt.ErrorCode); err != nil {
			return kmsg.MetadataResponseTopic{}, fmt.Errorf("metadata: %w", err)
		}
		return mt, nil
	}
	return kmsg.MetadataResponseTopic{}, fmt.Errorf("metadata: %w", kerr.UnknownTopicOrPartition)
}

// listOffsets returns each partition's offset at timestamp ts, -1 for the
// high watermark and -2 for the log start.
func (c *Cluster) listOffsets(ctx context.Context, topic string, partitions int32, ts int64) (map[int32]int64, error) {
	req := kmsg.NewPtrListOffsetsRequest()
	req.ReplicaID = -1
	rt := kmsg.NewListOffsetsRequestTopic()
	rt.Topic = topic
	for p := range partitions {
		rp := kmsg.NewListOffsetsRequestTopicPartition()
		rp.Partition = p
		rp.Timestamp = ts
		rp.CurrentLeaderEpoch = -1
		rt.Partitions = append(rt.Partitions, rp)
	}
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, c.client)
	if err != nil {
		return nil, fmt.Errorf("list offsets: %w", err)
	}
	offsets := make(map[int32]int64, partitions)
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				return nil, fmt.Errorf("list offsets of partition %d: %w", p.Partition, err)
			}
			offsets[p.Partition] = p.Offset
		}
	}
	for p := range partitions {
		if _, ok := offsets[p]; !ok {
			return nil, fmt.Errorf("list offsets: no answer for partition %d", p)
		}
	}
	return offsets, nil
}

// CommittedOffsets returns the offsets group has committed: for each
// partition, the offset of the next record to read, as Kafka stores it.
// Partitions without a commit are absent; a group that never committed gives
// an empty map.
func (c *Cluster) CommittedOffsets(t testing.TB, group string) map[connect.TopicPartition]int64 {
	t.Helper()
	return must(t, c, func(ctx context.Context) (map[connect.TopicPartition]int64, error) {
		return c.CommittedOffsetsContext(ctx, group)
	})
}

// CommittedOffsetsContext is [Cluster.CommittedOffsets] returning an error.
func (c *Cluster) CommittedOffsetsContext(ctx context.Context, group string) (map[connect.TopicPartition]int64, error) {
	var out map[connect.TopicPartition]int64
	err := retry(ctx, func() (err error) {
		out, err = c.committedOffsets(ctx, group)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("connectortest: committed offsets of group %q: %w", group, err)
	}
	return out, nil
}

func (c *Cluster) committedOffsets(ctx context.Context, group string) (map[connect.TopicPartition]int64, error) {
	req := kmsg.NewPtrOffsetFetchRequest()
	rg := kmsg.NewOffsetFetchRequestGroup()
	rg.Group = group // no topics: all of them
	req.Groups = append(req.Groups, rg)
	resp, err := req.RequestWith(ctx, c.client)
	if err != nil {
		return nil, err
	}
	out := make(map[connect.TopicPartition]int64)
	for _, g := range resp.Groups {
		if g.Group != group {
			continue
		}
		switch err := kerr.ErrorForCode(g.ErrorCode); {
		case errors.Is(err, kerr.GroupIDNotFound):
			return out, nil
		case err != nil:
			return nil, err
		}
		for _, t := range g.Topics {
			for _, p := range t.Partitions {
				if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
					return nil, fmt.Errorf("topic %q partition %d: %w", t.Topic, p.Partition, err)
				}
				if p.Offset < 0 {
					continue // no commit
				}
				out[connect.TopicPartition{Topic: t.Topic, Partition: p.Partition}] = p.Offset
			}
		}
	}
	return out, nil
}

// WaitFor calls cond until it returns true, pausing briefly between calls,
// and fails the test if it has not by the end of timeout. cond runs on the
// calling goroutine, so it may use t (and require) itself. msgAndArgs
// describes what was awaited, as in testify: a message, or a format and its
// arguments.
func (c *Cluster) WaitFor(t testing.TB, timeout time.Duration, cond func() bool, msgAndArgs ...any) {
	t.Helper()
	const pause = 10 * time.Millisecond
	start := time.Now()
	for calls := 1; ; calls++ {
		if cond() {
			return
		}
		if time.Since(start) >= timeout {
			t.Fatalf("connectortest: gave up after %v and %d checks waiting for: %s",
				time.Since(start).Round(time.Millisecond), calls, message(msgAndArgs))
		}
		time.Sleep(pause)
	}
}

func message(msgAndArgs []any) string {
	switch {
	case len(msgAndArgs) == 0:
		return "condition (no message given)"
	case len(msgAndArgs) == 1:
		if s, ok := msgAndArgs[0].(string); ok {
			return s
		}
		return fmt.Sprintf("%+v", msgAndArgs[0])
	default:
		if format, ok := msgAndArgs[0].(string); ok {
			return fmt.Sprintf(format, msgAndArgs[1:]...)
		}
		return fmt.Sprint(msgAndArgs...)
	}
}
