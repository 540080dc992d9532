package worker

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/connectkit/connectkit/internal/clientconfig"
	"github.com/connectkit/connectkit/sink"
)

// clusterClient is the herder's own admin client, for the cluster id,
// health checks and sink connectors' consumer group offsets. It is made
// on first use, so a worker whose cluster is down still starts and says
// so in its status and /health.
type clusterClient struct {
	wcfg map[string]string
	log  *slog.Logger

	mu       sync.Mutex
	producer *kafka.Producer // carries admin and its logs
	admin    *kafka.AdminClient
	closed   bool
	logs     sync.WaitGroup
}

func newClusterClient(wcfg map[string]string, log *slog.Logger) *clusterClient {
	return &clusterClient{wcfg: wcfg, log: log.With("client", "worker-admin")}
}

// adminProps returns the worker's settings for its admin client: its
// security settings, overridden by admin.* ones, as Kafka Connect's
// worker builds its admin clients.
func adminProps(wcfg map[string]string) map[string]string {
	props := map[string]string{}
	for k, v := range wcfg {
		if k == "security.protocol" || strings.HasPrefix(k, "ssl.") || strings.HasPrefix(k, "sasl.") {
			props[k] = v
		}
	}
	for k, v := range wcfg {
		if rest, ok := strings.CutPrefix(k, sink.AdminPrefix); ok {
			props[rest] = v
		}
	}
	return props
}

// client returns the admin client, making it on first use.
func (c *clusterClient) client() (*kafka.AdminClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, conflict("The worker is shutting down")
	}
	if c.admin != nil {
		return c.admin, nil
	}
	mapped, err := clientconfig.Map(clientconfig.Admin, adminProps(c.wcfg))
	if err != nil {
		return nil, fmt.Errorf("worker: admin client: %w", err)
	}
	cfg := kafka.ConfigMap{"bootstrap.servers": c.wcfg[sink.BootstrapServersConfig], "client.id": "connect-worker-admin",
		"go.logs.channel.enable": true}
	for k, v := range mapped.Config {
		cfg[k] = v
	}
	// A producer carries the admin client: it is the client whose logs
	// channel confluent-kafka-go forwards.
	p, err := kafka.NewProducer(&cfg)
	if err != nil {
		return nil, fmt.Errorf("worker: admin client: %w", err)
	}
	clientconfig.ForwardProducer(&c.logs, p, c.log)
	a, err := kafka.NewAdminClientFromProducer(p)
	if err != nil {
		p.Close()
		c.logs.Wait()
		return nil, fmt.Errorf("worker: admin client: %w", err)
	}
	c.producer, c.admin = p, a
	return a, nil
}

func (c *clusterClient) clusterID(ctx context.Context) (string, error) {
	a, err := c.client()
	if err != nil {
		return "", err
	}
	id, err := a.ClusterID(ctx)
	if err != nil {
		return "", fmt.Errorf("worker: cluster id: %w", err)
	}
	return id, nil
}

// close releases the client; later calls fail.
func (c *clusterClient) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.admin != nil {
		c.admin.Close()
		c.producer.Close()
		c.admin, c.producer = nil, nil
	}
	c.logs.Wait()
}

// Worker settings of the REST API, with Kafka Connect's names.
const (
	ListenersConfig              = "listeners"
	RestAdvertisedHostNameConfig = "rest.advertised.host.name"
	RestAdvertisedPortConfig     = "rest.advertised.port"
	RestAdvertisedListenerConfig = "rest.advertised.listener"
	// DefaultListeners is where the REST API listens when listeners is
	// not set, as in Kafka Connect.
	DefaultListeners = "http://127.0.0.1:8083"
)

// restKeys are the worker settings of the REST API that Kafka Connect has
// and this worker reads or accepts.
var restKeys = map[string]bool{
	ListenersConfig: true, RestAdvertisedHostNameConfig: true, RestAdvertisedPortConfig: true,
	RestAdvertisedListenerConfig: true,
}

// Listeners returns the REST listeners of the worker settings wcfg:
// listeners, a comma-separated list of http://host:port URLs, or
// [DefaultListeners] when the key is absent. An empty listeners setting
// means no REST API. Only http listeners are served.
func Listeners(wcfg map[string]string) ([]*url.URL, error) {
	raw, ok := wcfg[ListenersConfig]
	if !ok {
		raw = DefaultListeners
	}
	var out []*url.URL
	for _, l := range strings.Split(raw, ",") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		u, err := url.Parse(l)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("worker: %s: %q is not a URL such as http://127.0.0.1:8083", ListenersConfig, l)
		}
		if !strings.EqualFold(u.Scheme, "http") {
			return nil, fmt.Errorf("worker: %s: %q: only http listeners are supported", ListenersConfig, l)
		}
		if _, port, err := net.SplitHostPort(u.Host); err != nil || port == "" {
			return nil, fmt.Errorf("worker: %s: %q needs a port", ListenersConfig, l)
		}
		out = append(out, u)
	}
	return out, nil
}

// WorkerID returns the worker's id in statuses, as Kafka Connect makes
// it: the advertised host and port of its REST API
// (rest.advertised.host.name and rest.advertised.port, else those of the
// first listener, or of rest.advertised.listener's scheme).
func WorkerID(wcfg map[string]string) string {
	host, port := "127.0.0.1", "8083"
	if ls, err := Listeners(wcfg); err == nil && len(ls) > 0 {
		u := ls[0]
		if want := wcfg[RestAdvertisedListenerConfig]; want != "" {
			for _, l := range ls {
				if strings.EqualFold(l.Scheme, want) {
					u = l
					break
				}
			}
		}
		host, port, _ = net.SplitHostPort(u.Host)
	}
	if h := wcfg[RestAdvertisedHostNameConfig]; h != "" {
		host = h
	}
	if p := wcfg[RestAdvertisedPortConfig]; p != "" {
		if _, err := strconv.Atoi(p); err == nil {
			port = p
		}
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
