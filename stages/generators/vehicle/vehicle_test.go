package vehicle_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/contract"
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/testkit"
)

func TestVehiclesKeepTheContract(t *testing.T) {
	run := testkit.Run(400, 21)
	mb := testkit.Batch(run, "vehicle")
	require.NotEmpty(t, mb.Vehicles)
	persons := map[string]*model.Person{}
	byHH := map[string][]model.Person{}
	for i := range mb.Persons {
		persons[mb.Persons[i].PersonID] = &mb.Persons[i]
		byHH[mb.Persons[i].HouseholdID] = append(byHH[mb.Persons[i].HouseholdID], mb.Persons[i])
	}
	var found []contract.Violation
	c, err := contract.New(run.Seed, run.ReferenceDate, func(v contract.Violation) { found = append(found, v) })
	require.NoError(t, err)
	for i := range mb.Vehicles {
		v := &mb.Vehicles[i]
		c.Vehicle(v, byHH[v.HouseholdID])
		require.Equal(t, persons[v.OwnerPersonID].HouseholdID, persons[v.PrimaryDriverPersonID].HouseholdID)
		require.Empty(t, ident.VINProblem(v.VIN))
		require.LessOrEqual(t, int(v.ModelYear), 2027)
		require.GreaterOrEqual(t, int(v.ModelYear), 2026-20)
	}
	require.Empty(t, found)
}
