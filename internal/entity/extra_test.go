package entity_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/formats/layout"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/entity/schema"
	"github.com/synthpipe/synthpipe/internal/snapshot"
	"github.com/synthpipe/synthpipe/internal/verify"
	"github.com/synthpipe/synthpipe/pipeline"
	_ "github.com/synthpipe/synthpipe/stages" // the built-in components
)

// note is an entity that exists only in this test: a note for three
// persons in four.
// Declaring it and registering its generator below is all it takes to have
// it written in every format, counted, described, read back, validated,
// sharded and merged; no package of the program knows it.
type note struct {
	NoteID   string `parquet:"note_id" json:"note_id"`
	PersonID string `parquet:"person_id" json:"person_id"`
	Topic    string `parquet:"topic,dict" json:"topic"`
	Stars    int32  `parquet:"stars" json:"stars"`
}

var topics = []string{"claims", "billing", "roadside"}

var notes = entity.Declare(entity.Def[note]{
	Name: "notes", Singular: "note", IDPrefix: "NOT-",
	Columns: []model.Column[note]{
		{Name: "note_id", Kind: model.KindString, Pattern: `^NOT-[0-9]{10}$`, Str: func(n *note) string { return n.NoteID }},
		{Name: "person_id", Kind: model.KindString, Pattern: `^PER-[0-9]{10}$`, Str: func(n *note) string { return n.PersonID }},
		{Name: "topic", Kind: model.KindEnum, Enum: topics, Str: func(n *note) string { return n.Topic }},
		{Name: "stars", Kind: model.KindInt, Doc: "1-5", Int: func(n *note) int64 { return int64(n.Stars) }},
	},
	ID:    func(n *note) string { return n.NoteID },
	Rules: []entity.Rule{{Name: "note_stars_range", Description: "a note has 1 to 5 stars"}},
	Check: func(n *note, report entity.Report) {
		if n.Stars < 1 || n.Stars > 5 {
			report("note_stars_range", "stars", fmt.Sprint(n.Stars))
		}
	},
})

// noteStage makes a note for three persons in four, from the person's index
// alone, so a shard makes exactly the notes of its persons.
type noteStage struct{}

func (noteStage) Process(_ context.Context, b *component.Batch) error {
	mb := b.Payload
	rows := notes.Rows(mb)
	for i := range mb.Persons {
		idx, _ := ident.ParseID("PER-", mb.Persons[i].PersonID)
		if idx%4 == 3 {
			continue // every fourth person has none: batches and parts hold fewer notes than persons
		}
		*rows = append(*rows, note{NoteID: ident.ID("NOT-", idx-idx/4), PersonID: mb.Persons[i].PersonID, Topic: topics[idx%3], Stars: int32(idx%5 + 1)})
	}
	return nil
}

func init() {
	// memo makes an entity nobody declared (a typo for notes, say).
	component.RegisterStage(pipeline.Spec{Type: "memo", Needs: []string{model.Persons}, Provides: []string{"memos"}},
		func(pipeline.Conf, *component.Env) (component.Stage, error) { return noteStage{}, nil })
	component.RegisterStage(pipeline.Spec{
		Type: "note", Needs: []string{model.Persons}, Provides: []string{"notes"},
		Summary: "Test only: one note per person.",
	}, func(pipeline.Conf, *component.Env) (component.Stage, error) { return noteStage{}, nil })
}

// withNotes writes the governed config with the note stage added into dir.
func withNotes(t *testing.T, dir string) string {
	t.Helper()
	base, err := os.ReadFile("../../configs/v0.2.yaml")
	require.NoError(t, err)
	yaml := strings.Replace(string(base), "    - type: profile\n", "    - type: profile\n    - type: note\n", 1)
	require.Contains(t, yaml, "type: note")
	path := filepath.Join(dir, "notes.yaml")
	require.NoError(t, os.WriteFile(path, []byte(yaml), 0o644))
	return path
}

// The note stage after validate would leave its rows unchecked: refused at
// load, naming both; so is a stage that makes an entity nobody declared.
func TestEntityStageAfterValidateRefused(t *testing.T) {
	tmp := t.TempDir()
	base, err := os.ReadFile("../../configs/v0.2.yaml")
	require.NoError(t, err)
	yaml := strings.Replace(string(base), "      on_violation: fail\n", "      on_violation: fail\n    - type: note\n", 1)
	path := filepath.Join(tmp, "late.yaml")
	require.NoError(t, os.WriteFile(path, []byte(yaml), 0o644))
	_, err = config.Load(path, config.Overrides{})
	require.ErrorContains(t, err, "pipeline.stages[4] (validate) checks every entity, but notes are made only later, by pipeline.stages[5] (note): put pipeline.stages[4] after it")
	require.True(t, config.IsConfigError(err))

	yaml = strings.Replace(string(base), "    - type: profile\n", "    - type: profile\n    - type: memo\n", 1)
	require.NoError(t, os.WriteFile(path, []byte(yaml), 0o644))
	_, err = config.Load(path, config.Overrides{})
	require.ErrorContains(t, err, `pipeline.stages[4] (memo) makes "memos", which is not a declared entity`)
}

func load(t *testing.T, file, out string, shard string) *config.Config {
	t.Helper()
	records := int64(3000)
	ov := config.Overrides{OutputDir: &out, Records: &records}
	if shard != "" {
		ov.Shard = &shard
	}
	cfg, err := config.Load(file, ov)
	require.NoError(t, err)
	return cfg
}

func sums(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	out := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		s := sha256.Sum256(b)
		out[e.Name()] = hex.EncodeToString(s[:])
	}
	return out
}

func TestAnEntityDeclaredInATestGoesEverywhere(t *testing.T) {
	tmp := t.TempDir()
	file := withNotes(t, tmp)
	single := filepath.Join(tmp, "single")
	res, err := snapshot.Generate(context.Background(), load(t, file, single, ""), snapshot.Options{Workers: 2})
	require.NoError(t, err)

	// Written in every format, listed in the manifest and counted in metadata.
	var man layout.Manifest
	raw, err := os.ReadFile(filepath.Join(res.Dir, "snapshot_manifest_v0_2.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &man))
	listed := map[string]int64{}
	for _, f := range man.Files {
		listed[f.Name] = f.Records
	}
	require.Equal(t, int64(2250), listed["notes_v0_2.csv"])
	require.Equal(t, int64(2250), listed["notes_v0_2.parquet"])
	var meta model.Metadata
	raw, err = os.ReadFile(filepath.Join(res.Dir, "metadata_v0_2.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &meta))
	n, ok := meta.Count("notes")
	require.True(t, ok)
	require.Equal(t, int64(2250), n)
	require.Equal(t, []string{"persons", "vehicles", "profiles", "incidents", "notes"}, countNames(meta))
	var doc map[string]json.RawMessage
	raw, err = os.ReadFile(filepath.Join(res.Dir, "dataset_v0_2.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &doc))
	var inJSON []note
	require.NoError(t, json.Unmarshal(doc["notes"], &inJSON))
	require.Len(t, inJSON, 2250)
	require.Equal(t, note{NoteID: "NOT-0000000001", PersonID: "PER-0000000001", Topic: "claims", Stars: 1}, inJSON[0])

	// Described: its JSON Schema comes from its declaration.
	sch, err := schema.Document("note")
	require.NoError(t, err)
	require.Contains(t, string(sch), `"^NOT-[0-9]{10}$"`)

	// Read back and validated, in every format, by its own rules too.
	rep, err := verify.Run(t.Context(), res.Dir)
	require.NoError(t, err)
	require.True(t, rep.Clean(), "%+v", rep.ByRule)
	bad := filepath.Join(tmp, "bad")
	require.NoError(t, os.MkdirAll(bad, 0o755))
	for name := range sums(t, res.Dir) {
		b, err := os.ReadFile(filepath.Join(res.Dir, name))
		require.NoError(t, err)
		if name == "notes_v0_2.csv" {
			b = []byte(strings.Replace(string(b), "NOT-0000000001,PER-0000000001,claims,1", "NOT-0000000001,PER-0000000001,claims,9", 1))
		}
		require.NoError(t, os.WriteFile(filepath.Join(bad, name), b, 0o644))
	}
	rep, err = verify.Run(t.Context(), bad)
	require.NoError(t, err)
	rules := map[string]bool{}
	for _, r := range rep.ByRule {
		rules[string(r.Rule)] = true
	}
	require.True(t, rules["note_stars_range"], "%+v", rep.ByRule)
	require.True(t, rules["formats_agree"], "the CSV now differs from Parquet and JSON")

	// Sharded into three parts and merged: the single run's bytes.
	parts := filepath.Join(tmp, "sharded")
	for k := 1; k <= 3; k++ {
		_, err := snapshot.Generate(context.Background(), load(t, file, parts, fmt.Sprintf("%d/3", k)), snapshot.Options{Workers: 1})
		require.NoError(t, err)
	}
	merged, err := snapshot.Merge(context.Background(), load(t, file, parts, ""), snapshot.Options{})
	require.NoError(t, err)
	require.Equal(t, sums(t, res.Dir), sums(t, merged.Dir))
}

func countNames(m model.Metadata) []string {
	var out []string
	for _, c := range m.Counts {
		out = append(out, c.Entity)
	}
	return out
}
