package verify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/contract"
)

const goldenV01 = "../../data/snapshots/v0.1"

func copyFolder(t *testing.T, from string) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(from)
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644))
	}
	return dir
}

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
	require.Len(t, rep.Files, 8)

	dir := copyFolder(t, goldenV01)
	path := filepath.Join(dir, "persons_v0_1.csv")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	b[len(b)/2] ^= 1
	require.NoError(t, os.WriteFile(path, b, 0o644))
	rep, err = Run(dir)
	require.NoError(t, err)
	require.Contains(t, rulesOf(rep), contract.RuleSHA256MatchManifest)

	dir = copyFolder(t, goldenV01)
	path = filepath.Join(dir, "metadata_v0_1.json")
	b, err = os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(b), `"schema_version": "0.1"`, `"schema_version": "0.0"`, 1)), 0o644))
	rep, err = Run(dir)
	require.NoError(t, err)
	require.Contains(t, rulesOf(rep), contract.RuleContractVersionKnown)
}
