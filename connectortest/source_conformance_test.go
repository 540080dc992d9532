package connectortest_test

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
)

// sequenceTask is a small conforming source: it emits the numbers 0, 1, 2,
// ... from one source partition, a few per Poll, resuming after the stored
// offset, and waits for its context when it has nothing new.
type sequenceTask struct {
	next  int64
	limit int64

	forgetful bool // broken: ignores the stored offset
	skipping  bool // broken: resumes past the stored offset, losing records
	deaf      bool // broken: Poll ignores its context when idle
	leaky     bool // broken: leaves a goroutine behind
	bulk      bool // returns every record in one Poll
	stop      chan struct{}
}

var partition = map[string]any{"sequence": "numbers"}

func (s *sequenceTask) Start(ctx context.Context, _ map[string]string, tc connect.SourceTaskContext) error {
	s.stop = make(chan struct{})
	if s.leaky {
		go func() { select {} }()
	}
	off, err := tc.Offset(ctx, partition)
	if err != nil || off == nil || s.forgetful {
		return err
	}
	s.next = off["next"].(int64)
	if s.skipping {
		s.next += 5
	}
	return nil
}

func (s *sequenceTask) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
	if s.next >= s.limit {
		if s.deaf {
			<-s.stop
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	var recs []connect.SourceRecord
	for ; s.next < s.limit && (s.bulk || len(recs) < 4); s.next++ {
		recs = append(recs, connect.SourceRecord{
			SourcePartition: partition,
			SourceOffset:    map[string]any{"next": s.next + 1},
			Key:             "numbers",
			Value:           map[string]any{"n": s.next},
			Topic:           "numbers", // the suite sends records to a topic of its own
		})
	}
	// Not too fast, so that the suite's crash lands mid-stream.
	select {
	case <-time.After(time.Millisecond):
	case <-ctx.Done():
	}
	return recs, nil
}

func (s *sequenceTask) Stop(context.Context) error {
	close(s.stop)
	return nil
}

func TestSourceTaskPassesForACorrectTask(t *testing.T) {
	connectortest.TestSourceTask(t, func() connect.SourceTask { return &sequenceTask{limit: 60} },
		connectortest.WithSourceRecordCount(40))
}

// A correct task that returns everything in one Poll passes too: the crash
// cannot land mid-stream, and the suite checks that it resumes after them.
func TestSourceTaskPassesForATaskThatPollsEverythingAtOnce(t *testing.T) {
	connectortest.TestSourceTask(t, func() connect.SourceTask { return &sequenceTask{limit: 60, bulk: true} },
		connectortest.WithSourceRecordCount(40))
}

const brokenSourceEnv = "CONNECTORTEST_BROKEN_SOURCE"

func TestBrokenSourceTaskHelper(t *testing.T) {
	variant := os.Getenv(brokenSourceEnv)
	if variant == "" {
		t.Skip("run by TestSourceTaskCatchesBrokenTasks in a subprocess")
	}
	connectortest.TestSourceTask(t, func() connect.SourceTask {
		return &sequenceTask{limit: 60, forgetful: strings.HasPrefix(variant, "forgetful"), skipping: variant == "skipping",
			deaf: variant == "deaf", leaky: variant == "leaky", bulk: strings.HasSuffix(variant, "bulk")}
	}, connectortest.WithSourceRecordCount(40), connectortest.WithSourceTimeout(8*time.Second))
}

// TestSourceTaskCatchesBrokenTasks proves the suite can fail: each broken
// task must make it fail, with a message naming what is wrong.
func TestSourceTaskCatchesBrokenTasks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite four times in subprocesses")
	}
	for variant, c := range map[string]struct{ run, want string }{
		"forgetful":      {"ResumesAfterCrash", "did not resume from its stored offsets"},
		"forgetful-bulk": {"ResumesAfterCrash", "did not resume from its stored offsets"},
		"skipping":       {"ResumesAfterCrash", "records after the stored offsets to be produced again"},
		"deaf":           {"StopWhilePollBlocks", "Poll did not return"},
		"leaky":          {"", "outlived the runs"},
	} {
		t.Run(variant, func(t *testing.T) {
			t.Parallel()
			run := "^TestBrokenSourceTaskHelper$"
			if c.run != "" {
				run += "/^" + c.run + "$"
			}
			cmd := exec.Command(os.Args[0], "-test.run="+run, "-test.count=1")
			cmd.Env = append(os.Environ(), brokenSourceEnv+"="+variant)
			out, err := cmd.CombinedOutput()
			require.Error(t, err, "the suite passed a %s task:\n%s", variant, out)
			assert.Contains(t, string(out), c.want, "variant %s", strconv.Quote(variant))
		})
	}
}
