package kafkasink

import (
	"bufio"
	"encoding/json"
	"maps"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/sink"
)

// kakaoRecord is one line of testdata/kakao/golden.jsonl: a record kakao's
// kafka-sink-connector forwarded, read back from its output topic
// (testdata/kakao/README.md says how it was made).
type kakaoRecord struct {
	Connector string          `json:"connector"`
	Key       *string         `json:"key"`
	Value     string          `json:"value"`
	Timestamp json.RawMessage `json:"timestamp"` // milliseconds, or "now": the processing time
	Headers   []any           `json:"headers"`
}

// readJSONLines decodes every line of a JSON-lines file into a T.
func readJSONLines[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var v T
		require.NoError(t, json.Unmarshal(sc.Bytes(), &v), "%s: %s", path, sc.Text())
		out = append(out, v)
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, out, path)
	return out
}

// readProperties reads a Java properties file of plain key=value lines.
func readProperties(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	props := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		require.True(t, ok, "%s: %q", path, line)
		props[k] = v
	}
	return props
}

// kakaoDeviations reads the table of docs/compat/kafkasink.md: the records
// on which this sink deliberately differs from kakao's, by connector and
// input value.
func kakaoDeviations(t *testing.T) map[[2]string]string {
	t.Helper()
	b, err := os.ReadFile("../../docs/compat/kafkasink.md")
	require.NoError(t, err)
	devs := map[[2]string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		conn := strings.Trim(strings.TrimSpace(cells[1]), "`")
		value := strings.Trim(strings.TrimSpace(cells[2]), "`")
		devs[[2]string{conn, value}] = strings.TrimSpace(cells[len(cells)-2])
	}
	return devs
}

// With kakao's configurations of the blog pipelines (and its defaults for
// everything else), this sink forwards what kakao's own connector
// forwarded from the same input: the same records in the same order, with
// the same key and value bytes, no headers, and the same timestamp, where
// kakao's "now" (no or an unparsable timestamp field, or the timestamp
// feature off) must be the time the record was processed here, within
// the run. A record listed in docs/compat/kafkasink.md may differ, as the
// table says.
func TestDefaultsForwardKakaosRecords(t *testing.T) {
	type input struct {
		Key   *string `json:"key"`
		Value *string `json:"value"` // nil: a tombstone
	}
	corpus := readJSONLines[input](t, "testdata/kakao/corpus.jsonl")
	golden := readJSONLines[kakaoRecord](t, "testdata/kakao/golden.jsonl")
	devs := kakaoDeviations(t)

	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "kakao-in", 1)
	recs := make([]connectortest.Record, len(corpus))
	for i, in := range corpus {
		recs[i] = connectortest.Record{Topic: "kakao-in",
			Headers: []connectortest.RecordHeader{{Key: "src", Value: []byte("corpus")}}}
		if in.Value != nil {
			recs[i].Value = []byte(*in.Value)
		}
		if in.Key != nil {
			recs[i].Key = []byte(*in.Key)
		}
	}
	c.Produce(t, recs...)

	used := map[[2]string]bool{}
	for _, conn := range []string{"color", "keyed", "default", "nested"} {
		t.Run(conn, func(t *testing.T) {
			props := readProperties(t, "testdata/kakao/connectors/"+conn+".properties")
			out := props[SinkTopicConfig]
			c.CreateTopic(t, out, 1)
			cfg := sinkConfig(c, props["name"], "kakao-in", out, nil)
			// The worker of the golden run: kakao needs StringConverter.
			cfg["key.converter"] = "org.apache.kafka.connect.storage.StringConverter"
			cfg["value.converter"] = "org.apache.kafka.connect.storage.StringConverter"
			maps.Copy(cfg, props)
			cfg[SinkBootstrapConfig] = c.BootstrapServers()

			start := time.Now().Truncate(time.Millisecond)
			h := connectortest.StartSink(t, NewConnector(WithLogger(quiet)), cfg, sink.WithLogger(quiet))
			waitCommitted(t, c, props["name"], "kakao-in", 1, int64(len(corpus)))
			require.NoError(t, h.Stop())
			end := time.Now()

			var want []kakaoRecord
			for _, g := range golden {
				if g.Connector == conn {
					want = append(want, g)
				}
			}
			got := c.ReadAll(t, out)
			// Walk both lists; a deviation listed for a value lets it be
			// missing from ours or differ in key or timestamp.
			i, j := 0, 0
			for i < len(want) || j < len(got) {
				var w *kakaoRecord
				if i < len(want) {
					w = &want[i]
				}
				if w != nil && (j >= len(got) || string(got[j].Value) != w.Value) {
					if reason, ok := devs[[2]string{conn, w.Value}]; ok {
						used[[2]string{conn, w.Value}] = true
						t.Logf("kakao forwarded %s, we do not: %s", w.Value, reason)
						i++
						continue
					}
				}
				if w == nil || j >= len(got) {
					if j < len(got) {
						v := string(got[j].Value)
						if reason, ok := devs[[2]string{conn, v}]; ok {
							used[[2]string{conn, v}] = true
							t.Logf("we forward %s, kakao did not: %s", v, reason)
							j++
							continue
						}
						t.Errorf("record %d: forwarded %s, kakao did not", j, v)
						j++
						continue
					}
					t.Errorf("kakao forwarded %s (its record %d), we did not", w.Value, i)
					i++
					continue
				}
				g := got[j]
				if !assert.Equal(t, w.Value, string(g.Value), "record %d", j) {
					return // out of step: the rest would only repeat it
				}
				key := [2]string{conn, w.Value}
				reason, listed := devs[key]
				var gotKey *string
				if g.Key != nil {
					s := string(g.Key)
					gotKey = &s
				}
				keyOK := assert.ObjectsAreEqual(w.Key, gotKey)
				var tsOK bool
				var wantTS any
				if string(w.Timestamp) == `"now"` {
					wantTS = "now"
					tsOK = !g.Timestamp.Before(start) && !g.Timestamp.After(end)
				} else {
					var ms int64
					require.NoError(t, json.Unmarshal(w.Timestamp, &ms))
					wantTS = time.UnixMilli(ms).UTC()
					tsOK = g.Timestamp.UnixMilli() == ms
				}
				switch {
				case keyOK && tsOK:
				case listed:
					used[key] = true
					t.Logf("%s: kakao key %v ts %v, ours %v %v: %s", w.Value, deref(w.Key), wantTS, deref(gotKey), g.Timestamp.UTC(), reason)
				default:
					t.Errorf("%s: kakao key %v ts %v, ours %v %v", w.Value, deref(w.Key), wantTS, deref(gotKey), g.Timestamp.UTC())
				}
				assert.Len(t, g.Headers, len(w.Headers), "record %d: headers (kakao forwards none)", j)
				i++
				j++
			}
		})
	}
	for k := range devs {
		assert.True(t, used[k], "docs/compat/kafkasink.md lists %s %s, which no longer differs", k[0], k[1])
	}
}

func deref(s *string) string {
	if s == nil {
		return "<null>"
	}
	return "\"" + *s + "\""
}
