// Package household plans households from (seed, household index) alone
// and numbers their members and vehicles densely within their state: what
// the seed source walks, and what licence numbers and plates are made from.
package household

import (
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/stream"
)

// Plan draws household index's plan; left caps its size (the last household
// of a run is cut to fit the record count). FirstPerson and FirstVehicle are
// left for the caller, which knows the running totals.
func Plan(seed uint64, index int64, left int64) model.Household {
	return plan(stream.KeysOf(seed, stream.Household), index, left)
}

// plan is Plan with the seed's household keys.
func plan(keys stream.Keys, index int64, left int64) model.Household {
	hash := keys.Of(uint64(index))
	h := model.Household{Index: index, Size: uncutSize(hash)}
	if int64(h.Size) > left {
		h.Size = int(left)
	}
	u := hash >> 10
	// A spouse in 67.4 % of households of two or more: ACS 2018 married-
	// couple households (47.9 % of all) over those of two or more.
	rest := h.Size - 1
	if rest > 0 && u%1000 < 674 {
		h.Spouse = true
		rest--
	}
	u >>= 10
	// Each further member is a grown child (60%) or another adult: a parent,
	// sibling or lodger. Children are listed first. Each place reads its own
	// bits, so the bits after them do not depend on the size: a household
	// cut to fit the run keeps its draws (and never gains vehicles).
	for k := 0; k < rest; k++ {
		if (u>>(7*k))%100 < 60 {
			h.Children++
		}
	}
	h.Vehicles = vehiclesOf(hash, h.Size)
	return h
}

// uncutSize is the size of the household of hash u, before a cut.
func uncutSize(u uint64) int {
	// Household sizes after the Census CPS 2023 mix (households/
	// household_size.csv), 5 and over folded into 5: 1 29.0 %, 2 35.0 %,
	// 3 15.0 %, 4 12.2 %, 5 8.8 %.
	switch d := u % 1000; {
	case d < 290:
		return 1
	case d < 640:
		return 2
	case d < 790:
		return 3
	case d < 912:
		return 4
	}
	return model.MaxHouseholdSize
}

// vehiclesOf is the vehicle count of the household of hash u and a size.
func vehiclesOf(u uint64, size int) int {
	// Vehicles by household size (per cent of 0, 1, 2, 3, 4), so that all
	// households have the ACS 2018 mix (households/vehicles_available.csv:
	// none 8.6 %, 1 32.5 %, 2 37.1 %, 3+ 21.9 %); the split by size is
	// assumed (no national table of vehicles by size was found). They read
	// the bits after the size's, the spouse's and the members'.
	return int(vehiclesByDraw[size-1][u>>(10+10+7*(model.MaxHouseholdSize-1))%100])
}

// vehiclesByDraw[size-1][d] is the vehicle count of draw d (0-99) at a
// size, vehicleMix's per cents laid end to end: one look-up per household
// (every plan is drawn twice or more at the start of a run).
var vehiclesByDraw = func() (t [model.MaxHouseholdSize][100]uint8) {
	for size, mix := range vehicleMix {
		d := 0
		for v, pct := range mix {
			for range pct {
				t[size][d] = uint8(v)
				d++
			}
		}
	}
	return t
}()

// vehicleMix[size-1] is the per-cent chance of 0, 1, 2, 3 and 4 vehicles.
var vehicleMix = [model.MaxHouseholdSize][model.MaxHouseholdVehicles + 1]int{
	{16, 68, 14, 2, 0},
	{7, 24, 53, 12, 4},
	{5, 15, 43, 25, 12},
	{4, 11, 39, 28, 18},
	{4, 10, 35, 29, 22},
}
