package worker_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connectortest"
	"github.com/connectkit/connectkit/worker"
	"github.com/connectkit/connectkit/worker/bundled"
	"github.com/connectkit/connectkit/worker/rest"
)

func TestListenersAndWorkerID(t *testing.T) {
	for _, tc := range []struct {
		wcfg      map[string]string
		listeners int
		id        string
		err       string
	}{
		{wcfg: map[string]string{}, listeners: 1, id: "127.0.0.1:8083"},
		{wcfg: map[string]string{"listeners": ""}, listeners: 0, id: "127.0.0.1:8083"},
		{wcfg: map[string]string{"listeners": "http://0.0.0.0:9000"}, listeners: 1, id: "localhost:9000"},
		{wcfg: map[string]string{"listeners": "http://a:1, http://b:2", "rest.advertised.host.name": "w1", "rest.advertised.port": "80"}, listeners: 2, id: "w1:80"},
		{wcfg: map[string]string{"listeners": "https://a:1"}, err: "only http"},
		{wcfg: map[string]string{"listeners": "http://a"}, err: "needs a port"},
		{wcfg: map[string]string{"listeners": "8083"}, err: "not a URL"},
	} {
		ls, err := worker.Listeners(tc.wcfg)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, "%v", tc.wcfg)
			continue
		}
		require.NoError(t, err, "%v", tc.wcfg)
		assert.Len(t, ls, tc.listeners, "%v", tc.wcfg)
		assert.Equal(t, tc.id, worker.WorkerID(tc.wcfg), "%v", tc.wcfg)
	}
}

// TestRunServesTheAPI runs the files' connector through Run, which serves
// the API on its listener until ctx is cancelled.
func TestRunServesTheAPI(t *testing.T) {
	c := connectortest.NewCluster(t)
	c.CreateTopic(t, "t", 1)
	wcfg := map[string]string{"bootstrap.servers": c.BootstrapServers(), "listeners": "http://127.0.0.1:0"}
	conns := []map[string]string{{"name": "files", "connector.class": "FileStreamSink", "topics": "t",
		"file": t.TempDir() + "/out.txt"}}
	addrs := make(chan net.Addr, 1)
	log := slog.New(slog.DiscardHandler)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- worker.Run(ctx, wcfg, conns, worker.Options{Registry: bundled.Registry(), Logger: log,
			API:       func(h worker.Herder) http.Handler { return rest.NewHandler(h, rest.Options{Logger: log}) },
			Listening: func(a net.Addr) { addrs <- a }})
	}()
	var addr net.Addr
	select {
	case addr = <-addrs:
	case err := <-done:
		t.Fatalf("Run returned: %v", err)
	}
	c.WaitFor(t, 30*time.Second, func() bool {
		resp, err := http.Get("http://" + addr.String() + "/connectors/files/status")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var st worker.ConnectorStateInfo
		return json.NewDecoder(resp.Body).Decode(&st) == nil && len(st.Tasks) == 1 && st.Tasks[0].State == "RUNNING"
	}, "the file's connector RUNNING in the API")
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return")
	}
	_, err := http.Get("http://" + addr.String() + "/connectors")
	assert.Error(t, err, "the listener is closed when Run returns")
}
