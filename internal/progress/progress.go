// Package progress reports how far a run is: a bar with records per second
// and ETA on a terminal, periodic log lines otherwise. It only observes:
// nothing it does reaches the generated data.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
)

// Reporter counts records done against a total and reports them.
type Reporter struct {
	total  int64
	done   atomic.Int64
	start  time.Time
	stop   chan struct{}
	ended  chan struct{}
	bar    io.Writer // terminal, or nil
	log    zerolog.Logger
	every  time.Duration
	noun   string
	render func(now time.Time)
}

// Start begins reporting progress towards total. On a terminal (bar != nil)
// it redraws a bar five times a second; otherwise it logs a line every
// `every`.
func Start(total int64, noun string, bar io.Writer, log zerolog.Logger, every time.Duration) *Reporter {
	r := &Reporter{total: total, start: time.Now(), stop: make(chan struct{}), ended: make(chan struct{}), bar: bar, log: log, every: every, noun: noun}
	tick := every
	if bar != nil {
		tick = 200 * time.Millisecond
	}
	go func() {
		defer close(r.ended)
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-r.stop:
				return
			case now := <-t.C:
				r.report(now, false)
			}
		}
	}()
	return r
}

// Add counts n more records done.
func (r *Reporter) Add(n int64) {
	if r != nil {
		r.done.Add(n)
	}
}

// Stop ends reporting with a last report.
func (r *Reporter) Stop() {
	if r == nil {
		return
	}
	close(r.stop)
	<-r.ended
	r.report(time.Now(), true)
}

func (r *Reporter) report(now time.Time, last bool) {
	done := r.done.Load()
	secs := now.Sub(r.start).Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(done) / secs
	}
	eta := "?"
	if rate > 0 && done <= r.total {
		eta = (time.Duration(float64(r.total-done)/rate) * time.Second).Round(time.Second).String()
	}
	if r.bar == nil {
		r.log.Info().Int64(r.noun, done).Int64("total", r.total).Float64("per_second", float64(int64(rate))).Str("eta", eta).Msg("progress")
		return
	}
	fmt.Fprint(r.bar, Line(done, r.total, rate, eta, r.noun, 30))
	if last {
		fmt.Fprintln(r.bar)
	}
}

// Line renders one bar line, starting with a carriage return.
func Line(done, total int64, rate float64, eta, noun string, width int) string {
	frac := 0.0
	if total > 0 {
		frac = min(1, float64(done)/float64(total))
	}
	fill := int(frac * float64(width))
	return fmt.Sprintf("\r[%s%s] %3.0f%% %d/%d %s  %.0f/s  ETA %s ", strings.Repeat("#", fill), strings.Repeat(".", width-fill), 100*frac, done, total, noun, rate, eta)
}
