package readback

import (
	"errors"
	"io"
)

// Prefetch reads a source on its own goroutine, a chunk of records ahead,
// so the entity streams of all formats decode in parallel while checks run
// in file order. Memory is bounded by the channel's few chunks, and a chunk
// by prefetchChunk records and about prefetchBytes of their text.
func Prefetch[T any](s Source[T]) Source[T] {
	p := &prefetched[T]{inner: s, ch: make(chan []item[T], 4), stop: make(chan struct{})}
	go p.run()
	return p
}

const (
	prefetchChunk = 512
	prefetchBytes = 256 << 10
)

type item[T any] struct {
	rec    T
	hasRec bool
	row    int64
	err    error
}

type prefetched[T any] struct {
	inner Source[T]
	ch    chan []item[T]
	stop  chan struct{}
	cur   []item[T]
	i     int
	row   int64
	last  item[T]
	ended bool
}

// recoverable errors concern one record; reading goes on after them.
func Recoverable(err error) bool {
	var ce *CellError
	var je *RecordError
	return errors.As(err, &ce) || errors.As(err, &je)
}

func (p *prefetched[T]) run() {
	defer close(p.ch)
	buf := make([]item[T], 0, prefetchChunk)
	sz, _ := p.inner.(sized)
	bytes := 0
	for {
		rec, err := p.inner.Next()
		it := item[T]{row: p.inner.Row(), err: err}
		if rec != nil {
			it.rec, it.hasRec = *rec, true
			if sz != nil {
				bytes += sz.lastBytes()
			}
		}
		buf = append(buf, it)
		end := err != nil && !Recoverable(err)
		if len(buf) == prefetchChunk || bytes >= prefetchBytes || end {
			bytes = 0
			select {
			case p.ch <- buf:
			case <-p.stop:
				return
			}
			if end {
				return
			}
			buf = make([]item[T], 0, prefetchChunk)
		}
	}
}

func (p *prefetched[T]) Next() (*T, error) {
	if p.ended {
		return nil, io.EOF
	}
	if p.i == len(p.cur) {
		chunk, ok := <-p.ch
		if !ok {
			p.ended = true
			return nil, io.EOF
		}
		p.cur, p.i = chunk, 0
	}
	p.last = p.cur[p.i]
	p.i++
	p.row = p.last.row
	if p.last.err != nil && !Recoverable(p.last.err) {
		p.ended = true
	}
	if !p.last.hasRec {
		return nil, p.last.err
	}
	return &p.last.rec, p.last.err
}

func (p *prefetched[T]) Row() int64 { return p.row }

// Close stops the reader goroutine and closes the source.
func (p *prefetched[T]) Close() error {
	close(p.stop)
	for range p.ch { // let the reader see stop and exit
	}
	return p.inner.Close()
}
