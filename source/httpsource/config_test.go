package httpsource_test

import (
	"context"
	"encoding/pem"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/source/httpsource"
)

// castorm's defaults, as its HttpSourceConnectorConfig and stage configs
// define them.
func TestDefaultsAreCastorms(t *testing.T) {
	def := httpsource.NewConnector().ConfigDef()
	cfg, err := def.Parse(map[string]string{httpsource.TopicConfig: "t", httpsource.URLConfig: "http://x"})
	require.NoError(t, err)
	for key, want := range map[string]any{
		httpsource.OffsetInitialConfig:        "",
		httpsource.TimerIntervalConfig:        60 * time.Second,
		httpsource.TimerCatchupIntervalConfig: 30 * time.Second,
		httpsource.MethodConfig:               "GET",
		httpsource.ConnectionTimeoutConfig:    2 * time.Second,
		httpsource.ReadTimeoutConfig:          2 * time.Second,
		httpsource.ConnectionTTLConfig:        300 * time.Second,
		httpsource.MaxIdleConfig:              1,
		httpsource.ProxyPortConfig:            3128,
		httpsource.AuthTypeConfig:             "None",
		httpsource.CodesProcessConfig:         "200..299",
		httpsource.CodesSkipConfig:            "300..399",
		httpsource.ListPointerConfig:          "/",
		httpsource.RecordPointerConfig:        "/",
		httpsource.OffsetPointerConfig:        "",
		httpsource.TimestampPatternConfig:     "yyyy-MM-dd'T'HH:mm:ss[.SSS]X",
		httpsource.TimestampZoneConfig:        "UTC",
		httpsource.ListOrderConfig:            "IMPLICIT",
		httpsource.TimerConfig:                httpsource.AdaptableTimer,
		httpsource.TemplateFactoryConfig:      httpsource.BackwardsCompatibleFM,
		httpsource.TimestampParserConfig:      httpsource.EpochOrDelegateParser,
		httpsource.RecordFilterConfig:         httpsource.OffsetFilter,
	} {
		assert.Equal(t, want, cfg.Get(key), key)
	}
	k, ok := def.Key(httpsource.AuthPasswordConfig)
	require.True(t, ok)
	assert.Equal(t, connect.ConfigPassword, k.Type)
	k, _ = def.Key(httpsource.ProxyPasswordConfig)
	assert.Equal(t, connect.ConfigPassword, k.Type, "castorm left the proxy password a plain string")
}

func TestConfigProblemsAreReportedTogether(t *testing.T) {
	c := httpsource.NewConnector()
	config := map[string]string{
		httpsource.TopicConfig:           "t",
		httpsource.URLConfig:             "http://x/{{.offset.key",
		httpsource.HeadersConfig:         "Accept=application/json", // castorm's quickstart file, which failed at the first request
		httpsource.OffsetPointerConfig:   "key",
		httpsource.OffsetInitialConfig:   "timestamp=yesterday",
		httpsource.ListPointerConfig:     "items",
		httpsource.BodyConfig:            "${offset.key?upper_case}",
		httpsource.TimestampParserConfig: "RegexTimestampParser",
		httpsource.TimestampRegexConfig:  ".*",
	}
	errs := c.Validate(config)
	require.Len(t, errs, 1)
	var ce *connect.ConfigError
	require.ErrorAs(t, errs[0], &ce)
	byKey := map[string]string{}
	for _, p := range ce.Problems {
		byKey[p.Key] = p.Message
	}
	assert.Contains(t, byKey[httpsource.URLConfig], "template")
	assert.Contains(t, byKey[httpsource.HeadersConfig], "not a Name: value pair")
	assert.Contains(t, byKey[httpsource.OffsetPointerConfig], "name=/pointer")
	assert.Contains(t, byKey[httpsource.OffsetInitialConfig], "ISO-8601")
	assert.Contains(t, byKey[httpsource.ListPointerConfig], "must start with /")
	assert.Contains(t, byKey[httpsource.BodyConfig], "upper_case")
	assert.Contains(t, byKey[httpsource.TimestampRegexConfig], "capture group")

	_, err := c.ConfigDef().Parse(map[string]string{
		httpsource.TopicConfig:     "t",
		httpsource.AuthTypeConfig:  "Bearer",
		httpsource.KeystoreConfig:  "/etc/client.p12",
		httpsource.MethodConfig:    "DELETE",
		httpsource.TimerConfig:     "com.example.MyTimer",
		httpsource.AuthUserConfig:  "u",
		httpsource.AuthTokenConfig: "",
	})
	require.ErrorAs(t, err, &ce)
	msg := err.Error()
	for _, want := range []string{httpsource.URLConfig, httpsource.AuthTokenConfig, "PKCS12", httpsource.MethodConfig, "com.example.MyTimer"} {
		assert.Contains(t, msg, want)
	}
}

func TestSecretsStaySecret(t *testing.T) {
	_, err := httpsource.NewConnector().ConfigDef().Parse(map[string]string{
		httpsource.URLConfig:          "http://x",
		httpsource.AuthPasswordConfig: "hunter2",
		httpsource.AuthTokenConfig:    "tok-xyz",
	})
	require.Error(t, err) // kafka.topic is missing
	assert.NotContains(t, err.Error(), "hunter2")
	assert.NotContains(t, err.Error(), "tok-xyz")
}

func TestTaskConfigs(t *testing.T) {
	c := httpsource.NewConnector()
	one, err := c.TaskConfigs(map[string]string{httpsource.URLConfig: "http://x"}, 4)
	require.NoError(t, err)
	assert.Len(t, one, 1, "two tasks polling one URL would duplicate every record (castorm)")

	urls := "http://a,http://b,http://c,http://d,http://e"
	split, err := c.TaskConfigs(map[string]string{httpsource.URLsConfig: urls, "name": "n"}, 2)
	require.NoError(t, err)
	require.Len(t, split, 2)
	assert.Equal(t, "http://a,http://c,http://e", split[0][httpsource.URLsConfig])
	assert.Equal(t, "http://b,http://d", split[1][httpsource.URLsConfig])
	assert.Equal(t, "n", split[1]["name"])

	many, err := c.TaskConfigs(map[string]string{httpsource.URLsConfig: "http://a,http://b"}, 10)
	require.NoError(t, err)
	assert.Len(t, many, 2, "never more tasks than URLs")
}

func TestTimestampParsing(t *testing.T) {
	want := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	cases := []struct {
		name    string
		config  map[string]string
		value   string
		want    time.Time
		wantErr string
	}{
		{name: "epoch millis", value: "1714979289000", want: want},
		{name: "ISO Z", value: "2024-05-06T07:08:09Z", want: want},
		{name: "ISO millis", value: "2024-05-06T07:08:09.250Z", want: want.Add(250 * time.Millisecond)},
		// The default pattern's [.SSS] reads three digits, as in castorm,
		// which fails on nanoseconds too; a pattern with [.SSSSSSSSS]
		// reads them.
		{name: "ISO nanos with the default pattern", value: "2024-05-06T09:08:09.000000007+02:00", wantErr: "expected an offset"},
		{name: "ISO nanos with a pattern for them", value: "2024-05-06T09:08:09.000000007+02:00", want: want.Add(7),
			config: map[string]string{httpsource.TimestampPatternConfig: "yyyy-MM-dd'T'HH:mm:ss[.SSSSSSSSS]XXX"}},
		{name: "offset without colon", value: "2024-05-06T09:08:09+0200", want: want},
		{name: "pattern and zone",
			config: map[string]string{httpsource.TimestampPatternConfig: "dd/MM/yyyy HH:mm:ss", httpsource.TimestampZoneConfig: "Europe/Paris"},
			value:  "06/05/2024 09:08:09", want: want},
		{name: "epoch parser only", config: map[string]string{httpsource.TimestampParserConfig: "EpochMillisTimestampParser"},
			value: "2024-05-06T07:08:09Z", wantErr: "not epoch milliseconds"},
		{name: "regex",
			config: map[string]string{httpsource.TimestampParserConfig: httpsource.RegexParser, httpsource.TimestampRegexConfig: `at (\S+) UTC`},
			value:  "updated at 2024-05-06T07:08:09Z UTC", want: want},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, []any{map[string]any{"id": 1, "ts": tc.value}})
			})
			config := map[string]string{httpsource.URLConfig: api.URL, httpsource.OffsetPointerConfig: "key=/id, timestamp=/ts"}
			for k, v := range tc.config {
				config[k] = v
			}
			recs, err := startTask(t, config, nil).Poll(context.Background())
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Len(t, recs, 1)
			assert.True(t, tc.want.Equal(recs[0].Timestamp), "got %v", recs[0].Timestamp)
			assert.Equal(t, formatJava(tc.want), recs[0].SourceOffset["timestamp"])
		})
	}
}

// formatJava is Instant.toString for the cases above.
func formatJava(t time.Time) string {
	s := t.UTC().Format("2006-01-02T15:04:05.000000000")
	s = strings.TrimSuffix(s, "000")
	s = strings.TrimSuffix(s, "000")
	s = strings.TrimSuffix(s, ".000")
	return s + "Z"
}

func TestInitialOffsetAcceptsEpochMillis(t *testing.T) {
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, []any{}) })
	task := startTask(t, map[string]string{
		httpsource.URLConfig:           api.URL + "/?since={{.offset.timestamp}}",
		httpsource.OffsetInitialConfig: "timestamp=1577836800000", // castorm issue 73: an epoch here failed the task
	}, nil)
	_, err := task.Poll(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "2020-01-01T00:00:00Z", mustQuery(t, api.last(t).URL).Get("since"))
}

func TestTemplateErrorsAreFatalAndNamed(t *testing.T) {
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, []any{}) })
	task := startTask(t, map[string]string{
		httpsource.URLConfig: api.URL + "/?since={{epochMillis .offset.timestamp}}",
	}, nil)
	_, err := task.Poll(context.Background())
	require.Error(t, err)
	assert.False(t, connect.IsRetriable(err))
	assert.Contains(t, err.Error(), httpsource.URLConfig)
	assert.Contains(t, err.Error(), "http.offset.initial")
	assert.Empty(t, api.received())
	assert.False(t, errors.Is(err, context.Canceled))
}

// castorm's deprecated key and timestamp pointers still work.
func TestDeprecatedPointers(t *testing.T) {
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, []any{map[string]any{"a": "x", "b": 7, "ts": "2024-05-06T07:08:09Z"}})
	})
	recs, err := startTask(t, map[string]string{
		httpsource.URLConfig:              api.URL,
		httpsource.KeyPointerConfig:       "/a, /b, /missing",
		httpsource.TimestampPointerConfig: "/ts",
	}, nil).Poll(context.Background())
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, "x+7", recs[0].Key)
	assert.Equal(t, map[string]any{"key": "x+7", "timestamp": "2024-05-06T07:08:09Z"}, castormOffset(recs[0].SourceOffset))
	assert.Equal(t, time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC), recs[0].Timestamp.UTC())
}

func TestTLSAndProxy(t *testing.T) {
	t.Run("private CA", func(t *testing.T) {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, []any{map[string]any{"id": 1}})
		}))
		t.Cleanup(srv.Close)
		ca := filepath.Join(t.TempDir(), "ca.pem")
		require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))

		_, err := startTask(t, map[string]string{httpsource.URLConfig: srv.URL}, nil).Poll(context.Background())
		require.Error(t, err, "the system's roots do not trust the test server")
		assert.True(t, connect.IsRetriable(err))

		recs, err := startTask(t, map[string]string{httpsource.URLConfig: srv.URL, httpsource.TLSCAFileConfig: ca}, nil).Poll(context.Background())
		require.NoError(t, err)
		assert.Len(t, recs, 1)
	})
	t.Run("proxy with credentials", func(t *testing.T) {
		var seen []string
		proxy := newAPI(t, func(w http.ResponseWriter, r *http.Request) {
			seen = append(seen, r.URL.String(), r.Header.Get("Proxy-Authorization"))
			writeJSON(w, []any{})
		})
		host, port, err := net.SplitHostPort(strings.TrimPrefix(proxy.URL, "http://"))
		require.NoError(t, err)
		_, err = startTask(t, map[string]string{
			httpsource.URLConfig:           "http://api.example/items",
			httpsource.ProxyHostConfig:     host,
			httpsource.ProxyPortConfig:     port,
			httpsource.ProxyUserConfig:     "me",
			httpsource.ProxyPasswordConfig: "pw",
		}, nil).Poll(context.Background())
		require.NoError(t, err)
		assert.Equal(t, []string{"http://api.example/items", "Basic bWU6cHc="}, seen)
	})
}

func TestLogsHideCredentials(t *testing.T) {
	var logs strings.Builder
	api := newAPI(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) })
	u := strings.Replace(api.URL, "http://", "http://user:hunter2@", 1) + "/items?api_key=s3cret"
	task := startTask(t, map[string]string{httpsource.URLConfig: u}, nil,
		httpsource.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	_, err := task.Poll(context.Background())
	require.Error(t, err)
	for _, text := range []string{logs.String(), err.Error()} {
		assert.NotContains(t, text, "hunter2")
		assert.NotContains(t, text, "s3cret")
	}
	assert.Contains(t, logs.String(), "/items?…")
}
