package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/samples"
)

func TestSamplesWritesAndChecks(t *testing.T) {
	out := filepath.Join(t.TempDir(), "v0.2")
	code, stdout, errOut := run("samples", "../../data/snapshots/v0.2", "--out", out)
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, stdout, "written   "+filepath.Join(out, "teen-driver.json")+"  HH-")
	require.Contains(t, stdout, "written   "+filepath.Join(out, samples.IndexName)+"\n")
	require.Contains(t, stdout, strconv.Itoa(len(samples.Scenarios))+" samples of snapshot synthpipe-core v0.2 (manifest SHA-256 ")

	if !testing.Short() { // package samples tests unchanged files and a current folder without the CLI
		code, stdout, errOut = run("samples", "../../data/snapshots/v0.2", "--out", out)
		require.Equal(t, ExitOK, code, errOut)
		require.NotContains(t, stdout, "written")
		require.Contains(t, stdout, "unchanged "+filepath.Join(out, "ev-owner.json"))

		code, stdout, errOut = run("samples", "../../data/snapshots/v0.2", "--out", out, "--check")
		require.Equal(t, ExitOK, code, errOut)
		require.Contains(t, stdout, out+" is current")
	}

	require.NoError(t, os.WriteFile(filepath.Join(out, "rideshare.json"), []byte("{}\n"), 0o644))
	require.NoError(t, os.Remove(filepath.Join(out, "dui-sr22.json")))
	code, stdout, errOut = run("samples", "../../data/snapshots/v0.2", "--out", out, "--check")
	require.Equal(t, ExitFailure, code)
	require.Contains(t, stdout, "differs   "+filepath.Join(out, "rideshare.json"))
	require.Contains(t, stdout, "missing   "+filepath.Join(out, "dui-sr22.json"))
	require.Contains(t, errOut, "2 file(s) of "+out+" are not what samples makes of ../../data/snapshots/v0.2: regenerate with synthpipe samples")
}

// Without arguments samples reads the governed snapshot and checks
// data/demo_samples/v0.2, paths from the repository root.
func TestSamplesDefaultsAreTheGovernedSnapshotAndCommittedSamples(t *testing.T) {
	t.Chdir("../..")
	code, stdout, errOut := run("samples", "--check")
	require.Equal(t, ExitOK, code, "%s%s\nregenerate with: go run ./cmd/synthpipe samples (or: go tool -modfile=tools/go.mod task samples)", stdout, errOut)
	require.Contains(t, stdout, filepath.Join("data", "demo_samples", "v0.2")+" is current")
}

func TestSamplesHelpNamesEveryScenario(t *testing.T) {
	code, stdout, _ := run("samples", "--help")
	require.Equal(t, ExitOK, code)
	for _, sc := range samples.Scenarios {
		require.Contains(t, stdout, "  "+sc.Name+" ")
		require.Contains(t, stdout, sc.Description)
	}
	require.Contains(t, stdout, "--out")
	require.Contains(t, stdout, "--check")
}

func TestSamplesRefusals(t *testing.T) {
	// Not a snapshot folder, an earlier contract, an --out samples did not
	// write, two arguments: usage errors, and nothing written.
	for _, args := range [][]string{
		{"samples", "../../docs", "--out", filepath.Join(t.TempDir(), "a")},
		{"samples", "../../data/snapshots/v0.1", "--out", filepath.Join(t.TempDir(), "b")},
		{"samples", "../../data/snapshots/v0.2", "--out", "../../docs"},
		{"samples", "../../data/snapshots/v0.2", "--out", "../../docs", "--check"},
		{"samples", "a", "b"},
	} {
		code, stdout, errOut := run(args...)
		require.Equal(t, ExitUsage, code, "%v: %s", args, errOut)
		if len(args) > 3 && args[3] == "../../docs" {
			// --check refuses the folder as writing does, rather than
			// listing hand-written docs as stale samples.
			require.Contains(t, errOut, "synthpipe: --out ../../docs holds files synthpipe samples did not write (analysts.md, ")
			require.NotContains(t, errOut, "regenerate")
			require.Empty(t, stdout)
		}
		if args[2] == "--out" && args[3] != "../../docs" {
			_, err := os.Stat(args[3])
			require.True(t, os.IsNotExist(err), "%v created its --out", args)
		}
	}

	// A snapshot with too few households for every scenario: exit 1, the
	// scenarios named, nothing written.
	snaps := t.TempDir()
	code, _, errOut := run("run", "-c", "../../configs/v0.2.yaml", "--records", "40", "--output-dir", snaps, "--log-level", "warn", "-q")
	require.Equal(t, ExitOK, code, errOut)
	out := filepath.Join(t.TempDir(), "samples")
	code, _, errOut = run("samples", filepath.Join(snaps, "v0.2"), "--out", out)
	require.Equal(t, ExitFailure, code, errOut)
	require.Contains(t, errOut, "in the snapshot shows")
	require.Contains(t, errOut, "ev-owner")
	require.Contains(t, errOut, "Nothing was written")
	_, err := os.Stat(out)
	require.True(t, os.IsNotExist(err))

	// A snapshot that breaks its manifest: exit 3, as validate.
	p := filepath.Join(snaps, "v0.2", "persons_v0_2.csv")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	b[len(b)-5] ^= 0x01
	require.NoError(t, os.WriteFile(p, b, 0o644))
	code, _, errOut = run("samples", filepath.Join(snaps, "v0.2"), "--out", out)
	require.Equal(t, ExitValidation, code, errOut)
	require.Contains(t, errOut, "is not a valid snapshot")
	require.Contains(t, errOut, "sha256_match_manifest")
}
