// Package contract checks records against data contract v0.1: formats,
// ranges, privacy rules, foreign keys within a household and every coherence
// rule. It is the one place those rules live; the validate stage runs it on
// every batch before anything is written.
package contract

import (
	"fmt"
	"slices"
	"strings"

	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
)

// Violation is one broken rule of one record.
type Violation struct {
	File     string `json:"file,omitempty"`
	Row      int64  `json:"row,omitempty"` // 1-based record number in File
	Entity   string `json:"entity"`
	RecordID string `json:"record_id"`
	Column   string `json:"column"`
	Rule     string `json:"rule"`
	Value    string `json:"value"`
}

func (v Violation) String() string {
	where := ""
	if v.File != "" {
		where = fmt.Sprintf("%s row %d: ", v.File, v.Row)
	}
	return fmt.Sprintf("%s%s %s: column %s breaks rule %s (value %q)", where, v.Entity, v.RecordID, v.Column, v.Rule, v.Value)
}

// Checker checks batches of one run.
type Checker struct {
	Seed    uint64
	RefDate model.Date
	Ref     *refdata.Data
	Report  func(Violation)
}

func (c *Checker) bad(entity, id, col, rule, val string) {
	c.Report(Violation{Entity: entity, RecordID: id, Column: col, Rule: rule, Value: val})
}

// Batch checks every record of a batch of whole households. Records are in
// household order, as the pipeline and the files hold them, so households
// are runs of equal household_id: no maps, no copies.
func (c *Checker) Batch(mb *model.Batch) {
	for i := range mb.Persons {
		c.Person(&mb.Persons[i])
	}
	persons, vehicles, profiles := mb.Persons, mb.Vehicles, mb.Profiles
	if len(profiles) != len(persons) && len(profiles) > 0 {
		c.bad("profile", "", "profile_id", "one_profile_per_person", fmt.Sprintf("%d profiles for %d persons", len(profiles), len(persons)))
	}
	for len(persons) > 0 {
		hh := persons[0].HouseholdID
		n := run(persons, func(p *model.Person) string { return p.HouseholdID }, hh)
		members := persons[:n]
		persons = persons[n:]
		c.household(members)
		// Vehicles and profiles of other households before this one have no
		// persons in the batch.
		for len(vehicles) > 0 && vehicles[0].HouseholdID != hh && !inRest(persons, vehicles[0].HouseholdID) {
			c.Vehicle(&vehicles[0], nil)
			vehicles = vehicles[1:]
		}
		nv := run(vehicles, func(v *model.Vehicle) string { return v.HouseholdID }, hh)
		for i := range vehicles[:nv] {
			c.Vehicle(&vehicles[i], members)
		}
		for len(profiles) > 0 && profiles[0].HouseholdID != hh && !inRest(persons, profiles[0].HouseholdID) {
			c.bad("profile", profiles[0].ProfileID, "person_id", "fk_person", profiles[0].PersonID)
			profiles = profiles[1:]
		}
		np := run(profiles, func(p *model.Profile) string { return p.HouseholdID }, hh)
		for i := range profiles[:np] {
			pr := &profiles[i]
			if p := find(members, pr.PersonID); p != nil {
				c.Profile(pr, p, vehicles[:nv])
			} else {
				c.bad("profile", pr.ProfileID, "person_id", "fk_person", pr.PersonID)
			}
		}
		vehicles, profiles = vehicles[nv:], profiles[np:]
	}
	for i := range vehicles {
		c.Vehicle(&vehicles[i], nil)
	}
	for i := range profiles {
		c.bad("profile", profiles[i].ProfileID, "person_id", "fk_person", profiles[i].PersonID)
	}
}

// run returns how many leading records have household hh.
func run[T any](rs []T, hhOf func(*T) string, hh string) int {
	n := 0
	for n < len(rs) && hhOf(&rs[n]) == hh {
		n++
	}
	return n
}

// inRest reports whether a later household of the batch is hh (records out
// of order are then checked with their own household).
func inRest(persons []model.Person, hh string) bool {
	for i := range persons {
		if persons[i].HouseholdID == hh {
			return true
		}
	}
	return false
}

func find(members []model.Person, id string) *model.Person {
	for i := range members {
		if members[i].PersonID == id {
			return &members[i]
		}
	}
	return nil
}

// Person checks one person on its own.
func (c *Checker) Person(p *model.Person) {
	id := p.PersonID
	bad := func(col, rule, val string) { c.bad("person", id, col, rule, val) }
	idx, ok := ident.ParseID("PER-", id)
	if !ok {
		bad("person_id", "id_format", id)
	}
	if _, ok := ident.ParseID("HH-", p.HouseholdID); !ok {
		bad("household_id", "id_format", p.HouseholdID)
	}
	if !c.nameOf(p.Gender, p.FirstName) {
		bad("first_name", "first_name_of_gender", p.FirstName)
	}
	if p.LastName == "" {
		bad("last_name", "not_empty", p.LastName)
	}
	enum := func(col, val string, allowed []string) {
		if !slices.Contains(allowed, val) {
			bad(col, "enum", val)
		}
	}
	enum("gender", p.Gender, model.Genders)
	enum("marital_status", p.MaritalStatus, model.MaritalStatuses)
	enum("relationship", p.Relationship, model.Relationships)
	enum("license_status", p.LicenseStatus, model.LicenseStatuses)
	age := model.YearsBetween(p.DateOfBirth, c.RefDate)
	if age < 16 || age > 95 {
		bad("date_of_birth", "age_16_to_95", p.DateOfBirth.String())
	}
	if !ident.IsSafeSSN(p.SSN, idx) {
		bad("ssn", "ssn_never_issued", p.SSN)
	} else if got, ok := ident.SSNIndex(c.Seed, p.SSN); !ok || got != idx {
		bad("ssn", "ssn_unique", p.SSN)
	}
	if got, ok := ident.EmailIndex(p.Email); !ok {
		bad("email", "email_reserved_domain", p.Email)
	} else if got != idx || strings.ToLower(p.Email) != p.Email {
		bad("email", "email_unique", p.Email)
	}
	st, ok := c.Ref.State(p.State)
	if !ok {
		bad("state", "usps_state", p.State)
		return
	}
	if npa, ok := ident.IsFictionalPhone(p.Phone); !ok {
		bad("phone", "phone_555_01xx", p.Phone)
	} else if !slices.Contains(st.AreaCodes, npa) {
		bad("phone", "phone_area_code_of_state", p.Phone)
	}
	if !addressLine(p.AddressLine1) {
		bad("address_line1", "address_format", p.AddressLine1)
	}
	if zs, city, ok := c.Ref.ZipPlace(p.Zip); !ok || zs != p.State {
		bad("zip", "zip_of_state", p.Zip)
	} else if city != p.City {
		bad("city", "city_of_zip", p.City)
	}
	if !ident.MatchesLicense(st.LicenseFormat, p.DriverLicenseNumber) {
		bad("driver_license_number", "license_format_of_state", p.DriverLicenseNumber)
	}
	if p.DriverLicenseState != p.State {
		bad("driver_license_state", "equals_state", p.DriverLicenseState)
	}
	if p.LicenseIssueDate < p.DateOfBirth.AddYears(16) {
		bad("license_issue_date", "license_after_16th_birthday", p.LicenseIssueDate.String())
	}
	if p.LicenseIssueDate > c.RefDate {
		bad("license_issue_date", "not_after_reference_date", p.LicenseIssueDate.String())
	}
}

func (c *Checker) nameOf(gender, first string) bool {
	switch gender {
	case "F":
		return c.Ref.Female.Has(first)
	case "M":
		return c.Ref.Male.Has(first)
	}
	return c.Ref.Female.Has(first) || c.Ref.Male.Has(first)
}

func addressLine(s string) bool {
	num, rest, ok := strings.Cut(s, " ")
	if !ok || num == "" || rest == "" {
		return false
	}
	for i := 0; i < len(num); i++ {
		if num[i] < '0' || num[i] > '9' {
			return false
		}
	}
	return len(strings.Fields(rest)) >= 2
}

// household checks what members of one household must share.
func (c *Checker) household(members []model.Person) {
	primaries := 0
	var primary *model.Person
	for i := range members {
		p := &members[i]
		if p.Relationship == "primary" {
			primaries++
			primary = p
		}
	}
	if primaries != 1 {
		c.bad("person", members[0].PersonID, "relationship", "one_primary_per_household", fmt.Sprintf("%d primaries in %s", primaries, members[0].HouseholdID))
		return
	}
	pAge := model.YearsBetween(primary.DateOfBirth, c.RefDate)
	for i := range members {
		p := &members[i]
		bad := func(col, rule, val string) { c.bad("person", p.PersonID, col, rule, val) }
		if p.AddressLine1 != primary.AddressLine1 || p.City != primary.City || p.State != primary.State || p.Zip != primary.Zip {
			bad("address_line1", "household_shares_address", p.AddressLine1+", "+p.City+", "+p.State+" "+p.Zip)
		}
		if p.Phone[:min(3, len(p.Phone))] != primary.Phone[:min(3, len(primary.Phone))] {
			bad("phone", "household_shares_area_code", p.Phone)
		}
		switch p.Relationship {
		case "spouse":
			if p.MaritalStatus != "married" || primary.MaritalStatus != "married" {
				bad("marital_status", "spouses_married", p.MaritalStatus+"/"+primary.MaritalStatus)
			}
		case "child":
			if pAge-model.YearsBetween(p.DateOfBirth, c.RefDate) < 16 {
				bad("date_of_birth", "child_16_years_younger_than_primary", p.DateOfBirth.String())
			}
			if p.LastName != primary.LastName {
				bad("last_name", "child_shares_last_name", p.LastName)
			}
		}
	}
}

// Vehicle checks one vehicle against the persons of its household (nil
// when the batch holds none).
func (c *Checker) Vehicle(v *model.Vehicle, persons []model.Person) {
	id := v.VehicleID
	bad := func(col, rule, val string) { c.bad("vehicle", id, col, rule, val) }
	idx, ok := ident.ParseID("VEH-", id)
	if !ok {
		bad("vehicle_id", "id_format", id)
	}
	owner := find(persons, v.OwnerPersonID)
	if owner == nil {
		bad("owner_person_id", "fk_person", v.OwnerPersonID)
	} else {
		if v.GaragingZip != owner.Zip {
			bad("garaging_zip", "equals_owner_zip", v.GaragingZip)
		}
		if v.GaragingState != owner.State {
			bad("garaging_state", "equals_owner_state", v.GaragingState)
		}
	}
	if d := find(persons, v.PrimaryDriverPersonID); d == nil {
		bad("primary_driver_person_id", "fk_person", v.PrimaryDriverPersonID)
	} else if d.HouseholdID != v.HouseholdID {
		bad("primary_driver_person_id", "driver_same_household", v.PrimaryDriverPersonID)
	}
	enum := func(col, val string, allowed []string) {
		if !slices.Contains(allowed, val) {
			bad(col, "enum", val)
		}
	}
	enum("body_type", v.BodyType, model.BodyTypes)
	enum("fuel_type", v.FuelType, model.FuelTypes)
	enum("usage", v.Usage, model.Usages)
	enum("ownership", v.Ownership, model.Ownerships)

	refYear := c.RefDate.Year()
	rows := c.Ref.ModelsOf(v.Make, v.Model)
	if len(rows) == 0 {
		bad("model", "real_make_model", v.Make+" "+v.Model)
	} else {
		inYears, agrees := false, false
		for _, m := range rows {
			lo, hi := derive.YearRange(m, refYear, derive.MaxVehicleAge)
			if int(v.ModelYear) >= lo && int(v.ModelYear) <= hi {
				inYears = true
				agrees = agrees || (m.BodyType == v.BodyType && m.FuelType == v.FuelType)
			}
		}
		if !inYears {
			bad("model_year", "model_year_in_production", fmt.Sprint(v.ModelYear))
		} else if !agrees {
			bad("body_type", "body_fuel_of_model", v.BodyType+"/"+v.FuelType)
		}
	}
	if p := ident.VINProblem(v.VIN); p != "" {
		bad("vin", p, v.VIN)
	} else {
		if !c.Ref.HasWMI(v.Make, v.VIN[:3]) {
			bad("vin", "vin_wmi_of_make", v.VIN)
		}
		if v.VIN[9] != ident.YearCode(int(v.ModelYear)) {
			bad("vin", "vin_year_code", v.VIN)
		}
		if got, ok := ident.VINIndex(c.Seed, v.VIN); !ok || got != idx {
			bad("vin", "vin_unique", v.VIN)
		}
	}
	if v.AnnualMileage < 1000 || v.AnnualMileage > 40000 {
		bad("annual_mileage", "mileage_1000_to_40000", fmt.Sprint(v.AnnualMileage))
	}
	if (v.Ownership == "owned") != (v.Lienholder == "") {
		bad("lienholder", "lienholder_iff_financed_or_leased", v.Lienholder)
	} else if v.Lienholder != "" && !slices.Contains(c.Ref.Lienholders, v.Lienholder) {
		bad("lienholder", "fictional_lienholder", v.Lienholder)
	}
	if st, ok := c.Ref.State(v.GaragingState); !ok {
		bad("garaging_state", "usps_state", v.GaragingState)
	} else if !ident.MatchesPlate(st.PlateFormat, v.LicensePlate) {
		bad("license_plate", "plate_format_of_state", v.LicensePlate)
	}
	if zs, _, ok := c.Ref.ZipPlace(v.GaragingZip); !ok || zs != v.GaragingState {
		bad("garaging_zip", "zip_of_state_garaging", v.GaragingZip)
	}
	if v.PlateState != v.GaragingState {
		bad("plate_state", "equals_garaging_state", v.PlateState)
	}
}

// Profile checks a profile against the one its person and household derive.
func (c *Checker) Profile(pr *model.Profile, p *model.Person, household []model.Vehicle) {
	want := derive.Profile(p, household, c.RefDate)
	bad := func(col, rule, val string) { c.bad("profile", pr.ProfileID, col, rule, val) }
	if pr.ProfileID != want.ProfileID {
		bad("profile_id", "same_index_as_person", pr.ProfileID)
	}
	if pr.HouseholdID != p.HouseholdID {
		bad("household_id", "equals_person_household", pr.HouseholdID)
	}
	if pr.Age != want.Age {
		bad("age", "age_at_reference_date", fmt.Sprint(pr.Age))
	}
	if pr.YearsLicensed != want.YearsLicensed || pr.YearsLicensed > pr.Age-16 {
		bad("years_licensed", "years_since_issue_at_most_age_minus_16", fmt.Sprint(pr.YearsLicensed))
	}
	if pr.HouseholdVehicleCount != want.HouseholdVehicleCount {
		bad("household_vehicle_count", "vehicles_in_household", fmt.Sprint(pr.HouseholdVehicleCount))
	}
	if !slices.Equal(pr.VehicleIDs, want.VehicleIDs) {
		bad("vehicle_ids", "vehicles_driven", strings.Join(pr.VehicleIDs, "|"))
	}
	if pr.PrimaryVehicleID != want.PrimaryVehicleID {
		bad("primary_vehicle_id", "first_vehicle_driven", pr.PrimaryVehicleID)
	}
	if pr.RiskScore < 0 || pr.RiskScore > 1000 || pr.RiskScore != want.RiskScore {
		bad("risk_score", "risk_score_rules", fmt.Sprint(pr.RiskScore))
	}
	if pr.RiskTier != derive.Tier(int(pr.RiskScore)) {
		bad("risk_tier", "tier_of_score", pr.RiskTier)
	}
	if !slices.Equal(pr.ScenarioTags, want.ScenarioTags) {
		bad("scenario_tags", "scenario_tag_rules", strings.Join(pr.ScenarioTags, "|"))
	}
	if pr.RulesVersion != derive.RulesVersion {
		bad("rules_version", "rules_version", pr.RulesVersion)
	}
}
