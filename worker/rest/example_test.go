package rest_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/connectkit/connectkit/worker"
	"github.com/connectkit/connectkit/worker/rest"
)

// A program that embeds a worker mounts the REST API on its own server,
// here under /connect/. (Run the herder with its Run method to start the
// connectors; the API answers either way.)
func ExampleNewHandler() {
	h, err := worker.NewStandalone(map[string]string{"bootstrap.servers": "127.0.0.1:9092"},
		worker.Options{Registry: worker.NewRegistry(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/connect/", http.StripPrefix("/connect", rest.NewHandler(h, rest.Options{})))

	for _, path := range []string{"/connect/connectors", "/connect/connectors/orders-sink/status"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		fmt.Println(rec.Code, rec.Body.String())
	}
	// Output:
	// 200 []
	// 404 {"error_code":404,"message":"Connector orders-sink not found"}
}

// Loggers filters a program's slog handler by the levels that
// PUT /admin/loggers sets, per logger name.
func ExampleLoggers() {
	loggers := rest.NewLoggers(slog.LevelInfo)
	plain := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug - 4, // Loggers decides
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
	log := slog.New(loggers.Handler(plain)).With(rest.LoggerAttr, "connector.orders")

	log.Debug("not shown: the root logger is at INFO")
	changed := loggers.Set("connector", slog.LevelDebug, time.Unix(0, 0))
	log.Debug("shown: connector.orders inherits DEBUG from connector")
	fmt.Println(strings.Join(changed, ","))
	// Output:
	// level=DEBUG msg="shown: connector.orders inherits DEBUG from connector" logger=connector.orders
	// connector
}
