package snapshot_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/snapshot"
	"github.com/synthpipe/synthpipe/internal/testkit"
	"github.com/synthpipe/synthpipe/pipeline"
	_ "github.com/synthpipe/synthpipe/stages"
	"github.com/synthpipe/synthpipe/stages/checks/validate"
)

const governed = "../../configs/v0.2.yaml"

func generate(t *testing.T, ov config.Overrides, workers int) (string, snapshot.Result) {
	t.Helper()
	dir := t.TempDir()
	ov.OutputDir = &dir
	cfg, err := config.Load(governed, ov)
	require.NoError(t, err)
	res, err := snapshot.Generate(context.Background(), cfg, snapshot.Options{Workers: workers})
	require.NoError(t, err)
	return res.Dir, res
}

func hashes(t *testing.T, dir string) map[string]string { return testkit.FileHashes(t, dir) }

// The committed governed snapshot is reproduced byte for byte.
func TestGoldenSnapshot(t *testing.T) {
	dir, res := generate(t, config.Overrides{}, 2)
	require.Equal(t, snapshot.Created, res.Outcome)
	st, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o755), st.Mode().Perm(), "snapshot folder is readable by all")
	want := hashes(t, "../../data/snapshots/v0.2")
	require.Len(t, want, 11, "four entities in CSV and Parquet, the dataset JSON, metadata and manifest")
	require.Equal(t, want, hashes(t, dir), "regenerate with `task snapshot` only with a decision-log entry")
}

// Same bytes whatever the workers, the batch size or the time zone.
func TestDeterminism(t *testing.T) {
	n := int64(3000)
	base, _ := generate(t, config.Overrides{Records: &n}, 1)
	want := hashes(t, base)

	dir8, _ := generate(t, config.Overrides{Records: &n}, 8)
	require.Equal(t, want, hashes(t, dir8), "workers 1 vs 8")

	t.Setenv("SYNTHPIPE_BATCH_SIZE", "37")
	small, _ := generate(t, config.Overrides{Records: &n}, 3)
	require.Equal(t, want, hashes(t, small), "batch size 37")

	old := time.Local
	t.Cleanup(func() { time.Local = old })
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		tokyo = time.FixedZone("JST", 9*3600)
	}
	time.Local = tokyo
	t.Setenv("TZ", "Asia/Tokyo")
	tz, _ := generate(t, config.Overrides{Records: &n}, 2)
	require.Equal(t, want, hashes(t, tz), "TZ=Asia/Tokyo")
}

func TestRerunUnchangedAndForce(t *testing.T) {
	dir := t.TempDir()
	cfg, err := config.Load(governed, config.Overrides{OutputDir: &dir})
	require.NoError(t, err)
	res, err := snapshot.Generate(context.Background(), cfg, snapshot.Options{})
	require.NoError(t, err)
	require.Equal(t, snapshot.Created, res.Outcome)
	before := hashes(t, res.Dir)

	res, err = snapshot.Generate(context.Background(), cfg, snapshot.Options{})
	require.NoError(t, err)
	require.Equal(t, snapshot.Unchanged, res.Outcome)

	seed := int64(99)
	other, err := config.Load(governed, config.Overrides{OutputDir: &dir, Seed: &seed})
	require.NoError(t, err)
	_, err = snapshot.Generate(context.Background(), other, snapshot.Options{})
	require.ErrorIs(t, err, snapshot.ErrExists)
	require.Equal(t, before, hashes(t, res.Dir), "existing snapshot untouched")
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
	require.Empty(t, leftovers, "no staging folder left")

	res, err = snapshot.Generate(context.Background(), other, snapshot.Options{Force: true})
	require.NoError(t, err)
	require.Equal(t, snapshot.Replaced, res.Outcome)
	require.NotEqual(t, before, hashes(t, res.Dir))
}

type brokenSink struct{}

func (brokenSink) Write(context.Context, *component.Batch) error { return errors.New("disk full") }
func (brokenSink) Close(context.Context) ([]pipeline.FileInfo, error) {
	return nil, nil
}
func (brokenSink) Abort() {}

func init() {
	component.RegisterSink(pipeline.Spec{Type: "broken"}, func(pipeline.Conf, *component.Env) (component.Sink, error) { return brokenSink{}, nil })
}

// A failed run leaves no snapshot and no staging folder.
func TestFailedRunLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	bad, err := config.Load(writeBroken(t), config.Overrides{OutputDir: &dir})
	require.NoError(t, err)
	_, err = snapshot.Generate(context.Background(), bad, snapshot.Options{})
	require.ErrorContains(t, err, "disk full")
	entries, _ := os.ReadDir(dir)
	require.Empty(t, entries, "nothing written")
}

func writeBroken(t *testing.T) string {
	body, err := os.ReadFile(governed)
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "broken.yaml")
	cfgText := string(body)
	cfgText = strings.Replace(cfgText, "    - type: metadata\n", "    - type: metadata\n    - type: broken\n", 1)
	require.NoError(t, os.WriteFile(p, []byte(cfgText), 0o644))
	return p
}

type corrupt struct{}

func (corrupt) Process(_ context.Context, b *component.Batch) error {
	b.Payload.Persons[0].SSN = "123-45-6789"
	return nil
}

func init() {
	component.RegisterStage(pipeline.Spec{Type: "corrupt"}, func(pipeline.Conf, *component.Env) (component.Stage, error) { return corrupt{}, nil })
}

// A violation stops the run with a validation error, and nothing is written.
func TestViolationWritesNoSnapshot(t *testing.T) {
	dir := t.TempDir()
	body, err := os.ReadFile(governed)
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "corrupt.yaml")
	require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(body), "    - type: validate\n", "    - type: corrupt\n    - type: validate\n", 1)), 0o644))
	cfg, err := config.Load(p, config.Overrides{OutputDir: &dir})
	require.NoError(t, err)
	_, err = snapshot.Generate(context.Background(), cfg, snapshot.Options{})
	require.True(t, validate.IsValidationError(err), "%v", err)
	require.ErrorContains(t, err, "PER-0000000001: column ssn breaks rule ssn_never_issued")
	entries, _ := os.ReadDir(dir)
	require.Empty(t, entries)
}

// An independent reader (Apache Arrow) reads the Parquet back with the
// contract's types and counts.
func TestParquetRoundTripWithArrow(t *testing.T) {
	dir, res := generate(t, config.Overrides{}, 2)
	records := map[string]int64{}
	for _, f := range res.Files {
		records[f.Name] = f.Records
	}
	cases := []struct {
		file  string
		types map[string]arrow.Type
	}{
		{"persons_v0_2.parquet", map[string]arrow.Type{"person_id": arrow.STRING, "date_of_birth": arrow.DATE32, "license_issue_date": arrow.DATE32, "gender": arrow.DICTIONARY}},
		{"vehicles_v0_2.parquet", map[string]arrow.Type{"vin": arrow.STRING, "model_year": arrow.INT32, "annual_mileage": arrow.INT32, "lienholder": arrow.DICTIONARY}},
		{"profiles_v0_2.parquet", map[string]arrow.Type{"vehicle_ids": arrow.LIST, "scenario_tags": arrow.LIST, "risk_score": arrow.INT32, "primary_vehicle_id": arrow.STRING}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			rdr, err := file.OpenParquetFile(filepath.Join(dir, tc.file), false)
			require.NoError(t, err)
			defer rdr.Close()
			fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
			require.NoError(t, err)
			tbl, err := fr.ReadTable(context.Background())
			require.NoError(t, err)
			defer tbl.Release()
			require.Equal(t, records[tc.file], tbl.NumRows())
			sc := tbl.Schema()
			for col, typ := range tc.types {
				idx := sc.FieldIndices(col)
				require.Len(t, idx, 1, col)
				got := sc.Field(idx[0]).Type.ID()
				if typ == arrow.DICTIONARY && got == arrow.STRING {
					got = arrow.DICTIONARY // readers may decode dictionaries to plain strings
				}
				require.Equal(t, typ, got, col)
			}
			if tc.file == "vehicles_v0_2.parquet" {
				idx := sc.FieldIndices("lienholder")[0]
				require.True(t, sc.Field(idx).Nullable, "lienholder is OPTIONAL")
				owned := 0
				own := tbl.Column(sc.FieldIndices("ownership")[0]).Data().Chunks()
				for _, ch := range own {
					for i := 0; i < ch.Len(); i++ {
						if ch.ValueStr(i) == "owned" {
							owned++
						}
					}
				}
				require.Positive(t, owned)
				require.Equal(t, owned, tbl.Column(idx).Data().NullN(), "null lienholder iff owned")
			}
		})
	}
}

func TestMergeNeedsEveryPart(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"1/3", "3/3"} {
		s := k
		n := int64(300)
		cfg, err := config.Load(governed, config.Overrides{OutputDir: &dir, Shard: &s, Records: &n})
		require.NoError(t, err)
		_, err = snapshot.Generate(context.Background(), cfg, snapshot.Options{})
		require.NoError(t, err)
	}
	n := int64(300)
	cfg, err := config.Load(governed, config.Overrides{OutputDir: &dir, Records: &n})
	require.NoError(t, err)
	_, err = snapshot.Merge(context.Background(), cfg, snapshot.Options{})
	require.ErrorContains(t, err, "part 2 of 3 is missing")
	_, err = os.Stat(filepath.Join(dir, "v0.2"))
	require.True(t, os.IsNotExist(err), "no snapshot from an incomplete merge")
}

// Same bytes for workers 1, 2 and 8 and for batch sizes across the range the
// config allows, on a 100k-person run with every format.
func TestDeterminismAcrossWorkersAndBatchSizes100k(t *testing.T) {
	if testing.Short() {
		t.Skip("100k-person runs")
	}
	n := int64(100_000)
	base, _ := generate(t, config.Overrides{Records: &n}, 1)
	want := hashes(t, base)
	for _, workers := range []int{2, 8} {
		dir, _ := generate(t, config.Overrides{Records: &n}, workers)
		require.Equal(t, want, hashes(t, dir), "workers %d", workers)
	}
	for _, batch := range []string{"1", "333", "65536", "1048576"} {
		t.Setenv("SYNTHPIPE_BATCH_SIZE", batch)
		dir, _ := generate(t, config.Overrides{Records: &n}, 2)
		require.Equal(t, want, hashes(t, dir), "batch size %s", batch)
	}
}
