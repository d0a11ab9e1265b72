package entity_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
)

// An entity is found by its name or its singular, so neither may be
// another entity's name or singular.
func TestFindByNameOrSingular(t *testing.T) {
	for _, n := range []string{"persons", "person"} {
		e, ok := entity.Find(n)
		require.True(t, ok, n)
		require.Equal(t, model.Persons, e.Name())
	}
	_, ok := entity.Find("pets")
	require.False(t, ok)

	type row struct {
		ID string `parquet:"id" json:"id"`
	}
	clash := func(name, singular string) func() {
		return func() {
			entity.Declare(entity.Def[row]{Name: name, Singular: singular, IDPrefix: "CLA-",
				Columns: []model.Column[row]{{Name: "id", Kind: model.KindString, Str: func(r *row) string { return r.ID }}},
				ID:      func(r *row) string { return r.ID }})
		}
	}
	require.PanicsWithValue(t, "entity: person (individual, CLA-) clashes with persons (person, PER-): names and singulars are unique among both, and id prefixes too", clash("person", "individual"))
	require.PanicsWithValue(t, "entity: people (persons, CLA-) clashes with persons (person, PER-): names and singulars are unique among both, and id prefixes too", clash("people", "persons"))
}
