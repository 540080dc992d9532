package clientconfig

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// ForwardLogs copies a client's librdkafka log lines (its Logs channel,
// with go.logs.channel.enable=true) to log until the client is closed:
// syslog levels 0-3 as errors, 4 as warnings, the rest as debug, except
// failed broker connections, which are warnings.
func ForwardLogs(logs <-chan kafka.LogEvent, log *slog.Logger) {
	for ev := range logs {
		level := slog.LevelDebug
		switch {
		case ev.Tag == "FAIL" && ev.Level <= 4:
			// A broker connection failed. librdkafka retries it, and the
			// runtime reports a cluster it cannot reach once, as an
			// error (see Reach); each retry is only a warning.
			level = slog.LevelWarn
		case ev.Level <= 3:
			level = slog.LevelError
		case ev.Level == 4:
			level = slog.LevelWarn
		}
		log.Log(context.Background(), level, ev.Message, "facility", ev.Tag, "client", ev.Name)
	}
}

// ForwardEvents drains a producer's Events channel to log until the
// producer is closed. A producer whose delivery reports go to the channel
// each Produce call names gets only client errors there; unread, they
// would pile up in the client's million-entry buffer. A fatal error is
// logged as an error; the others, which librdkafka also writes to the Logs
// channel, as debug.
func ForwardEvents(events <-chan kafka.Event, log *slog.Logger) {
	for ev := range events {
		if e, ok := ev.(kafka.Error); ok {
			level := slog.LevelDebug
			if e.IsFatal() {
				level = slog.LevelError
			}
			log.Log(context.Background(), level, "client error", "err", e, "code", e.Code())
			continue
		}
		log.Debug("client event", "event", ev.String())
	}
}

// ForwardProducer runs ForwardLogs and ForwardEvents for p, a producer
// whose delivery reports go to the channel each Produce call names, on
// goroutines that wg waits for; they end when p is closed.
func ForwardProducer(wg *sync.WaitGroup, p *kafka.Producer, log *slog.Logger) {
	wg.Go(func() { ForwardLogs(p.Logs(), log) })
	wg.Go(func() { ForwardEvents(p.Events(), log) })
}

// DurableProducer is the librdkafka configuration of a producer a runtime
// owns, as Kafka Connect's worker configures its producers: acks=all and
// idempotence (the Kafka 3 default), so a retried send neither duplicates
// nor reorders records, unless props, the Java producer settings, say
// otherwise. Its log lines go to the Logs channel, for [ForwardLogs].
func DurableProducer(bootstrap, clientID string, props map[string]string) (*kafka.ConfigMap, []Warning, error) {
	mapped, err := Map(Producer, props)
	if err != nil {
		return nil, mapped.Warnings, fmt.Errorf("producer settings: %w", err)
	}
	cfg := kafka.ConfigMap{
		"bootstrap.servers":  bootstrap,
		"client.id":          clientID,
		"acks":               "all",
		"enable.idempotence": true,
	}
	for k, v := range mapped.Config {
		cfg[k] = v
	}
	cfg["go.logs.channel.enable"] = true
	return &cfg, mapped.Warnings, nil
}
