package worker

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// MetricsHandler serves the metrics gathered by g in Prometheus' text (or
// OpenMetrics, when the scraper asks for it) format: mount it at /metrics.
// g is usually the *prometheus.Registry given as [Options].Metrics;
// docs/metrics.md lists the metrics, with the Kafka Connect names they
// stand for.
func MetricsHandler(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{EnableOpenMetrics: true})
}
