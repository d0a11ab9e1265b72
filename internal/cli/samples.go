package cli

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/samples"
)

// Where samples reads and writes unless told: the governed snapshot of this
// contract, and data/demo_samples/<its version> beside the snapshots.
var (
	defaultSamplesSnapshot = filepath.Join("data", "snapshots", "v"+model.ContractVersion)
	defaultSamplesRoot     = filepath.Join("data", "demo_samples")
)

// invalidSnapshotError makes samples exit 3, as validate does, when the
// snapshot breaks its manifest or the contract.
type invalidSnapshotError struct{ error }

func (e invalidSnapshotError) Unwrap() error { return e.error }
func (invalidSnapshotError) ExitCode() int   { return ExitValidation }

func newSamplesCmd() *cobra.Command {
	var out string
	var check bool
	cmd := &cobra.Command{
		Use:   "samples [SNAPSHOT_DIR] [--out DIR] [--check]",
		Short: "Pick one small household per scenario (teen driver, EV owner, DUI with SR-22 …) from a snapshot into JSON files for docs and slides",
		Long: "Validates SNAPSHOT_DIR (default " + defaultSamplesSnapshot + ") as `synthpipe validate` does, reads its CSV files household by\n" +
			"household (checking each file's SHA-256 against the manifest as it reads), and picks for every scenario below " + samples.Selection + ".\n" +
			"It writes <scenario>.json for each — every record of the household (persons, vehicles, profiles, incidents; all columns),\n" +
			"what it shows and the snapshot it comes from (versions, seed, config and manifest SHA-256) — and an index, " + samples.IndexName + ",\n" +
			"into --out (default " + filepath.Join(defaultSamplesRoot, "<snapshot version>") + "). Each file is replaced by a rename, files of the same\n" +
			"bytes are left alone, and samples of scenarios that no longer exist are removed; a folder holding anything samples did\n" +
			"not write is refused. With --check nothing is written: it lists the files that are not current and fails if any is not.\n\n" +
			"Scenarios:\n" + scenarioList() + "\n" +
			"Exit codes: 0 done (or current, with --check); 1 a scenario no household shows (all are named; nothing is written), or\n" +
			"--check found files not current; 2 not a snapshot folder, a snapshot of an earlier contract, or an --out samples did not\n" +
			"write; 3 the snapshot breaks its manifest or the contract (see synthpipe validate).",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := defaultSamplesSnapshot
			if len(args) == 1 {
				dir = args[0]
			}
			if out != "" {
				if err := samples.CheckOut(out); err != nil {
					return samplesError(err) // before the snapshot is read
				}
			}
			src, picks, err := samples.Select(dir, samples.Scenarios)
			if err != nil {
				return samplesError(err)
			}
			if out == "" {
				out = filepath.Join(defaultSamplesRoot, src.SnapshotVersion)
			}
			files, err := samples.Render(src, picks)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if check {
				return checkSamples(w, dir, out, files)
			}
			changes, err := samples.Write(out, files)
			if err != nil {
				return samplesError(err)
			}
			printChanges(w, out, files, changes)
			fmt.Fprintf(w, "%d samples of snapshot %s %s (manifest SHA-256 %s…) in %s\n", len(picks), src.DatasetName, src.SnapshotVersion, src.ManifestSHA256[:12], out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "folder of the samples (default "+filepath.Join(defaultSamplesRoot, "<snapshot version>")+")")
	cmd.Flags().BoolVar(&check, "check", false, "write nothing; fail unless --out holds exactly the samples of SNAPSHOT_DIR")
	return cmd
}

// samplesError gives samples' errors their exit codes.
func samplesError(err error) error {
	var ae *samples.ArgError
	var ie *samples.InvalidError
	switch {
	case errors.As(err, &ae):
		return &usageError{err}
	case errors.As(err, &ie):
		return invalidSnapshotError{err}
	}
	return err
}

// scenarioList is the help's list of scenarios: name and what it shows.
func scenarioList() string {
	var b strings.Builder
	for _, sc := range samples.Scenarios {
		fmt.Fprintf(&b, "  %-21s %s\n", sc.Name, sc.Description)
	}
	return b.String()
}

// printChanges prints one line per file: what was done, the path and, for
// a sample, its household.
func printChanges(w io.Writer, out string, files []samples.File, changes []samples.Change) {
	byName := map[string]*samples.Pick{}
	for _, f := range files {
		byName[f.Name] = f.Pick
	}
	for _, c := range changes {
		line := fmt.Sprintf("  %-9s %s", c.Action, filepath.Join(out, c.Name))
		if p := byName[c.Name]; p != nil {
			h := p.Household
			line += fmt.Sprintf("  %s: %s, %s, %s", h.ID, plural(len(h.Persons), "person"), plural(len(h.Vehicles), "vehicle"), plural(len(h.Incidents), "incident"))
		}
		fmt.Fprintln(w, line)
	}
}

// checkSamples reports the files of out that are not what samples makes.
func checkSamples(w io.Writer, dir, out string, files []samples.File) error {
	changes, err := samples.Check(out, files)
	if err != nil {
		return samplesError(err)
	}
	if len(changes) == 0 {
		fmt.Fprintf(w, "%s is current: %d samples and %s, as synthpipe samples makes them of %s\n", out, len(files)-1, samples.IndexName, dir)
		return nil
	}
	for _, c := range changes {
		fmt.Fprintf(w, "  %-9s %s\n", c.Action, filepath.Join(out, c.Name))
	}
	return fmt.Errorf("%d file(s) of %s are not what samples makes of %s: regenerate with synthpipe samples %s --out %s", len(changes), out, dir, dir, out)
}
