package samples

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/internal/testkit/testrun"
)

const (
	governed  = "../../data/snapshots/v0.2"
	committed = "../../data/demo_samples/v0.2"
)

type selected struct {
	src   Source
	picks []Pick
	files []File
}

// selectGoverned takes the samples of the governed snapshot once for all
// tests (validating it takes a second or two).
var selectGoverned = sync.OnceValues(func() (selected, error) {
	src, picks, err := Select(governed, Scenarios)
	if err != nil {
		return selected{}, err
	}
	files, err := Render(src, picks)
	return selected{src, picks, files}, err
})

func governedSamples(t *testing.T) selected {
	t.Helper()
	s, err := selectGoverned()
	require.NoError(t, err)
	return s
}

// The committed samples are what the command makes of the governed
// snapshot, byte for byte, and nothing else is in their folder.
func TestCommittedSamplesAreCurrent(t *testing.T) {
	s := governedSamples(t)
	changes, err := Check(committed, s.files)
	require.NoError(t, err)
	require.Empty(t, changes, "data/demo_samples/v0.2 is not what `synthpipe samples` makes of data/snapshots/v0.2: regenerate it with "+
		"`go run ./cmd/synthpipe samples` (or `go tool -modfile=tools/go.mod task samples`) and commit the result")
	require.Len(t, s.files, len(Scenarios)+1)
}

// allHouseholds reads every household of the governed snapshot.
func allHouseholds(t *testing.T) []*Household {
	t.Helper()
	// selectGoverned validated the folder: its files are listed as they are.
	governedSamples(t)
	var all []*Household
	require.NoError(t, listing(t, governed).households(func(h *Household) { all = append(all, h) }))
	return all
}

// Each pick is the one the documented rule gives, found here by brute
// force over every household, and it carries all its household's records.
func TestPicksFollowTheSelectionRule(t *testing.T) {
	s := governedSamples(t)
	all := allHouseholds(t)
	var persons, vehicles, profiles, incidents int
	for _, h := range all {
		persons, vehicles, profiles, incidents = persons+len(h.Persons), vehicles+len(h.Vehicles), profiles+len(h.Profiles), incidents+len(h.Incidents)
	}
	meta := readMetadata(t)
	for name, n := range map[string]int{"persons": persons, "vehicles": vehicles, "profiles": profiles, "incidents": incidents} {
		require.EqualValues(t, meta["record_count_"+name], n, "%s read by household", name)
	}

	for i, sc := range Scenarios {
		var best *Household
		for _, h := range all {
			if len(sc.Shows(h)) > 0 && (best == nil || h.Size() < best.Size()) {
				best = h
			}
		}
		p := s.picks[i]
		require.Equal(t, sc.Name, p.Scenario.Name)
		require.Equal(t, best.ID, p.Household.ID, sc.Name)
		require.Equal(t, best, p.Household, "%s: every record of the household", sc.Name)
		require.Equal(t, sc.Shows(best), p.ShownBy)
		for _, tag := range sc.Tags {
			require.True(t, slices.ContainsFunc(best.Profiles, func(pr model.Profile) bool { return slices.Contains(pr.ScenarioTags, tag) }),
				"%s: no member of %s carries scenario tag %s", sc.Name, best.ID, tag)
		}
	}
}

func readMetadata(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(governed, layout.MetadataFile("v0_2")))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	return m
}

// A sample's records are the snapshot's records with every column: each
// equals its line in dataset_v0_2.json (read from the CSV files, rendered
// by the dataset's encoder). Its source is the snapshot's metadata and
// manifest.
func TestSampleFilesHoldTheSnapshotsRecords(t *testing.T) {
	s := governedSamples(t)
	raw, err := os.ReadFile(filepath.Join(governed, layout.DatasetFile("v0_2")))
	require.NoError(t, err)
	var dataset map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &dataset))
	byID := map[string]string{}
	for _, section := range []string{"persons", "vehicles", "profiles", "incidents"} {
		var recs []json.RawMessage
		require.NoError(t, json.Unmarshal(dataset[section], &recs))
		for _, r := range recs {
			byID[section+"/"+firstValue(t, r)] = string(r)
		}
	}
	manifest, err := os.ReadFile(filepath.Join(governed, layout.ManifestFile("v0_2")))
	require.NoError(t, err)
	sum := sha256.Sum256(manifest)
	meta := readMetadata(t)

	for _, f := range s.files[:len(s.files)-1] {
		var doc struct {
			Scenario    string         `json:"scenario"`
			HouseholdID string         `json:"household_id"`
			ShownBy     []string       `json:"shown_by"`
			Source      map[string]any `json:"source"`
		}
		require.NoError(t, json.Unmarshal(f.Data, &doc), f.Name)
		require.Equal(t, strings.TrimSuffix(f.Name, ".json"), doc.Scenario)
		require.Equal(t, hex.EncodeToString(sum[:]), doc.Source["manifest_sha256"])
		for _, k := range []string{"dataset_name", "snapshot_version", "schema_version", "generator", "seed", "reference_date", "config_sha256"} {
			require.Equal(t, meta[k], doc.Source[k], "%s: source %s", f.Name, k)
		}
		var sections map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(f.Data, &sections))
		ids := map[string]bool{}
		for _, section := range []string{"persons", "vehicles", "profiles", "incidents"} {
			var recs []json.RawMessage
			require.NoError(t, json.Unmarshal(sections[section], &recs))
			for _, r := range recs {
				var compact bytes.Buffer
				require.NoError(t, json.Compact(&compact, r))
				id := firstValue(t, r)
				require.Equal(t, byID[section+"/"+id], compact.String(), "%s: %s %s", f.Name, section, id)
				require.Contains(t, compact.String(), `"household_id":"`+doc.HouseholdID+`"`)
				ids[id] = true
			}
		}
		for _, id := range doc.ShownBy {
			require.True(t, ids[id], "%s: shown_by %s is not a record of the file", f.Name, id)
		}
	}
	require.True(t, bytes.HasPrefix(s.files[len(s.files)-1].Data, []byte(IndexMarker)))
}

// firstValue is the value of a record's first key: its id.
func firstValue(t *testing.T, rec json.RawMessage) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(rec))
	for range 2 { // '{' and the first key
		_, err := dec.Token()
		require.NoError(t, err)
	}
	tok, err := dec.Token()
	require.NoError(t, err)
	return tok.(string)
}

func TestOnlyASnapshotFolderOfThisContractIsRead(t *testing.T) {
	_, _, err := Select(t.TempDir(), Scenarios)
	var ae *ArgError
	require.True(t, errors.As(err, &ae), "an empty folder: %v", err)
	require.ErrorContains(t, err, "not a snapshot folder")

	_, _, err = Select("../../data/snapshots/v0.1", Scenarios)
	require.True(t, errors.As(err, &ae), "contract 0.1: %v", err)
	require.ErrorContains(t, err, "is a contract 0.1 snapshot: samples are taken from contract 0.2 snapshots")

}

func TestAnInvalidSnapshotIsRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("validates a changed copy of the governed snapshot; the CLI's tests refuse a damaged small one in short mode")
	}
	dir := testrun.CopyFolder(t, governed)
	name := filepath.Join(dir, layout.DataFile("vehicles", "v0_2", layout.CSV))
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(name, bytes.Replace(b, []byte(",7400,"), []byte(",7500,"), 1), 0o644))
	_, _, err = Select(dir, Scenarios)
	var ie *InvalidError
	require.True(t, errors.As(err, &ie), "a changed vehicle: %v", err)
	require.Contains(t, ie.Rules, "sha256_match_manifest")
	require.ErrorContains(t, err, "synthpipe validate "+dir)
}

// listing makes the manifest entries of a folder's files as they are now.
func listing(t *testing.T, dir string) snapshotFiles {
	t.Helper()
	s := snapshotFiles{dir: dir, suffix: "v0_2", listed: map[string]manifestEntry{}}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		sum := sha256.Sum256(b)
		s.listed[e.Name()] = manifestEntry{bytes: int64(len(b)), sha256: hex.EncodeToString(sum[:])}
	}
	return s
}

// A file that differs from its manifest entry when read (changed after
// validation) stops the reading.
func TestAFileChangedSinceValidationIsCaught(t *testing.T) {
	files := listing(t, governed)
	name := layout.DataFile("incidents", "v0_2", layout.CSV)
	e := files.listed[name]
	e.sha256 = strings.Repeat("0", 64)
	files.listed[name] = e
	err := files.households(func(*Household) {})
	require.ErrorContains(t, err, name+" changed after it was validated")

	files = listing(t, governed)
	delete(files.listed, name)
	err = files.households(func(*Household) {})
	var ae *ArgError
	require.True(t, errors.As(err, &ae), "%v", err)
	require.ErrorContains(t, err, "has no "+name)
}

// The files are read side by side in household order; a file out of that
// order is named, not silently split into wrong households.
func TestFilesOutOfHouseholdOrderAreRefused(t *testing.T) {
	dir := testrun.CopyFolder(t, governed)
	name := filepath.Join(dir, layout.DataFile("vehicles", "v0_2", layout.CSV))
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	lines := strings.SplitAfter(string(b), "\n")
	lines[1], lines[len(lines)-2] = lines[len(lines)-2], lines[1] // the first vehicle's household last, the last's first
	require.NoError(t, os.WriteFile(name, []byte(strings.Join(lines, "")), 0o644))
	err = listing(t, dir).households(func(*Household) {})
	// Households up to the last one see no vehicle of theirs yet; then the
	// second row's household comes after the last's.
	require.ErrorContains(t, err, "vehicles_v0_2.csv row 2: household HH-0000000001 is not where the persons have it")
}
