package safeio

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

func TestEachEntryVisitsEveryName(t *testing.T) {
	dir := t.TempDir()
	var want []string
	for i := range 2*dirChunk + 5 { // more than one chunk
		name := fmt.Sprintf("f%05d", i)
		want = append(want, name)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), nil, 0o644))
	}
	var got []string
	require.NoError(t, EachEntry(dir, func(e fs.DirEntry) error { got = append(got, e.Name()); return nil }))
	slices.Sort(got)
	require.Equal(t, want, got)

	_, err := os.Stat(filepath.Join(dir, "missing"))
	require.ErrorIs(t, EachEntry(filepath.Join(dir, "missing"), func(fs.DirEntry) error { return nil }), err.(*fs.PathError).Err)
}

// endless is a folder that never runs out of names (e, again and again)
// and counts the names it handed out.
type endless struct {
	e    fs.DirEntry
	read int
}

func (d *endless) ReadDir(n int) ([]fs.DirEntry, error) {
	d.read += n
	return slices.Repeat([]fs.DirEntry{d.e}, n), nil
}

// A caller's limit bounds what is read: a folder with no end is read one
// chunk past the limit, never to its end (which os.ReadDir would try).
func TestEachEntryStopsAtTheCallersError(t *testing.T) {
	const limit = 2500
	one := fstest.MapFS{"f": {}}
	ents, err := one.ReadDir(".")
	require.NoError(t, err)
	d := &endless{e: ents[0]}
	stop := errors.New("over the limit")
	seen := 0
	err = eachEntry(d, func(fs.DirEntry) error {
		if seen++; seen > limit {
			return stop
		}
		return nil
	})
	require.ErrorIs(t, err, stop)
	require.Equal(t, limit+1, seen)
	require.LessOrEqual(t, d.read, limit+dirChunk, "read at most the chunk that crossed the limit")
}
