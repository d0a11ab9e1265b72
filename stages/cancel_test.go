package stages_test

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/snapshot"
	"github.com/synthpipe/synthpipe/internal/testkit"
	"github.com/synthpipe/synthpipe/pipeline"
	_ "github.com/synthpipe/synthpipe/stages"
)

// cancelRecords makes about 30 batches of the governed config's 2,048
// persons: far more than the window of 8 a run on 2 workers keeps in
// flight, so no sink can have written the last batch, and closed, by the
// third.
const cancelRecords = 60_000

// A run of the governed config (CSV, Parquet, JSON and metadata sinks)
// cancelled once every sink has written a few batches stops without
// finishing any file: no dataset joined, nothing synced, nothing left. Run
// by snapshot, it leaves no snapshot and no staging folder.
func TestCancelledRunFinishesNoFile(t *testing.T) {
	dir := t.TempDir()
	records, workers := int64(cancelRecords), int64(2)
	cfg, err := config.Load("../configs/v0.2.yaml", config.Overrides{Records: &records, Workers: &workers, OutputDir: &dir})
	require.NoError(t, err)

	out := t.TempDir()
	plan, err := cfg.Plan(&component.Env{Dir: out, Logger: testkit.Logger, Shared: cfg.Run()}, int(workers))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var batches atomic.Int32
	var spooled int64
	plan.Written = func(*component.Batch) {
		if batches.Add(1) == 3 {
			spools, _ := filepath.Glob(filepath.Join(out, ".spool-*"))
			for _, name := range spools {
				if fi, err := os.Stat(name); err == nil {
					spooled += fi.Size()
				}
			}
			cancel()
		}
	}
	_, err = pipeline.Run(ctx, plan)
	require.ErrorIs(t, err, context.Canceled)
	require.Positive(t, spooled, "the JSON sink had spooled rows when the run was cancelled")
	require.NoFileExists(t, filepath.Join(out, "dataset_v0_2.json"), "the spools were not joined")
	require.Empty(t, testkit.FileHashes(t, out), "no file finished or left")

	ctx, cancel = context.WithCancel(t.Context())
	defer cancel()
	var persons atomic.Int64
	_, err = snapshot.Generate(ctx, cfg, snapshot.Options{Workers: int(workers), Progress: func(n int64) {
		if persons.Add(n) >= 3*2048 {
			cancel()
		}
	}})
	require.ErrorIs(t, err, context.Canceled)
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, left, "no snapshot, no staging folder, no lock")
}
