package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/verify"
	"github.com/synthpipe/synthpipe/stages/sinks/parquetsink"
)

// docs/contract.md is generated from the code and must be current.
func TestContractIsCurrent(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteContract(&b))
	committed, err := os.ReadFile("../../docs/contract.md")
	require.NoError(t, err)
	require.Equal(t, b.String(), string(committed), "run `go tool -modfile=tools/go.mod task docs` to regenerate docs/contract.md")

	code, out, errOut := run("contract")
	require.Equal(t, ExitOK, code, errOut)
	require.Equal(t, b.String(), out)
}

// The contract documents every declared column and every rule.
func TestContractCoversEveryColumnAndRule(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteContract(&b))
	doc := b.String()
	for _, e := range entity.All() {
		section := doc[strings.Index(doc, "\n### "+e.Name()+"\n"):]
		section = section[:strings.Index(section[1:], "\n### ")+1]
		for i, c := range e.Columns() {
			require.Contains(t, section, "| "+strconv.Itoa(i+1)+" | `"+c.Name+"` | "+c.Kind.String()+" |", "%s.%s", e.Name(), c.Name)
		}
	}
	both := strings.Count(doc, "| stage and `validate` |")
	require.Equal(t, verify.RecordRulesChecked(), both, "rows marked as checked by validate")
	require.Equal(t, len(verify.FileRules), strings.Count(doc, "| `validate` |"))
}

// The contract's v0.1 table is what the committed v0.1 snapshot holds:
// column names and order (CSV header, Parquet schema), nullability, the
// Parquet type of every column — the one v0.2's writer gives it today —,
// enum values, rules version, scenario tags and metadata keys.
func TestContractV01IsTheCommittedSnapshot(t *testing.T) {
	const dir = "../../data/snapshots/v0.1"
	for _, old := range contractV01 {
		e := entity.Of([]string{old.Name})
		require.Len(t, e, 1, old.Name)
		now, err := parquetColumns(e[0])
		require.NoError(t, err)

		f, err := os.Open(filepath.Join(dir, old.Name+"_v0_1.csv"))
		require.NoError(t, err)
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		require.NoError(t, err)
		var names []string
		for _, c := range old.Columns {
			names = append(names, c.Name)
		}
		require.Equal(t, names, rows[0], "%s: CSV header", old.Name)
		require.Greater(t, len(rows), 1)
		for i, c := range old.Columns {
			for _, r := range rows[1:] {
				v := r[i]
				if v == "" {
					// An empty list is an empty field too.
					require.True(t, c.Nullable || c.Kind == model.KindStringList, "%s.%s is empty in a row but not nullable in the v0.1 table", old.Name, c.Name)
					continue
				}
				if c.Enum != nil {
					require.Contains(t, c.Enum, v, "%s.%s", old.Name, c.Name)
				}
			}
		}

		pf, err := os.Open(filepath.Join(dir, old.Name+"_v0_1.parquet"))
		require.NoError(t, err)
		st, err := pf.Stat()
		require.NoError(t, err)
		file, err := parquet.OpenFile(pf, st.Size())
		require.NoError(t, err)
		fields := file.Schema().Fields()
		require.Len(t, fields, len(old.Columns), old.Name)
		for i, c := range old.Columns {
			require.Equal(t, c.Name, fields[i].Name())
			require.Equal(t, c.Nullable, fields[i].Optional(), "%s.%s nullable", old.Name, c.Name)
			require.Equal(t, parquetType(now[c.Name]), parquetType(fields[i]), "%s.%s: v0.2 writes the Parquet type v0.1 did", old.Name, c.Name)
		}
		pf.Close()

		if old.Name == model.Profiles {
			for _, r := range rows[1:] {
				require.Equal(t, rulesVersionV01, r[11])
				if r[10] != "" {
					for _, tag := range strings.Split(r[10], "|") {
						require.Contains(t, tagsV01, tag)
					}
				}
			}
		}
	}

	raw, err := os.ReadFile(filepath.Join(dir, "metadata_v0_1.json"))
	require.NoError(t, err)
	require.Equal(t, metadataKeysV01, topLevelKeys(t, raw))
}

// topLevelKeys returns a JSON object's keys in document order.
func topLevelKeys(t *testing.T, raw []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	_, err := dec.Token()
	require.NoError(t, err)
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}

// The metadata keys the contract lists are those a v0.2 snapshot has, in
// its order.
func TestContractMetadataKeysAreTheSnapshots(t *testing.T) {
	raw, err := os.ReadFile("../../data/snapshots/v0.2/metadata_v0_2.json")
	require.NoError(t, err)
	var top []string
	for _, k := range metadataKeys() {
		if !strings.Contains(k.Path, ".") {
			top = append(top, k.Path)
		}
	}
	require.Equal(t, topLevelKeys(t, raw), top)
}

// The generator refuses a v0.2 that breaks a v0.1 reader instead of
// documenting it as a change.
func TestContractRefusesBreakingV01(t *testing.T) {
	saved := contractV01
	t.Cleanup(func() { contractV01 = saved })
	edit := func(fn func(cols []v01Column) []v01Column) {
		contractV01 = slices.Clone(saved)
		contractV01[1].Columns = fn(slices.Clone(saved[1].Columns)) // vehicles
	}
	cases := map[string]struct {
		fn   func([]v01Column) []v01Column
		want string
	}{
		"renamed":                  {func(c []v01Column) []v01Column { c[5].Name = "manufacturer"; return c }, "renamed, moved or removed"},
		"removed":                  {func(c []v01Column) []v01Column { return append(c, v01Column{Name: "colour", Kind: model.KindString}) }, "renamed, moved or removed"},
		"retyped":                  {func(c []v01Column) []v01Column { c[7].Kind = model.KindString; return c }, "changed type"},
		"nullable became required": {func(c []v01Column) []v01Column { c[5].Nullable = true; return c }, "may be null in v0.1"},
		"enum value dropped": {func(c []v01Column) []v01Column {
			c[10].Enum = append(slices.Clone(c[10].Enum), "racing")
			return c
		}, `no longer allows v0.1's "racing"`},
	}
	for name, tc := range cases {
		edit(tc.fn)
		g := &contractGen{suffix: "v0_2"}
		_, err := g.changes()
		require.ErrorContains(t, err, tc.want, name)
	}
	contractV01 = saved
	_, err := (&contractGen{suffix: "v0_2"}).changes()
	require.NoError(t, err)
}

// A key or entity the template does not describe fails the generation.
func TestContractProseIsRequired(t *testing.T) {
	g := &contractGen{}
	var err error
	g.t, err = parseContractTemplate()
	require.NoError(t, err)
	_, err = g.prose("meta.colour", nil)
	require.ErrorContains(t, err, `no {{define "meta.colour"}}`)
	doc, err := g.prose("meta.record_count_entity", "incidents")
	require.NoError(t, err)
	require.Contains(t, doc, "records of `incidents`")
}

// Every profile of the governed snapshot lists its scenario tags as an
// ordered subsequence of derive.Tags, the allowed values the contract gives.
func TestScenarioTagsAreTheDeclaredOnes(t *testing.T) {
	f, err := os.Open("../../data/snapshots/v0.2/profiles_v0_2.csv")
	require.NoError(t, err)
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	require.NoError(t, err)
	col := slices.Index(header, "scenario_tags")
	require.GreaterOrEqual(t, col, 0)
	seen := map[string]bool{}
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if row[col] == "" {
			continue
		}
		last := -1
		for _, tag := range strings.Split(row[col], "|") {
			i := slices.Index(derive.Tags, tag)
			require.Greater(t, i, last, "tag %q of %s: not declared, or out of order", tag, row[0])
			last = i
			seen[tag] = true
		}
	}
	require.Greater(t, len(seen), len(tagsV01), "the governed snapshot shows the v0.2 tags")
}

// The contract says the governed config writes row groups of the default
// size: it does.
func TestGovernedRowGroupIsTheDefault(t *testing.T) {
	cfg, err := config.Load("../../configs/v0.2.yaml", config.Overrides{})
	require.NoError(t, err)
	found := false
	for _, sk := range cfg.Sinks {
		if sk.Type == parquetsink.Type {
			found = true
			require.Equal(t, int64(parquetsink.DefaultRowGroupRows), sk.Conf.Int("row_group_rows"))
		}
	}
	require.True(t, found, "the governed config writes Parquet")
}
