//go:build integration

package s3sink

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
)

// minio is the S3 server of the integration suite, with a bucket of the
// test's own.
type minio struct {
	srv    connectortest.S3Server
	client *s3.Client
	bucket string
}

func newMinio(t *testing.T, c *connectortest.Cluster) *minio {
	srv := connectortest.ExternalS3(t)
	client := s3.New(s3.Options{
		Region:       srv.Region,
		BaseEndpoint: aws.String(srv.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
	})
	m := &minio{srv: srv, client: client, bucket: c.Unique("s3sink")}
	ctx := context.Background()
	_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &m.bucket})
	require.NoError(t, err)
	t.Cleanup(func() {
		for _, k := range m.keys(t, "") {
			_, _ = client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &m.bucket, Key: &k})
		}
		_, _ = client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &m.bucket})
	})
	return m
}

// config is the connector configuration that reaches this server, with
// the credentials given as Confluent's keys.
func (m *minio) config(c *connectortest.Cluster, name, topic string, overrides map[string]string) map[string]string {
	cfg := c.SinkConfig(name, topic)
	maps.Copy(cfg, map[string]string{
		"connector.class":     ConnectorClass,
		StoreURLConfig:        m.srv.Endpoint,
		RegionConfig:          m.srv.Region,
		AccessKeyIDConfig:     m.srv.AccessKey,
		SecretAccessKeyConfig: m.srv.SecretKey,
		BucketConfig:          m.bucket,
		StorageClassConfig:    StorageClass,
	})
	maps.Copy(cfg, overrides)
	return cfg
}

func (m *minio) keys(t *testing.T, prefix string) []string {
	t.Helper()
	var out []string
	p := s3.NewListObjectsV2Paginator(m.client, &s3.ListObjectsV2Input{Bucket: &m.bucket, Prefix: &prefix})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		require.NoError(t, err)
		for _, o := range page.Contents {
			out = append(out, *o.Key)
		}
	}
	slices.Sort(out)
	return out
}

func (m *minio) get(t *testing.T, key string) []byte {
	t.Helper()
	out, err := m.client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: &m.bucket, Key: &key})
	require.NoError(t, err)
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	return b
}

func (m *minio) etag(t *testing.T, key string) string {
	t.Helper()
	out, err := m.client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &m.bucket, Key: &key})
	require.NoError(t, err)
	return *out.ETag
}

func (m *minio) openUploads(t *testing.T) int {
	t.Helper()
	out, err := m.client.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: &m.bucket})
	require.NoError(t, err)
	return len(out.Uploads)
}

// The connector end to end, on a real Kafka broker and MinIO, through the
// sink runtime: JSON objects under Confluent's names, committed offsets,
// multipart uploads, conditional writes, and the checks done at start.
func TestMinIO(t *testing.T) {
	c := connectortest.ExternalKafka(t)
	m := newMinio(t, c)
	logs := WithLogger(quiet)

	t.Run("JSON objects", func(t *testing.T) {
		topic, name := c.Unique("orders"), c.Unique("s3-json")
		c.CreateTopic(t, topic, 2)
		c.ProduceN(t, topic, 200, func(i int) connectortest.Record {
			return connectortest.Record{Topic: topic, Partition: int32(i % 2), Value: fmt.Appendf(nil, `{"i":%d,"p":%d}`, i/2, i%2)}
		})
		overrides := map[string]string{
			FormatClassConfig:                JSONFormatClass,
			FlushSizeConfig:                  "10",
			CompressionTypeConfig:            "gzip",
			"value.converter":                "org.apache.kafka.connect.json.JsonConverter",
			"value.converter.schemas.enable": "false",
		}
		h := connectortest.StartSink(t, NewConnector(logs), m.config(c, name, topic, overrides))
		waitCommitted(t, c, "connect-"+name, topic, 2, 100)
		require.NoError(t, h.Stop())

		var want []string
		for p := range 2 {
			for start := 0; start < 100; start += 10 {
				want = append(want, fmt.Sprintf("topics/%s/partition=%d/%s+%d+%010d.json.gz", topic, p, topic, p, start))
			}
		}
		slices.Sort(want)
		require.Equal(t, want, m.keys(t, "topics/"+topic+"/"))
		key := fmt.Sprintf("topics/%s/partition=1/%s+1+0000000030.json.gz", topic, topic)
		var wantBody strings.Builder
		for i := 30; i < 40; i++ {
			fmt.Fprintf(&wantBody, "{\"i\":%d,\"p\":1}\n", i)
		}
		assert.Equal(t, wantBody.String(), gunzip(t, m.get(t, key)))

		// Read again by another connector: every PutObject is refused
		// (412) and counts as written.
		again := c.Unique("s3-json-again")
		rec := &refusals{Client: m.client}
		h = connectortest.StartSink(t, NewConnector(logs, WithClient(rec)), m.config(c, again, topic, overrides))
		waitCommitted(t, c, "connect-"+again, topic, 2, 100)
		require.NoError(t, h.Stop())
		assert.Equal(t, 20, rec.count())
		assert.Equal(t, want, m.keys(t, "topics/"+topic+"/"))
	})

	t.Run("multipart objects are written once", func(t *testing.T) {
		topic := c.Unique("blobs")
		c.CreateTopic(t, topic, 1)
		const mib = 1 << 20
		var want []byte
		c.ProduceN(t, topic, 12, func(i int) connectortest.Record {
			v := bytes.Repeat([]byte{byte('a' + i)}, mib)
			if i < 6 {
				want = append(append(want, v...), '\n')
			}
			return connectortest.Record{Topic: topic, Value: v}
		})
		overrides := map[string]string{
			FormatClassConfig: ByteArrayFormatClass,
			FlushSizeConfig:   "6",
			PartSizeConfig:    fmt.Sprint(5 * mib),
			SendDigestConfig:  "true",
			"consumer.override.max.partition.fetch.bytes": fmt.Sprint(2 * mib),
		}
		first := c.Unique("s3-blobs-1")
		h := connectortest.StartSink(t, NewConnector(logs), m.config(c, first, topic, overrides))
		waitCommitted(t, c, "connect-"+first, topic, 1, 12)
		require.NoError(t, h.Stop())
		keys := m.keys(t, "topics/"+topic+"/")
		require.Len(t, keys, 2)
		assert.Equal(t, want, m.get(t, keys[0]))
		etags := []string{m.etag(t, keys[0]), m.etag(t, keys[1])}
		assert.Contains(t, etags[0], "-2", "a multipart object of two parts")

		// A second connector reads the same records and writes the same
		// names: MinIO refuses to overwrite (412), which counts as written.
		second := c.Unique("s3-blobs-2")
		rec := &refusals{Client: m.client}
		h = connectortest.StartSink(t, NewConnector(logs, WithClient(rec)), m.config(c, second, topic, overrides))
		waitCommitted(t, c, "connect-"+second, topic, 1, 12)
		require.NoError(t, h.Stop())
		assert.Equal(t, etags, []string{m.etag(t, keys[0]), m.etag(t, keys[1])}, "the objects were not rewritten")
		assert.Equal(t, 2, rec.count(), "MinIO refused both completions with 412 Precondition Failed")
		assert.Zero(t, m.openUploads(t), "no multipart upload is left behind")
	})

	t.Run("restart after a failure mid-stream", func(t *testing.T) {
		topic, name := c.Unique("restart"), c.Unique("s3-restart")
		const partitions, n = 2, 100
		c.CreateTopic(t, topic, partitions)
		produce(t, c, topic, partitions, n)
		cfg := m.config(c, name, topic, map[string]string{
			FormatClassConfig:                    ByteArrayFormatClass,
			FlushSizeConfig:                      "10",
			"consumer.override.max.poll.records": "7",
		})
		// The sixth object fails for good: the task dies mid-stream.
		h := connectortest.StartSink(t, NewConnector(logs, WithClient(&failing{Client: m.client, after: 5})), cfg)
		c.WaitFor(t, 60*time.Second, func() bool { return h.TaskState(0) == connect.StateFailed }, "the task to fail")
		_ = h.Stop()
		written := len(m.keys(t, "topics/"+topic+"/"))
		require.Less(t, written, partitions*n/10)

		h = connectortest.StartSink(t, NewConnector(logs), cfg)
		waitCommitted(t, c, "connect-"+name, topic, partitions, n)
		require.NoError(t, h.Stop())
		want := expectedObjects(topic, partitions, n)
		for key, content := range want {
			assert.Equal(t, content, string(m.get(t, key)), "content of %s", key)
		}
		assert.Equal(t, slices.Sorted(maps.Keys(want)), m.keys(t, "topics/"+topic+"/"), "exactly the expected objects")
		assert.Zero(t, m.openUploads(t))
		t.Logf("the first run wrote %d of %d objects", written, partitions*n/10)
	})

	t.Run("uploads left by a killed owner are aborted", func(t *testing.T) {
		topic, name := c.Unique("leftovers"), c.Unique("s3-leftovers")
		c.CreateTopic(t, topic, 1)
		produce(t, c, topic, 1, 20)
		ctx := context.Background()
		start := func(key string) {
			_, err := m.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &m.bucket, Key: &key})
			require.NoError(t, err)
		}
		for _, off := range []int{0, 10, 20} {
			start(fmt.Sprintf("topics/%s/partition=0/%s+0+%010d.bin", topic, topic, off))
		}
		other := fmt.Sprintf("topics/%s-other/partition=0/%s-other+0+0000000000.bin", topic, topic)
		start(other)
		require.Equal(t, 4, m.openUploads(t))
		h := connectortest.StartSink(t, NewConnector(logs), m.config(c, name, topic, map[string]string{
			FormatClassConfig: ByteArrayFormatClass, FlushSizeConfig: "10"}))
		waitCommitted(t, c, "connect-"+name, topic, 1, 20)
		require.NoError(t, h.Stop())
		out, err := m.client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: &m.bucket})
		require.NoError(t, err)
		var left []string
		for _, u := range out.Uploads {
			left = append(left, *u.Key)
		}
		assert.Equal(t, []string{other}, left, "only the other topic's upload is left")
		for _, u := range out.Uploads {
			_, _ = m.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &m.bucket, Key: u.Key, UploadId: u.UploadId})
		}
	})

	t.Run("start fails clearly", func(t *testing.T) {
		for _, tc := range []struct {
			name      string
			overrides map[string]string
			want      string
		}{
			{"missing bucket", map[string]string{BucketConfig: c.Unique("no-such-bucket")}, "does not exist"},
			{"bad credentials", map[string]string{SecretAccessKeyConfig: "not-the-secret"}, "denied"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				topic := c.Unique("start-" + strings.ReplaceAll(tc.name, " ", "-"))
				c.CreateTopic(t, topic, 1)
				overrides := map[string]string{FormatClassConfig: JSONFormatClass, FlushSizeConfig: "1"}
				maps.Copy(overrides, tc.overrides)
				h := connectortest.StartSink(t, NewConnector(logs), m.config(c, c.Unique("s3-"+topic), topic, overrides))
				c.WaitFor(t, 30*time.Second, func() bool { return h.TaskState(0) == connect.StateFailed }, "the task to fail at start")
				st := h.Status()
				require.NotNil(t, st.Tasks[0].Err)
				assert.Contains(t, st.Tasks[0].Err.Error(), tc.want)
				assert.NotContains(t, st.Tasks[0].Err.Error(), m.srv.SecretKey)
				_ = h.Stop()
			})
		}
	})
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	var out bytes.Buffer
	zr, err := gzip.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	_, err = io.Copy(&out, zr)
	require.NoError(t, err)
	return out.String()
}

// refusals counts the conditional writes the store refused.
type refusals struct {
	*s3.Client
	mu sync.Mutex
	n  int
}

func (r *refusals) note(err error) {
	if isPreconditionFailed(err) {
		r.mu.Lock()
		r.n++
		r.mu.Unlock()
	}
}

func (r *refusals) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

func (r *refusals) PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	out, err := r.Client.PutObject(ctx, in, opts...)
	r.note(err)
	return out, err
}

func (r *refusals) CompleteMultipartUpload(ctx context.Context, in *s3.CompleteMultipartUploadInput, opts ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error) {
	out, err := r.Client.CompleteMultipartUpload(ctx, in, opts...)
	r.note(err)
	return out, err
}

// failing lets the first PutObjects through, then fails every one.
type failing struct {
	*s3.Client
	mu    sync.Mutex
	after int
}

func (f *failing) PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	f.mu.Lock()
	fail := f.after <= 0
	f.after--
	f.mu.Unlock()
	if fail {
		return nil, errors.New("injected failure")
	}
	return f.Client.PutObject(ctx, in, opts...)
}
