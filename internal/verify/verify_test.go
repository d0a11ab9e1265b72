package verify

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/contract"
	"github.com/synthpipe/synthpipe/internal/testkit/testrun"
)

const golden = "../../data/snapshots/v0.2"

// copySnapshot copies the governed snapshot to a temp folder to damage.
func copySnapshot(t *testing.T) string { return testrun.CopyFolder(t, golden) }

// editCSV rewrites one CSV file through fn.
func editCSV(t *testing.T, dir, name string, fn func(rows [][]string) [][]string) {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	require.NoError(t, err)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	rows = fn(rows)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	require.NoError(t, w.WriteAll(rows))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
}

func col(rows [][]string, name string) int {
	for i, c := range rows[0] {
		if c == name {
			return i
		}
	}
	panic(name)
}

// hit reports whether rep has a violation of rule in file.
func hit(rep *Report, rule, file string) bool {
	for _, rr := range rep.ByRule {
		if string(rr.Rule) != rule {
			continue
		}
		for _, v := range rr.Examples {
			if v.File == file {
				return true
			}
		}
	}
	return false
}

func TestCleanSnapshotPasses(t *testing.T) {
	rep, err := Run(t.Context(), golden)
	require.NoError(t, err)
	require.True(t, rep.Clean(), "%+v", rep.ByRule)
	require.Equal(t, RecordRulesChecked()+len(FileRules), rep.RulesChecked)
	require.Greater(t, RecordRulesChecked(), len(contract.Rules)-2, "the incidents' own rules too")
	var records int64
	for _, f := range readManifest(t, golden).Files {
		if f.Format == "csv" {
			records += f.Records
		}
	}
	require.EqualValues(t, 3*records, rep.RecordsChecked, "all three formats are read")
	for _, f := range rep.Files {
		require.True(t, f.OK, f.Name)
	}
}

func TestEachDamageIsReportedByName(t *testing.T) {
	cases := []struct {
		name, rule, file string
		damage           func(t *testing.T, dir string)
	}{
		{"flipped byte", "sha256_match_manifest", "persons_v0_2.parquet", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "persons_v0_2.parquet")
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 0x01
			require.NoError(t, os.WriteFile(p, b, 0o644))
		}},
		{"row removed from a CSV", "records_match_manifest", "vehicles_v0_2.csv", func(t *testing.T, dir string) {
			editCSV(t, dir, "vehicles_v0_2.csv", func(r [][]string) [][]string { return append(r[:5], r[6:]...) })
		}},
		{"truncated Parquet", "file_readable", "profiles_v0_2.parquet", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "profiles_v0_2.parquet")
			b, _ := os.ReadFile(p)
			require.NoError(t, os.WriteFile(p, b[:len(b)/3], 0o644))
		}},
		{"missing file", "file_present", "vehicles_v0_2.parquet", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, "vehicles_v0_2.parquet")))
		}},
		{"extra file", "no_unexpected_files", "notes.txt", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hi"), 0o644))
		}},
		{"VIN with a wrong check digit", "vin_check_digit", "vehicles_v0_2.csv", func(t *testing.T, dir string) {
			editCSV(t, dir, "vehicles_v0_2.csv", func(r [][]string) [][]string {
				c := col(r, "vin")
				v := []byte(r[3][c])
				if v[8] == '1' {
					v[8] = '2'
				} else {
					v[8] = '1'
				}
				r[3][c] = string(v)
				return r
			})
		}},
		{"SSN outside the safe range", "ssn_never_issued", "persons_v0_2.csv", func(t *testing.T, dir string) {
			editCSV(t, dir, "persons_v0_2.csv", func(r [][]string) [][]string { r[7][col(r, "ssn")] = "123-45-6789"; return r })
		}},
		{"vehicle whose owner is not a person", "fk_person", "vehicles_v0_2.csv", func(t *testing.T, dir string) {
			editCSV(t, dir, "vehicles_v0_2.csv", func(r [][]string) [][]string {
				r[2][col(r, "owner_person_id")] = "PER-0000099999"
				return r
			})
		}},
		{"ZIP of the wrong state", "zip_of_state", "persons_v0_2.csv", func(t *testing.T, dir string) {
			editCSV(t, dir, "persons_v0_2.csv", func(r [][]string) [][]string {
				z := "10001"
				if r[1][col(r, "state")] == "NY" {
					z = "75201"
				}
				r[1][col(r, "zip")] = z
				return r
			})
		}},
		{"driver under 16", "age_16_to_95", "persons_v0_2.csv", func(t *testing.T, dir string) {
			editCSV(t, dir, "persons_v0_2.csv", func(r [][]string) [][]string { r[4][col(r, "date_of_birth")] = "2015-03-01"; return r })
		}},
		{"header reordered", "columns_match_contract", "profiles_v0_2.csv", func(t *testing.T, dir string) {
			editCSV(t, dir, "profiles_v0_2.csv", func(r [][]string) [][]string {
				for i := range r {
					r[i][0], r[i][1] = r[i][1], r[i][0]
				}
				return r
			})
		}},
		{"JSON record breaks its schema", "json_schema", "dataset_v0_2.json", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "dataset_v0_2.json")
			b, _ := os.ReadFile(p)
			b = bytes.Replace(b, []byte(`"risk_tier":"low"`), []byte(`"risk_tier":"lowest"`), 1)
			require.NoError(t, os.WriteFile(p, b, 0o644))
		}},
		{"formats disagree", "formats_agree", "persons_v0_2.csv", func(t *testing.T, dir string) {
			editCSV(t, dir, "persons_v0_2.csv", func(r [][]string) [][]string {
				r[9][col(r, "first_name")] = "Mary"
				r[9][col(r, "gender")] = "F"
				return r
			})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copySnapshot(t)
			tc.damage(t, dir)
			rep, err := Run(t.Context(), dir)
			require.NoError(t, err)
			require.False(t, rep.Clean())
			require.True(t, hit(rep, tc.rule, tc.file), "want rule %s on %s, got %+v", tc.rule, tc.file, rep.ByRule)
			var text bytes.Buffer
			require.NoError(t, rep.WriteText(&text))
			require.Contains(t, text.String(), "rule "+tc.rule)
			require.Contains(t, text.String(), tc.file)
		})
	}
}

// Every message about input that cannot be checked starts with the
// folder's path, or says there is none.
func TestUnusableInput(t *testing.T) {
	empty := t.TempDir()
	file := filepath.Join(golden, "persons_v0_2.csv")
	corrupt := copySnapshot(t)
	require.NoError(t, os.WriteFile(filepath.Join(corrupt, manifestFile), []byte("{not json"), 0o644))
	noMetadata := copySnapshot(t)
	require.NoError(t, os.Remove(filepath.Join(noMetadata, "metadata_v0_2.json")))
	require.NoError(t, os.Remove(filepath.Join(noMetadata, "dataset_v0_2.json")))
	for dir, want := range map[string]string{
		"":                         "the snapshot folder argument is empty (want a snapshot folder such as data/snapshots/v0.2)",
		filepath.Join(empty, "no"): filepath.Join(empty, "no") + ": no such file or directory",
		file:                       file + ": not a folder (want a snapshot folder such as data/snapshots/v0.2)",
		empty:                      empty + ": not a snapshot folder: want exactly one snapshot_manifest_<version>.json, found 0",
		corrupt:                    corrupt + ": snapshot_manifest_v0_2.json is not a manifest: invalid character 'n' looking for beginning of object key string",
		noMetadata:                 noMetadata + ": no readable metadata (metadata_v0_2.json or the dataset's metadata): the seed and reference date are needed to check the rules",
	} {
		_, err := Run(t.Context(), dir)
		require.True(t, IsUnusable(err), "%q: %v", dir, err)
		require.EqualError(t, err, want)
	}
}
