package clientconfig

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Outcome is what Map does with a setting.
type Outcome int

// The outcomes.
const (
	// Mapped settings become the librdkafka properties their Rule names,
	// with the value converted where the note says so. The note also says
	// which values are errors.
	Mapped Outcome = iota + 1
	// Ignored settings are dropped with a Warning, or are errors where the
	// note says so.
	Ignored
	// Rejected settings are errors.
	Rejected
	// RuntimeOwned settings are controlled by the runtime (see [Reserved]):
	// errors, except where the note names a value the runtime sets anyway.
	RuntimeOwned
	// Hint settings are returned in a Result field, not passed to librdkafka.
	Hint
)

// String returns the outcome's name in lower case.
func (o Outcome) String() string {
	switch o {
	case Mapped:
		return "mapped"
	case Ignored:
		return "ignored"
	case Rejected:
		return "rejected"
	case RuntimeOwned:
		return "reserved"
	case Hint:
		return "hint"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Rule documents how Map treats one setting for some client kinds. Settings
// that have no Rule and are librdkafka properties pass through unchanged.
type Rule struct {
	Key        string   // the setting as written in a worker or connector file
	Kinds      []Kind   // the clients this rule is for
	Librdkafka []string // the librdkafka properties Map may emit for it
	Outcome    Outcome
	Note       string
}

// Rules returns the mapping table, sorted by key, for documentation.
func Rules() []Rule {
	out := make([]Rule, 0, len(rules))
	for _, r := range rules {
		out = append(out, Rule{
			Key:        r.key,
			Kinds:      r.kinds.list(),
			Librdkafka: slices.Clone(r.to),
			Outcome:    r.outcome,
			Note:       r.note,
		})
	}
	slices.SortStableFunc(out, func(a, b Rule) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// WriteTable writes [Rules] as a Markdown table.
func WriteTable(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| Setting | Clients | librdkafka | Outcome | Note |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, r := range Rules() {
		kinds := make([]string, len(r.Kinds))
		for i, k := range r.Kinds {
			kinds[i] = k.String()
		}
		to := "—"
		if len(r.Librdkafka) > 0 {
			to = "`" + strings.Join(r.Librdkafka, "`, `") + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n",
			r.Key, strings.Join(kinds, ", "), to, r.Outcome, strings.ReplaceAll(r.Note, "|", `\|`))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// kinds is a set of client kinds.
type kinds uint8

const (
	consumers kinds = 1 << Consumer
	producers kinds = 1 << Producer
	admins    kinds = 1 << Admin
	clients         = consumers | producers
	allKinds        = consumers | producers | admins
)

func (ks kinds) has(k Kind) bool { return ks&(1<<k) != 0 }

func (ks kinds) list() []Kind {
	var out []Kind
	for k := Consumer; k <= Admin; k++ {
		if ks.has(k) {
			out = append(out, k)
		}
	}
	return out
}

// String names the set in the plural, for messages: "consumers",
// "consumers and producers".
func (ks kinds) String() string {
	var names []string
	for _, k := range ks.list() {
		names = append(names, k.String()+"s")
	}
	return strings.Join(names, " and ")
}

// property describes one librdkafka configuration property.
type property struct {
	kinds kinds  // the clients that read it
	alias string // the property this name is an alias of
	flag  propertyFlag
}

type propertyFlag int

const (
	_            propertyFlag = iota
	deprecated                // librdkafka warns when it is set
	experimental              // librdkafka warns when it is set
	apiOnly                   // a callback or pointer, set through the C API
)

func (f propertyFlag) String() string {
	switch f {
	case deprecated:
		return "deprecated"
	case experimental:
		return "experimental"
	case apiOnly:
		return "API only"
	}
	return ""
}

// rule is one row of the mapping table together with its behaviour.
type rule struct {
	key     string
	kinds   kinds
	outcome Outcome
	to      []string
	note    string
	// fn maps the setting; nil means the default for the outcome: Mapped
	// copies the value to every name in to.
	fn func(m *mapper, key, val string)
}

func (r *rule) apply(m *mapper, key, val string) {
	if r.fn != nil {
		r.fn(m, key, val)
		return
	}
	switch r.outcome {
	case Mapped:
		for _, name := range r.to {
			m.set(key, name, val)
		}
	case Ignored:
		m.warn(key, "ignored: %s", r.note)
	case Rejected:
		m.fail(key, "%s", r.note)
	case RuntimeOwned:
		m.fail(key, "reserved: %s", r.note)
	}
}

// lookupRule returns the rule for key and kind, and whether key has rules
// for any kind.
func lookupRule(key string, kind Kind) (*rule, bool) {
	rs, ok := ruleIndex[key]
	for _, r := range rs {
		if r.kinds.has(kind) {
			return r, true
		}
	}
	return nil, ok
}

var ruleIndex = func() map[string][]*rule {
	idx := make(map[string][]*rule)
	for i := range rules {
		r := &rules[i]
		idx[r.key] = append(idx[r.key], r)
	}
	return idx
}()

// same maps settings that librdkafka reads under the same name with the same
// meaning.
func same(ks kinds, keys ...string) []rule {
	out := make([]rule, len(keys))
	for i, k := range keys {
		out[i] = rule{key: k, kinds: ks, outcome: Mapped, to: []string{k}, note: "same name and meaning"}
	}
	return out
}

// renamed maps a setting to a librdkafka property of another name.
func renamed(ks kinds, key, to, note string) rule {
	return rule{key: key, kinds: ks, outcome: Mapped, to: []string{to}, note: note}
}

// converted maps a setting through fn.
func converted(ks kinds, key string, to []string, note string, fn func(m *mapper, key, val string)) rule {
	return rule{key: key, kinds: ks, outcome: Mapped, to: to, note: note, fn: fn}
}

// ignored drops settings with a warning that says why.
func ignored(ks kinds, why string, keys ...string) []rule {
	out := make([]rule, len(keys))
	for i, k := range keys {
		out[i] = rule{key: k, kinds: ks, outcome: Ignored, note: why}
	}
	return out
}

// rejected makes settings errors that say why.
func rejected(ks kinds, why string, keys ...string) []rule {
	out := make([]rule, len(keys))
	for i, k := range keys {
		out[i] = rule{key: k, kinds: ks, outcome: Rejected, note: why}
	}
	return out
}

// reserved makes settings errors unless they hold value, the one the runtime
// sets anyway ("" for none).
func reserved(ks kinds, why, value string, keys ...string) []rule {
	out := make([]rule, len(keys))
	for i, k := range keys {
		note := why
		var fn func(m *mapper, key, val string)
		if value != "" {
			note += "; " + value + " is accepted with a warning"
			fn = func(m *mapper, key, val string) {
				if strings.EqualFold(val, value) {
					m.warn(key, "ignored: the runtime sets %s already: %s", value, why)
					return
				}
				m.fail(key, "reserved: %s", why)
			}
		}
		out[i] = rule{key: k, kinds: ks, outcome: RuntimeOwned, note: note, fn: fn}
	}
	return out
}

var rules = slices.Concat(
	// Settings of every client.
	same(allKinds,
		"bootstrap.servers", "client.id", "client.dns.lookup", "security.protocol",
		"reconnect.backoff.ms", "reconnect.backoff.max.ms", "retry.backoff.ms", "retry.backoff.max.ms",
		"connections.max.idle.ms", "socket.connection.setup.timeout.ms", "enable.metrics.push",
		"metadata.recovery.strategy", "metadata.recovery.rebootstrap.trigger.ms"),
	[]rule{
		converted(allKinds, "metadata.max.age.ms", []string{"topic.metadata.refresh.interval.ms"},
			"Java's forced metadata refresh period is librdkafka's refresh interval "+
				"(librdkafka's own metadata.max.age.ms is a cache lifetime); values above one hour become one hour, with a warning",
			metadataMaxAge),
		converted(allKinds, "send.buffer.bytes", []string{"socket.send.buffer.bytes"},
			"-1 (the OS default) becomes 0", socketBuffer("socket.send.buffer.bytes")),
		converted(allKinds, "receive.buffer.bytes", []string{"socket.receive.buffer.bytes"},
			"-1 (the OS default) becomes 0", socketBuffer("socket.receive.buffer.bytes")),
		converted(consumers|admins, "request.timeout.ms", []string{"socket.timeout.ms"},
			"librdkafka's request.timeout.ms is a producer setting; socket.timeout.ms bounds every request. "+
				"Values above 300000 become 300000, with a warning",
			requestTimeout),
		converted(producers, "request.timeout.ms", []string{"request.timeout.ms", "socket.timeout.ms"},
			"request.timeout.ms is the timeout the broker applies to a produce request, socket.timeout.ms the client's; "+
				"Java uses the value for both. Values above 300000 set socket.timeout.ms to 300000, with a warning",
			requestTimeout),
	},
	ignored(allKinds, "librdkafka has one connection setup timeout, socket.connection.setup.timeout.ms",
		"socket.connection.setup.timeout.max.ms"),
	ignored(allKinds, "Java security providers do not apply to OpenSSL", "security.providers"),
	ignored(allKinds, "Java client metrics; librdkafka reports statistics through statistics.interval.ms",
		"metric.reporters", "metrics.num.samples", "metrics.recording.level", "metrics.sample.window.ms",
		"auto.include.jmx.reporter"),
	ignored(allKinds, "the worker resolves config provider references before building clients", "config.providers"),
	ignored(consumers|admins, "the runtime bounds each blocking call with its own timeout", "default.api.timeout.ms"),
	ignored(clients, "Java interceptors cannot run in librdkafka", "interceptor.classes"),
	same(producers, "retries"),
	ignored(admins, "librdkafka retries admin requests until their timeout", "retries"),
	rejected(admins, "librdkafka admin clients connect to brokers only; set bootstrap.servers", "bootstrap.controllers"),
	reserved(allKinds, "confluent-kafka-go sets it to deliver events and logs", "", "enabled_events", "log.queue"),

	// Consumers.
	reserved(consumers, "the runtime names the consumer group connect-<connector>, as Kafka Connect does", "", "group.id"),
	reserved(consumers, "the runtime commits offsets itself, after the task has flushed the records", "false",
		"enable.auto.commit", "auto.commit.enable"),
	reserved(consumers, "the runtime stores offsets only for records the task has handled", "false",
		"enable.auto.offset.store"),
	same(consumers,
		"client.rack", "group.instance.id", "group.protocol", "group.remote.assignor", "max.poll.interval.ms",
		"fetch.min.bytes", "fetch.max.bytes", "max.partition.fetch.bytes", "check.crcs", "isolation.level",
		"allow.auto.create.topics"),
	[]rule{
		renamed(consumers, "fetch.max.wait.ms", "fetch.wait.max.ms", "renamed"),
		converted(consumers, "session.timeout.ms", []string{"session.timeout.ms"},
			"an error with group.protocol=consumer, where the broker sets it", classicGroupOnly),
		converted(consumers, "heartbeat.interval.ms", []string{"heartbeat.interval.ms"},
			"an error with group.protocol=consumer, where the broker sets it", classicGroupOnly),
		converted(consumers, "auto.offset.reset", []string{"auto.offset.reset"},
			"none becomes error: the consumer reports a missing offset instead of guessing one; "+
				"by_duration is an error", autoOffsetReset),
		converted(consumers, "partition.assignment.strategy", []string{"partition.assignment.strategy"},
			"class names become range, roundrobin, cooperative-sticky; StickyAssignor and custom assignors are errors. "+
				"librdkafka cannot mix eager and cooperative assignors, so those of another kind than the first are dropped, "+
				"with a warning (Java uses the first when every member lists the same). An error with group.protocol=consumer",
			assignmentStrategy),
		{key: "max.poll.records", kinds: consumers, outcome: Hint,
			note: "Result.MaxPollRecords: the sink runtime's batch size", fn: maxPollRecords},
	},
	ignored(consumers, "the runtime commits offsets itself", "auto.commit.interval.ms"),
	ignored(consumers, "converters decode keys and values; the clients always read bytes",
		"key.deserializer", "value.deserializer"),
	ignored(consumers, "librdkafka subscription patterns also match internal topics; write topics.regex so that "+
		"it does not match __consumer_offsets or __transaction_state", "exclude.internal.topics"),

	// Producers.
	reserved(producers, "the runtime assigns a transactional.id per task when it runs exactly-once", "",
		"transactional.id"),
	same(producers, "acks", "linger.ms", "delivery.timeout.ms", "compression.type", "enable.idempotence",
		"transaction.timeout.ms"),
	[]rule{
		converted(producers, "batch.size", []string{"batch.size"},
			"0 (no batching) becomes 1, which librdkafka applies after the first record of a batch", batchSize),
		renamed(producers, "max.request.size", "message.max.bytes", "renamed"),
		renamed(producers, "max.in.flight.requests.per.connection", "max.in.flight", "renamed"),
		converted(producers, "buffer.memory", []string{"queue.buffering.max.kbytes"},
			"bytes become KiB, rounded up with a warning; librdkafka also caps the queue at "+
				"queue.buffering.max.messages records, and fails a produce call when full instead of blocking",
			bufferMemory),
		converted(producers, "compression.gzip.level", []string{"compression.level"},
			"used when compression.type is gzip, ignored with a warning otherwise", compressionLevel),
		converted(producers, "compression.lz4.level", []string{"compression.level"},
			"used when compression.type is lz4, ignored with a warning otherwise; librdkafka accepts levels up to 12",
			compressionLevel),
		converted(producers, "compression.zstd.level", []string{"compression.level"},
			"used when compression.type is zstd, ignored with a warning otherwise; librdkafka accepts levels -1 to 12",
			compressionLevel),
		converted(producers, "partitioner.class", []string{"partitioner"},
			"unset or DefaultPartitioner: murmur2_random, where keyed records land on the same partitions as with Java clients; "+
				"UniformStickyPartitioner: random; RoundRobinPartitioner: random, with a warning; custom partitioners are errors",
			partitionerClass),
		converted(producers, "partitioner.ignore.keys", []string{"partitioner"},
			"true: random, false: murmur2_random; no effect when partitioner.class is set, as in Java",
			partitionerIgnoreKeys),
	},
	ignored(producers, "librdkafka's sticky partitioning of unkeyed records does not follow broker load",
		"partitioner.adaptive.partitioning.enable", "partitioner.availability.timeout.ms"),
	ignored(producers, "librdkafka never blocks a produce call; the runtime waits while the queue is full",
		"max.block.ms"),
	ignored(producers, "librdkafka keeps the metadata of produced topics until metadata.max.age.ms",
		"metadata.max.idle.ms"),
	ignored(producers, "converters encode keys and values; the clients always write bytes",
		"key.serializer", "value.serializer"),

	sslRules,
	saslRules,
)
