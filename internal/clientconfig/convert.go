package clientconfig

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// Limits of librdkafka properties that Map converts values into.
const (
	maxRefreshIntervalMs = 3600000 // topic.metadata.refresh.interval.ms
	maxSocketTimeoutMs   = 300000  // socket.timeout.ms
	minSocketTimeoutMs   = 10
)

// integer parses val as Java parses INT and LONG settings, reporting a
// failure against key.
func (m *mapper) integer(key, val string) (int64, bool) {
	n, err := strconv.ParseInt(val, 10, 64)
	if err != nil {
		m.fail(key, "%q is not an integer", val)
		return 0, false
	}
	return n, true
}

func metadataMaxAge(m *mapper, key, val string) {
	n, ok := m.integer(key, val)
	switch {
	case !ok:
		return
	case n < 0:
		m.fail(key, "must not be negative")
		return
	case n > maxRefreshIntervalMs:
		m.warn(key, "metadata is refreshed every hour, librdkafka's longest interval")
		n = maxRefreshIntervalMs
	}
	m.set(key, "topic.metadata.refresh.interval.ms", strconv.FormatInt(n, 10))
}

func socketBuffer(name string) func(m *mapper, key, val string) {
	return func(m *mapper, key, val string) {
		n, ok := m.integer(key, val)
		switch {
		case !ok:
			return
		case n == -1:
			n = 0
		case n < -1:
			m.fail(key, "must be -1 or more")
			return
		}
		m.set(key, name, strconv.FormatInt(n, 10))
	}
}

func requestTimeout(m *mapper, key, val string) {
	n, ok := m.integer(key, val)
	if !ok {
		return
	}
	if n < minSocketTimeoutMs {
		m.fail(key, "librdkafka needs at least %d ms", minSocketTimeoutMs)
		return
	}
	if m.kind == Producer {
		m.set(key, "request.timeout.ms", val)
	}
	if n > maxSocketTimeoutMs {
		m.warn(key, "socket.timeout.ms set to %d, librdkafka's maximum", maxSocketTimeoutMs)
		n = maxSocketTimeoutMs
	}
	m.set(key, "socket.timeout.ms", strconv.FormatInt(n, 10))
}

// classicGroupOnly maps a setting of the classic group protocol, which the
// broker owns under group.protocol=consumer; Java rejects it there too.
func classicGroupOnly(m *mapper, key, val string) {
	if strings.EqualFold(m.value("group.protocol"), "consumer") {
		m.fail(key, "not supported with group.protocol=consumer, where the broker sets it")
		return
	}
	m.set(key, key, val)
}

func autoOffsetReset(m *mapper, key, val string) {
	v := strings.ToLower(val)
	switch {
	case v == "none":
		m.set(key, key, "error")
	case strings.HasPrefix(v, "by_duration:"):
		m.fail(key, "by_duration is not supported by librdkafka; use earliest, latest or none")
	default:
		// earliest, latest and librdkafka's own values; librdkafka checks them.
		m.set(key, key, v)
	}
}

// assignors maps Java assignor classes and librdkafka names to librdkafka
// names, noting which are cooperative.
var assignors = map[string]struct {
	name        string
	cooperative bool
}{
	"org.apache.kafka.clients.consumer.RangeAssignor":             {"range", false},
	"org.apache.kafka.clients.consumer.RoundRobinAssignor":        {"roundrobin", false},
	"org.apache.kafka.clients.consumer.CooperativeStickyAssignor": {"cooperative-sticky", true},
	"range":              {"range", false},
	"roundrobin":         {"roundrobin", false},
	"cooperative-sticky": {"cooperative-sticky", true},
}

func assignmentStrategy(m *mapper, key, val string) {
	if strings.EqualFold(m.value("group.protocol"), "consumer") {
		m.fail(key, "not supported with group.protocol=consumer, where the broker assigns partitions (see group.remote.assignor)")
		return
	}
	var keep, dropped []string
	cooperative, bad := false, false
	for _, item := range strings.Split(val, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		a, ok := assignors[item]
		switch {
		case item == "org.apache.kafka.clients.consumer.StickyAssignor":
			m.fail(key, "librdkafka has no eager sticky assignor; use org.apache.kafka.clients.consumer.CooperativeStickyAssignor")
			bad = true
		case !ok:
			m.fail(key, "%q is not an assignor librdkafka has (range, roundrobin, cooperative-sticky)", item)
			bad = true
		case len(keep) == 0:
			keep, cooperative = append(keep, a.name), a.cooperative
		case a.cooperative != cooperative:
			dropped = append(dropped, a.name)
		case !slices.Contains(keep, a.name):
			keep = append(keep, a.name)
		}
	}
	switch {
	case bad:
		return
	case len(keep) == 0:
		m.fail(key, "names no assignor")
		return
	case len(dropped) > 0:
		m.warn(key, "%s dropped: librdkafka cannot mix eager and cooperative assignors, and Java uses the first listed, %s, "+
			"when every member lists the same", strings.Join(dropped, ", "), keep[0])
	}
	m.set(key, key, strings.Join(keep, ","))
}

func maxPollRecords(m *mapper, key, val string) {
	n, ok := m.integer(key, val)
	if !ok {
		return
	}
	if n < 1 || n > math.MaxInt32 {
		m.fail(key, "must be a positive 32-bit integer")
		return
	}
	m.maxPollRecords = int(n)
}

func batchSize(m *mapper, key, val string) {
	if val == "0" {
		val = "1"
	}
	m.set(key, key, val)
}

func bufferMemory(m *mapper, key, val string) {
	n, ok := m.integer(key, val)
	if !ok {
		return
	}
	if n < 0 {
		m.fail(key, "must not be negative")
		return
	}
	kib := max((n+1023)/1024, 1)
	if kib > math.MaxInt32 {
		m.fail(key, "more than librdkafka's queue.buffering.max.kbytes allows")
		return
	}
	if kib*1024 != n {
		m.warn(key, "rounded up to %d KiB: librdkafka sizes the producer queue in KiB", kib)
	}
	m.set(key, "queue.buffering.max.kbytes", strconv.FormatInt(kib, 10))
}

func compressionLevel(m *mapper, key, val string) {
	codec := strings.TrimSuffix(strings.TrimPrefix(key, "compression."), ".level")
	used := strings.ToLower(m.value("compression.type"))
	if used == "" {
		used = strings.ToLower(m.value("compression.codec"))
	}
	if used != codec {
		if used == "" {
			used = "none"
		}
		m.warn(key, "ignored: compression.type is %s", used)
		return
	}
	n, ok := m.integer(key, val)
	if !ok {
		return
	}
	if n < -1 || n > 12 {
		m.fail(key, "librdkafka's compression.level accepts -1 to 12")
		return
	}
	m.set(key, "compression.level", strconv.FormatInt(n, 10))
}

// The librdkafka partitioners that match Java's built-in ones.
const (
	javaKeyedPartitioner   = "murmur2_random" // Java's murmur2 hash; unkeyed records spread
	javaUnkeyedPartitioner = "random"
)

func partitionerClass(m *mapper, key, val string) {
	switch val {
	case "":
		// Java's default, applied by partitioner.ignore.keys or finish.
	case "org.apache.kafka.clients.producer.internals.DefaultPartitioner":
		m.set(key, "partitioner", javaKeyedPartitioner)
	case "org.apache.kafka.clients.producer.UniformStickyPartitioner":
		m.set(key, "partitioner", javaUnkeyedPartitioner)
	case "org.apache.kafka.clients.producer.RoundRobinPartitioner":
		m.warn(key, "approximated by librdkafka's random partitioner: records spread evenly on average, not strictly in turn")
		m.set(key, "partitioner", javaUnkeyedPartitioner)
	default:
		m.fail(key, "the Java partitioner %s cannot run in librdkafka; set librdkafka's partitioner instead", val)
	}
}

func partitionerIgnoreKeys(m *mapper, key, val string) {
	if m.has("partitioner.class") {
		m.warn(key, "ignored: partitioner.class is set")
		return
	}
	switch strings.ToLower(val) {
	case "true":
		m.set(key, "partitioner", javaUnkeyedPartitioner)
	case "false":
		m.set(key, "partitioner", javaKeyedPartitioner)
	default:
		m.fail(key, "%q is not true or false", val)
	}
}

// finish applies Java defaults that librdkafka does not share and checks
// settings that only make sense together.
func (m *mapper) finish() {
	if m.kind == Producer {
		if _, ok := m.setBy["partitioner"]; !ok {
			// Without it librdkafka hashes keys with CRC32, and keyed records
			// would land on other partitions than Java clients put them.
			m.out["partitioner"] = javaKeyedPartitioner
		}
	}
	m.checkSASL()
}
