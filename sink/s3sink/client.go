package s3sink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/connectkit/connectkit/internal/logs"
)

// Client is the part of the S3 API the connector uses. *s3.Client
// satisfies it; tests pass a fake through [WithClient].
type Client interface {
	HeadBucket(ctx context.Context, in *s3.HeadBucketInput, optFns ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	CreateMultipartUpload(ctx context.Context, in *s3.CreateMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error)
	UploadPart(ctx context.Context, in *s3.UploadPartInput, optFns ...func(*s3.Options)) (*s3.UploadPartOutput, error)
	CompleteMultipartUpload(ctx context.Context, in *s3.CompleteMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error)
	AbortMultipartUpload(ctx context.Context, in *s3.AbortMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error)
	// HeadObject tells whether a multipart upload whose completion was
	// retried had in fact completed.
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, optFns ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
}

var _ Client = (*s3.Client)(nil)

// newClient builds the S3 client the settings describe. The SDK's own
// retries are off: the connector retries itself (s3.part.retries), so that
// one policy, with its backoff, applies to every call.
func newClient(ctx context.Context, s *settings, log *slog.Logger) (*s3.Client, error) {
	opts := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithRegion(s.region),
		awsconfig.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
		// The SDK's warnings go to the task's log, not to the standard error.
		awsconfig.WithLogger(logs.AWS(log)),
	}
	if s.accessKeyID != "" {
		opts = append(opts, awsconfig.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(s.accessKeyID, s.secretAccessKey.Value(), "")))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("s3sink: load AWS configuration: %w", err)
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = s.pathStyle
		o.UseAccelerate = s.wanMode
		if s.storeURL != "" {
			u := s.storeURL
			if !strings.Contains(u, "://") {
				u = "https://" + u // as Confluent's connector does
			}
			o.BaseEndpoint = aws.String(u)
		}
		// Checksums only where S3 requires them: the default trailing
		// checksums are refused by some S3-compatible stores, and
		// s3.send.digest adds Content-MD5 where asked.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	}), nil
}

// httpStatus returns the HTTP status of a failed S3 call, or 0.
func httpStatus(err error) int {
	var hs interface{ HTTPStatusCode() int }
	if errors.As(err, &hs) {
		return hs.HTTPStatusCode()
	}
	return 0
}

// errorCode returns S3's error code, such as "SlowDown", or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// isPreconditionFailed reports a conditional write refused because the
// object exists.
func isPreconditionFailed(err error) bool {
	return httpStatus(err) == 412 || errorCode(err) == "PreconditionFailed"
}

var sdkRetryables = retry.IsErrorRetryables(retry.DefaultRetryables)

// retryable reports whether a failed call may succeed if repeated:
// throttling (503 SlowDown), other 5xx, timeouts and broken connections, as
// the SDK's standard retryer decides, and a conditional write that raced
// another (409 ConditionalRequestConflict). A cancelled ctx is final.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errorCode(err) == "ConditionalRequestConflict" || httpStatus(err) == 429 {
		return true
	}
	return sdkRetryables.IsErrorRetryable(err) == aws.TrueTernary
}

// maxRetryDelay caps the exponential backoff between attempts (Confluent's
// is a day, which only hides a dead store).
const maxRetryDelay = 20 * time.Second

// retrier runs S3 calls with s3.part.retries retries.
type retrier struct {
	retries int
	backoff time.Duration
	clock   Clock
}

// do calls fn until it succeeds, fails with an error that retrying cannot
// fix, or has been retried r.retries times. Between attempts it waits
// backoff·2^n with full jitter over the upper half.
func (r *retrier) do(ctx context.Context, fn func() error) error {
	for attempt := 0; ; attempt++ {
		err := fn()
		if err == nil || attempt >= r.retries || !retryable(err) {
			return err
		}
		d := r.delay(attempt)
		if serr := r.clock.Sleep(ctx, d); serr != nil {
			return errors.Join(err, serr)
		}
	}
}

func (r *retrier) delay(attempt int) time.Duration {
	d := r.backoff << min(attempt, 30)
	if d > maxRetryDelay || d < 0 {
		d = maxRetryDelay
	}
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}
