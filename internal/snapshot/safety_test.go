//go:build linux

package snapshot_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/snapshot"
	"github.com/synthpipe/synthpipe/internal/testkit"
)

// load reads the governed config into dir with records persons and seed.
func load(t *testing.T, dir string, records, seed int64) *config.Config {
	t.Helper()
	cfg, err := config.Load(governed, config.Overrides{OutputDir: &dir, Records: &records, Seed: &seed})
	require.NoError(t, err)
	return cfg
}

// names lists the entries of dir.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// lockDir holds an exclusive flock on dir, as a live run holds its staging
// folder, until the test ends.
func lockDir(t *testing.T, dir string) *os.File {
	t.Helper()
	f, err := os.Open(dir)
	require.NoError(t, err)
	require.NoError(t, unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB))
	t.Cleanup(func() { f.Close() })
	return f
}

// A dead run's staging folder is removed at the next start; one a live run
// holds is not, until that run is gone.
func TestStaleStagingRemovedLiveKept(t *testing.T) {
	dir := t.TempDir()
	dead := filepath.Join(dir, ".v0.2.staging-111")
	live := filepath.Join(dir, ".v0.2.staging-222")
	other := filepath.Join(dir, ".v0.3.staging-333") // another target's: not ours to judge
	for _, d := range []string{dead, live, other} {
		require.NoError(t, os.MkdirAll(d, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(d, "persons_v0_2.csv"), []byte("half"), 0o644))
	}
	f := lockDir(t, live)

	res, err := snapshot.Generate(context.Background(), load(t, dir, 200, 1), snapshot.Options{})
	require.NoError(t, err)
	require.Equal(t, snapshot.Created, res.Outcome)
	require.ElementsMatch(t, []string{"v0.2", ".v0.2.staging-222", ".v0.3.staging-333"}, names(t, dir), "dead staging removed, live kept, no lock file left")

	f.Close() // the live run ends without cleaning up (killed)
	res, err = snapshot.Generate(context.Background(), load(t, dir, 200, 1), snapshot.Options{})
	require.NoError(t, err)
	require.Equal(t, snapshot.Unchanged, res.Outcome)
	require.ElementsMatch(t, []string{"v0.2", ".v0.3.staging-333"}, names(t, dir))
}

// A signal that arrives after generation but before the commit rename
// prevents the commit: the target is absent (or still the old one) and no
// staging is left.
func TestSignalBeforeCommitDoesNotCommit(t *testing.T) {
	for _, tc := range []struct {
		name     string
		existing bool
	}{{"new target", false}, {"forced replace", true}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var before map[string]string
			if tc.existing {
				_, err := snapshot.Generate(context.Background(), load(t, dir, 200, 1), snapshot.Options{})
				require.NoError(t, err)
				before = hashes(t, filepath.Join(dir, "v0.2"))
			}
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			called := false
			defer snapshot.SetBeforeCommit(func(context.Context) {
				called = true
				cancel(&snapshot.InterruptedError{Signal: syscall.SIGTERM})
			})()
			_, err := snapshot.Generate(ctx, load(t, dir, 300, 2), snapshot.Options{Force: true})
			require.True(t, called)
			var ie *snapshot.InterruptedError
			require.ErrorAs(t, err, &ie)
			require.ErrorIs(t, err, context.Canceled)
			require.Equal(t, 143, ie.ExitCode())
			require.EqualError(t, err, "interrupted by SIGTERM: nothing was written, no staging left behind")
			if tc.existing {
				require.Equal(t, []string{"v0.2"}, names(t, dir))
				require.Equal(t, before, hashes(t, filepath.Join(dir, "v0.2")), "old snapshot untouched")
			} else {
				require.Empty(t, names(t, dir), "no target, no staging, no lock file")
			}
		})
	}
}

// A snapshot whose files no longer match its manifest is not "unchanged":
// the rerun fails with exit code 3 naming the files, and --force repairs it.
func TestDamagedSnapshot(t *testing.T) {
	dir := t.TempDir()
	cfg := load(t, dir, 500, 1)
	res, err := snapshot.Generate(context.Background(), cfg, snapshot.Options{})
	require.NoError(t, err)
	original := hashes(t, res.Dir)

	f, err := os.OpenFile(filepath.Join(res.Dir, "persons_v0_2.csv"), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("PER-9999999999,extra\n")
	require.NoError(t, err)
	f.Close()
	require.NoError(t, os.Remove(filepath.Join(res.Dir, "vehicles_v0_2.parquet")))
	damaged := hashes(t, res.Dir)

	_, err = snapshot.Generate(context.Background(), cfg, snapshot.Options{})
	var de *snapshot.DamagedError
	require.ErrorAs(t, err, &de)
	require.Equal(t, 3, de.ExitCode())
	require.ErrorContains(t, err, "persons_v0_2.csv: ")
	require.ErrorContains(t, err, "bytes, manifest says")
	require.ErrorContains(t, err, "vehicles_v0_2.parquet: missing")
	require.ErrorContains(t, err, "use --force")
	require.Equal(t, damaged, hashes(t, res.Dir), "damaged snapshot left as found")
	require.Equal(t, []string{"v0.2"}, names(t, dir))

	res, err = snapshot.Generate(context.Background(), cfg, snapshot.Options{Force: true})
	require.NoError(t, err)
	require.Equal(t, snapshot.Replaced, res.Outcome)
	require.Equal(t, original, hashes(t, res.Dir), "repaired")
	require.Equal(t, []string{"v0.2"}, names(t, dir))

	// Same size, other bytes, and an extra file: also damage.
	p := filepath.Join(res.Dir, "profiles_v0_2.csv")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	b[len(b)-2] ^= 1
	require.NoError(t, os.WriteFile(p, b, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(res.Dir, "notes.txt"), []byte("x"), 0o644))
	_, err = snapshot.Generate(context.Background(), cfg, snapshot.Options{})
	require.ErrorAs(t, err, &de)
	require.ErrorContains(t, err, "profiles_v0_2.csv: SHA-256 differs")
	require.ErrorContains(t, err, "notes.txt: not in the manifest")
}

// A forced replace never leaves readers without a snapshot: a reader
// polling the manifest always finds one, the old or the new.
func TestForceReplaceNeverAbsent(t *testing.T) {
	dir := t.TempDir()
	_, err := snapshot.Generate(context.Background(), load(t, dir, 200, 1), snapshot.Options{})
	require.NoError(t, err)
	manifest := filepath.Join(dir, "v0.2", "snapshot_manifest_v0_2.json")

	var polls, absent atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := os.ReadFile(manifest); err != nil {
				absent.Add(1)
			}
			polls.Add(1)
		}
	}()
	for i := range 6 {
		res, err := snapshot.Generate(context.Background(), load(t, dir, 200, int64(2+i%2)), snapshot.Options{Force: true})
		require.NoError(t, err)
		require.Equal(t, snapshot.Replaced, res.Outcome)
	}
	for polls.Load() < 300 {
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()
	t.Logf("%d polls during 6 replaces, %d without a manifest", polls.Load(), absent.Load())
	require.Zero(t, absent.Load(), "manifest absent in %d of %d polls", absent.Load(), polls.Load())
	require.Equal(t, []string{"v0.2"}, names(t, dir), "old snapshots and staging removed")
}

// Where the file system cannot exchange folders, replace takes two renames
// and leaves nothing behind.
func TestReplaceFallbackWithoutExchange(t *testing.T) {
	defer snapshot.DisableExchange()()
	dir := t.TempDir()
	_, err := snapshot.Generate(context.Background(), load(t, dir, 200, 1), snapshot.Options{})
	require.NoError(t, err)
	res, err := snapshot.Generate(context.Background(), load(t, dir, 200, 2), snapshot.Options{Force: true})
	require.NoError(t, err)
	require.Equal(t, snapshot.Replaced, res.Outcome)
	require.Equal(t, hashes(t, generateInto(t, 200, 2)), hashes(t, res.Dir))
	require.Equal(t, []string{"v0.2"}, names(t, dir))
}

func generateInto(t *testing.T, records, seed int64) string {
	t.Helper()
	res, err := snapshot.Generate(context.Background(), load(t, t.TempDir(), records, seed), snapshot.Options{})
	require.NoError(t, err)
	return res.Dir
}

// A replace interrupted between its steps is recovered at the next start.
func TestInterruptedReplaceRecovered(t *testing.T) {
	src := generateInto(t, 200, 1)
	want := hashes(t, src)
	copyDir := func(t *testing.T, to string) {
		require.NoError(t, os.CopyFS(to, os.DirFS(src)))
	}
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string) // the state a killed replace left
	}{
		// Killed after the exchange, before removing the old snapshot: it
		// sits, unlocked, at the staging path.
		{"old snapshot at the staging path", func(t *testing.T, dir string) {
			copyDir(t, filepath.Join(dir, "v0.2"))
			copyDir(t, filepath.Join(dir, ".v0.2.staging-4242"))
			require.NoError(t, os.WriteFile(filepath.Join(dir, ".v0.2.lock"), []byte("4242\n"), 0o644))
		}},
		// Killed between the two renames of the fallback.
		{"fallback: target moved aside", func(t *testing.T, dir string) {
			copyDir(t, filepath.Join(dir, ".v0.2.replaced"))
		}},
		// Killed between the two renames of versions before the lock.
		{"older version: target moved aside", func(t *testing.T, dir string) {
			copyDir(t, filepath.Join(dir, "v0.2.replaced"))
			copyDir(t, filepath.Join(dir, ".v0.2.staging-77"))
		}},
		// Killed after both renames, before removing the old one.
		{"older version: old one not removed", func(t *testing.T, dir string) {
			copyDir(t, filepath.Join(dir, "v0.2"))
			copyDir(t, filepath.Join(dir, "v0.2.replaced"))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.setup(t, dir)
			res, err := snapshot.Generate(context.Background(), load(t, dir, 200, 1), snapshot.Options{})
			require.NoError(t, err)
			require.Equal(t, snapshot.Unchanged, res.Outcome, "the snapshot is back where it was")
			require.Equal(t, want, hashes(t, res.Dir))
			require.Equal(t, []string{"v0.2"}, names(t, dir), "nothing else left")
		})
	}
}

// What is at the target and is not a snapshot folder is refused, even with
// --force, and left as it is.
func TestTargetNotASnapshotRefused(t *testing.T) {
	for _, tc := range []struct {
		name, msg string
		setup     func(t *testing.T, target string)
	}{
		{"plain file", "exists and is not a snapshot folder; move it away", func(t *testing.T, target string) {
			require.NoError(t, os.WriteFile(target, []byte("mine"), 0o644))
		}},
		{"symbolic link", "is a symbolic link, not a snapshot folder; move it away", func(t *testing.T, target string) {
			require.NoError(t, os.Symlink(generateInto(t, 200, 1), target))
		}},
		{"other folder", "exists and is not a snapshot folder (no snapshot_manifest_v0_2.json); move it away", func(t *testing.T, target string) {
			require.NoError(t, os.Mkdir(target, 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(target, "thesis.tex"), []byte("mine"), 0o644))
		}},
	} {
		for _, force := range []bool{false, true} {
			t.Run(tc.name, func(t *testing.T) {
				dir := t.TempDir()
				target := filepath.Join(dir, "v0.2")
				tc.setup(t, target)
				before, _ := os.Lstat(target)
				_, err := snapshot.Generate(context.Background(), load(t, dir, 200, 1), snapshot.Options{Force: force})
				require.ErrorContains(t, err, target+" ")
				require.ErrorContains(t, err, tc.msg)
				require.True(t, config.IsConfigError(err), "exit 2: nothing was done")
				after, err := os.Lstat(target)
				require.NoError(t, err)
				require.Equal(t, before.Mode(), after.Mode())
				require.Equal(t, []string{"v0.2"}, names(t, dir))
			})
		}
	}
}

// A snapshot made from another config is refused before any generation:
// with a billion records asked for, the refusal is immediate and nothing
// is staged.
func TestOtherConfigRefusedBeforeWork(t *testing.T) {
	dir := t.TempDir()
	res, err := snapshot.Generate(context.Background(), load(t, dir, 200, 1), snapshot.Options{})
	require.NoError(t, err)
	before := hashes(t, res.Dir)
	defer snapshot.SetBeforeCommit(func(context.Context) { t.Error("generation ran") })()

	start := time.Now()
	_, err = snapshot.Generate(context.Background(), load(t, dir, 50_000_000, 1), snapshot.Options{})
	require.Less(t, time.Since(start), 2*time.Second)
	require.ErrorIs(t, err, snapshot.ErrExists)
	require.ErrorContains(t, err, "made from another config (config_sha256 ")
	require.ErrorContains(t, err, "use --force to replace it")
	require.Equal(t, []string{"v0.2"}, names(t, dir), "no staging, no lock file")
	require.Equal(t, before, hashes(t, res.Dir))
}

// A run that fails leaves no folder it made: not an output folder under a
// plain file (config error, before anything), nor a shard's .parts folder.
func TestFailedRunCreatesNoFolders(t *testing.T) {
	t.Run("output dir under a file", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "file"), nil, 0o644))
		_, err := snapshot.Generate(context.Background(), load(t, filepath.Join(dir, "file", "out"), 200, 1), snapshot.Options{})
		require.True(t, config.IsConfigError(err), "%v", err)
		require.ErrorContains(t, err, "is not a folder")
		require.True(t, strings.HasPrefix(err.Error(), "--output-dir: "), "names the flag the folder came from: %v", err)
		require.Equal(t, []string{"file"}, names(t, dir))
	})
	t.Run("shard with a failing sink", func(t *testing.T) {
		dir := t.TempDir()
		out := filepath.Join(dir, "a", "b")
		shard := "2/4"
		cfg, err := config.Load(writeBroken(t), config.Overrides{OutputDir: &out, Shard: &shard})
		require.NoError(t, err)
		_, err = snapshot.Generate(context.Background(), cfg, snapshot.Options{})
		require.ErrorContains(t, err, "disk full")
		require.Empty(t, names(t, dir), "no a/b/v0.2.parts left")
	})
}

// A second run into a target another run holds waits, says so, and then
// goes on; a signal ends the wait with nothing written.
func TestSecondRunWaitsForTheLock(t *testing.T) {
	dir := t.TempDir()
	lockFile := filepath.Join(dir, ".v0.2.lock")
	hold := func() *os.File {
		f, err := os.OpenFile(lockFile, os.O_RDWR|os.O_CREATE, 0o644)
		require.NoError(t, err)
		require.NoError(t, unix.Flock(int(f.Fd()), unix.LOCK_EX))
		_, _ = f.WriteString("4242\n")
		return f
	}

	f := hold()
	var log testkit.SyncBuffer
	done := make(chan error, 1)
	go func() {
		_, err := snapshot.Generate(context.Background(), load(t, dir, 200, 1), snapshot.Options{Logger: zerolog.New(&log)})
		done <- err
	}()
	time.Sleep(400 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("run did not wait: %v", err)
	default:
	}
	require.Contains(t, log.String(), "waiting for another run writing "+filepath.Join(dir, "v0.2"))
	require.Contains(t, log.String(), `"pid":"4242"`)
	os.Remove(lockFile) // as a run releases it
	f.Close()
	require.NoError(t, <-done)
	require.Equal(t, []string{"v0.2"}, names(t, dir))

	f = hold()
	defer f.Close()
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(200*time.Millisecond, func() { cancel(&snapshot.InterruptedError{Signal: os.Interrupt}) })
	_, err := snapshot.Generate(ctx, load(t, dir, 300, 1), snapshot.Options{Force: true})
	var ie *snapshot.InterruptedError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, 130, ie.ExitCode())
	require.True(t, errors.Is(err, context.Canceled))
	require.ElementsMatch(t, []string{"v0.2", ".v0.2.lock"}, names(t, dir), "the holder's lock file only")
	require.False(t, strings.Contains(strings.Join(names(t, dir), ","), "staging"))
}

// A target holding FIFOs or symlinks where its files should be is neither
// followed nor waited on: a rerun ends promptly and names them as damage.
func TestHostileFilesInTargetNeverBlock(t *testing.T) {
	dir := t.TempDir()
	cfg := load(t, dir, 300, 1)
	res, err := snapshot.Generate(context.Background(), cfg, snapshot.Options{})
	require.NoError(t, err)
	outside := filepath.Join(t.TempDir(), "outside.csv")
	require.NoError(t, os.WriteFile(outside, []byte("x"), 0o644))
	require.NoError(t, os.Remove(filepath.Join(res.Dir, "persons_v0_2.csv")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(res.Dir, "persons_v0_2.csv"), 0o644))
	require.NoError(t, os.Remove(filepath.Join(res.Dir, "vehicles_v0_2.csv")))
	require.NoError(t, os.Symlink(outside, filepath.Join(res.Dir, "vehicles_v0_2.csv")))

	done := make(chan error, 1)
	go func() { _, err := snapshot.Generate(context.Background(), cfg, snapshot.Options{}); done <- err }()
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("rerun blocked on a FIFO in the target")
	}
	var de *snapshot.DamagedError
	require.ErrorAs(t, err, &de)
	require.ErrorContains(t, err, "persons_v0_2.csv: fifo")
	require.ErrorContains(t, err, "vehicles_v0_2.csv: symlink")

	// A FIFO in place of the manifest and the metadata: still no wait.
	for _, name := range []string{"snapshot_manifest_v0_2.json", "metadata_v0_2.json"} {
		require.NoError(t, os.Remove(filepath.Join(res.Dir, name)))
		require.NoError(t, syscall.Mkfifo(filepath.Join(res.Dir, name), 0o644))
	}
	go func() { _, err := snapshot.Generate(context.Background(), cfg, snapshot.Options{}); done <- err }()
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("rerun blocked on a FIFO manifest")
	}
	require.ErrorIs(t, err, snapshot.ErrExists, "an unreadable manifest is not this run's snapshot")
}

// A lock file that is a symbolic link is refused, and what it points to is
// left as it was (the pid is never written through a link).
func TestSymlinkedLockRefused(t *testing.T) {
	dir := t.TempDir()
	precious := filepath.Join(t.TempDir(), "precious.txt")
	require.NoError(t, os.WriteFile(precious, []byte("keep me"), 0o644))
	require.NoError(t, os.Symlink(precious, filepath.Join(dir, ".v0.2.lock")))
	_, err := snapshot.Generate(context.Background(), load(t, dir, 50, 1), snapshot.Options{})
	require.ErrorContains(t, err, ".v0.2.lock is a symbolic link: remove it")
	require.True(t, config.IsConfigError(err), "exit 2: nothing was done")
	b, err := os.ReadFile(precious)
	require.NoError(t, err)
	require.Equal(t, "keep me", string(b))
	require.ElementsMatch(t, []string{".v0.2.lock"}, names(t, dir), "nothing staged")
}
