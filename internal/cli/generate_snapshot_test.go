package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/testkit"
	"github.com/synthpipe/synthpipe/internal/testkit/testrun"
)

// pocRepo makes the working folder one laid out like the repository, as
// the POC's commands expect (default config, relative paths): configs/
// v0.2.yaml and, with governed, the committed data/snapshots/v0.1.
func pocRepo(t *testing.T, governed bool) string {
	t.Helper()
	repo := t.TempDir()
	require.NoError(t, os.CopyFS(filepath.Join(repo, "configs"), os.DirFS("../../configs")))
	if governed {
		require.NoError(t, os.CopyFS(filepath.Join(repo, "data", "snapshots", "v0.1"), os.DirFS("../../data/snapshots/v0.1")))
	}
	t.Chdir(repo)
	return repo
}

// requireSnapshotIn asserts that the files are directly in dir, with no
// staging folder or lock inside it or beside it, and that validate passes.
func requireSnapshotIn(t *testing.T, dir string) {
	t.Helper()
	names := testrun.Names(t, dir)
	require.Contains(t, names, "snapshot_manifest_v0_2.json")
	require.Contains(t, names, "persons_v0_2.csv")
	require.NotContains(t, names, "v0.2", "no nested version folder")
	for _, n := range names {
		require.False(t, strings.HasPrefix(n, "."), "nothing hidden in the snapshot folder: %s", n)
	}
	require.Equal(t, []string{filepath.Base(dir)}, testrun.Names(t, filepath.Dir(dir)), "no staging folder or lock beside it")
	code, out, errOut := run("validate", dir)
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "OK")
}

// The POC's quickstart, as its users type it: --output-dir names the
// snapshot folder itself, and the usual life cycle follows.
func TestGenerateSnapshotPOCQuickstart(t *testing.T) {
	t.Run("output-dir data/snapshots/v0.1 --records 200", func(t *testing.T) {
		repo := pocRepo(t, false)
		code, out, errOut := run("generate-snapshot", "--output-dir", "data/snapshots/v0.1", "--records", "200", "-q")
		require.Equal(t, ExitOK, code, errOut)
		require.Contains(t, out, "snapshot data/snapshots/v0.1: created")
		require.Contains(t, out, filepath.Join("data", "snapshots", "v0.1", "persons_v0_2.csv"))
		requireSnapshotIn(t, filepath.Join(repo, "data", "snapshots", "v0.1"))
	})

	t.Run("output-dir /tmp/snapshot_v0_1 --records 50 --seed 123", func(t *testing.T) {
		pocRepo(t, false)
		snap := filepath.Join(t.TempDir(), "snapshot_v0_1")
		poc := []string{"generate-snapshot", "--output-dir", snap, "--records", "50", "--seed", "123", "-q"}
		code, out, errOut := run(poc...)
		require.Equal(t, ExitOK, code, errOut)
		require.Contains(t, out, "snapshot "+snap+": created")
		require.Contains(t, out, "50 records")
		requireSnapshotIn(t, snap)
		first := testkit.FileHashes(t, snap)

		code, out, errOut = run(poc...)
		require.Equal(t, ExitOK, code, errOut)
		require.Contains(t, out, "snapshot "+snap+": unchanged")

		other := []string{"generate-snapshot", "--output-dir", snap, "--records", "50", "--seed", "124", "-q"}
		code, _, errOut = run(other...)
		require.Equal(t, ExitFailure, code)
		require.Contains(t, errOut, snap+": snapshot exists with different content")
		require.Contains(t, errOut, "use --force to replace it")
		require.Equal(t, first, testkit.FileHashes(t, snap), "kept as it was")

		code, out, errOut = run(append(other, "--force")...)
		require.Equal(t, ExitOK, code, errOut)
		require.Contains(t, out, "snapshot "+snap+": replaced")
		requireSnapshotIn(t, snap)
		require.NotEqual(t, first, testkit.FileHashes(t, snap))
	})

	// In this repository data/snapshots/v0.1 is the governed snapshot of
	// generator 0.1: generator 0.2 makes another snapshot, which is refused
	// without --force, as any different snapshot is.
	t.Run("over the governed v0.1", func(t *testing.T) {
		repo := pocRepo(t, true)
		v01 := filepath.Join(repo, "data", "snapshots", "v0.1")
		before := testkit.FileHashes(t, v01)
		code, out, errOut := run("generate-snapshot", "--output-dir", "data/snapshots/v0.1", "--records", "200", "-q")
		require.Equal(t, ExitFailure, code, out)
		require.Contains(t, errOut, "data/snapshots/v0.1: snapshot exists with different content: it holds the snapshot of another version (snapshot_manifest_v0_1.json), this run makes v0.2: name another folder, or use --force to replace it")
		require.Equal(t, before, testkit.FileHashes(t, v01))
		require.Equal(t, []string{"v0.1"}, testrun.Names(t, filepath.Join(repo, "data", "snapshots")), "no staging, no lock")
	})
}

// What generate-snapshot --output-dir accepts and refuses, and that run
// --output-dir keeps naming the folder that holds snapshot folders.
func TestGenerateSnapshotOutputDir(t *testing.T) {
	golden := testkit.FileHashes(t, "../../data/snapshots/v0.2")
	repo := pocRepo(t, false)

	empty := filepath.Join(t.TempDir(), "made-by-mkdir")
	require.NoError(t, os.Mkdir(empty, 0o755))
	code, out, errOut := run("generate-snapshot", "--output-dir", empty, "--records", "30", "-q")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "snapshot "+empty+": created")
	requireSnapshotIn(t, empty)

	foreign := filepath.Join(t.TempDir(), "thesis")
	require.NoError(t, os.Mkdir(foreign, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(foreign, "thesis.tex"), []byte("mine"), 0o644))
	for _, force := range []string{"--force=false", "--force"} {
		code, _, errOut = run("generate-snapshot", "--output-dir", foreign, "--records", "30", force, "-q")
		require.Equal(t, ExitUsage, code, errOut)
		require.Contains(t, errOut, "synthpipe: "+foreign+" exists and is not a snapshot folder (no snapshot_manifest_v0_2.json); move it away")
		require.Equal(t, []string{"thesis.tex"}, testrun.Names(t, foreign))
		require.Equal(t, []string{"thesis"}, testrun.Names(t, filepath.Dir(foreign)))
	}

	// run --output-dir DIR: DIR/<version>. DIR is then no snapshot folder
	// for generate-snapshot.
	parent := t.TempDir()
	code, out, errOut = run("run", "-c", "configs/v0.2.yaml", "--output-dir", parent, "--records", "30", "-q")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "snapshot "+filepath.Join(parent, "v0.2")+": created")
	require.Equal(t, []string{"v0.2"}, testrun.Names(t, parent))
	requireSnapshotIn(t, filepath.Join(parent, "v0.2"))
	code, _, errOut = run("generate-snapshot", "--output-dir", parent, "--records", "30", "-q")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, parent+" exists and is not a snapshot folder")

	// A part belongs under <output.dir>/<version>.parts, where merge finds it.
	code, _, errOut = run("generate-snapshot", "--output-dir", filepath.Join(parent, "p"), "--shard", "1/2", "-q")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, "--shard with generate-snapshot --output-dir")

	// Without --output-dir: <output.dir>/<version>, the governed snapshot.
	code, out, errOut = run("generate-snapshot", "-q")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "snapshot "+filepath.Join("data", "snapshots", "v0.2")+": created")
	require.Equal(t, golden, testkit.FileHashes(t, filepath.Join(repo, "data", "snapshots", "v0.2")))
}

// --help says what --output-dir means for each command, with an example.
func TestOutputDirMeaningInHelp(t *testing.T) {
	code, out, _ := run("run", "--help")
	require.Equal(t, ExitOK, code)
	require.Contains(t, out, "--output-dir DIR names the folder that holds snapshot folders: the snapshot goes to DIR/<dataset.version>")
	require.Contains(t, out, "synthpipe run -c configs/v0.2.yaml --output-dir /tmp/snaps  # /tmp/snaps/v0.2")
	require.Contains(t, out, "--output-dir DIR       folder that holds snapshot folders")

	code, out, _ = run("generate-snapshot", "--help")
	require.Equal(t, ExitOK, code)
	require.Contains(t, out, "--output-dir DIR names the snapshot folder itself, as in the POC: the files land directly in DIR")
	require.Contains(t, out, "Without --output-dir the snapshot goes to <output.dir>/<dataset.version>")
	require.Contains(t, out, "synthpipe generate-snapshot --output-dir /tmp/snapshot_v0_1 --records 50 --seed 123  # files in /tmp/snapshot_v0_1")
	require.Contains(t, out, "--output-dir DIR       the snapshot folder itself")
	require.Contains(t, out, `(default "configs/v0.2.yaml")`)
}
