package derive_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/testkit"
)

// mismatchOf is Compare's reference: pr compared column by column with the
// profile Profile makes.
func mismatchOf(pr *model.Profile, p *model.Person, household []model.Vehicle, ref model.Date) derive.Mismatch {
	want := derive.Profile(p, household, derive.HistoryOf(pr), ref)
	var m derive.Mismatch
	differs := func(same bool, col derive.Mismatch) {
		if !same {
			m |= col
		}
	}
	differs(pr.ProfileID == want.ProfileID, derive.ProfileIDDiffers)
	differs(pr.Age == want.Age, derive.AgeDiffers)
	differs(pr.YearsLicensed == want.YearsLicensed, derive.YearsLicensedDiffers)
	differs(pr.HouseholdVehicleCount == want.HouseholdVehicleCount, derive.VehicleCountDiffers)
	differs(slices.Equal(pr.VehicleIDs, want.VehicleIDs), derive.VehicleIDsDiffer)
	differs(pr.PrimaryVehicleID == want.PrimaryVehicleID, derive.PrimaryVehicleDiffers)
	differs(slices.Equal(pr.RatingFactors, want.RatingFactors), derive.RatingFactorsDiffer)
	differs(pr.RiskScore == want.RiskScore, derive.RiskScoreDiffers)
	differs(slices.Equal(pr.ScenarioTags, want.ScenarioTags), derive.ScenarioTagsDiffer)
	return m
}

// damages break a profile, its person or its household's vehicles, one
// column or list at a time.
var damages = []func(r *rand.Rand, pr *model.Profile, p *model.Person, vs *[]model.Vehicle){
	func(r *rand.Rand, pr *model.Profile, p *model.Person, vs *[]model.Vehicle) {
		id := pr.ProfileID[min(4, len(pr.ProfileID)):] // its digits, or fewer when damaged before
		pr.ProfileID = []string{"", "PRO-0000000000", "PER-" + id, "PRO-" + id + "0", "PRO-" + id[min(1, len(id)):] + "1", "pro-" + id}[r.IntN(6)]
	},
	func(r *rand.Rand, pr *model.Profile, p *model.Person, vs *[]model.Vehicle) {
		p.PersonID = []string{"PER-x", "", "PER-00000000000", "PER-9999999999"}[r.IntN(4)]
	},
	func(r *rand.Rand, pr *model.Profile, p *model.Person, vs *[]model.Vehicle) {
		pr.Age += int32(r.IntN(3)) - 1
	},
	func(r *rand.Rand, pr *model.Profile, p *model.Person, vs *[]model.Vehicle) {
		pr.YearsLicensed += int32(r.IntN(3)) - 1
	},
	func(r *rand.Rand, pr *model.Profile, p *model.Person, vs *[]model.Vehicle) {
		pr.HouseholdVehicleCount += int32(r.IntN(3)) - 1
	},
	func(r *rand.Rand, pr *model.Profile, p *model.Person, vs *[]model.Vehicle) {
		ids := slices.Clone(pr.VehicleIDs)
		switch r.IntN(5) {
		case 0:
			ids = nil
		case 1:
			ids = append(ids, "VEH-0000000001")
		case 2:
			if len(ids) > 0 {
				ids = ids[1:]
			}
		case 3:
			slices.Reverse(ids)
		case 4:
			if len(ids) > 0 {
				ids[len(ids)-1] += "x"
			}
		}
		pr.VehicleIDs = ids
	},
	func(r *rand.Rand, pr *model.Profile, p *model.Person, vs *[]model.Vehicle) {
		pr.PrimaryVehicleID = []string{"", "VEH-0000000001", pr.PrimaryVehicleID + "x"}[r.IntN(3)]
	},
	func(r *rand.Rand, pr *model.Profile, p *model.Person, vs *[]model.Vehicle) {
		fs := slices.Clone(pr.RatingFactors)
		switch {
		case len(fs) == 0 || r.IntN(3) == 0:
			fs = append(fs, "age=1.2")
		case r.IntN(2) == 0:
			fs = fs[:len(fs)-1]
		default:
			fs[r.IntN(len(fs))] += "0"
		}
		pr.RatingFactors = fs
	},
	func(r *rand.Rand, pr *model.Profile, p *model.Person, vs *[]model.Vehicle) {
		pr.RiskScore += int32(r.IntN(3)) - 1
	},
	func(r *rand.Rand, pr *model.Profile, p *model.Person, vs *[]model.Vehicle) {
		tags := slices.Clone(pr.ScenarioTags)
		if len(tags) == 0 || r.IntN(2) == 0 {
			tags = append(tags, derive.TagRideshare)
		} else {
			tags = tags[1:]
		}
		pr.ScenarioTags = tags
	},
	func(r *rand.Rand, pr *model.Profile, p *model.Person, vs *[]model.Vehicle) {
		switch r.IntN(4) {
		case 0:
			pr.Violations++
		case 1:
			pr.DUIs++
		case 2:
			pr.AtFaultAccidents += 2
		case 3:
			pr.ComprehensiveClaims = -1
		}
	},
	func(r *rand.Rand, pr *model.Profile, p *model.Person, vs *[]model.Vehicle) {
		switch r.IntN(3) {
		case 0:
			p.DateOfBirth -= model.Date(r.IntN(800))
		case 1:
			p.LicenseType = []string{"unlicensed", "learner_permit", "full"}[r.IntN(3)]
		case 2:
			p.FirstLicensedDate += model.Date(r.IntN(800))
		}
	},
	func(r *rand.Rand, pr *model.Profile, p *model.Person, vs *[]model.Vehicle) {
		// more vehicles than a household holds, some driven by p
		more := slices.Clone(*vs)
		for k := range 3 + r.IntN(4) {
			v := model.Vehicle{VehicleID: "VEH-000000990" + string(rune('0'+k)), PrimaryDriverPersonID: p.PersonID, AnnualMileage: 9000, FuelType: "electric", Usage: "rideshare"}
			if r.IntN(3) == 0 {
				v.PrimaryDriverPersonID = "PER-0000000001"
			}
			more = append(more, v)
		}
		*vs = more
	},
	func(r *rand.Rand, pr *model.Profile, p *model.Person, vs *[]model.Vehicle) {
		if len(*vs) > 0 {
			more := slices.Clone(*vs)
			more[r.IntN(len(more))].PrimaryDriverPersonID = []string{p.PersonID, "", "PER-0000000001"}[r.IntN(3)]
			*vs = more
		}
	},
}

// Compare finds what comparing with Profile's profile finds: nothing of a
// made profile, and the same columns of profiles damaged at random, one to
// a few damages at a time.
func TestCompareIsTheComparisonWithProfile(t *testing.T) {
	run := testkit.Run(2000, 7)
	mb := testkit.Batch(run, "profile")
	ref := run.ReferenceDate
	households := vehiclesByHousehold(mb)
	r := rand.New(rand.NewPCG(1, 2))
	seen := derive.Mismatch(0)
	for i := range mb.Profiles {
		p := &mb.Persons[i]
		vs := households[p.HouseholdID]
		if m := derive.Compare(&mb.Profiles[i], p, derive.KnownOf(p, ref), vs, ref); m != 0 {
			t.Fatalf("profile %s as made: %b", mb.Profiles[i].ProfileID, m)
		}
		for range 8 {
			pr, pc, hv := mb.Profiles[i], *p, vs
			for range 1 + r.IntN(3) {
				damages[r.IntN(len(damages))](r, &pr, &pc, &hv)
			}
			want := mismatchOf(&pr, &pc, hv, ref)
			if got := derive.Compare(&pr, &pc, derive.KnownOf(&pc, ref), hv, ref); got != want {
				t.Fatalf("profile %s damaged: %b, want %b\n%+v\n%+v", pr.ProfileID, got, want, pr, pc)
			}
			seen |= want
		}
	}
	if all := derive.ScenarioTagsDiffer<<1 - 1; seen != all {
		t.Fatalf("damages found only columns %b of %b", seen, all)
	}
}

// Compare allocates nothing: the validate stage compares every profile.
func TestCompareAllocatesNothing(t *testing.T) {
	run := testkit.Run(50, 3)
	mb := testkit.Batch(run, "profile")
	if n := testing.AllocsPerRun(10, func() {
		for i := range mb.Profiles {
			derive.Compare(&mb.Profiles[i], &mb.Persons[i], derive.KnownOf(&mb.Persons[i], run.ReferenceDate), mb.Vehicles, run.ReferenceDate)
		}
	}); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}

// vehiclesByHousehold returns a batch's vehicles by household id.
func vehiclesByHousehold(mb *model.Batch) map[string][]model.Vehicle {
	households := map[string][]model.Vehicle{}
	for _, v := range mb.Vehicles {
		households[v.HouseholdID] = append(households[v.HouseholdID], v)
	}
	return households
}
