//go:build integration

package sink_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/sink/filesink"
)

// recoveryChildEnv carries the child's worker and connector settings, as
// JSON, to TestRecoveryChild.
const recoveryChildEnv = "CONNECTKIT_SINK_RECOVERY_CHILD"

// recoveryDynamicEnv, set to 1, adds the dynamic-membership run to
// TestKill9RestartGetsPartitionsBack, for the comparison recorded in
// BENCHMARKS.md: it waits out a 45 s session, so CI leaves it out.
const recoveryDynamicEnv = "CONNECTKIT_RECOVERY_DYNAMIC"

type recoveryChildConfig struct {
	Worker, Connector map[string]string
}

// TestRecoveryChild is the worker process of
// TestKill9RestartGetsPartitionsBack: it runs the file sink with a worker
// configuration, as connect-standalone does, logging to stderr, until it
// is killed or stopped by SIGTERM.
func TestRecoveryChild(t *testing.T) {
	raw := os.Getenv(recoveryChildEnv)
	if raw == "" {
		t.Skip("the child process of TestKill9RestartGetsPartitionsBack")
	}
	var cfg recoveryChildConfig
	require.NoError(t, json.Unmarshal([]byte(raw), &cfg))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	require.NoError(t, sink.Run(ctx, &filesink.Connector{}, cfg.Connector, sink.WithWorkerConfig(cfg.Worker), sink.WithLogger(log)))
}

// recoveryChild is a running worker process and the partitions it was
// assigned, read from its log.
type recoveryChild struct {
	cmd      *exec.Cmd
	mu       sync.Mutex
	assigned map[string]bool
	done     chan struct{}
}

var assignedLine = regexp.MustCompile(`msg="partitions assigned".* partitions="?\[([^\]]*)\]`)

func startRecoveryChild(t *testing.T, cfg recoveryChildConfig) *recoveryChild {
	t.Helper()
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	cmd := exec.Command(os.Args[0], "-test.run=^TestRecoveryChild$")
	cmd.Env = append(os.Environ(), recoveryChildEnv+"="+string(raw))
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	c := &recoveryChild{cmd: cmd, assigned: map[string]bool{}, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if os.Getenv("CONNECTKIT_RECOVERY_VERBOSE") == "1" {
				os.Stderr.WriteString(sc.Text() + "\n")
			}
			if m := assignedLine.FindStringSubmatch(sc.Text()); m != nil {
				c.mu.Lock()
				for _, p := range strings.Fields(m[1]) {
					c.assigned[p] = true
				}
				c.mu.Unlock()
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return c
}

func (c *recoveryChild) partitions() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.assigned)
}

// kill9 kills the process with SIGKILL, as a crash would: no leave-group,
// no commit.
func (c *recoveryChild) kill9(t *testing.T) {
	t.Helper()
	require.NoError(t, c.cmd.Process.Signal(syscall.SIGKILL))
	_ = c.cmd.Wait()
	<-c.done
}

// A worker killed with kill -9 and restarted at once gets its partitions
// back without waiting out its dead predecessor's session: its sink
// consumer is a static group member with the same group.instance.id, so
// the broker hands the restarted member the dead one's assignment. With
// dynamic membership the group would wait session.timeout.ms (45 s, the
// default kept here) for the dead member, and then rebalance. The time from
// the kill to every partition assigned again is logged; BENCHMARKS.md
// records it.
func TestKill9RestartGetsPartitionsBack(t *testing.T) {
	c := connectortest.ExternalKafka(t)
	modes := []string{"static"}
	if os.Getenv(recoveryDynamicEnv) == "1" {
		modes = append(modes, "dynamic")
	}
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			const partitions = 4
			topic, name := c.Unique("recovery-"+mode), c.Unique("recovery-"+mode)
			c.CreateTopic(t, topic, partitions)
			dir := t.TempDir()
			cfg := recoveryChildConfig{
				Worker: map[string]string{
					"bootstrap.servers":            c.BootstrapServers(),
					"offset.storage.file.filename": filepath.Join(dir, "worker.offsets"),
					"key.converter":                "org.apache.kafka.connect.storage.StringConverter",
					"value.converter":              "org.apache.kafka.connect.storage.StringConverter",
					"offset.flush.interval.ms":     "1000",
				},
				Connector: map[string]string{
					"name":              name,
					"connector.class":   filesink.ClassName,
					"topics":            topic,
					filesink.FileConfig: filepath.Join(dir, "out.txt"),
				},
			}
			if mode == "dynamic" {
				cfg.Worker["consumer.group.instance.id"] = "" // static membership off
			}
			first := startRecoveryChild(t, cfg)
			c.WaitFor(t, 60*time.Second, func() bool { return first.partitions() == partitions }, "the first worker to get every partition")
			first.kill9(t)
			killed := time.Now()
			second := startRecoveryChild(t, cfg)
			c.WaitFor(t, 120*time.Second, func() bool { return second.partitions() == partitions }, "the restarted worker to get every partition")
			took := time.Since(killed)
			t.Logf("%s membership: kill -9, restart, all %d partitions assigned again after %v", mode, partitions, took.Round(10*time.Millisecond))
			if mode == "static" {
				assert.Less(t, took, 45*time.Second, "the restarted worker did not wait out the dead member's 45 s session")
			}
			require.NoError(t, second.cmd.Process.Signal(syscall.SIGTERM))
			require.NoError(t, second.cmd.Wait())
		})
	}
}
