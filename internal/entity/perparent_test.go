package entity_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
)

// tag is a test-only entity with PerParent ids: a person may have none.
type tag struct {
	TagID    string `parquet:"tag_id" json:"tag_id"`
	PersonID string `parquet:"person_id" json:"person_id"`
}

var tags = entity.Declare(entity.Def[tag]{
	Name: "tags", Singular: "tag", IDPrefix: "TAG-", IDs: entity.PerParent, Parent: model.Persons,
	Columns: []model.Column[tag]{
		{Name: "tag_id", Kind: model.KindString, Pattern: entity.PerParentPattern("TAG-"), Str: func(r *tag) string { return r.TagID }},
		{Name: "person_id", Kind: model.KindString, Str: func(r *tag) string { return r.PersonID }},
	},
	ID:    func(r *tag) string { return r.TagID },
	Rules: []entity.Rule{{Name: "tag_across", Description: "test", Across: true}},
	CheckAcross: func(b *model.Batch, _ *model.Run, report entity.BatchReport) {
		if len(b.Persons) == 0 {
			report("", "tag_across", "person_id", "no persons")
		}
	},
})

func TestPerParentIDs(t *testing.T) {
	require.Equal(t, "TAG-0000000042-07", entity.PerParentID("TAG-", 41, 7))
	parent, seq, ok := entity.ParsePerParentID("TAG-", "TAG-0000000042-07")
	require.True(t, ok)
	require.Equal(t, int64(41), parent)
	require.Equal(t, 7, seq)
	for _, bad := range []string{"TAG-0000000042", "TAG-0000000042-00", "TAG-0000000000-01", "TAG-000000004x-01", "TAG-0000000042_01", "INC-0000000042-01", "TAG-0000000042-1"} {
		_, _, ok := entity.ParsePerParentID("TAG-", bad)
		require.False(t, ok, bad)
	}
	require.Equal(t, `^TAG-[0-9]{10}-[0-9]{2}$`, entity.PerParentPattern("TAG-"))
	require.Equal(t, entity.PerParent, tags.IDs())
	require.Equal(t, entity.Contiguous, entity.Persons.IDs())
	require.Equal(t, entity.RuleIDPerParent, tags.Rules()[0].Name, "Declare lists the id rule first")
}

// Within a batch: ids in increasing order and of the PerParent form pass;
// a repeated, decreasing or malformed id breaks id_per_parent; CheckAcross
// rules are reported with the batch.
func TestPerParentCheckBatch(t *testing.T) {
	b := entity.NewBatch()
	b.Persons = append(b.Persons, model.Person{PersonID: "PER-0000000001"})
	rows := tags.Rows(b)
	*rows = append(*rows,
		tag{TagID: "TAG-0000000001-01"}, tag{TagID: "TAG-0000000001-02"}, tag{TagID: "TAG-0000000005-01"})
	got := map[string][]string{}
	collect := func(id, rule, column, value string) { got[rule] = append(got[rule], id+" "+value) }
	tags.CheckBatch(b, &model.Run{}, collect)
	require.Empty(t, got)

	*rows = append(*rows, tag{TagID: "TAG-0000000005-01"}, tag{TagID: "TAG-0000000003-01"}, tag{TagID: "TAG-3-01"})
	tags.CheckBatch(b, &model.Run{}, collect)
	require.Equal(t, []string{
		"TAG-0000000005-01 TAG-0000000005-01 after TAG-0000000005-01",
		"TAG-0000000003-01 TAG-0000000003-01 after TAG-0000000005-01",
		"TAG-3-01 TAG-3-01",
	}, got[entity.RuleIDPerParent])

	b.Persons = b.Persons[:0]
	clear(got)
	*rows = (*rows)[:1]
	tags.CheckBatch(b, &model.Run{}, collect)
	require.Equal(t, []string{" no persons"}, got["tag_across"])
}

// Read back, a row's Check names a malformed PerParent id (validate checks
// the order across the file: internal/verify).
func TestPerParentReadBack(t *testing.T) {
	csv := "tag_id,person_id\nTAG-0000000001-01,PER-0000000001\nTAG-0000000001,PER-0000000001\n"
	r, err := tags.OpenCSV(bytes.NewReader([]byte(csv)), io.NopCloser(nil))
	require.NoError(t, err)
	var rules []string
	for r.Next() == nil {
		r.Check(func(rule, column, value string) { rules = append(rules, rule+" "+value) })
	}
	require.Equal(t, []string{"id_per_parent TAG-0000000001"}, rules)
}
