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
	// liar: Put buffers, Flush reports success without writing, and only
	// Stop writes the buffer.
	liar    bool
	pending [][]byte
	stop    chan struct{}
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
		if t.liar {
			t.pending = append(t.pending, r.Value.([]byte))
			continue
		}
		t.store.values = append(t.store.values, r.Value.([]byte))
	}
	return nil
}

// Flush has nothing to do for a correct memTask, whose Put writes through;
// the liar claims its buffer is written.
func (t *memTask) Flush(context.Context, map[connect.TopicPartition]int64) error { return nil }

func (t *memTask) Stop(ctx context.Context) error {
	t.store.mu.Lock()
	defer t.store.mu.Unlock()
	t.store.values = append(t.store.values, t.pending...)
	t.pending = nil
	return nil
}

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
		return &memTask{store: store, drop: variant == "lossy", leak: variant == "leaky", deaf: variant == "deaf", liar: variant == "liar"}
	}, connectortest.WithReadBack(store.readBack))
}

// TestSinkTaskCatchesBrokenTasks proves the suite can fail: each broken task
// must make it fail, with a message naming what is wrong.
func TestSinkTaskCatchesBrokenTasks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite in subprocesses")
	}
	for _, c := range []struct {
		variant, run string
		want         []string
	}{
		{"lossy", "", []string{"missing from the destination"}},
		{"leaky", "", []string{"outlived the runs"}},
		{"deaf", "PutWithCancelledContext", []string{"cancelled context"}},
		// Flush lies and Stop writes: the commits pass what is not
		// written, which only reading the destination back shows.
		{"liar", "CommitsOnlyDurable", []string{"the commit passed records that were not durable"}},
		{"liar", "AtLeastOnceAcrossRealCrash", []string{"the commit passed records that were not durable", "missing from the destination"}},
	} {
		t.Run(c.variant+"/"+c.run, func(t *testing.T) {
			run := "^TestBrokenTaskHelper$"
			if c.run != "" {
				run += "/^" + c.run + "$"
			}
			cmd := exec.Command(os.Args[0], "-test.run="+run, "-test.count=1")
			cmd.Env = append(os.Environ(), brokenEnv+"="+c.variant)
			out, err := cmd.CombinedOutput()
			require.Error(t, err, "the suite passed a %s task:\n%s", c.variant, out)
			for _, want := range c.want {
				assert.Contains(t, string(out), want)
			}
		})
	}
}
