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

// plugin_sales.csv: every row loads (the parser refuses a nameplate not in
// makes_models.csv and a year more than one from the model years
// model_fuels.csv sells it with the fuel), and the weights read back.
func TestPlugInSales(t *testing.T) {
	f, err := V02Fleet()
	require.NoError(t, err)
	rows := 0
	require.NoError(t, eachFleetRow("plugin_sales.csv", 6, func([]string) error { rows++; return nil }))
	require.Greater(t, rows, 300)
	var seen int
	for i := range f.Runs {
		r := &f.Runs[i]
		for fu := range r.Sales {
			if len(r.Sales[fu]) > 0 {
				require.Contains(t, []int{Electric, PlugInHybrid}, fu)
				require.NotEmpty(t, r.Fuels[fu], "%s %s", r.Make, r.Model)
				seen += len(r.Sales[fu])
			}
		}
	}
	require.GreaterOrEqual(t, seen, rows) // a nameplate of several runs counts once per run
	m3 := &f.Runs[f.RunsOf("Tesla", "Model 3")[0]]
	require.Equal(t, int64(139782), f.PlugInUnits(m3, Electric, 2018))
	require.Equal(t, f.PlugInUnits(m3, Electric, 2025), f.PlugInUnits(m3, Electric, 2026)) // next year's: nearest
	require.Zero(t, f.PlugInUnits(m3, PlugInHybrid, 2018))
	// The RAV4 EV of 2000-2003 has no figure; the 2012-2014 one's do not
	// reach it.
	rav4 := &f.Runs[f.RunsOf("Toyota", "RAV4")[0]]
	require.Zero(t, f.PlugInUnits(rav4, Electric, 2001))
	require.NotZero(t, f.PlugInUnits(rav4, Electric, 2013))
	// Model years without a figure take the nearest year's: Prius plug-in
	// 2019 for 2022.
	prius := &f.Runs[f.RunsOf("Toyota", "Prius")[0]]
	require.Equal(t, f.PlugInUnits(prius, PlugInHybrid, 2019), f.PlugInUnits(prius, PlugInHybrid, 2022))
}
