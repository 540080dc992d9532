package connectortest_test

import (
	"maps"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
)

// TestLibrdkafkaGroup checks that the cluster works for the client the
// runtimes use: a librdkafka consumer in a cooperative group reads
// everything and commits, and a second member joining takes over half the
// partitions in an incremental rebalance, resuming from the first member's
// commits. It runs with both group protocols librdkafka speaks.
func TestLibrdkafkaGroup(t *testing.T) {
	tests := []struct {
		protocol connectortest.GroupProtocol
		extra    kafka.ConfigMap
	}{
		{connectortest.ClassicProtocol, kafka.ConfigMap{"partition.assignment.strategy": "cooperative-sticky"}},
		{connectortest.ConsumerProtocol, nil}, // the brokers assign, cooperatively
	}
	for _, tt := range tests {
		t.Run(string(tt.protocol), func(t *testing.T) {
			testLibrdkafkaGroup(t, tt.protocol, tt.extra)
		})
	}
}

func testLibrdkafkaGroup(t *testing.T, protocol connectortest.GroupProtocol, extra kafka.ConfigMap) {
	const (
		topic      = "cooperative"
		group      = "cooperative-group"
		partitions = 4
		perRound   = 10 // records per partition per round
	)
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, topic, partitions)
	produceRound := func(round int) {
		c.ProduceN(t, topic, partitions*perRound, func(i int) connectortest.Record {
			return connectortest.Record{
				Partition: int32(i % partitions),
				Value:     []byte(strconv.Itoa(round*partitions*perRound + i)),
			}
		})
	}
	all := func(offset int64) map[connect.TopicPartition]int64 {
		m := map[connect.TopicPartition]int64{}
		for p := range int32(partitions) {
			m[connect.TopicPartition{Topic: topic, Partition: p}] = offset
		}
		return m
	}
	cfg := kafka.ConfigMap{}
	for k, v := range c.ConsumerConfig(group, protocol) {
		cfg[k] = v
	}
	for k, v := range extra {
		cfg[k] = v
	}

	produceRound(0)
	started := time.Now()
	a := startMember(t, cfg, topic, "a")
	c.WaitFor(t, 10*time.Second, func() bool { return a.received() == partitions*perRound },
		"member a to read %d records", partitions*perRound)
	t.Logf("first member: all records read after %v", time.Since(started).Round(time.Millisecond))
	assert.Equal(t, "COOPERATIVE", a.c.GetRebalanceProtocol())
	a.checkRecords(t, 0)
	a.commit(t)
	assert.Equal(t, all(perRound), c.CommittedOffsets(t, group))

	joined := time.Now()
	b := startMember(t, cfg, topic, "b")
	c.WaitFor(t, 10*time.Second, func() bool {
		return len(a.owned()) == partitions/2 && len(b.owned()) == partitions/2
	}, "members a and b to own %d partitions each", partitions/2)
	t.Logf("second member joined: partitions shared after %v", time.Since(joined).Round(time.Millisecond))

	owned := append(a.owned(), b.owned()...)
	slices.Sort(owned)
	assert.Equal(t, []int32{0, 1, 2, 3}, owned, "each partition owned once")
	// Incremental: a gave up only what b took, and kept the rest.
	assert.ElementsMatch(t, b.owned(), a.revoked(), "a's revocations")
	assert.False(t, a.lost())
	info := c.Kfake().GroupInfo(group)
	require.NotNil(t, info)
	assert.Equal(t, "Stable", info.State)
	assert.Len(t, info.Members, 2)

	produceRound(1)
	c.WaitFor(t, 10*time.Second, func() bool {
		return a.received()+b.received() == 2*partitions*perRound
	}, "members a and b to read the second round")
	// b starts where a committed: nothing read twice, nothing skipped.
	b.checkRecords(t, perRound)
	a.checkRecords(t, 0)
	a.commit(t)
	b.commit(t)
	assert.Equal(t, all(2*perRound), c.CommittedOffsets(t, group))

	left := time.Now()
	b.close(t)
	closed := time.Since(left)
	c.WaitFor(t, 10*time.Second, func() bool { return len(a.owned()) == partitions },
		"member a to own all partitions after b left")
	t.Logf("second member left: closed in %v, partitions back after %v",
		closed.Round(time.Millisecond), time.Since(left).Round(time.Millisecond))
}

// member is one librdkafka consumer in a group, polled on its own goroutine
// as the runtimes do.
type member struct {
	name    string
	topic   string
	c       *kafka.Consumer
	stop    chan struct{}
	stopped chan struct{}

	mu        sync.Mutex
	offsets   map[int32][]int64 // offsets read, by partition
	assigned  map[int32]bool
	revokedPs []int32
	wasLost   bool
}

func startMember(t *testing.T, base kafka.ConfigMap, topic, name string) *member {
	t.Helper()
	logs := make(chan kafka.LogEvent, 64)
	cfg := kafka.ConfigMap{
		"client.id":              name,
		"auto.offset.reset":      "earliest",
		"enable.auto.commit":     false,
		"log_level":              4, // warnings and worse, to t.Logf
		"go.logs.channel.enable": true,
		"go.logs.channel":        logs,
	}
	for k, v := range base {
		cfg[k] = v
	}
	kc, err := kafka.NewConsumer(&cfg)
	require.NoError(t, err)

	m := &member{
		name: name, topic: topic, c: kc,
		stop: make(chan struct{}), stopped: make(chan struct{}),
		offsets: map[int32][]int64{}, assigned: map[int32]bool{},
	}
	closed, logged := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(logged)
		for {
			select {
			case l := <-logs:
				t.Logf("librdkafka %s %s: %s %s", name, l.Timestamp.Format("15:04:05.000"), l.Tag, l.Message)
			case <-closed:
				return
			}
		}
	}()
	t.Cleanup(func() {
		m.close(t)
		close(closed)
		<-logged
	})

	go m.poll(t) // before Subscribe, so that close always has a poller to stop
	require.NoError(t, kc.Subscribe(topic, m.rebalanced))
	return m
}

// rebalanced records assignment changes; librdkafka applies them itself
// (incrementally, for a cooperative group) after the callback returns.
func (m *member) rebalanced(_ *kafka.Consumer, ev kafka.Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch e := ev.(type) {
	case kafka.AssignedPartitions:
		for _, tp := range e.Partitions {
			m.assigned[tp.Partition] = true
		}
	case kafka.RevokedPartitions:
		for _, tp := range e.Partitions {
			delete(m.assigned, tp.Partition)
			m.revokedPs = append(m.revokedPs, tp.Partition)
		}
		m.wasLost = m.wasLost || m.c.AssignmentLost()
	}
	return nil
}

func (m *member) poll(t *testing.T) {
	defer close(m.stopped)
	for {
		select {
		case <-m.stop:
			return
		default:
		}
		switch e := m.c.Poll(20).(type) {
		case *kafka.Message:
			m.mu.Lock()
			p := e.TopicPartition.Partition
			m.offsets[p] = append(m.offsets[p], int64(e.TopicPartition.Offset))
			m.mu.Unlock()
		case kafka.Error:
			t.Errorf("member %s: %v", m.name, e)
		}
	}
}

// close stops polling and leaves the group; it may be called more than once.
func (m *member) close(t *testing.T) {
	select {
	case <-m.stop:
		return
	default:
	}
	close(m.stop)
	<-m.stopped
	assert.NoError(t, m.c.Close(), "close member %s", m.name)
}

func (m *member) received() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, offs := range m.offsets {
		n += len(offs)
	}
	return n
}

func (m *member) owned() []int32 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Sorted(maps.Keys(m.assigned))
}

func (m *member) revoked() []int32 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.revokedPs)
}

func (m *member) lost() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.wasLost
}

// checkRecords checks that each partition m read, it read in order and
// without gaps or repeats, from offset first.
func (m *member) checkRecords(t *testing.T, first int64) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for p, offs := range m.offsets {
		for i, o := range offs {
			if !assert.Equal(t, first+int64(i), o, "member %s partition %d, record %d", m.name, p, i) {
				break
			}
		}
	}
}

// commit commits, synchronously, the next offset of every partition m
// owns and has read.
func (m *member) commit(t *testing.T) {
	t.Helper()
	m.mu.Lock()
	var tps []kafka.TopicPartition
	for p, offs := range m.offsets {
		if m.assigned[p] {
			tps = append(tps, kafka.TopicPartition{Topic: &m.topic, Partition: p, Offset: kafka.Offset(offs[len(offs)-1] + 1)})
		}
	}
	m.mu.Unlock()
	_, err := m.c.CommitOffsets(tps)
	require.NoError(t, err, "member %s commit", m.name)
}
