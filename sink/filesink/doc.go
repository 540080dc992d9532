// Package filesink is a sink connector that appends record values to a file,
// one line each: the Go counterpart of Kafka's FileStreamSinkConnector
// (org.apache.kafka.connect.file.FileStreamSinkConnector), so Kafka's own
// quickstart file connect-file-sink.properties runs unchanged.
//
// # Settings
//
// file names the file; empty writes to standard output. Values are written
// as text: strings and bytes as they are, numbers and booleans as literals,
// maps, lists and structs as JSON. Unlike Kafka's connector, which prints
// Java's toString (an object address for bytes), the output is readable
// whatever the converter.
//
// # Delivery
//
// Lines are buffered and the file is synced on Flush, so an offset is
// committed only once the lines before it are on disk. After a crash, lines
// written after the last commit are written again: the file is
// at-least-once.
package filesink
