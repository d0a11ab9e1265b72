package derive

import (
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// RulesVersion names this set of derivation rules; it is written into every
// profile row and changes whenever a rule below changes.
const RulesVersion = "profile-rules/1.0"

// Cut points of the risk tiers: low below 400, medium below 600, high from 600.
const (
	MediumFrom = 400
	HighFrom   = 600
)

// Tags, in the order they are written. The rule of each is in Profile and in
// docs/data-dictionary.md.
const (
	TagYoungDriver      = "young_driver"            // age < 25
	TagSeniorDriver     = "senior_driver"           // age >= 70
	TagNewDriver        = "new_driver"              // years licensed < 2
	TagMultiVehicle     = "multi_vehicle_household" // household has >= 2 vehicles
	TagNoVehicle        = "no_primary_vehicle"      // primary driver of no vehicle
	TagEVOwner          = "ev_owner"                // primary driver of an electric vehicle
	TagHighMileage      = "high_mileage"            // primary driver of a vehicle with >= 20,000 miles a year
	TagLeasedVehicle    = "leased_vehicle"          // primary driver of a leased vehicle
	TagSuspendedLicense = "suspended_license"       // licence status suspended or revoked
)

// Profile computes the profile of person p from the vehicles of p's
// household. It is the one definition of the profile rules: the profile
// stage writes what it returns and the validate stage compares against it.
func Profile(p *model.Person, household []model.Vehicle, ref model.Date) model.Profile {
	idx, _ := ident.ParseID("PER-", p.PersonID)
	age := model.YearsBetween(p.DateOfBirth, ref)
	years := model.YearsBetween(p.LicenseIssueDate, ref)
	pr := model.Profile{
		ProfileID:             ident.ID("PRO-", idx),
		PersonID:              p.PersonID,
		HouseholdID:           p.HouseholdID,
		Age:                   int32(age),
		YearsLicensed:         int32(years),
		HouseholdVehicleCount: int32(len(household)),
		VehicleIDs:            []string{},
		RulesVersion:          RulesVersion,
	}
	var ev, highMiles, leased bool
	var miles int32
	var sporty int
	for i := range household {
		v := &household[i]
		if v.PrimaryDriverPersonID != p.PersonID {
			continue
		}
		pr.VehicleIDs = append(pr.VehicleIDs, v.VehicleID)
		ev = ev || v.FuelType == "electric"
		highMiles = highMiles || v.AnnualMileage >= 20000
		leased = leased || v.Ownership == "leased"
		miles += v.AnnualMileage
		if v.BodyType == "coupe" || v.BodyType == "convertible" {
			sporty++
		}
	}
	if len(pr.VehicleIDs) > 0 {
		pr.PrimaryVehicleID = pr.VehicleIDs[0]
	}

	// Risk score: 300 base, plus age, experience, licence, mileage and body
	// loadings, minus a multi-vehicle discount; clamped to 0-1000.
	score := 300
	switch {
	case age < 20:
		score += 250
	case age < 25:
		score += 150
	case age < 30:
		score += 60
	case age >= 75:
		score += 120
	case age >= 65:
		score += 40
	}
	switch {
	case years < 3:
		score += 120
	case years < 6:
		score += 50
	}
	switch p.LicenseStatus {
	case "expired":
		score += 100
	case "suspended":
		score += 250
	case "revoked":
		score += 350
	}
	if miles > 20000 {
		score += 80
	}
	if miles > 30000 {
		score += 50
	}
	score += 40 * sporty
	if len(household) >= 2 {
		score -= 20
	}
	score = min(1000, max(0, score))
	pr.RiskScore = int32(score)
	pr.RiskTier = Tier(score)

	tags := []string{}
	add := func(ok bool, tag string) {
		if ok {
			tags = append(tags, tag)
		}
	}
	add(age < 25, TagYoungDriver)
	add(age >= 70, TagSeniorDriver)
	add(years < 2, TagNewDriver)
	add(len(household) >= 2, TagMultiVehicle)
	add(len(pr.VehicleIDs) == 0, TagNoVehicle)
	add(ev, TagEVOwner)
	add(highMiles, TagHighMileage)
	add(leased, TagLeasedVehicle)
	add(p.LicenseStatus == "suspended" || p.LicenseStatus == "revoked", TagSuspendedLicense)
	pr.ScenarioTags = tags
	return pr
}

// Tier maps a risk score to its tier.
func Tier(score int) string {
	switch {
	case score >= HighFrom:
		return "high"
	case score >= MediumFrom:
		return "medium"
	}
	return "low"
}
