package connectortest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// LocalS3 is an S3-compatible server that runs inside the process and keeps
// its objects in memory (gofakes3). It speaks the S3 HTTP protocol on a
// loopback port, so code under test uses the real AWS SDK client against
// it, multipart uploads and conditional writes included. It is for tests,
// examples and benchmarks: it does not check signatures or credentials.
type LocalS3 struct {
	S3Server
	srv *http.Server
	ln  net.Listener
}

// NewS3 starts a [LocalS3] holding the given (empty) buckets and stops it
// when the test ends.
func NewS3(t testing.TB, buckets ...string) *LocalS3 {
	t.Helper()
	s, err := StartS3(buckets...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// StartS3 starts a [LocalS3] holding the given (empty) buckets. The caller
// must Close it.
func StartS3(buckets ...string) (*LocalS3, error) {
	backend := s3mem.New()
	for _, b := range buckets {
		if err := backend.CreateBucket(b); err != nil {
			return nil, fmt.Errorf("connectortest: create bucket %q: %w", b, err)
		}
	}
	fake := gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog()))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("connectortest: listen for S3: %w", err)
	}
	s := &LocalS3{
		S3Server: S3Server{Endpoint: "http://" + ln.Addr().String(), Region: "us-east-1",
			AccessKey: "connectortest", SecretKey: "connectortest"},
		srv: &http.Server{Handler: fake.Server(), ReadHeaderTimeout: 10 * time.Second},
		ln:  ln,
	}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server and drops its objects.
func (s *LocalS3) Close() { _ = s.srv.Close() }

// Client returns an AWS SDK client for the server: path-style addressing,
// static credentials, no retries beyond the SDK's defaults.
func (s S3Server) Client() *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint: aws.String(s.Endpoint),
		Region:       s.Region,
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
	})
}

// Keys lists the keys of a bucket's objects under prefix, sorted.
func (s S3Server) Keys(ctx context.Context, bucket, prefix string) ([]string, error) {
	c := s.Client()
	var keys []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("connectortest: list s3://%s/%s: %w", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	slices.Sort(keys)
	return keys, nil
}

// Object returns the content of an object.
func (s S3Server) Object(ctx context.Context, bucket, key string) ([]byte, error) {
	out, err := s.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		return nil, fmt.Errorf("connectortest: get s3://%s/%s: %w", bucket, key, err)
	}
	defer func() { _ = out.Body.Close() }() // read-only: nothing to lose
	b, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, fmt.Errorf("connectortest: read s3://%s/%s: %w", bucket, key, err)
	}
	return b, nil
}

// CreateBucket creates a bucket; one that exists already is not an error.
func (s S3Server) CreateBucket(ctx context.Context, bucket string) error {
	_, err := s.Client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	var owned interface{ ErrorCode() string }
	if errors.As(err, &owned) && (owned.ErrorCode() == "BucketAlreadyOwnedByYou" || owned.ErrorCode() == "BucketAlreadyExists") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("connectortest: create bucket %q: %w", bucket, err)
	}
	return nil
}
