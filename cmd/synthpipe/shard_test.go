package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/formats/readback"
	"github.com/synthpipe/synthpipe/internal/testkit"
)

// build compiles the real binary once for the process-level tests.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "synthpipe")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

func sums(t *testing.T, dir string) map[string]string { return testkit.FileHashes(t, dir) }

func parquetRecords[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	st, _ := f.Stat()
	src, err := readback.NewParquet[T](f, st.Size(), f)
	require.NoError(t, err)
	defer src.Close()
	var out []T
	for {
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		out = append(out, *rec)
	}
}

// Four shards run as separate processes (as a batch scheduler would run
// them on four machines); their Parquet records and the merged snapshot
// equal the single run.
func TestShardsAsProcessesEqualSingleRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := build(t)
	const records, n = "20000", 4
	single, sharded := t.TempDir(), t.TempDir()
	run := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, append([]string{"--log-level", "warn"}, args...)...)
		cmd.Dir = "../.."
		return cmd
	}
	out, err := run("run", "-c", "configs/v0.2.yaml", "--records", records, "--output-dir", single).CombinedOutput()
	require.NoError(t, err, string(out))

	procs := make([]*exec.Cmd, n)
	for k := 1; k <= n; k++ {
		procs[k-1] = run("run", "-c", "configs/v0.2.yaml", "--records", records, "--workers", fmt.Sprint(k), "--shard", fmt.Sprintf("%d/%d", k, n), "--output-dir", sharded)
		require.NoError(t, procs[k-1].Start())
	}
	for _, p := range procs {
		require.NoError(t, p.Wait())
	}

	// The records of the Parquet parts, in order, are the single run's.
	var persons []model.Person
	var vehicles []model.Vehicle
	for k := 1; k <= n; k++ {
		part := filepath.Join(sharded, "v0.2.parts", fmt.Sprintf("part-%04d-of-%04d", k, n))
		persons = append(persons, parquetRecords[model.Person](t, filepath.Join(part, "persons_v0_2.parquet"))...)
		vehicles = append(vehicles, parquetRecords[model.Vehicle](t, filepath.Join(part, "vehicles_v0_2.parquet"))...)
	}
	require.Equal(t, parquetRecords[model.Person](t, filepath.Join(single, "v0.2", "persons_v0_2.parquet")), persons)
	require.Equal(t, parquetRecords[model.Vehicle](t, filepath.Join(single, "v0.2", "vehicles_v0_2.parquet")), vehicles)

	out, err = run("merge", "-c", "configs/v0.2.yaml", "--records", records, "--output-dir", sharded).CombinedOutput()
	require.NoError(t, err, string(out))
	require.Equal(t, sums(t, filepath.Join(single, "v0.2")), sums(t, filepath.Join(sharded, "v0.2")), "merged snapshot equals the single run, every file")

	// A merge with another config is refused: by the merged snapshot
	// already there, before any part is read, and with --force by the
	// parts' config_sha256.
	out, err = run("merge", "-c", "configs/v0.2.yaml", "--records", records, "--seed", "5", "--output-dir", sharded).CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), "made from another config")
	out, err = run("merge", "-c", "configs/v0.2.yaml", "--records", records, "--seed", "5", "--force", "--output-dir", sharded).CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), "part-0001-of-0004 was made with another configuration")
	require.Contains(t, string(out), "part-0004-of-0004 was made with another configuration")
	require.Equal(t, sums(t, filepath.Join(single, "v0.2")), sums(t, filepath.Join(sharded, "v0.2")), "the merged snapshot left as it was")

	// A part damaged after it was made (the reviewer's repro: its Parquet
	// deleted, a first name lengthened in its CSV) is refused with exit 3,
	// naming the part and its files, and nothing is merged.
	require.NoError(t, os.RemoveAll(filepath.Join(sharded, "v0.2")))
	part2 := filepath.Join(sharded, "v0.2.parts", "part-0002-of-0004")
	require.NoError(t, os.Remove(filepath.Join(part2, "persons_v0_2.parquet")))
	csvPath := filepath.Join(part2, "persons_v0_2.csv")
	b, err := os.ReadFile(csvPath)
	require.NoError(t, err)
	lines := strings.SplitN(string(b), "\n", 3)
	col := slices.Index(strings.Split(lines[0], ","), "first_name")
	require.GreaterOrEqual(t, col, 0)
	row := strings.Split(lines[1], ",")
	row[col] += "n"
	lines[1] = strings.Join(row, ",")
	require.NoError(t, os.WriteFile(csvPath, []byte(strings.Join(lines, "\n")), 0o644))
	out, err = run("merge", "-c", "configs/v0.2.yaml", "--records", records, "--output-dir", sharded).CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, string(out))
	require.Equal(t, 3, ee.ExitCode(), string(out))
	require.Contains(t, string(out), "part-0002-of-0004: snapshot is damaged")
	require.Contains(t, string(out), "persons_v0_2.parquet: missing")
	require.Contains(t, string(out), "persons_v0_2.csv: ")
	require.Contains(t, string(out), "--shard 2/4 --force")
	_, err = os.Stat(filepath.Join(sharded, "v0.2"))
	require.ErrorIs(t, err, fs.ErrNotExist, "no merged snapshot")
}

// A 60M-person run, past the 55,984,401 never-issued SSNs, is accepted as
// a plan of 600 parts; part 560 straddles the end of the SSN space: its
// persons before it have unique safe SSNs, those past it a null ssn, and
// the metadata counts the run's null SSNs.
func TestSixtyMillionPlanPastTheSSNSpace(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := build(t)
	out := t.TempDir()
	cmd := exec.Command(bin, "--log-level", "warn", "run", "-c", "configs/v0.2.yaml", "--records", "60000000", "--shard", "560/600", "--output-dir", out)
	cmd.Dir = "../.."
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, string(b))
	part := filepath.Join(out, "v0.2.parts", "part-0560-of-0600")
	persons := parquetRecords[model.Person](t, filepath.Join(part, "persons_v0_2.parquet"))
	require.InDelta(t, 100_000, len(persons), 10, "a 600th of the run")
	seen := map[string]bool{}
	var withSSN, without int
	for _, p := range persons {
		idx, ok := ident.ParseID("PER-", p.PersonID)
		require.True(t, ok)
		if idx < ident.SSNCapacity {
			require.True(t, ident.IsSafeSSN(p.SSN, idx), "%s %q", p.PersonID, p.SSN)
			require.False(t, seen[p.SSN], "SSN %s twice", p.SSN)
			seen[p.SSN] = true
			withSSN++
		} else {
			require.Empty(t, p.SSN, p.PersonID)
			without++
		}
	}
	require.Positive(t, withSSN)
	require.Positive(t, without)
	meta, err := os.ReadFile(filepath.Join(part, "metadata_v0_2.json"))
	require.NoError(t, err)
	require.Contains(t, string(meta), fmt.Sprintf(`"ssn_unassigned": %d`, 60_000_000-ident.SSNCapacity))
}
