package kafkasink

import (
	"os"
	"testing"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
)

// The sink conformance suite, forwarding to a second cluster and reading
// the destination back: every record must be there once the task says it
// is durable.
func TestConformance(t *testing.T) {
	dest := connectortest.NewCluster(t)
	dest.CreateTopic(t, "conformance-out", 3)
	connectortest.TestSinkTask(t, func() connect.SinkTask { return NewTask(WithLogger(quiet)) },
		connectortest.WithSinkConfig(map[string]string{
			SinkBootstrapConfig: dest.BootstrapServers(),
			SinkTopicConfig:     "conformance-out",
			ForwardKeyConfig:    "true",
		}),
		connectortest.WithReadBack(func(t testing.TB) [][]byte {
			var out [][]byte
			for _, r := range dest.ReadAll(t, "conformance-out") {
				out = append(out, r.Value)
			}
			return out
		}),
	)
}

// TestMain runs the child processes of TestExactlyOnceAcrossKillAlone and
// BenchmarkEndToEnd when asked.
func TestMain(m *testing.M) {
	if cfg := os.Getenv(eosChildEnv); cfg != "" {
		runEOSChild(cfg)
		return
	}
	if os.Getenv(benchClusterEnv) != "" {
		serveBenchCluster()
		return
	}
	os.Exit(m.Run())
}
