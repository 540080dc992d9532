// Package benchkit holds what the module's benchmarks share: running a
// server (an embedded cluster, an S3 server) in a child process, so that
// its CPU and allocations are not counted, and measuring the wall time, CPU
// time and allocations of a run.
//
// The child is the test binary itself, re-run with only one test selected
// and an environment variable set; that test calls [Serve] with the
// addresses it listens on and blocks until the parent is done.
package benchkit

import (
	"bufio"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// StartChild runs the test binary again with only the test named test
// (anchored) and env=1 in its environment, waits until that test calls
// [Serve], and returns the fields it served. The child is stopped when tb
// ends.
func StartChild(tb testing.TB, test, env string) []string {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.v")
	cmd.Env = append(os.Environ(), env+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "ADDR "); ok {
			go func() { // drain, so that the child never blocks on output
				for sc.Scan() {
				}
			}()
			return strings.Fields(rest)
		}
	}
	tb.Fatalf("benchkit: %s did not start: %v", test, sc.Err())
	return nil
}

// Serve tells the parent of a [StartChild] process what it serves, then
// blocks until the parent closes its stdin.
func Serve(fields ...string) {
	if _, err := os.Stdout.WriteString("ADDR " + strings.Join(fields, " ") + "\n"); err != nil {
		panic("benchkit: cannot tell the parent what is served: " + err.Error())
	}
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
}

// Cost is what a run took: wall time, the process's CPU time (Go code and
// librdkafka's threads) and heap allocations.
type Cost struct {
	Wall, CPU time.Duration
	Allocs    uint64
	// Acked is the wall time until the run's last record was acknowledged
	// (MeasureAcked): Wall without the shutdown that follows.
	Acked time.Duration
}

// Add accumulates o into c.
func (c *Cost) Add(o Cost) {
	c.Wall += o.Wall
	c.CPU += o.CPU
	c.Allocs += o.Allocs
	c.Acked += o.Acked
}

// Measure runs fn and returns its cost, after a GC so that earlier garbage
// is not counted.
func Measure(fn func()) Cost {
	return measure(func() time.Time { fn(); return time.Time{} })
}

// MeasureAcked is Measure for a run that returns when its last record was
// acknowledged: Cost.Acked is the time from the start until then. Rates of
// records produced and acknowledged divide by Acked, so that a client's
// shutdown (librdkafka's close waits for its poller's 100 ms poll to end,
// however soon after the last acknowledgement it starts) is left out;
// Wall, CPU and Allocs still count it.
func MeasureAcked(fn func() time.Time) Cost { return measure(fn) }

func measure(fn func() time.Time) Cost {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	cpu0 := ProcessCPU()
	start := time.Now()
	acked := fn()
	wall := time.Since(start)
	cpu := ProcessCPU() - cpu0
	runtime.ReadMemStats(&after)
	c := Cost{Wall: wall, CPU: cpu, Allocs: after.Mallocs - before.Mallocs}
	if !acked.IsZero() {
		c.Acked = acked.Sub(start)
	}
	return c
}

// ProcessCPU returns the user and system CPU time of this process so far.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
