package verify

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// deepFolder moves the folder src to a path so long that the manifest's
// path within it is longer than Linux allows (PATH_MAX, 4096 bytes with
// its NUL), while the folder's own path is not: the folder can be listed,
// and opening the manifest fails with ENAMETOOLONG. It returns the path.
func deepFolder(t *testing.T, src string) string {
	t.Helper()
	n := 4096 - len(manifestFile) // dir + "/" + manifest is 4097 bytes
	dir := t.TempDir()
	for len(dir) < n-256 {
		dir = filepath.Join(dir, strings.Repeat("d", 200))
	}
	dir = filepath.Join(dir, strings.Repeat("e", n-len(dir)-1))
	require.NoError(t, os.MkdirAll(filepath.Dir(dir), 0o755))
	require.NoError(t, os.Rename(src, dir))
	return dir
}

// An unusable folder is named once, first: the error never names a file by
// its path again.
func TestUnusableFolderIsNamedOnce(t *testing.T) {
	dir := deepFolder(t, copySnapshot(t))
	_, err := Run(t.Context(), dir)
	require.True(t, IsUnusable(err), "%v", err)
	require.Equal(t, dir+": not a snapshot folder: manifest open "+manifestFile+": file name too long", err.Error())
}

// inFolder names a file by its name within the folder, drops the folder's
// own path, and keeps what the error is.
func TestInFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "snap")
	_, inside := os.Open(filepath.Join(dir, "x.csv"))
	_, itself := os.Open(dir)
	for _, tc := range []struct {
		dir  string
		err  error
		want string
	}{
		{dir, inside, "open x.csv: no such file or directory"},
		{dir, fmt.Errorf("read x.csv: %w", inside), "read x.csv: open x.csv: no such file or directory"},
		{dir, itself, "no such file or directory"},
		{dir + "/", itself, "no such file or directory"},
		{filepath.Join(dir, "other"), inside, "no such file or directory"}, // not within it: no path at all
	} {
		got := inFolder(tc.dir, tc.err)
		require.EqualError(t, got, tc.want)
		require.ErrorIs(t, got, fs.ErrNotExist)
		var pe *fs.PathError
		require.True(t, errors.As(got, &pe))
	}
	plain := errors.New("no path")
	require.Same(t, plain, inFolder(dir, plain))

	rel := filepath.Join("no-such-folder", "x.csv")
	_, err := os.Open(rel)
	require.EqualError(t, inFolder("no-such-folder", err), "open x.csv: no such file or directory")
}
