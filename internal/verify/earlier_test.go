package verify

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/contract"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/internal/testkit/testrun"
	"github.com/synthpipe/synthpipe/internal/version"
)

const goldenV01 = "../../data/snapshots/v0.1"

func rulesOf(rep *Report) []contract.RuleName {
	var out []contract.RuleName
	for _, r := range rep.ByRule {
		out = append(out, r.Rule)
	}
	return out
}

// The committed v0.1 snapshot, made by generator 0.1.x, is proven by its
// files' integrity; damage to a byte or an unknown contract is caught.
func TestEarlierContractIsProvenByIntegrity(t *testing.T) {
	rep, err := Run(goldenV01)
	require.NoError(t, err)
	require.True(t, rep.Clean(), "%v", rep.ByRule)
	require.Contains(t, rep.Scope, "integrity only: contract 0.1")
	require.Contains(t, rep.Scope, "the governed snapshot, byte for byte")
	require.Len(t, rep.Files, 8)

	// An edit with its manifest entry recomputed passes the integrity check
	// but not the pin of the governed snapshot.
	dir0 := testrun.CopyFolder(t, goldenV01)
	csvPath := filepath.Join(dir0, "persons_v0_1.csv")
	data, err := os.ReadFile(csvPath)
	require.NoError(t, err)
	data = []byte(strings.Replace(string(data), "666-", "123-", 1))
	require.NoError(t, os.WriteFile(csvPath, data, 0o644))
	manPath := filepath.Join(dir0, "snapshot_manifest_v0_1.json")
	man, err := os.ReadFile(manPath)
	require.NoError(t, err)
	var m layout.Manifest
	require.NoError(t, json.Unmarshal(man, &m))
	for i := range m.Files {
		if m.Files[i].Name == "persons_v0_1.csv" {
			sum := sha256.Sum256(data)
			m.Files[i].SHA256, m.Files[i].Bytes = hex.EncodeToString(sum[:]), int64(len(data))
		}
	}
	man, err = json.MarshalIndent(m, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(manPath, man, 0o644))
	rep, err = Run(dir0)
	require.NoError(t, err)
	require.Equal(t, []contract.RuleName{contract.RuleGovernedSnapshotPinned}, rulesOf(rep))

	dir := testrun.CopyFolder(t, goldenV01)
	path := filepath.Join(dir, "persons_v0_1.csv")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	b[len(b)/2] ^= 1
	require.NoError(t, os.WriteFile(path, b, 0o644))
	rep, err = Run(dir)
	require.NoError(t, err)
	require.Contains(t, rulesOf(rep), contract.RuleSHA256MatchManifest)

	dir = testrun.CopyFolder(t, goldenV01)
	path = filepath.Join(dir, "metadata_v0_1.json")
	b, err = os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(b), `"schema_version": "0.1"`, `"schema_version": "0.0"`, 1)), 0o644))
	rep, err = Run(dir)
	require.NoError(t, err)
	require.Contains(t, rulesOf(rep), contract.RuleContractVersionKnown)
}

// A snapshot of this contract made by an earlier release whose rules were
// tightened since is proven by integrity, naming the release that checks
// its records; the governed one must be the published one byte for byte;
// the same files under this release's version are checked record by
// record.
func TestEarlierGeneratorIsProvenByIntegrity(t *testing.T) {
	// edit copies the governed snapshot with old replaced by new in its
	// metadata (file and dataset), the manifest recomputed.
	edit := func(pairs ...string) string {
		dir := testrun.CopyFolder(t, golden)
		manPath := filepath.Join(dir, "snapshot_manifest_v0_2.json")
		man, err := os.ReadFile(manPath)
		require.NoError(t, err)
		var m layout.Manifest
		require.NoError(t, json.Unmarshal(man, &m))
		for i := range m.Files {
			name := m.Files[i].Name
			if name != "metadata_v0_2.json" && name != "dataset_v0_2.json" {
				continue
			}
			path := filepath.Join(dir, name)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			edited := string(data)
			for k := 0; k < len(pairs); k += 2 {
				next := strings.Replace(edited, pairs[k], pairs[k+1], 1)
				require.NotEqual(t, edited, next, "%s: %s", name, pairs[k])
				edited = next
			}
			sum := sha256.Sum256([]byte(edited))
			m.Files[i].SHA256, m.Files[i].Bytes = hex.EncodeToString(sum[:]), int64(len(edited))
			require.NoError(t, os.WriteFile(path, []byte(edited), 0o644))
		}
		man, err = json.MarshalIndent(m, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(manPath, man, 0o644))
		return dir
	}
	release := `"version": "` + version.Version + `"`

	// Claiming to be the governed snapshot of 0.2.0 is not enough.
	rep, err := Run(edit(release, `"version": "0.2.0"`))
	require.NoError(t, err)
	require.Equal(t, []contract.RuleName{contract.RuleGovernedSnapshotPinned}, rulesOf(rep))

	dir := edit(release, `"version": "0.2.0"`, `"dataset_name": "synthpipe-core"`, `"dataset_name": "team-fixtures"`)
	rep, err = Run(dir)
	require.NoError(t, err)
	require.True(t, rep.Clean(), "%v", rep.ByRule)
	require.Equal(t, "integrity only: generator 0.2.0 records are checked by synthpipe 0.2.0 (git tag v0.2.0)", rep.Scope)

	path := filepath.Join(dir, "persons_v0_2.csv")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	b[len(b)/2] ^= 1
	require.NoError(t, os.WriteFile(path, b, 0o644))
	rep, err = Run(dir)
	require.NoError(t, err)
	require.Contains(t, rulesOf(rep), contract.RuleSHA256MatchManifest)

	rep, err = Run(golden)
	require.NoError(t, err)
	require.NotContains(t, rep.Scope, "integrity only", "this release's snapshot is checked record by record")
}
