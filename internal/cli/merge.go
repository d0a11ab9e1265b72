package cli

import (
	"fmt"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/synthpipe/synthpipe/config"
	"github.com/synthpipe/synthpipe/snapshot"
)

func newMergeCmd(root *rootOptions) *cobra.Command {
	var (
		file    string
		records int64
		seed    int64
		outDir  string
		force   bool
	)
	cmd := &cobra.Command{
		Use:   "merge -c FILE",
		Short: "Join the parts of a sharded run (<output.dir>/<version>.parts) into the snapshot, byte for byte as a single run",
		Long: "Give the same config, --records and --seed as the parts were made with (checked against their config_sha256).\n" +
			"The parts are read back in order and written through the config's sinks, so the snapshot equals the single run's.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file == "" {
				return &usageError{fmt.Errorf("-c/--config is required: the YAML config the parts were made with")}
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
			log, err := root.logger(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			cfg, err := config.Load(file, ov)
			if err != nil {
				return err
			}
			bar, add := root.progress(cmd.ErrOrStderr(), log, cfg.Records)
			res, err := snapshot.Merge(cmd.Context(), cfg, snapshot.Options{Force: force, Logger: log, Progress: add})
			bar.Stop()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "snapshot %s: %s (merged)\n", res.Dir, res.Outcome)
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
			for _, f := range res.Files {
				fmt.Fprintf(tw, "%s\t%d records\t%d bytes\t\n", filepath.Join(res.Dir, f.Name), f.Records, f.Bytes)
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVarP(&file, "config", "c", "", "YAML config the parts were made with")
	f.Int64Var(&records, "records", 0, "number of persons of the whole run (as given to the parts)")
	f.Int64Var(&seed, "seed", 0, "seed (as given to the parts)")
	f.StringVar(&outDir, "output-dir", "", "folder holding <version>.parts (overrides output.dir)")
	f.BoolVar(&force, "force", false, "replace an existing snapshot with different content")
	return cmd
}
