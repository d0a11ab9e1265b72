package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/snapshot"
	_ "github.com/synthpipe/synthpipe/stages" // register components
	"github.com/synthpipe/synthpipe/stages/sources/seed"
)

func newRunCmd(root *rootOptions, name, defaultConfig string) *cobra.Command {
	var flags configFlags
	cmd := &cobra.Command{
		Use:   name,
		Short: "Generate a snapshot from a YAML config",
		Long: "Generate a governed snapshot (CSV, Parquet, JSON, metadata, manifest) into <output.dir>/<dataset.version>.\n" +
			"Settings come from the config file, then SYNTHPIPE_* environment variables, then flags (strongest).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, cfg, err := flags.prepare(cmd, root)
			if err != nil {
				return err
			}
			ctx, stop := interruptible(cmd.Context())
			defer stop()
			log.Info().Str("config", cfg.File).Int64("records", cfg.Records).Uint64("seed", cfg.Seed).Str("version", cfg.Version).Msg("generating snapshot")
			bar, add := root.progress(cmd.ErrOrStderr(), log, partSize(cfg))
			res, err := snapshot.Generate(ctx, cfg, snapshot.Options{Workers: cfg.Workers, Force: flags.force, Logger: log, Progress: add})
			bar.Stop()
			if err != nil {
				return err
			}
			log.Info().Str("dir", res.Dir).Str("outcome", string(res.Outcome)).Msg("snapshot " + string(res.Outcome))
			return printFiles(cmd.OutOrStdout(), res, "")
		},
	}
	if name == "generate-snapshot" {
		cmd.Short = "Alias of run, with configs/v0.2.yaml as the default config"
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
