package snapshot_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/internal/snapshot"
)

const mergeRecords = 5000

// makeParts writes the two parts of a mergeRecords run of config file into
// a new output folder and returns it with the merge's config.
func makeParts(t *testing.T, file string) (string, *config.Config) {
	t.Helper()
	dir := t.TempDir()
	n := int64(mergeRecords)
	for _, k := range []string{"1/2", "2/2"} {
		makePart(t, file, dir, k, config.Overrides{})
	}
	cfg, err := config.Load(file, config.Overrides{OutputDir: &dir, Records: &n})
	require.NoError(t, err)
	return dir, cfg
}

// makePart writes (again) part k ("K/N") of a mergeRecords run into dir,
// with ov's settings too.
func makePart(t *testing.T, file, dir, k string, ov config.Overrides) {
	t.Helper()
	n := int64(mergeRecords)
	ov.OutputDir, ov.Shard, ov.Records = &dir, &k, &n
	cfg, err := config.Load(file, ov)
	require.NoError(t, err)
	_, err = snapshot.Generate(context.Background(), cfg, snapshot.Options{Force: true})
	require.NoError(t, err)
}

func part(dir string, k int) string {
	return filepath.Join(dir, "v0.2.parts", layout.Part(k, 2))
}

// Merged parts are the single run's snapshot, every file; also with no
// Parquet, when merge reads the CSV the parts' manifests list.
func TestMergeEqualsSingleRun(t *testing.T) {
	csvOnly := filepath.Join(t.TempDir(), "csv-only.yaml")
	raw, err := os.ReadFile(governed)
	require.NoError(t, err)
	noParquet := strings.Replace(string(raw), "    - type: parquet\n      row_group_rows: 131072\n", "", 1)
	require.NotEqual(t, string(raw), noParquet)
	require.NoError(t, os.WriteFile(csvOnly, []byte(noParquet), 0o644))

	for _, file := range []string{governed, csvOnly} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			dir, cfg := makeParts(t, file)
			res, err := snapshot.Merge(context.Background(), cfg, snapshot.Options{})
			require.NoError(t, err)

			single := t.TempDir()
			n := int64(mergeRecords)
			one, err := config.Load(file, config.Overrides{OutputDir: &single, Records: &n})
			require.NoError(t, err)
			want, err := snapshot.Generate(context.Background(), one, snapshot.Options{})
			require.NoError(t, err)
			require.Equal(t, hashes(t, want.Dir), hashes(t, res.Dir))
			require.Equal(t, filepath.Join(dir, "v0.2"), res.Dir)
		})
	}
}

// A part whose files do not match its own manifest fails the merge with
// exit code 3, naming the part and its files; nothing is merged and the
// parts are left as found.
func TestMergeRefusesDamagedPart(t *testing.T) {
	rewrite := func(t *testing.T, path string, edit func([]byte) []byte) {
		t.Helper()
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, edit(b), 0o644))
	}
	cases := []struct {
		name   string
		part   int
		damage func(t *testing.T, dir string)
		want   []string
		folder bool // a folder in the part: not hashed to compare
	}{{
		// The reviewer's repro: the Parquet gone, a first name edited in
		// the CSV (same length, so only the SHA-256 tells). The Parquet is
		// what merge reads, and never falls back from; the CSV it does not
		// read is not hashed.
		name: "csv value edited and parquet deleted",
		part: 2,
		damage: func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, "persons_v0_2.parquet")))
			editFirstName(t, filepath.Join(dir, "persons_v0_2.csv"))
		},
		want: []string{"persons_v0_2.parquet: missing"},
	}, {
		// A value edited in a file merge reads: its SHA-256 tells.
		name: "parquet value edited",
		part: 1,
		damage: func(t *testing.T, dir string) {
			rewrite(t, filepath.Join(dir, "vehicles_v0_2.parquet"), func(b []byte) []byte {
				b[len(b)/2] ^= 1
				return b
			})
		},
		want: []string{"vehicles_v0_2.parquet: SHA-256 differs from the manifest's"},
	}, {
		name:   "listed file deleted",
		part:   1,
		damage: func(t *testing.T, dir string) { require.NoError(t, os.Remove(filepath.Join(dir, "vehicles_v0_2.csv"))) },
		want:   []string{"vehicles_v0_2.csv: missing"},
	}, {
		name: "file truncated",
		part: 2,
		damage: func(t *testing.T, dir string) {
			p := filepath.Join(dir, "profiles_v0_2.parquet")
			st, err := os.Stat(p)
			require.NoError(t, err)
			require.NoError(t, os.Truncate(p, st.Size()/2))
		},
		want: []string{"profiles_v0_2.parquet: ", " bytes, manifest says "},
	}, {
		// Not readable is not absent: no falling back to the CSV.
		name: "parquet replaced by a folder",
		part: 2,
		damage: func(t *testing.T, dir string) {
			p := filepath.Join(dir, "persons_v0_2.parquet")
			require.NoError(t, os.Remove(p))
			require.NoError(t, os.Mkdir(p, 0o755))
		},
		want:   []string{"persons_v0_2.parquet: folder"},
		folder: true,
	}, {
		name: "manifest deleted",
		part: 1,
		damage: func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, "snapshot_manifest_v0_2.json")))
		},
		want: []string{"snapshot_manifest_v0_2.json: missing"},
	}, {
		// Sizes and hashes hold, but the file holds other than the
		// manifest's count.
		name:   "manifest record count",
		part:   2,
		damage: func(t *testing.T, dir string) { miscount(t, dir, "persons_v0_2.parquet") },
		want:   []string{"persons_v0_2.parquet: ", " records, manifest says "},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir, cfg := makeParts(t, governed)
			damaged := part(dir, tc.part)
			tc.damage(t, damaged)
			var before map[string]string
			if !tc.folder {
				before = hashes(t, damaged)
			}

			_, err := snapshot.Merge(context.Background(), cfg, snapshot.Options{})
			var de *snapshot.DamagedError
			require.ErrorAs(t, err, &de)
			require.Equal(t, 3, de.ExitCode())
			require.Equal(t, damaged, de.Dir)
			require.ErrorContains(t, err, layout.Part(tc.part, 2)+": snapshot is damaged")
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}
			require.ErrorContains(t, err, "make this part again with run --shard "+[]string{"", "1/2", "2/2"}[tc.part]+" --force")
			require.Equal(t, []string{"v0.2.parts"}, names(t, dir), "no merged snapshot, no staging, no lock")
			if !tc.folder {
				require.Equal(t, before, hashes(t, damaged), "the part is left as found")
			}
		})
	}
}

// Every damaged part is named at once, so that one round of reruns repairs
// the run.
func TestMergeNamesEveryDamagedPart(t *testing.T) {
	dir, cfg := makeParts(t, governed)
	require.NoError(t, os.Remove(filepath.Join(part(dir, 1), "persons_v0_2.csv")))
	require.NoError(t, os.WriteFile(filepath.Join(part(dir, 2), "vehicles_v0_2.json"), []byte("[]"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(part(dir, 2), "dataset_v0_2.json"), []byte("{}"), 0o644))
	_, err := snapshot.Merge(context.Background(), cfg, snapshot.Options{})
	var de *snapshot.DamagedError
	require.ErrorAs(t, err, &de)
	require.ErrorContains(t, err, layout.Part(1, 2)+": snapshot is damaged, its files do not match its manifest: persons_v0_2.csv: missing")
	require.ErrorContains(t, err, layout.Part(2, 2)+": snapshot is damaged, its files do not match its manifest: dataset_v0_2.json: 2 bytes, manifest says")
	require.ErrorContains(t, err, "vehicles_v0_2.json: not in the manifest")
}

// One error names every bad part, those of another configuration with the
// damaged ones; a part of another configuration is not hashed (its edited
// Parquet is not named), as nothing of it could be merged.
func TestMergeNamesEveryBadPart(t *testing.T) {
	dir, cfg := makeParts(t, governed)
	require.NoError(t, os.Remove(filepath.Join(part(dir, 1), "vehicles_v0_2.csv")))
	seed := int64(5)
	makePart(t, governed, dir, "2/2", config.Overrides{Seed: &seed})
	p := filepath.Join(part(dir, 2), "persons_v0_2.parquet")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	b[len(b)/2] ^= 1
	require.NoError(t, os.WriteFile(p, b, 0o644))

	_, err = snapshot.Merge(context.Background(), cfg, snapshot.Options{})
	var de *snapshot.DamagedError
	require.ErrorAs(t, err, &de)
	require.Equal(t, part(dir, 1), de.Dir)
	require.ErrorContains(t, err, layout.Part(1, 2)+": snapshot is damaged, its files do not match its manifest: vehicles_v0_2.csv: missing")
	require.ErrorContains(t, err, "part "+layout.Part(2, 2)+" was made with another configuration (config_sha256 ")
	require.NotContains(t, err.Error(), "SHA-256 differs")
	require.Equal(t, []string{"v0.2.parts"}, names(t, dir))
}

// Merge hashes only the files it reads (the metadata and each entity's
// Parquet): a same-size edit of the CSV or the dataset JSON, which it never
// opens, leaves the merged snapshot the single run's. Their sizes are still
// checked (TestMergeNamesEveryDamagedPart).
func TestMergeHashesOnlyWhatItReads(t *testing.T) {
	dir, cfg := makeParts(t, governed)
	editFirstName(t, filepath.Join(part(dir, 2), "persons_v0_2.csv"))
	p := filepath.Join(part(dir, 1), "dataset_v0_2.json")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	b[len(b)/2] ^= 1
	require.NoError(t, os.WriteFile(p, b, 0o644))

	res, err := snapshot.Merge(context.Background(), cfg, snapshot.Options{})
	require.NoError(t, err)
	single := t.TempDir()
	n := int64(mergeRecords)
	one, err := config.Load(governed, config.Overrides{OutputDir: &single, Records: &n})
	require.NoError(t, err)
	want, err := snapshot.Generate(context.Background(), one, snapshot.Options{})
	require.NoError(t, err)
	require.Equal(t, hashes(t, want.Dir), hashes(t, res.Dir))
}

// A merge reads no part before it may write: one refused because its
// target holds another config's snapshot, or kept waiting for another
// merge's lock, says so, not that a part is damaged.
func TestMergeChecksPartsOnlyOnceItMayWrite(t *testing.T) {
	dir, cfg := makeParts(t, governed)
	require.NoError(t, os.Remove(filepath.Join(part(dir, 2), "persons_v0_2.parquet")))

	seed, n := int64(5), int64(mergeRecords)
	other, err := config.Load(governed, config.Overrides{OutputDir: &dir, Records: &n, Seed: &seed})
	require.NoError(t, err)
	_, err = snapshot.Generate(context.Background(), other, snapshot.Options{})
	require.NoError(t, err)
	_, err = snapshot.Merge(context.Background(), cfg, snapshot.Options{})
	require.ErrorIs(t, err, snapshot.ErrExists)
	require.ErrorContains(t, err, "made from another config")
	require.NotContains(t, err.Error(), "damaged")

	// Another merge holds the lock; this one is interrupted as it waits.
	require.NoError(t, os.RemoveAll(filepath.Join(dir, "v0.2")))
	lockFile := filepath.Join(dir, ".v0.2.lock")
	require.NoError(t, os.WriteFile(lockFile, []byte("4242\n"), 0o644))
	lockDir(t, lockFile)
	ctx, cancel := context.WithCancelCause(context.Background())
	waits := &onWrite{want: "waiting for another run", then: func() { cancel(&snapshot.InterruptedError{Signal: os.Interrupt}) }}
	_, err = snapshot.Merge(ctx, cfg, snapshot.Options{Logger: zerolog.New(waits)})
	var ie *snapshot.InterruptedError
	require.ErrorAs(t, err, &ie)
	require.NotContains(t, err.Error(), "damaged")
}

// onWrite calls then once a log line holds want.
type onWrite struct {
	want string
	then func()
}

func (w *onWrite) Write(p []byte) (int, error) {
	if strings.Contains(string(p), w.want) {
		w.then()
	}
	return len(p), nil
}

// editFirstName changes the last letter of the first person's first name in
// a CSV, keeping its length: only a SHA-256 tells.
func editFirstName(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.SplitN(string(b), "\n", 3)
	col := indexOf(t, strings.Split(lines[0], ","), "first_name")
	row := strings.Split(lines[1], ",")
	name := []byte(row[col])
	name[len(name)-1] = 'x' + (name[len(name)-1]+1)%2 // x or y, never the old letter
	row[col] = string(name)
	lines[1] = strings.Join(row, ",")
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644))
}

// A merge that fails midway closes the part files it had open: here part
// 1's vehicles hold other than their manifest's count, found at their end,
// when the persons of part 2 are being read.
func TestMergeClosesPartFiles(t *testing.T) {
	if _, err := os.ReadDir("/proc/self/fd"); err != nil {
		t.Skip("needs /proc/self/fd to count open files")
	}
	dir, cfg := makeParts(t, governed)
	miscount(t, part(dir, 1), "vehicles_v0_2.parquet")
	open := func() int {
		fds, err := os.ReadDir("/proc/self/fd")
		require.NoError(t, err)
		return len(fds)
	}
	before := open()
	_, err := snapshot.Merge(context.Background(), cfg, snapshot.Options{})
	require.ErrorContains(t, err, "vehicles_v0_2.parquet: ")
	require.Equal(t, before, open(), "every part file closed")
	require.Equal(t, []string{"v0.2.parts"}, names(t, dir))
}

// miscount lowers the record count a part's manifest gives a file, leaving
// every size and SHA-256 as they are.
func miscount(t *testing.T, dir, name string) {
	t.Helper()
	p := filepath.Join(dir, "snapshot_manifest_v0_2.json")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	var m layout.Manifest
	require.NoError(t, json.Unmarshal(b, &m))
	found := false
	for i := range m.Files {
		if m.Files[i].Name == name {
			m.Files[i].Records--
			found = true
		}
	}
	require.True(t, found, name)
	b, err = json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p, b, 0o644))
}

func indexOf(t *testing.T, cols []string, name string) int {
	t.Helper()
	for i, c := range cols {
		if c == name {
			return i
		}
	}
	t.Fatalf("no column %s in %v", name, cols)
	return -1
}
