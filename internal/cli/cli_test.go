package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func run(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := Execute(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRunPrintsFilesAndExitCodes(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run("run", "-c", "../../configs/v0.1.yaml", "--records", "50", "--output-dir", dir, "--log-level", "warn")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "created")
	for _, f := range []string{"persons_v0_1.csv", "vehicles_v0_1.parquet", "dataset_v0_1.json", "snapshot_manifest_v0_1.json"} {
		require.Contains(t, out, filepath.Join(dir, "v0.1", f))
	}
	require.Contains(t, out, "50 records")

	code, out, _ = run("run", "-c", "../../configs/v0.1.yaml", "--records", "50", "--output-dir", dir, "--log-level", "warn")
	require.Equal(t, ExitOK, code)
	require.Contains(t, out, "unchanged")

	code, _, errOut = run("run", "-c", "../../configs/v0.1.yaml", "--records", "51", "--output-dir", dir, "--log-level", "warn")
	require.Equal(t, ExitFailure, code)
	require.Contains(t, errOut, "--force")
}

func TestUsageErrorsExit2(t *testing.T) {
	code, _, errOut := run("run")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, "-c/--config is required")

	code, _, errOut = run("run", "-c", "nope.yaml")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, "nope.yaml")

	code, _, errOut = run("run", "-c", "../../configs/v0.1.yaml", "--records", "-3", "--output-dir", t.TempDir())
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, "records")

	code, _, _ = run("run", "-c", "../../configs/v0.1.yaml", "--log-level", "loud")
	require.Equal(t, ExitUsage, code)

	ro := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(ro, nil, 0o644))
	code, _, errOut = run("run", "-c", "../../configs/v0.1.yaml", "--output-dir", filepath.Join(ro, "sub"))
	require.Equal(t, ExitUsage, code, errOut)
	require.Contains(t, errOut, "output.dir")
}

func TestGenerateSnapshotAliasDefaultsToV01(t *testing.T) {
	cmd := NewRoot(&bytes.Buffer{}, &bytes.Buffer{})
	gs, _, err := cmd.Find([]string{"generate-snapshot"})
	require.NoError(t, err)
	require.Equal(t, "configs/v0.1.yaml", gs.Flags().Lookup("config").DefValue)
}

func TestVersion(t *testing.T) {
	code, out, _ := run("version")
	require.Equal(t, ExitOK, code)
	require.True(t, strings.HasPrefix(out, "synthpipe 0.1.0"))
}

// docs/config-reference.md is generated from the code and must be current.
func TestConfigReferenceIsCurrent(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteConfigReference(&b))
	committed, err := os.ReadFile("../../docs/config-reference.md")
	require.NoError(t, err)
	require.Equal(t, b.String(), string(committed), "run `task docs` to regenerate docs/config-reference.md")
}

func TestValidateExitCodesAndJSON(t *testing.T) {
	code, out, errOut := run("validate", "../../data/snapshots/v0.1")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "OK")

	code, out, _ = run("validate", "--format", "json", "../../data/snapshots/v0.1")
	require.Equal(t, ExitOK, code)
	var rep struct {
		RulesChecked   int   `json:"rules_checked"`
		RecordsChecked int64 `json:"records_checked"`
		Violations     int64 `json:"violations"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Positive(t, rep.RulesChecked)
	require.Positive(t, rep.RecordsChecked)
	require.Zero(t, rep.Violations)

	dir := t.TempDir()
	code, _, _ = run("run", "-c", "../../configs/v0.1.yaml", "--records", "30", "--output-dir", dir, "--log-level", "warn")
	require.Equal(t, ExitOK, code)
	snap := filepath.Join(dir, "v0.1")
	require.NoError(t, os.WriteFile(filepath.Join(snap, "stray.csv"), []byte("x"), 0o644))
	code, out, errOut = run("validate", snap)
	require.Equal(t, ExitValidation, code)
	require.Contains(t, out, "rule no_unexpected_files")
	require.Contains(t, out, "stray.csv")
	require.Contains(t, errOut, "violation")

	code, _, errOut = run("validate", t.TempDir())
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, "not a snapshot folder")

	code, _, _ = run("validate", "--format", "xml", snap)
	require.Equal(t, ExitUsage, code)
}

func TestSchemaCommand(t *testing.T) {
	code, out, _ := run("schema", "vehicle")
	require.Equal(t, ExitOK, code)
	require.Contains(t, out, `"urn:synthpipe:schema:v0.1:vehicle"`)
	code, _, errOut := run("schema", "spaceship")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, "allowed: person, vehicle, profile, metadata, manifest")
}

// docs/rules.md is generated from the rule lists and must be current.
func TestRulesDocIsCurrent(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteRules(&b))
	committed, err := os.ReadFile("../../docs/rules.md")
	require.NoError(t, err)
	require.Equal(t, b.String(), string(committed), "run `go tool task docs`")
}

func TestValidateDamageExitCodes(t *testing.T) {
	damages := map[string]struct {
		named  string
		damage func(dir string) error
	}{
		"flipped byte": {"persons_v0_1.csv", func(dir string) error {
			p := filepath.Join(dir, "persons_v0_1.csv")
			b, _ := os.ReadFile(p)
			b[len(b)-5] ^= 0x01
			return os.WriteFile(p, b, 0o644)
		}},
		"truncated parquet": {"vehicles_v0_1.parquet", func(dir string) error {
			p := filepath.Join(dir, "vehicles_v0_1.parquet")
			b, _ := os.ReadFile(p)
			return os.WriteFile(p, b[:100], 0o644)
		}},
		"missing file": {"profiles_v0_1.csv", func(dir string) error { return os.Remove(filepath.Join(dir, "profiles_v0_1.csv")) }},
		"SSN outside the safe range": {"ssn_never_issued", func(dir string) error {
			p := filepath.Join(dir, "persons_v0_1.csv")
			b, _ := os.ReadFile(p)
			i := bytes.Index(b, []byte(",666-"))
			copy(b[i+1:], "123")
			return os.WriteFile(p, b, 0o644)
		}},
	}
	for name, d := range damages {
		t.Run(name, func(t *testing.T) {
			out := t.TempDir()
			code, _, _ := run("run", "-c", "../../configs/v0.1.yaml", "--records", "40", "--output-dir", out, "--log-level", "warn")
			require.Equal(t, ExitOK, code)
			snap := filepath.Join(out, "v0.1")
			require.NoError(t, d.damage(snap))
			code, report, _ := run("validate", snap)
			require.Equal(t, ExitValidation, code)
			require.Contains(t, report, d.named)
		})
	}
}
