package s3sink

import (
	"errors"
	"fmt"
	"io"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/converters"
)

// Format turns records into the bytes of an object, such as JSON lines. A
// Format is shared by every object a task writes, so it must be safe for
// concurrent use; the [RecordWriter]s it makes are used by one goroutine.
type Format interface {
	// Extension is the end of the object names, such as ".json". With
	// s3.compression.type=gzip the connector adds ".gz" after it.
	Extension() string
	// NewWriter starts an object whose bytes go to w.
	NewWriter(w io.Writer) RecordWriter
}

// RecordWriter writes the records of one object.
type RecordWriter interface {
	// Write appends rec to the object. A record the format cannot hold
	// gets a [*connect.DataError], and nothing of it is written, so that
	// the record can go to the dead-letter queue while the object goes on.
	Write(rec *connect.SinkRecord) error
	// Close writes whatever the format puts after the last record. It
	// does not close the writer given to NewWriter.
	Close() error
}

// FormatFactory builds a Format from the connector's configuration. It is
// how [WithFormat] adds a format of one's own; the configuration holds
// every key the connector defines, and [connect.Config.Raw] reads others.
type FormatFactory func(c *connect.Config) (Format, error)

// builtinFormats maps format.class values to the formats of this package.
func builtinFormats() map[string]FormatFactory {
	jsonF := func(c *connect.Config) (Format, error) { return newJSONFormat(c.String(JSONDecimalFormatConfig)) }
	byteF := func(c *connect.Config) (Format, error) {
		sep := "\n"
		if raw, ok := c.Raw(ByteArraySeparatorConfig); ok {
			sep = raw // untrimmed: white space is usually the point
		}
		return &byteArrayFormat{ext: c.String(ByteArrayExtensionConfig), sep: []byte(sep)}, nil
	}
	return map[string]FormatFactory{
		JSONFormatClass:      jsonF,
		"JsonFormat":         jsonF,
		ByteArrayFormatClass: byteF,
		"ByteArrayFormat":    byteF,
	}
}

// jsonFormat writes one JSON value per line, as Confluent's JsonFormat:
// values are encoded by Kafka Connect's JsonConverter without the schema
// envelope, so a String is a quoted JSON string and bytes are base64.
type jsonFormat struct {
	conv *converters.JSONConverter
}

func newJSONFormat(decimalFormat string) (*jsonFormat, error) {
	conv, err := converters.NewJSONConverter(map[string]string{
		"schemas.enable": "false",
		"decimal.format": decimalFormat,
	}, false)
	if err != nil {
		return nil, fmt.Errorf("s3sink: json format: %w", err)
	}
	return &jsonFormat{conv: conv}, nil
}

func (f *jsonFormat) Extension() string { return ".json" }

func (f *jsonFormat) NewWriter(w io.Writer) RecordWriter { return &jsonWriter{f: f, w: w} }

// The writers keep no buffer of their own: an open object costs only what
// it has written and not yet uploaded.
type jsonWriter struct {
	f *jsonFormat
	w io.Writer
}

func (jw *jsonWriter) Write(rec *connect.SinkRecord) error {
	b, err := jw.f.conv.FromConnectData(rec.Topic, rec.ValueSchema, rec.Value)
	if err != nil {
		return asDataError("json format", err)
	}
	if b == nil {
		b = []byte("null")
	}
	if _, err := jw.w.Write(b); err != nil {
		return err
	}
	_, err = jw.w.Write(newline)
	return err
}

var newline = []byte("\n")

func (jw *jsonWriter) Close() error { return nil }

// byteArrayFormat writes each value's bytes followed by a separator, as
// Confluent's ByteArrayFormat.
type byteArrayFormat struct {
	ext string
	sep []byte
}

func (f *byteArrayFormat) Extension() string { return f.ext }

func (f *byteArrayFormat) NewWriter(w io.Writer) RecordWriter { return &byteArrayWriter{f: f, w: w} }

type byteArrayWriter struct {
	f *byteArrayFormat
	w io.Writer
}

func (bw *byteArrayWriter) Write(rec *connect.SinkRecord) error {
	if rec.ValueSchema != nil && rec.ValueSchema.Type != connect.Bytes {
		return &connect.DataError{Op: "bytearray format", Err: fmt.Errorf("value schema is %s, want BYTES (use the ByteArrayConverter)", rec.ValueSchema.Type)}
	}
	v, ok := rec.Value.([]byte)
	if !ok {
		return &connect.DataError{Op: "bytearray format", Err: fmt.Errorf("value is a %T, want bytes (use the ByteArrayConverter)", rec.Value)}
	}
	if _, err := bw.w.Write(v); err != nil {
		return err
	}
	_, err := bw.w.Write(bw.f.sep)
	return err
}

func (bw *byteArrayWriter) Close() error { return nil }

func asDataError(op string, err error) error {
	var de *connect.DataError
	if errors.As(err, &de) {
		return err
	}
	return &connect.DataError{Op: op, Err: err}
}
