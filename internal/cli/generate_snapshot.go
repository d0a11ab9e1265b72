package cli

import "github.com/spf13/cobra"

// newGenerateSnapshotCmd is the POC's command, for people coming from it:
// run with a default config, where --output-dir names the snapshot folder
// itself as it did in the POC (`generate-snapshot --output-dir
// data/snapshots/v0.1 --records 200` wrote its files into that folder).
func newGenerateSnapshotCmd(root *rootOptions) *cobra.Command {
	cmd := runCommand(root, "configs/v0.2.yaml", true)
	cmd.Use = "generate-snapshot [--output-dir SNAPSHOT_DIR]"
	cmd.Short = "The POC's command: run with configs/v0.2.yaml, --output-dir is the snapshot folder itself"
	cmd.Long = "For people coming from the POC: run, with -c defaulting to configs/v0.2.yaml, except that\n" +
		"--output-dir DIR names the snapshot folder itself, as in the POC: the files land directly in DIR.\n" +
		"DIR may be new, an empty folder or a snapshot made before; anything else there is refused. The snapshot\n" +
		"is written as run writes it: a staging folder and a lock beside DIR (.<name>.staging-*, .<name>.lock),\n" +
		"one atomic rename, \"unchanged\" when DIR already holds it, --force to replace a different one.\n" +
		"Without --output-dir the snapshot goes to <output.dir>/<dataset.version> (data/snapshots/v0.2), as with run;\n" +
		"output.dir and SYNTHPIPE_OUTPUT_DIR keep that meaning. (run --output-dir DIR names the folder that holds\n" +
		"snapshot folders: DIR/<dataset.version>.)"
	cmd.Example = "  synthpipe generate-snapshot                                                          # data/snapshots/v0.2\n" +
		"  synthpipe generate-snapshot --output-dir /tmp/snapshot_v0_1 --records 50 --seed 123  # files in /tmp/snapshot_v0_1"
	cmd.Flags().Lookup("output-dir").Usage = "the snapshot folder itself: files go directly into `DIR` (default <output.dir>/<dataset.version>)"
	return cmd
}
