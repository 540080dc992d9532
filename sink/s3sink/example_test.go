package s3sink_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/sink/s3sink"
)

// memS3 keeps objects in memory: enough of S3 for objects smaller than a
// part, which are written with one PutObject. Under the sink runtime the
// task gets a real *s3.Client built from its settings instead.
type memS3 struct {
	mu      sync.Mutex
	objects map[string]string
}

func (m *memS3) HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	return &s3.HeadBucketOutput{}, nil
}

func (m *memS3) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	body, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objects[*in.Key] = string(body)
	return &s3.PutObjectOutput{}, nil
}

var errMultipart = errors.New("memS3: no multipart uploads")

func (m *memS3) CreateMultipartUpload(context.Context, *s3.CreateMultipartUploadInput, ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error) {
	return nil, errMultipart
}

func (m *memS3) UploadPart(context.Context, *s3.UploadPartInput, ...func(*s3.Options)) (*s3.UploadPartOutput, error) {
	return nil, errMultipart
}

func (m *memS3) CompleteMultipartUpload(context.Context, *s3.CompleteMultipartUploadInput, ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error) {
	return nil, errMultipart
}

func (m *memS3) AbortMultipartUpload(context.Context, *s3.AbortMultipartUploadInput, ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
	return nil, errMultipart
}

func (m *memS3) HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	return nil, errors.New("memS3: no HeadObject")
}

// ListMultipartUploads finds none: memS3 has no multipart uploads.
func (m *memS3) ListMultipartUploads(context.Context, *s3.ListMultipartUploadsInput, ...func(*s3.Options)) (*s3.ListMultipartUploadsOutput, error) {
	return &s3.ListMultipartUploadsOutput{}, nil
}

// The task on its own, as the sink runtime drives it: Put writes records
// into objects, which are uploaded when flush.size records are in; PreCommit
// says how far offsets may be committed, never past an object still open.
func Example() {
	store := &memS3{objects: map[string]string{}}
	task := s3sink.NewTask(s3sink.WithClient(store))
	ctx := context.Background()
	err := task.Start(ctx, map[string]string{
		"s3.bucket.name": "orders-archive",
		"format.class":   "io.confluent.connect.s3.format.json.JsonFormat",
		"flush.size":     "2",
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = task.Stop(ctx) }()

	err = task.Put(ctx, []connect.SinkRecord{
		{Topic: "orders", Partition: 0, Offset: 0, Value: map[string]any{"id": int64(1), "total": 9.5}},
		{Topic: "orders", Partition: 0, Offset: 1, Value: map[string]any{"id": int64(2), "total": 12.0}},
		{Topic: "orders", Partition: 0, Offset: 2, Value: map[string]any{"id": int64(3), "total": 3.25}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	orders0 := connect.TopicPartition{Topic: "orders", Partition: 0}
	safe, err := task.PreCommit(ctx, map[connect.TopicPartition]int64{orders0: 3})
	if err != nil {
		fmt.Println(err)
		return
	}

	keys := make([]string, 0, len(store.objects))
	for k := range store.objects {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Printf("%s\n%s", k, store.objects[k])
	}
	fmt.Println("offsets may be committed up to", safe[orders0])
	// Output:
	// topics/orders/partition=0/orders+0+0000000000.json
	// {"id":1,"total":9.5}
	// {"id":2,"total":12.0}
	// offsets may be committed up to 2
}
