package httpsource_test

import (
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/source/httpsource"
)

// The connector passes the source conformance suite against an API with
// stable ids, a cursor parameter and pages linked by URL, with its default
// mapper (castorm's) and with the JSON one.
func TestConformance(t *testing.T) {
	for _, mapper := range []string{"", httpsource.JSONMapper} {
		t.Run("mapper="+mapper, func(t *testing.T) {
			api := pagedAPI(t, 5000, 25, nil)
			cfg := pagedConfig(api)
			cfg[httpsource.URLConfig] = api.URL + "/items?after={{.offset.key}}"
			cfg[httpsource.TimerIntervalConfig] = "100"
			cfg[httpsource.TopicConfig] = "api" // the suite sends each run to a topic of its own
			cfg["value.converter"] = "org.apache.kafka.connect.json.JsonConverter"
			cfg["value.converter.schemas.enable"] = "false"
			delete(cfg, httpsource.RecordMapperConfig)
			if mapper != "" {
				cfg[httpsource.RecordMapperConfig] = mapper
			}
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			connectortest.TestSourceTask(t, func() connect.SourceTask { return httpsource.NewTask(httpsource.WithLogger(log)) },
				connectortest.WithSourceConfig(cfg),
				connectortest.WithSourceRecordCount(100),
				// castorm's value holds the time of the poll for records
				// without a timestamp, so a record produced again differs
				// in its value: records are told apart by their keys.
				connectortest.WithRecordIdentity(func(rec *connect.SourceRecord) string {
					if k, ok := rec.Key.(*connect.Struct); ok {
						return fmt.Sprint(k.Get("key"))
					}
					return fmt.Sprint(rec.Key)
				}))
		})
	}
}
