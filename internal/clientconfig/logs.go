package clientconfig

import (
	"context"
	"log/slog"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// ForwardLogs copies a client's librdkafka log lines (its Logs channel,
// with go.logs.channel.enable=true) to log until the client is closed:
// syslog levels 0-3 as errors, 4 as warnings, the rest as debug.
func ForwardLogs(logs <-chan kafka.LogEvent, log *slog.Logger) {
	for ev := range logs {
		level := slog.LevelDebug
		switch {
		case ev.Level <= 3:
			level = slog.LevelError
		case ev.Level == 4:
			level = slog.LevelWarn
		}
		log.Log(context.Background(), level, ev.Message, "facility", ev.Tag, "client", ev.Name)
	}
}
