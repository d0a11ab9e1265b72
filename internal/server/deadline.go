package server

import (
	"net/http"
	"time"
)

// deadlineWriter moves the connection's write deadline on by the write
// timeout before every write of at most 64 KiB, so a long response — a
// large snapshot file, a generate stream of many records, on a slow link —
// is cut off only when the client stops reading, not for being long.
type deadlineWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
}

func (s *Server) deadlineWriter(w http.ResponseWriter) *deadlineWriter {
	return &deadlineWriter{ResponseWriter: w, rc: http.NewResponseController(w), timeout: s.opt.WriteTimeout}
}

func (dw *deadlineWriter) Write(p []byte) (int, error) {
	// A writer that hands over much in one Write is cut up, so each part
	// gets a fresh deadline.
	n := 0
	for len(p) > 0 {
		chunk := p[:min(len(p), 64<<10)]
		_ = dw.rc.SetWriteDeadline(time.Now().Add(dw.timeout)) // unsupported only off a real connection
		m, err := dw.ResponseWriter.Write(chunk)
		n += m
		if err != nil {
			return n, err
		}
		p = p[len(chunk):]
	}
	return n, nil
}

// Unwrap lets http.ResponseController reach the connection beneath.
func (dw *deadlineWriter) Unwrap() http.ResponseWriter { return dw.ResponseWriter }
