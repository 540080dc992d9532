package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/sink/s3sink"
)

// runS3Leg sinks the topic's n records into an in-process S3 server with
// the S3 sink, configured with the keys of Confluent's S3 sink, then lists
// the objects it wrote and checks that they hold every record once.
func runS3Leg(ctx context.Context, bootstrap, topic string, n int, log *slog.Logger) error {
	const bucket = "quickstart"
	store, err := connectortest.StartS3(bucket)
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Printf("in-process S3 listening on %s, bucket %q\n", store.Endpoint, bucket)

	const name = "quickstart-s3-sink"
	rt, err := sink.New(s3sink.NewConnector(s3sink.WithLogger(log)), map[string]string{
		"name":                           name,
		"connector.class":                "io.confluent.connect.s3.S3SinkConnector",
		"topics":                         topic,
		"s3.bucket.name":                 bucket,
		"s3.region":                      store.Region,
		"store.url":                      store.Endpoint,
		"aws.access.key.id":              store.AccessKey,
		"aws.secret.access.key":          store.SecretKey,
		"storage.class":                  "io.confluent.connect.s3.storage.S3Storage",
		"format.class":                   "io.confluent.connect.s3.format.json.JsonFormat",
		"partitioner.class":              "io.confluent.connect.storage.partitioner.HourlyPartitioner",
		"timestamp.extractor":            "Record",
		"locale":                         "en",
		"timezone":                       "UTC",
		"flush.size":                     "1000",
		"rotate.interval.ms":             "1000",
		"key.converter":                  "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":                "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable": "false",
	}, sink.WithWorkerConfig(map[string]string{
		"bootstrap.servers":        bootstrap,
		"offset.flush.interval.ms": "500",
	}), sink.WithLogger(log))
	if err != nil {
		return err
	}
	// The last objects of each partition hold fewer than flush.size
	// records; they are committed once the partition has been idle for
	// rotate.interval.ms, without waiting for another record.
	if _, err := runUntilCommitted(ctx, rt, bootstrap, "connect-"+name, int64(n)); err != nil {
		return err
	}

	keys, err := store.Keys(ctx, bucket, "")
	if err != nil {
		return err
	}
	var lines, size int
	var firstLine []byte
	for _, k := range keys {
		body, err := store.Object(ctx, bucket, k)
		if err != nil {
			return err
		}
		size += len(body)
		lines += bytes.Count(body, []byte("\n"))
		if firstLine == nil {
			firstLine, _, _ = bytes.Cut(body, []byte("\n"))
		}
	}
	fmt.Printf("\nobjects in s3://%s (%d, %d bytes):\n", bucket, len(keys), size)
	for i, k := range keys {
		if i == 6 && len(keys) > 8 {
			fmt.Printf("  ... %d more\n", len(keys)-7)
			k = keys[len(keys)-1]
		} else if i > 6 && len(keys) > 8 {
			continue
		}
		fmt.Printf("  %s\n", k)
	}
	fmt.Printf("  records in objects: %d\n", lines)
	fmt.Printf("  first record:       %s\n", firstLine)
	if lines != n {
		return fmt.Errorf("the objects hold %d records, want exactly %d", lines, n)
	}
	return nil
}
