// Package snapshot runs a configured pipeline into a staging folder beside
// the target and then renames it into place, so a snapshot appears whole or
// not at all: a failed run leaves nothing, and an existing snapshot with
// different content is replaced only when forced.
//
// Writing a target <parent>/<name> (a snapshot <output.dir>/<version>, a
// part <output.dir>/<version>.parts/part-K-of-N, or a folder named as the
// snapshot folder itself, see GenerateInto):
//
//   - Nothing is created before the run is known to be valid: the output
//     folder is only checked (nearest existing folder writable), and folders
//     made for a run that then fails are removed again.
//   - One run at a time per target: a run holds an exclusive flock on
//     <parent>/.<name>.lock from before its first look at the target until
//     after its commit, generation included. A second run into the same
//     target waits (it logs once which pid it waits for; a signal ends the
//     wait) and then decides against what the first one left, so two runs
//     never interleave their check and commit. The lock file is removed on
//     release; one left by a killed run is taken over by the next.
//   - Each run writes into its own <parent>/.<name>.staging-* folder and
//     holds a flock on that folder while it lives. Under the target's lock,
//     a run removes every staging folder of its target it can lock: those of
//     dead (killed) runs. A live run's staging folder stays.
//   - A target that is a symbolic link, not a folder, a mount point, or a
//     folder holding something other than a snapshot is refused, even with
//     force: move it away. An empty folder is taken as a new target. A
//     snapshot made from another config (config_sha256 of its metadata) or
//     of another version is refused with ErrExists before any generation.
//   - After generating, the run compares manifests: equal and every file
//     still as the manifest says (present, regular, size, SHA-256, nothing
//     extra) is Unchanged; equal but damaged is a *DamagedError (exit 3)
//     unless forced, which repairs it; different is ErrExists unless forced.
//   - A new target is committed by one rename of the staging folder; an
//     empty folder at the target is replaced by that same rename, which
//     fails, writing nothing, if the folder is no longer empty by then.
//   - A forced replace exchanges staging and target in one renameat2
//     RENAME_EXCHANGE, so readers see the old or the new snapshot, never
//     neither; the old one, now at the staging path, is then removed (if
//     the run dies first, the next run removes it as stale staging). Where
//     the file system cannot exchange, it falls back to two renames through
//     <parent>/.<name>.replaced (with a warning: readers may see no snapshot
//     for a moment); a next run restores a .replaced folder (also an older
//     version's <name>.replaced) when the target is missing.
//   - A cancelled context (the CLI cancels it on SIGINT and SIGTERM with an
//     *InterruptedError as cause) is checked after generating and right
//     before the commit rename, under the lock: an interruption that comes
//     in time prevents the commit, removes the staging folder and returns
//     the cause.
package snapshot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/rs/zerolog"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/internal/formats/safeio"
	"github.com/synthpipe/synthpipe/pipeline"
)

// Outcome says what happened to the target folder.
type Outcome string

const (
	Created   Outcome = "created"
	Unchanged Outcome = "unchanged"
	Replaced  Outcome = "replaced"
)

// ErrExists is returned when the target holds a different snapshot and
// Force is off.
var ErrExists = errors.New("snapshot exists with different content")

// Options tune one run.
type Options struct {
	Workers int // 0: one per CPU
	Force   bool
	Logger  zerolog.Logger
	// Progress, if set, is told how many persons each written batch held.
	Progress func(persons int64)
}

// Result is a finished run.
type Result struct {
	Dir     string
	Outcome Outcome
	Files   []pipeline.FileInfo
}

// checkWritable fails early, before any work and without creating
// anything, if dir cannot hold a snapshot: its nearest existing ancestor
// must be a folder this process may write. Errors start with what, the
// setting that named the folder.
func checkWritable(what, dir string) error {
	p := filepath.Clean(dir)
	for {
		st, err := os.Stat(p)
		switch {
		case err == nil && !st.IsDir():
			return &config.Error{Err: fmt.Errorf("%s: %s is not a folder", what, p)}
		case err == nil:
			if err := writable(p); err != nil {
				return &config.Error{Err: fmt.Errorf("%s: %s is not writable: %w", what, p, err)}
			}
			return nil
		case !errors.Is(err, os.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR):
			return &config.Error{Err: fmt.Errorf("%s: %w", what, err)}
		}
		up := filepath.Dir(p)
		if up == p {
			return nil
		}
		p = up
	}
}

// Generate runs cfg and commits its snapshot to <output.dir>/<version> (a
// part of a sharded run to its folder under <output.dir>/<version>.parts).
func Generate(ctx context.Context, cfg *config.Config, opt Options) (Result, error) {
	run := cfg.Run()
	return generate(ctx, cfg, run, Target(cfg.OutputDir, run), cfg.From("output.dir"), opt)
}

// GenerateInto runs cfg and commits its snapshot to the folder dir itself,
// in place of <output.dir>/<version>: the POC's meaning of
// generate-snapshot --output-dir. dir may be absent, an empty folder or a
// snapshot; its staging folders and lock go beside it, named after it
// (.<name>.staging-*, .<name>.lock), and everything else is as for Generate.
func GenerateInto(ctx context.Context, cfg *config.Config, dir string, opt Options) (Result, error) {
	run := cfg.Run()
	if run.Sharded() {
		return Result{}, &config.Error{Err: fmt.Errorf("a part of a sharded run goes to <output.dir>/%s, where merge finds it: it cannot be written into a snapshot folder of its own", layout.PartsDir(run.SnapshotVersion))}
	}
	target, err := snapshotFolder(dir)
	if err != nil {
		return Result{}, err
	}
	return generate(ctx, cfg, run, target, "snapshot folder "+dir, opt)
}

// snapshotFolder is dir as a target: a path whose last element names the
// folder, so that staging and lock can go beside it ("." and ".." are made
// absolute). The root has nothing beside it and is refused.
func snapshotFolder(dir string) (string, error) {
	if strings.TrimSpace(dir) == "" {
		return "", &config.Error{Err: errors.New("the snapshot folder must not be empty (e.g. data/snapshots/v0.2)")}
	}
	target := filepath.Clean(dir)
	if base := filepath.Base(target); base == "." || base == ".." {
		abs, err := filepath.Abs(target)
		if err != nil {
			return "", &config.Error{Err: fmt.Errorf("snapshot folder %s: %w", dir, err)}
		}
		target = abs
	}
	if filepath.Dir(target) == target {
		return "", &config.Error{Err: fmt.Errorf("snapshot folder %s: the root cannot be a snapshot folder (its staging folder and lock go beside it): name a folder inside it", dir)}
	}
	return target, nil
}

func generate(ctx context.Context, cfg *config.Config, run *model.Run, target, what string, opt Options) (Result, error) {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return write(ctx, target, what, run, opt, nil, func(env *component.Env) (component.Plan, error) {
		return cfg.Plan(env, workers)
	})
}

// beforeCommit is called between generating and committing; tests use it
// to send a signal at the last moment.
var beforeCommit = func(context.Context) {}

// write locks the target, cleans up after dead runs, refuses a target it
// must not touch, runs check (if set), builds a plan that writes into a
// fresh staging folder beside the target, runs it and commits the folder
// (see the package doc). On any failure the staging folder is removed and
// the target is untouched. what names the setting that gave the target, for
// errors. check is the caller's own long look at its input (merge checks
// its parts): it runs only once the target's cheap checks passed and the
// lock is held, so a run refused or kept waiting reads nothing first, and
// its error is returned as it is (a damaged part is exit 3, not a config
// error as build's are).
func write(ctx context.Context, target, what string, run *model.Run, opt Options, check func() error, build func(*component.Env) (component.Plan, error)) (_ Result, err error) {
	parent := filepath.Dir(target)
	if err := checkWritable(what, parent); err != nil {
		return Result{}, err
	}
	made, err := mkdirs(parent)
	// Deferred first, so it runs last, after the lock file is gone.
	defer func() {
		if err != nil {
			removeMade(made)
		}
	}()
	if err != nil {
		return Result{}, fmt.Errorf("output folder %s: %w", parent, err)
	}
	lock, err := lockTarget(ctx, target, opt.Logger)
	if err != nil {
		return Result{}, interrupted(ctx, err)
	}
	defer lock.unlock()
	if err := recoverTarget(parent, target, opt.Logger); err != nil {
		return Result{}, err
	}
	if err := checkTarget(target, run, opt.Force); err != nil {
		return Result{}, err
	}
	if check != nil {
		if err := check(); err != nil {
			return Result{}, interrupted(ctx, err)
		}
	}
	st, err := newStaging(parent, target)
	if err != nil {
		return Result{}, err
	}
	committed := false
	defer func() { st.release(!committed) }()
	plan, err := build(&component.Env{Dir: st.dir, Logger: opt.Logger, Shared: run})
	if err != nil {
		return Result{}, &config.Error{Err: err}
	}
	plan.Written = written(opt.Progress)
	files, err := pipeline.Run(ctx, plan)
	if err != nil {
		return Result{}, interrupted(ctx, err)
	}
	beforeCommit(ctx)
	if ctx.Err() != nil {
		return Result{}, interrupted(ctx, ctx.Err())
	}
	return commit(ctx, st, target, run, files, opt, &committed)
}

// interrupted returns the cause of ctx's end (an *InterruptedError from
// the CLI) in place of err when ctx has ended: that, not the error some
// stage saw as it stopped, is why the run failed.
func interrupted(ctx context.Context, err error) error {
	if ctx.Err() == nil {
		return err
	}
	var ie *InterruptedError
	if cause := context.Cause(ctx); errors.As(cause, &ie) {
		return ie
	}
	return fmt.Errorf("nothing was written, no staging left behind: %w", context.Cause(ctx))
}

// mkdirs makes dir and its missing parents and returns those it made,
// outermost first.
func mkdirs(dir string) ([]string, error) {
	var missing []string
	for p := filepath.Clean(dir); ; p = filepath.Dir(p) {
		if _, err := os.Stat(p); err == nil || filepath.Dir(p) == p {
			break
		}
		missing = append(missing, p)
	}
	var made []string
	for i := len(missing) - 1; i >= 0; i-- {
		err := os.Mkdir(missing[i], 0o755)
		if err == nil {
			made = append(made, missing[i])
		} else if !errors.Is(err, os.ErrExist) {
			return made, err
		}
	}
	return made, nil
}

// removeMade removes, innermost first, the folders a failed run made, if
// they are still empty (another run may be using them by now).
func removeMade(made []string) {
	for i := len(made) - 1; i >= 0; i-- {
		os.Remove(made[i])
	}
}

// written adapts a progress callback to the engine's per-batch hook.
func written(progress func(int64)) func(*component.Batch) {
	if progress == nil {
		return nil
	}
	return func(b *component.Batch) { progress(int64(len(b.Payload.Persons))) }
}

// staging is the folder a run writes into, beside its target so the
// final rename is atomic, flocked while the run lives so that other runs
// can tell it from a dead run's.
type staging struct {
	dir string
	f   *os.File
}

func newStaging(parent, target string) (*staging, error) {
	dir, err := os.MkdirTemp(parent, layout.StagingPrefix(filepath.Base(target)))
	if err != nil {
		return nil, fmt.Errorf("staging folder: %w", err)
	}
	st := &staging{dir: dir}
	// MkdirTemp makes 0700; a snapshot is shared data.
	if err = os.Chmod(dir, 0o755); err == nil {
		if st.f, err = os.Open(dir); err == nil {
			err = flockFile(st.f, false)
		}
	}
	if err != nil {
		st.release(true)
		return nil, fmt.Errorf("staging folder: %w", err)
	}
	return st, nil
}

// release removes the folder (before unlocking it, so no run sees it
// unlocked and half removed) when remove is set, and drops its lock.
func (s *staging) release(remove bool) {
	if remove {
		os.RemoveAll(s.dir)
	}
	if s.f != nil {
		s.f.Close()
	}
}

// Target returns the folder a run writes to: the snapshot <dir>/<version>,
// or for part K of N <dir>/<version>.parts/part-000K-of-000N.
func Target(dir string, run *model.Run) string {
	if run.Sharded() {
		return filepath.Join(dir, layout.PartsDir(run.SnapshotVersion), layout.Part(run.Shard, run.Shards))
	}
	return filepath.Join(dir, run.SnapshotVersion)
}

// commit moves staging to target: created, unchanged (same manifest and
// the target's files still match it), or replaced when forced.
func commit(ctx context.Context, st *staging, target string, run *model.Run, files []pipeline.FileInfo, opt Options, committed *bool) (Result, error) {
	res := Result{Dir: target, Files: files}
	// The target was checked before generating; whatever was put there
	// since (a file into an empty folder, a link in its place) is refused
	// now, force or not, rather than replaced and removed.
	if err := checkTarget(target, run, true); err != nil {
		return Result{}, fmt.Errorf("commit snapshot %s: it changed during the run, nothing was written: %v", target, err)
	}
	name := layout.ManifestFile(layout.Suffix(run.SnapshotVersion))
	newManifest, _ := os.ReadFile(filepath.Join(st.dir, name))
	// The target may hold anything by now: never follow, block on or
	// swallow whatever sits at its manifest's name.
	oldManifest, oldErr := safeio.ReadSmall(target, name, layout.MaxManifestBytes)
	_, dirErr := os.Lstat(target)
	exists, empty := dirErr == nil, dirErr == nil && isEmptyDir(target)
	switch {
	case exists && oldErr == nil && newManifest != nil && bytes.Equal(oldManifest, newManifest):
		var m layout.Manifest
		if err := json.Unmarshal(newManifest, &m); err != nil {
			return Result{}, fmt.Errorf("commit snapshot %s: the run's own manifest %s: %w", target, name, err)
		}
		problems := checkFiles(ctx, target, m, name, nil)
		if ctx.Err() != nil {
			return Result{}, interrupted(ctx, ctx.Err())
		}
		if len(problems) == 0 {
			res.Outcome = Unchanged
			return res, nil
		}
		if !opt.Force {
			return Result{}, &DamagedError{Dir: target, Problems: problems}
		}
		opt.Logger.Warn().Str("dir", target).Strs("problems", problems).Msg("repairing damaged snapshot")
	case exists && !empty && !opt.Force:
		return Result{}, fmt.Errorf("%s: %w (use --force to replace it)", target, ErrExists)
	}
	// The last moment a signal can still stop the commit.
	if ctx.Err() != nil {
		return Result{}, interrupted(ctx, ctx.Err())
	}
	if !exists || empty {
		// One rename, also over an empty folder: it fails rather than
		// replace one that something was put into meanwhile.
		if err := renameDir(st.dir, target); err != nil {
			if errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST) {
				return Result{}, fmt.Errorf("commit snapshot %s: something was put there during the run; nothing was written", target)
			}
			return Result{}, fmt.Errorf("commit snapshot %s: %w", target, err)
		}
		*committed, res.Outcome = true, Created
		return res, nil
	}
	if err := replace(st.dir, target, opt.Logger); err != nil {
		return Result{}, err
	}
	*committed, res.Outcome = true, Replaced
	return res, nil
}

// exchangeFn is exchange; tests swap it to take the fallback.
var exchangeFn = exchange

// replace puts the staged snapshot in place of the target in one atomic
// exchange, then removes the old one (left at the staging path), or where
// the file system cannot exchange, in two renames through .<name>.replaced.
func replace(staged, target string, log zerolog.Logger) error {
	err := exchangeFn(staged, target)
	if err == nil {
		if err := os.RemoveAll(staged); err != nil {
			log.Warn().Err(err).Str("dir", staged).Msg("old snapshot not removed: the next run removes it")
		}
		return nil
	}
	if !errors.Is(err, errExchangeUnsupported) {
		return fmt.Errorf("replace snapshot %s: %w", target, err)
	}
	log.Warn().Str("dir", target).Msg("file system cannot exchange folders atomically: replacing in two renames, readers may see no snapshot for a moment")
	old := replacedPath(target)
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("replace snapshot %s: %w", target, err)
	}
	if err := os.Rename(target, old); err != nil {
		return fmt.Errorf("move old snapshot aside: %w", err)
	}
	if err := os.Rename(staged, target); err != nil {
		_ = os.Rename(old, target) // put the old one back
		return fmt.Errorf("commit snapshot %s: %w", target, err)
	}
	os.RemoveAll(old)
	return nil
}
