package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/config"
	_ "github.com/synthpipe/synthpipe/stages"
)

const good = `dataset:
  name: t
  version: v0.1
  schema_version: "0.1"
  reference_date: "2026-01-01"
seed: 7
records: 10
output:
  dir: out
pipeline:
  source: {type: seed}
  stages: [{type: person}, {type: validate, on_violation: warn}]
  sinks: [{type: csv}]
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
	require.Len(t, cfg.Stages, 2)
	require.Equal(t, "warn", cfg.Stages[1].Conf.String("on_violation"))
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
		{"unknown stage type", strings.Replace(good, "{type: person}", "{type: persn}", 1), []string{"pipeline.stages[0].type", `unknown stage type "persn"`, "allowed: person, profile, validate, vehicle"}},
		{"unknown stage field", strings.Replace(good, "on_violation: warn", "on_violaton: warn", 1), []string{"pipeline.stages[1].on_violaton", "allowed: on_violation, max_examples"}},
		{"bad enum value", strings.Replace(good, "on_violation: warn", "on_violation: shout", 1), []string{"pipeline.stages[1].on_violation", `"shout" is not allowed`, "fail, warn"}},
		{"bad date", strings.Replace(good, `"2026-01-01"`, `"2026-02-30"`, 1), []string{"dataset.reference_date", "not a calendar day"}},
		{"bad version", strings.Replace(good, "version: v0.1", "version: latest", 1), []string{"dataset.version", "vMAJOR.MINOR"}},
		{"missing sinks", strings.Replace(good, "  sinks: [{type: csv}]\n", "", 1), []string{"pipeline.sinks", "missing"}},
		{"not yaml", "records: [\n", []string{"c.yaml"}},
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
