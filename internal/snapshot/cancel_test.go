package snapshot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/pipeline"
)

// endsAt is a context that ends at its look numbered at, counting looks,
// as if Ctrl-C came between two of them.
type endsAt struct {
	context.Context
	mu        sync.Mutex
	at, looks int
}

func (c *endsAt) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.looks++; c.looks >= c.at {
		return context.Canceled
	}
	return nil
}

// Hashing a large file stops at the first read after the context ends, not
// at the file's end: a Ctrl-C during a rerun's or a merge's check does not
// wait for a file of gigabytes.
func TestHashingStopsWhenTheContextEnds(t *testing.T) {
	dir := t.TempDir()
	data := make([]byte, 8<<20) // 256 reads of io.Copy's 32 KiB
	require.NoError(t, os.WriteFile(filepath.Join(dir, "big.csv"), data, 0o644))
	sum := sha256.Sum256(data)
	f := pipeline.FileInfo{Name: "big.csv", Bytes: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}

	require.Empty(t, fileProblem(t.Context(), dir, f, true), "intact")

	ctx := &endsAt{Context: t.Context(), at: 3}
	require.Equal(t, "big.csv: unreadable: context canceled", fileProblem(ctx, dir, f, true))
	require.Equal(t, 3, ctx.looks, "read on after the context ended")

	// checkFiles gives no problems for a check cut short, though the file
	// seemed unreadable.
	ctx = &endsAt{Context: t.Context(), at: 3}
	require.Nil(t, checkFiles(ctx, dir, layout.Manifest{Files: []pipeline.FileInfo{f}}, "m.json", nil))
}
