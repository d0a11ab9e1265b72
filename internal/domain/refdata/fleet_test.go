package refdata

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFleetTables(t *testing.T) {
	f, err := V02Fleet()
	require.NoError(t, err)
	require.Len(t, f.Runs, 718)
	require.Equal(t, 1995, f.FirstYear)
	require.Equal(t, 2025, f.LastYear)
	require.Len(t, f.StateFuels, 51)
	require.InDelta(t, 12.6, f.AverageAgeAt(2024), 1e-9)
	require.Equal(t, [4]float64{19.3, 20.3, 16.7, 43.8}, f.AgeBands)
	prius := &f.Runs[f.RunsOf("Toyota", "Prius")[0]]
	require.Equal(t, uint8(1<<Hybrid), f.FuelsIn(prius, 2005))
	require.True(t, f.HasWMI("Ford", TypeIndex("pickup"), "1FT"))
	require.False(t, f.HasWMI("Ford", TypeIndex("car"), "1FT"))
	// Every run year has a fuel, except the fuel-cell-only nameplates.
	for i := range f.Runs {
		r := &f.Runs[i]
		if r.Model == "Mirai" || r.Model == "Nexo" {
			continue
		}
		for y := r.First; y <= r.Last; y++ {
			require.NotZero(t, f.FuelsIn(r, y), "%s %s %d", r.Make, r.Model, y)
		}
	}
}
