package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/snapshot"
	_ "github.com/synthpipe/synthpipe/stages" // register components
	"github.com/synthpipe/synthpipe/stages/sources/seed"
)

func newRunCmd(root *rootOptions) *cobra.Command {
	cmd := runCommand(root, "", false)
	cmd.Use = "run -c FILE"
	cmd.Short = "Generate a snapshot from a YAML config"
	cmd.Long = "Generate a governed snapshot (CSV, Parquet, JSON, metadata, manifest) into <output.dir>/<dataset.version>.\n" +
		"--output-dir DIR names the folder that holds snapshot folders: the snapshot goes to DIR/<dataset.version>\n" +
		"(DIR/v0.2 with configs/v0.2.yaml). (generate-snapshot --output-dir, as in the POC, names the snapshot folder itself.)\n" +
		"Settings come from the config file, then SYNTHPIPE_* environment variables, then flags (strongest)."
	cmd.Example = "  synthpipe run -c configs/v0.2.yaml                          # data/snapshots/v0.2\n" +
		"  synthpipe run -c configs/v0.2.yaml --output-dir /tmp/snaps  # /tmp/snaps/v0.2"
	return cmd
}

// runCommand is run and generate-snapshot: they differ in the default
// config and in what --output-dir names (intoFolder: the snapshot folder
// itself, the POC's meaning, in place of the folder holding it).
func runCommand(root *rootOptions, defaultConfig string, intoFolder bool) *cobra.Command {
	var flags configFlags
	cmd := &cobra.Command{
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			into := intoFolder && cmd.Flags().Changed("output-dir")
			if into && flags.shard != "" {
				return &usageError{fmt.Errorf("--shard with generate-snapshot --output-dir: a part goes to <output.dir>/<version>.parts, where merge finds it, not into a snapshot folder of its own; use run -c FILE --output-dir DIR --shard K/N")}
			}
			log, cfg, err := flags.prepare(cmd, root)
			if err != nil {
				return err
			}
			ctx, stop := interruptible(cmd.Context())
			defer stop()
			log.Info().Str("config", cfg.File).Int64("records", cfg.Records).Uint64("seed", cfg.Seed).Str("version", cfg.Version).Msg("generating snapshot")
			bar, add := root.progress(cmd.ErrOrStderr(), log, partSize(cfg))
			opt := snapshot.Options{Workers: cfg.Workers, Force: flags.force, Logger: log, Progress: add}
			var res snapshot.Result
			if into {
				// The flag also set cfg.OutputDir (which checked it is not
				// empty); GenerateInto reads only the folder it is given.
				res, err = snapshot.GenerateInto(ctx, cfg, flags.outDir, opt)
			} else {
				res, err = snapshot.Generate(ctx, cfg, opt)
			}
			bar.Stop()
			if err != nil {
				return err
			}
			log.Info().Str("dir", res.Dir).Str("outcome", string(res.Outcome)).Msg("snapshot " + string(res.Outcome))
			return printFiles(cmd.OutOrStdout(), res, "")
		},
	}
	flags.register(cmd, defaultConfig, true)
	return cmd
}

// partSize is the persons a run makes: all, or about 1/N for a part.
func partSize(cfg *config.Config) int64 {
	if cfg.Shards > 1 {
		lo, hi := seed.PartBounds(cfg.Records, cfg.Shard, cfg.Shards)
		return hi - lo
	}
	return cfg.Records
}

// interruptible returns a context that the first SIGINT or SIGTERM cancels
// with a *snapshot.InterruptedError as its cause: every command that writes
// uses it, so Ctrl-C and a Kubernetes eviction both end in a clean stop with
// nothing written. A second signal has its default effect (the process
// dies; the next run removes its staging folder).
func interruptible(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			signal.Stop(sigs)
			cancel(&snapshot.InterruptedError{Signal: sig})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}
