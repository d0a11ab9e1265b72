package derive

import (
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// RulesVersion names this set of derivation rules; it is written into every
// profile row and changes whenever a rule below or in rating.go changes.
const RulesVersion = "profile-rules/2.0"

// Tags, in the order they are written. The rule of each is in Profile and in
// docs/data-dictionary.md.
const (
	TagYoungDriver      = "young_driver"            // age < 25
	TagSeniorDriver     = "senior_driver"           // age >= 70
	TagNewDriver        = "new_driver"              // licensed (first licence) < 2 years
	TagMultiVehicle     = "multi_vehicle_household" // household has >= 2 vehicles
	TagNoVehicle        = "no_primary_vehicle"      // primary driver of no vehicle
	TagEVOwner          = "ev_owner"                // primary driver of an electric vehicle
	TagHighMileage      = "high_mileage"            // drives >= 20,000 miles a year in all (the top mileage factor)
	TagLeasedVehicle    = "leased_vehicle"          // primary driver of a leased vehicle
	TagSuspendedLicense = "suspended_license"       // licence status suspended or revoked
	TagDUI              = "dui"                     // a DUI/DWI in the look-back window
	TagSR22             = "sr22"                    // an SR-22 or FR-44 filing
	TagCoverageLapse    = "coverage_lapse"          // a lapse in coverage in the last 12 months
	TagAtFaultAccident  = "at_fault_accident"       // an at-fault accident in the look-back window
	TagLearnerPermit    = "learner_permit"          // holds a learner permit
	TagGaragedAway      = "garaged_away"            // primary driver of a vehicle garaged away from home
	TagRideshare        = "rideshare"               // primary driver of a vehicle used for rideshare
	TagExcludedDriver   = "excluded_driver"         // a member other than the primary, unlicensed or with a suspended or revoked licence
)

// Tags lists every scenario tag in the order Profile writes them, for the
// contract's allowed values (a test checks Profile's output against it).
var Tags = tagOrder[:]

var tagOrder = [...]string{
	TagYoungDriver, TagSeniorDriver, TagNewDriver, TagMultiVehicle, TagNoVehicle, TagEVOwner, TagHighMileage,
	TagLeasedVehicle, TagSuspendedLicense, TagDUI, TagSR22, TagCoverageLapse, TagAtFaultAccident,
	TagLearnerPermit, TagGaragedAway, TagRideshare, TagExcludedDriver,
}

// History is a person's driving history in the look-back window.
type History = model.History

// HistoryOf reads a profile's history columns.
func HistoryOf(pr *model.Profile) History {
	return History{Violations: pr.Violations, MajorViolations: pr.MajorViolations, DUI: pr.DUIs, ViolationPoints: pr.ViolationPoints,
		AtFaultAccidents: pr.AtFaultAccidents, NotAtFaultAccidents: pr.NotAtFaultAccidents, ComprehensiveClaims: pr.ComprehensiveClaims}
}

// Profile computes the profile of person p from the vehicles of p's
// household and p's driving history. It is the one definition of the
// profile rules: the profile stage writes what it returns (ProfileInto)
// and the validate stage compares against it.
func Profile(p *model.Person, household []model.Vehicle, h History, ref model.Date) model.Profile {
	var pr model.Profile
	ProfileInto(&pr, p, household, h, ref)
	return pr
}

// ProfileInto is Profile written into pr, a zero Profile: the profile
// stage fills its batch's rows in place rather than copy each.
func ProfileInto(pr *model.Profile, p *model.Person, household []model.Vehicle, h History, ref model.Date) {
	idx, _ := ident.ParseID("PER-", p.PersonID)
	age := model.YearsBetween(p.DateOfBirth, ref)
	years := 0
	if p.LicenseType != "unlicensed" {
		years = model.YearsBetween(p.FirstLicensedDate, ref)
	}
	pr.ProfileID = ident.ID("PRO-", idx)
	pr.PersonID = p.PersonID
	pr.HouseholdID = p.HouseholdID
	pr.Age = int32(age)
	pr.YearsLicensed = int32(years)
	pr.HouseholdVehicleCount = int32(len(household))
	pr.RulesVersion = RulesVersion
	pr.Violations = h.Violations
	pr.MajorViolations = h.MajorViolations
	pr.DUIs = h.DUI
	pr.ViolationPoints = h.ViolationPoints
	pr.AtFaultAccidents = h.AtFaultAccidents
	pr.NotAtFaultAccidents = h.NotAtFaultAccidents
	pr.ComprehensiveClaims = h.ComprehensiveClaims
	// The three lists are gathered here and share one allocation.
	var factorBuf [len(factorNames)]string
	var vehicleBuf [model.MaxHouseholdVehicles]string
	var tagBuf [len(tagOrder)]string
	d := drivenOf(p, household, vehicleBuf[:0])
	refYear, _, _ := ref.Civil()
	r := Rate(Inputs{Age: age, YearsLicensed: years, RefYear: refYear, Person: p, Driven: d, Household: len(household), History: h}, factorBuf[:0])
	pr.RiskScore = int32(r.Score)
	pr.RiskTier = Tier(r.Score)

	tags := tagBuf[:0]
	add := func(ok bool, tag string) {
		if ok {
			tags = append(tags, tag)
		}
	}
	suspended := p.LicenseStatus == "suspended" || p.LicenseStatus == "revoked"
	add(age < 25, TagYoungDriver)
	add(age >= 70, TagSeniorDriver)
	add(p.LicenseType != "unlicensed" && years < 2, TagNewDriver)
	add(len(household) >= 2, TagMultiVehicle)
	add(len(d.ids) == 0, TagNoVehicle)
	add(d.ev, TagEVOwner)
	add(d.miles >= HighMileage, TagHighMileage)
	add(d.leased, TagLeasedVehicle)
	add(suspended, TagSuspendedLicense)
	add(h.DUI > 0, TagDUI)
	add(p.FinancialFiling == "SR-22" || p.FinancialFiling == "FR-44", TagSR22)
	add(p.CoverageLapseDays > 0, TagCoverageLapse)
	add(h.AtFaultAccidents > 0, TagAtFaultAccident)
	add(p.LicenseType == "learner_permit", TagLearnerPermit)
	add(d.away, TagGaragedAway)
	add(d.rideshare, TagRideshare)
	add(p.Relationship != "primary" && (p.LicenseType == "unlicensed" || suspended), TagExcludedDriver)

	// Capped sub-slices: an append to one list never writes into the next.
	all := make([]string, 0, len(r.Factors)+len(d.ids)+len(tags))
	all = append(all, r.Factors...)
	pr.RatingFactors = all[:len(all):len(all)]
	all = append(all, d.ids...)
	pr.VehicleIDs = all[len(r.Factors):len(all):len(all)]
	all = append(all, tags...)
	pr.ScenarioTags = all[len(r.Factors)+len(d.ids):]
	if len(d.ids) > 0 {
		pr.PrimaryVehicleID = d.ids[0]
	}
}

// driven is what the rating reads of the vehicles a person is the primary
// driver of.
type driven struct {
	ids                         []string // the vehicles' ids, in household order
	count                       int
	miles                       int32
	ev, leased, away, rideshare bool
	first                       *model.Vehicle // the primary vehicle
}

// drivenOf gathers the vehicles p is the primary driver of, appending
// their ids to ids.
func drivenOf(p *model.Person, household []model.Vehicle, ids []string) driven {
	d := driven{ids: ids}
	for i := range household {
		v := &household[i]
		if v.PrimaryDriverPersonID != p.PersonID {
			continue
		}
		d.ids = append(d.ids, v.VehicleID)
		if d.first == nil {
			d.first = v
		}
		d.count++
		d.miles += v.AnnualMileage
		d.ev = d.ev || v.FuelType == "electric"
		d.leased = d.leased || v.Ownership == "leased"
		d.away = d.away || v.GaragedAway == "true"
		d.rideshare = d.rideshare || v.Usage == "rideshare"
	}
	return d
}
