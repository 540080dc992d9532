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
	byteF := func(c *connect.Config) (Format, error) { return newByteArrayFormat(c), nil }
	return map[string]FormatFactory{
		JSONFormatClass:      jsonF,
		"JsonFormat":         jsonF,
		ByteArrayFormatClass: byteF,
		"ByteArrayFormat":    byteF,
	}
}

// lineEncoder encodes one value into one line of an object, separator
// included. The keys and headers objects are written with line encoders
// rather than RecordWriters: a record's key and headers are encoded before
// anything of the record is written, so that a key the format refuses
// fails the record while its value, keys and headers objects stay aligned
// line for line.
type lineEncoder interface {
	Extension() string
	// appendLine appends v's line to dst; what names v ("key") in errors.
	appendLine(dst []byte, what, topic string, schema *connect.Schema, v any) ([]byte, error)
}

var (
	_ lineEncoder = (*jsonFormat)(nil)
	_ lineEncoder = (*byteArrayFormat)(nil)
)

// newLineEncoder returns the encoder of keys.format.class or
// headers.format.class; the configuration checks accept only these.
func newLineEncoder(class string, c *connect.Config) (lineEncoder, error) {
	switch class {
	case JSONFormatClass, "JsonFormat":
		return newJSONFormat(c.String(JSONDecimalFormatConfig))
	case ByteArrayFormatClass, "ByteArrayFormat":
		return newByteArrayFormat(c), nil
	}
	return nil, fmt.Errorf("s3sink: format %q cannot write keys or headers", class)
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
	b, err := jw.f.encode("value", rec.Topic, rec.ValueSchema, rec.Value)
	if err != nil {
		return err
	}
	if _, err := jw.w.Write(b); err != nil {
		return err
	}
	_, err = jw.w.Write(newline)
	return err
}

var newline = []byte("\n")

func (jw *jsonWriter) Close() error { return nil }

func (f *jsonFormat) encode(what, topic string, schema *connect.Schema, v any) ([]byte, error) {
	b, err := f.conv.FromConnectData(topic, schema, v)
	if err != nil {
		return nil, asDataError("json format: "+what, err)
	}
	if b == nil {
		b = []byte("null")
	}
	return b, nil
}

func (f *jsonFormat) appendLine(dst []byte, what, topic string, schema *connect.Schema, v any) ([]byte, error) {
	b, err := f.encode(what, topic, schema, v)
	if err != nil {
		return dst, err
	}
	return append(append(dst, b...), '\n'), nil
}

// headersSchema is the envelope of a line of a JSON headers object, as
// Confluent's HeaderRecordView builds it: {"headers":[{"key":..,"value":..}]}.
// Unlike Confluent's, whose value field is required, a header whose value
// is null is written with "value":null rather than failing the record.
var (
	headerSchema = connect.StructSchema("",
		connect.Field{Name: "key", Schema: connect.StringSchema},
		connect.Field{Name: "value", Schema: connect.OptionalStringSchema})
	headersSchema = connect.StructSchema("RecordHeaders",
		connect.Field{Name: "headers", Schema: connect.ArraySchema(headerSchema)})
)

var simpleHeaders converters.SimpleHeaderConverter

// appendHeaders appends the line of a JSON headers object: each header's
// value as text, as Kafka's Values.convertToString writes it (the
// SimpleHeaderConverter's text).
func (f *jsonFormat) appendHeaders(dst []byte, topic string, hs connect.Headers) ([]byte, error) {
	list := make([]any, len(hs))
	for i, h := range hs {
		entry := connect.NewStruct(headerSchema).MustPut("key", h.Key)
		text, err := simpleHeaders.FromConnectHeader(topic, h.Key, h.Schema, h.Value)
		if err != nil {
			return dst, asDataError("headers", err)
		}
		if text != nil {
			entry.MustPut("value", string(text))
		}
		list[i] = entry
	}
	return f.appendLine(dst, "headers", topic, headersSchema, connect.NewStruct(headersSchema).MustPut("headers", list))
}

// byteArrayFormat writes each value's bytes followed by a separator, as
// Confluent's ByteArrayFormat.
type byteArrayFormat struct {
	ext string
	sep []byte
}

func newByteArrayFormat(c *connect.Config) *byteArrayFormat {
	sep := "\n"
	if raw, ok := c.Raw(ByteArraySeparatorConfig); ok {
		sep = raw // untrimmed: white space is usually the point
	}
	return &byteArrayFormat{ext: c.String(ByteArrayExtensionConfig), sep: []byte(sep)}
}

func (f *byteArrayFormat) Extension() string { return f.ext }

func (f *byteArrayFormat) NewWriter(w io.Writer) RecordWriter { return &byteArrayWriter{f: f, w: w} }

type byteArrayWriter struct {
	f *byteArrayFormat
	w io.Writer
}

func (bw *byteArrayWriter) Write(rec *connect.SinkRecord) error {
	if err := bw.f.check("value", rec.ValueSchema, rec.Value); err != nil {
		return err
	}
	if _, err := bw.w.Write(rec.Value.([]byte)); err != nil {
		return err
	}
	_, err := bw.w.Write(bw.f.sep)
	return err
}

func (f *byteArrayFormat) check(what string, schema *connect.Schema, v any) error {
	if schema != nil && schema.Type != connect.Bytes {
		return &connect.DataError{Op: "bytearray format", Err: fmt.Errorf("%s schema is %s, want BYTES (use the ByteArrayConverter)", what, schema.Type)}
	}
	if _, ok := v.([]byte); !ok {
		return &connect.DataError{Op: "bytearray format", Err: fmt.Errorf("%s is a %T, want bytes (use the ByteArrayConverter)", what, v)}
	}
	return nil
}

func (f *byteArrayFormat) appendLine(dst []byte, what, _ string, schema *connect.Schema, v any) ([]byte, error) {
	if err := f.check(what, schema, v); err != nil {
		return dst, err
	}
	return append(append(dst, v.([]byte)...), f.sep...), nil
}

func (bw *byteArrayWriter) Close() error { return nil }

func asDataError(op string, err error) error {
	var de *connect.DataError
	if errors.As(err, &de) {
		return err
	}
	return &connect.DataError{Op: op, Err: err}
}
