//go:build integration

package source_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/internal/javaoracle"
	"github.com/connectkit/connectkit/source"
)

// The differential tests of the offset stores: offsets written by Kafka
// Connect 4.3.1's own stores (testdata/offsets) are read by this package's,
// and the other way round, for a generated corpus of partitions and
// offsets, in a file and in a topic. Disagreements fail unless listed in
// docs/compat/offsets.md. CONNECTKIT_SEED picks another corpus.

type offsetCase struct {
	connector string
	partition map[string]any
	offset    map[string]any // nil: deleted
}

func corpusSeed(t *testing.T) uint64 {
	seed := uint64(20261207)
	if s := os.Getenv("CONNECTKIT_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		require.NoError(t, err)
		seed = v
	}
	t.Logf("corpus seed %d (set CONNECTKIT_SEED to change it)", seed)
	return seed
}

var oddStrings = []string{"", " ", "é", "ü/ß", "😀", "a\"b", `back\slash`, "tab\there", "nl\n", "\u0001\u001f", "\u007f",
	"\u2028\u2029", "<&>", "日本語", "\ufffd", "𝄞music", "http://x/?a=1&b=2"}

func randString(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return oddStrings[r.IntN(len(oddStrings))]
	}
	var b strings.Builder
	for range r.IntN(12) {
		switch r.IntN(6) {
		case 0:
			b.WriteRune(rune(0x80 + r.IntN(0x780)))
		case 1:
			b.WriteRune(rune(0x10000 + r.IntN(0x1000)))
		default:
			b.WriteByte(byte('a' + r.IntN(26)))
		}
	}
	return b.String()
}

var intEdges = []int64{0, 1, -1, math.MaxInt8, math.MinInt8, math.MaxInt16, math.MinInt16, math.MaxInt32, math.MinInt32,
	math.MaxInt32 + 1, 1 << 53, 1<<53 + 1, math.MaxInt64, math.MinInt64}

var floatEdges = []float64{0.5, -0.25, 1e-3, 9.999e-4, 1e7, 9999999.5, 1e20, 1.7976931348623157e308, 5e-324,
	0.1, 2.0, -3.0, 123456.789}

// randValue returns a primitive of any width, as Kafka Connect's offsets
// hold them (OffsetUtils rejects maps and lists). Floats only in offsets:
// in a partition their text must match Java 17's Double.toString, which is
// not always the shortest (docs/compat/offsets.md).
func randValue(r *rand.Rand, floats bool) any {
	switch r.IntN(8) {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return intEdges[r.IntN(len(intEdges))]
	case 3:
		return int64(r.Int32()) >> r.IntN(31)
	case 4:
		if floats {
			if r.IntN(2) == 0 {
				return floatEdges[r.IntN(len(floatEdges))]
			}
			return math.Float64frombits(r.Uint64()&^(0x7ff<<52)|uint64(0x3ff-30+r.IntN(60))<<52) * float64(1-2*r.IntN(2))
		}
		return r.Int64()
	default:
		return randString(r)
	}
}

func randMap(r *rand.Rand, maxKeys int, floats bool) map[string]any {
	m := map[string]any{}
	for range r.IntN(maxKeys + 1) {
		m[randString(r)] = randValue(r, floats)
	}
	return m
}

// offsetCorpus returns the cases to write in two rounds (the second
// updates or deletes some of the first's) and the state they leave.
func offsetCorpus(r *rand.Rand, n int) (rounds [2][]offsetCase, final []offsetCase) {
	connectors := []string{"my-conn", "ünïcode-conn", "😀"}
	byKey := map[string]int{}
	for i := range n {
		c := offsetCase{connector: connectors[r.IntN(len(connectors))], partition: randMap(r, 4, false), offset: randMap(r, 5, true)}
		if i < 6 { // hand-picked: the usual shapes of real connectors
			c.partition = []map[string]any{{"url": "http://x"}, {"filename": "/tmp/a.txt"}, {"topic": "t", "partition": int64(3)},
				{}, {"server": "db1", "database": "shop", "table": "orders"}, {"key": nil}}[i]
		}
		k := fmt.Sprint(c.connector, render(c.partition))
		if _, dup := byKey[k]; dup {
			continue
		}
		byKey[k] = len(final)
		rounds[0] = append(rounds[0], c)
		final = append(final, c)
	}
	for i, c := range final {
		switch r.IntN(4) {
		case 0:
			c.offset = randMap(r, 5, true)
		case 1:
			c.offset = nil
		default:
			continue
		}
		final[i] = c
		rounds[1] = append(rounds[1], c)
	}
	return rounds, final
}

// render writes a value in the harness's typed form (Offsets.render).
func render(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "B:" + strconv.FormatBool(x)
	case int64:
		return "L:" + strconv.FormatInt(x, 10)
	case float64:
		return "D:" + strconv.FormatUint(math.Float64bits(x), 16)
	case string:
		return "S:" + hex.EncodeToString([]byte(x))
	case map[string]any:
		if x == nil {
			return "null"
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, hex.EncodeToString([]byte(k)))
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			raw, _ := hex.DecodeString(k)
			b.WriteString(k + ":" + render(x[string(raw)]))
		}
		b.WriteByte('}')
		return b.String()
	}
	return fmt.Sprintf("?%T:%v", v, v)
}

// jacksonString quotes s for the harness's input, which Jackson reads.
func jacksonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// lines writes cases as the harness's stdin; floats keep a fraction or an
// exponent so Jackson reads them as doubles.
func lines(t *testing.T, cases []offsetCase, withOffsets bool) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, c := range cases {
		b.WriteString(`{"c":` + jacksonString(c.connector) + `,"p":` + jsonLine(t, c.partition))
		if withOffsets {
			b.WriteString(`,"o":` + jsonLine(t, c.offset))
		}
		b.WriteString("}\n")
	}
	return b.Bytes()
}

func jsonLine(t *testing.T, m map[string]any) string {
	t.Helper()
	if m == nil {
		return "null"
	}
	// In sorted order: Java puts them into a HashMap in this order, and
	// keys that share a bucket iterate in insertion order.
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	first := true
	for _, k := range keys {
		v := m[k]
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(jacksonString(k) + ":")
		switch x := v.(type) {
		case float64:
			s := strconv.FormatFloat(x, 'g', -1, 64)
			if !strings.ContainsAny(s, ".e") {
				s += ".0"
			}
			b.WriteString(s)
		default:
			j, err := json.Marshal(x)
			require.NoError(t, err)
			b.Write(j)
		}
	}
	b.WriteByte('}')
	return b.String()
}

func storeRounds(t *testing.T, s source.OffsetStore, rounds [2][]offsetCase) {
	t.Helper()
	ctx := context.Background()
	for _, round := range rounds {
		byConn := map[string][]source.PartitionOffset{}
		for _, c := range round {
			byConn[c.connector] = append(byConn[c.connector], source.PartitionOffset{Partition: c.partition, Offset: c.offset})
		}
		for conn, offs := range byConn {
			require.NoError(t, s.StoreOffsets(ctx, conn, offs))
		}
	}
}

// compare fails for each case whose offset as read differs from the
// state the corpus left.
func compare(t *testing.T, final []offsetCase, got []string) {
	t.Helper()
	require.Len(t, got, len(final))
	bad := 0
	for i, c := range final {
		if want := render(c.offset); got[i] != want {
			bad++
			if bad <= 20 {
				t.Errorf("connector %q partition %s:\n got %s\nwant %s", c.connector, render(c.partition), got[i], want)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d offsets disagree", bad, len(final))
	}
}

func readOurs(t *testing.T, s source.OffsetStore, final []offsetCase) []string {
	t.Helper()
	out := make([]string, len(final))
	for i, c := range final {
		offs, err := s.Offsets(context.Background(), c.connector, []map[string]any{c.partition})
		require.NoError(t, err)
		out[i] = render(offs[0])
	}
	return out
}

func readJava(t *testing.T, p *javaoracle.Program, final []offsetCase, args ...string) []string {
	t.Helper()
	out := strings.TrimSuffix(string(p.Run(t, "Offsets", lines(t, final, false), args...)), "\n")
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

func writeJava(t *testing.T, p *javaoracle.Program, rounds [2][]offsetCase, args ...string) {
	t.Helper()
	for _, round := range rounds {
		p.Run(t, "Offsets", lines(t, round, true), args...)
	}
}

func TestOffsetsFileDifferentialWithKafkaConnect(t *testing.T) {
	p := javaoracle.Build(t, "testdata/offsets")
	rounds, final := offsetCorpus(rand.New(rand.NewPCG(corpusSeed(t), 1)), 300)

	t.Run("Java writes, we read", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "connect.offsets")
		writeJava(t, p, rounds, "file", "write", path)
		compare(t, final, readJava(t, p, final, "file", "read", path)) // the oracle agrees with itself
		s, err := source.NewFileOffsetStore(path)
		require.NoError(t, err)
		compare(t, final, readOurs(t, s, final))
	})
	t.Run("we write, Java reads", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "connect.offsets")
		s, err := source.NewFileOffsetStore(path)
		require.NoError(t, err)
		storeRounds(t, s, rounds)
		compare(t, final, readJava(t, p, final, "file", "read", path))
	})
	t.Run("both write the same file", func(t *testing.T) {
		// Java's first round, our second: our keys must replace Java's.
		path := filepath.Join(t.TempDir(), "connect.offsets")
		writeJava(t, p, [2][]offsetCase{rounds[0]}, "file", "write", path)
		s, err := source.NewFileOffsetStore(path)
		require.NoError(t, err)
		storeRounds(t, s, [2][]offsetCase{rounds[1]})
		compare(t, final, readJava(t, p, final, "file", "read", path))
	})
}

func TestOffsetsTopicDifferentialWithKafkaConnect(t *testing.T) {
	c := connectortest.ExternalKafka(t)
	p := javaoracle.Build(t, "testdata/offsets")
	rounds, final := offsetCorpus(rand.New(rand.NewPCG(corpusSeed(t), 2)), 300)
	open := func(topic string) *source.KafkaOffsetStore {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		s, err := source.NewKafkaOffsetStore(ctx, map[string]string{"bootstrap.servers": c.BootstrapServers(),
			"offset.storage.topic": topic, "offset.storage.replication.factor": "1"}, source.WithStoreLogger(quiet))
		require.NoError(t, err)
		t.Cleanup(s.Close)
		return s
	}

	t.Run("Java writes, we read", func(t *testing.T) {
		topic := unique("connect-offsets-java")
		open(topic) // creates the topic as a worker would
		writeJava(t, p, rounds, "topic", "write", c.BootstrapServers(), topic)
		compare(t, final, readJava(t, p, final, "topic", "read", c.BootstrapServers(), topic))
		compare(t, final, readOurs(t, open(topic), final))
	})
	t.Run("we write, Java reads", func(t *testing.T) {
		topic := unique("connect-offsets-ours")
		storeRounds(t, open(topic), rounds)
		compare(t, final, readJava(t, p, final, "topic", "read", c.BootstrapServers(), topic))
	})
}

// A store that creates its topic uses it at once: Apache Kafka answers
// "not leader" until the new partitions' leaders are known, which failed
// every try before the store waited for them.
func TestKafkaStoreWaitsForTheLeadersOfTheTopicItCreates(t *testing.T) {
	c := connectortest.ExternalKafka(t)
	for i := range 3 {
		topic := unique(fmt.Sprintf("connect-offsets-new-%d", i))
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		s, err := source.NewKafkaOffsetStore(ctx, map[string]string{"bootstrap.servers": c.BootstrapServers(),
			"offset.storage.topic": topic, "offset.storage.partitions": "25", "offset.storage.replication.factor": "1"},
			source.WithStoreLogger(quiet))
		require.NoError(t, err, "try %d", i)
		require.NoError(t, s.StoreOffsets(ctx, "c", []source.PartitionOffset{{Partition: map[string]any{"p": 1}, Offset: map[string]any{"o": 2}}}))
		offs, err := s.Offsets(ctx, "c", []map[string]any{{"p": 1}})
		require.NoError(t, err)
		require.Equal(t, []map[string]any{{"o": int64(2)}}, offs)
		s.Close()
		cancel()
	}
}
