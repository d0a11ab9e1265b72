package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/service"
)

// running is a server on a free loopback port, stopped with the test.
type running struct {
	url  string
	srv  *Server
	stop context.CancelFunc
	done chan error
}

func start(t *testing.T, api service.API, opt Options) *running {
	t.Helper()
	if opt.Logger.GetLevel() == zerolog.DebugLevel {
		opt.Logger = zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	}
	srv, err := New(api, opt)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{url: "http://" + ln.Addr().String(), srv: srv, stop: cancel, done: make(chan error, 1)}
	go func() { r.done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("server did not stop")
		}
	})
	return r
}

// get sends a GET (or method) with headers "Key: value" and returns the
// response with its body read.
func get(t *testing.T, method, url string, headers ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(body)
}

type problemBody struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
	} `json:"errors"`
}

// requireProblem checks an RFC 9457 problem of status whose text holds each of want.
func requireProblem(t *testing.T, res *http.Response, body string, status int, want ...string) problemBody {
	t.Helper()
	require.Equal(t, status, res.StatusCode, body)
	require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"), body)
	var p problemBody
	require.NoError(t, json.Unmarshal([]byte(body), &p), body)
	require.Equal(t, status, p.Status)
	for _, w := range want {
		require.Contains(t, body, w)
	}
	return p
}

func TestHealthAndReady(t *testing.T) {
	fake := newFake()
	r := start(t, fake, Options{})
	res, body := get(t, "GET", r.url+"/healthz")
	require.Equal(t, 200, res.StatusCode)
	require.JSONEq(t, `{"status":"ok"}`, body)
	require.NotEmpty(t, res.Header.Get("X-Request-Id"))

	res, _ = get(t, "GET", r.url+"/readyz")
	require.Equal(t, 200, res.StatusCode)
	fake.notReady = errors.New("snapshots root unreadable")
	res, body = get(t, "GET", r.url+"/readyz")
	requireProblem(t, res, body, 503, "snapshots root unreadable")
}

func TestRequestIDEchoed(t *testing.T) {
	r := start(t, newFake(), Options{})
	res, _ := get(t, "GET", r.url+"/healthz", "X-Request-Id: abc-123")
	require.Equal(t, "abc-123", res.Header.Get("X-Request-Id"))
	res, _ = get(t, "GET", r.url+"/healthz", "X-Request-Id: bad id\twith spaces")
	require.NotEqual(t, "bad id\twith spaces", res.Header.Get("X-Request-Id"), "a header that is not a token is replaced, not logged")
	require.Len(t, res.Header.Get("X-Request-Id"), 16)
}

func TestGenerate(t *testing.T) {
	r := start(t, newFake(), Options{})
	tests := []struct {
		query, contentType, head string
	}{
		{"", "application/json", "entity=persons records=10 seed=-1 offset=0 format=json\n"},
		{"?records=5&seed=42&offset=7&format=csv", "text/csv; charset=utf-8", "entity=persons records=5 seed=42 offset=7 format=csv\n"},
		{"?format=parquet&seed=0", "application/vnd.apache.parquet", "entity=persons records=10 seed=0 offset=0 format=parquet\n"},
		{"?format=ndjson", "application/x-ndjson", "entity=persons records=10 seed=-1 offset=0 format=ndjson\n"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res, body := get(t, "GET", r.url+"/generate/persons"+tt.query)
			require.Equal(t, 200, res.StatusCode, body)
			require.Equal(t, tt.contentType, res.Header.Get("Content-Type"))
			require.True(t, strings.HasPrefix(body, tt.head), body[:min(len(body), 100)])
			require.Len(t, body, len(tt.head)+chunkSize)
		})
	}
	res, body := get(t, "HEAD", r.url+"/generate/persons?format=csv")
	require.Equal(t, 200, res.StatusCode)
	require.Equal(t, "text/csv; charset=utf-8", res.Header.Get("Content-Type"))
	require.Empty(t, body)

	res, body = get(t, "GET", r.url+"/generate/dataset?format=ndjson&records=3")
	require.Equal(t, 200, res.StatusCode)
	require.True(t, strings.HasPrefix(body, "entity=dataset records=3"))
}

func TestGenerateBadInput(t *testing.T) {
	r := start(t, newFake(), Options{})
	tests := []struct {
		name, path string
		status     int
		want       []string
	}{
		{"unknown parameter", "/generate/persons?records=5&colour=red", 400, []string{`unknown query parameter \"colour\"`, "allowed: format, offset, records, seed"}},
		{"records not a number", "/generate/persons?records=ten", 400, []string{"records", "invalid integer", "ten"}},
		{"seed not a number", "/generate/persons?seed=0x", 400, []string{"seed", "invalid integer"}},
		{"offset not a number", "/generate/persons?offset=1.5", 400, []string{"offset"}},
		// Either bound's refusal names the whole range, the cap being the service's.
		{"records zero", "/generate/persons?records=0", 400, []string{"query parameter records: expected number from 1 to 1000", `"location":"query.records"`}},
		{"records negative", "/generate/persons?records=-5", 400, []string{"records", "from 1 to 1000"}},
		{"records one past the cap", "/generate/persons?records=1001", 400, []string{"query parameter records: expected number from 1 to 1000", `"location":"query.records"`}},
		{"records beyond int64", "/generate/persons?records=99999999999999999999", 400, []string{"records"}},
		{"offset negative", "/generate/persons?offset=-1", 400, []string{"offset"}},
		{"unknown format", "/generate/persons?format=xml", 400, []string{"format", "json", "parquet"}},
		{"format the dataset cannot take", "/generate/dataset?format=csv", 400, []string{"format", "json or ndjson"}},
		{"unknown entity", "/generate/spaceships", 404, []string{`entity \"spaceships\" not found`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := get(t, "GET", r.url+tt.path)
			requireProblem(t, res, body, tt.status, tt.want...)
		})
	}
}

func TestRecord(t *testing.T) {
	r := start(t, newFake(), Options{})
	res, body := get(t, "GET", r.url+"/persons/PER-0000000001?include=vehicles,profiles")
	require.Equal(t, 200, res.StatusCode, body)
	require.Equal(t, "application/json", res.Header.Get("Content-Type"))
	require.JSONEq(t, `{"entity":"persons","record":{"person_id":"PER-0000000001","name":"Ada"},
		"linked":{"vehicles":[{"person_id":"PER-0000000001"}],"profiles":[{"person_id":"PER-0000000001"}]}}`, body)

	res, body2 := get(t, "GET", r.url+"/persons/PER-0000000001?include=vehicles&include=profiles")
	require.Equal(t, 200, res.StatusCode, body2)
	require.JSONEq(t, body, body2, "a repeated include is the comma list")

	tests := []struct {
		path   string
		status int
		want   []string
	}{
		{"/persons/PER-0000009999", 404, []string{"not found", "PER-0000009999"}},
		{"/persons/nonsense", 400, []string{`id \"nonsense\"`, `"location":"path.id"`}},
		{"/persons/PER-0000000001?include=spaceships", 400, []string{"include", "vehicles, profiles"}},
		{"/persons/PER-0000000001?with=vehicles", 400, []string{`\"with\"`, "allowed: include"}},
		{"/spaceships/PER-0000000001", 404, []string{"no such route"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, body := get(t, "GET", r.url+tt.path)
			requireProblem(t, res, body, tt.status, tt.want...)
		})
	}
}

func TestNewRefusesEntityNamedLikeARoute(t *testing.T) {
	for _, name := range []string{"snapshots", "generate", "docs", "metrics", "mcp", "Persons", "a/b", ""} {
		_, err := New(namedFake{newFake(), name}, Options{})
		require.ErrorContains(t, err, fmt.Sprintf("entity %q", name))
	}
}

type namedFake struct {
	*fakeAPI
	name string
}

func (n namedFake) Entities() []string { return []string{"persons", n.name} }

func TestSnapshots(t *testing.T) {
	fake := newFake()
	r := start(t, fake, Options{})
	res, body := get(t, "GET", r.url+"/snapshots")
	require.Equal(t, 200, res.StatusCode, body)
	var list struct {
		Snapshots []struct {
			Path        string `json:"path"`
			ManifestURL string `json:"manifest_url"`
			FilesURL    string `json:"files_url"`
		} `json:"snapshots"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &list))
	require.Len(t, list.Snapshots, 2)
	require.Equal(t, "/snapshots/v0.2/manifest", list.Snapshots[0].ManifestURL)
	require.Equal(t, "/snapshots/v0.2/manifest?dir=variants/clean-licences", list.Snapshots[1].ManifestURL)
	require.Equal(t, "/snapshots/v0.2/files/{name}?dir=variants/clean-licences", list.Snapshots[1].FilesURL)

	t.Run("manifest with ETag and 304", func(t *testing.T) {
		raw, sha, _ := fake.Manifest("v0.2")
		res, body := get(t, "GET", r.url+"/snapshots/v0.2/manifest")
		require.Equal(t, 200, res.StatusCode, body)
		require.Equal(t, string(raw), body)
		require.Equal(t, `"`+sha+`"`, res.Header.Get("ETag"))
		require.Equal(t, "application/json", res.Header.Get("Content-Type"))
		res, body = get(t, "GET", r.url+"/snapshots/v0.2/manifest", `If-None-Match: "`+sha+`"`)
		require.Equal(t, 304, res.StatusCode)
		require.Empty(t, body)
		res, _ = get(t, "GET", r.url+"/snapshots/v0.2/manifest", `If-None-Match: "other"`)
		require.Equal(t, 200, res.StatusCode)
	})
	t.Run("nested manifest", func(t *testing.T) {
		raw, _, _ := fake.Manifest("variants/clean-licences/v0.2")
		res, body := get(t, "GET", r.url+list.Snapshots[1].ManifestURL)
		require.Equal(t, 200, res.StatusCode, body)
		require.Equal(t, string(raw), body)
	})
	t.Run("file with Range, ETag and 304", func(t *testing.T) {
		data := fake.files["v0.2"]["persons_v0_2.csv"]
		url := r.url + "/snapshots/v0.2/files/persons_v0_2.csv"
		res, body := get(t, "GET", url)
		require.Equal(t, 200, res.StatusCode, body)
		require.Equal(t, string(data), body)
		require.Equal(t, "text/csv; charset=utf-8", res.Header.Get("Content-Type"))
		require.Equal(t, fmt.Sprint(len(data)), res.Header.Get("Content-Length"))
		require.Equal(t, `"`+sum(data)+`"`, res.Header.Get("ETag"))
		require.Equal(t, "bytes", res.Header.Get("Accept-Ranges"))

		res, body = get(t, "GET", url, "Range: bytes=0-8")
		require.Equal(t, 206, res.StatusCode)
		require.Equal(t, "person_id", body)
		require.Equal(t, fmt.Sprintf("bytes 0-8/%d", len(data)), res.Header.Get("Content-Range"))

		res, body = get(t, "GET", url, "Range: bytes=9999-")
		requireProblem(t, res, body, 416, "range not satisfiable", fmt.Sprintf("has %d bytes", len(data)))
		require.Equal(t, fmt.Sprintf("bytes */%d", len(data)), res.Header.Get("Content-Range"))

		res, body = get(t, "GET", r.url+"/snapshots/v0.2/manifest", "Range: bytes=1-2")
		require.Equal(t, 206, res.StatusCode)
		require.Equal(t, `"f`, body)

		res, body = get(t, "GET", url, `If-None-Match: "`+sum(data)+`"`)
		require.Equal(t, 304, res.StatusCode)
		require.Empty(t, body)

		res, body = get(t, "GET", r.url+"/snapshots/v0.2/files/persons_v0_2.csv?dir=variants/clean-licences")
		require.Equal(t, 200, res.StatusCode)
		require.Contains(t, body, "Bea")
	})
	t.Run("not found", func(t *testing.T) {
		res, body := get(t, "GET", r.url+"/snapshots/v9.9/manifest")
		requireProblem(t, res, body, 404, "not found")
		res, body = get(t, "GET", r.url+"/snapshots/v0.2/files/other.csv")
		requireProblem(t, res, body, 404, "not found")
		res, body = get(t, "GET", r.url+"/snapshots/v0.2/files/manifest.json?dir=variants")
		requireProblem(t, res, body, 404, "not found")
	})
}

// TestSnapshotPathEscapes sends real requests that try to leave the
// snapshot folder: the server refuses them before the service is asked
// (first layer), and what does reach the service is refused there too.
func TestSnapshotPathEscapes(t *testing.T) {
	fake := newFake()
	r := start(t, fake, Options{})
	tests := []struct {
		path   string
		status int
	}{
		{"/snapshots/..%2F..%2Fetc/manifest", 400},
		{"/snapshots/v0.2/files/..%2F..%2F..%2Fetc%2Fpasswd", 400},
		{"/snapshots/v0.2/files/%2Fetc%2Fpasswd", 400},
		{"/snapshots/v0.2/files/..%5Cpasswd", 400},
		{"/snapshots/v0.2/files/.staging", 400},
		{"/snapshots/v0.2/manifest?dir=..", 400},
		{"/snapshots/v0.2/manifest?dir=../..", 400},
		{"/snapshots/v0.2/manifest?dir=/etc", 400},
		{"/snapshots/v0.2/manifest?dir=variants/../..", 400},
		{"/snapshots/v0.2/manifest?dir=variants//clean-licences", 400},
		{"/snapshots/v0.2/files/persons_v0_2.csv?dir=%2E%2E", 400},
		{"/snapshots/.../manifest", 400},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, body := get(t, "GET", r.url+tt.path)
			requireProblem(t, res, body, tt.status)
			require.NotContains(t, body, "root:")
		})
	}
	require.Empty(t, fake.Calls(), "refused before the service was asked")

	// Dot segments in the path itself are cleaned by the mux with a
	// redirect that stays under the server's routes, never a file.
	for _, p := range []string{"/snapshots/v0.2/files/../../../etc/passwd", "/snapshots/%2E%2E/%2E%2E/etc/manifest", "/snapshots/v0.2/files/.."} {
		res, body := get(t, "GET", r.url+p)
		require.NotEqual(t, 200, res.StatusCode, p)
		require.NotContains(t, res.Header.Get("Location"), "..", p)
		require.NotContains(t, body, "root:", p)
	}
	require.Empty(t, fake.Calls(), "dot segments never reach the service")

	// The second layer: names the server lets through but the snapshot
	// does not list (a symlink, a stray file) are the service's to refuse.
	res, body := get(t, "GET", r.url+"/snapshots/v0.2/files/link-to-passwd")
	requireProblem(t, res, body, 404, `file \"link-to-passwd\" not found`)
	require.Equal(t, []string{"file v0.2 link-to-passwd"}, fake.Calls())
}

func TestToken(t *testing.T) {
	r := start(t, newFake(), Options{Token: "s3cret"})
	res, body := get(t, "GET", r.url+"/healthz")
	require.Equal(t, 200, res.StatusCode, "liveness never needs the token")
	for _, path := range []string{"/readyz", "/generate/persons", "/persons/PER-0000000001", "/snapshots", "/metrics", "/openapi.json", "/docs", "/nowhere"} {
		res, body = get(t, "GET", r.url+path)
		requireProblem(t, res, body, 401, "bearer token")
		require.Equal(t, `Bearer realm="synthpipe"`, res.Header.Get("WWW-Authenticate"))
		res, body = get(t, "GET", r.url+path, "Authorization: Bearer wrong")
		requireProblem(t, res, body, 401)
		res, body = get(t, "GET", r.url+path, "Authorization: Basic s3cret")
		requireProblem(t, res, body, 401)
	}
	res, body = get(t, "GET", r.url+"/persons/PER-0000000001", "Authorization: Bearer s3cret")
	require.Equal(t, 200, res.StatusCode, body)
	res, _ = get(t, "GET", r.url+"/generate/persons", "Authorization: bearer s3cret")
	require.Equal(t, 200, res.StatusCode, "the scheme is case-insensitive")
	_, body = get(t, "GET", r.url+"/openapi.json", "Authorization: Bearer s3cret")
	require.Contains(t, body, `"bearer"`, "the document declares the scheme")
}

func TestConcurrencyCap(t *testing.T) {
	fake := newFake()
	fake.started = make(chan struct{}, 10)
	fake.release = make(chan struct{})
	const limit = 3
	mcpOK := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	r := start(t, fake, Options{MaxConcurrentGenerate: limit, MCP: mcpOK})
	type result struct {
		status int
		err    error
	}
	results := make(chan result, limit)
	for range limit {
		go func() {
			res, err := http.Get(r.url + "/generate/persons")
			if err != nil {
				results <- result{err: err}
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			results <- result{status: res.StatusCode}
		}()
	}
	for range limit {
		select {
		case <-fake.started:
		case <-time.After(10 * time.Second):
			t.Fatal("generate calls did not start")
		}
	}
	res, body := get(t, "GET", r.url+"/generate/persons")
	requireProblem(t, res, body, 429, "too many generate requests")
	require.Equal(t, "1", res.Header.Get("Retry-After"))
	res, body = get(t, "POST", r.url+"/mcp")
	requireProblem(t, res, body, 429, "too many generate requests")
	require.Equal(t, "1", res.Header.Get("Retry-After"), "MCP tools generate too: they share the cap")
	res, _ = get(t, "GET", r.url+"/persons/PER-0000000001")
	require.Equal(t, 200, res.StatusCode, "the cap is for generation only")

	close(fake.release)
	for range limit {
		got := <-results
		require.NoError(t, got.err)
		require.Equal(t, 200, got.status)
	}
	res, _ = get(t, "GET", r.url+"/generate/persons")
	require.Equal(t, 200, res.StatusCode, "tokens come back when streams end")
	res, _ = get(t, "POST", r.url+"/mcp")
	require.Equal(t, 200, res.StatusCode)
	_, metrics := get(t, "GET", r.url+"/metrics")
	require.Contains(t, metrics, "synthpipe_generate_rejected_total 2\n")
}

// TestStreaming shows that the body reaches the client while Generate is
// still running: the fake writes its first 64 KiB chunk and then waits
// for the test, which reads that chunk first. A layer that buffered the
// body would deadlock here (the fake never returns until the client has
// read), so the test would time out instead of passing.
func TestStreaming(t *testing.T) {
	fake := newFake()
	fake.chunks = 4
	fake.started = make(chan struct{}, 1)
	fake.release = make(chan struct{})
	r := start(t, fake, Options{})
	res, err := http.Get(r.url + "/generate/persons?format=csv")
	require.NoError(t, err, "headers arrive while Generate runs")
	defer res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	first := make([]byte, chunkSize)
	done := make(chan error, 1)
	go func() { _, err := io.ReadFull(res.Body, first); done <- err }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the first chunk did not arrive while Generate was still running: something buffers the body")
	}
	close(fake.release)
	rest, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	head := len("entity=persons records=10 seed=-1 offset=0 format=csv\n")
	require.Equal(t, head+4*chunkSize, len(first)+len(rest))
}

func TestGenerateFailure(t *testing.T) {
	fake := newFake()
	fake.fail = errors.New("disk on fire at /secret/path")
	r := start(t, fake, Options{})
	res, body := get(t, "GET", r.url+"/generate/persons")
	p := requireProblem(t, res, body, 500, "internal error")
	require.NotContains(t, p.Detail, "/secret/path", "internal details stay in the log")

	// Mid-stream the status is gone: the client must see a broken body,
	// not a short one that looks complete.
	fake.fail = nil
	fake.chunks = 3
	fake.started = make(chan struct{}, 1)
	fake.release = make(chan struct{})
	go func() { <-fake.started; close(fake.release) }()
	failing := &midStreamFail{fakeAPI: fake}
	r2 := start(t, failing, Options{})
	resp, err := http.Get(r2.url + "/generate/persons")
	require.NoError(t, err)
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Error(t, err, "a stream cut short is an error for the client")
}

type midStreamFail struct{ *fakeAPI }

func (m *midStreamFail) Generate(ctx context.Context, req service.GenerateRequest, w io.Writer) (service.Served, error) {
	w.Write([]byte(strings.Repeat("y", chunkSize)))
	return nil, errors.New("pipeline failed")
}

func TestGracefulShutdown(t *testing.T) {
	fake := newFake()
	fake.started = make(chan struct{}, 1)
	fake.release = make(chan struct{})
	r := start(t, fake, Options{})
	type result struct {
		n   int
		err error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.Get(r.url + "/generate/persons")
		if err != nil {
			got <- result{err: err}
			return
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		got <- result{len(b), err}
	}()
	<-fake.started
	r.stop() // the signal: stop accepting, finish what runs
	select {
	case err := <-r.done:
		t.Fatalf("server stopped with a request in flight: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	_, err := http.Get(r.url + "/healthz")
	require.Error(t, err, "no new connections once shutting down")
	close(fake.release)
	res := <-got
	require.NoError(t, res.err)
	require.Equal(t, len("entity=persons records=10 seed=-1 offset=0 format=json\n")+chunkSize, res.n)
	select {
	case err := <-r.done:
		require.NoError(t, err)
		r.done <- nil // for Cleanup
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop after the request finished")
	}
}

func TestShutdownTimeout(t *testing.T) {
	fake := newFake()
	fake.started = make(chan struct{}, 1)
	fake.release = make(chan struct{}) // never released
	r := start(t, fake, Options{ShutdownTimeout: 100 * time.Millisecond})
	go func() {
		if res, err := http.Get(r.url + "/generate/persons"); err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	}()
	<-fake.started
	r.stop()
	err := <-r.done
	require.ErrorContains(t, err, "shutdown after 100ms")
	r.done <- nil
}

func TestMethodNotAllowed(t *testing.T) {
	r := start(t, newFake(), Options{})
	for _, path := range []string{"/generate/persons", "/persons/PER-0000000001", "/snapshots", "/snapshots/v0.2/manifest", "/healthz", "/metrics", "/docs"} {
		res, body := get(t, "POST", r.url+path)
		requireProblem(t, res, body, 405, "method POST is not allowed")
		require.Equal(t, "GET, HEAD", res.Header.Get("Allow"), path)
		res, body = get(t, "DELETE", r.url+path)
		requireProblem(t, res, body, 405)
	}
	res, body := get(t, "GET", r.url+"/no/such/thing")
	requireProblem(t, res, body, 404, "no such route")
}

func TestMetrics(t *testing.T) {
	r := start(t, newFake(), Options{})
	get(t, "GET", r.url+"/generate/persons?records=7")
	get(t, "GET", r.url+"/persons/PER-0000000001")
	get(t, "GET", r.url+"/persons/PER-0000000002")
	get(t, "GET", r.url+"/nowhere/at/all")
	res, body := get(t, "GET", r.url+"/metrics")
	require.Equal(t, 200, res.StatusCode)
	require.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain; version=0.0.4"))
	for _, want := range []string{
		`synthpipe_http_requests_total{route="GET /generate/{entity}",status="200"} 1`,
		`synthpipe_http_requests_total{route="GET /persons/{id}",status="200"} 1`,
		`synthpipe_http_requests_total{route="GET /persons/{id}",status="404"} 1`,
		`synthpipe_http_requests_total{route="unmatched",status="404"} 1`,
		`synthpipe_http_request_duration_seconds_bucket{route="GET /persons/{id}",le="+Inf"} 2`,
		`synthpipe_http_request_duration_seconds_count{route="GET /generate/{entity}"} 1`,
		`synthpipe_records_served_total{entity="persons"} 8`,
		"synthpipe_generate_rejected_total 0",
		"synthpipe_http_requests_in_flight 1", // the scrape itself
		"synthpipe_generate_in_flight 0",
		"# TYPE synthpipe_http_request_duration_seconds histogram",
	} {
		require.Contains(t, body, want)
	}
	require.NotContains(t, body, "nowhere", "raw paths never become labels")
}

func TestOpenAPI(t *testing.T) {
	r := start(t, newFake(), Options{})
	res, body := get(t, "GET", r.url+"/openapi.json")
	require.Equal(t, 200, res.StatusCode)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	require.Equal(t, "3.1.0", doc.OpenAPI)
	for path, id := range map[string]string{
		"/generate/{entity}": "generate", "/persons/{id}": "get-persons", "/vehicles/{id}": "get-vehicles",
		"/profiles/{id}": "get-profiles", "/snapshots": "list-snapshots", "/snapshots/{version}/manifest": "get-manifest",
		"/snapshots/{version}/files/{name}": "get-snapshot-file", "/healthz": "healthz", "/readyz": "readyz",
	} {
		require.Contains(t, doc.Paths, path)
		require.Equal(t, id, doc.Paths[path]["get"]["operationId"], path)
	}
	gen, _ := json.Marshal(doc.Paths["/generate/{entity}"])
	for _, want := range []string{`"records"`, `"seed"`, `"offset"`, `"format"`, `"parquet"`, "text/csv", "429", "problem+json"} {
		require.Contains(t, string(gen), want)
	}
	require.Contains(t, body, "?dir=variants/clean-licences", "the snapshot URL scheme is documented")
	require.Contains(t, string(gen), `"maximum":1000,"minimum":1`, "records documents the service's cap")
	require.NotContains(t, string(gen), `"422"`, "parameter errors are 400, so no 422 is documented")
	require.Contains(t, string(gen), "in json the whole document, sent once the run has passed", "the dataset's spooling is documented")
	require.NotContains(t, string(gen), "never buffered", "the dataset waits in a temporary file")
}

func TestDocs(t *testing.T) {
	r := start(t, newFake(), Options{})
	res, body := get(t, "GET", r.url+"/docs")
	require.Equal(t, 200, res.StatusCode)
	require.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))
	for _, want := range []string{"/generate/{entity}", "/persons/{id}", "/snapshots/{version}/files/{name}", "<code>records</code>", "parquet"} {
		require.Contains(t, body, want)
	}
	for _, external := range []string{"http://", "https://", "<script", "//cdn", "unpkg"} {
		require.NotContains(t, body, external, "the page needs nothing from elsewhere")
	}
}

func TestMCPMounted(t *testing.T) {
	mcp := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "mcp ", r.Method, " ", r.URL.Path) })
	r := start(t, newFake(), Options{MCP: mcp, Token: "t"})
	res, body := get(t, "POST", r.url+"/mcp", "Authorization: Bearer t")
	require.Equal(t, 200, res.StatusCode)
	require.Equal(t, "mcp POST /mcp", body)
	res, _ = get(t, "POST", r.url+"/mcp")
	require.Equal(t, 401, res.StatusCode, "the token guards MCP too")
}

// A download slower than the write timeout still completes while bytes
// flow: the deadline moves on with every write. The client's receive buffer
// is small, so the server really waits on the slow reader.
func TestSlowDownloadOutlivesWriteTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("a 4.5 s slow download; run in full by .ci/run")
	}
	fake := newFake()
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<20) // 16 MiB
	fake.files["v0.2"]["persons_v0_2.csv"] = big
	// The timeout leaves room for a scheduling stall of a loaded CI
	// machine (1 s once cut the transfer short); the download lasts over
	// twice as long.
	r := start(t, fake, Options{WriteTimeout: 2 * time.Second})
	dialer := &net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 16<<10) })
	}}
	client := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}
	res, err := client.Get(r.url + "/snapshots/v0.2/files/persons_v0_2.csv")
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	var got bytes.Buffer
	buf := make([]byte, 64<<10)
	began := time.Now()
	for next := 256 << 10; ; {
		n, err := res.Body.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			require.ErrorIs(t, err, io.EOF, "after %d of %d bytes", got.Len(), len(big))
			break
		}
		if got.Len() >= next { // a slow link: 256 KiB every 70 ms, 4.5 s in all
			time.Sleep(70 * time.Millisecond)
			next += 256 << 10
		}
	}
	require.Greater(t, time.Since(began), 4*time.Second, "well past the write timeout")
	require.True(t, bytes.Equal(big, got.Bytes()), "the whole file: %d of %d bytes", got.Len(), len(big))
}

// A generate stream that lasts longer than the write timeout completes
// while bytes flow: the deadline moves on with every write, as for a
// snapshot file.
func TestLongGenerateOutlivesWriteTimeout(t *testing.T) {
	fake := newFake()
	fake.chunks, fake.pace = 12, 150*time.Millisecond // 1.65 s of writes, each 150 ms after the last
	r := start(t, fake, Options{WriteTimeout: time.Second})
	began := time.Now()
	res, err := http.Get(r.url + "/generate/persons?records=3&format=csv")
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err, "the stream was cut after %v", time.Since(began))
	require.Greater(t, time.Since(began), 1500*time.Millisecond, "past the write timeout")
	head := "entity=persons records=3 seed=-1 offset=0 format=csv\n"
	require.Equal(t, len(head)+12*chunkSize, len(body), "the whole stream")
}

func TestCheckTokenRefusesWhatNoClientCanSend(t *testing.T) {
	for _, ok := range []string{"", "s3cret", "a-b.c_d~e+f/g", "YWJj==", "A"} {
		require.NoError(t, CheckToken(ok), ok)
	}
	for tok, at := range map[string]string{"s3cret\n": `'\n' at byte 6`, "two words": `' ' at byte 3`, "pässword": `'ä' at byte 1`, "a=b": `'=' at byte 1`, "==": "padding alone"} {
		err := CheckToken(tok)
		require.ErrorContains(t, err, at, "%q", tok)
		require.ErrorContains(t, err, "allowed: letters, digits", "the error says what is allowed")
	}
	_, err := New(newFake(), Options{Token: "with space"})
	require.ErrorContains(t, err, "cannot be sent in an Authorization header")
}
