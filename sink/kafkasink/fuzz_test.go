package kafkasink_test

import (
	"testing"
	"time"

	"github.com/connectkit/connectkit/sink/kafkasink"
)

// FuzzTimeFormat compiles kafka.timestamp.format patterns and parses with
// them: no panic.
func FuzzTimeFormat(f *testing.F) {
	f.Add("yyyyMMdd HHmmss SSS", "20221128 120524 645")
	f.Add("yyyy-MM-dd'T'HH:mm[:ss][.SSS]XXX", "2022-11-28T12:05+09:00")
	f.Fuzz(func(t *testing.T, pattern, text string) {
		tf, err := kafkasink.ParseTimeFormat(pattern)
		if err != nil {
			return
		}
		_, _ = tf.Parse(text, time.UTC)
	})
}
