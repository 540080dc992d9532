package worker_test

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/worker"
)

// A program that embeds runtimes gives them one registry and serves it;
// worker.Run does the same with Options.Metrics.
func ExampleMetricsHandler() {
	reg := prometheus.NewRegistry()
	noop := connectortest.SinkConnectorFunc(func() connect.SinkTask { return nil })
	// Building a runtime counts a connector startup; running it adds
	// the connector's and its tasks' series.
	_, _ = sink.New(noop, map[string]string{"name": "orders", "topics": "orders", "bootstrap.servers": "localhost:9092"},
		sink.WithMetrics(reg))

	srv := httptest.NewServer(worker.MetricsHandler(reg))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() {
		if strings.HasPrefix(lines.Text(), "kafka_connect_worker_connector_startup") {
			fmt.Println(lines.Text())
		}
	}
	// Output:
	// kafka_connect_worker_connector_startup_attempts_total 1
	// kafka_connect_worker_connector_startup_failure_total 0
	// kafka_connect_worker_connector_startup_success_total 1
}
