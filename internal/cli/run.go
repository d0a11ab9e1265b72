package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/synthpipe/synthpipe/config"
	"github.com/synthpipe/synthpipe/snapshot"
	_ "github.com/synthpipe/synthpipe/stages" // register components
	"github.com/synthpipe/synthpipe/stages/seed"
)

func newRunCmd(root *rootOptions, name, defaultConfig string) *cobra.Command {
	var (
		file    string
		records int64
		seed    int64
		outDir  string
		workers int64
		force   bool
		shard   string
	)
	cmd := &cobra.Command{
		Use:   name,
		Short: "Generate a snapshot from a YAML config",
		Long: "Generate a governed snapshot (CSV, Parquet, JSON, metadata, manifest) into <output.dir>/<dataset.version>.\n" +
			"Settings come from the config file, then SYNTHPIPE_* environment variables, then flags (strongest).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file == "" {
				return &usageError{fmt.Errorf("-c/--config is required: the YAML config to run (e.g. configs/v0.1.yaml)")}
			}
			var ov config.Overrides
			if cmd.Flags().Changed("records") {
				ov.Records = &records
			}
			if cmd.Flags().Changed("seed") {
				ov.Seed = &seed
			}
			if cmd.Flags().Changed("output-dir") {
				ov.OutputDir = &outDir
			}
			if cmd.Flags().Changed("workers") {
				ov.Workers = &workers
			}
			if cmd.Flags().Changed("shard") {
				ov.Shard = &shard
			}
			log, err := root.logger(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			cfg, err := config.Load(file, ov)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			if ctx == nil {
				ctx = context.Background()
			}
			log.Info().Str("config", file).Int64("records", cfg.Records).Uint64("seed", cfg.Seed).Str("version", cfg.Version).Msg("generating snapshot")
			bar, add := root.progress(cmd.ErrOrStderr(), log, partSize(cfg))
			res, err := snapshot.Generate(ctx, cfg, snapshot.Options{Workers: cfg.Workers, Force: force, Logger: log, Progress: add})
			bar.Stop()
			if err != nil {
				return err
			}
			log.Info().Str("dir", res.Dir).Str("outcome", string(res.Outcome)).Msg("snapshot " + string(res.Outcome))
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "snapshot %s: %s\n", res.Dir, res.Outcome)
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
			for _, f := range res.Files {
				fmt.Fprintf(tw, "%s\t%d records\t%d bytes\t\n", filepath.Join(res.Dir, f.Name), f.Records, f.Bytes)
			}
			return tw.Flush()
		},
	}
	if name == "generate-snapshot" {
		cmd.Short = "Alias of run, with configs/v0.1.yaml as the default config"
	}
	f := cmd.Flags()
	f.StringVarP(&file, "config", "c", defaultConfig, "YAML config file")
	f.Int64Var(&records, "records", 0, "number of persons (overrides records)")
	f.Int64Var(&seed, "seed", 0, "seed (overrides seed)")
	f.StringVar(&outDir, "output-dir", "", "folder of snapshot folders (overrides output.dir)")
	f.Int64Var(&workers, "workers", 0, "workers per parallel stage, 0 = one per CPU (overrides workers)")
	f.BoolVar(&force, "force", false, "replace an existing snapshot with different content")
	f.StringVar(&shard, "shard", "", "make only part K of N (1-based, e.g. 3/16) into <output.dir>/<version>.parts/part-000K-of-000N; join the parts with merge")
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
