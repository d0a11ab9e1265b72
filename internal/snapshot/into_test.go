//go:build linux

package snapshot_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/snapshot"
	"github.com/synthpipe/synthpipe/internal/verify"
)

// loadInto reads the governed config with records and seed; the output
// folder is unused by GenerateInto, so it points where nothing may appear.
func loadInto(t *testing.T, records, seed int64) *config.Config {
	t.Helper()
	return load(t, filepath.Join(t.TempDir(), "unused"), records, seed)
}

// GenerateInto writes the files directly into the folder it is given, with
// the life cycle of Generate: created, unchanged, refused when different,
// replaced when forced; staging and lock beside it, named after it, and
// nothing left of them.
func TestGenerateIntoFolder(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "a", "b") // parents made as needed
	target := filepath.Join(parent, "snapshot_v0_1")

	res, err := snapshot.GenerateInto(context.Background(), loadInto(t, 200, 1), target, snapshot.Options{})
	require.NoError(t, err)
	require.Equal(t, snapshot.Created, res.Outcome)
	require.Equal(t, target, res.Dir)
	require.Equal(t, hashes(t, generateInto(t, 200, 1)), hashes(t, target), "the bytes run makes, directly in the folder")
	require.Equal(t, []string{"snapshot_v0_1"}, names(t, parent), "no staging, no lock left beside it")
	rep, err := verify.Run(t.Context(), target)
	require.NoError(t, err)
	require.Zero(t, rep.Violations)

	res, err = snapshot.GenerateInto(context.Background(), loadInto(t, 200, 1), target, snapshot.Options{})
	require.NoError(t, err)
	require.Equal(t, snapshot.Unchanged, res.Outcome)

	before := hashes(t, target)
	_, err = snapshot.GenerateInto(context.Background(), loadInto(t, 200, 2), target, snapshot.Options{})
	require.ErrorIs(t, err, snapshot.ErrExists)
	require.ErrorContains(t, err, "use --force to replace it")
	require.Equal(t, before, hashes(t, target))

	res, err = snapshot.GenerateInto(context.Background(), loadInto(t, 200, 2), target, snapshot.Options{Force: true})
	require.NoError(t, err)
	require.Equal(t, snapshot.Replaced, res.Outcome)
	require.Equal(t, hashes(t, generateInto(t, 200, 2)), hashes(t, target))
	require.Equal(t, []string{"snapshot_v0_1"}, names(t, parent))
}

// An existing empty folder (a POC user's mkdir, or mktemp -d) is filled:
// created, readable by all, and nothing beside it.
func TestGenerateIntoEmptyFolder(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "out")
	require.NoError(t, os.Mkdir(target, 0o700))
	res, err := snapshot.GenerateInto(context.Background(), loadInto(t, 100, 1), target, snapshot.Options{})
	require.NoError(t, err)
	require.Equal(t, snapshot.Created, res.Outcome)
	require.Equal(t, hashes(t, generateInto(t, 100, 1)), hashes(t, target))
	st, err := os.Stat(target)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o755), st.Mode().Perm())
	require.Equal(t, []string{"out"}, names(t, parent))
}

// An empty folder that something is put into during the run is not
// replaced, even with force: the commit fails, what was put there stays,
// nothing is staged.
func TestGenerateIntoFolderFilledMeanwhile(t *testing.T) {
	for _, force := range []bool{false, true} {
		parent := t.TempDir()
		target := filepath.Join(parent, "out")
		require.NoError(t, os.Mkdir(target, 0o755))
		restore := snapshot.SetBeforeCommit(func(context.Context) {
			require.NoError(t, os.WriteFile(filepath.Join(target, "notes.txt"), []byte("mine"), 0o644))
		})
		_, err := snapshot.GenerateInto(context.Background(), loadInto(t, 100, 1), target, snapshot.Options{Force: force})
		restore()
		require.ErrorContains(t, err, "commit snapshot "+target+": it changed during the run, nothing was written: "+target+" exists and is not a snapshot folder")
		require.False(t, config.IsConfigError(err), "exit 1: the run had begun")
		require.Equal(t, []string{"notes.txt"}, names(t, target))
		require.Equal(t, []string{"out"}, names(t, parent))
	}
}

// A signal before the commit leaves an empty target folder as it was.
func TestGenerateIntoEmptyFolderInterrupted(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "out")
	require.NoError(t, os.Mkdir(target, 0o755))
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	defer snapshot.SetBeforeCommit(func(context.Context) { cancel(&snapshot.InterruptedError{Signal: syscall.SIGINT}) })()
	_, err := snapshot.GenerateInto(ctx, loadInto(t, 100, 1), target, snapshot.Options{})
	var ie *snapshot.InterruptedError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, 130, ie.ExitCode())
	require.Empty(t, names(t, target))
	require.Equal(t, []string{"out"}, names(t, parent), "no staging, no lock")
}

// A folder holding something other than a snapshot is refused even with
// force (exit 2) and left as it was; a snapshot of another version (the
// POC's data/snapshots/v0.1) is a different snapshot: refused without
// force, saying so, and replaced with it.
func TestGenerateIntoRefusals(t *testing.T) {
	for _, force := range []bool{false, true} {
		parent := t.TempDir()
		target := filepath.Join(parent, "mine")
		require.NoError(t, os.Mkdir(target, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(target, "thesis.tex"), []byte("mine"), 0o644))
		_, err := snapshot.GenerateInto(context.Background(), loadInto(t, 100, 1), target, snapshot.Options{Force: force})
		require.True(t, config.IsConfigError(err), "exit 2: %v", err)
		require.ErrorContains(t, err, target+" exists and is not a snapshot folder (no snapshot_manifest_v0_2.json); move it away")
		require.Equal(t, []string{"thesis.tex"}, names(t, target))
		require.Equal(t, []string{"mine"}, names(t, parent))
	}

	parent := t.TempDir()
	target := filepath.Join(parent, "v0.1")
	require.NoError(t, os.CopyFS(target, os.DirFS("../../data/snapshots/v0.1")))
	before := hashes(t, target)
	_, err := snapshot.GenerateInto(context.Background(), loadInto(t, 200, 1), target, snapshot.Options{})
	require.ErrorIs(t, err, snapshot.ErrExists)
	require.False(t, config.IsConfigError(err), "exit 1, as for any different snapshot")
	require.ErrorContains(t, err, target+": snapshot exists with different content: it holds the snapshot of another version (snapshot_manifest_v0_1.json), this run makes v0.2: name another folder, or use --force to replace it")
	require.Equal(t, before, hashes(t, target))

	res, err := snapshot.GenerateInto(context.Background(), loadInto(t, 200, 1), target, snapshot.Options{Force: true})
	require.NoError(t, err)
	require.Equal(t, snapshot.Replaced, res.Outcome)
	require.Equal(t, hashes(t, generateInto(t, 200, 1)), hashes(t, target), "only the v0.2 files")
	require.Equal(t, []string{"v0.1"}, names(t, parent))
}

// Staging folders named after the target are its own: a dead run's is
// removed. A folder beside it that merely ends in .replaced is the user's
// (only <version> and part folders had such leftovers) and stays.
func TestGenerateIntoCleansOnlyItsOwn(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "snap")
	for _, d := range []string{".snap.staging-111", "snap.replaced", ".other.staging-2"} {
		require.NoError(t, os.Mkdir(filepath.Join(parent, d), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(parent, d, "x"), []byte("x"), 0o644))
	}
	_, err := snapshot.GenerateInto(context.Background(), loadInto(t, 100, 1), target, snapshot.Options{})
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"snap", "snap.replaced", ".other.staging-2"}, names(t, parent))
}

// "." names the current folder by its absolute path, so staging and lock
// can go beside it; the root has nothing beside it; a part of a sharded
// run belongs under <output.dir>/<version>.parts.
func TestGenerateIntoPaths(t *testing.T) {
	dir, records, shard := t.TempDir(), int64(50), "1/2"
	part, err := config.Load(governed, config.Overrides{OutputDir: &dir, Records: &records, Shard: &shard})
	require.NoError(t, err)
	_, err = snapshot.GenerateInto(context.Background(), part, filepath.Join(dir, "snap"), snapshot.Options{})
	require.True(t, config.IsConfigError(err))
	require.ErrorContains(t, err, "a part of a sharded run goes to <output.dir>/v0.2.parts")
	require.Empty(t, names(t, dir))

	cfg := loadInto(t, 50, 1)
	_, err = snapshot.GenerateInto(context.Background(), cfg, "/", snapshot.Options{})
	require.True(t, config.IsConfigError(err))
	require.ErrorContains(t, err, "the root cannot be a snapshot folder")

	parent := t.TempDir()
	target := filepath.Join(parent, "here")
	require.NoError(t, os.Mkdir(target, 0o755))
	t.Chdir(target)
	res, err := snapshot.GenerateInto(context.Background(), cfg, ".", snapshot.Options{})
	require.NoError(t, err)
	require.Equal(t, snapshot.Created, res.Outcome)
	require.Equal(t, target, res.Dir)
	require.Equal(t, []string{"here"}, names(t, parent))
	require.Contains(t, names(t, target), "snapshot_manifest_v0_2.json")
}

// A mount point cannot take a rename from beside it: refused before any
// work, pointing at a folder inside it. Needs the right to mount.
func TestGenerateIntoMountPointRefused(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "mnt")
	require.NoError(t, os.Mkdir(target, 0o755))
	if err := unix.Mount("tmpfs", target, "tmpfs", 0, "size=1m"); err != nil {
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
			t.Skip("cannot mount here:", err)
		}
		require.NoError(t, err)
	}
	t.Cleanup(func() { _ = unix.Unmount(target, 0) })
	defer snapshot.SetBeforeCommit(func(context.Context) { t.Error("generation ran") })()
	_, err := snapshot.GenerateInto(context.Background(), loadInto(t, 50, 1), target, snapshot.Options{})
	require.True(t, config.IsConfigError(err))
	require.ErrorContains(t, err, target+" is a mount point")
	require.ErrorContains(t, err, "name a folder inside it, e.g. "+filepath.Join(target, "v0.2"))
	require.Equal(t, []string{"mnt"}, names(t, parent))
}

// The commit's rename replaces an empty folder in one step and refuses one
// that holds anything, leaving both folders as they were.
func TestRenameDirOnlyOntoEmpty(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
	require.NoError(t, os.Mkdir(src, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(src, "a.csv"), []byte("a"), 0o644))
	require.NoError(t, os.Mkdir(dst, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dst, "mine.txt"), []byte("m"), 0o644))

	err := snapshot.RenameDir(src, dst)
	require.True(t, errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST), "%v", err)
	require.Equal(t, []string{"mine.txt"}, names(t, dst))
	require.Equal(t, []string{"a.csv"}, names(t, src))

	require.NoError(t, os.Remove(filepath.Join(dst, "mine.txt")))
	require.NoError(t, snapshot.RenameDir(src, dst))
	require.Equal(t, []string{"a.csv"}, names(t, dst))
	require.Equal(t, []string{"dst"}, names(t, dir))
}
