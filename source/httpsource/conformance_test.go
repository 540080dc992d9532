package httpsource_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/source/httpsource"
)

// The connector passes the source conformance suite against an API with
// stable ids, a cursor parameter and pages linked by URL.
func TestConformance(t *testing.T) {
	api := pagedAPI(t, 5000, 25, nil)
	cfg := pagedConfig(api)
	cfg[httpsource.URLConfig] = api.URL + "/items?after={{.offset.key}}"
	cfg[httpsource.TimerIntervalConfig] = "100"
	cfg[httpsource.TopicConfig] = "api" // the suite sends each run to a topic of its own
	cfg["value.converter"] = "org.apache.kafka.connect.json.JsonConverter"
	cfg["value.converter.schemas.enable"] = "false"
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	connectortest.TestSourceTask(t, func() connect.SourceTask { return httpsource.NewTask(httpsource.WithLogger(log)) },
		connectortest.WithSourceConfig(cfg),
		connectortest.WithSourceRecordCount(100))
}
