// Package logs puts every log line of a connectkit program into one
// log/slog stream: the command-line flags of the example binaries (-v and
// -log.format, text or JSON), and adapters for the libraries that log
// through their own interfaces, such as the AWS SDK. librdkafka's lines are
// forwarded by internal/clientconfig's ForwardLogs.
package logs
