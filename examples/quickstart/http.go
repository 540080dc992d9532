package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/source"
	"github.com/connectkit/connectkit/source/httpsource"
)

// The HTTP leg's API serves httpOrders orders, httpPageSize per page, each
// page linking to the next, as many REST APIs do.
const (
	httpOrders       = 250
	httpPageSize     = 100
	httpTopic        = "api-orders"
	httpOffsetsTopic = "quickstart-offsets"
	httpConnector    = "quickstart-http-source"
)

// runHTTPLeg starts a local paginated JSON API, runs the HTTP source
// connector through the real source runtime until every order is in the
// topic api-orders, and prints what it produced and the source offset it
// stored, in Kafka Connect's format, in the topic quickstart-offsets.
func runHTTPLeg(ctx context.Context, bootstrap string, log *slog.Logger) error {
	var requests atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		page = max(page, 1)
		orders := []any{}
		for id := (page-1)*httpPageSize + 1; id <= min(page*httpPageSize, httpOrders); id++ {
			orders = append(orders, map[string]any{
				"order_id": id,
				"customer": fmt.Sprintf("customer-%d", id%97),
				"amount":   float64(10+id%500) + float64(id%100)/100,
				"updated":  time.Date(2024, 1, 1, 0, 0, id, 0, time.UTC).Format(time.RFC3339),
			})
		}
		body := map[string]any{"orders": orders, "next": nil}
		if page*httpPageSize < httpOrders {
			body["next"] = fmt.Sprintf("/orders?page=%d", page+1)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	}))
	defer api.Close()
	fmt.Printf("\nHTTP source: polling the JSON API at %s/orders (%d orders, %d per page)\n", api.URL, httpOrders, httpPageSize)

	// The keys of castorm's kafka-connect-http, plus pagination.
	config := map[string]string{
		"name":                                      httpConnector,
		"connector.class":                           httpsource.ClassName,
		"kafka.topic":                               httpTopic,
		"http.request.url":                          api.URL + "/orders",
		"http.response.list.pointer":                "/orders",
		"http.response.record.offset.pointer":       "key=/order_id, timestamp=/updated",
		"http.response.next.page.pointer":           "/next",
		"http.response.record.mapper":               "JsonRecordMapper", // the orders as JSON; castorm's default wraps them in a struct
		"http.timer.interval.millis":                "1000",
		"key.converter":                             "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":                           "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable":            "false",
		"topic.creation.default.partitions":         "1",
		"topic.creation.default.replication.factor": "1",
	}
	rt, err := source.New(httpsource.NewConnector(httpsource.WithLogger(log)), config,
		source.WithWorkerConfig(map[string]string{
			"bootstrap.servers":                 bootstrap,
			"offset.storage.topic":              httpOffsetsTopic,
			"offset.storage.partitions":         "1",
			"offset.storage.replication.factor": "1",
			"offset.flush.interval.ms":          "200",
		}), source.WithLogger(log))
	if err != nil {
		return err
	}
	cluster, err := connectortest.DialCluster(ctx, bootstrap)
	if err != nil {
		return err
	}
	defer cluster.Close()

	start := time.Now()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- rt.Run(runCtx) }()
	var recs []connectortest.Record
	for len(recs) < httpOrders {
		select {
		case <-ctx.Done():
			stop()
			<-done
			return fmt.Errorf("HTTP leg stopped with %d of %d orders in %s: %w", len(recs), httpOrders, httpTopic, ctx.Err())
		case err := <-done:
			return fmt.Errorf("HTTP source stopped early: %w", err)
		case <-time.After(200 * time.Millisecond):
		}
		if recs, err = cluster.ReadAllContext(ctx, httpTopic); err != nil && !errors.Is(err, context.Canceled) {
			log.Debug("topic not readable yet", "topic", httpTopic, "err", err)
		}
	}
	stop() // graceful: the runtime stores the offsets of everything acknowledged
	if err := <-done; err != nil {
		return err
	}
	offsets, err := cluster.ReadAllContext(ctx, httpOffsetsTopic)
	if err != nil {
		return err
	}
	fmt.Printf("HTTP source summary\n")
	fmt.Printf("  requests:       %d (pages followed without waiting for the timer)\n", requests.Load())
	fmt.Printf("  records:        %d in topic %q\n", len(recs), httpTopic)
	fmt.Printf("  first record:   key=%s value=%s\n", recs[0].Key, recs[0].Value)
	if n := len(offsets); n > 0 {
		fmt.Printf("  stored offset:  %s -> %s (topic %q, Kafka Connect's format)\n", offsets[n-1].Key, shortSeen(offsets[n-1].Value), httpOffsetsTopic)
	}
	fmt.Printf("  elapsed:        %v\n", time.Since(start).Round(time.Millisecond))
	if len(recs) != httpOrders {
		return fmt.Errorf("topic %s has %d records, want %d", httpTopic, len(recs), httpOrders)
	}
	return nil
}

// shortSeen shortens the identities of the records seen, which the offset
// holds for the duplicate check (httpsource.SeenOffsetProperty), to their
// count.
func shortSeen(value []byte) string {
	var off map[string]any
	if json.Unmarshal(value, &off) != nil {
		return string(value)
	}
	if seen, ok := off[httpsource.SeenOffsetProperty].(string); ok {
		off[httpsource.SeenOffsetProperty] = fmt.Sprintf("<%d identities>", len(seen)/4*3/16)
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(off) != nil {
		return string(value)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
