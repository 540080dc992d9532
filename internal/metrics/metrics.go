package metrics

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/connectkit/connectkit/connect"
)

// Collector holds the metrics of every connector that reports to one
// prometheus.Registerer and turns them into Prometheus metrics when the
// registry is scraped. Runtimes sharing a registry share its Collector.
type Collector struct {
	mu         sync.Mutex
	connectors map[string]*Connector

	connStartAttempts, connStartSuccess, connStartFailure atomic.Uint64
	taskStartAttempts, taskStartSuccess, taskStartFailure atomic.Uint64
}

var _ prometheus.Collector = (*Collector)(nil)

// Register returns the Collector registered with reg, registering a new
// one if reg has none yet. A nil reg gives a nil Collector, whose methods
// record nothing.
func Register(reg prometheus.Registerer) (*Collector, error) {
	if reg == nil {
		return nil, nil
	}
	c := &Collector{connectors: map[string]*Connector{}}
	if err := reg.Register(c); err != nil {
		// A wrapping Registerer (prometheus.WrapRegistererWith) reports
		// the Collector it wraps, so runtimes share it too.
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(*Collector); ok {
				return existing, nil
			}
		}
		return nil, fmt.Errorf("metrics: register: %w", err)
	}
	return c, nil
}

// ConnectorStarting counts a connector startup attempt and its outcome.
func (c *Collector) ConnectorStarting(err error) {
	if c == nil {
		return
	}
	c.connStartAttempts.Add(1)
	if err != nil {
		c.connStartFailure.Add(1)
	} else {
		c.connStartSuccess.Add(1)
	}
}

// Connector is one connector's metrics: its tasks and where to read its
// status.
type Connector struct {
	c       *Collector
	name    string
	kind    string // "sink" or "source"
	class   string
	version string
	status  func() connect.ConnectorStatus

	mu    sync.Mutex
	tasks []*Task
}

// AddConnector adds a connector of the given kind ("sink", "source"),
// replacing any connector of the same name: a restarted connector takes
// its predecessor's place. status is read at each scrape.
func (c *Collector) AddConnector(name, kind, class, version string, status func() connect.ConnectorStatus) *Connector {
	k := &Connector{c: c, name: name, kind: kind, class: class, version: version, status: status}
	if c == nil {
		return k
	}
	c.mu.Lock()
	c.connectors[name] = k
	c.mu.Unlock()
	return k
}

// Remove removes the connector's metrics, unless another connector of the
// same name has replaced it since.
func (k *Connector) Remove() {
	if k.c == nil {
		return
	}
	k.c.mu.Lock()
	if k.c.connectors[k.name] == k {
		delete(k.c.connectors, k.name)
	}
	k.c.mu.Unlock()
}

// NewTask returns the metrics of task id of the connector. Without a
// Collector they are recorded and never read, so runtimes need no nil
// checks.
func (k *Connector) NewTask(id int) *Task {
	t := &Task{id: id, c: k.c, state: connect.StateUnassigned, since: time.Now(), lag: map[connect.TopicPartition]int64{}}
	k.mu.Lock()
	k.tasks = append(k.tasks, t)
	k.mu.Unlock()
	return t
}

// Task is one task's metrics. Counters are atomics the task's goroutines
// add to directly, once per batch or event, never per record, and read
// only when the registry is scraped.
type Task struct {
	id int
	c  *Collector

	stateMu          sync.Mutex
	state            connect.State
	since            time.Time
	running, paused  time.Duration
	BatchSize        Dist // records per Put (sink) or Poll (source)
	CommitTime       Dist // seconds per successful offset commit
	CommitSuccess    atomic.Uint64
	CommitFailure    atomic.Uint64
	Read             atomic.Uint64 // sink: records read
	Send             atomic.Uint64 // sink: records put
	Active           atomic.Int64  // sink: records put, offsets not committed
	Partitions       atomic.Int64  // sink: partitions assigned
	CommitSeq        atomic.Int64  // sink: offset commit attempts
	CommitCompletion atomic.Uint64 // sink
	PutTime          Dist          // sink: seconds per Put
	Polled           atomic.Uint64 // source: records polled
	Written          atomic.Uint64 // source: records acknowledged
	PollTime         Dist          // source: seconds per Poll that returned records
	sourceActive     func() int    // guarded by stateMu

	Failures    atomic.Uint64 // use RecordFailure
	Errors      atomic.Uint64
	Skipped     atomic.Uint64
	Retries     atomic.Uint64
	Logged      atomic.Uint64
	DLQRequests atomic.Uint64
	DLQFailures atomic.Uint64
	lastError   atomic.Int64 // Unix nanoseconds

	lagMu sync.Mutex
	lag   map[connect.TopicPartition]int64
}

// StateChanged notes the task's new state, for the time it spends running
// and paused, and counts task startups.
func (t *Task) StateChanged(st connect.TaskStatus) {
	now := time.Now()
	t.stateMu.Lock()
	prev := t.state
	switch prev {
	case connect.StateRunning:
		t.running += now.Sub(t.since)
	case connect.StatePaused:
		t.paused += now.Sub(t.since)
	}
	t.state, t.since = st.State, now
	t.stateMu.Unlock()
	if t.c != nil && prev == connect.StateUnassigned && st.State != connect.StateUnassigned {
		t.c.taskStartAttempts.Add(1)
		if st.State == connect.StateFailed {
			t.c.taskStartFailure.Add(1)
		} else {
			t.c.taskStartSuccess.Add(1)
		}
	}
}

// SetSourceActive sets how to count a source task's records not yet
// acknowledged, read at each scrape.
func (t *Task) SetSourceActive(f func() int) {
	t.stateMu.Lock()
	t.sourceActive = f
	t.stateMu.Unlock()
}

func (t *Task) activeFunc() func() int {
	t.stateMu.Lock()
	defer t.stateMu.Unlock()
	return t.sourceActive
}

func (t *Task) stateTimes(now time.Time) (running, paused time.Duration) {
	t.stateMu.Lock()
	defer t.stateMu.Unlock()
	running, paused = t.running, t.paused
	switch t.state {
	case connect.StateRunning:
		running += now.Sub(t.since)
	case connect.StatePaused:
		paused += now.Sub(t.since)
	}
	return running, paused
}

// RecordFailure counts a failed attempt at a record operation and notes
// its time, as Kafka Connect's markAsFailed and recordFailure.
func (t *Task) RecordFailure() {
	t.Failures.Add(1)
	t.lastError.Store(time.Now().UnixNano())
}

// statsJSON is the part of librdkafka's statistics the lag is computed
// from.
type statsJSON struct {
	Topics map[string]struct {
		Partitions map[string]struct {
			Partition int32 `json:"partition"`
			Committed int64 `json:"committed_offset"`
			Lo        int64 `json:"lo_offset"`
			Hi        int64 `json:"hi_offset"`
			LS        int64 `json:"ls_offset"`
		} `json:"partitions"`
	} `json:"topics"`
}

// UpdateLag sets the consumer lag of each partition in assigned from
// librdkafka's statistics JSON (a *kafka.Stats event), and forgets the
// partitions no longer assigned. It runs once per statistics.interval.ms.
func (t *Task) UpdateLag(stats string, assigned map[connect.TopicPartition]bool) error {
	var s statsJSON
	if err := json.Unmarshal([]byte(stats), &s); err != nil {
		return fmt.Errorf("metrics: librdkafka statistics: %w", err)
	}
	lag := make(map[connect.TopicPartition]int64, len(assigned))
	for topic, tm := range s.Topics {
		for _, p := range tm.Partitions {
			tp := connect.TopicPartition{Topic: topic, Partition: p.Partition}
			if p.Partition < 0 || !assigned[tp] {
				continue
			}
			end := p.LS
			if end < 0 {
				end = p.Hi
			}
			base := p.Committed
			if base < 0 {
				base = p.Lo
			}
			if end < 0 || base < 0 {
				continue
			}
			lag[tp] = max(end-base, 0)
		}
	}
	t.lagMu.Lock()
	t.lag = lag
	t.lagMu.Unlock()
	return nil
}

// ForgetLag drops the lag of partitions no longer assigned, so a revoked
// partition's last value does not linger until the next statistics.
func (t *Task) ForgetLag(assigned map[connect.TopicPartition]bool) {
	t.lagMu.Lock()
	for tp := range t.lag {
		if !assigned[tp] {
			delete(t.lag, tp)
		}
	}
	t.lagMu.Unlock()
}

// Lag returns the consumer lag of each partition, as last computed.
func (t *Task) Lag() map[connect.TopicPartition]int64 {
	t.lagMu.Lock()
	defer t.lagMu.Unlock()
	return maps.Clone(t.lag)
}

// window is the length of one of the two samples a Dist's maximum spans,
// as Kafka's default metrics.sample.window.ms and metrics.num.samples.
const window = 30

// Dist accumulates observations: their count and sum, for averages, and
// the largest in the last one or two 30-second windows, for maxima.
type Dist struct {
	mu      sync.Mutex
	count   uint64
	sum     float64
	cur     int64 // index of the current window: Unix seconds / window
	curMax  float64
	prevMax float64
}

// Observe adds v, observed at now.
func (d *Dist) Observe(v float64, now time.Time) {
	idx := now.Unix() / window
	d.mu.Lock()
	d.count++
	d.sum += v
	if idx != d.cur {
		if idx == d.cur+1 {
			d.prevMax = d.curMax
		} else {
			d.prevMax = 0
		}
		d.cur, d.curMax = idx, 0
	}
	d.curMax = math.Max(d.curMax, v)
	d.mu.Unlock()
}

func (d *Dist) read(now time.Time) (count uint64, sum, maxV float64) {
	idx := now.Unix() / window
	d.mu.Lock()
	defer d.mu.Unlock()
	switch idx {
	case d.cur:
		maxV = math.Max(d.curMax, d.prevMax)
	case d.cur + 1:
		maxV = d.curMax
	}
	return d.count, d.sum, maxV
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range Table {
		ch <- d.desc
	}
}

// states are the values of the status label, Kafka Connect's in lower
// case.
var states = []connect.State{connect.StateUnassigned, connect.StateRunning, connect.StatePaused, connect.StateStopped, connect.StateFailed}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	now := time.Now()
	c.mu.Lock()
	conns := slices.SortedFunc(maps.Values(c.connectors), func(a, b *Connector) int { return strings.Compare(a.name, b.name) })
	c.mu.Unlock()

	emit := func(d *Def, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d.desc, d.valueType(), v, labels...)
	}
	summary := func(d *Def, count uint64, sum float64, labels ...string) {
		ch <- prometheus.MustNewConstSummary(d.desc, count, sum, nil, labels...)
	}
	taskCount := 0
	for _, k := range conns {
		st := k.status()
		emitStates(emit, connectorStatus, st.State, k.name)
		emit(connectorInfo, 1, k.name, k.kind, k.class, k.version)
		counts := map[connect.State]int{}
		for _, ts := range st.Tasks {
			counts[ts.State]++
		}
		for _, s := range states {
			emit(workerConnectorTasks, float64(counts[s]), k.name, strings.ToLower(string(s)))
		}
		taskCount += len(st.Tasks)

		k.mu.Lock()
		tasks := k.tasks
		k.mu.Unlock()
		// A task's metrics are the last ones created for its id: a
		// restarted task replaces its predecessor.
		latest := map[int]*Task{}
		for _, t := range tasks {
			latest[t.id] = t
		}
		for _, ts := range st.Tasks {
			t := latest[ts.ID]
			if t == nil {
				continue
			}
			id := strconv.Itoa(ts.ID)
			l := []string{k.name, id}
			emitStates(emit, taskStatus, ts.State, k.name, id)
			running, paused := t.stateTimes(now)
			emit(taskRunning, running.Seconds(), l...)
			emit(taskPaused, paused.Seconds(), l...)
			n, sum, mx := t.BatchSize.read(now)
			summary(taskBatchSize, n, sum, l...)
			emit(taskBatchSizeMax, mx, l...)
			n, sum, mx = t.CommitTime.read(now)
			summary(taskCommitTime, n, sum, l...)
			emit(taskCommitTimeMax, mx, l...)
			emit(taskCommitSuccess, float64(t.CommitSuccess.Load()), l...)
			emit(taskCommitFailure, float64(t.CommitFailure.Load()), l...)
			switch k.kind {
			case "sink":
				emit(sinkRead, float64(t.Read.Load()), l...)
				emit(sinkSend, float64(t.Send.Load()), l...)
				emit(sinkActive, float64(t.Active.Load()), l...)
				emit(sinkPartitions, float64(t.Partitions.Load()), l...)
				emit(sinkCommitSeq, float64(t.CommitSeq.Load()), l...)
				emit(sinkCommitCompletion, float64(t.CommitCompletion.Load()), l...)
				emit(sinkCommitSkip, 0, l...)
				n, sum, mx = t.PutTime.read(now)
				summary(sinkPutTime, n, sum, l...)
				emit(sinkPutTimeMax, mx, l...)
				for tp, lag := range t.Lag() {
					emit(sinkLag, float64(lag), k.name, id, tp.Topic, strconv.Itoa(int(tp.Partition)))
				}
			case "source":
				emit(sourcePoll, float64(t.Polled.Load()), l...)
				emit(sourceWrite, float64(t.Written.Load()), l...)
				active := 0
				if f := t.activeFunc(); f != nil {
					active = f()
				}
				emit(sourceActive, float64(active), l...)
				n, sum, mx = t.PollTime.read(now)
				summary(sourcePollTime, n, sum, l...)
				emit(sourcePollTimeMax, mx, l...)
			}
			emit(errFailures, float64(t.Failures.Load()), l...)
			emit(errErrors, float64(t.Errors.Load()), l...)
			emit(errSkipped, float64(t.Skipped.Load()), l...)
			emit(errRetries, float64(t.Retries.Load()), l...)
			emit(errLogged, float64(t.Logged.Load()), l...)
			emit(errDLQRequests, float64(t.DLQRequests.Load()), l...)
			emit(errDLQFailures, float64(t.DLQFailures.Load()), l...)
			last := 0.0
			if ns := t.lastError.Load(); ns != 0 {
				last = float64(ns) / 1e9
			}
			emit(errLast, last, l...)
		}
	}
	emit(workerConnectors, float64(len(conns)))
	emit(workerTasks, float64(taskCount))
	emit(workerConnStartAttempts, float64(c.connStartAttempts.Load()))
	emit(workerConnStartSuccess, float64(c.connStartSuccess.Load()))
	emit(workerConnStartFailure, float64(c.connStartFailure.Load()))
	emit(workerTaskStartAttempts, float64(c.taskStartAttempts.Load()))
	emit(workerTaskStartSuccess, float64(c.taskStartSuccess.Load()))
	emit(workerTaskStartFailure, float64(c.taskStartFailure.Load()))
}

// emitStates emits d as an enum: 1 for the current state, 0 for the others.
func emitStates(emit func(*Def, float64, ...string), d *Def, current connect.State, labels ...string) {
	for _, s := range states {
		v := 0.0
		if s == current {
			v = 1
		}
		emit(d, v, append(labels, strings.ToLower(string(s)))...)
	}
}
