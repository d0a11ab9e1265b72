package pipeline

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type counter struct{ n, limit int }

func (c *counter) NewPayload() *int { return new(int) }
func (c *counter) Next(_ context.Context, b *Batch[*int]) (bool, error) {
	if c.n >= c.limit {
		return false, nil
	}
	*b.Payload = c.n
	c.n++
	return true, nil
}

// jitter squares the payload after a delay that varies by value, so workers
// finish out of order.
type jitter struct{}

func (jitter) Process(_ context.Context, b *Batch[*int]) error {
	v := b.Payload
	time.Sleep(time.Duration(*v%3) * time.Millisecond)
	*v = *v * *v
	return nil
}

type collect struct {
	mu      sync.Mutex
	got     []int
	failAt  int
	closed  bool
	aborted bool
}

func (c *collect) Write(_ context.Context, b *Batch[*int]) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failAt > 0 && len(c.got) == c.failAt {
		return errors.New("disk full")
	}
	c.got = append(c.got, *b.Payload)
	return nil
}

func (c *collect) Close(context.Context) ([]FileInfo, error) {
	c.closed = true
	return []FileInfo{{Name: "x", Records: int64(len(c.got))}}, nil
}

func (c *collect) Abort() { c.aborted = true }

func TestRunKeepsOrderAcrossWorkers(t *testing.T) {
	for _, workers := range []int{1, 3, 8} {
		a, b := &collect{}, &collect{}
		stages := make([]Stage[*int], workers)
		for i := range stages {
			stages[i] = jitter{}
		}
		files, err := Run(context.Background(), Plan[*int]{Source: &counter{limit: 100}, Stages: [][]Stage[*int]{stages}, Sinks: []Sink[*int]{a, b}, Window: 5})
		require.NoError(t, err)
		require.Len(t, a.got, 100)
		for i, v := range a.got {
			require.Equal(t, i*i, v, "workers=%d position %d", workers, i)
		}
		require.Equal(t, a.got, b.got, "every sink sees every batch in order")
		require.Len(t, files, 2)
	}
}

type finisher struct{ saw []FileInfo }

func (f *finisher) Finish(_ context.Context, files []FileInfo) ([]FileInfo, error) {
	f.saw = files
	return []FileInfo{{Name: "manifest"}}, nil
}

func TestFinalizerRunsAfterSinksClose(t *testing.T) {
	s := &collect{}
	f := &finisher{}
	files, err := Run(context.Background(), Plan[*int]{Source: &counter{limit: 3}, Sinks: []Sink[*int]{s}, Finalizers: []Finalizer{f}})
	require.NoError(t, err)
	require.True(t, s.closed)
	require.Equal(t, []FileInfo{{Name: "x", Records: 3}}, f.saw)
	require.Equal(t, "manifest", files[1].Name)
}

func TestFailingSinkStopsRunWithoutLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	bad, good := &collect{failAt: 10}, &collect{}
	f := &finisher{}
	_, err := Run(context.Background(), Plan[*int]{
		Source: &counter{limit: 1 << 30}, Stages: [][]Stage[*int]{{jitter{}, jitter{}}},
		Sinks: []Sink[*int]{good, bad}, SinkNames: []string{"csv", "json"}, Finalizers: []Finalizer{f},
	})
	require.ErrorContains(t, err, "sink json: disk full", "the sink is named by its type")
	require.True(t, bad.aborted && good.aborted, "sinks are aborted after a failure")
	require.False(t, bad.closed || good.closed, "no sink finishes its files after a failure")
	require.Nil(t, f.saw, "no manifest after a failure")
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	require.LessOrEqual(t, runtime.NumGoroutine(), before, "goroutines leaked")
}

type failing struct{}

func (failing) Process(context.Context, *Batch[*int]) error { return errors.New("bad record") }

func TestFailingStageAndCancel(t *testing.T) {
	_, err := Run(context.Background(), Plan[*int]{Source: &counter{limit: 10}, Stages: [][]Stage[*int]{{failing{}}}, StageNames: []string{"validate"}, Sinks: []Sink[*int]{&collect{}}})
	require.ErrorContains(t, err, "stage validate: bad record")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Run(ctx, Plan[*int]{Source: &counter{limit: 1 << 30}, Sinks: []Sink[*int]{&collect{}}})
	require.ErrorIs(t, err, context.Canceled)
}

// rendezvous is a sink whose Close waits for the other sink's Close to begin:
// closing sinks one after the other never gets there.
type rendezvous struct {
	collect
	name        string
	mine, other chan struct{}
}

func (r *rendezvous) Close(ctx context.Context) ([]FileInfo, error) {
	close(r.mine)
	select {
	case <-r.other:
	case <-time.After(time.Minute):
		return nil, errors.New("the other sink's Close never started")
	}
	r.closed = true
	return []FileInfo{{Name: r.name}}, nil
}

func TestSinksCloseSideBySideInConfigOrder(t *testing.T) {
	x, y := make(chan struct{}), make(chan struct{})
	a := &rendezvous{name: "a", mine: x, other: y}
	b := &rendezvous{name: "b", mine: y, other: x}
	files, err := Run(context.Background(), Plan[*int]{Source: &counter{limit: 7}, Sinks: []Sink[*int]{a, b}})
	require.NoError(t, err)
	require.True(t, a.closed && b.closed)
	require.Equal(t, []FileInfo{{Name: "a"}, {Name: "b"}}, files, "files in config order")

	// A failing sink's close error is named and the other's files are dropped.
	c := &closeFails{}
	_, err = Run(context.Background(), Plan[*int]{Source: &counter{limit: 3}, Sinks: []Sink[*int]{&collect{}, c}, SinkNames: []string{"csv", "json"}})
	require.ErrorContains(t, err, "sink json close: disk full")
	require.Equal(t, 1, c.closes, "a sink is closed once")
}

type closeFails struct {
	collect
	closes int
}

func (c *closeFails) Close(context.Context) ([]FileInfo, error) {
	c.closes++
	return nil, errors.New("disk full")
}

// A cancelled run aborts every sink and closes none: nothing is finished
// (joined, synced) that the caller throws away.
func TestCancelAbortsSinks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, b := &collect{}, &collect{}
	var n atomic.Int32
	_, err := Run(ctx, Plan[*int]{
		Source: &counter{limit: 1 << 30}, Sinks: []Sink[*int]{a, b},
		Written: func(*Batch[*int]) {
			if n.Add(1) == 3 {
				cancel()
			}
		},
	})
	require.ErrorIs(t, err, context.Canceled)
	require.True(t, a.aborted && b.aborted, "sinks are aborted")
	require.False(t, a.closed || b.closed, "no sink is closed")
}

// A sink that closed before another failed keeps its Close: each sink is
// ended once, by Close or by Abort.
func TestSinkClosedBeforeFailureIsNotAborted(t *testing.T) {
	done := &closeSignal{closed: make(chan struct{})}
	bad := &failAfter{at: 4, after: done.closed}
	_, err := Run(context.Background(), Plan[*int]{Source: &counter{limit: 5}, Sinks: []Sink[*int]{done, bad}, SinkNames: []string{"csv", "json"}})
	require.ErrorContains(t, err, "sink json: disk full")
	require.True(t, bad.aborted && !bad.closed, "the failing sink is aborted")
	require.True(t, done.collect.closed && !done.aborted, "the sink that had closed is not aborted")
}

// closeSignal closes its channel when it is closed.
type closeSignal struct {
	collect
	closed chan struct{}
}

func (c *closeSignal) Close(ctx context.Context) ([]FileInfo, error) {
	defer close(c.closed)
	return c.collect.Close(ctx)
}

// failAfter fails its write of batch at, once after is closed.
type failAfter struct {
	collect
	at    int
	after chan struct{}
}

func (f *failAfter) Write(ctx context.Context, b *Batch[*int]) error {
	if *b.Payload == f.at {
		<-f.after
		return errors.New("disk full")
	}
	return f.collect.Write(ctx, b)
}
