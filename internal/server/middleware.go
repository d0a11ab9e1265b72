package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

type ctxKey struct{}

// requestIDFrom is the request's id, for logs and problems.
func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// requestID takes the client's X-Request-Id when it is a sane token (it
// goes into logs) or makes one, and echoes it in the response.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !saneID(id) {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, id)))
	})
}

func saneID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// recorder sees the status and the bytes of a response for the access log
// and the metrics. It writes through (Unwrap lets http.ResponseController
// reach the connection's Flush and deadlines) and holds nothing back.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rw *recorder) WriteHeader(code int) {
	if rw.status == 0 {
		rw.status = code
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recorder) Write(p []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.ResponseWriter.Write(p)
	rw.bytes += int64(n)
	return n, err
}

func (rw *recorder) Flush() {
	if f, ok := rw.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// observe logs each request and counts it by route: the mux's pattern,
// never the raw path, so the metrics stay bounded whatever clients send.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		route := "unmatched"
		if _, pattern := s.mux.Handler(r); pattern != "" {
			route = pattern
		}
		rw := &recorder{ResponseWriter: w}
		s.metrics.inFlight.Add(1)
		defer func() {
			s.metrics.inFlight.Add(-1)
			status := rw.status
			if status == 0 {
				status = http.StatusOK
			}
			if v := recover(); v != nil {
				status = 599 // aborted: the client saw a cut connection
				defer panic(v)
			}
			d := time.Since(start)
			s.metrics.observe(route, status, d)
			s.log.Info().Str("method", r.Method).Str("path", clip(r.URL.Path)).Str("route", route).Int("status", status).
				Int64("bytes", rw.bytes).Dur("duration", d).Str("request_id", requestIDFrom(r.Context())).
				Str("remote", r.RemoteAddr).Msg("request")
		}()
		next.ServeHTTP(rw, r)
	})
}

// auth asks for the bearer token on everything but /healthz (a liveness
// probe carries no secret). Both sides are hashed first so the compare
// takes the same time whatever the length of the guess.
func (s *Server) auth(next http.Handler) http.Handler {
	if s.opt.Token == "" {
		return next
	}
	want := sha256.Sum256([]byte(s.opt.Token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			next.ServeHTTP(w, r)
			return
		}
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		got := sha256.Sum256([]byte(strings.TrimSpace(token)))
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="synthpipe"`)
			writeProblem(w, problem(http.StatusUnauthorized, "", "", "missing or wrong bearer token (Authorization: Bearer <token>)"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// problems answers what the mux answers itself (no route: 404; a route
// with other methods: 405 with Allow; a path to clean: redirect) as a
// problem, keeping the mux's status and headers.
func (s *Server) problems(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := s.mux.Handler(r)
		if pattern != "" {
			next.ServeHTTP(w, r)
			return
		}
		cw := &captureWriter{header: http.Header{}}
		h.ServeHTTP(cw, r)
		if cw.status < 400 {
			for k, v := range cw.header {
				w.Header()[k] = v
			}
			w.WriteHeader(cw.status)
			return
		}
		if allow := cw.header.Get("Allow"); allow != "" {
			w.Header().Set("Allow", allow)
		}
		detail := "no such route: " + clip(r.URL.Path) + " (see /docs or /openapi.json)"
		if cw.status == http.StatusMethodNotAllowed {
			detail = "method " + clip(r.Method) + " is not allowed on " + clip(r.URL.Path) + " (allowed: " + cw.header.Get("Allow") + ")"
		}
		writeProblem(w, problem(cw.status, "", "", detail))
	})
}

// captureWriter takes the mux's small fallback answers (a status, a few
// headers, a line of text) so they can be rewritten as problems.
type captureWriter struct {
	header http.Header
	status int
}

func (c *captureWriter) Header() http.Header { return c.header }
func (c *captureWriter) Write(p []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return len(p), nil
}
func (c *captureWriter) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}

// clip bounds what a client sent before it is logged or echoed.
func clip(s string) string {
	const max = 200
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
