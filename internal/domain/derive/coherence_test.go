package derive_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/testkit"
)

// Tags that name a rating factor fire exactly when the factor does, on
// every generated profile and on variants of each whose licence and
// vehicles' fuel and mileage are redrawn, so that electric and
// high-mileage vehicles are often a driver's second: ev_owner with the
// fuel factor, high_mileage with the top mileage factor. Of those who
// drive no vehicle, only a full, valid licence holder has the no-vehicle
// mileage factor; the rest have none.
func TestTagsFireWithTheirFactors(t *testing.T) {
	run := testkit.Run(2000, 11)
	mb := testkit.Batch(run, "profile")
	ref := run.ReferenceDate
	households := vehiclesByHousehold(mb)
	r := rand.New(rand.NewPCG(3, 4))
	pairs := []struct{ tag, factor string }{
		{derive.TagEVOwner, "fuel=1.05"},
		{derive.TagHighMileage, "mileage=1.18"},
	}
	fired := map[string]int{}
	for i := range mb.Persons {
		for variant := range 4 {
			p := mb.Persons[i]
			vs := households[p.HouseholdID]
			if variant > 0 {
				p.LicenseType = []string{"full", "learner_permit", "unlicensed"}[r.IntN(3)]
				p.LicenseStatus = []string{"valid", "expired", "suspended", "revoked"}[r.IntN(4)]
				vs = slices.Clone(vs)
				for k := range vs {
					vs[k].FuelType = model.FuelTypes[r.IntN(len(model.FuelTypes))]
					vs[k].AnnualMileage = int32(1000 + r.IntN(30000))
				}
			}
			pr := derive.Profile(&p, vs, model.History{}, ref)
			if len(pr.VehicleIDs) == 0 {
				mileage := slices.IndexFunc(pr.RatingFactors, func(f string) bool { return strings.HasPrefix(f, "mileage=") })
				if p.Licensed() != (mileage >= 0) || mileage >= 0 && pr.RatingFactors[mileage] != "mileage=0.85" {
					t.Fatalf("%s, %s %s, no vehicle: factors %v", p.PersonID, p.LicenseType, p.LicenseStatus, pr.RatingFactors)
				}
			}
			for _, x := range pairs {
				tag, factor := slices.Contains(pr.ScenarioTags, x.tag), slices.Contains(pr.RatingFactors, x.factor)
				if tag != factor {
					t.Fatalf("%s with vehicles %+v: tag %s %v, factor %s %v", p.PersonID, vs, x.tag, tag, x.factor, factor)
				}
				if tag {
					fired[x.tag]++
				}
			}
		}
	}
	for _, x := range pairs {
		if fired[x.tag] < 100 {
			t.Fatalf("%s fired %d times: too few to tell", x.tag, fired[x.tag])
		}
	}
}
