// Package server is synthpipe's HTTP API: records generated on demand, one
// record by id, the governed snapshots, health, metrics, the OpenAPI 3.1
// document and a self-contained API reference, all over service.API so the
// HTTP handlers and the MCP tools take the same code path.
//
// Routes are registered with huma v2 on the standard library mux, so the
// OpenAPI document is generated from the handlers' Go types and every error
// is an RFC 9457 problem (application/problem+json).
package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/rs/zerolog"

	"github.com/synthpipe/synthpipe/internal/service"
	"github.com/synthpipe/synthpipe/internal/version"
)

// Defaults of Options.
const (
	DefaultAddr              = "127.0.0.1:8080"
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	// DefaultWriteTimeout bounds the writing of a response. A generate
	// stream and a snapshot file move it on with every write
	// (deadlineWriter): however long they last, they are cut off only
	// when the client stops reading for that long.
	DefaultWriteTimeout    = 60 * time.Second
	DefaultIdleTimeout     = 120 * time.Second
	DefaultShutdownTimeout = 30 * time.Second
	// retryAfter is what a client refused by the generate cap is told to wait:
	// a 10,000-record stream takes about that long.
	retryAfter = "1"
)

// Options configure a Server. Zero values take the defaults.
type Options struct {
	Addr  string // DefaultAddr; ":0" or "127.0.0.1:0" picks a free port
	Token string // when set, every route but /healthz needs "Authorization: Bearer <Token>"
	// MaxConcurrentGenerate is how many /generate requests may stream at
	// once; more get 429 with Retry-After. 0: 2×GOMAXPROCS.
	MaxConcurrentGenerate int
	Logger                zerolog.Logger
	MCP                   http.Handler // mounted at /mcp when set

	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// ShutdownTimeout bounds the wait for in-flight requests when the
	// context of Serve ends; after it the remaining connections are closed.
	ShutdownTimeout time.Duration
}

// Server serves a service.API over HTTP.
type Server struct {
	api     service.API
	opt     Options
	log     zerolog.Logger
	mux     *http.ServeMux
	huma    huma.API
	handler http.Handler
	metrics *metrics
	// generate is the semaphore of in-flight /generate streams: a token is
	// taken without blocking, so a full server answers 429 at once instead
	// of queueing work it cannot start.
	generate chan struct{}
}

// reserved are the first path segments the server owns: an entity of one
// of these names would make /{entity}/{id} ambiguous.
var reserved = map[string]bool{
	"generate": true, "snapshots": true, "docs": true, "openapi": true, "openapi.json": true,
	"openapi.yaml": true, "openapi-3.0.json": true, "openapi-3.0.yaml": true, "schemas": true,
	"metrics": true, "healthz": true, "readyz": true, "mcp": true, service.Dataset: true,
}

var entityName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// CheckToken reports a token no client could send: an Authorization header
// carries a bearer token of RFC 6750's b64token characters only, so a
// server holding any other (a space, a newline from a file, a non-ASCII
// letter) would answer 401 to everyone.
func CheckToken(token string) error {
	const tokenAllowed = "allowed: letters, digits and - . _ ~ + / (RFC 6750), then = padding"
	i := strings.TrimRight(token, "=")
	for k, r := range i {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~+/", r) {
			continue
		}
		return fmt.Errorf("token: %q at byte %d cannot be sent in an Authorization header: %s", r, k, tokenAllowed)
	}
	if token != "" && i == "" {
		return errors.New("token: padding alone: " + tokenAllowed)
	}
	return nil
}

// New builds the server's routes for the entities api names.
func New(api service.API, opt Options) (*Server, error) {
	if api == nil {
		return nil, errors.New("server: no service")
	}
	if opt.Addr == "" {
		opt.Addr = DefaultAddr
	}
	if opt.MaxConcurrentGenerate == 0 {
		opt.MaxConcurrentGenerate = 2 * runtime.GOMAXPROCS(0)
	}
	if err := CheckToken(opt.Token); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	if opt.MaxConcurrentGenerate < 0 {
		return nil, fmt.Errorf("server: max concurrent generate %d: allowed: 1 or more, 0 for 2×GOMAXPROCS", opt.MaxConcurrentGenerate)
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&opt.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	def(&opt.ReadTimeout, DefaultReadTimeout)
	def(&opt.WriteTimeout, DefaultWriteTimeout)
	def(&opt.IdleTimeout, DefaultIdleTimeout)
	def(&opt.ShutdownTimeout, DefaultShutdownTimeout)
	entities := api.Entities()
	for _, e := range entities {
		if !entityName.MatchString(e) || reserved[e] {
			return nil, fmt.Errorf("server: entity %q cannot be a route: allowed: lower-case names that are not one of the server's own paths", e)
		}
	}
	installProblems()

	s := &Server{
		api:      api,
		opt:      opt,
		log:      opt.Logger,
		mux:      http.NewServeMux(),
		metrics:  newMetrics(),
		generate: make(chan struct{}, opt.MaxConcurrentGenerate),
	}
	s.metrics.generating = func() int { return len(s.generate) }
	cfg := huma.DefaultConfig("synthpipe", version.Version)
	cfg.Info.Description = "Deterministic synthetic insurance test data: records generated on demand by the configured pipeline, " +
		"one record by id, and the governed snapshots. Errors are RFC 9457 problems (application/problem+json)."
	cfg.DocsPath = ""     // our own /docs: huma's loads a script from a CDN
	cfg.SchemasPath = ""  // schemas are inline in /openapi.json
	cfg.CreateHooks = nil // no $schema links in bodies: responses are the service's records as they are
	cfg.RejectUnknownQueryParameters = true
	if opt.Token != "" {
		cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
			"bearer": {Type: "http", Scheme: "bearer", Description: "the server's API token (SYNTHPIPE_API_TOKEN)"},
		}
		cfg.Security = []map[string][]string{{"bearer": {}}}
	}
	s.huma = humago.New(s.mux, cfg)
	s.routes(entities)
	// Huma documents a 422 for every operation with parameters; this server
	// answers parameter errors with 400 (see installProblems), never 422.
	for _, item := range s.huma.OpenAPI().Paths {
		if item.Get != nil {
			delete(item.Get.Responses, "422")
		}
	}
	s.mux.HandleFunc("GET /docs", s.docs)
	s.mux.HandleFunc("GET /metrics", s.metrics.serve)
	if opt.MCP != nil {
		// MCP calls generate and validate too: they share the cap of
		// /generate, so no other route gets around it.
		mcp := s.capped(opt.MCP)
		s.mux.Handle("/mcp", mcp)
		s.mux.Handle("/mcp/", mcp)
	}
	s.handler = s.requestID(s.observe(s.auth(s.problems(s.mux))))
	return s, nil
}

// Handler is the server's whole handler, middleware included.
func (s *Server) Handler() http.Handler { return s.handler }

// OpenAPI is the generated OpenAPI 3.1 document.
func (s *Server) OpenAPI() *huma.OpenAPI { return s.huma.OpenAPI() }

// ListenAndServe listens on Options.Addr and serves until ctx ends (see Serve).
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opt.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.opt.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends, then shuts down gracefully: it stops
// accepting, lets in-flight requests finish within ShutdownTimeout and
// returns nil; after the timeout it closes what is left and says so.
// Requests do not inherit ctx, so ending it never cuts a stream short.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.opt.ReadHeaderTimeout,
		ReadTimeout:       s.opt.ReadTimeout,
		WriteTimeout:      s.opt.WriteTimeout,
		IdleTimeout:       s.opt.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          newStdLogger(s.log),
	}
	s.log.Info().Str("addr", ln.Addr().String()).Str("url", "http://"+ln.Addr().String()).Bool("token", s.opt.Token != "").
		Int("max_concurrent_generate", s.opt.MaxConcurrentGenerate).Msg("serving")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	s.log.Info().Msg("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), s.opt.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc // http.ErrServerClosed, once Shutdown has begun
	if err != nil {
		srv.Close()
		return fmt.Errorf("shutdown after %s: %w (open connections closed)", s.opt.ShutdownTimeout, err)
	}
	s.log.Info().Msg("stopped")
	return nil
}

// capped lets a request through only while a generation slot is free (the
// semaphore of /generate), else answers 429 with Retry-After at once.
func (s *Server) capped(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		release, ok := s.admit(w)
		if !ok {
			return
		}
		defer release()
		next.ServeHTTP(w, r)
	})
}

// admit takes a generation slot without waiting and returns its release.
// When none is free it counts the refusal, answers 429 with Retry-After
// and returns false.
func (s *Server) admit(w http.ResponseWriter) (release func(), ok bool) {
	select {
	case s.generate <- struct{}{}:
		return func() { <-s.generate }, true
	default:
		s.metrics.rejected()
		w.Header().Set("Retry-After", retryAfter)
		writeProblem(w, problem(http.StatusTooManyRequests, "", "", "too many generate requests in flight; retry later"))
		return nil, false
	}
}
