package pipeline

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// Plan is a built pipeline ready to run.
type Plan[P any] struct {
	Source Source[P]
	// Stages holds, for each stage in order, one instance per worker.
	Stages     [][]Stage[P]
	StageNames []string
	Sinks      []Sink[P]
	// SinkNames names the sinks in errors (their type, e.g. json).
	SinkNames  []string
	Finalizers []Finalizer
	// Window is how many batches may be in flight at once; it bounds memory.
	// Zero means 4 per worker of the widest stage, and at least 8.
	Window int
	// Written, if set, is called once per batch when every sink has written
	// it, from the sink goroutines: it must be safe for concurrent use.
	Written func(b *Batch[P])
}

// Run drives the plan to the end and returns the files written by sinks and
// finalizers, in that order. On error nothing is promised about the files.
//
// It wires the parts below in the Go-blog pipeline style: source → one
// worker pool per stage → reorder → one goroutine per sink, each part
// owning (and closing, with defer) its out channels; each sink is closed by
// its goroutine once written, then the finalizers run.
func Run[P any](ctx context.Context, p Plan[P]) ([]FileInfo, error) {
	window := p.window()
	free := make(chan *Batch[P], window)
	for range window {
		free <- &Batch[P]{Payload: p.Source.NewPayload()}
	}

	g, gctx := errgroup.WithContext(ctx)
	in := source(gctx, g, p.Source, free)
	for i, workers := range p.Stages {
		in = stage(gctx, g, p.stageName(i), workers, in)
	}
	outs := reorder(gctx, g, in, free, len(p.Sinks), window)
	closers := make([]closer[P], len(p.Sinks))
	for i, s := range p.Sinks {
		closers[i] = closer[P]{sink: s, name: p.sinkName(i)}
		sink(gctx, g, &closers[i], outs[i], free, p.Written)
	}
	if err := g.Wait(); err != nil {
		abortSinks(closers)
		return nil, err
	}
	// Every sink goroutine returned nil, so every sink has closed.
	var files []FileInfo
	for _, c := range closers {
		files = append(files, c.files...)
	}
	return finalize(ctx, p.Finalizers, files)
}

// closer ends one sink once, with Close or Abort, and keeps the files its
// Close reported.
type closer[P any] struct {
	sink  Sink[P]
	name  string
	ended bool
	files []FileInfo
}

func (c *closer[P]) close(ctx context.Context) error {
	c.ended = true
	files, err := c.sink.Close(ctx)
	if err != nil {
		return fmt.Errorf("%s close: %w", c.name, err)
	}
	c.files = files
	return nil
}

func (c *closer[P]) abort() {
	if !c.ended {
		c.ended = true
		c.sink.Abort()
	}
}

// window is how many batches may be in flight.
func (p *Plan[P]) window() int {
	if p.Window > 0 {
		return p.Window
	}
	widest := 1
	for _, ws := range p.Stages {
		widest = max(widest, len(ws))
	}
	return max(8, 4*widest)
}

// source takes batches from the free list (blocking while all are in flight,
// which bounds memory), has src fill them, stamps their sequence numbers and
// sends them on. It closes its out channel when src is done or fails.
func source[P any](ctx context.Context, g *errgroup.Group, src Source[P], free <-chan *Batch[P]) <-chan *Batch[P] {
	out := make(chan *Batch[P], 1)
	g.Go(func() error {
		defer close(out)
		for seq := uint64(0); ; seq++ {
			var b *Batch[P]
			select {
			case b = <-free:
			case <-ctx.Done():
				return ctx.Err()
			}
			b.Seq = seq
			more, err := src.Next(ctx, b)
			if err != nil {
				return fmt.Errorf("source: %w", err)
			}
			if !more {
				return nil
			}
			if err := send(ctx, out, b); err != nil {
				return err
			}
		}
	})
	return out
}

// stage runs one goroutine per worker instance over in; batches leave in the
// order workers finish them. The out channel is closed when the last worker
// has returned.
func stage[P any](ctx context.Context, g *errgroup.Group, name string, workers []Stage[P], in <-chan *Batch[P]) <-chan *Batch[P] {
	out := make(chan *Batch[P], len(workers))
	var wg sync.WaitGroup
	wg.Add(len(workers))
	for _, st := range workers {
		g.Go(func() error {
			defer wg.Done()
			for b := range in {
				if err := st.Process(ctx, b); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				if err := send(ctx, out, b); err != nil {
					return err
				}
			}
			return ctx.Err()
		})
	}
	g.Go(func() error {
		defer close(out)
		wg.Wait()
		return nil
	})
	return out
}

// reorder restores sequence order (workers finish out of order) and hands
// every batch, in order, to each of the sinks' channels, which it closes
// when in is drained. With no sinks it returns batches to the free list.
// At most window batches exist, so pending stays within window.
func reorder[P any](ctx context.Context, g *errgroup.Group, in <-chan *Batch[P], free chan<- *Batch[P], sinks, window int) []chan *Batch[P] {
	outs := make([]chan *Batch[P], sinks)
	for i := range outs {
		outs[i] = make(chan *Batch[P], 2)
	}
	g.Go(func() error {
		defer func() {
			for _, c := range outs {
				close(c)
			}
		}()
		pending := make(map[uint64]*Batch[P], window)
		next := uint64(0)
		for b := range in {
			pending[b.Seq] = b
			for {
				nb, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				if len(outs) == 0 {
					free <- nb // never blocks: free holds every batch
					continue
				}
				atomic.StoreInt32(&nb.pending, int32(len(outs)))
				for _, c := range outs {
					if err := send(ctx, c, nb); err != nil {
						return err
					}
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if len(pending) > 0 {
			return fmt.Errorf("pipeline: %d batches never reached the sinks (sequence gap at %d)", len(pending), next)
		}
		return nil
	})
	return outs
}

// sink writes every batch of in, in order. The last sink to finish with a
// batch reports it (written) and returns it to the free list. A sink that
// has written the last batch is closed at once, so its flush and fsync
// overlap the sinks still writing (the JSON sink joins 2 GB at close), and
// so the sinks close side by side. A cancelled run closes none: they are
// aborted.
func sink[P any](ctx context.Context, g *errgroup.Group, c *closer[P], in <-chan *Batch[P], free chan<- *Batch[P], written func(*Batch[P])) {
	g.Go(func() error {
		for b := range in {
			if err := c.sink.Write(ctx, b); err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			if atomic.AddInt32(&b.pending, -1) == 0 {
				if written != nil {
					written(b)
				}
				free <- b // never blocks: free holds every batch
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		return c.close(ctx)
	})
}

// abortSinks aborts, after a failed or cancelled run, every sink that had
// not begun to close: their files are removed unfinished, with no flush or
// fsync for output the caller throws away. A sink whose Close had begun is
// left alone: its Close released its handles, so none leaks, but left its
// files, finished or failed; the caller's removal of the staging folder
// takes them.
func abortSinks[P any](closers []closer[P]) {
	for i := range closers {
		closers[i].abort()
	}
}

// finalize runs the finalizers in order, each with the files so far, and
// returns them with the files the finalizers added.
func finalize(ctx context.Context, fs []Finalizer, files []FileInfo) ([]FileInfo, error) {
	for _, f := range fs {
		more, err := f.Finish(ctx, files)
		if err != nil {
			return nil, fmt.Errorf("finalizer: %w", err)
		}
		files = append(files, more...)
	}
	return files, nil
}

// stageName names stage i by its type, or by its position when unnamed.
func (p *Plan[P]) stageName(i int) string {
	if i < len(p.StageNames) {
		return "stage " + p.StageNames[i]
	}
	return fmt.Sprintf("stage %d", i)
}

// sinkName names sink i by its type, or by its position when unnamed.
func (p *Plan[P]) sinkName(i int) string {
	if i < len(p.SinkNames) {
		return "sink " + p.SinkNames[i]
	}
	return fmt.Sprintf("sink %d", i)
}

func send[P any](ctx context.Context, c chan<- *Batch[P], b *Batch[P]) error {
	select {
	case c <- b:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
