// Package snapshot runs a configured pipeline into a staging folder beside
// the target and then renames it into place, so a snapshot appears whole or
// not at all: a failed run leaves nothing, and an existing snapshot with
// different content is replaced only when forced.
package snapshot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/rs/zerolog"

	"github.com/synthpipe/synthpipe/config"
	"github.com/synthpipe/synthpipe/model"
	"github.com/synthpipe/synthpipe/pipeline"
	"github.com/synthpipe/synthpipe/stages/manifest"
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

// CheckWritable fails early, before any work, if dir cannot hold a snapshot.
func CheckWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return &config.Error{Err: fmt.Errorf("output.dir %s: cannot create: %w", dir, err)}
	}
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return &config.Error{Err: fmt.Errorf("output.dir %s: not writable: %w", dir, err)}
	}
	f.Close()
	return os.Remove(f.Name())
}

// Generate runs cfg and commits its snapshot to <output.dir>/<version>.
func Generate(ctx context.Context, cfg *config.Config, opt Options) (Result, error) {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	run := cfg.Run()
	return write(ctx, cfg.OutputDir, run, opt, func(env *pipeline.Env) (pipeline.Plan, error) {
		return cfg.Plan(env, workers)
	})
}

// write builds a plan that writes into a fresh staging folder beside the
// target, runs it, and commits the folder: created, unchanged (same
// manifest) or replaced when forced. On any failure the staging folder is
// removed and the target is untouched.
func write(ctx context.Context, dir string, run *model.Run, opt Options, build func(*pipeline.Env) (pipeline.Plan, error)) (Result, error) {
	parent, target := Target(dir, run)
	if err := CheckWritable(parent); err != nil {
		return Result{}, err
	}
	staging, err := newStaging(parent, target)
	if err != nil {
		return Result{}, err
	}
	committed := false
	defer func() {
		if !committed {
			os.RemoveAll(staging)
		}
	}()
	plan, err := build(&pipeline.Env{Dir: staging, Logger: opt.Logger, Shared: run})
	if err != nil {
		return Result{}, &config.Error{Err: err}
	}
	plan.Written = written(opt.Progress)
	return commit(ctx, plan, staging, target, run, opt.Force, &committed)
}

// written adapts a progress callback to the engine's per-batch hook.
func written(progress func(int64)) func(*pipeline.Batch) {
	if progress == nil {
		return nil
	}
	return func(b *pipeline.Batch) { progress(int64(len(b.Payload.(*model.Batch).Persons))) }
}

// newStaging makes the folder a run writes into, beside its target so the
// final rename is atomic.
func newStaging(parent, target string) (string, error) {
	staging, err := os.MkdirTemp(parent, "."+filepath.Base(target)+".staging-")
	if err != nil {
		return "", fmt.Errorf("staging folder: %w", err)
	}
	// MkdirTemp makes 0700; a snapshot is shared data.
	if err := os.Chmod(staging, 0o755); err != nil {
		os.RemoveAll(staging)
		return "", fmt.Errorf("staging folder: %w", err)
	}
	return staging, nil
}

// Target returns the folder a run writes to and its parent: the snapshot
// <dir>/<version>, or for part K of N <dir>/<version>.parts/part-000K-of-000N.
func Target(dir string, run *model.Run) (parent, target string) {
	if run.Sharded() {
		parent = filepath.Join(dir, run.SnapshotVersion+".parts")
		return parent, filepath.Join(parent, run.PartName())
	}
	return dir, filepath.Join(dir, run.SnapshotVersion)
}

// commit runs plan into staging, then moves staging to target: created,
// unchanged (same manifest), or replaced when forced.
func commit(ctx context.Context, plan pipeline.Plan, staging, target string, run *model.Run, force bool, committed *bool) (Result, error) {
	files, err := pipeline.Run(ctx, plan)
	if err != nil {
		return Result{}, err
	}

	res := Result{Dir: target, Files: files}
	name := manifest.FileName(run)
	newManifest, _ := os.ReadFile(filepath.Join(staging, name))
	oldManifest, statErr := os.ReadFile(filepath.Join(target, name))
	_, dirErr := os.Stat(target)
	switch {
	case dirErr != nil && errors.Is(dirErr, os.ErrNotExist):
		if err := os.Rename(staging, target); err != nil {
			return Result{}, fmt.Errorf("commit snapshot: %w", err)
		}
		*committed, res.Outcome = true, Created
	case statErr == nil && newManifest != nil && bytes.Equal(oldManifest, newManifest):
		res.Outcome = Unchanged
	case !force:
		return Result{}, fmt.Errorf("%s: %w (use --force to replace it)", target, ErrExists)
	default:
		old := target + ".replaced"
		os.RemoveAll(old)
		if err := os.Rename(target, old); err != nil {
			return Result{}, fmt.Errorf("move old snapshot aside: %w", err)
		}
		if err := os.Rename(staging, target); err != nil {
			_ = os.Rename(old, target) // put the old one back
			return Result{}, fmt.Errorf("commit snapshot: %w", err)
		}
		*committed, res.Outcome = true, Replaced
		os.RemoveAll(old)
	}
	return res, nil
}
