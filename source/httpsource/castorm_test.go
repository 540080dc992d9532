package httpsource_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/converters"
	"github.com/connectkit/connectkit/source/httpsource"
)

// With a configuration that names no record mapper, the records are
// castorm's byte for byte, through the default JsonConverter (schemas
// enabled). testdata/castorm/golden.jsonl was made by castorm's own
// KvHttpResponseParser and Kafka 4.3.1's JsonConverter from the cases in
// cases.jsonl (hand-picked, then 120 generated records), and checked
// against castorm's connector run in ConnectStandalone on Apache Kafka; see
// the README there.
func TestDefaultMapperWritesCastormsRecords(t *testing.T) {
	type golden struct {
		Name, Key, Value string
		Timestamp        int64
	}
	want := map[string][]golden{}
	f, err := os.Open("testdata/castorm/golden.jsonl")
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var g golden
		require.NoError(t, json.Unmarshal(sc.Bytes(), &g))
		want[g.Name] = append(want[g.Name], g)
	}
	require.NoError(t, sc.Err())

	keys, err := converters.NewJSONConverter(map[string]string{"schemas.enable": "true"}, true)
	require.NoError(t, err)
	values, err := converters.NewJSONConverter(map[string]string{"schemas.enable": "true"}, false)
	require.NoError(t, err)
	cases, err := os.ReadFile("testdata/castorm/cases.jsonl")
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(cases))
	total := 0
	for {
		var c struct {
			Name   string
			Config map[string]string
			Body   string
		}
		if err := dec.Decode(&c); err == io.EOF {
			break
		} else {
			require.NoError(t, err)
		}
		t.Run(c.Name, func(t *testing.T) {
			api := newAPI(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(c.Body)) })
			cfg := map[string]string{"name": "castorm", httpsource.URLConfig: api.URL}
			for k, v := range c.Config {
				cfg[k] = v
			}
			require.NotContains(t, cfg, httpsource.RecordMapperConfig, "the default mapper")
			task := httpsource.NewTask(httpsource.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
			require.NoError(t, task.Start(context.Background(), cfg, nil))
			t.Cleanup(func() { _ = task.Stop(context.Background()) })
			recs, err := task.Poll(context.Background())
			require.NoError(t, err)
			g := want[c.Name]
			require.Len(t, recs, len(g))
			for i, r := range recs {
				k, err := keys.FromConnectData(r.Topic, r.KeySchema, r.Key)
				require.NoError(t, err)
				v, err := values.FromConnectData(r.Topic, r.ValueSchema, r.Value)
				require.NoError(t, err)
				assert.Equal(t, g[i].Key, string(k), "record %d's key", i)
				assert.Equal(t, g[i].Value, string(v), "record %d's value", i)
				assert.Equal(t, g[i].Timestamp, r.Timestamp.UnixMilli(), "record %d's timestamp", i)
				total++
			}
		})
	}
	assert.Equal(t, 136, total, "every golden record compared")
}

// castorm sets the value's timestamp field to the record's timestamp, the
// time of the poll when the record has none (System.currentTimeMillis).
func TestDefaultMapperTimestampWithoutATimestampPointer(t *testing.T) {
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, []any{map[string]any{"id": 1}}) })
	clock := newFakeClock()
	task := startTask(t, map[string]string{httpsource.URLConfig: api.URL, httpsource.OffsetPointerConfig: "key=/id",
		httpsource.RecordMapperConfig: httpsource.SchemedMapper}, nil, httpsource.WithClock(clock))
	recs, err := task.Poll(context.Background())
	require.NoError(t, err)
	require.Len(t, recs, 1)
	v := recs[0].Value.(*connect.Struct)
	assert.Equal(t, clock.Now().UnixMilli(), v.Get("timestamp"))
	assert.Equal(t, clock.Now().UnixMilli(), recs[0].Timestamp.UnixMilli())
	assert.Equal(t, `{"id":1}`, v.Get("value"))

}
