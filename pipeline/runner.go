package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// Plan is a built pipeline ready to run.
type Plan struct {
	Source Source
	// Stages holds, for each stage in order, one instance per worker.
	Stages     [][]Stage
	StageNames []string
	Sinks      []Sink
	// SinkNames names the sinks in errors (their type, e.g. json).
	SinkNames  []string
	Finalizers []Finalizer
	// Window is how many batches may be in flight at once; it bounds memory.
	// Zero means 4 per worker of the widest stage, and at least 8.
	Window int
	// Written, if set, is called once per batch when every sink has written
	// it, from the sink goroutines: it must be safe for concurrent use.
	Written func(b *Batch)
}

// Run drives the plan to the end and returns the files written by sinks and
// finalizers, in that order. On error nothing is promised about the files.
func Run(ctx context.Context, p Plan) ([]FileInfo, error) {
	window := p.Window
	if window <= 0 {
		widest := 1
		for _, ws := range p.Stages {
			widest = max(widest, len(ws))
		}
		window = max(8, 4*widest)
	}
	free := make(chan *Batch, window)
	for range window {
		free <- &Batch{Payload: p.Source.NewPayload()}
	}

	g, gctx := errgroup.WithContext(ctx)

	// Source.
	srcOut := make(chan *Batch, 1)
	g.Go(func() error {
		defer close(srcOut)
		for seq := uint64(0); ; seq++ {
			var b *Batch
			select {
			case b = <-free:
			case <-gctx.Done():
				return gctx.Err()
			}
			b.Seq = seq
			more, err := p.Source.Next(gctx, b)
			if err != nil {
				return fmt.Errorf("source: %w", err)
			}
			if !more {
				return nil
			}
			if err := send(gctx, srcOut, b); err != nil {
				return err
			}
		}
	})
	in := srcOut

	// Stages, each with its own worker pool.
	for i, workers := range p.Stages {
		out := make(chan *Batch, len(workers))
		var wg sync.WaitGroup
		wg.Add(len(workers))
		name := fmt.Sprintf("stage %d", i)
		if i < len(p.StageNames) {
			name = "stage " + p.StageNames[i]
		}
		for _, st := range workers {
			src := in
			g.Go(func() error {
				defer wg.Done()
				for b := range src {
					if err := st.Process(gctx, b); err != nil {
						return fmt.Errorf("%s: %w", name, err)
					}
					if err := send(gctx, out, b); err != nil {
						return err
					}
				}
				return gctx.Err()
			})
		}
		go func() { wg.Wait(); close(out) }()
		in = out
	}

	// Reorder and fan out to sinks.
	sinkIn := make([]chan *Batch, len(p.Sinks))
	for i := range sinkIn {
		sinkIn[i] = make(chan *Batch, 2)
	}
	g.Go(func() error {
		defer func() {
			for _, c := range sinkIn {
				close(c)
			}
		}()
		pending := make(map[uint64]*Batch, window)
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
				if len(sinkIn) == 0 {
					free <- nb
					continue
				}
				atomic.StoreInt32(&nb.pending, int32(len(sinkIn)))
				for _, c := range sinkIn {
					if err := send(gctx, c, nb); err != nil {
						return err
					}
				}
			}
		}
		if err := gctx.Err(); err != nil {
			return err
		}
		if len(pending) > 0 {
			return fmt.Errorf("pipeline: %d batches never reached the sinks (sequence gap at %d)", len(pending), next)
		}
		return nil
	})
	for i, s := range p.Sinks {
		c := sinkIn[i]
		name := p.sinkName(i)
		g.Go(func() error {
			for b := range c {
				if err := s.Write(gctx, b); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				if atomic.AddInt32(&b.pending, -1) == 0 {
					if p.Written != nil {
						p.Written(b)
					}
					free <- b
				}
			}
			return gctx.Err()
		})
	}

	runErr := g.Wait()

	// Sinks are always closed, so a failed run leaks no file handle.
	var files []FileInfo
	var closeErrs []error
	for i, s := range p.Sinks {
		fi, err := s.Close(ctx)
		if err != nil {
			closeErrs = append(closeErrs, fmt.Errorf("%s close: %w", p.sinkName(i), err))
		}
		files = append(files, fi...)
	}
	if runErr != nil {
		return nil, runErr
	}
	if len(closeErrs) > 0 {
		return nil, errors.Join(closeErrs...)
	}
	for _, f := range p.Finalizers {
		more, err := f.Finish(ctx, files)
		if err != nil {
			return nil, fmt.Errorf("finalizer: %w", err)
		}
		files = append(files, more...)
	}
	return files, nil
}

// sinkName names sink i by its type, or by its position when unnamed.
func (p *Plan) sinkName(i int) string {
	if i < len(p.SinkNames) {
		return "sink " + p.SinkNames[i]
	}
	return fmt.Sprintf("sink %d", i)
}

func send(ctx context.Context, c chan<- *Batch, b *Batch) error {
	select {
	case c <- b:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
