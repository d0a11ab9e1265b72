package safeio

import (
	"context"
	"crypto/sha256"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

// cancelAfter is an endless source that cancels its context once it has
// handed out n bytes, as a Ctrl-C in the middle of a large file.
type cancelAfter struct {
	n, read int64
	cancel  context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	clear(p)
	c.read += int64(len(p))
	if c.read >= c.n {
		c.cancel()
	}
	return len(p), nil
}

// Hashing stops at the first read after the context ends: the endless
// source is read no further than the read that cancelled it.
func TestContextReaderStopsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	src := &cancelAfter{n: 1 << 20, cancel: cancel}
	n, err := io.Copy(sha256.New(), ContextReader(ctx, src))
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, src.read, n)
	require.GreaterOrEqual(t, n, src.n)
	require.Less(t, n, src.n+64<<10, "read on after the cancel")
}
