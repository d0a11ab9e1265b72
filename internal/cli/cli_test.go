package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/version"
	"github.com/synthpipe/synthpipe/stages/checks/validate"
)

func run(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := Execute(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRunPrintsFilesAndExitCodes(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run("run", "-c", "../../configs/v0.2.yaml", "--records", "50", "--output-dir", dir, "--log-level", "warn")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "created")
	for _, f := range []string{"persons_v0_2.csv", "vehicles_v0_2.parquet", "dataset_v0_2.json", "snapshot_manifest_v0_2.json"} {
		require.Contains(t, out, filepath.Join(dir, "v0.2", f))
	}
	require.Contains(t, out, "50 records")

	code, out, _ = run("run", "-c", "../../configs/v0.2.yaml", "--records", "50", "--output-dir", dir, "--log-level", "warn")
	require.Equal(t, ExitOK, code)
	require.Contains(t, out, "unchanged")

	code, _, errOut = run("run", "-c", "../../configs/v0.2.yaml", "--records", "51", "--output-dir", dir, "--log-level", "warn")
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

	code, _, errOut = run("run", "-c", "../../configs/v0.2.yaml", "--records", "-3", "--output-dir", t.TempDir())
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, "records")

	code, _, _ = run("run", "-c", "../../configs/v0.2.yaml", "--log-level", "loud")
	require.Equal(t, ExitUsage, code)

	ro := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(ro, nil, 0o644))
	code, _, errOut = run("run", "-c", "../../configs/v0.2.yaml", "--output-dir", filepath.Join(ro, "sub"))
	require.Equal(t, ExitUsage, code, errOut)
	require.Contains(t, errOut, "synthpipe: --output-dir: ", "names the flag the folder came from")
}

// --log-level is every command's: each refuses a bad one before it runs,
// whether or not it logs.
func TestEveryCommandChecksLogLevel(t *testing.T) {
	root, _ := newRoot(nil, nil)
	args := map[string][]string{"validate": {"../../data/snapshots/v0.2"}}
	for _, c := range root.Commands() {
		t.Run(c.Name(), func(t *testing.T) {
			code, out, errOut := run(append(append([]string{c.Name()}, args[c.Name()]...), "--log-level", "bogus")...)
			require.Equal(t, ExitUsage, code, errOut)
			require.Equal(t, "synthpipe: --log-level \"bogus\": allowed: debug, info, warn, error\n", errOut)
			require.Empty(t, out)
		})
	}
	code, out, _ := run("--log-level", "bogus") // the root's help
	require.Equal(t, ExitUsage, code)
	require.Empty(t, out)
}

func TestVersion(t *testing.T) {
	code, out, _ := run("version")
	require.Equal(t, ExitOK, code)
	require.True(t, strings.HasPrefix(out, "synthpipe "+version.Version), out)
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
	code, out, errOut := run("validate", "../../data/snapshots/v0.2")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "OK")

	code, out, _ = run("validate", "--format", "json", "../../data/snapshots/v0.2")
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
	code, _, _ = run("run", "-c", "../../configs/v0.2.yaml", "--records", "30", "--output-dir", dir, "--log-level", "warn")
	require.Equal(t, ExitOK, code)
	snap := filepath.Join(dir, "v0.2")
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
	require.Contains(t, out, `"urn:synthpipe:schema:v0.2:vehicle"`)
	// An entity's name, as /generate/persons and describe_schema take it,
	// gives its schema too.
	code, plural, errOut := run("schema", "vehicles")
	require.Equal(t, ExitOK, code, errOut)
	require.Equal(t, out, plural)
	code, _, errOut = run("schema", "spaceship")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, `synthpipe: schema: unknown entity "spaceship" (allowed: person or persons, vehicle or vehicles, profile or profiles, incident or incidents, metadata, manifest)`)
}

// docs/rules.md is generated from the rule lists and must be current.
func TestRulesDocIsCurrent(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteRules(&b))
	committed, err := os.ReadFile("../../docs/rules.md")
	require.NoError(t, err)
	require.Equal(t, b.String(), string(committed), "run `go tool -modfile=tools/go.mod task docs`")
}

func TestValidateDamageExitCodes(t *testing.T) {
	damages := map[string]struct {
		named  string
		damage func(dir string) error
	}{
		"flipped byte": {"persons_v0_2.csv", func(dir string) error {
			p := filepath.Join(dir, "persons_v0_2.csv")
			b, _ := os.ReadFile(p)
			b[len(b)-5] ^= 0x01
			return os.WriteFile(p, b, 0o644)
		}},
		"truncated parquet": {"vehicles_v0_2.parquet", func(dir string) error {
			p := filepath.Join(dir, "vehicles_v0_2.parquet")
			b, _ := os.ReadFile(p)
			return os.WriteFile(p, b[:100], 0o644)
		}},
		"missing file": {"profiles_v0_2.csv", func(dir string) error { return os.Remove(filepath.Join(dir, "profiles_v0_2.csv")) }},
		"SSN outside the safe range": {"ssn_never_issued", func(dir string) error {
			p := filepath.Join(dir, "persons_v0_2.csv")
			b, _ := os.ReadFile(p)
			i := bytes.Index(b, []byte(",666-"))
			copy(b[i+1:], "123")
			return os.WriteFile(p, b, 0o644)
		}},
	}
	for name, d := range damages {
		t.Run(name, func(t *testing.T) {
			out := t.TempDir()
			code, _, _ := run("run", "-c", "../../configs/v0.2.yaml", "--records", "40", "--output-dir", out, "--log-level", "warn")
			require.Equal(t, ExitOK, code)
			snap := filepath.Join(out, "v0.2")
			require.NoError(t, d.damage(snap))
			code, report, _ := run("validate", snap)
			require.Equal(t, ExitValidation, code)
			require.Contains(t, report, d.named)
		})
	}
}

// Every hardening refusal: the exit code, the words that say what is wrong,
// and no output folder for a refusal (it comes before any work).
func TestRefusalsExitCodesAndMessages(t *testing.T) {
	base, err := os.ReadFile("../../configs/v0.2.yaml")
	require.NoError(t, err)
	edit := func(pairs ...string) string { return strings.NewReplacer(pairs...).Replace(string(base)) }
	cases := []struct {
		name string
		env  map[string]string
		yaml string   // config body; "" uses configs/v0.2.yaml
		args []string // after run -c FILE --output-dir OUT, unless cmd is set
		cmd  []string // a whole command line instead
		code int
		want []string
	}{
		// 1: reference dates without vehicle data used to hang.
		{name: "reference date 1950", env: map[string]string{"SYNTHPIPE_DATASET_REFERENCE_DATE": "1950-06-30"}, code: ExitUsage,
			want: []string{"environment SYNTHPIPE_DATASET_REFERENCE_DATE: 1950-06-30 is out of range (allowed: 2011-01-01 to 2038-12-31"}},
		{name: "reference date year 1", env: map[string]string{"SYNTHPIPE_DATASET_REFERENCE_DATE": "0001-01-01"}, code: ExitUsage, want: []string{"0001-01-01 is out of range"}},
		{name: "reference date in the file", yaml: edit(`"2026-01-01"`, `"1950-06-30"`), code: ExitUsage, want: []string{"dataset.reference_date: 1950-06-30 is out of range"}},
		// 7: the shape a snapshot needs.
		{name: "no stages", yaml: edit("  stages:\n    - type: person\n    - type: vehicle\n    - type: incident\n    - type: profile\n    - type: validate\n      on_violation: fail\n", ""), code: ExitUsage,
			want: []string{"pipeline.stages: no stage makes an entity for the sinks to write (declared: persons, vehicles, profiles, incidents)", "add type: person to pipeline.stages"}},
		{name: "no sinks", yaml: edit("    - type: csv\n    - type: parquet\n      row_group_rows: 131072\n    - type: json\n    - type: metadata\n", "", "  sinks:\n", "  sinks: []\n"), code: ExitUsage,
			want: []string{"a snapshot needs its records", "one of type: csv, json, parquet", "its metadata"}},
		{name: "no finalizer", yaml: edit("  finalizers:\n    - type: manifest\n", ""), code: ExitUsage, want: []string{"a snapshot needs its manifest", "add type: manifest to pipeline.finalizers"}},
		{name: "no metadata sink", yaml: edit("    - type: metadata\n", ""), code: ExitUsage, want: []string{"a snapshot needs its metadata", "add type: metadata to pipeline.sinks"}},
		{name: "unimplemented schema version", yaml: edit(`schema_version: "0.2"`, `schema_version: "9.9"`), code: ExitUsage, want: []string{`dataset.schema_version: "9.9" is not allowed (allowed: 0.2)`}},
		{name: "validate first", yaml: edit("    - type: person\n", "    - type: validate\n    - type: person\n", "    - type: validate\n      on_violation: fail\n", ""), code: ExitUsage,
			want: []string{"pipeline.stages[0] (validate) checks every entity, but persons, vehicles, incidents, profiles are made only later, by pipeline.stages[1] (person)"}},
		// 8: usage errors and messages.
		{name: "records not a number", args: []string{"--records", "abc"}, code: ExitUsage, want: []string{`invalid argument "abc" for "--records"`, "not a whole number"}},
		{name: "seed not a number", args: []string{"--seed", "abc"}, code: ExitUsage, want: []string{`"--seed"`}},
		{name: "force not a bool", args: []string{"--force=maybe"}, code: ExitUsage, want: []string{`"--force"`}},
		{name: "unknown flag", args: []string{"--recrods", "5"}, code: ExitUsage, want: []string{"unknown flag: --recrods"}},
		{name: "unknown command", cmd: []string{"vaildate", "x"}, code: ExitUsage, want: []string{`unknown command "vaildate" (did you mean validate?)`}},
		{name: "validate without a folder", cmd: []string{"validate"}, code: ExitUsage, want: []string{"accepts 1 arg(s), received 0", "usage: synthpipe validate SNAPSHOT_DIR"}},
		{name: "validate with two folders", cmd: []string{"validate", "a", "b"}, code: ExitUsage, want: []string{"received 2"}},
		{name: "records past int64 in the file", yaml: edit("records: 2000", "records: 99999999999999999999"), code: ExitUsage, want: []string{"records: 99999999999999999999 is out of range (allowed: 1 to 1000000000)"}},
		{name: "records past int64 as a flag", args: []string{"--records", "99999999999999999999"}, code: ExitUsage, want: []string{"99999999999999999999 is out of range (allowed: 1 to 1000000000)"}},
		{name: "records past a state's licence numbers", yaml: edit("records: 2000", "records: 900000000"), code: ExitUsage, want: []string{"records need up to", "licence numbers in", "whose reserved range"}},
		{name: "negative records flag", args: []string{"--records", "-5"}, code: ExitUsage, want: []string{"synthpipe: --records: -5 is out of range"}},
		{name: "too many workers", args: []string{"--workers", "99999"}, code: ExitUsage, want: []string{"synthpipe: --workers: 99999 is out of range (allowed: 0 to 1024)"}},
		{name: "upper-case key", yaml: edit("records: 2000", "RECORDS: 2000"), code: ExitUsage, want: []string{"RECORDS: unknown key: keys are lower case (write records)"}},
		{name: "null value", yaml: edit("records: 2000", "records: ~"), code: ExitUsage, want: []string{"records: no value (null)"}},
		{name: "unquoted date", yaml: edit(`"2026-01-01"`, "2026-01-01"), args: []string{"--records", "20"}, code: ExitOK, want: []string{"created"}},
		{name: "unknown environment variable", env: map[string]string{"SYNTHPIPE_RECRODS": "5"}, args: []string{"--records", "20"}, code: ExitOK,
			want: []string{"SYNTHPIPE_RECRODS: not a setting, ignored (allowed: SYNTHPIPE_BATCH_SIZE"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			out := filepath.Join(t.TempDir(), "out")
			args := tc.cmd
			if args == nil {
				file := "../../configs/v0.2.yaml"
				if tc.yaml != "" {
					file = filepath.Join(t.TempDir(), "c.yaml")
					require.NoError(t, os.WriteFile(file, []byte(tc.yaml), 0o644))
				}
				args = append([]string{"run", "-c", file, "--output-dir", out, "-q", "--log-level", "warn"}, tc.args...)
			}
			code, stdout, errOut := run(args...)
			require.Equal(t, tc.code, code, errOut)
			for _, w := range tc.want {
				require.Contains(t, stdout+errOut, w)
			}
			if tc.code == ExitUsage {
				_, err := os.Stat(out)
				require.True(t, os.IsNotExist(err), "refused before any work: no output folder")
			}
		})
	}
}

// A reference date with no vehicle data used to spin forever: now it is
// refused at once.
func TestOldReferenceDateEndsQuickly(t *testing.T) {
	for _, date := range []string{"1950-06-30", "0001-01-01"} {
		t.Setenv("SYNTHPIPE_DATASET_REFERENCE_DATE", date)
		done := make(chan int, 1)
		go func() {
			code, _, _ := run("run", "-c", "../../configs/v0.2.yaml", "--output-dir", t.TempDir(), "-q")
			done <- code
		}()
		select {
		case code := <-done:
			require.Equal(t, ExitUsage, code, date)
		case <-time.After(2 * time.Minute): // a refusal takes milliseconds; the hang took forever
			t.Fatalf("reference date %s: still running after 2 minutes", date)
		}
	}
}

type codedError struct{ code int }

func (e codedError) Error() string { return "coded" }
func (e codedError) ExitCode() int { return e.code }

// An error's own exit code wins, wrapped or not (an interrupted run: 130).
func TestExitCodeHonoursErrorsThatCarryOne(t *testing.T) {
	require.Equal(t, 130, ExitCode(fmt.Errorf("run: %w", codedError{130})))
	require.Equal(t, 143, ExitCode(codedError{143}))
	require.Equal(t, ExitUsage, ExitCode(fmt.Errorf("x: %w", &config.Error{Err: errors.New("bad")})))
	require.Equal(t, ExitValidation, ExitCode(fmt.Errorf("stage validate: %w", &validate.Error{Total: 1})))
	require.Equal(t, ExitFailure, ExitCode(errors.New("disk full")))
	require.Equal(t, ExitOK, ExitCode(nil))
}
