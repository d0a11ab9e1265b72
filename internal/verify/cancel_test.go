package verify

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// countingCtx counts the looks at Err and ends at the look numbered at
// (never when at is 0), as if cancelled between two of Run's looks.
type countingCtx struct {
	context.Context
	mu    sync.Mutex
	at    int
	looks int
}

func (c *countingCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.looks++
	if c.at > 0 && c.looks >= c.at {
		return context.Canceled
	}
	return nil
}

// Ending the context stops Run, which returns its error, whether it ends
// before Run starts, while files are hashed or while records are checked:
// after the look that saw the end each stream looks at most once more (it
// looks every lookEvery records while it reads), so Run read no further,
// and far fewer looks were made than a whole run makes.
func TestRunStopsWhenTheContextEnds(t *testing.T) {
	// Every 16 records: the golden snapshot's records then make most of
	// the looks (about 180 are hashing's, one a 32 KiB read).
	defer func(n int) { lookEvery = n }(lookEvery)
	lookEvery = 16
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rep, err := Run(ctx, golden)
	require.ErrorIs(t, err, context.Canceled)
	require.Nil(t, rep)

	whole := &countingCtx{Context: t.Context()}
	rep, err = Run(whole, golden)
	require.NoError(t, err)
	require.True(t, rep.Clean())
	// Each format's goroutine holds the streams of persons, vehicles,
	// profiles and incidents.
	const streams = 3 * 4
	require.Greater(t, whole.looks, 1000, "a whole run looks often")
	for _, at := range []int{1, 100, whole.looks / 3, whole.looks / 2, whole.looks - 100, whole.looks - 2} {
		c := &countingCtx{Context: t.Context(), at: at}
		rep, err := Run(c, golden)
		require.ErrorIs(t, err, context.Canceled, "ended at look %d of %d", at, whole.looks)
		require.Nil(t, rep)
		require.LessOrEqual(t, c.looks, at+streams+1, "ended at look %d of %d: read on after it", at, whole.looks)
	}
}
