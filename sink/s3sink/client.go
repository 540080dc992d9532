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
	// ListMultipartUploads finds the incomplete uploads that an earlier
	// owner of a partition left behind (killed, say), for Open to abort.
	ListMultipartUploads(ctx context.Context, in *s3.ListMultipartUploadsInput, optFns ...func(*s3.Options)) (*s3.ListMultipartUploadsOutput, error)
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
// the SDK's standard retryer decides, a request cut off by
// s3.request.timeout.ms, and a conditional write that raced another (409
// ConditionalRequestConflict). A cancelled ctx is final.
func retryable(err error) bool {
	var te *timeoutError
	if errors.As(err, &te) {
		return true
	}
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

// retrier runs S3 calls with s3.part.retries retries, each attempt with
// its own deadline (s3.request.timeout.ms).
type retrier struct {
	retries int
	backoff time.Duration
	timeout time.Duration // per attempt; 0: none
	clock   Clock
	log     *slog.Logger
}

// timeoutError is an attempt cut off by s3.request.timeout.ms: the store
// did not answer in time. Unlike a cancelled task context it is retried.
type timeoutError struct {
	timeout time.Duration
	err     error
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("no answer within %v (%s): %v", e.timeout, RequestTimeoutConfig, e.err)
}

func (e *timeoutError) Unwrap() error { return e.err }

// do calls fn until it succeeds, fails with an error that retrying cannot
// fix, or has been retried r.retries times. Between attempts it waits
// backoff·2^n with full jitter over the upper half. op and key name the
// call in the log: each retry is logged with its attempt number and the
// cause (HTTP status, S3 error code, error), and so is giving up after
// retries. A first failure that is not retried is left to the caller.
func (r *retrier) do(ctx context.Context, op, key string, fn func(context.Context) error) error {
	for attempt := 1; ; attempt++ {
		err := r.attempt(ctx, fn)
		if err == nil {
			if attempt > 1 {
				r.logger().Info("S3 request succeeded after retries", "op", op, "key", key, "attempt", attempt)
			}
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		attrs := []any{"op", op, "key", key, "attempt", attempt, "max_attempts", r.retries + 1,
			"status", httpStatus(err), "code", errorCode(err), "err", err}
		if attempt > r.retries || !retryable(err) {
			if attempt > 1 {
				r.logger().Warn("S3 request failed; giving up", attrs...)
			}
			return err
		}
		d := r.delay(attempt - 1)
		r.logger().Warn("S3 request failed; retrying", append(attrs, "backoff", d)...)
		if serr := r.clock.Sleep(ctx, d); serr != nil {
			return errors.Join(err, serr)
		}
	}
}

// attempt runs fn once, under the request deadline.
func (r *retrier) attempt(ctx context.Context, fn func(context.Context) error) error {
	if r.timeout <= 0 {
		return fn(ctx)
	}
	actx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	err := fn(actx)
	if err != nil && ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		return &timeoutError{timeout: r.timeout, err: err}
	}
	return err
}

func (r *retrier) logger() *slog.Logger {
	if r.log == nil {
		return slog.Default()
	}
	return r.log
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
