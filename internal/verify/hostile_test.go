package verify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/pipeline"
)

// A folder from elsewhere is hostile: these build one, damaged in one way,
// from a copy of the governed snapshot, and require validate to name the
// damage, never follow or read what it must not, and return promptly.

const (
	manifestFile = "snapshot_manifest_v0_2.json"
	personsCSV   = "persons_v0_2.csv"
	gib          = 1 << 30
)

// hangLimit tells a hang (a FIFO or a device read forever) from a slow
// run: validate of these inputs takes about a second on an idle machine,
// over 10 s on an overloaded one under the race detector, and a hang never
// returns. The time is logged, not asserted.
const hangLimit = 3 * time.Minute

// runPromptly runs Run(dir), failing the test if it has not returned after
// hangLimit (a hang on a FIFO or /dev/zero would otherwise stall the whole
// run).
func runPromptly(t *testing.T, dir string) (*Report, error) {
	t.Helper()
	type result struct {
		rep *Report
		err error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		rep, err := Run(t.Context(), dir)
		done <- result{rep, err}
	}()
	select {
	case r := <-done:
		t.Logf("validate took %v", time.Since(start).Round(time.Millisecond))
		return r.rep, r.err
	case <-time.After(hangLimit):
		t.Fatalf("validate did not return within %v", hangLimit)
		return nil, nil
	}
}

func readManifest(t *testing.T, dir string) layout.Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, manifestFile))
	require.NoError(t, err)
	var m layout.Manifest
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

func writeManifest(t *testing.T, dir string, m layout.Manifest) {
	t.Helper()
	b, err := json.MarshalIndent(m, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, manifestFile), b, 0o644))
}

// relist gives a file's entry the size and SHA-256 the file now has, so
// that only the damage under test is left to find.
func relist(t *testing.T, dir, name string) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name))
	require.NoError(t, err)
	defer f.Close()
	h := sha256.New()
	n, err := f.WriteTo(h)
	require.NoError(t, err)
	m := readManifest(t, dir)
	for i := range m.Files {
		if m.Files[i].Name == name {
			m.Files[i].Bytes, m.Files[i].SHA256 = n, hex.EncodeToString(h.Sum(nil))
		}
	}
	writeManifest(t, dir, m)
}

// violation returns the first example of rule, or fails.
func violation(t *testing.T, rep *Report, rule string) string {
	t.Helper()
	for _, rr := range rep.ByRule {
		if string(rr.Rule) == rule && len(rr.Examples) > 0 {
			v := rr.Examples[0]
			return fmt.Sprintf("%s %s %s %s", v.File, v.RecordID, v.Column, v.Value)
		}
	}
	t.Fatalf("no violation of %s in %+v", rule, rep.ByRule)
	return ""
}

func reportText(t *testing.T, rep *Report) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, rep.WriteText(&b))
	require.NoError(t, rep.WriteJSON(&b))
	return b.String()
}

func TestManifestEntriesMustBeContractNames(t *testing.T) {
	entry := func(name, entity, format string, data []byte) pipeline.FileInfo {
		s := sha256.Sum256(data)
		return pipeline.FileInfo{Name: name, Entity: entity, Format: format, Records: 1, Bytes: int64(len(data)), SHA256: hex.EncodeToString(s[:])}
	}
	passwd, _ := os.ReadFile("/etc/passwd")
	cases := []struct {
		name, rule, want string
		damage           func(t *testing.T, dir string, m *layout.Manifest)
	}{
		{"path leaving the folder", "file_name_contract", "path outside the folder: never opened", func(t *testing.T, dir string, m *layout.Manifest) {
			m.Files = append(m.Files, entry("../../../../etc/passwd", "persons", "csv", passwd))
		}},
		{"absolute path", "file_name_contract", "absolute path: never opened", func(t *testing.T, dir string, m *layout.Manifest) {
			m.Files = append(m.Files, entry("/etc/passwd", "persons", "csv", passwd))
		}},
		{"path with a folder", "file_name_contract", "path with a folder: never opened", func(t *testing.T, dir string, m *layout.Manifest) {
			require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
			b, _ := os.ReadFile(filepath.Join(dir, personsCSV))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "sub", personsCSV), b, 0o644))
			m.Files = append(m.Files, entry("sub/"+personsCSV, "persons", "csv", b))
		}},
		{"evil.sh with a correct hash", "file_name_contract", "evil.sh name not a file of snapshot v0.2: never opened", func(t *testing.T, dir string, m *layout.Manifest) {
			script := []byte("#!/bin/sh\nrm -rf ~\n")
			require.NoError(t, os.WriteFile(filepath.Join(dir, "evil.sh"), script, 0o755))
			m.Files = append(m.Files, entry("evil.sh", "persons", "csv", script))
		}},
		{"duplicate entry", "manifest_entry_unique", "persons_v0_2.csv name listed again (entry 11)", func(t *testing.T, dir string, m *layout.Manifest) {
			m.Files = append(m.Files, m.Files[personsEntry])
		}},
		{"duplicate of an entry with the wrong entity", "manifest_entry_unique", "persons_v0_2.csv name listed again (entry 11)", func(t *testing.T, dir string, m *layout.Manifest) {
			m.Files[personsEntry].Entity = "vehicles"
			m.Files = append(m.Files, m.Files[personsEntry])
		}},
		{"entity and format not the name's", "file_name_contract", "listed as vehicles/parquet, the name is persons/csv", func(t *testing.T, dir string, m *layout.Manifest) {
			m.Files[personsEntry].Entity, m.Files[personsEntry].Format = "vehicles", "parquet"
		}},
		{"version not the file name's", "file_name_contract", "snapshot_version v0.1, the file name says v0.2", func(t *testing.T, dir string, m *layout.Manifest) {
			m.SnapshotVersion = "v0.1"
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copySnapshot(t)
			m := readManifest(t, dir)
			tc.damage(t, dir, &m)
			writeManifest(t, dir, m)
			rep, err := runPromptly(t, dir)
			require.NoError(t, err, "a bad entry is a violation (exit 3), not unusable input")
			require.Contains(t, violation(t, rep, tc.rule), tc.want)
			text := reportText(t, rep)
			require.NotContains(t, text, "root:", "nothing outside the folder is read")
			if len(passwd) > 0 {
				s := sha256.Sum256(passwd)
				require.NotContains(t, text, hex.EncodeToString(s[:]), "/etc/passwd is never hashed")
			}
		})
	}
}

func TestListedFileMustBeRegular(t *testing.T) {
	cases := []struct {
		name, kind string
		damage     func(t *testing.T, path string)
	}{
		{"symlink to /dev/zero", "symlink", func(t *testing.T, path string) {
			require.NoError(t, os.Symlink("/dev/zero", path))
		}},
		{"symlink to a regular file outside the folder", "symlink", func(t *testing.T, path string) {
			outside := filepath.Join(t.TempDir(), personsCSV)
			b, _ := os.ReadFile(filepath.Join(golden, personsCSV))
			require.NoError(t, os.WriteFile(outside, b, 0o644))
			require.NoError(t, os.Symlink(outside, path))
		}},
		{"FIFO", "fifo", func(t *testing.T, path string) {
			require.NoError(t, syscall.Mkfifo(path, 0o644))
		}},
		{"folder", "folder", func(t *testing.T, path string) {
			require.NoError(t, os.Mkdir(path, 0o755))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copySnapshot(t)
			path := filepath.Join(dir, personsCSV)
			require.NoError(t, os.Remove(path))
			tc.damage(t, path)
			rep, err := runPromptly(t, dir)
			require.NoError(t, err)
			require.Equal(t, personsCSV+"  * not a regular file ("+tc.kind+"): never followed or read", violation(t, rep, "file_regular"))
			require.False(t, hit(rep, "sha256_match_manifest", personsCSV), "never hashed")
		})
	}
	t.Run("unlisted FIFO", func(t *testing.T) {
		dir := copySnapshot(t)
		require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644))
		rep, err := runPromptly(t, dir)
		require.NoError(t, err)
		require.Equal(t, "pipe  * not in the manifest (fifo)", violation(t, rep, "no_unexpected_files"))
	})
}

func TestHostileManifestIsUnusable(t *testing.T) {
	cases := []struct {
		name, want string
		damage     func(t *testing.T, dir string)
	}{
		{"symlink to /dev/urandom", "manifest snapshot_manifest_v0_2.json: not a regular file (symlink)", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, manifestFile)))
			require.NoError(t, os.Symlink("/dev/urandom", filepath.Join(dir, manifestFile)))
		}},
		{"symlink to a manifest outside", "not a regular file (symlink)", func(t *testing.T, dir string) {
			outside := filepath.Join(t.TempDir(), manifestFile)
			b, _ := os.ReadFile(filepath.Join(golden, manifestFile))
			require.NoError(t, os.WriteFile(outside, b, 0o644))
			require.NoError(t, os.Remove(filepath.Join(dir, manifestFile)))
			require.NoError(t, os.Symlink(outside, filepath.Join(dir, manifestFile)))
		}},
		{"FIFO", "not a regular file (fifo)", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, manifestFile)))
			require.NoError(t, syscall.Mkfifo(filepath.Join(dir, manifestFile), 0o644))
		}},
		{"2 GB sparse", "snapshot_manifest_v0_2.json is 2147483648 bytes, more than the 4 MiB limit", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, manifestFile), nil, 0o644))
			require.NoError(t, os.Truncate(filepath.Join(dir, manifestFile), 2*gib))
		}},
		{"nested 100 deep", "not a manifest: nested deeper than 32 levels", func(t *testing.T, dir string) {
			b := strings.Repeat("[", 100) + strings.Repeat("]", 100)
			require.NoError(t, os.WriteFile(filepath.Join(dir, manifestFile), []byte(b), 0o644))
		}},
		{"100k entries", "not a manifest: more than 65536 JSON tokens", func(t *testing.T, dir string) {
			var b strings.Builder
			b.WriteString(`{"snapshot_version":"v0.2","files":[`)
			for i := range 100_000 {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `{"name":"f%06d.csv"}`, i)
			}
			b.WriteString("]}")
			require.NoError(t, os.WriteFile(filepath.Join(dir, manifestFile), []byte(b.String()), 0o644))
		}},
		{"2000 entries", "it lists 2000 files, more than the 1024 limit", func(t *testing.T, dir string) {
			m := readManifest(t, dir)
			for len(m.Files) < 2000 {
				m.Files = append(m.Files, m.Files[0])
			}
			b, err := json.Marshal(m)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, manifestFile), b, 0o644))
		}},
		{"name without a version", "manifest name snapshot_manifest_latest.json is not snapshot_manifest_vX_Y.json", func(t *testing.T, dir string) {
			require.NoError(t, os.Rename(filepath.Join(dir, manifestFile), filepath.Join(dir, "snapshot_manifest_latest.json")))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copySnapshot(t)
			tc.damage(t, dir)
			_, err := runPromptly(t, dir)
			require.True(t, IsUnusable(err), "want unusable input (exit 2), got %v", err)
			require.ErrorContains(t, err, tc.want)
			require.Less(t, len(err.Error()), 1000, "nothing echoed whole")
		})
	}
}

func TestOversizedDataFiles(t *testing.T) {
	big := int64(100 << 20)
	if testing.Short() {
		big = 20 << 20
	}
	t.Run("2 GB sparse CSV, manifest says otherwise", func(t *testing.T) {
		dir := copySnapshot(t)
		require.NoError(t, os.Truncate(filepath.Join(dir, personsCSV), 2*gib))
		rep, err := runPromptly(t, dir)
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("%s  * 2147483648 bytes, manifest says %d", personsCSV, readManifest(t, golden).Files[personsEntry].Bytes), violation(t, rep, "bytes_match_manifest"))
		require.False(t, hit(rep, "sha256_match_manifest", personsCSV), "not hashed: its size already differs")
	})
	t.Run("2 GB sparse CSV, all zeros", func(t *testing.T) {
		dir := copySnapshot(t)
		require.NoError(t, os.WriteFile(filepath.Join(dir, personsCSV), nil, 0o644))
		require.NoError(t, os.Truncate(filepath.Join(dir, personsCSV), 2*gib))
		rep, err := runPromptly(t, dir)
		require.NoError(t, err)
		require.Contains(t, violation(t, rep, "bytes_match_manifest"), "2147483648 bytes")
	})
	t.Run("single-line CSV", func(t *testing.T) {
		dir := copySnapshot(t)
		line := bytes.Repeat([]byte("a"), int(big))
		require.NoError(t, os.WriteFile(filepath.Join(dir, personsCSV), line, 0o644))
		relist(t, dir, personsCSV)
		rep, err := runPromptly(t, dir)
		require.NoError(t, err)
		require.Equal(t, personsCSV+"  * header: CSV record longer than 65536 bytes (the limit)", violation(t, rep, "size_limits"))
		require.Less(t, len(reportText(t, rep)), 64<<10, "nothing echoed whole")
	})
	t.Run("huge line after the header", func(t *testing.T) {
		dir := copySnapshot(t)
		b, _ := os.ReadFile(filepath.Join(dir, personsCSV))
		header, _, _ := bytes.Cut(b, []byte("\n"))
		f, err := os.Create(filepath.Join(dir, personsCSV))
		require.NoError(t, err)
		f.Write(append(header, '\n'))
		f.Write(bytes.Repeat([]byte("b"), int(big)))
		require.NoError(t, f.Close())
		relist(t, dir, personsCSV)
		rep, err := runPromptly(t, dir)
		require.NoError(t, err)
		require.Equal(t, personsCSV+"  * CSV record longer than 65536 bytes (the limit)", violation(t, rep, "size_limits"))
		require.Less(t, len(reportText(t, rep)), 64<<10, "nothing echoed whole")
	})
	t.Run("huge field is truncated in the report", func(t *testing.T) {
		dir := copySnapshot(t)
		huge := strings.Repeat("x", 10_000)
		editCSV(t, dir, personsCSV, func(r [][]string) [][]string { r[3][col(r, "first_name")] = huge; return r })
		relist(t, dir, personsCSV)
		rep, err := runPromptly(t, dir)
		require.NoError(t, err)
		got := violation(t, rep, "size_limits")
		require.Contains(t, got, "first_name "+strings.Repeat("x", 200)+"…(10000 bytes)")
		text := reportText(t, rep)
		require.NotContains(t, text, strings.Repeat("x", 201))
	})
	t.Run("huge JSON record", func(t *testing.T) {
		dir := copySnapshot(t)
		p := filepath.Join(dir, "dataset_v0_2.json")
		b, _ := os.ReadFile(p)
		b = bytes.Replace(b, []byte(`"first_name":"`), []byte(`"first_name":"`+strings.Repeat("y", 200_000)), 1)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		relist(t, dir, "dataset_v0_2.json")
		rep, err := runPromptly(t, dir)
		require.NoError(t, err)
		require.Equal(t, "dataset_v0_2.json  * JSON record longer than 65536 bytes (the limit)", violation(t, rep, "size_limits"))
		require.NotContains(t, reportText(t, rep), strings.Repeat("y", 201))
	})
}

func TestManyExtraFilesAreFast(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 20_000
	}
	dir := copySnapshot(t)
	m := readManifest(t, dir)
	bad := maxManifestFiles - len(m.Files)
	for i := range n {
		name := fmt.Sprintf("extra%06d.csv", i)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), nil, 0o644))
		if i < bad {
			m.Files = append(m.Files, pipeline.FileInfo{Name: fmt.Sprintf("listed%06d.csv", i), Entity: "persons", Format: "csv"})
		}
	}
	writeManifest(t, dir, m)
	rep, err := runPromptly(t, dir)
	require.NoError(t, err)
	for _, rr := range rep.ByRule {
		switch rr.Rule {
		case "no_unexpected_files":
			require.EqualValues(t, n, rr.Count)
			require.Len(t, rr.Examples, examplesPerRule)
			require.Equal(t, "extra000000.csv", rr.Examples[0].File, "the first by name, whatever the folder's order")
			require.Equal(t, "extra000004.csv", rr.Examples[4].File)
		case "file_name_contract":
			require.EqualValues(t, bad, rr.Count)
		}
	}
	// The files table lists each of the manifest's 1024 entries (about
	// 300 bytes each, text and JSON); the 100,000 extras are 5 examples.
	require.Less(t, len(reportText(t, rep)), 320<<10, "examples are bounded")
}

// memoryBoundKiB is the peak RSS validate may reach whatever the input,
// as stated in the package doc.
const memoryBoundKiB = 512 << 10

// TestValidateMemoryIsBounded runs the real synthpipe validate on the
// nastiest inputs and checks its exit code, time and peak RSS. Set
// SYNTHPIPE_BIN to measure another build of synthpipe.
func TestValidateMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("builds synthpipe and writes 100 MB files")
	}
	bin := os.Getenv("SYNTHPIPE_BIN")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "synthpipe")
		out, err := exec.Command("go", "build", "-o", bin, "../../cmd/synthpipe").CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	const big = 100 << 20
	cases := []struct {
		name   string
		exit   int
		damage func(t *testing.T, dir string)
	}{
		{"clean", 0, func(t *testing.T, dir string) {}},
		{"manifest symlinked to /dev/urandom", 2, func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, manifestFile)))
			require.NoError(t, os.Symlink("/dev/urandom", filepath.Join(dir, manifestFile)))
		}},
		{"FIFO as a data file", 3, func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, personsCSV)))
			require.NoError(t, syscall.Mkfifo(filepath.Join(dir, personsCSV), 0o644))
		}},
		{"data file symlinked to /dev/zero", 3, func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, personsCSV)))
			require.NoError(t, os.Symlink("/dev/zero", filepath.Join(dir, personsCSV)))
		}},
		{"2 GB sparse manifest", 2, func(t *testing.T, dir string) {
			require.NoError(t, os.Truncate(filepath.Join(dir, manifestFile), 2*gib))
		}},
		{"2 GB sparse CSV, manifest says its size", 3, func(t *testing.T, dir string) {
			require.NoError(t, os.Truncate(filepath.Join(dir, personsCSV), 2*gib))
		}},
		{"2 GB sparse CSV, manifest says 2 GB", 3, func(t *testing.T, dir string) {
			require.NoError(t, os.Truncate(filepath.Join(dir, personsCSV), 2*gib))
			m := readManifest(t, dir)
			m.Files[personsEntry].Bytes = 2 * gib
			writeManifest(t, dir, m)
		}},
		{"100 MB single-line CSV", 3, func(t *testing.T, dir string) {
			writeWith(t, filepath.Join(dir, personsCSV), nil, 'a', big, nil)
			relist(t, dir, personsCSV)
		}},
		{"100 MB field after the header", 3, func(t *testing.T, dir string) {
			b, _ := os.ReadFile(filepath.Join(dir, personsCSV))
			header, _, _ := bytes.Cut(b, []byte("\n"))
			writeWith(t, filepath.Join(dir, personsCSV), append(header, "\nPER-1,"...), 'f', big, nil)
			relist(t, dir, personsCSV)
		}},
		{"100 MB JSON record", 3, func(t *testing.T, dir string) {
			p := filepath.Join(dir, "dataset_v0_2.json")
			b, _ := os.ReadFile(p)
			before, after, _ := bytes.Cut(b, []byte(`"first_name":"`))
			writeWith(t, p, append(before, `"first_name":"`...), 'y', big, after)
			relist(t, dir, "dataset_v0_2.json")
		}},
		{"100 MB of incidents in the first household", 3, func(t *testing.T, dir string) {
			// They are read in step with the households: one batch would
			// hold them all but for its record and byte limits.
			p := filepath.Join(dir, "incidents_v0_2.csv")
			b, _ := os.ReadFile(p)
			header, rest, _ := bytes.Cut(b, []byte("\n"))
			row, _, _ := bytes.Cut(rest, []byte("\n"))
			out := append(header, '\n')
			out = append(out, bytes.Repeat(append(row, '\n'), big/(len(row)+1))...)
			require.NoError(t, os.WriteFile(p, out, 0o644))
			relist(t, dir, "incidents_v0_2.csv")
		}},
		{"Parquet row of a million list items", 3, func(t *testing.T, dir string) {
			rows := make([]model.Profile, 20000) // 64 items a row of the group allowed
			for i := range rows {
				rows[i].VehicleIDs = []string{"VEH-0000000001"}
			}
			rows[7].VehicleIDs = make([]string, 1_000_000)
			var b bytes.Buffer
			w := parquet.NewGenericWriter[model.Profile](&b, parquet.Compression(&parquet.Snappy))
			_, err := w.Write(rows)
			require.NoError(t, err)
			require.NoError(t, w.Close())
			require.NoError(t, os.WriteFile(filepath.Join(dir, "profiles_v0_2.parquet"), b.Bytes(), 0o644))
			relist(t, dir, "profiles_v0_2.parquet")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copySnapshot(t)
			tc.damage(t, dir)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			code, rss, took, out := runMeasured(t, ctx, bin, "validate", dir)
			t.Logf("exit %d in %v, peak RSS %d MiB, report %d bytes", code, took.Round(time.Millisecond), rss>>10, out.Len())
			require.Equal(t, tc.exit, code, "%s", readbackHead(out.String()))
			if strings.Contains(tc.name, "list items") {
				require.Contains(t, out.String(), "a row holds more than 1024 values")
			}
			require.Less(t, rss, int64(memoryBoundKiB), "peak RSS above the stated bound")
			require.Less(t, out.Len(), 64<<10, "nothing echoed whole")
		})
	}
}

// rssHelperEnv makes the test binary a small launcher (see TestMain): the
// kernel starts a child's peak RSS at that of the process it was cloned
// from, so a child of this test process would report this one's peak.
const rssHelperEnv = "SYNTHPIPE_TEST_RSS_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(rssHelperEnv) == "1" {
		os.Exit(rssHelper(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// rssHelper runs args, passes its output through and writes its exit code
// and peak RSS (KiB) to fd 3.
func rssHelper(args []string) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
	fmt.Fprintf(os.NewFile(3, "result"), "%d %d\n", code, rss)
	return 0
}

// runMeasured runs a command through the launcher and returns its exit
// code, peak RSS in KiB (Linux), time and output.
func runMeasured(t *testing.T, ctx context.Context, args ...string) (code int, rssKiB int64, took time.Duration, out bytes.Buffer) {
	t.Helper()
	self, err := os.Executable()
	require.NoError(t, err)
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Env = append(os.Environ(), rssHelperEnv+"=1")
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.ExtraFiles = []*os.File{w}
	start := time.Now()
	err = cmd.Run()
	took = time.Since(start)
	w.Close()
	require.NoError(t, ctx.Err(), "validate did not return in time")
	require.NoError(t, err, "%s", readbackHead(out.String()))
	var result []byte
	result, err = io.ReadAll(r)
	require.NoError(t, err)
	_, err = fmt.Sscan(string(result), &code, &rssKiB)
	require.NoError(t, err, "launcher result %q", result)
	return code, rssKiB, took, out
}

// writeWith writes head, n bytes of fill and tail to path, a chunk at a
// time, so that this process stays small.
func writeWith(t *testing.T, path string, head []byte, fill byte, n int, tail []byte) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	_, err = f.Write(head)
	require.NoError(t, err)
	chunk := bytes.Repeat([]byte{fill}, 1<<20)
	for n > 0 {
		k := min(n, len(chunk))
		_, err = f.Write(chunk[:k])
		require.NoError(t, err)
		n -= k
	}
	_, err = f.Write(tail)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

func readbackHead(s string) string {
	if len(s) > 2000 {
		return s[:2000]
	}
	return s
}

// personsEntry is persons_v0_2.csv's place in the golden manifest (files
// in name order: dataset, incidents csv and parquet, metadata, persons).
const personsEntry = 4
