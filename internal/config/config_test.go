package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/config"
	_ "github.com/synthpipe/synthpipe/stages"
)

const good = `dataset:
  name: t
  version: v0.2
  schema_version: "0.2"
  reference_date: "2026-01-01"
seed: 7
records: 10
output:
  dir: out
pipeline:
  source: {type: seed}
  stages: [{type: person}, {type: vehicle}, {type: incident}, {type: profile}, {type: validate, on_violation: warn}]
  sinks: [{type: csv}, {type: metadata}]
  finalizers: [{type: manifest}]
`

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "c.yaml")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	return p
}

func TestLoadGood(t *testing.T) {
	cfg, err := config.Load(write(t, good), config.Overrides{})
	require.NoError(t, err)
	require.Equal(t, int64(10), cfg.Records)
	require.Equal(t, uint64(7), cfg.Seed)
	require.Equal(t, "2026-01-01", cfg.ReferenceDate.String())
	require.Len(t, cfg.Stages, 5)
	require.Equal(t, "warn", cfg.Stages[4].Conf.String("on_violation"))
}

// The run carries the incident stage's look-back (its default unless set),
// for the metadata to record and validate to check; none without the stage.
func TestRunCarriesTheLookback(t *testing.T) {
	for body, want := range map[string]int{
		good: 5,
		strings.Replace(good, "{type: incident}", "{type: incident, lookback_years: 3}", 1):                       3,
		strings.Replace(good, ", {type: incident}, {type: profile}, {type: validate, on_violation: warn}", "", 1): 0,
	} {
		cfg, err := config.Load(write(t, body), config.Overrides{})
		require.NoError(t, err)
		require.Equal(t, want, cfg.Run().LookbackYears)
	}
}

func TestBadInputNamesKeyFileAndAllowed(t *testing.T) {
	cases := []struct {
		name, body string
		want       []string
	}{
		{"unknown top key", good + "colour: red\n", []string{"colour", "unknown key", "allowed: batch_size, dataset"}},
		{"unknown nested key", strings.Replace(good, "  name: t", "  nam: t", 1), []string{"dataset.nam", "unknown key", "allowed:"}},
		{"wrong type", strings.Replace(good, "records: 10", "records: ten", 1), []string{"records", "want a whole number"}},
		{"negative count", strings.Replace(good, "records: 10", "records: -5", 1), []string{"records", "-5 is out of range", "allowed: 1 to"}},
		{"unknown stage type", strings.Replace(good, "{type: person}", "{type: persn}", 1), []string{"pipeline.stages[0].type", `unknown stage type "persn"`, "allowed: incident, person, profile, validate, vehicle"}},
		{"unknown stage field", strings.Replace(good, "on_violation: warn", "on_violaton: warn", 1), []string{"pipeline.stages[4].on_violaton", "allowed: on_violation, max_examples"}},
		{"bad enum value", strings.Replace(good, "on_violation: warn", "on_violation: shout", 1), []string{"pipeline.stages[4].on_violation", `"shout" is not allowed`, "fail, warn"}},
		{"bad date", strings.Replace(good, `"2026-01-01"`, `"2026-02-30"`, 1), []string{"dataset.reference_date", "not a calendar day"}},
		{"bad version", strings.Replace(good, "version: v0.2", "version: latest", 1), []string{"dataset.version", "vMAJOR.MINOR"}},
		{"missing sinks", strings.Replace(good, "  sinks: [{type: csv}, {type: metadata}]\n", "", 1), []string{"pipeline.sinks", "missing"}},
		{"not yaml", "records: [\n", []string{"c.yaml"}},
		{"date before the vehicle data", strings.Replace(good, `"2026-01-01"`, `"1950-06-30"`, 1), []string{"dataset.reference_date", "1950-06-30 is out of range", "allowed: 2011-01-01 to 2038-12-31", "17-character VIN"}},
		{"year one", strings.Replace(good, `"2026-01-01"`, `"0001-01-01"`, 1), []string{"dataset.reference_date", "0001-01-01 is out of range"}},
		{"date after the VIN year codes", strings.Replace(good, `"2026-01-01"`, `"2039-01-01"`, 1), []string{"dataset.reference_date", "2039-01-01 is out of range"}},
		{"unimplemented schema version", strings.Replace(good, `schema_version: "0.2"`, `schema_version: "9.9"`, 1), []string{"dataset.schema_version", `"9.9" is not allowed (allowed: 0.2)`}},
		{"upper-case key", strings.Replace(good, "records: 10", "RECORDS: 10", 1), []string{"RECORDS", "keys are lower case (write records)"}},
		{"upper-case component key", strings.Replace(good, "on_violation: warn", "On_Violation: warn", 1), []string{"pipeline.stages[4].On_Violation", "keys are lower case"}},
		{"null value", strings.Replace(good, "records: 10", "records: ~", 1), []string{"records: no value (null)"}},
		{"empty value", strings.Replace(good, "  reference_date: \"2026-01-01\"", "  reference_date:", 1), []string{"dataset.reference_date: no value (null)"}},
		{"null list item", strings.Replace(good, "[{type: csv}, {type: metadata}]", "[{type: csv}, ~, {type: metadata}]", 1), []string{"pipeline.sinks[1]: an empty list item"}},
		{"number past int64, as written", strings.Replace(good, "records: 10", "records: 99999999999999999999", 1), []string{"records: 99999999999999999999 is out of range (allowed: 1 to 1000000000)"}},
		{"past the id space", strings.Replace(good, "records: 10", "records: 1000000001", 1), []string{"records: 1000000001 is out of range (allowed: 1 to 1000000000)"}},
		// The shape a snapshot needs.
		{"no stages", strings.Replace(good, "  stages: [{type: person}, {type: vehicle}, {type: incident}, {type: profile}, {type: validate, on_violation: warn}]\n", "", 1),
			[]string{"pipeline.stages: no stage makes an entity for the sinks to write", "add type: person to pipeline.stages"}},
		{"validate first", strings.Replace(good, "[{type: person}, {type: vehicle}, {type: incident}, {type: profile}, {type: validate, on_violation: warn}]", "[{type: validate}, {type: person}, {type: vehicle}, {type: incident}, {type: profile}]", 1),
			[]string{"pipeline.stages[0] (validate) checks every entity, but persons, vehicles, incidents, profiles are made only later, by pipeline.stages[1] (person), pipeline.stages[2] (vehicle), pipeline.stages[3] (incident), pipeline.stages[4] (profile): put pipeline.stages[0] after it"}},
		{"vehicle before person", strings.Replace(good, "{type: person}, {type: vehicle}", "{type: vehicle}, {type: person}", 1),
			[]string{"pipeline.stages[0] (vehicle) needs persons, made only later by pipeline.stages[1] (person): put pipeline.stages[0] after it"}},
		{"profile before vehicle", strings.Replace(good, "{type: vehicle}, {type: incident}, {type: profile}", "{type: profile}, {type: vehicle}, {type: incident}", 1),
			[]string{"pipeline.stages[1] (profile) needs vehicles, incidents, made only later by pipeline.stages[2] (vehicle), pipeline.stages[3] (incident): put pipeline.stages[1] after it"}},
		{"profile without vehicle", strings.Replace(good, "{type: vehicle}, {type: incident}, {type: profile}, {type: validate, on_violation: warn}", "{type: profile}", 1),
			[]string{"pipeline.stages[1] (profile) needs persons, vehicles, incidents, but no stage before it makes vehicles, incidents: put it after type: vehicle, type: incident"}},
		{"person twice", strings.Replace(good, "{type: person},", "{type: person}, {type: person},", 1), []string{"pipeline.stages[1] (person) makes persons again, already made by pipeline.stages[0] (person)"}},
		{"no sinks", strings.Replace(good, "[{type: csv}, {type: metadata}]", "[]", 1),
			[]string{"a snapshot needs its records", "add one of type: csv, json, parquet to pipeline.sinks", "its metadata", "add type: metadata to pipeline.sinks"}},
		{"no metadata sink", strings.Replace(good, "[{type: csv}, {type: metadata}]", "[{type: csv}]", 1),
			[]string{"a snapshot needs its metadata (validate and merge read the seed", "add type: metadata to pipeline.sinks"}},
		{"no finalizer", strings.Replace(good, "  finalizers: [{type: manifest}]\n", "", 1),
			[]string{"a snapshot needs its manifest (validate, merge and every rerun", "add type: manifest to pipeline.finalizers"}},
		{"sink twice", strings.Replace(good, "[{type: csv}, {type: metadata}]", "[{type: csv}, {type: metadata}, {type: csv}]", 1),
			[]string{"pipeline.sinks[2] (csv) writes the same files as pipeline.sinks[0]"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := write(t, tc.body)
			_, err := config.Load(path, config.Overrides{})
			require.Error(t, err)
			require.True(t, config.IsConfigError(err), "a config error (exit 2)")
			require.Contains(t, err.Error(), path, "names the file")
			for _, w := range tc.want {
				require.Contains(t, err.Error(), w)
			}
		})
	}
	_, err := config.Load(filepath.Join(t.TempDir(), "missing.yaml"), config.Overrides{})
	require.ErrorContains(t, err, "missing.yaml")
	require.True(t, config.IsConfigError(err))
}

func TestEnvThenFlagsOverride(t *testing.T) {
	path := write(t, good)
	t.Setenv("SYNTHPIPE_RECORDS", "33")
	t.Setenv("SYNTHPIPE_DATASET_REFERENCE_DATE", "2025-06-30")
	cfg, err := config.Load(path, config.Overrides{})
	require.NoError(t, err)
	require.Equal(t, int64(33), cfg.Records, "environment beats the file")
	require.Equal(t, "2025-06-30", cfg.ReferenceDate.String())

	n := int64(44)
	cfg, err = config.Load(path, config.Overrides{Records: &n})
	require.NoError(t, err)
	require.Equal(t, int64(44), cfg.Records, "flags beat the environment")

	t.Setenv("SYNTHPIPE_SEED", "abc")
	_, err = config.Load(path, config.Overrides{})
	require.ErrorContains(t, err, "SYNTHPIPE_SEED")
	require.ErrorContains(t, err, "not a whole number")
}

func TestSHA256IgnoresWorkersAndOutput(t *testing.T) {
	a, err := config.Load(write(t, good), config.Overrides{})
	require.NoError(t, err)
	w, dir := int64(8), "elsewhere"
	b, err := config.Load(write(t, good), config.Overrides{Workers: &w, OutputDir: &dir})
	require.NoError(t, err)
	require.Equal(t, a.SHA256(), b.SHA256())
	s := int64(8)
	c, err := config.Load(write(t, good), config.Overrides{Seed: &s})
	require.NoError(t, err)
	require.NotEqual(t, a.SHA256(), c.SHA256())
}

func TestShardFlag(t *testing.T) {
	path := write(t, good)
	s := "2/3"
	cfg, err := config.Load(path, config.Overrides{Shard: &s})
	require.NoError(t, err)
	require.Equal(t, [2]int{2, 3}, [2]int{cfg.Shard, cfg.Shards})
	whole, err := config.Load(path, config.Overrides{})
	require.NoError(t, err)
	require.Equal(t, whole.SHA256(), cfg.SHA256(), "a part has the whole run's config hash")
	for _, bad := range []string{"0/3", "4/3", "3", "a/b", "1/0", "1/11"} {
		_, err := config.Load(path, config.Overrides{Shard: &bad})
		require.Error(t, err, bad)
		require.True(t, config.IsConfigError(err))
		require.ErrorContains(t, err, "--shard")
	}
}

// An unquoted YAML date is the same date, and the same config hash.
func TestUnquotedDate(t *testing.T) {
	quoted, err := config.Load(write(t, good), config.Overrides{})
	require.NoError(t, err)
	plain, err := config.Load(write(t, strings.Replace(good, `"2026-01-01"`, "2026-01-01", 1)), config.Overrides{})
	require.NoError(t, err)
	require.Equal(t, "2026-01-01", plain.ReferenceDate.String())
	require.Equal(t, quoted.SHA256(), plain.SHA256())
	_, err = config.Load(write(t, strings.Replace(good, `"2026-01-01"`, "2026-01-01T10:00:00Z", 1)), config.Overrides{})
	require.ErrorContains(t, err, "want YYYY-MM-DD")
}

// A bad flag or environment value is blamed on the flag or variable, not on
// the config file.
func TestOverridesAreBlamedByName(t *testing.T) {
	path := write(t, good)
	n, w, empty := int64(-5), int64(99999), " "
	for _, tc := range []struct {
		ov   config.Overrides
		want string
	}{
		{config.Overrides{Records: &n}, "--records: -5 is out of range (allowed: 1 to 1000000000)"},
		{config.Overrides{Seed: &n}, "--seed: -5 is out of range (allowed: 0 to 4611686018427387903)"},
		{config.Overrides{Workers: &w}, "--workers: 99999 is out of range (allowed: 0 to 1024)"},
		{config.Overrides{OutputDir: &empty}, "--output-dir: must not be empty"},
	} {
		_, err := config.Load(path, tc.ov)
		require.True(t, config.IsConfigError(err))
		require.EqualError(t, err, tc.want)
	}
	t.Setenv("SYNTHPIPE_RECORDS", "99999999999999999999")
	_, err := config.Load(path, config.Overrides{})
	require.EqualError(t, err, "environment SYNTHPIPE_RECORDS: 99999999999999999999 is out of range (allowed: 1 to 1000000000)")
	t.Setenv("SYNTHPIPE_RECORDS", "10")
	t.Setenv("SYNTHPIPE_DATASET_REFERENCE_DATE", "1950-06-30")
	_, err = config.Load(path, config.Overrides{})
	require.ErrorContains(t, err, "environment SYNTHPIPE_DATASET_REFERENCE_DATE: 1950-06-30 is out of range")
}

// A value found wrong after loading (an output.dir that is not writable)
// is blamed as Load blames it: on the flag, the variable or the file's key.
func TestFromNamesWhereAValueCameFrom(t *testing.T) {
	path := write(t, good)
	cfg, err := config.Load(path, config.Overrides{})
	require.NoError(t, err)
	require.Equal(t, "config "+path+": output.dir", cfg.From("output.dir"))
	require.Equal(t, "config "+path+": workers", cfg.From("workers"), "a default is the file's key")

	t.Setenv("SYNTHPIPE_OUTPUT_DIR", "env-out")
	cfg, err = config.Load(path, config.Overrides{})
	require.NoError(t, err)
	require.Equal(t, "environment SYNTHPIPE_OUTPUT_DIR", cfg.From("output.dir"))
	require.Equal(t, "config "+path+": records", cfg.From("records"))

	dir, n := "flag-out", int64(3)
	cfg, err = config.Load(path, config.Overrides{OutputDir: &dir, Records: &n})
	require.NoError(t, err)
	require.Equal(t, "--output-dir", cfg.From("output.dir"))
	require.Equal(t, "--records", cfg.From("records"))
}

// An unknown SYNTHPIPE_ variable is most likely a typo: a warning names it
// and the variables that exist.
func TestUnknownEnvironmentWarns(t *testing.T) {
	t.Setenv("SYNTHPIPE_RECRODS", "5")
	cfg, err := config.Load(write(t, good), config.Overrides{})
	require.NoError(t, err)
	require.Len(t, cfg.Warnings, 1)
	require.Contains(t, cfg.Warnings[0], "SYNTHPIPE_RECRODS: not a setting, ignored")
	require.Contains(t, cfg.Warnings[0], "SYNTHPIPE_RECORDS")
	require.Equal(t, int64(10), cfg.Records)
}
