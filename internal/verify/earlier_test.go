package verify

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
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
	rep, err := Run(t.Context(), goldenV01)
	require.NoError(t, err)
	require.True(t, rep.Clean(), "%v", rep.ByRule)
	require.Contains(t, rep.Scope, "integrity only: contract 0.1")
	require.Contains(t, rep.Scope, "the governed snapshot, byte for byte")
	require.Len(t, rep.Files, 8)

	// An edit with its manifest entry recomputed passes the integrity check
	// but not the pin of the governed snapshot.
	dir0 := editFolder(t, goldenV01, "snapshot_manifest_v0_1.json", []string{"persons_v0_1.csv"}, "666-", "123-")
	rep, err = Run(t.Context(), dir0)
	require.NoError(t, err)
	require.Equal(t, []contract.RuleName{contract.RuleGovernedSnapshotPinned}, rulesOf(rep))

	dir := testrun.CopyFolder(t, goldenV01)
	flipAByte(t, filepath.Join(dir, "persons_v0_1.csv"))
	rep, err = Run(t.Context(), dir)
	require.NoError(t, err)
	require.Contains(t, rulesOf(rep), contract.RuleSHA256MatchManifest)

	dir = testrun.CopyFolder(t, goldenV01)
	path := filepath.Join(dir, "metadata_v0_1.json")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(b), `"schema_version": "0.1"`, `"schema_version": "0.0"`, 1)), 0o644))
	rep, err = Run(t.Context(), dir)
	require.NoError(t, err)
	require.Contains(t, rulesOf(rep), contract.RuleContractVersionKnown)
}

// A snapshot of this contract made by an earlier release whose rules were
// tightened since is proven by integrity, naming the release that checks
// its records; the governed one must be the published one byte for byte;
// the same files under this release's version are checked record by
// record.
func TestEarlierGeneratorIsProvenByIntegrity(t *testing.T) {
	edit := func(pairs ...string) string {
		return editFolder(t, golden, "snapshot_manifest_v0_2.json", []string{"metadata_v0_2.json", "dataset_v0_2.json"}, pairs...)
	}
	release := `"version": "` + version.Version + `"`

	// Claiming to be the governed snapshot of 0.2.0 is not enough.
	rep, err := Run(t.Context(), edit(release, `"version": "0.2.0"`))
	require.NoError(t, err)
	require.Equal(t, []contract.RuleName{contract.RuleGovernedSnapshotPinned}, rulesOf(rep))

	dir := edit(release, `"version": "0.2.0"`, `"dataset_name": "synthpipe-core"`, `"dataset_name": "team-fixtures"`)
	rep, err = Run(t.Context(), dir)
	require.NoError(t, err)
	require.True(t, rep.Clean(), "%v", rep.ByRule)
	require.Equal(t, "integrity only: generator 0.2.0 records are checked by synthpipe 0.2.0 (git tag v0.2.0)", rep.Scope)

	flipAByte(t, filepath.Join(dir, "persons_v0_2.csv"))
	rep, err = Run(t.Context(), dir)
	require.NoError(t, err)
	require.Contains(t, rulesOf(rep), contract.RuleSHA256MatchManifest)

	rep, err = Run(t.Context(), golden)
	require.NoError(t, err)
	require.NotContains(t, rep.Scope, "integrity only", "this release's snapshot is checked record by record")
}

// flipAByte flips a bit of the byte in the middle of the file at path.
func flipAByte(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	b[len(b)/2] ^= 1
	require.NoError(t, os.WriteFile(path, b, 0o644))
}

// editFolder copies the snapshot src with, in each of the files names,
// pairs[0] replaced by pairs[1], pairs[2] by pairs[3] and so on (once each),
// and their manifest entries recomputed, so only a pin can tell.
func editFolder(t *testing.T, src, manName string, names []string, pairs ...string) string {
	t.Helper()
	dir := testrun.CopyFolder(t, src)
	manPath := filepath.Join(dir, manName)
	man, err := os.ReadFile(manPath)
	require.NoError(t, err)
	var m layout.Manifest
	require.NoError(t, json.Unmarshal(man, &m))
	for i := range m.Files {
		name := m.Files[i].Name
		if !slices.Contains(names, name) {
			continue
		}
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		edited := string(data)
		for k := 0; k+1 < len(pairs); k += 2 {
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
