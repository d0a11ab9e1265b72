package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/snapshot"
	"github.com/synthpipe/synthpipe/internal/testkit/testrun"
	"github.com/synthpipe/synthpipe/internal/verify"
	"github.com/synthpipe/synthpipe/pipeline"
	"github.com/synthpipe/synthpipe/stages/checks/validate"
)

const governed = "../../configs/v0.2.yaml"

func load(t testing.TB, records int64, seed *int64, shard *string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	cfg, err := config.Load(governed, config.Overrides{Records: &records, Seed: seed, Shard: shard, OutputDir: &dir})
	require.NoError(t, err)
	return cfg
}

func newService(t testing.TB, records int64) *Service {
	t.Helper()
	s, err := New(load(t, records, nil, nil), Options{SnapshotsDir: "../../data/snapshots", Logger: zerolog.Nop()})
	require.NoError(t, err)
	return s
}

// run writes the CLI's snapshot of the config with records and seed (and
// shard) and returns its folder.
func run(t testing.TB, records int64, seed *int64, shard *string) string {
	t.Helper()
	res, err := snapshot.Generate(context.Background(), load(t, records, seed, shard), snapshot.Options{Workers: 2, Logger: zerolog.Nop()})
	require.NoError(t, err)
	return res.Dir
}

func gen(t testing.TB, s *Service, req GenerateRequest) []byte {
	t.Helper()
	var buf bytes.Buffer
	_, err := s.Generate(context.Background(), req, &buf)
	require.NoError(t, err)
	return buf.Bytes()
}

func ptr[T any](v T) *T { return &v }

// section returns the rows of one entity's array in a dataset document,
// one row a line, as the json sink writes them.
func section(t testing.TB, doc []byte, name string) [][]byte {
	t.Helper()
	start := bytes.Index(doc, []byte("\n  \""+name+"\": ["))
	require.GreaterOrEqual(t, start, 0, name)
	rest := doc[start:]
	rest = rest[bytes.IndexByte(rest, '[')+1:]
	var rows [][]byte
	for line := range bytes.Lines(rest) {
		l := bytes.TrimSpace(line)
		if bytes.HasPrefix(l, []byte("]")) || len(l) == 0 {
			if len(rows) > 0 || bytes.HasPrefix(l, []byte("]")) {
				break
			}
			continue
		}
		rows = append(rows, bytes.TrimSuffix(l, []byte(",")))
	}
	return rows
}

// With offset 0 a request's bytes are the CLI's files of the same run.
func TestGenerateEqualsSnapshot(t *testing.T) {
	const records = 2500 // two batches of the governed config
	seed := ptr(int64(77))
	dir := run(t, records, seed, nil)
	s := newService(t, records) // the served dataset has the run's size
	for _, e := range []string{"persons", "vehicles", "profiles"} {
		for _, f := range []string{FormatCSV, FormatParquet} {
			t.Run(e+"."+f, func(t *testing.T) {
				want, err := os.ReadFile(filepath.Join(dir, e+"_v0_2."+f))
				require.NoError(t, err)
				got := gen(t, s, GenerateRequest{Entity: e, Records: records, Seed: seed, Format: f})
				require.True(t, bytes.Equal(want, got), "%s %s: %d bytes, want %d", e, f, len(got), len(want))
			})
		}
	}
	doc, err := os.ReadFile(filepath.Join(dir, "dataset_v0_2.json"))
	require.NoError(t, err)
	t.Run("dataset.json", func(t *testing.T) {
		got := gen(t, s, GenerateRequest{Entity: Dataset, Records: records, Seed: seed, Format: FormatJSON})
		require.True(t, bytes.Equal(doc, got), "dataset: %d bytes, want %d", len(got), len(doc))
	})
	t.Run("persons.json", func(t *testing.T) {
		got := gen(t, s, GenerateRequest{Entity: "persons", Records: records, Seed: seed, Format: FormatJSON})
		var arr []json.RawMessage
		require.NoError(t, json.Unmarshal(got, &arr))
		want := section(t, doc, "persons")
		require.Len(t, arr, len(want))
		require.Equal(t, int64(len(want)), int64(records))
		for i := range want {
			require.Equal(t, string(want[i]), string(arr[i]))
		}
	})
	t.Run("vehicles.ndjson", func(t *testing.T) {
		got := gen(t, s, GenerateRequest{Entity: "vehicles", Records: records, Seed: seed, Format: FormatNDJSON})
		want := section(t, doc, "vehicles")
		lines := bytes.Split(bytes.TrimSuffix(got, []byte("\n")), []byte("\n"))
		require.Len(t, lines, len(want))
		for i := range want {
			require.Equal(t, string(want[i]), string(lines[i]))
		}
	})
	t.Run("dataset.ndjson", func(t *testing.T) {
		got := gen(t, s, GenerateRequest{Entity: Dataset, Records: records, Seed: seed, Format: FormatNDJSON})
		var want []string
		for _, e := range []string{"persons", "vehicles", "profiles", "incidents"} {
			for _, r := range section(t, doc, e) {
				want = append(want, `{"entity":"`+e+`","record":`+string(r)+`}`)
			}
		}
		require.Equal(t, want, strings.Split(strings.TrimSuffix(string(got), "\n"), "\n"))
	})
}

// A request with an offset returns the households of the run of
// offset+records persons whose first person is at or after offset: the
// part a sharded run of that size makes, and the tail of the whole run.
func TestGenerateOffset(t *testing.T) {
	s := newService(t, 900)
	for _, k := range []int{2, 3} {
		t.Run(fmt.Sprintf("part %d/3 of 900", k), func(t *testing.T) {
			part := run(t, 900, nil, ptr(fmt.Sprintf("%d/3", k)))
			for _, f := range []string{FormatCSV, FormatParquet} {
				for _, e := range []string{"persons", "vehicles"} {
					want, err := os.ReadFile(filepath.Join(part, e+"_v0_2."+f))
					require.NoError(t, err)
					got := gen(t, s, GenerateRequest{Entity: e, Offset: int64(k-1) * 300, Records: 300, Format: f})
					require.True(t, bytes.Equal(want, got), "%s.%s", e, f)
				}
			}
		})
	}
	t.Run("pages join up", func(t *testing.T) {
		whole, err := os.ReadFile(filepath.Join(run(t, 900, nil, nil), "vehicles_v0_2.csv"))
		require.NoError(t, err)
		var paged strings.Builder
		for off := int64(0); off < 900; off += 7 { // a page size that splits households
			got := string(gen(t, s, GenerateRequest{Entity: "vehicles", Offset: off, Records: 7, Format: FormatCSV}))
			header, rows, _ := strings.Cut(got, "\n")
			if off == 0 {
				paged.WriteString(header + "\n")
			}
			paged.WriteString(rows)
		}
		require.Equal(t, string(whole), paged.String(), "every vehicle once, in order")
		_, err = s.Record(context.Background(), RecordRequest{Entity: "persons", ID: "PER-0000000900"})
		require.NoError(t, err)
		err = s.CheckGenerate(GenerateRequest{Entity: "persons", Offset: 900, Records: 1, Format: FormatCSV})
		require.ErrorContains(t, err, "offset \"900\" is not allowed: 0 to 899: the served dataset has 900 persons")
	})
	t.Run("tail of the whole run", func(t *testing.T) {
		const n = 3000
		whole, err := os.ReadFile(filepath.Join(run(t, n, nil, nil), "persons_v0_2.csv"))
		require.NoError(t, err)
		// Configured for n persons, the service seeks from its checkpoints
		// (one every checkpointEvery households): offsets on both sides of one.
		s := newService(t, n)
		require.Greater(t, len(s.idx.h), 1)
		cp := s.idx.h[1].p
		for _, off := range []int64{1, 2, 3, 500, cp - 1, cp, cp + 1, n - 3, n - 1} {
			got := gen(t, s, GenerateRequest{Entity: "persons", Offset: off, Records: n - off, Format: FormatCSV})
			rows := strings.SplitAfter(string(got), "\n")
			all := strings.SplitAfter(string(whole), "\n")
			require.Equal(t, all[0], rows[0], "header")
			tail := rows[1 : len(rows)-1]
			if len(tail) == 0 {
				continue // no household starts in the range
			}
			first := strings.SplitN(tail[0], ",", 2)[0]
			i, ok := ident.ParseID("PER-", first)
			require.True(t, ok)
			require.GreaterOrEqual(t, i, off, "no person before offset")
			require.Less(t, i, off+5, "the first household at or after offset")
			require.Equal(t, all[1+i:len(all)-1], tail, "offset %d", off)
		}
	})
	t.Run("another seed", func(t *testing.T) {
		s := newService(t, 700)
		seed := ptr(int64(5))
		whole, err := os.ReadFile(filepath.Join(run(t, 700, seed, nil), "profiles_v0_2.csv"))
		require.NoError(t, err)
		got := gen(t, s, GenerateRequest{Entity: "profiles", Seed: seed, Offset: 650, Records: 50, Format: FormatCSV})
		require.True(t, strings.HasSuffix(string(whole), strings.SplitN(string(got), "\n", 2)[1]))
	})
}

// datasetIndex reads a dataset document's records by entity and id (the
// first column), for every declared entity, and the ids in file order.
func datasetIndex(t testing.TB, dir string) (map[string]map[string]map[string]any, map[string][]string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "dataset_v0_2.json"))
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc map[string]json.RawMessage
	require.NoError(t, dec.Decode(&doc))
	out, order := map[string]map[string]map[string]any{}, map[string][]string{}
	for _, e := range entity.All() {
		d := json.NewDecoder(bytes.NewReader(doc[e.Name()]))
		d.UseNumber()
		var rows []map[string]any
		require.NoError(t, d.Decode(&rows), e.Name())
		out[e.Name()] = map[string]map[string]any{}
		for _, r := range rows {
			id := r[e.Columns()[0].Name].(string)
			out[e.Name()][id] = r
			order[e.Name()] = append(order[e.Name()], id)
		}
	}
	return out, order
}

// Every declared entity is served by id: real ids of a run (first, last
// and some between) give the run's record, and every other entity can be
// included, giving the rows of the run that belong to the record's persons.
func TestRecordOfEveryEntity(t *testing.T) {
	const records = 1500
	s := newService(t, records)
	idx, order := datasetIndex(t, run(t, records, nil, nil))
	// personsOf and of say, from the run's columns, what Record includes.
	personsOf := func(e string, r map[string]any) []any {
		switch e {
		case "persons":
			return []any{r["person_id"]}
		case "vehicles":
			if r["owner_person_id"] == r["primary_driver_person_id"] {
				return []any{r["owner_person_id"]}
			}
			return []any{r["owner_person_id"], r["primary_driver_person_id"]}
		}
		require.Contains(t, r, "person_id", "%s: say here which persons a record of it is about", e)
		return []any{r["person_id"]}
	}
	of := func(x string, persons []any) []map[string]any {
		out := []map[string]any{}
		col := map[string]string{"vehicles": "primary_driver_person_id"}[x]
		if col == "" {
			col = "person_id"
		}
		for _, id := range order[x] {
			if slices.Contains(persons, idx[x][id][col]) {
				out = append(out, idx[x][id])
			}
		}
		return out
	}
	ctx := context.Background()
	for _, e := range entity.All() {
		require.Contains(t, s.Entities(), e.Name(), "the governed config makes every declared entity")
		ids := order[e.Name()]
		require.NotEmpty(t, ids, e.Name())
		var others []string
		for _, x := range s.Entities() {
			if x != e.Name() {
				others = append(others, x)
			}
		}
		for _, k := range []int{0, 1, len(ids) / 3, len(ids) / 2, len(ids) - 2, len(ids) - 1} {
			id := ids[k]
			got, err := s.Record(ctx, RecordRequest{Entity: e.Name(), ID: id, Include: others})
			require.NoError(t, err, id)
			m := asMaps(t, got)
			require.Equal(t, idx[e.Name()][id], m.Record, id)
			persons := personsOf(e.Name(), m.Record)
			for _, x := range others {
				want := of(x, persons)
				require.ElementsMatch(t, want, m.Linked[x], "%s include %s", id, x)
			}
		}
		// An id of the entity's form past the last record names nothing.
		last := ids[len(ids)-1]
		_, err := s.Record(ctx, RecordRequest{Entity: e.Name(), ID: strings.Replace(last, last[len(e.IDPrefix()):len(e.IDPrefix())+10], "0000009999", 1)})
		require.ErrorAs(t, err, new(*NotFound), e.Name())
	}
}

// Record returns the row the whole run writes, with what belongs to it.
func TestRecordEqualsRun(t *testing.T) {
	const records = 3000
	s := newService(t, records)
	idx, _ := datasetIndex(t, run(t, records, nil, nil))
	ctx := context.Background()
	for _, id := range []string{"PER-0000000001", "PER-0000000002", "PER-0000001234", "PER-0000002049", "PER-0000003000"} {
		raw, err := s.Record(ctx, RecordRequest{Entity: "persons", ID: id, Include: []string{"vehicles,profiles"}})
		require.NoError(t, err, id)
		got := asMaps(t, raw)
		require.Equal(t, idx["persons"][id], got.Record, id)
		var wantV []map[string]any
		for _, vid := range sortedKeys(idx["vehicles"]) {
			if v := idx["vehicles"][vid]; v["primary_driver_person_id"] == id {
				wantV = append(wantV, v)
			}
		}
		require.ElementsMatch(t, wantV, got.Linked["vehicles"], id)
		require.Len(t, got.Linked["profiles"], 1)
		require.Equal(t, id, got.Linked["profiles"][0]["person_id"])
		require.Equal(t, idx["profiles"][got.Linked["profiles"][0]["profile_id"].(string)], got.Linked["profiles"][0])
	}
	last := ident.ID("VEH-", int64(len(idx["vehicles"])-1))
	for _, id := range []string{"VEH-0000000001", "VEH-0000000777", last} {
		raw, err := s.Record(ctx, RecordRequest{Entity: "vehicles", ID: id, Include: []string{"persons", "profiles"}})
		require.NoError(t, err, id)
		got := asMaps(t, raw)
		require.Equal(t, idx["vehicles"][id], got.Record, id)
		owner := idx["vehicles"][id]["owner_person_id"]
		require.Equal(t, owner, got.Linked["persons"][0]["person_id"])
		require.Equal(t, idx["persons"][owner.(string)], got.Linked["persons"][0])
		require.Equal(t, len(got.Linked["persons"]), len(got.Linked["profiles"]))
	}
	_, err := s.Record(ctx, RecordRequest{Entity: "vehicles", ID: ident.ID("VEH-", int64(len(idx["vehicles"])))})
	require.ErrorAs(t, err, new(*NotFound), "one past the last vehicle")
	sing, err := s.Record(ctx, RecordRequest{Entity: "persons", ID: "PER-0000000002", Include: []string{"vehicles,profile"}})
	require.NoError(t, err, "an include may name the singular")
	plur, err := s.Record(ctx, RecordRequest{Entity: "persons", ID: "PER-0000000002", Include: []string{"vehicles", "profiles"}})
	require.NoError(t, err)
	require.Equal(t, plur, sing)
	for _, id := range []string{"PRO-0000000001", "PRO-0000003000"} {
		raw, err := s.Record(ctx, RecordRequest{Entity: "profiles", ID: id, Include: []string{"persons", "vehicles"}})
		require.NoError(t, err, id)
		got := asMaps(t, raw)
		require.Equal(t, idx["profiles"][id], got.Record, id)
		require.Equal(t, idx["persons"][got.Record["person_id"].(string)], got.Linked["persons"][0])
		require.Len(t, got.Linked["vehicles"], len(got.Record["vehicle_ids"].([]any)))
	}
}

func sortedKeys(m map[string]map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// A lookup replays at most checkpointEvery plans, wherever the id is: a
// deterministic measure of constant time.
func TestRecordConstantTime(t *testing.T) {
	sizes := []int64{2_000_000}
	if !testing.Short() {
		sizes = append(sizes, 50_000_000)
	}
	for _, n := range sizes {
		start := time.Now()
		s := newService(t, n)
		t.Logf("%d persons: checkpoint table of %d built in %v", n, len(s.idx.h), time.Since(start))
		for _, i := range []int64{9, n / 2, n - 1} {
			for _, e := range []string{"persons", "profiles"} {
				prefix := map[string]string{"persons": "PER-", "profiles": "PRO-"}[e]
				before := s.replayed.Load()
				got, err := s.Record(context.Background(), RecordRequest{Entity: e, ID: ident.ID(prefix, i)})
				require.NoError(t, err)
				require.Equal(t, ident.ID(prefix, i), asMaps(t, got).Record[map[string]string{"persons": "person_id", "profiles": "profile_id"}[e]])
				replayed := s.replayed.Load() - before
				require.LessOrEqual(t, replayed, int64(checkpointEvery), "%s of %d", ident.ID(prefix, i), n)
				require.Positive(t, replayed)
			}
		}
		lastV := ident.ID("VEH-", s.idx.vehicles-1)
		before := s.replayed.Load()
		_, err := s.Record(context.Background(), RecordRequest{Entity: "vehicles", ID: lastV})
		require.NoError(t, err)
		require.LessOrEqual(t, s.replayed.Load()-before, int64(checkpointEvery))
	}
}

func TestRefusals(t *testing.T) {
	s := newService(t, 200)
	ctx := context.Background()
	gens := []struct {
		name  string
		req   GenerateRequest
		param string // "" for NotFound
	}{
		{"unknown entity", GenerateRequest{Entity: "pets", Records: 1, Format: FormatJSON}, ""},
		{"zero records", GenerateRequest{Entity: "persons", Records: 0, Format: FormatJSON}, "records"},
		{"too many records", GenerateRequest{Entity: "persons", Records: DefaultMaxRecords + 1, Format: FormatJSON}, "records"},
		{"negative offset", GenerateRequest{Entity: "persons", Records: 1, Offset: -1, Format: FormatJSON}, "offset"},
		{"past the served dataset", GenerateRequest{Entity: "persons", Records: 10, Offset: 200, Format: FormatJSON}, "offset"},
		{"negative seed", GenerateRequest{Entity: "persons", Records: 1, Seed: ptr(int64(-1)), Format: FormatJSON}, "seed"},
		{"huge seed", GenerateRequest{Entity: "persons", Records: 1, Seed: ptr(int64(1 << 62)), Format: FormatJSON}, "seed"},
		{"unknown format", GenerateRequest{Entity: "persons", Records: 1, Format: "xml"}, "format"},
		{"dataset csv", GenerateRequest{Entity: Dataset, Records: 1, Format: FormatCSV}, "format"},
		{"dataset parquet", GenerateRequest{Entity: Dataset, Records: 1, Format: FormatParquet}, "format"},
	}
	for _, c := range gens {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := s.Generate(ctx, c.req, &buf)
			require.Equal(t, err, s.CheckGenerate(c.req))
			require.Zero(t, buf.Len(), "nothing written")
			requireRefusal(t, err, c.param)
		})
	}
	// The last person the SSNs allow is fine.
	require.NoError(t, s.CheckGenerate(GenerateRequest{Entity: "persons", Records: 10, Offset: 199, Format: FormatCSV}), "a page may run past the end: it ends with the dataset")

	recs := []struct {
		name  string
		req   RecordRequest
		param string
	}{
		{"unknown entity", RecordRequest{Entity: "pets", ID: "PET-0000000001"}, ""},
		{"wrong prefix", RecordRequest{Entity: "persons", ID: "VEH-0000000001"}, "id"},
		{"another entity's form", RecordRequest{Entity: "incidents", ID: "PER-0000000001"}, "id"},
		{"malformed incident", RecordRequest{Entity: "incidents", ID: "foo"}, "id"},
		{"incident without its sequence", RecordRequest{Entity: "incidents", ID: "INC-0000000002"}, "id"},
		{"incident of no person", RecordRequest{Entity: "incidents", ID: "INC-0000000000-01"}, ""},
		{"incident past the last person", RecordRequest{Entity: "incidents", ID: "INC-0000000201-01"}, ""},
		{"incident past a person's last", RecordRequest{Entity: "incidents", ID: "INC-0000000002-99"}, ""},
		{"zero id", RecordRequest{Entity: "persons", ID: "PER-0000000000"}, ""},
		{"past the last", RecordRequest{Entity: "persons", ID: "PER-0000000201"}, ""},
		{"profile past the last", RecordRequest{Entity: "profiles", ID: "PRO-0000000201"}, ""},
		{"malformed", RecordRequest{Entity: "persons", ID: "PER-12"}, "id"},
		{"malformed long", RecordRequest{Entity: "persons", ID: strings.Repeat("x", 500)}, "id"},
		{"unknown include", RecordRequest{Entity: "persons", ID: "PER-0000000001", Include: []string{"pets"}}, "include"},
		{"self include", RecordRequest{Entity: "persons", ID: "PER-0000000001", Include: []string{"persons"}}, "include"},
	}
	for _, c := range recs {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Record(ctx, c.req)
			requireRefusal(t, err, c.param)
			require.Less(t, len(err.Error()), 300, "input is not echoed whole")
		})
	}
	_, err := s.Describe("pets")
	requireRefusal(t, err, "")
}

func requireRefusal(t *testing.T, err error, param string) {
	t.Helper()
	if param == "" {
		var nf *NotFound
		require.ErrorAs(t, err, &nf)
		return
	}
	var bi *BadInput
	require.ErrorAs(t, err, &bi)
	require.Equal(t, param, bi.Param)
	require.NotEmpty(t, bi.Allowed)
}

// corrupt breaks every person's SSN, so the validate stage after it fails.
type corrupt struct{}

func (corrupt) Process(_ context.Context, b *component.Batch) error {
	for i := range b.Payload.Persons {
		b.Payload.Persons[i].SSN = "123-45-6789"
	}
	return nil
}

func init() {
	component.RegisterStage(pipeline.Spec{Type: "service-test-corrupt"}, func(pipeline.Conf, *component.Env) (component.Stage, error) { return corrupt{}, nil })
}

// A failing validate stage fails the request; documents that spool write
// nothing, and a record lookup fails too.
func TestGenerateValidateFails(t *testing.T) {
	body, err := os.ReadFile(governed)
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "corrupt.yaml")
	require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(body), "    - type: validate\n", "    - type: service-test-corrupt\n    - type: validate\n", 1)), 0o644))
	cfg, err := config.Load(p, config.Overrides{})
	require.NoError(t, err)
	s, err := New(cfg, Options{SnapshotsDir: t.TempDir()})
	require.NoError(t, err)
	for _, f := range []string{FormatJSON, FormatNDJSON} {
		var buf bytes.Buffer
		_, err = s.Generate(context.Background(), GenerateRequest{Entity: Dataset, Records: 100, Format: f}, &buf)
		require.True(t, validate.IsValidationError(err), "%v", err)
		require.Zero(t, buf.Len(), f)
	}
	_, err = s.Record(context.Background(), RecordRequest{Entity: "persons", ID: "PER-0000000001"})
	require.True(t, validate.IsValidationError(err), "%v", err)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = s.Generate(ctx, GenerateRequest{Entity: "persons", Records: 100, Format: FormatCSV}, io.Discard)
	require.ErrorIs(t, err, context.Canceled)
}

func TestDescribe(t *testing.T) {
	s := newService(t, 200)
	d, err := s.Describe("persons")
	require.NoError(t, err)
	require.Equal(t, "person", d.Singular)
	require.Equal(t, "PER-", d.IDPrefix)
	require.Equal(t, "person_id", d.Columns[0].Name)
	require.Equal(t, "string", d.Columns[0].Type)
	require.NotEmpty(t, d.Rules)
	require.Equal(t, "urn:synthpipe:schema:v0.2:person", d.JSONSchema["$id"])
	require.Equal(t, []string{"persons", "vehicles", "profiles", "incidents"}, s.Entities())
	require.Equal(t, "text/csv; charset=utf-8", MediaType(FormatCSV))
	require.Equal(t, "application/x-ndjson", MediaType(FormatNDJSON))
}

func TestSnapshots(t *testing.T) {
	root := t.TempDir()
	testrun.CopyFiles(t, "../../data/snapshots/v0.2", filepath.Join(root, "v0.2"))
	testrun.CopyFiles(t, "../../data/snapshots/v0.2", filepath.Join(root, "variants", "clean-licences", "v0.2"))
	testrun.CopyFiles(t, "../../data/snapshots/v0.2", filepath.Join(root, "a", "b", "c", "v0.2")) // too deep
	outside := t.TempDir()
	testrun.CopyFiles(t, "../../data/snapshots/v0.2", filepath.Join(outside, "v0.2"))
	require.NoError(t, os.Symlink(filepath.Join(outside, "v0.2"), filepath.Join(root, "linked")))
	// A listed file replaced by a symlink to a copy with the same bytes.
	tricked := filepath.Join(root, "variants", "clean-licences", "v0.2", "persons_v0_2.csv")
	require.NoError(t, os.Remove(tricked))
	require.NoError(t, os.Symlink(filepath.Join(outside, "v0.2", "persons_v0_2.csv"), tricked))

	s, err := New(load(t, 200, nil, nil), Options{SnapshotsDir: root})
	require.NoError(t, err)
	require.NoError(t, s.Ready())
	list, err := s.Snapshots()
	require.NoError(t, err)
	var paths []string
	for _, x := range list {
		paths = append(paths, x.Path)
		require.Equal(t, "v0.2", x.Version)
		require.Equal(t, int64(2000), x.Records)
		require.Equal(t, 10, x.Files)
	}
	require.Equal(t, []string{"v0.2", "variants/clean-licences/v0.2"}, paths)

	raw, sum, err := s.Manifest("v0.2")
	require.NoError(t, err)
	want, err := os.ReadFile("../../data/snapshots/v0.2/snapshot_manifest_v0_2.json")
	require.NoError(t, err)
	require.Equal(t, want, raw)
	require.Equal(t, list[0].ManifestSHA, sum)
	require.Len(t, sum, 64)

	for _, p := range []string{"", "..", "../v0.2", "/v0.2", "v0.1/..", "v0.1%2f..", "variants/../v0.2", `v0.1\..`, "./v0.2", "v0.1/"} {
		_, _, err := s.Manifest(p)
		require.Error(t, err, p)
		var bi *BadInput
		var nf *NotFound
		require.True(t, errors.As(err, &bi) || errors.As(err, &nf), "%q: %v", p, err)
	}
	for _, p := range []string{"linked", "variants", "a/b/c/v0.2", "v9.9"} {
		_, _, err := s.Manifest(p)
		require.ErrorAs(t, err, new(*NotFound), p)
	}

	f, err := s.OpenFile("v0.2", "persons_v0_2.csv")
	require.NoError(t, err)
	body, err := io.ReadAll(f)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	wantCSV, err := os.ReadFile("../../data/snapshots/v0.2/persons_v0_2.csv")
	require.NoError(t, err)
	require.Equal(t, wantCSV, body)
	require.Equal(t, int64(len(wantCSV)), f.Size())
	require.Equal(t, "text/csv; charset=utf-8", f.ContentType())
	require.Len(t, f.ETag(), 64)
	pq, err := s.OpenFile("v0.2", "persons_v0_2.parquet")
	require.NoError(t, err)
	require.Equal(t, "application/vnd.apache.parquet", pq.ContentType())
	pq.Close()

	for _, c := range []struct{ path, name string }{
		{"v0.2", "snapshot_manifest_v0_2.json"}, // not listed by itself
		{"v0.2", "../v0.1/persons_v0_2.csv"},
		{"v0.2", "notes.txt"},
		{"variants/clean-licences/v0.2", "persons_v0_2.csv"}, // a symlink
	} {
		_, err := s.OpenFile(c.path, c.name)
		require.ErrorAs(t, err, new(*NotFound), "%s %s", c.path, c.name)
	}
	// A listed file of another size than its manifest says is refused.
	require.NoError(t, os.WriteFile(filepath.Join(root, "v0.2", "vehicles_v0_2.csv"), []byte("x"), 0o644))
	_, err = s.OpenFile("v0.2", "vehicles_v0_2.csv")
	require.ErrorContains(t, err, "manifest says")
}

// A listing stops at maxEntries names under the root, however many a
// folder holds: the folders are read a chunk at a time (safeio.EachEntry,
// whose own test proves it never reads to the end of a folder past the
// limit), and the error names the limit.
func TestSnapshotsListingIsBounded(t *testing.T) {
	root := t.TempDir()
	testrun.CopyFiles(t, "../../data/snapshots/v0.2", filepath.Join(root, "v0.2"))
	junk := filepath.Join(root, "junk")
	require.NoError(t, os.Mkdir(junk, 0o755))
	s, err := New(load(t, 200, nil, nil), Options{SnapshotsDir: root})
	require.NoError(t, err)
	// Up to the limit the listing works: root's 2 names, v0.2's 10 files
	// and manifest, and junk's names.
	for i := range maxEntries - 13 {
		require.NoError(t, os.WriteFile(filepath.Join(junk, strconv.Itoa(i)), nil, 0o644))
	}
	list, err := s.Snapshots()
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.NoError(t, os.WriteFile(filepath.Join(junk, "one-more"), nil, 0o644))
	_, err = s.Snapshots()
	require.ErrorContains(t, err, fmt.Sprintf("more than %d names to its depth of %d folders, the limit of a listing", maxEntries, maxDepth))
	_, _, err = s.Manifest("v0.2")
	require.ErrorContains(t, err, "the limit of a listing", "finding a snapshot lists too")
}

func TestValidateGoverned(t *testing.T) {
	s := newService(t, 200)
	rep, clean, err := s.Validate(context.Background(), "v0.2")
	require.NoError(t, err)
	require.True(t, clean, "%s", rep)
	require.True(t, json.Valid(rep))
	_, _, err = s.Validate(context.Background(), "../configs")
	requireRefusal(t, err, "path")
}

// A validation names the snapshot as the client did: neither its report
// nor its errors tell where the snapshots root lies on the server.
func TestValidateKeepsTheServersPaths(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{"good", "bad"} {
		require.NoError(t, os.CopyFS(filepath.Join(root, name), os.DirFS("../../data/snapshots/v0.2")))
	}
	require.NoError(t, os.WriteFile(filepath.Join(root, "bad", "snapshot_manifest_v0_2.json"), []byte("{"), 0o644))
	s, err := New(load(t, 200, nil, nil), Options{SnapshotsDir: root, Logger: zerolog.Nop()})
	require.NoError(t, err)

	rep, clean, err := s.Validate(context.Background(), "good")
	require.NoError(t, err)
	require.True(t, clean)
	var r struct{ Dir string }
	require.NoError(t, json.Unmarshal(rep, &r))
	require.Equal(t, "good", r.Dir)
	require.NotContains(t, string(rep), root)

	_, _, err = s.Validate(context.Background(), "bad")
	require.True(t, verify.IsUnusable(err), "%v", err)
	require.Equal(t, "validate bad: snapshot_manifest_v0_2.json is not a manifest: unexpected end of JSON input", err.Error())
}

func TestReady(t *testing.T) {
	s, err := New(load(t, 200, nil, nil), Options{SnapshotsDir: filepath.Join(t.TempDir(), "missing")})
	require.NoError(t, err)
	require.Error(t, s.Ready())
}

func BenchmarkRecord(b *testing.B) {
	s := newService(b, 50_000_000)
	for _, id := range []string{"PER-0000000010", "PER-0050000000"} {
		b.Run(id, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Record(context.Background(), RecordRequest{Entity: "persons", ID: id}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkGenerateNDJSON1000(b *testing.B) {
	s := newService(b, 200)
	req := GenerateRequest{Entity: "persons", Records: 1000, Format: FormatNDJSON}
	for b.Loop() {
		if _, err := s.Generate(context.Background(), req, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(1000*float64(b.N)/b.Elapsed().Seconds(), "persons/s")
}

// Lookups and requests run at once share no stage instance (run with -race).
func TestConcurrentUse(t *testing.T) {
	s := newService(t, 5000)
	want, err := s.Record(context.Background(), RecordRequest{Entity: "persons", ID: "PER-0000004321", Include: []string{"vehicles"}})
	require.NoError(t, err)
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			for range 20 {
				got, err := s.Record(context.Background(), RecordRequest{Entity: "persons", ID: "PER-0000004321", Include: []string{"vehicles"}})
				if err == nil && !equalJSON(got, want) {
					err = errors.New("different record")
				}
				if err == nil && g%4 == 0 {
					_, err = s.Generate(context.Background(), GenerateRequest{Entity: Dataset, Records: 50, Offset: int64(g) * 100, Format: FormatNDJSON}, io.Discard)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		require.NoError(t, <-errs)
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// recordMaps is a Record with its JSON objects decoded, to compare with
// the run's rows.
type recordMaps struct {
	Record map[string]any
	Linked map[string][]map[string]any
}

func asMaps(t *testing.T, r Record) recordMaps {
	t.Helper()
	dec := func(raw json.RawMessage) map[string]any {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var m map[string]any
		require.NoError(t, d.Decode(&m))
		return m
	}
	out := recordMaps{Record: dec(r.Record), Linked: map[string][]map[string]any{}}
	for k, list := range r.Linked {
		for _, o := range list {
			out.Linked[k] = append(out.Linked[k], dec(o))
		}
	}
	return out
}

// Generate says how many records of each entity it wrote: the lines of a
// dataset's NDJSON by entity, the rows of one entity's CSV — whole
// households, so a page may hold more persons than it asked for, and the
// last page fewer.
func TestGenerateCountsWhatItServes(t *testing.T) {
	s := newService(t, 200)
	var buf bytes.Buffer
	served, err := s.Generate(context.Background(), GenerateRequest{Entity: Dataset, Records: 30, Offset: 20, Format: FormatNDJSON}, &buf)
	require.NoError(t, err)
	lines := Served{}
	for _, l := range bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n")) {
		var rec struct{ Entity string }
		require.NoError(t, json.Unmarshal(l, &rec))
		lines[rec.Entity]++
	}
	require.Equal(t, lines, served)
	require.Len(t, served, len(s.Entities()))
	require.GreaterOrEqual(t, served["persons"], int64(30))

	buf.Reset()
	served, err = s.Generate(context.Background(), GenerateRequest{Entity: "vehicles", Records: 30, Offset: 190, Format: FormatCSV}, &buf)
	require.NoError(t, err)
	rows := int64(bytes.Count(buf.Bytes(), []byte("\n")) - 1) // the header
	require.Equal(t, Served{"vehicles": rows}, served)
}
