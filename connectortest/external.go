package connectortest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// The environment variables that point the integration tests at real
// servers. .ci/kafka.sh and .ci/minio.sh start the servers and write these;
// .ci/integration.sh starts both and runs the suite with them set.
const (
	// EnvKafkaBootstrap holds the bootstrap servers of an Apache Kafka
	// cluster, host:port[,host:port...], for [ExternalKafka].
	EnvKafkaBootstrap = "CONNECTKIT_KAFKA_BOOTSTRAP"
	// EnvKafkaRestart holds a shell command that restarts the broker of
	// [EnvKafkaBootstrap] and returns once it answers again, for
	// [RestartExternalKafka]. .ci/integration.sh sets it, to
	// bash .ci/kafka.sh restart, only while it runs the tests whose names
	// hold BrokerRestart.
	EnvKafkaRestart = "CONNECTKIT_KAFKA_RESTART"
	// EnvS3Endpoint holds the URL of an S3-compatible server, such as
	// http://127.0.0.1:9000, for [ExternalS3].
	EnvS3Endpoint = "CONNECTKIT_S3_ENDPOINT"
	// EnvS3AccessKey holds the access key ID for [EnvS3Endpoint].
	EnvS3AccessKey = "CONNECTKIT_S3_ACCESS_KEY"
	// EnvS3SecretKey holds the secret access key for [EnvS3Endpoint].
	EnvS3SecretKey = "CONNECTKIT_S3_SECRET_KEY"
	// EnvS3Region holds the region to sign requests for; us-east-1 when
	// unset, as MinIO's default.
	EnvS3Region = "CONNECTKIT_S3_REGION"
	// EnvIntegrationRequired, set to 1, makes a missing server variable fail
	// the test instead of skipping it, so that a CI run that meant to test
	// against real servers cannot pass by skipping them.
	EnvIntegrationRequired = "CONNECTKIT_INTEGRATION_REQUIRED"
)

// How long DialCluster keeps trying to reach a broker before it reports the
// last error, at most; a broker that is down fails the test this soon
// rather than at the first helper call.
const dialTimeout = 10 * time.Second

// runID sets the names of one test process apart from those of earlier runs
// on the same external cluster.
var (
	runID       = strings.ToLower(rand.Text()[:8])
	externalSeq atomic.Int64
)

// ExternalCluster connects the helpers to a Kafka cluster that is already
// running, such as an Apache Kafka broker, at bootstrap (host:port, comma
// separated), and closes the connection when the test and its subtests have
// finished; the cluster itself keeps running. It fails the test if no broker
// answers within 10 s (or the [OperationTimeout], if shorter), or if opts
// holds an option only the embedded cluster can honour.
//
// The Cluster works as an embedded one does, with these differences: the
// cluster is shared and outlives the test, so name topics and connectors
// with [Cluster.Unique]; [Cluster.Kfake] returns nil; [Cluster.CreateTopic]
// sets retention.ms=-1 and max.message.bytes on the topics it creates; the
// brokers' own settings apply (group.min.session.timeout.ms is 6 s on a
// default Apache Kafka broker). Of the options, [OperationTimeout],
// [DefaultPartitions] and [AutoCreateTopics] apply.
func ExternalCluster(t testing.TB, bootstrap string, opts ...ClusterOption) *Cluster {
	t.Helper()
	c, err := DialCluster(context.Background(), bootstrap, opts...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// DialCluster is [ExternalCluster] outside a test, returning an error; stop
// it with [Cluster.Close]. Cancelling ctx abandons waiting for a broker.
func DialCluster(ctx context.Context, bootstrap string, opts ...ClusterOption) (*Cluster, error) {
	cfg := newClusterConfig(opts)
	if len(cfg.embeddedOnly) > 0 {
		return nil, fmt.Errorf("connectortest: external cluster %s: %s work only on an embedded cluster",
			bootstrap, strings.Join(cfg.embeddedOnly, ", "))
	}
	var addrs []string
	for a := range strings.SplitSeq(bootstrap, ",") {
		if a = strings.TrimSpace(a); a != "" {
			addrs = append(addrs, a)
		}
	}
	if len(addrs) == 0 {
		return nil, errors.New("connectortest: external cluster: no bootstrap servers given")
	}
	client, err := helperClient(addrs, cfg.autoCreate, defaultMessageMaxBytes)
	if err != nil {
		return nil, fmt.Errorf("connectortest: external cluster %s: client: %w", bootstrap, err)
	}
	wait := min(cfg.timeout, dialTimeout)
	if err := ping(ctx, client, wait); err != nil {
		client.Close()
		return nil, fmt.Errorf("connectortest: external cluster %s: no broker answered within %v: %w", bootstrap, wait, err)
	}
	return &Cluster{
		client:            client,
		addrs:             addrs,
		timeout:           cfg.timeout,
		prefix:            "ck-" + runID + "-" + strconv.FormatInt(externalSeq.Add(1), 10) + "-",
		defaultPartitions: cfg.explicitPartitions,
		topicConfigs: map[string]string{
			"retention.ms":      "-1",
			"max.message.bytes": strconv.Itoa(defaultMessageMaxBytes),
		},
	}, nil
}

// ping asks the brokers for metadata until one answers or wait has passed,
// and returns the last error.
func ping(ctx context.Context, cl *kgo.Client, wait time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		err := cl.Ping(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// ExternalKafka returns an [ExternalCluster] for the Apache Kafka broker
// that [EnvKafkaBootstrap] names: the one line of set-up an integration test
// needs. When the variable is unset it skips the test, saying how to run it
// (or fails it, when [EnvIntegrationRequired] is 1).
func ExternalKafka(t testing.TB, opts ...ClusterOption) *Cluster {
	t.Helper()
	bootstrap := os.Getenv(EnvKafkaBootstrap)
	if bootstrap == "" {
		missing(t, EnvKafkaBootstrap, "Apache Kafka broker", "bash .ci/kafka.sh start")
	}
	return ExternalCluster(t, bootstrap, opts...)
}

// RestartExternalKafka restarts the Apache Kafka broker of [ExternalKafka]
// by running the shell command in [EnvKafkaRestart] (with .ci/kafka.sh, a
// SIGKILL and a start on the same data, ports and cluster id), and returns
// once the command has, which is when the broker answers again. It fails the
// test, with the command's output, if the command fails or takes longer
// than 5 minutes. When the variable is unset it skips the test (or fails it,
// when [EnvIntegrationRequired] is 1). Call it from the test's goroutine.
//
// The outage reaches every client of the broker, other tests' too, so a
// test that calls it has BrokerRestart in its name: .ci/integration.sh runs
// those tests apart from the others, one package at a time.
func RestartExternalKafka(t testing.TB) {
	t.Helper()
	command := os.Getenv(EnvKafkaRestart)
	if command == "" {
		missingVar(t, EnvKafkaRestart, "command that restarts the Apache Kafka broker",
			"run bash .ci/integration.sh, or set it to bash .ci/kafka.sh restart")
	}
	ctx, cancel := context.WithTimeout(context.Background(), restartTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	// The command leaves a broker running in the background; should it
	// hold the output pipe open, Wait would wait for the broker to exit.
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("connectortest: restart Kafka with %s=%q: %v\n%s", EnvKafkaRestart, command, err, out)
	}
	t.Logf("connectortest: restarted Kafka in %v: %s", time.Since(start).Round(time.Millisecond), strings.TrimSpace(string(out)))
}

// restartTimeout bounds RestartExternalKafka. .ci/kafka.sh bounds itself
// sooner (30 s to stop, 120 s to answer); this is for a command that hangs.
const restartTimeout = 5 * time.Minute

// EachCluster runs test as one subtest per kind of cluster, so that a test
// written once checks both: "embedded", on a [NewCluster] of its own, and,
// when the test binary is built with the integration build tag
// (go test -tags integration), "kafka", on the Apache Kafka broker of
// [ExternalKafka], which is skipped when [EnvKafkaBootstrap] is unset.
// Without the tag there is no "kafka" subtest, so go test ./... needs no
// server. opts configure both clusters (see [ExternalCluster] for those
// that apply to a real broker).
//
// The test names its topics and connectors with [Cluster.Unique], and uses
// only what a real broker offers: not [Cluster.Kfake], and no group
// session timeout under the broker's minimum.
func EachCluster(t *testing.T, test func(t *testing.T, c *Cluster), opts ...ClusterOption) {
	t.Helper()
	t.Run("embedded", func(t *testing.T) { test(t, NewCluster(t, opts...)) })
	if integrationBuild {
		t.Run("kafka", func(t *testing.T) { test(t, ExternalKafka(t, opts...)) })
	}
}

// S3Server is an S3-compatible object store for integration tests, such as
// the MinIO that .ci/minio.sh starts. Its String hides the secret key.
type S3Server struct {
	Endpoint  string // URL, such as http://127.0.0.1:9000
	Region    string
	AccessKey string
	SecretKey string
}

// String describes the server without its secret key.
func (s S3Server) String() string {
	return fmt.Sprintf("S3 at %s (region %s, access key %s, secret key hidden)", s.Endpoint, s.Region, s.AccessKey)
}

// GoString is String, so that %#v hides the secret key too.
func (s S3Server) GoString() string { return s.String() }

// ExternalS3 returns the S3 server that [EnvS3Endpoint], [EnvS3AccessKey],
// [EnvS3SecretKey] and [EnvS3Region] describe. When the endpoint or a key is
// unset it skips the test, saying how to run it (or fails it, when
// [EnvIntegrationRequired] is 1).
func ExternalS3(t testing.TB) S3Server {
	t.Helper()
	s := S3Server{
		Endpoint:  os.Getenv(EnvS3Endpoint),
		Region:    os.Getenv(EnvS3Region),
		AccessKey: os.Getenv(EnvS3AccessKey),
		SecretKey: os.Getenv(EnvS3SecretKey),
	}
	for _, v := range []struct{ name, value string }{
		{EnvS3Endpoint, s.Endpoint}, {EnvS3AccessKey, s.AccessKey}, {EnvS3SecretKey, s.SecretKey},
	} {
		if v.value == "" {
			missing(t, v.name, "S3 server", "bash .ci/minio.sh start")
		}
	}
	if s.Region == "" {
		s.Region = "us-east-1"
	}
	return s
}

// missing skips t, or fails it under EnvIntegrationRequired, for want of
// the environment variable name.
func missing(t testing.TB, name, server, start string) {
	t.Helper()
	missingVar(t, name, server+" to test against",
		"run bash .ci/integration.sh, or "+start+" and set the variables it prints")
}

// missingVar is missing with its own words: what the variable gives, and
// how to set it.
func missingVar(t testing.TB, name, what, how string) {
	t.Helper()
	msg := fmt.Sprintf("connectortest: %s is not set, so there is no %s; %s", name, what, how)
	if os.Getenv(EnvIntegrationRequired) == "1" {
		t.Fatalf("%s (%s=1)", msg, EnvIntegrationRequired)
	}
	t.Skip(msg)
}
