package s3sink

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/sink"
)

// killChildEnv carries the connector configuration, as JSON, to the child
// process of TestKillAndRestartWritesEachObjectOnce.
const killChildEnv = "CONNECTKIT_S3SINK_CHILD_CONFIG"

// TestKillChild runs the connector in a child process of
// TestKillAndRestartWritesEachObjectOnce until it is killed, or stopped
// gracefully by SIGTERM.
func TestKillChild(t *testing.T) {
	raw := os.Getenv(killChildEnv)
	if raw == "" {
		t.Skip("the child process of TestKillAndRestartWritesEachObjectOnce")
	}
	var cfg map[string]string
	require.NoError(t, json.Unmarshal([]byte(raw), &cfg))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	require.NoError(t, sink.Run(ctx, NewConnector(WithLogger(quiet)), cfg, sink.WithLogger(quiet)))
}

// The process running the connector is killed (SIGKILL) mid-stream, with
// some objects written and committed, some written and not committed, and
// records still arriving; a new process takes over. In the end the bucket
// holds exactly one object per expected key, each with exactly its
// records.
func TestKillAndRestartWritesEachObjectOnce(t *testing.T) {
	c := connectortest.NewCluster(t)
	store := connectortest.NewS3(t, bucket)
	// Slow S3 down, so that the kill lands while objects are being written.
	target, err := url.Parse(store.Endpoint)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorLog = log.New(io.Discard, "", 0) // the kill cuts requests short
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(15 * time.Millisecond)
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(slow.Close)

	const topic, partitions, n = "killed", 2, 200
	c.CreateTopic(t, topic, partitions)
	produceRange(t, c, topic, partitions, 0, n/2)
	cfg := runtimeConfig(c, "s3-killed", topic, map[string]string{
		StoreURLConfig:        slow.URL,
		RegionConfig:          store.Region,
		AccessKeyIDConfig:     store.AccessKey,
		SecretAccessKeyConfig: store.SecretKey,
	})
	group := "connect-s3-killed"
	committed := func() int64 {
		var sum int64
		for tp, off := range c.CommittedOffsets(t, group) {
			if tp.Topic == topic {
				sum += off
			}
		}
		return sum
	}

	first := startChild(t, cfg)
	c.WaitFor(t, 60*time.Second, func() bool { return committed() > 0 }, "the first process to commit")
	produceRange(t, c, topic, partitions, n/2, n) // mid-stream: records keep arriving
	require.NoError(t, first.Process.Kill())
	_ = first.Wait()
	atKill := committed()
	keysAtKill, err := store.Keys(context.Background(), bucket, "")
	require.NoError(t, err)
	t.Logf("killed with %d of %d records committed and %d objects written", atKill, partitions*n, len(keysAtKill))
	require.Less(t, atKill, int64(partitions*n), "the kill must come mid-stream")

	second := startChild(t, cfg)
	waitCommitted(t, c, group, topic, partitions, n)
	require.NoError(t, second.Process.Signal(syscall.SIGTERM))
	require.NoError(t, second.Wait(), "the second process stops cleanly")

	want := expectedObjects(topic, partitions, n)
	keys, err := store.Keys(context.Background(), bucket, "")
	require.NoError(t, err)
	assert.Equal(t, slices.Sorted(maps.Keys(want)), keys, "exactly the expected objects")
	for key, content := range want {
		got, err := store.Object(context.Background(), bucket, key)
		if assert.NoError(t, err) {
			assert.Equal(t, content, string(got), "content of %s", key)
		}
	}
}

// startChild runs the connector with cfg in a new process.
func startChild(t *testing.T, cfg map[string]string) *exec.Cmd {
	t.Helper()
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$")
	cmd.Env = append(os.Environ(), killChildEnv+"="+string(raw))
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd
}

// produceRange writes records from..to-1 of each partition, as produce
// does.
func produceRange(t *testing.T, c *connectortest.Cluster, topic string, partitions int32, from, to int) {
	t.Helper()
	c.ProduceN(t, topic, int(partitions)*(to-from), func(i int) connectortest.Record {
		p := int32(i) % partitions
		return connectortest.Record{Topic: topic, Partition: p, Value: value(p, from+i/int(partitions))}
	})
}
