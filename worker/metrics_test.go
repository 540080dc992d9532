package worker_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/worker"
	"github.com/connectkit/connectkit/worker/bundled"
)

func TestMetricsHandlerServesEveryConnector(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "scraped", 1)
	for i := range 3 {
		c.Produce(t, connectortest.Record{Topic: "scraped", Value: fmt.Appendf(nil, `"line %d"`, i)})
	}
	dir := t.TempDir()
	reg := prometheus.NewRegistry()
	srv := httptest.NewServer(worker.MetricsHandler(reg))
	defer srv.Close()
	wcfg := map[string]string{
		"bootstrap.servers": c.BootstrapServers(),
		"key.converter":     "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":   "org.apache.kafka.connect.storage.StringConverter",
	}
	conn := map[string]string{"name": "scraped-sink", "connector.class": "FileStreamSink",
		"topics": "scraped", "file": filepath.Join(dir, "out.txt")}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- worker.Run(ctx, wcfg, []map[string]string{conn},
			worker.Options{Registry: bundled.Registry(), Logger: slog.New(slog.DiscardHandler), Metrics: reg})
	}()
	want := `kafka_connect_sink_task_sink_record_read_total{connector="scraped-sink",task="0"} 3`
	var body string
	c.WaitFor(t, 30*time.Second, func() bool {
		resp, err := http.Get(srv.URL)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body = string(b)
		return resp.StatusCode == http.StatusOK && strings.Contains(body, want)
	}, "the scrape to show the records read")
	assert.Contains(t, body, `kafka_connect_connector_info{connector="scraped-sink",connector_class="FileStreamSink",connector_type="sink",connector_version=""} 1`)
	assert.Contains(t, body, "# TYPE kafka_connect_sink_task_put_batch_time_seconds summary")
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestRunStopsWhenTheClusterCannotBeReached(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	wcfg := map[string]string{"bootstrap.servers": addr}
	conn := map[string]string{"name": "nowhere", "connector.class": "FileStreamSink", "topics": "t",
		"file": filepath.Join(t.TempDir(), "out.txt")}
	done := make(chan error, 1)
	go func() {
		done <- worker.Run(context.Background(), wcfg, []map[string]string{conn},
			worker.Options{Registry: bundled.Registry(), Logger: slog.New(slog.DiscardHandler), ClusterTimeout: 2 * time.Second})
	}()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("Run did not return though the cluster was never reached")
	}
	var ce *connect.ClusterError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), "bootstrap.servers="+addr)
}
