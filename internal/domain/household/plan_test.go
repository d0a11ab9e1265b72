package household

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// Household sizes and vehicles per household follow the Census tables
// (households/SOURCES.md): CPS 2023 sizes with 5+ folded into 5, ACS 2018
// vehicles available. 200,000 plans, each share within 0.5 points.
func TestPlansFollowTheCensusMix(t *testing.T) {
	for size := range vehicleMix {
		sum := 0
		for _, p := range vehicleMix[size] {
			sum += p
		}
		require.Equal(t, 100, sum, "vehicle mix of size %d", size+1)
	}
	const n = 200_000
	var sizes [model.MaxHouseholdSize + 1]int
	var cars [model.MaxHouseholdVehicles + 1]int
	married := 0
	for i := int64(0); i < n; i++ {
		h := Plan(7, i, 1<<40)
		sizes[h.Size]++
		cars[h.Vehicles]++
		if h.Spouse {
			married++
		}
	}
	share := func(k int) float64 { return float64(k) / n }
	for size, want := range map[int]float64{1: 0.2899, 2: 0.3497, 3: 0.1504, 4: 0.1220, 5: 0.0547 + 0.0207 + 0.0126} {
		require.InDelta(t, want, share(sizes[size]), 0.005, "size %d", size)
	}
	require.InDelta(t, 0.0855, share(cars[0]), 0.005, "no vehicle")
	require.InDelta(t, 0.3254, share(cars[1]), 0.005, "1 vehicle")
	require.InDelta(t, 0.3705, share(cars[2]), 0.005, "2 vehicles")
	require.InDelta(t, 0.2186, share(cars[3]+cars[4]), 0.005, "3+ vehicles")
	require.InDelta(t, 0.4787, share(married), 0.005, "married-couple households (ACS 2018)")
}

// The last household of a run is cut to fit the record count; its vehicles
// never outnumber those of the uncut plan, so its members and vehicles stay
// within the serials the uncut plan holds (Serials numbers uncut plans).
func TestACutPlanFitsItsUncutSlots(t *testing.T) {
	for i := int64(0); i < 50_000; i++ {
		whole := Plan(3, i, 1<<40)
		for left := int64(1); left < int64(whole.Size); left++ {
			cut := Plan(3, i, left)
			require.LessOrEqual(t, cut.Size, whole.Size)
			require.LessOrEqual(t, cut.Vehicles, whole.Vehicles, "household %d cut to %d", i, left)
		}
	}
}

// The look-up table gives each draw the count vehicleMix's running per
// cents give it.
func TestVehiclesByDrawIsTheMix(t *testing.T) {
	for size := range vehicleMix {
		for d := range 100 {
			want, left := 0, d
			for v, pct := range vehicleMix[size] {
				if left < pct {
					want = v
					break
				}
				left -= pct
			}
			require.Equal(t, want, int(vehiclesByDraw[size][d]), "size %d, draw %d", size+1, d)
		}
	}
}
