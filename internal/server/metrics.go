package server

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// buckets are the latency histogram's upper bounds in seconds: a record
// lookup takes microseconds, a 10,000-record Parquet stream seconds.
var buckets = []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60}

// metrics is the server's Prometheus exposition, written by hand so the
// server needs no client library: a few counters and one histogram family.
type metrics struct {
	mu       sync.Mutex
	requests map[[2]string]uint64 // route, status
	latency  map[string]*histogram
	records  map[string]uint64 // entity (or dataset): persons generated, records looked up
	rejects  atomic.Uint64
	inFlight atomic.Int64
	// generating reports the /generate streams in flight at scrape time.
	generating func() int
}

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	count  uint64
}

func newMetrics() *metrics {
	return &metrics{requests: map[[2]string]uint64{}, latency: map[string]*histogram{}, records: map[string]uint64{}}
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[[2]string{route, strconv.Itoa(status)}]++
	h := m.latency[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(buckets))}
		m.latency[route] = h
	}
	sec := d.Seconds()
	for i, b := range buckets {
		if sec <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += sec
	h.count++
}

func (m *metrics) served(entity string, n int64) {
	m.mu.Lock()
	m.records[entity] += uint64(n)
	m.mu.Unlock()
}

func (m *metrics) rejected() { m.rejects.Add(1) }

func (m *metrics) serve(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	var b strings.Builder
	m.mu.Lock()
	b.WriteString("# HELP synthpipe_http_requests_total HTTP requests by route (the mux pattern) and status.\n# TYPE synthpipe_http_requests_total counter\n")
	keys := make([][2]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "synthpipe_http_requests_total{route=%s,status=%q} %d\n", label(k[0]), k[1], m.requests[k])
	}
	b.WriteString("# HELP synthpipe_http_request_duration_seconds HTTP request latency by route, to the last byte.\n# TYPE synthpipe_http_request_duration_seconds histogram\n")
	routes := make([]string, 0, len(m.latency))
	for r := range m.latency {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	for _, r := range routes {
		h := m.latency[r]
		var cum uint64
		for i, ub := range buckets {
			cum += h.counts[i]
			fmt.Fprintf(&b, "synthpipe_http_request_duration_seconds_bucket{route=%s,le=%q} %d\n", label(r), strconv.FormatFloat(ub, 'g', -1, 64), cum)
		}
		fmt.Fprintf(&b, "synthpipe_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", label(r), h.count)
		fmt.Fprintf(&b, "synthpipe_http_request_duration_seconds_sum{route=%s} %s\n", label(r), strconv.FormatFloat(h.sum, 'g', -1, 64))
		fmt.Fprintf(&b, "synthpipe_http_request_duration_seconds_count{route=%s} %d\n", label(r), h.count)
	}
	b.WriteString("# HELP synthpipe_records_served_total Records served: the rows /generate streamed, by entity (a dataset request counts each of its entities), and records looked up by id.\n# TYPE synthpipe_records_served_total counter\n")
	ents := make([]string, 0, len(m.records))
	for e := range m.records {
		ents = append(ents, e)
	}
	sort.Strings(ents)
	for _, e := range ents {
		fmt.Fprintf(&b, "synthpipe_records_served_total{entity=%s} %d\n", label(e), m.records[e])
	}
	m.mu.Unlock()
	fmt.Fprintf(&b, "# HELP synthpipe_generate_rejected_total Generate requests refused with 429 by the concurrency cap.\n# TYPE synthpipe_generate_rejected_total counter\nsynthpipe_generate_rejected_total %d\n", m.rejects.Load())
	fmt.Fprintf(&b, "# HELP synthpipe_http_requests_in_flight HTTP requests being served.\n# TYPE synthpipe_http_requests_in_flight gauge\nsynthpipe_http_requests_in_flight %d\n", m.inFlight.Load())
	if m.generating != nil {
		fmt.Fprintf(&b, "# HELP synthpipe_generate_in_flight Generate streams running.\n# TYPE synthpipe_generate_in_flight gauge\nsynthpipe_generate_in_flight %d\n", m.generating())
	}
	w.Write([]byte(b.String()))
}

// label quotes a label value the way the text format wants (backslash,
// double quote and newline escaped).
func label(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(v) + `"`
}
