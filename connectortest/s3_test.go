package connectortest_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connectortest"
)

func TestLocalS3(t *testing.T) {
	ctx := context.Background()
	srv := connectortest.NewS3(t, "bucket")
	c := srv.Client()

	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String("a/one"),
		Body: bytes.NewReader([]byte("1")), IfNoneMatch: aws.String("*")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String("a/one"),
		Body: bytes.NewReader([]byte("2")), IfNoneMatch: aws.String("*")})
	assert.Error(t, err, "a conditional write over an existing object is refused")

	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("bucket"), Key: aws.String("a/two")})
	require.NoError(t, err)
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("bucket"), Key: aws.String("a/two"),
		UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: bytes.NewReader([]byte("multi"))})
	require.NoError(t, err)
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bucket"), Key: aws.String("a/two"),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{
			Parts: []types.CompletedPart{{ETag: part.ETag, PartNumber: aws.Int32(1)}}}})
	require.NoError(t, err)

	keys, err := srv.Keys(ctx, "bucket", "a/")
	require.NoError(t, err)
	assert.Equal(t, []string{"a/one", "a/two"}, keys)
	got, err := srv.Object(ctx, "bucket", "a/one")
	require.NoError(t, err)
	assert.Equal(t, "1", string(got), "the refused write left the object as it was")
	got, err = srv.Object(ctx, "bucket", "a/two")
	require.NoError(t, err)
	assert.Equal(t, "multi", string(got))

	require.NoError(t, srv.CreateBucket(ctx, "other"))
	require.NoError(t, srv.CreateBucket(ctx, "other"), "creating a bucket twice is not an error")
	_, err = srv.Keys(ctx, "missing", "")
	assert.Error(t, err)
}
