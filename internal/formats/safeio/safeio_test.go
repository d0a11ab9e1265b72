package safeio

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// An error opening or reading a file names it within its folder, never by
// the folder's path: a server's snapshots root stays its own.
func TestErrorsNameTheFileWithinItsFolder(t *testing.T) {
	notDir := filepath.Join(t.TempDir(), "plain")
	require.NoError(t, os.WriteFile(notDir, nil, 0o644))

	_, _, err := OpenRegular(notDir, "manifest.json")
	require.ErrorIs(t, err, syscall.ENOTDIR)
	require.Equal(t, "open manifest.json: not a directory", err.Error())

	_, err = ReadSmall(notDir, "manifest.json", 1<<10)
	require.ErrorIs(t, err, syscall.ENOTDIR)
	require.NotContains(t, err.Error(), notDir)
}
