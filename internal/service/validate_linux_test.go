package service

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/testkit/testrun"
	"github.com/synthpipe/synthpipe/internal/verify"
)

// A manifest that cannot be opened (its path within a snapshots root this
// deep is longer than Linux allows, while the folder's is not) is named by
// its name, never by where the root lies.
func TestValidateNamesAnUnopenableManifestByItsName(t *testing.T) {
	const manifest = "snapshot_manifest_v0_2.json"
	root := testrun.LongPath(t, len("/a/"+manifest))
	require.NoError(t, os.Mkdir(root, 0o755))
	require.NoError(t, os.Rename(testrun.CopyFolder(t, "../../data/snapshots/v0.2"), filepath.Join(root, "a")))
	s, err := New(load(t, 200, nil, nil), Options{SnapshotsDir: root, Logger: zerolog.Nop()})
	require.NoError(t, err)

	_, _, err = s.Validate(context.Background(), "a")
	require.True(t, verify.IsUnusable(err), "%v", err)
	require.Equal(t, "validate a: not a snapshot folder: manifest open "+manifest+": file name too long", err.Error())
}
