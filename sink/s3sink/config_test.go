package s3sink

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
)

// problems returns the keys of a configuration error's problems.
func problems(t *testing.T, err error) map[string]string {
	t.Helper()
	var ce *connect.ConfigError
	require.ErrorAs(t, err, &ce)
	out := map[string]string{}
	for _, p := range ce.Problems {
		out[p.Key] = p.Message
	}
	return out
}

func TestConfigReportsEveryProblemByKey(t *testing.T) {
	_, err := NewConnector().ConfigDef().Parse(map[string]string{
		PartSizeConfig:        "1024",
		CompressionTypeConfig: "snappy",
		"partitioner.class":   "TimeBasedPartitioner",
	})
	got := problems(t, err)
	for _, key := range []string{BucketConfig, FlushSizeConfig, FormatClassConfig, PartSizeConfig, CompressionTypeConfig,
		"partition.duration.ms", "timezone", "locale"} {
		assert.Contains(t, got, key)
	}
}

func TestConfigRefusesWhatIsNotSupportedYet(t *testing.T) {
	for _, tc := range []struct {
		key, value, want string
	}{
		{SchemaCompatibilityConfig, "BACKWARD", "use NONE"},
		{FormatClassConfig, AvroFormatClass, "not supported yet"},
		{FormatClassConfig, "ParquetFormat", "not supported yet"},
		{FormatClassConfig, "com.example.CsvFormat", "unknown format"},
		{ObjectTaggingConfig, "true", "not supported yet"},
		{ProxyURLConfig, "http://proxy:3128", "HTTPS_PROXY"},
		{SchemaPartitionAffix, "PREFIX", "not supported yet"},
		{StorageClassConfig, "io.confluent.connect.hdfs.storage.HdfsStorage", "the only storage"},
		{CredentialsProviderConfig, "com.example.MyProvider", "default AWS credential chain"},
		{WANModeConfig, "true", "path-style"},
		{RotateScheduleConfig, "3600000", "timezone"},
		{AccessKeyIDConfig, "AKIA123", "set together"},
		{SSEKMSKeyIDConfig, "key-1", "aws:kms"},
	} {
		t.Run(tc.key+"="+tc.value, func(t *testing.T) {
			_, err := NewConnector().ConfigDef().Parse(baseConfig(map[string]string{tc.key: tc.value}))
			got := problems(t, err)
			require.Contains(t, got, tc.key)
			assert.Contains(t, got[tc.key], tc.want)
		})
	}
}

func TestConfigOfKeysHeadersAndTombstones(t *testing.T) {
	for _, tc := range []struct {
		name   string
		config map[string]string
		key    string // "" when the configuration is valid
		want   []string
	}{
		{"keys without a format: the default, Avro, is not supported yet",
			map[string]string{StoreKeysConfig: "true"},
			KeysFormatClassConfig, []string{"store.kafka.keys=true needs keys.format.class", "AvroFormat", "set it to"}},
		{"headers without a format", map[string]string{StoreHeadersConfig: "true"},
			HeadersFormatClassConfig, []string{"store.kafka.headers=true needs headers.format.class", JSONFormatClass}},
		{"keys in Parquet", map[string]string{StoreKeysConfig: "true", KeysFormatClassConfig: "ParquetFormat"},
			KeysFormatClassConfig, []string{"ParquetFormat is not supported yet"}},
		{"keys in an unknown format", map[string]string{StoreKeysConfig: "true", KeysFormatClassConfig: "CsvFormat"},
			KeysFormatClassConfig, []string{"unknown format"}},
		{"headers in ByteArray", map[string]string{StoreHeadersConfig: "true", HeadersFormatClassConfig: "ByteArrayFormat"},
			HeadersFormatClassConfig, []string{"cannot hold headers"}},
		{"tombstones without keys", map[string]string{NullValuesConfig: "Write"},
			NullValuesConfig, []string{"needs store.kafka.keys=true"}},
		{"tombstones in no directory", map[string]string{NullValuesConfig: "write", StoreKeysConfig: "true",
			KeysFormatClassConfig: "JsonFormat", TombstonePartitionConfig: ""},
			TombstonePartitionConfig, []string{"must not be empty"}},
		{"keys and headers in JSON, tombstones", map[string]string{StoreKeysConfig: "true", KeysFormatClassConfig: JSONFormatClass,
			StoreHeadersConfig: "true", HeadersFormatClassConfig: "JsonFormat", NullValuesConfig: "write"}, "", nil},
		{"keys in ByteArray", map[string]string{StoreKeysConfig: "true", KeysFormatClassConfig: ByteArrayFormatClass}, "", nil},
		{"formats unused without store.kafka.keys", map[string]string{KeysFormatClassConfig: "CsvFormat",
			HeadersFormatClassConfig: "ByteArrayFormat"}, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewConnector().ConfigDef().Parse(baseConfig(tc.config))
			if tc.key == "" {
				require.NoError(t, err)
				return
			}
			got := problems(t, err)
			require.Contains(t, got, tc.key)
			for _, w := range tc.want {
				assert.Contains(t, got[tc.key], w)
			}
		})
	}
}

func TestConfigAcceptsConfluentFiles(t *testing.T) {
	// The settings of Confluent's quickstart-s3.properties, plus the keys
	// this connector accepts without acting on them.
	cfg := map[string]string{
		"name":                            "s3-sink",
		"connector.class":                 ConnectorClass,
		"tasks.max":                       "1",
		"topics":                          "s3_topic",
		"s3.region":                       "us-west-2",
		"s3.bucket.name":                  "confluent-kafka-connect-s3-testing",
		"s3.part.size":                    "5242880",
		"flush.size":                      "3",
		"storage.class":                   StorageClass,
		"format.class":                    JSONFormatClass,
		"schema.compatibility":            "NONE",
		"partitioner.class":               "io.confluent.connect.storage.partitioner.DefaultPartitioner",
		"s3.credentials.provider.class":   "com.amazonaws.auth.DefaultAWSCredentialsProviderChain",
		"s3.http.send.expect.continue":    "false",
		"s3.elastic.buffer.enable":        "true",
		"s3.elastic.buffer.init.capacity": "131072",
		"s3.ssea.name":                    "aws:kms",
		"s3.sse.kms.key.id":               "arn:aws:kms:us-west-2:123:key/abc",
		"s3.acl.canned":                   "bucket-owner-full-control",
	}
	c := NewConnector()
	_, err := c.ConfigDef().Parse(cfg)
	require.NoError(t, err)
	assert.Empty(t, c.Validate(cfg))
}

func TestSecretsNeverLeak(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	const customerKey = "c2VjcmV0LWJ1dC1ub3QtMzItYnl0ZXMtbG9uZw==" // not 32 bytes
	_, err := NewConnector().ConfigDef().Parse(baseConfig(map[string]string{
		SecretAccessKeyConfig: secret,
		SSECustomerKeyConfig:  customerKey,
		SSEAlgorithmConfig:    "AES256",
	}))
	require.Error(t, err)
	got := problems(t, err)
	assert.Contains(t, got, AccessKeyIDConfig)
	assert.Contains(t, got, SSECustomerKeyConfig)
	assert.NotContains(t, err.Error(), secret)
	assert.NotContains(t, err.Error(), customerKey)

	// A started task logs its settings nowhere, and its settings print no secret.
	cfg := baseConfig(map[string]string{AccessKeyIDConfig: "AKIAEXAMPLE", SecretAccessKeyConfig: secret,
		SSEAlgorithmConfig: "AES256", SSECustomerKeyConfig: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="})
	var logs strings.Builder
	task := NewTask(WithClient(newFakeS3(bucket)), WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, task.Start(context.Background(), cfg, nil))
	for _, s := range []string{fmt.Sprintf("%+v", *task.s), fmt.Sprintf("%#v", *task.s), logs.String()} {
		assert.NotContains(t, s, secret)
		assert.NotContains(t, s, "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	}
}

func TestStartRejectsABadConfiguration(t *testing.T) {
	err := NewTask(WithClient(newFakeS3(bucket))).Start(context.Background(), map[string]string{FormatClassConfig: "JsonFormat"}, nil)
	var ce *connect.ConfigError
	require.True(t, errors.As(err, &ce), "%v", err)
	assert.Contains(t, err.Error(), BucketConfig)
}

func TestWithFormatAddsAFormat(t *testing.T) {
	upper := func(*connect.Config) (Format, error) { return upperFormat{}, nil }
	h := newHarness(t)
	h.tc = newFakeContext(nil)
	h.task = NewTask(WithClient(h.s3), WithClock(h.clock), WithFormat("Upper", upper))
	require.NoError(t, h.task.Start(context.Background(), baseConfig(map[string]string{FormatClassConfig: "Upper", FlushSizeConfig: "2"}), h.tc))
	h.mustPut(rec(0, 0, "a"), rec(0, 1, "b"))
	assert.Equal(t, "A\nB\n", h.content("topics/orders/partition=0/orders+0+0000000000.up"))
	_, err := NewConnector(WithFormat("Upper", upper)).ConfigDef().Parse(baseConfig(map[string]string{FormatClassConfig: "Upper"}))
	assert.NoError(t, err)
}

type upperFormat struct{}

func (upperFormat) Extension() string { return ".up" }

func (upperFormat) NewWriter(w io.Writer) RecordWriter {
	return upperWriter{w}
}

type upperWriter struct{ w io.Writer }

func (u upperWriter) Write(rec *connect.SinkRecord) error {
	s, ok := rec.Value.(string)
	if !ok {
		return connect.DataErrorf("not a string")
	}
	_, err := u.w.Write([]byte(strings.ToUpper(s) + "\n"))
	return err
}

func (upperWriter) Close() error { return nil }
