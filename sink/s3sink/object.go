package s3sink

import (
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// object is one object being written: the records of one encoded partition
// of one Kafka partition, from its start offset. Records are encoded into
// buf as they arrive; whenever buf holds a whole part it is cut off and
// waits in parts for the next upload, so an open object holds at most the
// bytes not yet uploaded.
//
// The task's goroutine writes records and seals objects; an upload job
// (see uploader.run) owns the object while it runs, never both at once.
type object struct {
	key   string
	start int64
	w     RecordWriter // nil for keys and headers objects, written a line at a time (writeLine)
	gz    *gzip.Writer

	buf      chunks   // encoded bytes not yet cut into parts
	parts    []chunks // whole parts waiting for upload, oldest first
	uploadID string   // of the multipart upload, once created
	done     []types.CompletedPart
	sealed   bool // every record is written and buf holds the tail
	complete bool // the object is in S3
	written  *int // the task's count of bytes written, for s3.buffer.memory.bytes
}

// Write appends encoded bytes, for the format (or the gzip stream).
func (o *object) Write(p []byte) (int, error) {
	o.buf.write(p)
	if o.written != nil {
		*o.written += len(p)
	}
	return len(p), nil
}

// writeLine appends an encoded line, through gzip if the object is
// compressed. It cannot fail: the bytes only go to memory.
func (o *object) writeLine(b []byte) {
	if o.gz != nil {
		_, _ = o.gz.Write(b)
		return
	}
	_, _ = o.Write(b)
}

// cut moves whole parts out of buf and returns how many bytes it moved.
func (o *object) cut(partSize int) int {
	moved := 0
	for o.buf.n >= partSize {
		o.parts = append(o.parts, o.buf.cut(partSize))
		moved += partSize
	}
	return moved
}

// chunkSize is the size of the buffers an object's bytes are held in. Held
// in chunks rather than one slice, the data never moves as it grows, and a
// part is cut off without a copy; a small object holds one small chunk.
const chunkSize = 64 << 10

// chunks is a byte sequence held in buffers of at most chunkSize bytes.
type chunks struct {
	c [][]byte
	n int
}

func (b *chunks) write(p []byte) {
	b.n += len(p)
	for len(p) > 0 {
		if len(b.c) == 0 || len(b.c[len(b.c)-1]) >= chunkSize {
			// The first chunk grows with the data, so a small object stays
			// small; later ones are allocated whole, as growing them by
			// doubling would leave as much garbage as data.
			var c []byte
			if len(b.c) > 0 {
				c = make([]byte, 0, chunkSize)
			}
			b.c = append(b.c, c)
		}
		last := &b.c[len(b.c)-1]
		k := min(chunkSize-len(*last), len(p))
		*last = append(*last, p[:k]...)
		p = p[k:]
	}
}

// cut removes and returns the first n bytes, n <= b.n. A chunk that
// straddles the cut is shared: the part keeps its head, b its tail.
func (b *chunks) cut(n int) chunks {
	part := chunks{n: n}
	b.n -= n
	for n > 0 {
		c := b.c[0]
		if len(c) <= n {
			part.c = append(part.c, c)
			b.c[0] = nil
			b.c = b.c[1:]
			n -= len(c)
			continue
		}
		part.c = append(part.c, c[:n:n])
		b.c[0] = c[n:]
		n = 0
	}
	return part
}

// reader returns a reader of the bytes that can seek, as the SDK needs for
// signing, checksums and retries.
func (b chunks) reader() *chunkReader { return &chunkReader{c: b.c, size: int64(b.n)} }

func (b chunks) md5() *string {
	h := md5.New()
	for _, c := range b.c {
		h.Write(c)
	}
	return aws.String(base64.StdEncoding.EncodeToString(h.Sum(nil)))
}

// chunkReader is an io.ReadSeeker over chunks.
type chunkReader struct {
	c    [][]byte
	size int64
	off  int64 // of the next byte to read
	i    int   // chunk holding off
	in   int   // offset of off within chunk i
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if r.off >= r.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.i < len(r.c) {
		k := copy(p[n:], r.c[r.i][r.in:])
		n += k
		r.in += k
		if r.in == len(r.c[r.i]) {
			r.i, r.in = r.i+1, 0
		}
	}
	r.off += int64(n)
	return n, nil
}

func (r *chunkReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += r.off
	case io.SeekEnd:
		offset += r.size
	}
	if offset < 0 {
		return 0, errors.New("s3sink: seek before the start")
	}
	r.off, r.i = offset, 0
	for offset > 0 && r.i < len(r.c) && offset >= int64(len(r.c[r.i])) {
		offset -= int64(len(r.c[r.i]))
		r.i++
	}
	r.in = int(offset) // past the end when r.i == len(r.c); Read then sees r.off >= r.size
	return r.off, nil
}

// seal ends the object's data: the format's trailer, then gzip's.
func (o *object) seal() error {
	if o.sealed {
		return nil
	}
	o.sealed = true
	if o.w != nil {
		if err := o.w.Close(); err != nil {
			return err
		}
	}
	if o.gz != nil {
		return o.gz.Close()
	}
	return nil
}

// pending reports whether the object has something to upload.
func (o *object) pending() bool { return !o.complete && (len(o.parts) > 0 || o.sealed) }

// uploader performs the S3 calls of objects.
type uploader struct {
	client      Client
	bucket      string
	retry       *retrier
	conditional bool // If-None-Match: * on the calls that create objects
	sse         sseSettings
	acl         string
	digest      bool
	log         *slog.Logger
}

// errNotHeld stops an upload whose Kafka partition the task no longer
// holds.
var errNotHeld = errors.New("s3sink: the partition is no longer assigned to the task")

// run uploads o's waiting parts and, once o is sealed, completes it: with
// one PutObject if no part was uploaded, else with its last part and
// CompleteMultipartUpload. Just before completing it asks held whether the
// task still holds o's Kafka partition, and returns errNotHeld if not. It
// does not abort on failure; the caller decides what else to discard along
// with o.
func (u *uploader) run(ctx context.Context, o *object, held func() bool) error {
	for len(o.parts) > 0 {
		if o.uploadID == "" {
			if err := u.create(ctx, o); err != nil {
				return err
			}
		}
		if err := u.uploadPart(ctx, o, o.parts[0]); err != nil {
			return err
		}
		o.parts[0] = chunks{}
		o.parts = o.parts[1:]
	}
	if !o.sealed {
		return nil
	}
	if o.uploadID == "" {
		if !held() {
			return errNotHeld
		}
		if err := u.put(ctx, o); err != nil {
			return err
		}
	} else {
		if o.buf.n > 0 {
			if err := u.uploadPart(ctx, o, o.buf); err != nil {
				return err
			}
		}
		if !held() {
			return errNotHeld
		}
		if err := u.completeUpload(ctx, o); err != nil {
			return err
		}
	}
	o.buf, o.complete = chunks{}, true
	return nil
}

func (u *uploader) put(ctx context.Context, o *object) error {
	err := u.retry.do(ctx, "PutObject", o.key, func(ctx context.Context) error {
		in := &s3.PutObjectInput{
			Bucket:        &u.bucket,
			Key:           &o.key,
			Body:          o.buf.reader(),
			ContentLength: aws.Int64(int64(o.buf.n)),
		}
		if u.conditional {
			in.IfNoneMatch = aws.String("*")
		}
		if u.acl != "" {
			in.ACL = types.ObjectCannedACL(u.acl)
		}
		if u.digest {
			in.ContentMD5 = o.buf.md5()
		}
		u.sse.applyPut(in)
		_, err := u.client.PutObject(ctx, in)
		return err
	})
	if err != nil && u.conditional && isPreconditionFailed(err) {
		// The object exists: an earlier owner of the partition wrote it
		// from the same records (names and boundaries are deterministic
		// under conditional writes), or our own earlier attempt did and
		// its answer was lost.
		u.log.Info("object already exists; keeping it", "key", o.key)
		return nil
	}
	if err != nil {
		return fmt.Errorf("s3sink: put %s: %w", o.key, err)
	}
	return nil
}

func (u *uploader) create(ctx context.Context, o *object) error {
	return wrapOp("create multipart upload", o.key, u.retry.do(ctx, "CreateMultipartUpload", o.key, func(ctx context.Context) error {
		in := &s3.CreateMultipartUploadInput{Bucket: &u.bucket, Key: &o.key}
		if u.acl != "" {
			in.ACL = types.ObjectCannedACL(u.acl)
		}
		u.sse.applyCreate(in)
		out, err := u.client.CreateMultipartUpload(ctx, in)
		if err == nil {
			if out.UploadId == nil {
				return errors.New("no upload ID in the response")
			}
			o.uploadID = *out.UploadId
		}
		return err
	}))
}

func (u *uploader) uploadPart(ctx context.Context, o *object, part chunks) error {
	n := int32(len(o.done) + 1)
	return wrapOp(fmt.Sprintf("upload part %d of", n), o.key, u.retry.do(ctx, fmt.Sprintf("UploadPart %d", n), o.key, func(ctx context.Context) error {
		in := &s3.UploadPartInput{
			Bucket:        &u.bucket,
			Key:           &o.key,
			UploadId:      &o.uploadID,
			PartNumber:    aws.Int32(n),
			Body:          part.reader(),
			ContentLength: aws.Int64(int64(part.n)),
		}
		if u.digest {
			in.ContentMD5 = part.md5()
		}
		u.sse.applyPart(in)
		out, err := u.client.UploadPart(ctx, in)
		if err == nil {
			o.done = append(o.done, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(n)})
		}
		return err
	}))
}

func (u *uploader) completeUpload(ctx context.Context, o *object) error {
	attempts := 0
	err := u.retry.do(ctx, "CompleteMultipartUpload", o.key, func(ctx context.Context) error {
		attempts++
		in := &s3.CompleteMultipartUploadInput{
			Bucket:          &u.bucket,
			Key:             &o.key,
			UploadId:        &o.uploadID,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: o.done},
		}
		if u.conditional {
			in.IfNoneMatch = aws.String("*")
		}
		_, err := u.client.CompleteMultipartUpload(ctx, in)
		return err
	})
	switch {
	case err == nil:
		o.uploadID = ""
		return nil
	case u.conditional && isPreconditionFailed(err):
		// As for put; the parts uploaded for nothing must go.
		u.log.Info("object already exists; keeping it", "key", o.key)
		u.abort(ctx, o)
		return nil
	case attempts > 1 && (errorCode(err) == "NoSuchUpload" || httpStatus(err) == 404):
		// An earlier attempt may have completed the upload and lost its
		// answer; only the object itself can tell.
		if ok, herr := u.exists(ctx, o.key); herr == nil && ok {
			o.uploadID = ""
			return nil
		}
	}
	return fmt.Errorf("s3sink: complete multipart upload %s: %w", o.key, err)
}

func (u *uploader) exists(ctx context.Context, key string) (bool, error) {
	var found bool
	err := u.retry.do(ctx, "HeadObject", key, func(ctx context.Context) error {
		in := &s3.HeadObjectInput{Bucket: &u.bucket, Key: &key}
		u.sse.applyHead(in)
		_, err := u.client.HeadObject(ctx, in)
		if err == nil {
			found = true
		} else if httpStatus(err) == 404 {
			return nil
		}
		return err
	})
	return found, err
}

// abort discards o's multipart upload, if it has one. A failure is only
// logged: the upload then lingers until a bucket lifecycle rule
// (AbortIncompleteMultipartUpload) removes it.
func (u *uploader) abort(ctx context.Context, o *object) {
	if o.uploadID == "" {
		return
	}
	if u.abortUpload(ctx, o.key, o.uploadID) {
		o.uploadID = ""
	}
}

// abortUpload aborts one multipart upload and reports whether it is gone.
func (u *uploader) abortUpload(ctx context.Context, key, id string) bool {
	err := u.retry.do(ctx, "AbortMultipartUpload", key, func(ctx context.Context) error {
		_, err := u.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &u.bucket, Key: &key, UploadId: &id})
		if errorCode(err) == "NoSuchUpload" || httpStatus(err) == 404 {
			return nil
		}
		return err
	})
	if err != nil {
		u.log.Warn("could not abort a multipart upload; a bucket lifecycle rule (AbortIncompleteMultipartUpload) will have to remove its parts",
			"key", key, "upload_id", id, "err", err)
		return false
	}
	return true
}

// incompleteUpload is a multipart upload neither completed nor aborted.
type incompleteUpload struct{ key, id string }

// listUploads returns the incomplete multipart uploads under prefix ("" for
// the whole bucket).
func (u *uploader) listUploads(ctx context.Context, prefix string) ([]incompleteUpload, error) {
	var out []incompleteUpload
	var keyMarker, idMarker *string
	for {
		var resp *s3.ListMultipartUploadsOutput
		err := u.retry.do(ctx, "ListMultipartUploads", prefix, func(ctx context.Context) error {
			var err error
			resp, err = u.client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{
				Bucket: &u.bucket, Prefix: &prefix, KeyMarker: keyMarker, UploadIdMarker: idMarker})
			return err
		})
		if err != nil {
			return out, fmt.Errorf("s3sink: list multipart uploads under %q: %w", prefix, err)
		}
		for _, up := range resp.Uploads {
			if up.Key != nil && up.UploadId != nil {
				out = append(out, incompleteUpload{key: *up.Key, id: *up.UploadId})
			}
		}
		if resp.IsTruncated == nil || !*resp.IsTruncated || (resp.NextKeyMarker == nil && resp.NextUploadIdMarker == nil) {
			return out, nil
		}
		keyMarker, idMarker = resp.NextKeyMarker, resp.NextUploadIdMarker
	}
}

func wrapOp(op, key string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("s3sink: %s %s: %w", op, key, err)
}

// apply sets the encryption headers of a request, given its fields: the
// SSE-C ones on every request that reads or writes object data, the others
// (nil for requests without them) where objects are created.
func (s sseSettings) apply(alg *types.ServerSideEncryption, kmsKeyID, customerAlg, customerKey, customerMD5 **string) {
	if s.customerKey.Value() != "" {
		*customerAlg, *customerKey, *customerMD5 = aws.String("AES256"), aws.String(s.customerKey.Value()), aws.String(s.customerMD5)
		return
	}
	if alg != nil && s.algorithm != "" {
		*alg = types.ServerSideEncryption(s.algorithm)
		if s.kmsKeyID != "" {
			*kmsKeyID = aws.String(s.kmsKeyID)
		}
	}
}

func (s sseSettings) applyPut(in *s3.PutObjectInput) {
	s.apply(&in.ServerSideEncryption, &in.SSEKMSKeyId, &in.SSECustomerAlgorithm, &in.SSECustomerKey, &in.SSECustomerKeyMD5)
}

func (s sseSettings) applyCreate(in *s3.CreateMultipartUploadInput) {
	s.apply(&in.ServerSideEncryption, &in.SSEKMSKeyId, &in.SSECustomerAlgorithm, &in.SSECustomerKey, &in.SSECustomerKeyMD5)
}

func (s sseSettings) applyPart(in *s3.UploadPartInput) {
	s.apply(nil, nil, &in.SSECustomerAlgorithm, &in.SSECustomerKey, &in.SSECustomerKeyMD5)
}

func (s sseSettings) applyHead(in *s3.HeadObjectInput) {
	s.apply(nil, nil, &in.SSECustomerAlgorithm, &in.SSECustomerKey, &in.SSECustomerKeyMD5)
}
