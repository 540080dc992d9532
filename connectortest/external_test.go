package connectortest_test

import (
	"fmt"
	"net"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
)

// The helpers on both kinds of cluster, from one test: what a real broker
// stores must match the embedded one, old timestamps and 1 MiB included.
func TestGoldenRoundTripOnEachCluster(t *testing.T) {
	connectortest.EachCluster(t, func(t *testing.T, c *connectortest.Cluster) {
		topic := c.Unique("golden")
		c.CreateTopic(t, topic, 1)
		cases := connectortest.GoldenCases(topic)
		c.Produce(t, connectortest.GoldenRecords(topic)...)
		got := c.ReadAll(t, topic)
		require.Len(t, got, len(cases))
		for i, g := range cases {
			want, r := g.Record, got[i]
			assert.Equal(t, int64(i), r.Offset, g.Name)
			assert.Equal(t, want.Timestamp, r.Timestamp, g.Name)
			assertSameBytes(t, g.Name+" key", want.Key, r.Key)
			assertSameBytes(t, g.Name+" value", want.Value, r.Value)
			require.Len(t, r.Headers, len(want.Headers), g.Name)
			for j, h := range want.Headers {
				assert.Equal(t, h.Key, r.Headers[j].Key, "%s header %d", g.Name, j)
				assertSameBytes(t, fmt.Sprintf("%s header %d", g.Name, j), h.Value, r.Headers[j].Value)
			}
		}

		group := c.Unique("group")
		assert.Empty(t, c.CommittedOffsets(t, group), "a group that never committed")
	})
}

// An embedded cluster speaks the Kafka protocol, so it can stand in for an
// external one: this checks the external path without a real broker.
func TestExternalCluster(t *testing.T) {
	embedded := connectortest.NewCluster(t)
	c := connectortest.ExternalCluster(t, embedded.BootstrapServers(), connectortest.DefaultPartitions(3))
	other := connectortest.ExternalCluster(t, embedded.BootstrapServers())

	assert.Nil(t, c.Kfake())
	assert.Equal(t, embedded.BootstrapServers(), c.BootstrapServers())
	assert.Regexp(t, `^ck-[a-z2-7]{8}-[0-9]+-orders$`, c.Unique("orders"))
	assert.NotEqual(t, c.Unique("orders"), other.Unique("orders"), "each Cluster value has its own names")
	assert.Equal(t, "orders", embedded.Unique("orders"), "an embedded cluster is the test's own")
	re := regexp.MustCompile("^" + regexp.QuoteMeta(c.Unique("metrics.")) + ".*$")
	assert.True(t, re.MatchString(c.Unique("metrics.cpu")))
	assert.False(t, re.MatchString(other.Unique("metrics.cpu")))

	topic := c.Unique("orders")
	c.CreateTopic(t, topic, 0) // DefaultPartitions applies
	written := c.Produce(t, connectortest.Record{Topic: topic, Partition: 2, Value: []byte("v")})
	assert.Equal(t, int32(2), written[0].Partition)
	assert.Len(t, embedded.ReadAll(t, topic), 1, "the external Cluster wrote to the real one")
	assert.Equal(t, map[connect.TopicPartition]int64{}, c.CommittedOffsets(t, c.Unique("nobody")))
}

func TestExternalClusterFailsClearly(t *testing.T) {
	t.Run("nothing listening", func(t *testing.T) {
		addr := closedPort(t)
		start := time.Now()
		msg := runFailing(t, func(tb testing.TB) {
			connectortest.ExternalCluster(tb, addr, connectortest.OperationTimeout(time.Second))
		})
		assert.Less(t, time.Since(start), 10*time.Second, "it gives up after the operation timeout")
		assert.Contains(t, msg, addr)
		assert.Contains(t, msg, "no broker answered within 1s")
		// The client retries a refused dial until the timeout; on a busy
		// machine the last dial can be the one the timeout cuts short.
		assert.Regexp(t, `dial tcp `+regexp.QuoteMeta(addr)+`: (connect: connection refused|i/o timeout)`, msg)
	})
	t.Run("embedded-only options", func(t *testing.T) {
		msg := runFailing(t, func(tb testing.TB) {
			connectortest.ExternalCluster(tb, "127.0.0.1:1", connectortest.Brokers(3),
				connectortest.BrokerConfig("a", "b"), connectortest.OperationTimeout(time.Second))
		})
		assert.Contains(t, msg, "Brokers, BrokerConfig work only on an embedded cluster")
	})
	t.Run("no address", func(t *testing.T) {
		msg := runFailing(t, func(tb testing.TB) { connectortest.ExternalCluster(tb, " , ") })
		assert.Contains(t, msg, "no bootstrap servers")
	})
}

// closedPort returns a loopback address that nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

func TestExternalServersFromEnvironment(t *testing.T) {
	t.Run("kafka unset skips naming the variable", func(t *testing.T) {
		t.Setenv(connectortest.EnvKafkaBootstrap, "")
		t.Setenv(connectortest.EnvIntegrationRequired, "")
		skipped, failed := runSkipping(func(tb testing.TB) { connectortest.ExternalKafka(tb) })
		assert.Empty(t, failed)
		assert.Contains(t, skipped, "CONNECTKIT_KAFKA_BOOTSTRAP is not set")
		assert.Contains(t, skipped, "bash .ci/integration.sh")
	})
	t.Run("kafka unset fails when required", func(t *testing.T) {
		t.Setenv(connectortest.EnvKafkaBootstrap, "")
		t.Setenv(connectortest.EnvIntegrationRequired, "1")
		skipped, failed := runSkipping(func(tb testing.TB) { connectortest.ExternalKafka(tb) })
		assert.Empty(t, skipped)
		assert.Contains(t, failed, "CONNECTKIT_KAFKA_BOOTSTRAP is not set")
	})
	t.Run("s3", func(t *testing.T) {
		t.Setenv(connectortest.EnvIntegrationRequired, "")
		t.Setenv(connectortest.EnvS3Endpoint, "http://127.0.0.1:9")
		t.Setenv(connectortest.EnvS3AccessKey, "id")
		t.Setenv(connectortest.EnvS3SecretKey, "very-secret")
		t.Setenv(connectortest.EnvS3Region, "")
		s := connectortest.ExternalS3(t)
		assert.Equal(t, connectortest.S3Server{Endpoint: "http://127.0.0.1:9", Region: "us-east-1",
			AccessKey: "id", SecretKey: "very-secret"}, s)
		for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
			assert.NotContains(t, fmt.Sprintf(format, s), "very-secret", format)
		}
		t.Setenv(connectortest.EnvS3SecretKey, "")
		skipped, _ := runSkipping(func(tb testing.TB) { connectortest.ExternalS3(tb) })
		assert.Contains(t, skipped, "CONNECTKIT_S3_SECRET_KEY is not set")
	})
}

// The restart command is run through the shell, and its failure, output
// included, fails the test; without one the test skips, or fails when
// required.
func TestRestartExternalKafka(t *testing.T) {
	t.Run("runs the command", func(t *testing.T) {
		marker := filepath.Join(t.TempDir(), "restarted")
		t.Setenv(connectortest.EnvKafkaRestart, "touch '"+marker+"' && echo broker is back")
		connectortest.RestartExternalKafka(t)
		assert.FileExists(t, marker)
	})
	t.Run("a failing command fails the test", func(t *testing.T) {
		t.Setenv(connectortest.EnvKafkaRestart, "echo the broker did not answer >&2; exit 3")
		msg := runFailing(t, connectortest.RestartExternalKafka)
		assert.Contains(t, msg, "exit status 3")
		assert.Contains(t, msg, "the broker did not answer")
	})
	t.Run("unset skips", func(t *testing.T) {
		t.Setenv(connectortest.EnvKafkaRestart, "")
		t.Setenv(connectortest.EnvIntegrationRequired, "")
		skipped, failed := runSkipping(connectortest.RestartExternalKafka)
		assert.Empty(t, failed)
		assert.Contains(t, skipped, "CONNECTKIT_KAFKA_RESTART is not set")
		assert.Contains(t, skipped, "bash .ci/kafka.sh restart")
	})
	t.Run("unset fails when required", func(t *testing.T) {
		t.Setenv(connectortest.EnvKafkaRestart, "")
		t.Setenv(connectortest.EnvIntegrationRequired, "1")
		skipped, failed := runSkipping(connectortest.RestartExternalKafka)
		assert.Empty(t, skipped)
		assert.Contains(t, failed, "CONNECTKIT_KAFKA_RESTART is not set")
	})
}

// runSkipping runs f with a testing.TB whose Skip and Fatalf end f, and
// returns what each was given.
func runSkipping(f func(testing.TB)) (skipped, failed string) {
	tb := &skipTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(tb)
	}()
	<-done
	return tb.skipped, tb.failed
}

type skipTB struct {
	testing.TB
	skipped, failed string
}

func (s *skipTB) Helper() {}

func (s *skipTB) Skip(args ...any) {
	s.skipped = strings.TrimSuffix(fmt.Sprintln(args...), "\n")
	runtime.Goexit()
}

func (s *skipTB) Fatalf(format string, args ...any) {
	s.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
