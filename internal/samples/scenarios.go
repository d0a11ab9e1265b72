// Package samples picks small households from a governed snapshot, one per
// scenario (a teen driver, an EV owner, a DUI with its SR-22 …), for docs and
// slides: `synthpipe samples` writes each as a JSON file with every record of
// the household and says what it shows and where it comes from. The picks
// are made by the predicates below, never by hand, so they are reproduced
// byte for byte from the same snapshot.
package samples

import (
	"slices"

	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/stages/generators/incident"
)

// Household is every record of one household: its persons, vehicles,
// profiles and incidents in file order.
type Household struct {
	ID        string
	Persons   []model.Person
	Vehicles  []model.Vehicle
	Profiles  []model.Profile
	Incidents []incident.Incident
}

// Size is what "smallest" means when picking: the records a reader has to
// look at (a profile comes with each person, so it is not counted).
func (h *Household) Size() int { return len(h.Persons) + len(h.Vehicles) + len(h.Incidents) }

// profile returns the profile of the person, or nil.
func (h *Household) profile(personID string) *model.Profile {
	for i := range h.Profiles {
		if h.Profiles[i].PersonID == personID {
			return &h.Profiles[i]
		}
	}
	return nil
}

// age is the person's age from their profile (-1 without one).
func (h *Household) age(personID string) int {
	if pr := h.profile(personID); pr != nil {
		return int(pr.Age)
	}
	return -1
}

// drives reports whether the person is the primary driver of a vehicle.
func (h *Household) drives(personID string) bool {
	return slices.ContainsFunc(h.Vehicles, func(v model.Vehicle) bool { return v.PrimaryDriverPersonID == personID })
}

// incidentsOf returns the ids of the person's incidents of the given types.
func (h *Household) incidentsOf(personID string, types ...string) []string {
	var ids []string
	for _, in := range h.Incidents {
		if in.PersonID == personID && slices.Contains(types, in.IncidentType) {
			ids = append(ids, in.IncidentID)
		}
	}
	return ids
}

// persons returns the ids of the members for whom keep holds.
func (h *Household) persons(keep func(p *model.Person) bool) []string {
	var ids []string
	for i := range h.Persons {
		if keep(&h.Persons[i]) {
			ids = append(ids, h.Persons[i].PersonID)
		}
	}
	return ids
}

// vehicles returns the ids of the vehicles for which keep holds.
func (h *Household) vehicles(keep func(v *model.Vehicle) bool) []string {
	var ids []string
	for i := range h.Vehicles {
		if keep(&h.Vehicles[i]) {
			ids = append(ids, h.Vehicles[i].VehicleID)
		}
	}
	return ids
}

// Incident types the scenarios look for (checked against incident.Types by
// the tests).
const (
	incidentDUI     = "dui"
	incidentAtFault = "at_fault_accident"
	categoryClaim   = "claim"
)

// Scenario is one sample: a file name, what it shows, and the predicate
// that finds a household showing it.
type Scenario struct {
	// Name is the file stem (teen-driver.json): lower case and hyphens.
	Name  string
	Title string
	// Description says what the household shows and in which columns.
	Description string
	// Tags are the profile scenario_tags the household shows (some member
	// carries each); empty where no tag names the scenario.
	Tags []string
	// Shows returns the ids of the records that show the scenario (persons,
	// vehicles or incidents), or none when the household does not.
	Shows func(h *Household) []string
}

// Scenarios are the samples, in the order of the index.
var Scenarios = []Scenario{
	{
		Name: "teen-driver", Title: "Teen driver", Tags: []string{derive.TagYoungDriver},
		Description: "A 16- or 17-year-old with a full, valid licence who is the primary driver of a household vehicle (profile age 16-17, license_type full, license_status valid, vehicles.primary_driver_person_id).",
		Shows: func(h *Household) []string {
			return h.persons(func(p *model.Person) bool {
				a := h.age(p.PersonID)
				return a >= 16 && a <= 17 && p.LicenseType == "full" && p.LicenseStatus == "valid" && h.drives(p.PersonID)
			})
		},
	},
	{
		Name: "learner-permit", Title: "Learner permit", Tags: []string{derive.TagLearnerPermit},
		Description: "A 16- or 17-year-old holding a learner permit: a licence number and dates like a licence, renewed every 2 years (license_type learner_permit, license_expiration_date).",
		Shows: func(h *Household) []string {
			return h.persons(func(p *model.Person) bool { return p.LicenseType == "learner_permit" })
		},
	},
	{
		Name: "multi-vehicle-family", Title: "Multi-vehicle family", Tags: []string{derive.TagMultiVehicle},
		Description: "A married couple with a child and two or more vehicles, each with its owner and primary driver (relationship spouse and child; vehicles.owner_person_id, primary_driver_person_id).",
		Shows: func(h *Household) []string {
			rel := func(r string) bool {
				return slices.ContainsFunc(h.Persons, func(p model.Person) bool { return p.Relationship == r })
			}
			if len(h.Vehicles) < 2 || !rel("spouse") || !rel("child") {
				return nil
			}
			return h.vehicles(func(*model.Vehicle) bool { return true })
		},
	},
	{
		Name: "senior-driver", Title: "Senior driver", Tags: []string{derive.TagSeniorDriver},
		Description: "A driver aged 70 or over who is the primary driver of a vehicle (profile age, the age factor in rating_factors).",
		Shows: func(h *Household) []string {
			return h.persons(func(p *model.Person) bool { return h.age(p.PersonID) >= 70 && h.drives(p.PersonID) })
		},
	},
	{
		Name: "ev-owner", Title: "EV owner", Tags: []string{derive.TagEVOwner},
		Description: "An electric vehicle and its primary driver (vehicles.fuel_type electric, primary_driver_person_id).",
		Shows: func(h *Household) []string {
			return h.vehicles(func(v *model.Vehicle) bool { return v.FuelType == "electric" })
		},
	},
	{
		Name: "leased-vehicle", Title: "Leased vehicle", Tags: []string{derive.TagLeasedVehicle},
		Description: "A leased vehicle, its lessor named as lienholder (vehicles.ownership leased, lienholder).",
		Shows: func(h *Household) []string {
			return h.vehicles(func(v *model.Vehicle) bool { return v.Ownership == "leased" })
		},
	},
	{
		Name: "garaged-away", Title: "Garaged away", Tags: []string{derive.TagGaragedAway},
		Description: "A vehicle kept away from home, at a student's ZIP in the owner's state (vehicles.garaged_away true, garaging_zip other than the household's zip).",
		Shows: func(h *Household) []string {
			return h.vehicles(func(v *model.Vehicle) bool { return v.GaragedAway == "true" })
		},
	},
	{
		Name: "rideshare", Title: "Rideshare", Tags: []string{derive.TagRideshare},
		Description: "A vehicle used for rideshare, with the mileage that comes with it (vehicles.usage rideshare, annual_mileage; the use factor in rating_factors).",
		Shows: func(h *Household) []string {
			return h.vehicles(func(v *model.Vehicle) bool { return v.Usage == "rideshare" })
		},
	},
	{
		Name: "farm-vehicle", Title: "Farm vehicle",
		Description: "A vehicle used on a farm, garaged in a rural ZIP (vehicles.usage farm; persons.urban_rural rural).",
		Shows: func(h *Household) []string {
			return h.vehicles(func(v *model.Vehicle) bool { return v.Usage == "farm" })
		},
	},
	{
		Name: "no-vehicle-household", Title: "Household without a vehicle", Tags: []string{derive.TagNoVehicle},
		Description: "A household with no vehicle: every profile has household_vehicle_count 0 and no primary_vehicle_id (the mileage factor for no vehicle).",
		Shows: func(h *Household) []string {
			if len(h.Vehicles) > 0 {
				return nil
			}
			return h.persons(func(*model.Person) bool { return true })
		},
	},
	{
		Name: "expired-licence", Title: "Expired licence",
		Description: "A member who did not renew: the licence expired before the reference date (license_status expired, license_expiration_date; the license factor in rating_factors).",
		Shows: func(h *Household) []string {
			return h.persons(func(p *model.Person) bool { return p.LicenseStatus == "expired" })
		},
	},
	{
		Name: "suspended-licence", Title: "Suspended licence", Tags: []string{derive.TagSuspendedLicense, derive.TagSR22},
		Description: "A member whose licence is suspended, with the financial filing a suspension requires (license_status suspended, financial_filing SR-22 or FR-44).",
		Shows: func(h *Household) []string {
			return h.persons(func(p *model.Person) bool { return p.LicenseStatus == "suspended" })
		},
	},
	{
		Name: "revoked-licence", Title: "Revoked licence", Tags: []string{derive.TagSuspendedLicense, derive.TagSR22},
		Description: "A member whose licence is revoked, with its SR-22 filing (license_status revoked, financial_filing).",
		Shows: func(h *Household) []string {
			return h.persons(func(p *model.Person) bool { return p.LicenseStatus == "revoked" })
		},
	},
	{
		Name: "excluded-driver", Title: "Excluded driver", Tags: []string{derive.TagExcludedDriver},
		Description: "A member other than the primary who may not drive the household's vehicles, the one an insurer would exclude: unlicensed, or with a suspended or revoked licence (relationship, license_type, license_status).",
		Shows: func(h *Household) []string {
			if len(h.Vehicles) == 0 {
				return nil // nothing to be excluded from
			}
			return h.persons(func(p *model.Person) bool {
				return p.Relationship != "primary" && (p.LicenseType == "unlicensed" || p.LicenseStatus == "suspended" || p.LicenseStatus == "revoked")
			})
		},
	},
	{
		Name: "dui-sr22", Title: "DUI with an SR-22", Tags: []string{derive.TagDUI, derive.TagSR22},
		Description: "A DUI in the look-back window and the SR-22 filing it brings (incidents.incident_type dui; persons.financial_filing SR-22; profile dui_count).",
		Shows: func(h *Household) []string {
			return duiWith(h, "SR-22")
		},
	},
	{
		Name: "dui-fr44", Title: "DUI with an FR-44", Tags: []string{derive.TagDUI, derive.TagSR22},
		Description: "A DUI in Florida or Virginia, which ask for an FR-44 filing instead of an SR-22 (incidents.incident_type dui; persons.state, financial_filing FR-44).",
		Shows: func(h *Household) []string {
			return duiWith(h, "FR-44")
		},
	},
	{
		Name: "coverage-lapse", Title: "Coverage lapse", Tags: []string{derive.TagCoverageLapse},
		Description: "A lapse in insurance in the last 12 months; prior insurance counts from its end (persons.coverage_lapse_days, prior_insurance_months; the insurance factor in rating_factors).",
		Shows: func(h *Household) []string {
			return h.persons(func(p *model.Person) bool { return p.CoverageLapseDays > 0 })
		},
	},
	{
		Name: "at-fault-accident", Title: "At-fault accident", Tags: []string{derive.TagAtFaultAccident},
		Description: "An at-fault accident with a paid property-damage claim, in a vehicle of the household the driver drives (incidents.incident_type at_fault_accident, paid_amount, vehicle_id; profile at_fault_accidents).",
		Shows: func(h *Household) []string {
			var ids []string
			for _, in := range h.Incidents {
				if in.IncidentType == incidentAtFault && in.PaidAmount > 0 && in.VehicleID != "" {
					ids = append(ids, in.IncidentID)
				}
			}
			return ids
		},
	},
	{
		Name: "comprehensive-claim", Title: "Comprehensive claim",
		Description: "A comprehensive claim (glass, theft, weather, animal or vandalism) on a vehicle the person drives (incidents.category claim, paid_amount; profile comprehensive_claims).",
		Shows: func(h *Household) []string {
			var ids []string
			for _, in := range h.Incidents {
				if in.Category == categoryClaim {
					ids = append(ids, in.IncidentID)
				}
			}
			return ids
		},
	},
	{
		Name: "high-risk-driver", Title: "High-risk driver",
		Description: "A driver rated high risk, with the factors that make it (profiles.risk_score 600 or more, risk_tier high, rating_factors).",
		Shows: func(h *Household) []string {
			var ids []string
			for _, pr := range h.Profiles {
				if pr.RiskTier == "high" {
					ids = append(ids, pr.PersonID)
				}
			}
			return ids
		},
	},
	{
		Name: "clean-record", Title: "Clean record",
		Description: "Licensed drivers with nothing on record, all rated low risk: the contrast to the others (no incidents; every member license_status valid, risk_tier low).",
		Shows: func(h *Household) []string {
			if len(h.Incidents) > 0 || len(h.Vehicles) == 0 {
				return nil
			}
			ok := !slices.ContainsFunc(h.Persons, func(p model.Person) bool {
				pr := h.profile(p.PersonID)
				return p.LicenseStatus != "valid" || p.LicenseType != "full" || pr == nil || pr.RiskTier != "low"
			})
			if !ok {
				return nil
			}
			return h.persons(func(*model.Person) bool { return true })
		},
	},
}

// duiWith returns the persons with a DUI in the window and the given
// financial filing, each followed by their DUI incidents.
func duiWith(h *Household, filing string) []string {
	var ids []string
	for _, p := range h.Persons {
		if p.FinancialFiling != filing {
			continue
		}
		if duis := h.incidentsOf(p.PersonID, incidentDUI); len(duis) > 0 {
			ids = append(append(ids, p.PersonID), duis...)
		}
	}
	return ids
}
