//go:build integration

package connectortest_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connectortest"
)

// The S3 server the integration suite was given is up and speaks S3 with
// authentication on. The S3 sink's own integration tests use it for real.
func TestS3ServerIsReady(t *testing.T) {
	s3 := connectortest.ExternalS3(t)
	t.Log(s3)

	resp, err := http.Get(s3.Endpoint + "/minio/health/ready")
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusOK, resp.StatusCode, "readiness")

	// ListBuckets without credentials: refused, in S3's own words.
	resp, err = http.Get(s3.Endpoint + "/")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, string(body), "<Code>AccessDenied</Code>")
}
