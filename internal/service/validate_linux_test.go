package service

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/testkit/testrun"
	"github.com/synthpipe/synthpipe/internal/verify"
)

// A manifest that cannot be opened (its path within a snapshots root this
// deep is longer than Linux's PATH_MAX, 4096 bytes with its NUL, while the
// folder's is not) is named by its name, never by where the root lies.
func TestValidateNamesAnUnopenableManifestByItsName(t *testing.T) {
	const manifest = "snapshot_manifest_v0_2.json"
	n := 4096 - len(manifest) - len("/a") // root + "/a/" + manifest is 4097 bytes
	root := t.TempDir()
	for len(root) < n-256 {
		root = filepath.Join(root, strings.Repeat("d", 200))
	}
	root = filepath.Join(root, strings.Repeat("e", n-len(root)-1))
	require.NoError(t, os.MkdirAll(root, 0o755))
	require.NoError(t, os.Rename(testrun.CopyFolder(t, "../../data/snapshots/v0.2"), filepath.Join(root, "a")))
	s, err := New(load(t, 200, nil, nil), Options{SnapshotsDir: root, Logger: zerolog.Nop()})
	require.NoError(t, err)

	_, _, err = s.Validate(context.Background(), "a")
	require.True(t, verify.IsUnusable(err), "%v", err)
	require.Equal(t, "validate a: not a snapshot folder: manifest open "+manifest+": file name too long", err.Error())
}
