package connectortest_test

import (
	"context"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
)

// memTask is a correct sink: Put stores values in memory, which is durable
// for the test's purposes.
type memTask struct {
	store *memStore
	drop  bool // lossy: claims success but drops every tenth record
	leak  bool // starts a goroutine that outlives Stop
	deaf  bool // Put ignores its context and blocks
	stop  chan struct{}
}

type memStore struct {
	mu     sync.Mutex
	values [][]byte
}

func (m *memStore) readBack(t testing.TB) [][]byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([][]byte(nil), m.values...)
}

func (t *memTask) Start(ctx context.Context, cfg map[string]string, tc connect.SinkTaskContext) error {
	t.stop = make(chan struct{})
	if t.leak {
		go func() { select {} }()
	}
	return nil
}

func (t *memTask) Put(ctx context.Context, records []connect.SinkRecord) error {
	if t.deaf {
		<-t.stop
	}
	t.store.mu.Lock()
	defer t.store.mu.Unlock()
	for _, r := range records {
		if t.drop && r.Offset%10 == 9 {
			continue
		}
		t.store.values = append(t.store.values, r.Value.([]byte))
	}
	return nil
}

func (t *memTask) Stop(ctx context.Context) error { return nil }

func TestSinkTaskPassesForACorrectTask(t *testing.T) {
	store := &memStore{}
	connectortest.TestSinkTask(t, func() connect.SinkTask { return &memTask{store: store} },
		connectortest.WithReadBack(store.readBack))
}

// brokenVariant runs the suite against one broken task when the parent test
// asks for it in a subprocess.
const brokenEnv = "CONNECTORTEST_BROKEN_VARIANT"

func TestBrokenTaskHelper(t *testing.T) {
	variant := os.Getenv(brokenEnv)
	if variant == "" {
		t.Skip("run by TestSinkTaskCatchesBrokenTasks in a subprocess")
	}
	store := &memStore{}
	connectortest.TestSinkTask(t, func() connect.SinkTask {
		return &memTask{store: store, drop: variant == "lossy", leak: variant == "leaky", deaf: variant == "deaf"}
	}, connectortest.WithReadBack(store.readBack))
}

// TestSinkTaskCatchesBrokenTasks proves the suite can fail: each broken task
// must make it fail, with a message naming what is wrong.
func TestSinkTaskCatchesBrokenTasks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite three times in subprocesses")
	}
	for variant, want := range map[string]string{
		"lossy": "missing from the destination",
		"leaky": "outlived the runs",
		"deaf":  "cancelled context",
	} {
		t.Run(variant, func(t *testing.T) {
			args := []string{"-test.run=^TestBrokenTaskHelper$", "-test.count=1"}
			if variant == "deaf" {
				args = append(args, "-test.run=^TestBrokenTaskHelper$/^PutWithCancelledContext$")
			}
			cmd := exec.Command(os.Args[0], args...)
			cmd.Env = append(os.Environ(), brokenEnv+"="+variant)
			out, err := cmd.CombinedOutput()
			require.Error(t, err, "the suite passed a %s task:\n%s", variant, out)
			assert.Contains(t, string(out), want)
		})
	}
}
