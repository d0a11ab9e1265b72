package derive

import (
	"slices"

	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// RulesVersion names this set of derivation rules; it is written into every
// profile row and changes whenever a rule below or in rating.go changes.
const RulesVersion = "profile-rules/2.1"

// Tags, in the order they are written. The rule of each is in Profile and in
// docs/data-dictionary.md.
const (
	TagYoungDriver      = "young_driver"            // age < 25
	TagSeniorDriver     = "senior_driver"           // age >= 70
	TagNewDriver        = "new_driver"              // licensed (first licence) < 2 years
	TagMultiVehicle     = "multi_vehicle_household" // household has >= 2 vehicles
	TagNoVehicle        = "no_primary_vehicle"      // primary driver of no vehicle
	TagEVOwner          = "ev_owner"                // the primary vehicle is electric (the fuel factor)
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
// and the validate stage compares against it (Compare).
func Profile(p *model.Person, household []model.Vehicle, h History, ref model.Date) model.Profile {
	var pr model.Profile
	ProfileInto(&pr, p, household, h, ref)
	return pr
}

// ProfileInto is Profile written into pr, a zero Profile: the profile
// stage fills its batch's rows in place rather than copy each.
func ProfileInto(pr *model.Profile, p *model.Person, household []model.Vehicle, h History, ref model.Date) {
	var x derivation
	x.of(p, KnownOf(p, ref), household, h, ref)
	pr.ProfileID = ident.ID("PRO-", x.index)
	pr.PersonID = p.PersonID
	pr.HouseholdID = p.HouseholdID
	pr.Age = int32(x.age)
	pr.YearsLicensed = int32(x.years)
	pr.HouseholdVehicleCount = int32(len(household))
	pr.RulesVersion = RulesVersion
	pr.Violations = h.Violations
	pr.MajorViolations = h.MajorViolations
	pr.DUIs = h.DUI
	pr.ViolationPoints = h.ViolationPoints
	pr.AtFaultAccidents = h.AtFaultAccidents
	pr.NotAtFaultAccidents = h.NotAtFaultAccidents
	pr.ComprehensiveClaims = h.ComprehensiveClaims
	pr.RiskScore = int32(x.score)
	pr.RiskTier = Tier(x.score)
	// The three lists share one allocation; capped sub-slices, so that an
	// append to one list never writes into the next.
	factors, tags := x.factors[:x.nFactors], x.tags[:x.nTags]
	all := make([]string, 0, len(factors)+x.driven.count+len(tags))
	all = append(all, factors...)
	pr.RatingFactors = all[:len(all):len(all)]
	for i := 0; len(all) < len(factors)+x.driven.count; i++ { // up to the last driven
		if drives(p, &household[i]) {
			all = append(all, household[i].VehicleID)
		}
	}
	pr.VehicleIDs = all[len(factors):len(all):len(all)]
	all = append(all, tags...)
	pr.ScenarioTags = all[len(factors)+x.driven.count:]
	if x.driven.first != nil {
		pr.PrimaryVehicleID = x.driven.first.VehicleID
	}
}

// Mismatch is a set of the columns of a profile that differ from what
// they derive to.
type Mismatch uint16

// The columns Compare compares: those ProfileInto derives, but the tier,
// which follows from the score.
const (
	ProfileIDDiffers Mismatch = 1 << iota
	AgeDiffers
	YearsLicensedDiffers
	VehicleCountDiffers
	VehicleIDsDiffer
	PrimaryVehicleDiffers
	RatingFactorsDiffer
	RiskScoreDiffers
	ScenarioTagsDiffer
)

// Known is what the validate stage has found of a person by the time it
// compares their profile, so that Compare does not find it again: their
// index as ident.ParseID reads person_id (IDOK whether it does; the index
// is 0 when not) and their age at the reference date (model.YearsBetween).
type Known struct {
	Index int64
	IDOK  bool
	Age   int
}

// KnownOf finds Known of p at ref.
func KnownOf(p *model.Person, ref model.Date) Known {
	idx, ok := ident.ParseID("PER-", p.PersonID)
	return Known{Index: idx, IDOK: ok, Age: model.YearsBetween(p.DateOfBirth, ref)}
}

// Compare returns the columns of pr that differ from those of the profile
// of p (k is KnownOf(p, ref)), the vehicles of p's household and pr's own
// history: what comparing pr with Profile(p, household, HistoryOf(pr), ref)
// column by column finds (lists compared as slices.Equal does), with
// nothing allocated, for the validate stage, which compares every profile.
func Compare(pr *model.Profile, p *model.Person, k Known, household []model.Vehicle, ref model.Date) Mismatch {
	var x derivation
	x.of(p, k, household, HistoryOf(pr), ref)
	var m Mismatch
	differs := func(ok bool, col Mismatch) {
		if !ok {
			m |= col
		}
	}
	differs(profileIDOf(pr.ProfileID, p.PersonID, k), ProfileIDDiffers)
	differs(pr.Age == int32(x.age), AgeDiffers)
	differs(pr.YearsLicensed == int32(x.years), YearsLicensedDiffers)
	differs(pr.HouseholdVehicleCount == int32(len(household)), VehicleCountDiffers)
	n, same := 0, true
	for i := 0; n < x.driven.count; i++ { // up to the last driven
		if v := &household[i]; drives(p, v) {
			same = same && n < len(pr.VehicleIDs) && pr.VehicleIDs[n] == v.VehicleID
			n++
		}
	}
	differs(same && n == len(pr.VehicleIDs), VehicleIDsDiffer)
	primary := ""
	if x.driven.first != nil {
		primary = x.driven.first.VehicleID
	}
	differs(pr.PrimaryVehicleID == primary, PrimaryVehicleDiffers)
	differs(slices.Equal(pr.RatingFactors, x.factors[:x.nFactors]), RatingFactorsDiffer)
	differs(pr.RiskScore == int32(x.score), RiskScoreDiffers)
	differs(slices.Equal(pr.ScenarioTags, x.tags[:x.nTags]), ScenarioTagsDiffer)
	return m
}

// profileIDOf reports whether id is the profile id of the person whose id
// is personID: ident.ID("PRO-", k.Index). Ten digits parse to one index
// and it is written in ten digits, so a person id that parses has the
// digits of its profile's, compared in place.
func profileIDOf(id, personID string, k Known) bool {
	if k.IDOK {
		return len(id) == len(personID) && id[:len("PRO-")] == "PRO-" && id[len("PRO-"):] == personID[len("PER-"):]
	}
	idx, ok := ident.ParseID("PRO-", id)
	return ok && idx == k.Index
}

// derivation is what a profile derives to but its lists of vehicles (the
// household's vehicles its person drives): its factors and tags in arrays
// that hold them all, as each factor and tag fires at most once, so that
// a derivation on the stack allocates nothing.
type derivation struct {
	index           int64 // the person's, which the profile's id carries
	age, years      int
	score           int
	driven          driven
	factors         [len(factorNames)]string
	tags            [len(tagOrder)]string
	nFactors, nTags int
}

// of derives the profile of p (k is KnownOf(p, ref)), the vehicles of p's
// household and h into x.
func (x *derivation) of(p *model.Person, k Known, household []model.Vehicle, h History, ref model.Date) {
	x.index, x.age = k.Index, k.Age
	if p.LicenseType != "unlicensed" {
		x.years = model.YearsBetween(p.FirstLicensedDate, ref)
	}
	x.driven = drivenOf(p, household)
	refYear, _, _ := ref.Civil()
	r := Rate(Inputs{Age: x.age, YearsLicensed: x.years, RefYear: refYear, Person: p, Driven: x.driven, Household: len(household), History: h}, x.factors[:0])
	x.score, x.nFactors = r.Score, len(r.Factors)

	tags := x.tags[:0] // never grows: each tag is added at most once
	add := func(ok bool, tag string) {
		if ok {
			tags = append(tags, tag)
		}
	}
	d := &x.driven
	suspended := p.Suspended()
	add(x.age < 25, TagYoungDriver)
	add(x.age >= 70, TagSeniorDriver)
	add(p.LicenseType != "unlicensed" && x.years < 2, TagNewDriver)
	add(len(household) >= 2, TagMultiVehicle)
	add(d.count == 0, TagNoVehicle)
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
	x.nTags = len(tags)
}

// driven is what the rating reads of the vehicles a person is the primary
// driver of.
type driven struct {
	count                   int
	miles                   int32
	leased, away, rideshare bool
	first                   *model.Vehicle // the primary vehicle
	// ev is whether the primary vehicle is electric: the fuel factor and the
	// ev_owner tag both read it. A driver is rated on the vehicle they are
	// rated with, as the body and vehicle-age factors are; an electric
	// second car of theirs is rated on its own policy line, not on them.
	ev bool
}

// drives reports whether p is the primary driver of v.
func drives(p *model.Person, v *model.Vehicle) bool { return v.PrimaryDriverPersonID == p.PersonID }

// drivenOf gathers the vehicles p is the primary driver of.
func drivenOf(p *model.Person, household []model.Vehicle) driven {
	var d driven
	for i := range household {
		v := &household[i]
		if !drives(p, v) {
			continue
		}
		if d.first == nil {
			d.first = v
			d.ev = v.FuelType == "electric"
		}
		d.count++
		d.miles += v.AnnualMileage
		d.leased = d.leased || v.Ownership == "leased"
		d.away = d.away || v.GaragedAway == "true"
		d.rideshare = d.rideshare || v.Usage == "rideshare"
	}
	return d
}
