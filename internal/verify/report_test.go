package verify

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// ruleOrder returns the rules of a report as its text lists them.
func ruleOrder(text string) []string {
	var rules []string
	for line := range strings.Lines(text) {
		if name, ok := strings.CutPrefix(line, "rule "); ok {
			rules = append(rules, name[:strings.Index(name, ":")])
		}
	}
	return rules
}

// fileLine returns the files table's line of name.
func fileLine(t *testing.T, text, name string) string {
	t.Helper()
	for line := range strings.Lines(text) {
		if f := strings.Fields(line); len(f) > 1 && f[1] == name {
			return strings.TrimSuffix(line, "\n")
		}
	}
	t.Fatalf("no line for %s in\n%s", name, text)
	return ""
}

// A truncated file is the cause of the record rules the files checked with
// it break: the report names its file rules first, shows how many of its
// records were read, and says the intact files only follow from it.
func TestTruncatedFileIsNamedFirst(t *testing.T) {
	dir := copySnapshot(t)
	require.NoError(t, os.Truncate(filepath.Join(dir, "persons_v0_2.csv"), 100_000))
	rep, err := Run(t.Context(), dir)
	require.NoError(t, err)

	want := []string{
		"bytes_match_manifest", "file_readable", // the cause
		"records_match_manifest", "formats_agree", // other file rules, as FileRules lists them
		"fk_person", "one_profile_per_person", // record rules, by count
	}
	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	require.Equal(t, want, ruleOrder(text.String()), text.String())
	var js struct {
		ByRule []struct {
			Rule  string `json:"rule"`
			Count int64  `json:"count"`
		} `json:"by_rule"`
		Files []map[string]any `json:"files"`
	}
	var raw bytes.Buffer
	require.NoError(t, rep.WriteJSON(&raw))
	require.NoError(t, json.Unmarshal(raw.Bytes(), &js))
	var jsonOrder []string
	for _, r := range js.ByRule {
		jsonOrder = append(jsonOrder, r.Rule)
	}
	require.Equal(t, want, jsonOrder)
	require.EqualValues(t, 4066, js.ByRule[4].Count)

	follows := "its violations follow from persons_v0_2.csv, which is not as the manifest lists it"
	require.Equal(t, "  BAD    persons_v0_2.csv                 persons  csv     372 of 2000 records", fileLine(t, text.String(), "persons_v0_2.csv"))
	require.Equal(t, "  intact vehicles_v0_2.csv                vehicles csv           1507 records  ("+follows+")", fileLine(t, text.String(), "vehicles_v0_2.csv"))
	require.Equal(t, "  intact profiles_v0_2.csv                profiles csv           2000 records  ("+follows+")", fileLine(t, text.String(), "profiles_v0_2.csv"))
	require.Equal(t, "  ok     persons_v0_2.parquet             persons  parquet       2000 records", fileLine(t, text.String(), "persons_v0_2.parquet"))

	byName := map[string]map[string]any{}
	for _, f := range js.Files {
		byName[f["name"].(string)] = f
	}
	require.Equal(t, map[string]any{"name": "persons_v0_2.csv", "entity": "persons", "format": "csv", "records": 2000.0, "records_read": 372.0, "bytes": 533522.0, "ok": false, "intact": false},
		byName["persons_v0_2.csv"])
	require.Equal(t, map[string]any{"name": "vehicles_v0_2.csv", "entity": "vehicles", "format": "csv", "records": 1507.0, "records_read": 1507.0, "bytes": byName["vehicles_v0_2.csv"]["bytes"], "ok": false, "intact": true, "note": follows},
		byName["vehicles_v0_2.csv"])
	require.NotContains(t, byName["metadata_v0_2.json"], "records_read", "metadata's records are not read back")
	for name, f := range byName {
		if name != "persons_v0_2.csv" && name != "vehicles_v0_2.csv" && name != "profiles_v0_2.csv" {
			require.Equal(t, true, f["ok"], name)
			require.Equal(t, true, f["intact"], name)
		}
	}
}

// A file that is as the manifest lists it but breaks rules itself (edited,
// and its entry recomputed) is BAD: no other file explains its violations.
func TestIntactFileWithItsOwnViolationsIsBad(t *testing.T) {
	dir := copySnapshot(t)
	editCSV(t, dir, "persons_v0_2.csv", func(r [][]string) [][]string { r[7][col(r, "ssn")] = "123-45-6789"; return r })
	relist(t, dir, "persons_v0_2.csv")
	rep, err := Run(t.Context(), dir)
	require.NoError(t, err)
	for _, f := range rep.Files {
		require.True(t, f.Intact, f.Name)
		require.Empty(t, f.Note, f.Name)
		require.Equal(t, f.Name != "persons_v0_2.csv", f.OK, f.Name)
	}
	text := reportText(t, rep)
	require.Equal(t, "  BAD    persons_v0_2.csv                 persons  csv           2000 records", fileLine(t, text, "persons_v0_2.csv"))
	require.Equal(t, []string{"formats_agree", "ssn_never_issued"}, ruleOrder(text))
}

// An intact file that breaks a file rule of its own carries no note, even
// beside a damaged file: here the manifest's count for vehicles_v0_2.csv is
// wrong (the file is as listed), and persons_v0_2.csv is truncated.
func TestIntactFileWithItsOwnFileRuleIsBadBesideADamagedOne(t *testing.T) {
	dir := copySnapshot(t)
	require.NoError(t, os.Truncate(filepath.Join(dir, "persons_v0_2.csv"), 100_000))
	m := readManifest(t, dir)
	for i := range m.Files {
		if m.Files[i].Name == "vehicles_v0_2.csv" {
			m.Files[i].Records++
		}
	}
	writeManifest(t, dir, m)
	rep, err := Run(t.Context(), dir)
	require.NoError(t, err)
	require.True(t, hit(rep, "records_match_manifest", "vehicles_v0_2.csv"))
	require.True(t, hit(rep, "fk_person", "vehicles_v0_2.csv"), "it breaks record rules too")
	text := reportText(t, rep)
	require.Equal(t, "  BAD    vehicles_v0_2.csv                vehicles csv     1507 of 1508 records", fileLine(t, text, "vehicles_v0_2.csv"))
	require.Equal(t, "  intact profiles_v0_2.csv                profiles csv           2000 records  (its violations follow from persons_v0_2.csv, which is not as the manifest lists it)",
		fileLine(t, text, "profiles_v0_2.csv"), "a file of record rules only still follows from the damaged one")
}

// A file some of whose records were not read has no count of records read:
// a dataset without its incidents holds persons, vehicles and profiles,
// but the count of those alone is not the file's, nor its violation.
func TestRecordsReadIsAbsentWhenAnEntityIsNotRead(t *testing.T) {
	dir := copySnapshot(t)
	path := filepath.Join(dir, "dataset_v0_2.json")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, bytes.Replace(b, []byte(`"incidents": [`), []byte(`"incidentz": [`), 1), 0o644))
	relist(t, dir, "dataset_v0_2.json")
	rep, err := Run(t.Context(), dir)
	require.NoError(t, err)
	text := reportText(t, rep)
	require.Equal(t, []string{"file_readable"}, ruleOrder(text))
	require.Equal(t, `dataset_v0_2.json  * no "incidents" array in the document`, violation(t, rep, "file_readable"))
	for _, f := range rep.Files {
		require.Equal(t, f.Name != "dataset_v0_2.json" && f.Name != "metadata_v0_2.json", f.RecordsRead != nil, f.Name)
	}
}

func TestNotAsListed(t *testing.T) {
	require.Equal(t, "a.csv, which is not as the manifest lists it", notAsListed([]string{"a.csv"}))
	require.Equal(t, "a.csv, b.csv, which are not as the manifest lists them", notAsListed([]string{"a.csv", "b.csv"}))
	require.Equal(t, "a, b, c and 2 more, which are not as the manifest lists them", notAsListed([]string{"a", "b", "c", "d", "e"}))
}
