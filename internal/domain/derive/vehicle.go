package derive

import "github.com/synthpipe/synthpipe/internal/domain/refdata"

// MaxVehicleAge is the oldest a vehicle may be, in model years before the
// reference year (the contract's limit).
const MaxVehicleAge = 30

// YearRange returns the model years a vehicle of m may have against the
// reference year: built then, no older than maxAge, no newer than next year.
func YearRange(m refdata.Model, refYear, maxAge int) (lo, hi int) {
	lo = max(m.YearFrom, refYear-maxAge)
	hi = refYear + 1
	if m.YearTo != 0 {
		hi = min(hi, m.YearTo)
	}
	return lo, hi
}
