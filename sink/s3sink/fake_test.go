package s3sink

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/connectkit/connectkit/connect"
)

// fakeS3 is an in-memory S3 for tests: one bucket namespace, objects,
// multipart uploads, If-None-Match, and injected faults. It is safe for
// concurrent use, as uploads run in parallel.
type fakeS3 struct {
	mu      sync.Mutex
	buckets map[string]bool
	objects map[string][]byte      // by bucket/key
	writes  map[string]int         // objects created, by bucket/key
	uploads map[string]*fakeUpload // by upload ID
	calls   []fakeCall             // every call, in order
	faults  map[string][]error     // by operation: errors for the next calls
	byKey   map[string][]error     // by operation and key: errors for the next calls on that object
	always  map[string]error       // by operation: an error for every call
	hook    func(op, key string)   // called (unlocked) at the start of each call
	nextID  int
	noCond  bool // ignore If-None-Match, as stores without conditional writes do
	inFlite int
	maxFlit int
}

type fakeUpload struct {
	bucket, key string
	parts       map[int32][]byte
}

type fakeCall struct {
	Op          string
	Key         string
	IfNoneMatch bool
	Part        int32
	Size        int
	SSEC        bool
}

func newFakeS3(buckets ...string) *fakeS3 {
	f := &fakeS3{buckets: map[string]bool{}, objects: map[string][]byte{}, writes: map[string]int{},
		uploads: map[string]*fakeUpload{}, faults: map[string][]error{}, byKey: map[string][]error{}, always: map[string]error{}}
	for _, b := range buckets {
		f.buckets[b] = true
	}
	return f
}

// s3Error builds an error shaped as the SDK returns them, with an HTTP
// status and an S3 error code.
func s3Error(status int, code string) error {
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
		Err:      &smithy.GenericAPIError{Code: code, Message: "fake " + code},
	}}
}

// failNext makes the next len(errs) calls of op fail with errs, in order.
func (f *fakeS3) failNext(op string, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[op] = append(f.faults[op], errs...)
}

// failNextOn makes the next len(errs) calls of op on object key fail with
// errs, in order, whatever the other objects' calls do meanwhile.
func (f *fakeS3) failNextOn(op, key string, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.byKey[op+" "+key] = append(f.byKey[op+" "+key], errs...)
}

// failAlways makes every call of op fail with err; nil stops it.
func (f *fakeS3) failAlways(op string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err == nil {
		delete(f.always, op)
		return
	}
	f.always[op] = err
}

// enter records a call and returns its injected fault, if any. It must be
// called with f.mu held.
func (f *fakeS3) enter(c fakeCall) error {
	f.calls = append(f.calls, c)
	if q := f.byKey[c.Op+" "+c.Key]; len(q) > 0 {
		f.byKey[c.Op+" "+c.Key] = q[1:]
		return q[0]
	}
	if q := f.faults[c.Op]; len(q) > 0 {
		f.faults[c.Op] = q[1:]
		return q[0]
	}
	return f.always[c.Op]
}

func (f *fakeS3) begin(op, key string) {
	f.mu.Lock()
	f.inFlite++
	f.maxFlit = max(f.maxFlit, f.inFlite)
	hook := f.hook
	f.mu.Unlock()
	if hook != nil {
		hook(op, key)
	}
}

func (f *fakeS3) end() {
	f.mu.Lock()
	f.inFlite--
	f.mu.Unlock()
}

func objKey(bucket, key string) string { return bucket + "/" + key }

func (f *fakeS3) HeadBucket(ctx context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(fakeCall{Op: "HeadBucket"}); err != nil {
		return nil, err
	}
	if !f.buckets[*in.Bucket] {
		return nil, s3Error(404, "NotFound")
	}
	return &s3.HeadBucketOutput{}, nil
}

func (f *fakeS3) HeadObject(ctx context.Context, in *s3.HeadObjectInput, _ ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(fakeCall{Op: "HeadObject", Key: *in.Key}); err != nil {
		return nil, err
	}
	b, ok := f.objects[objKey(*in.Bucket, *in.Key)]
	if !ok {
		return nil, s3Error(404, "NotFound")
	}
	n := int64(len(b))
	return &s3.HeadObjectOutput{ContentLength: &n}, nil
}

func (f *fakeS3) PutObject(ctx context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	f.begin("PutObject", *in.Key)
	defer f.end()
	body, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	cond := in.IfNoneMatch != nil && *in.IfNoneMatch == "*"
	if err := f.enter(fakeCall{Op: "PutObject", Key: *in.Key, IfNoneMatch: cond, Size: len(body), SSEC: in.SSECustomerKey != nil}); err != nil {
		return nil, err
	}
	if !f.buckets[*in.Bucket] {
		return nil, s3Error(404, "NoSuchBucket")
	}
	k := objKey(*in.Bucket, *in.Key)
	if _, exists := f.objects[k]; exists && cond && !f.noCond {
		return nil, s3Error(412, "PreconditionFailed")
	}
	f.objects[k] = body
	f.writes[k]++
	return &s3.PutObjectOutput{}, nil
}

func (f *fakeS3) CreateMultipartUpload(ctx context.Context, in *s3.CreateMultipartUploadInput, _ ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error) {
	f.begin("CreateMultipartUpload", *in.Key)
	defer f.end()
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(fakeCall{Op: "CreateMultipartUpload", Key: *in.Key, SSEC: in.SSECustomerKey != nil}); err != nil {
		return nil, err
	}
	if !f.buckets[*in.Bucket] {
		return nil, s3Error(404, "NoSuchBucket")
	}
	f.nextID++
	id := "upload-" + strconv.Itoa(f.nextID)
	f.uploads[id] = &fakeUpload{bucket: *in.Bucket, key: *in.Key, parts: map[int32][]byte{}}
	return &s3.CreateMultipartUploadOutput{UploadId: &id}, nil
}

func (f *fakeS3) UploadPart(ctx context.Context, in *s3.UploadPartInput, _ ...func(*s3.Options)) (*s3.UploadPartOutput, error) {
	f.begin("UploadPart", *in.Key)
	defer f.end()
	body, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(fakeCall{Op: "UploadPart", Key: *in.Key, Part: *in.PartNumber, Size: len(body), SSEC: in.SSECustomerKey != nil}); err != nil {
		return nil, err
	}
	u := f.uploads[*in.UploadId]
	if u == nil || u.key != *in.Key {
		return nil, s3Error(404, "NoSuchUpload")
	}
	u.parts[*in.PartNumber] = body
	etag := `"etag-` + strconv.Itoa(int(*in.PartNumber)) + `"`
	return &s3.UploadPartOutput{ETag: &etag}, nil
}

func (f *fakeS3) CompleteMultipartUpload(ctx context.Context, in *s3.CompleteMultipartUploadInput, _ ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error) {
	f.begin("CompleteMultipartUpload", *in.Key)
	defer f.end()
	f.mu.Lock()
	defer f.mu.Unlock()
	cond := in.IfNoneMatch != nil && *in.IfNoneMatch == "*"
	if err := f.enter(fakeCall{Op: "CompleteMultipartUpload", Key: *in.Key, IfNoneMatch: cond}); err != nil {
		return nil, err
	}
	u := f.uploads[*in.UploadId]
	if u == nil || u.key != *in.Key {
		return nil, s3Error(404, "NoSuchUpload")
	}
	k := objKey(u.bucket, u.key)
	if _, exists := f.objects[k]; exists && cond && !f.noCond {
		return nil, s3Error(412, "PreconditionFailed")
	}
	var body []byte
	for i, p := range in.MultipartUpload.Parts {
		if *p.PartNumber != int32(i+1) {
			return nil, s3Error(400, "InvalidPartOrder")
		}
		data, ok := u.parts[*p.PartNumber]
		if !ok {
			return nil, s3Error(400, "InvalidPart")
		}
		if i < len(in.MultipartUpload.Parts)-1 && len(data) < minPartSize {
			return nil, s3Error(400, "EntityTooSmall")
		}
		body = append(body, data...)
	}
	f.objects[k] = body
	f.writes[k]++
	delete(f.uploads, *in.UploadId)
	return &s3.CompleteMultipartUploadOutput{}, nil
}

func (f *fakeS3) AbortMultipartUpload(ctx context.Context, in *s3.AbortMultipartUploadInput, _ ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(fakeCall{Op: "AbortMultipartUpload", Key: *in.Key}); err != nil {
		return nil, err
	}
	if _, ok := f.uploads[*in.UploadId]; !ok {
		return nil, s3Error(404, "NoSuchUpload")
	}
	delete(f.uploads, *in.UploadId)
	return &s3.AbortMultipartUploadOutput{}, nil
}

func (f *fakeS3) ListMultipartUploads(ctx context.Context, in *s3.ListMultipartUploadsInput, _ ...func(*s3.Options)) (*s3.ListMultipartUploadsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	prefix := aws.ToString(in.Prefix)
	if err := f.enter(fakeCall{Op: "ListMultipartUploads", Key: prefix}); err != nil {
		return nil, err
	}
	out := &s3.ListMultipartUploadsOutput{IsTruncated: aws.Bool(false)}
	for _, id := range slices.Sorted(maps.Keys(f.uploads)) {
		u := f.uploads[id]
		if u.bucket == *in.Bucket && strings.HasPrefix(u.key, prefix) {
			out.Uploads = append(out.Uploads, types.MultipartUpload{Key: aws.String(u.key), UploadId: aws.String(id)})
		}
	}
	return out, nil
}

// startUpload leaves an incomplete multipart upload of key, as a killed
// process would.
func (f *fakeS3) startUpload(bucket, key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	f.uploads["upload-"+strconv.Itoa(f.nextID)] = &fakeUpload{bucket: bucket, key: key, parts: map[int32][]byte{1: []byte("stale")}}
}

// put stores an object directly, as another writer would have.
func (f *fakeS3) put(bucket, key string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[objKey(bucket, key)] = body
}

// keys returns the keys of bucket's objects, sorted.
func (f *fakeS3) keys(bucket string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for k := range f.objects {
		if rest, ok := strings.CutPrefix(k, bucket+"/"); ok {
			out = append(out, rest)
		}
	}
	slices.Sort(out)
	return out
}

func (f *fakeS3) object(bucket, key string) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return bytes.Clone(f.objects[objKey(bucket, key)])
}

func (f *fakeS3) writeCount(bucket, key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.writes[objKey(bucket, key)]
}

// openUploads returns the keys of multipart uploads neither completed nor
// aborted.
func (f *fakeS3) openUploads() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, u := range f.uploads {
		out = append(out, u.key)
	}
	slices.Sort(out)
	return out
}

// callsOf returns the calls of op, in order.
func (f *fakeS3) callsOf(op string) []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeCall
	for _, c := range f.calls {
		if c.Op == op {
			out = append(out, c)
		}
	}
	return out
}

// lines returns the lines of every object in bucket, for read-back checks.
func (f *fakeS3) lines(bucket string) [][]byte {
	var out [][]byte
	for _, k := range f.keys(bucket) {
		for _, l := range bytes.Split(f.object(bucket, k), []byte("\n")) {
			if len(l) > 0 {
				out = append(out, l)
			}
		}
	}
	return out
}

// fakeClock is a clock moved by hand; Sleep records the wait and moves
// the clock by it, at once.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock(now time.Time) *fakeClock { return &fakeClock{now: now} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

// fakeContext is a task context that records rewinds, with an assignment
// set by hand.
type fakeContext struct {
	mu       sync.Mutex
	config   map[string]string
	assigned []connect.TopicPartition
	rewinds  map[connect.TopicPartition]int64
	reported []*connect.SinkRecord
}

func newFakeContext(config map[string]string) *fakeContext {
	return &fakeContext{config: config, rewinds: map[connect.TopicPartition]int64{}}
}

func (c *fakeContext) Config() map[string]string { return c.config }
func (c *fakeContext) Assignment() []connect.TopicPartition {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.assigned)
}

// assign sets the assignment, as the runtime does around Open and Close.
func (c *fakeContext) assign(tps ...connect.TopicPartition) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.assigned = tps
}
func (c *fakeContext) Pause(...connect.TopicPartition)  {}
func (c *fakeContext) Resume(...connect.TopicPartition) {}
func (c *fakeContext) RequestCommit()                   {}
func (c *fakeContext) Timeout(time.Duration)            {}
func (c *fakeContext) Offset(tp connect.TopicPartition, off int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rewinds[tp] = off
}
func (c *fakeContext) ErrantRecordReporter() connect.ErrantRecordReporter { return c }
func (c *fakeContext) Report(_ context.Context, r *connect.SinkRecord, _ error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reported = append(c.reported, r)
	return nil
}

func (c *fakeContext) takeRewinds() map[connect.TopicPartition]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.rewinds
	c.rewinds = map[connect.TopicPartition]int64{}
	return r
}
