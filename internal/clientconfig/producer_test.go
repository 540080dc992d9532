package clientconfig

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDurableProducer(t *testing.T) {
	cfg, _, err := DurableProducer("b:9092", "p-1", map[string]string{"linger.ms": "7"})
	require.NoError(t, err)
	for k, want := range map[string]any{"bootstrap.servers": "b:9092", "client.id": "p-1", "acks": "all",
		"enable.idempotence": true, "go.logs.channel.enable": true, "linger.ms": "7"} {
		got, err := cfg.Get(k, nil)
		require.NoError(t, err)
		assert.Equal(t, want, got, k)
	}

	// The user's settings win over the defaults.
	cfg, _, err = DurableProducer("b:9092", "p-1", map[string]string{"acks": "1", "enable.idempotence": "false"})
	require.NoError(t, err)
	acks, _ := cfg.Get("acks", nil)
	assert.Equal(t, "1", acks)

	_, _, err = DurableProducer("b:9092", "p-1", map[string]string{"no.such.setting": "x"})
	assert.ErrorContains(t, err, "producer settings:")
	assert.ErrorContains(t, err, "no.such.setting")
}
