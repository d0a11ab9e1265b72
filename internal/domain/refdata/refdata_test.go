package refdata

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTablesAreWhole(t *testing.T) {
	d, err := Default()
	require.NoError(t, err)
	require.Len(t, d.States, 51, "50 states and DC")
	var pop int64
	for _, s := range d.States {
		pop += s.Population
		require.NotEmpty(t, s.AreaCodes, s.Code)
		require.NotEmpty(t, s.LicenseFormat, s.Code)
		require.NotEmpty(t, s.PlateFormat, s.Code)
	}
	require.Equal(t, int64(331_449_281), pop, "2020 Census resident population, 50 states + DC")
	require.NotEmpty(t, d.Lienholders)
	require.Equal(t, d.Mileage[0].Value, d.MileageFor(16))
	require.Equal(t, d.Mileage[len(d.Mileage)-1].Value, d.MileageFor(200), "ages past the last band take it")
}

func TestWeightedIndex(t *testing.T) {
	var w Weighted
	w.Add(1)
	w.Add(3)
	require.Equal(t, uint64(4), w.Total())
	require.Equal(t, 0, w.Index(0))
	require.Equal(t, 1, w.Index(1))
	require.Equal(t, 1, w.Index(3))
}
