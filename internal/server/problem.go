package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/validation"
	"github.com/rs/zerolog"

	"github.com/synthpipe/synthpipe/internal/service"
)

var problemsOnce sync.Once

// installProblems makes huma's own errors ours. Huma answers a parameter
// that does not parse, fails its schema or is unknown with 422 "validation
// failed"; a request with no body has nothing to be unprocessable, so those
// are 400 and their detail names the parameter and, for an unknown one, the
// parameters allowed. huma.NewErrorWithContext is huma's documented hook
// and a process-wide variable: synthpipe has one huma API, this one.
func installProblems() {
	problemsOnce.Do(func() {
		next := huma.NewErrorWithContext
		huma.NewErrorWithContext = func(ctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
			se := next(ctx, status, msg, errs...)
			em, ok := se.(*huma.ErrorModel)
			if !ok || status != http.StatusUnprocessableEntity {
				return se
			}
			em.Status, em.Title = http.StatusBadRequest, http.StatusText(http.StatusBadRequest)
			var parts []string
			for _, d := range em.Errors {
				if d == nil {
					continue
				}
				where, name, _ := strings.Cut(d.Location, ".")
				if d.Message == "unknown query parameter" {
					parts = append(parts, fmt.Sprintf("unknown %s parameter %q (allowed: %s)", where, name, strings.Join(allowedQuery(ctx), ", ")))
					continue
				}
				d.Message = wholeRange(ctx, where, name, d.Message)
				p := fmt.Sprintf("%s parameter %s: %s", where, name, d.Message)
				if d.Value != nil && d.Value != "" {
					p += fmt.Sprintf(" (got %s)", quoteValue(d.Value))
				}
				parts = append(parts, p)
			}
			if len(parts) > 0 {
				em.Detail = strings.Join(parts, "; ")
			}
			return em
		}
	})
}

// wholeRange turns huma's message for a number past one bound of a
// parameter that has two ("expected number >= 1") into one that names
// both, so a client learns the whole range from either refusal.
func wholeRange(ctx huma.Context, where, name, msg string) string {
	if ctx == nil || ctx.Operation() == nil {
		return msg
	}
	for _, p := range ctx.Operation().Parameters {
		if p.In != where || p.Name != name || p.Schema == nil {
			continue
		}
		lo, hi := p.Schema.Minimum, p.Schema.Maximum
		if lo != nil && hi != nil && (msg == huma.ErrorFormatter(validation.MsgExpectedMinimumNumber, *lo) ||
			msg == huma.ErrorFormatter(validation.MsgExpectedMaximumNumber, *hi)) {
			return fmt.Sprintf("expected number from %v to %v", *lo, *hi)
		}
	}
	return msg
}

// allowedQuery names the query parameters of the operation ctx serves.
func allowedQuery(ctx huma.Context) []string {
	var names []string
	if ctx != nil && ctx.Operation() != nil {
		for _, p := range ctx.Operation().Parameters {
			if p.In == "query" {
				names = append(names, p.Name)
			}
		}
	}
	if len(names) == 0 {
		return []string{"none"}
	}
	sort.Strings(names)
	return names
}

// quoteValue shows a refused value, bounded: it came from the client.
func quoteValue(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return fmt.Sprintf("%q", s)
}

// problem is an RFC 9457 problem for status, naming param when there is one.
func problem(status int, param, value, detail string) *huma.ErrorModel {
	em := &huma.ErrorModel{Status: status, Title: http.StatusText(status), Detail: detail}
	if param != "" {
		em.Errors = []*huma.ErrorDetail{{Location: param, Message: detail, Value: value}}
	}
	return em
}

// fromService maps the service's errors to problems: *BadInput 400 naming
// the parameter, *NotFound 404, a cancelled request 503 (the client is
// most likely gone), anything else 500 without its text (it may hold paths).
func (s *Server) fromService(ctx context.Context, err error) error {
	var bad *service.BadInput
	var nf *service.NotFound
	switch {
	case errors.As(err, &bad):
		return problem(http.StatusBadRequest, paramLocation(bad.Param), bad.Value, bad.Error())
	case errors.As(err, &nf):
		return problem(http.StatusNotFound, "", "", nf.Error())
	case ctx.Err() != nil:
		return problem(http.StatusServiceUnavailable, "", "", "request cancelled")
	default:
		s.log.Error().Err(err).Str("request_id", requestIDFrom(ctx)).Msg("service failed")
		return problem(http.StatusInternalServerError, "", "", "internal error (see the server log, request id "+requestIDFrom(ctx)+")")
	}
}

// paramLocation says where a parameter the service names came from, in
// huma's notation (query.records, path.id), so every 400 names its
// parameter the same way.
func paramLocation(param string) string {
	switch param {
	case "entity", "id", "version", "name":
		return "path." + param
	case "path":
		return "path"
	}
	return "query." + param
}

// writeProblem writes a problem outside huma (middleware, the mux's own
// 404 and 405), in the same shape as huma's.
func writeProblem(w http.ResponseWriter, em *huma.ErrorModel) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Del("Content-Length")
	w.WriteHeader(em.Status)
	json.NewEncoder(w).Encode(em)
}

// newStdLogger routes net/http's own complaints (TLS handshakes, bad
// requests it answers itself) into the server's log.
func newStdLogger(l zerolog.Logger) *log.Logger {
	return log.New(l.With().Str("component", "net/http").Logger(), "", 0)
}
