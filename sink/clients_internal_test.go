package sink

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The sink consumers' group.instance.id: stable across restarts of one
// worker process (the same worker file gives the same id), different for
// two processes running the same connector (they must share its partitions,
// not fence each other), one per task, and under the user's control.
func TestGroupInstanceID(t *testing.T) {
	instanceID := func(worker map[string]string, consumer map[string]string, task int) (string, bool) {
		t.Helper()
		s := &settings{name: "s3", bootstrapServers: "localhost:9092", consumerProps: consumer}
		s.instanceBase = instanceBase(s.name, worker)
		cfg, _, _, err := consumerConfig(s, task)
		require.NoError(t, err)
		v, ok := (*cfg)["group.instance.id"]
		if !ok {
			return "", false
		}
		return v.(string), true
	}
	standalone := map[string]string{"offset.storage.file.filename": "/var/lib/connect/a.offsets"}
	other := map[string]string{"offset.storage.file.filename": "/var/lib/connect/b.offsets"}

	a0, ok := instanceID(standalone, nil, 0)
	require.True(t, ok, "a connect-standalone worker gets static membership")
	assert.Regexp(t, `^connect-s3-[0-9a-f]{8}-0$`, a0)
	again, _ := instanceID(map[string]string{"offset.storage.file.filename": "/var/lib/connect/a.offsets"}, nil, 0)
	assert.Equal(t, a0, again, "the same worker file after a restart: the same id")
	a1, _ := instanceID(standalone, nil, 1)
	assert.NotEqual(t, a0, a1, "one id per task")
	b0, _ := instanceID(other, nil, 0)
	assert.NotEqual(t, a0, b0, "another process running the same connector")
	l0, ok := instanceID(map[string]string{"listeners": "http://:8084"}, nil, 0)
	assert.True(t, ok)
	l1, _ := instanceID(map[string]string{"listeners": "http://:8085"}, nil, 0)
	assert.NotEqual(t, l0, l1)

	_, ok = instanceID(nil, nil, 0)
	assert.False(t, ok, "no worker identity: dynamic membership")
	id, _ := instanceID(standalone, map[string]string{"group.instance.id": "node-7"}, 2)
	assert.Equal(t, "node-7-2", id, "the user's id, per task")
	_, ok = instanceID(standalone, map[string]string{"group.instance.id": ""}, 0)
	assert.False(t, ok, "an empty group.instance.id turns static membership off")
}
