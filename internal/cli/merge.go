package cli

import (
	"github.com/spf13/cobra"

	"github.com/synthpipe/synthpipe/internal/snapshot"
)

func newMergeCmd(root *rootOptions) *cobra.Command {
	var flags configFlags
	cmd := &cobra.Command{
		Use:   "merge -c FILE",
		Short: "Join the parts of a sharded run (<output.dir>/<version>.parts) into the snapshot, byte for byte as a single run",
		Long: "Give the same config, --records and --seed as the parts were made with (checked against their config_sha256).\n" +
			"Once the target may be written, each part is checked against its own manifest: its config_sha256 first, then every\n" +
			"listed file present and of its size, and the files merge reads (the metadata, each entity's Parquet or else its CSV)\n" +
			"of their SHA-256. A damaged part exits 3, naming the part and its files, and nothing is merged. The parts are then\n" +
			"read back in order and written through the config's sinks, so the snapshot equals the single run's.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, cfg, err := flags.prepare(cmd, root)
			if err != nil {
				return err
			}
			ctx, stop := interruptible(cmd.Context())
			defer stop()
			bar, add := root.progress(cmd.ErrOrStderr(), log, cfg.Records)
			res, err := snapshot.Merge(ctx, cfg, snapshot.Options{Force: flags.force, Logger: log, Progress: add})
			bar.Stop()
			if err != nil {
				return err
			}
			return printFiles(cmd.OutOrStdout(), res, " (merged)")
		},
	}
	flags.register(cmd, "", false)
	return cmd
}
