package person_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/testkit"
	"github.com/synthpipe/synthpipe/stages/generators/person"
	"github.com/synthpipe/synthpipe/stages/sources/seed"
)

// Adding a column leaves every other column byte-identical: each column
// draws from its own stream (stream.Column), so a stage that also draws a
// new column makes the very same persons. A stage whose columns shared one
// stream would shift every column drawn after the new one.
func TestAddingAColumnMovesNoOther(t *testing.T) {
	run := testkit.Run(3000, 42)
	make := func(s *person.Stage) []model.Person {
		src := seed.New(run)
		b := &component.Batch{Payload: src.NewPayload()}
		_, err := src.Next(context.Background(), b)
		require.NoError(t, err)
		require.NoError(t, s.Process(context.Background(), b))
		return b.Payload.Persons
	}
	plain, err := person.New(run, 5)
	require.NoError(t, err)
	with, err := person.NewWithColumn(run, "favourite_colour")
	require.NoError(t, err)
	a, b := make(plain), make(with)
	require.Len(t, b, len(a))
	for i := range a {
		require.Equal(t, a[i], b[i], "person %d", i)
	}
}
