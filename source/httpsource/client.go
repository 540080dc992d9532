package httpsource

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// newHTTPClient builds the client http.client.* describes.
func newHTTPClient(s *settings) (*http.Client, error) {
	cfg := s.cfg
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: cfg.Duration(ConnectionTimeoutConfig), KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = cfg.Duration(ConnectionTimeoutConfig)
	tr.ResponseHeaderTimeout = cfg.Duration(ReadTimeoutConfig)
	tr.IdleConnTimeout = cfg.Duration(ConnectionTTLConfig)
	tr.MaxIdleConnsPerHost = cfg.Int(MaxIdleConfig)
	if tr.MaxIdleConnsPerHost == 0 {
		tr.DisableKeepAlives = true
	}
	if host := cfg.String(ProxyHostConfig); host != "" {
		u := &url.URL{Scheme: "http", Host: net.JoinHostPort(host, strconv.Itoa(cfg.Int(ProxyPortConfig)))}
		if user := cfg.String(ProxyUserConfig); user != "" {
			u.User = url.UserPassword(user, cfg.Password(ProxyPasswordConfig).Value())
		}
		tr.Proxy = http.ProxyURL(u)
	}
	if ca, cert := cfg.String(TLSCAFileConfig), cfg.String(TLSCertFileConfig); ca != "" || cert != "" {
		tc := &tls.Config{MinVersion: tls.VersionTLS12}
		if ca != "" {
			pem, err := os.ReadFile(ca)
			if err != nil {
				return nil, fmt.Errorf("httpsource: %s: %w", TLSCAFileConfig, err)
			}
			tc.RootCAs = x509.NewCertPool()
			if !tc.RootCAs.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("httpsource: %s: no PEM certificate in %s", TLSCAFileConfig, ca)
			}
		}
		if cert != "" {
			pair, err := tls.LoadX509KeyPair(cert, cfg.String(TLSKeyFileConfig))
			if err != nil {
				return nil, fmt.Errorf("httpsource: %s: %w", TLSCertFileConfig, err)
			}
			tc.Certificates = []tls.Certificate{pair}
		}
		tr.TLSClientConfig = tc
	}
	return &http.Client{Transport: tr}, nil
}

// maxBodyHint bounds the memory set aside for a body before it is read.
const maxBodyHint = 64 << 20

// BodyTooLargeError is the failure of a response whose body is longer than
// http.response.max.bytes: the task fails with it, naming the request and
// the limit, unless errors.tolerance=all, when the response is logged and
// skipped. It is not retried: the same request would bring the same body.
type BodyTooLargeError struct {
	// Request is the method and URL, without the query string.
	Request string
	// Limit is http.response.max.bytes.
	Limit int64
	// Length is the Content-Length the server announced, or -1 when the
	// body was cut off while it was read.
	Length int64
}

func (e *BodyTooLargeError) Error() string {
	if e.Length >= 0 {
		return fmt.Sprintf("httpsource: %s: the response body of %d bytes is larger than %s=%d",
			e.Request, e.Length, MaxResponseBytesConfig, e.Limit)
	}
	return fmt.Sprintf("httpsource: %s: the response body is larger than %s=%d; read stopped there",
		e.Request, MaxResponseBytesConfig, e.Limit)
}

// errBodyTooLarge is what readBody returns past the limit; get turns it
// into a BodyTooLargeError.
var errBodyTooLarge = errors.New("response body too large")

// readBody reads a whole response body, at most limit bytes, failing when
// one read waits longer than timeout (castorm's read timeout is per socket
// read, not a deadline for the whole body). cancel aborts the request. size
// is the body's length, or a guess such as the last body's: the buffer
// starts there, to spare copying a page as it grows, and doubles when it is
// too small, never beyond limit.
func readBody(body io.Reader, size, limit int64, timeout time.Duration, cancel context.CancelFunc) ([]byte, error) {
	if timeout <= 0 {
		b, err := io.ReadAll(io.LimitReader(body, limit+1))
		if int64(len(b)) > limit {
			return nil, errBodyTooLarge
		}
		return b, err
	}
	timer := time.AfterFunc(timeout, cancel)
	defer timer.Stop()
	// One byte more than the body, so that the read that meets its end
	// needs no room either; one more than the limit, to see it passed.
	buf := make([]byte, 0, min(max(min(size, maxBodyHint), 32<<10), limit)+1)
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return nil, errBodyTooLarge
			}
			buf = slices.Grow(buf, int(min(int64(cap(buf)), limit+1-int64(len(buf)))))
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if !timer.Stop() {
			return nil, fmt.Errorf("read timeout: no data for %v", timeout)
		}
		timer.Reset(timeout)
		if int64(len(buf)) > limit {
			return nil, errBodyTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if secs, err := strconv.Atoi(h); err == nil {
		if secs < 0 {
			return 0
		}
		// Past what a Duration holds (292 years) the product would wrap
		// negative, and a server asking for forever would be retried at
		// once; such a wait is the longest Duration.
		if secs > int(math.MaxInt64/time.Second) {
			return math.MaxInt64
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// nextLink returns the rel="next" target of Link headers (RFC 8288).
func nextLink(headers []string) string {
	for _, h := range headers {
		for _, link := range splitLinks(h) {
			target, params, ok := strings.Cut(link, ";")
			target = strings.TrimSpace(target)
			if !ok || !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				continue
			}
			for _, p := range strings.Split(params, ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
				if !strings.EqualFold(strings.TrimSpace(k), "rel") {
					continue
				}
				for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(v), `"`)) {
					if strings.EqualFold(rel, "next") {
						return target[1 : len(target)-1]
					}
				}
			}
		}
	}
	return ""
}

// splitLinks splits a Link header on the commas between links, not those
// inside <...> or quotes.
func splitLinks(h string) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(h); i++ {
		switch c := h[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '<':
			depth++
		case c == '>':
			depth--
		case c == ',' && depth == 0:
			out = append(out, h[start:i])
			start = i + 1
		}
	}
	return append(out, h[start:])
}

// redactURL names a URL in logs and errors without its query and user
// info, where API keys tend to live.
func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	r := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	s := r.String()
	if u.RawQuery != "" {
		s += "?…"
	}
	return s
}
