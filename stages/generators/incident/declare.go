package incident

import (
	"fmt"
	"strconv"

	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
	"github.com/synthpipe/synthpipe/internal/entity"
)

// Name, Singular and IDPrefix of the entity.
const (
	Name     = "incidents"
	Singular = "incident"
	IDPrefix = "INC-"
)

// Incident types, categories and the at_fault values.
var (
	Types = []string{
		"speeding_1_10", "speeding_11_20", "speeding_21_plus", "dui", "reckless", "distracted", "other_moving",
		"at_fault_accident", "not_at_fault_accident",
		"comprehensive_glass", "comprehensive_theft", "comprehensive_weather", "comprehensive_animal", "comprehensive_vandalism",
	}
	Categories = []string{"violation", "accident", "claim"}
	AtFaults   = []string{"true", "false"}
)

// MaxPaidUSD caps a paid amount (the lognormal's far tail).
const MaxPaidUSD = 1_000_000

// Incident is one row of incidents: a violation, accident or claim of a
// person within the look-back window. Field order is column order.
type Incident struct {
	IncidentID   string     `parquet:"incident_id" json:"incident_id"`
	PersonID     string     `parquet:"person_id" json:"person_id"`
	HouseholdID  string     `parquet:"household_id" json:"household_id"`
	VehicleID    string     `parquet:"vehicle_id,optional" json:"vehicle_id"`
	IncidentDate model.Date `parquet:"incident_date,date" json:"incident_date"`
	IncidentType string     `parquet:"incident_type,dict" json:"incident_type"`
	Category     string     `parquet:"category,dict" json:"category"`
	Points       int32      `parquet:"points" json:"points"`
	AtFault      string     `parquet:"at_fault,dict" json:"at_fault"`
	PaidAmount   int32      `parquet:"paid_amount" json:"paid_amount"`
}

// Columns are the incidents columns in contract order.
var Columns = []model.Column[Incident]{
	{Name: "incident_id", Kind: model.KindString, Pattern: entity.PerParentPattern(IDPrefix), Doc: "INC- + the person's 10 digits + - + 2-digit sequence from 01; unique, increasing in file order", Str: func(r *Incident) string { return r.IncidentID }},
	{Name: "person_id", Kind: model.KindString, Pattern: `^PER-[0-9]{10}$`, Doc: "the person the incident is on; the digits of incident_id", Str: func(r *Incident) string { return r.PersonID }},
	{Name: "household_id", Kind: model.KindString, Pattern: `^HH-[0-9]{10}$`, Doc: "the person's household", Str: func(r *Incident) string { return r.HouseholdID }},
	{Name: "vehicle_id", Kind: model.KindString, Nullable: true, Pattern: `^VEH-[0-9]{10}$`, Doc: "a household vehicle the person is the primary driver of: always for comprehensive claims, for accidents when there is one; null for violations", Str: func(r *Incident) string { return r.VehicleID }},
	{Name: "incident_date", Kind: model.KindDate, Doc: "within the look-back window, before the reference date, after first_licensed_date", Date: func(r *Incident) model.Date { return r.IncidentDate }},
	{Name: "incident_type", Kind: model.KindEnum, Enum: Types, Doc: "the violation, accident or comprehensive claim", Str: func(r *Incident) string { return r.IncidentType }},
	{Name: "category", Kind: model.KindEnum, Enum: Categories, Doc: "violation, accident or claim, by incident_type", Str: func(r *Incident) string { return r.Category }},
	{Name: "points", Kind: model.KindInt, Doc: "California negligent-operator points (VC 12810) of the type; 0 for not-at-fault accidents and claims", Int: func(r *Incident) int64 { return int64(r.Points) }},
	{Name: "at_fault", Kind: model.KindEnum, Enum: AtFaults, Doc: "true for violations and at-fault accidents", Str: func(r *Incident) string { return r.AtFault }},
	{Name: "paid_amount", Kind: model.KindInt, Doc: "USD paid: > 0 for comprehensive claims and at-fault accidents with a claim, else 0", Int: func(r *Incident) int64 { return int64(r.PaidAmount) }},
}

// Rule names.
const (
	RulePersonMatchesID     = "incident_person_matches_id"
	RuleCategoryMatchesType = "incident_category_matches_type"
	RulePointsMatchType     = "incident_points_match_type"
	RuleAtFaultMatchesType  = "incident_at_fault_matches_type"
	RulePaidAmount          = "incident_paid_amount"
	RuleVehicleMatchesType  = "incident_vehicle_matches_type"
	RulePersonExists        = "incident_person_exists"
	RuleHouseholdMatches    = "incident_household_matches"
	RuleVehicleDriven       = "incident_vehicle_driven"
	RuleAfterFirstLicence   = "incident_after_first_licence"
	RuleDateInWindow        = "incident_date_in_window"
	RuleFilingCoherent      = "person_financial_filing_coherent"
	RuleSuspensionHasCause  = "person_suspension_has_cause"
	RuleUnderwritingRanges  = "person_underwriting_coherent"
	RuleProfileHistory      = "profile_history_matches_incidents"
	RuleVehicleOnRoad       = "incident_vehicle_on_road"
)

// Rules are the rules the declaration checks: on each row (Check), and
// against the batch's persons, vehicles and profiles (CheckAcross: the
// validate stage and `synthpipe validate`).
var Rules = []entity.Rule{
	{Name: RulePersonMatchesID, Description: "an incident's person_id is PER- and the 10 digits of its incident_id"},
	{Name: RuleCategoryMatchesType, Description: "category is violation for speeding_*, dui, reckless, distracted, other_moving; accident for *_accident; claim for comprehensive_*"},
	{Name: RulePointsMatchType, Description: "points are the California schedule's for the type: 2 for dui and reckless, 1 for other violations and at-fault accidents, 0 otherwise"},
	{Name: RuleAtFaultMatchesType, Description: "at_fault is true for violations and at-fault accidents, false for not-at-fault accidents and claims"},
	{Name: RulePaidAmount, Description: "paid_amount is 1 to 1,000,000 for claims, 0 to 1,000,000 for at-fault accidents, 0 otherwise"},
	{Name: RuleVehicleMatchesType, Description: "claims name a vehicle, violations none"},
	{Name: RulePersonExists, Description: "an incident's person is a person of its batch (incidents follow their persons' order)", Across: true},
	{Name: RuleHouseholdMatches, Description: "an incident's household is its person's", Across: true},
	{Name: RuleVehicleDriven, Description: "an incident's vehicle is of the person's household and the person is its primary driver", Across: true},
	{Name: RuleAfterFirstLicence, Description: "an incident is dated after its person's first_licensed_date; the unlicensed have none", Across: true},
	{Name: RuleVehicleOnRoad, Description: "an incident's vehicle was on the road on its date: from 1 January of the year before its model year", Across: true},
	{Name: RuleProfileHistory, Description: "a profile's history columns (violations, major_violations, dui_count, violation_points, at_fault_accidents, not_at_fault_accidents, comprehensive_claims) count its person's incidents", Across: true},
}

// RefDateRules are the batch rules that need the run's reference date (and
// look-back); CheckAtRefDate applies them, from checkAcross.
var RefDateRules = []entity.Rule{
	{Name: RuleDateInWindow, Description: "an incident is dated before the reference date and within the run's look-back before it (metadata lookback_years; 10 years, the longest, when the metadata does not say)", Across: true},
	{Name: RuleFilingCoherent, Description: "financial_filing is FR-44 for a person of FL or VA with a DUI in the 3 years before the reference date; SR-22 for one elsewhere with such a DUI, or whose licence is suspended or revoked; none otherwise", Across: true},
	{Name: RuleSuspensionHasCause, Description: "a suspended or revoked licence has a cause in its person's incidents within the look-back before the reference date: a dui or reckless, or points reaching California's negligent-operator threshold (VC 12810.5: 4 in the 12 months before the reference date, 6 in the 24, 8 in the 36)", Across: true},
	{Name: RuleUnderwritingRanges, Description: "prior_insurance_months is 0 to the months since first licence; coverage_lapse_days 0 to 365, and after a lapse prior_insurance_months is at most 12; without one it is at least 12 or the months since first licence; both 0 for the unlicensed", Across: true},
}

// Incidents is the declared entity (declared in init: its CheckAcross reads
// its rows).
var Incidents *entity.Declared[Incident]

func init() {
	Incidents = entity.Declare(entity.Def[Incident]{
		Name: Name, Singular: Singular, IDPrefix: IDPrefix, IDs: entity.PerParent, Parent: model.Persons,
		Columns:     Columns,
		ID:          func(r *Incident) string { return r.IncidentID },
		Rules:       append(append([]entity.Rule(nil), Rules...), RefDateRules...),
		Check:       check,
		CheckAcross: checkAcross,
	})
}

// kind is what an incident type implies.
type kind struct {
	category string
	points   int32
	atFault  bool
}

// kinds maps each type to its category, points and fault; the points are
// checked against refdata's California schedule by checkSchedule (New
// refuses to run otherwise).
var kinds = map[string]kind{
	"speeding_1_10":           {"violation", 1, true},
	"speeding_11_20":          {"violation", 1, true},
	"speeding_21_plus":        {"violation", 1, true},
	"dui":                     {"violation", 2, true},
	"reckless":                {"violation", 2, true},
	"distracted":              {"violation", 1, true},
	"other_moving":            {"violation", 1, true},
	"at_fault_accident":       {"accident", 1, true},
	"not_at_fault_accident":   {"accident", 0, false},
	"comprehensive_glass":     {"claim", 0, false},
	"comprehensive_theft":     {"claim", 0, false},
	"comprehensive_weather":   {"claim", 0, false},
	"comprehensive_animal":    {"claim", 0, false},
	"comprehensive_vandalism": {"claim", 0, false},
}

// kindsByLength are kinds by the length of their type: a row's type is
// found among the one or two of its length, which costs less than hashing it.
var kindsByLength = func() [][]typed {
	var t [][]typed
	for name, k := range kinds {
		for len(t) <= len(name) {
			t = append(t, nil)
		}
		t[len(name)] = append(t[len(name)], typed{name, k})
	}
	return t
}()

// kindOf is kinds[t].
func kindOf(t string) (kind, bool) {
	if len(t) < len(kindsByLength) {
		for _, e := range kindsByLength[len(t)] {
			if e.name == t {
				return e.kind, true
			}
		}
	}
	return kind{}, false
}

// caSchedule names the row of refdata's California schedule each type's
// points come from (types absent get 0).
var caSchedule = map[string]string{
	"speeding_1_10":     "moving violation involving safe operation (e.g. speeding, red light, stop sign, unsafe lane change)",
	"speeding_11_20":    "moving violation involving safe operation (e.g. speeding, red light, stop sign, unsafe lane change)",
	"speeding_21_plus":  "moving violation involving safe operation (e.g. speeding, red light, stop sign, unsafe lane change)",
	"dui":               "DUI alcohol or drugs (VC 23152)",
	"reckless":          "reckless driving (VC 23103)",
	"distracted":        "moving violation involving safe operation (e.g. speeding, red light, stop sign, unsafe lane change)",
	"other_moving":      "moving violation involving safe operation (e.g. speeding, red light, stop sign, unsafe lane change)",
	"at_fault_accident": "at-fault (responsible) traffic collision",
}

func atFaultText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func check(r *Incident, report entity.Report) {
	// A parsed id's 10 digits are its parent's, as ident.ID writes them:
	// compared in place rather than made into an id per row, and the id
	// parsed only when they differ (the rule is of ids that parse).
	if !personOf(r.PersonID, r.IncidentID) {
		if _, _, ok := entity.ParsePerParentID(IDPrefix, r.IncidentID); ok {
			report(RulePersonMatchesID, "person_id", r.PersonID)
		}
	}
	k, ok := kindOf(r.IncidentType)
	if !ok {
		return // the enum check names it
	}
	if r.Category != k.category {
		report(RuleCategoryMatchesType, "category", r.Category)
	}
	if r.Points != k.points {
		report(RulePointsMatchType, "points", strconv.Itoa(int(r.Points)))
	}
	if r.AtFault != atFaultText(k.atFault) {
		report(RuleAtFaultMatchesType, "at_fault", r.AtFault)
	}
	switch {
	case r.PaidAmount < 0 || r.PaidAmount > MaxPaidUSD,
		k.category == "claim" && r.PaidAmount == 0,
		r.IncidentType != "at_fault_accident" && k.category != "claim" && r.PaidAmount != 0:
		report(RulePaidAmount, "paid_amount", strconv.Itoa(int(r.PaidAmount)))
	}
	switch {
	case k.category == "claim" && r.VehicleID == "", k.category == "violation" && r.VehicleID != "":
		report(RuleVehicleMatchesType, "vehicle_id", r.VehicleID)
	}
}

// personOf reports whether personID is PER- and the 10 bytes after the
// prefix of incidentID.
func personOf(personID, incidentID string) bool {
	return len(incidentID) >= len(IDPrefix)+10 && len(personID) == len("PER-")+10 &&
		personID[:len("PER-")] == "PER-" && personID[len("PER-"):] == incidentID[len(IDPrefix):len(IDPrefix)+10]
}

// checkAcross checks each incident against its person and vehicle in the
// batch. Incidents follow their persons' order, so one pass over both
// finds each person without a map.
func checkAcross(b *model.Batch, run *model.Run, report entity.BatchReport) {
	rows := *Incidents.Rows(b)
	if h, err := refdata.V02History(); err == nil { // parsed when the stage was made
		CheckAtRefDate(b, run, h.FR44States, report)
	}
	checkProfiles(b, rows, report)
	vs := batchVehicles(b.Vehicles)
	p := 0
	for i := range rows {
		r := &rows[i]
		for p < len(b.Persons) && b.Persons[p].PersonID < r.PersonID {
			p++
		}
		if p == len(b.Persons) || b.Persons[p].PersonID != r.PersonID {
			report(r.IncidentID, RulePersonExists, "person_id", r.PersonID)
			continue
		}
		per := &b.Persons[p]
		if r.HouseholdID != per.HouseholdID {
			report(r.IncidentID, RuleHouseholdMatches, "household_id", r.HouseholdID)
		}
		if per.LicenseType == "unlicensed" || r.IncidentDate <= per.FirstLicensedDate {
			report(r.IncidentID, RuleAfterFirstLicence, "incident_date", r.IncidentDate.String())
		}
		if r.VehicleID != "" {
			if v := vs.drives(r.VehicleID, per); v == nil {
				report(r.IncidentID, RuleVehicleDriven, "vehicle_id", r.VehicleID)
			} else if r.IncidentDate < OnRoadFrom(v) {
				report(r.IncidentID, RuleVehicleOnRoad, "incident_date", fmt.Sprintf("%s, %s is a %d model", r.IncidentDate, r.VehicleID, v.ModelYear))
			}
		}
	}
}

// vehicles are a batch's vehicles and the index of the first's id (ok
// false when there is none or it does not parse), read once per batch.
type vehicles struct {
	all   []model.Vehicle
	first int64
	ok    bool
}

func batchVehicles(all []model.Vehicle) vehicles {
	vs := vehicles{all: all}
	if len(all) > 0 {
		vs.first, vs.ok = ident.ParseID("VEH-", all[0].VehicleID)
	}
	return vs
}

// drives returns the batch's vehicle id when it is of the person's
// household and driven by them, else nil.
func (vs *vehicles) drives(id string, p *model.Person) *model.Vehicle {
	idx, ok := ident.ParseID("VEH-", id)
	if !ok || !vs.ok || idx < vs.first || idx-vs.first >= int64(len(vs.all)) {
		return nil
	}
	v := &vs.all[idx-vs.first]
	if v.VehicleID != id || v.HouseholdID != p.HouseholdID || v.PrimaryDriverPersonID != p.PersonID {
		return nil
	}
	return v
}

// checkProfiles compares each profile's history columns with its person's
// incidents, when the batch has its profiles.
func checkProfiles(b *model.Batch, rows []Incident, report entity.BatchReport) {
	if len(b.Profiles) != len(b.Persons) {
		return
	}
	j := 0
	for i := range b.Profiles {
		pr := &b.Profiles[i]
		var h model.History
		for j < len(rows) && rows[j].PersonID < pr.PersonID {
			j++
		}
		for ; j < len(rows) && rows[j].PersonID == pr.PersonID; j++ {
			Add(&h, &rows[j])
		}
		if got := (model.History{Violations: pr.Violations, MajorViolations: pr.MajorViolations, DUI: pr.DUIs, ViolationPoints: pr.ViolationPoints,
			AtFaultAccidents: pr.AtFaultAccidents, NotAtFaultAccidents: pr.NotAtFaultAccidents, ComprehensiveClaims: pr.ComprehensiveClaims}); got != h {
			report(pr.ProfileID, RuleProfileHistory, "violations", fmt.Sprintf("%+v, incidents give %+v", got, h))
		}
	}
}
