package derive

import (
	"github.com/synthpipe/synthpipe/internal/domain/quota"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
	"github.com/synthpipe/synthpipe/internal/domain/stream"
)

// StateQuota returns the allocation of households to states: exact shares
// of the ZCTA population in every block of quota.Block households, and
// each household's serial within its state. The person stage takes a
// household's state from it; licence numbers (serial × MaxHouseholdSize +
// member) and plates (serial × MaxHouseholdVehicles + vehicle) are unique
// within a state because of it, and the contract checks them against it.
func StateQuota(seed uint64, pop *refdata.Population) (*quota.Quota, error) {
	w := make([]int64, len(pop.States))
	for i := range pop.States {
		w[i] = pop.States[i].Population
	}
	return quota.New(w, stream.Key(seed, stream.Household, 1<<62))
}

// RenewalYears is the licence renewal cycle: states range from 4 to 12
// years, 8 is the most common (no per-state table yet).
const RenewalYears = 8

// PermitYears is how long a learner permit runs before it must be renewed.
const PermitYears = 2

// licenseKeyTag offsets the per-state licence permutation keys from the
// other permutations' tags (SSN 1 and 2, VIN 3 and 4).
const licenseKeyTag = 1 << 20

// LicenseKey keys state i's permutation of licence serials.
func LicenseKey(seed uint64, state int) uint64 {
	return stream.Key(seed, stream.Permute, licenseKeyTag+uint64(state))
}
