package derive

import (
	"github.com/synthpipe/synthpipe/internal/domain/stream"
)

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
