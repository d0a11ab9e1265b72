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
	File     string   `json:"file,omitempty"`
	Row      int64    `json:"row,omitempty"` // 1-based record number in File
	Entity   string   `json:"entity"`
	RecordID string   `json:"record_id"`
	Column   string   `json:"column"`
	Rule     RuleName `json:"rule"`
	Value    string   `json:"value"`
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

func (c *Checker) bad(entity, id, col string, rule RuleName, val string) {
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
		c.bad("profile", "", "profile_id", RuleOneProfilePerPerson, fmt.Sprintf("%d profiles for %d persons", len(profiles), len(persons)))
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
			c.bad("profile", profiles[0].ProfileID, "person_id", RuleFKPerson, profiles[0].PersonID)
			profiles = profiles[1:]
		}
		np := run(profiles, func(p *model.Profile) string { return p.HouseholdID }, hh)
		for i := range profiles[:np] {
			pr := &profiles[i]
			if p := find(members, pr.PersonID); p != nil {
				c.Profile(pr, p, vehicles[:nv])
			} else {
				c.bad("profile", pr.ProfileID, "person_id", RuleFKPerson, pr.PersonID)
			}
		}
		vehicles, profiles = vehicles[nv:], profiles[np:]
	}
	for i := range vehicles {
		c.Vehicle(&vehicles[i], nil)
	}
	for i := range profiles {
		c.bad("profile", profiles[i].ProfileID, "person_id", RuleFKPerson, profiles[i].PersonID)
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
	bad := func(col string, rule RuleName, val string) { c.bad("person", id, col, rule, val) }
	idx, ok := ident.ParseID("PER-", id)
	if !ok {
		bad("person_id", RuleIDFormat, id)
	}
	if _, ok := ident.ParseID("HH-", p.HouseholdID); !ok {
		bad("household_id", RuleIDFormat, p.HouseholdID)
	}
	if !c.nameOf(p.Gender, p.FirstName) {
		bad("first_name", RuleFirstNameOfGender, p.FirstName)
	}
	if p.LastName == "" {
		bad("last_name", RuleNotEmpty, p.LastName)
	}
	enum := func(col, val string, allowed []string) {
		if !slices.Contains(allowed, val) {
			bad(col, RuleEnum, val)
		}
	}
	enum("gender", p.Gender, model.Genders)
	enum("marital_status", p.MaritalStatus, model.MaritalStatuses)
	enum("relationship", p.Relationship, model.Relationships)
	enum("license_status", p.LicenseStatus, model.LicenseStatuses)
	age := model.YearsBetween(p.DateOfBirth, c.RefDate)
	if age < 16 || age > 95 {
		bad("date_of_birth", RuleAge16To95, p.DateOfBirth.String())
	}
	if !ident.IsSafeSSN(p.SSN, idx) {
		bad("ssn", RuleSSNNeverIssued, p.SSN)
	} else if got, ok := ident.SSNIndex(c.Seed, p.SSN); !ok || got != idx {
		bad("ssn", RuleSSNUnique, p.SSN)
	}
	if got, ok := ident.EmailIndex(p.Email); !ok {
		bad("email", RuleEmailReservedDomain, p.Email)
	} else if got != idx || strings.ToLower(p.Email) != p.Email {
		bad("email", RuleEmailUnique, p.Email)
	}
	st, ok := c.Ref.State(p.State)
	if !ok {
		bad("state", RuleUSPSState, p.State)
		return
	}
	if npa, ok := ident.IsFictionalPhone(p.Phone); !ok {
		bad("phone", RulePhone55501xx, p.Phone)
	} else if !slices.Contains(st.AreaCodes, npa) {
		bad("phone", RulePhoneAreaCodeOfState, p.Phone)
	}
	if !addressLine(p.AddressLine1) {
		bad("address_line1", RuleAddressFormat, p.AddressLine1)
	}
	if zs, city, ok := c.Ref.ZipPlace(p.Zip); !ok || zs != p.State {
		bad("zip", RuleZIPOfState, p.Zip)
	} else if city != p.City {
		bad("city", RuleCityOfZIP, p.City)
	}
	if !ident.MatchesLicense(st.LicenseFormat, p.DriverLicenseNumber) {
		bad("driver_license_number", RuleLicenseFormatOfState, p.DriverLicenseNumber)
	}
	if p.DriverLicenseState != p.State {
		bad("driver_license_state", RuleEqualsState, p.DriverLicenseState)
	}
	if p.LicenseIssueDate < p.DateOfBirth.AddYears(16) {
		bad("license_issue_date", RuleLicenseAfter16thBirthday, p.LicenseIssueDate.String())
	}
	if p.LicenseIssueDate > c.RefDate {
		bad("license_issue_date", RuleNotAfterReferenceDate, p.LicenseIssueDate.String())
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
		c.bad("person", members[0].PersonID, "relationship", RuleOnePrimaryPerHousehold, fmt.Sprintf("%d primaries in %s", primaries, members[0].HouseholdID))
		return
	}
	pAge := model.YearsBetween(primary.DateOfBirth, c.RefDate)
	for i := range members {
		p := &members[i]
		bad := func(col string, rule RuleName, val string) { c.bad("person", p.PersonID, col, rule, val) }
		if p.AddressLine1 != primary.AddressLine1 || p.City != primary.City || p.State != primary.State || p.Zip != primary.Zip {
			bad("address_line1", RuleHouseholdSharesAddress, p.AddressLine1+", "+p.City+", "+p.State+" "+p.Zip)
		}
		if p.Phone[:min(3, len(p.Phone))] != primary.Phone[:min(3, len(primary.Phone))] {
			bad("phone", RuleHouseholdSharesAreaCode, p.Phone)
		}
		switch p.Relationship {
		case "spouse":
			if p.MaritalStatus != "married" || primary.MaritalStatus != "married" {
				bad("marital_status", RuleSpousesMarried, p.MaritalStatus+"/"+primary.MaritalStatus)
			}
		case "child":
			if pAge-model.YearsBetween(p.DateOfBirth, c.RefDate) < 16 {
				bad("date_of_birth", RuleChild16YearsYoungerThanPrimary, p.DateOfBirth.String())
			}
			if p.LastName != primary.LastName {
				bad("last_name", RuleChildSharesLastName, p.LastName)
			}
		}
	}
}

// Vehicle checks one vehicle against the persons of its household (nil
// when the batch holds none).
func (c *Checker) Vehicle(v *model.Vehicle, persons []model.Person) {
	id := v.VehicleID
	bad := func(col string, rule RuleName, val string) { c.bad("vehicle", id, col, rule, val) }
	idx, ok := ident.ParseID("VEH-", id)
	if !ok {
		bad("vehicle_id", RuleIDFormat, id)
	}
	owner := find(persons, v.OwnerPersonID)
	if owner == nil {
		bad("owner_person_id", RuleFKPerson, v.OwnerPersonID)
	} else {
		if v.GaragingZip != owner.Zip {
			bad("garaging_zip", RuleEqualsOwnerZIP, v.GaragingZip)
		}
		if v.GaragingState != owner.State {
			bad("garaging_state", RuleEqualsOwnerState, v.GaragingState)
		}
	}
	if d := find(persons, v.PrimaryDriverPersonID); d == nil {
		bad("primary_driver_person_id", RuleFKPerson, v.PrimaryDriverPersonID)
	} else if d.HouseholdID != v.HouseholdID {
		bad("primary_driver_person_id", RuleDriverSameHousehold, v.PrimaryDriverPersonID)
	}
	enum := func(col, val string, allowed []string) {
		if !slices.Contains(allowed, val) {
			bad(col, RuleEnum, val)
		}
	}
	enum("body_type", v.BodyType, model.BodyTypes)
	enum("fuel_type", v.FuelType, model.FuelTypes)
	enum("usage", v.Usage, model.Usages)
	enum("ownership", v.Ownership, model.Ownerships)

	refYear := c.RefDate.Year()
	rows := c.Ref.ModelsOf(v.Make, v.Model)
	if len(rows) == 0 {
		bad("model", RuleRealMakeModel, v.Make+" "+v.Model)
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
			bad("model_year", RuleModelYearInProduction, fmt.Sprint(v.ModelYear))
		} else if !agrees {
			bad("body_type", RuleBodyFuelOfModel, v.BodyType+"/"+v.FuelType)
		}
	}
	if p := ident.VINProblem(v.VIN); p != "" {
		bad("vin", RuleName(p), v.VIN)
	} else {
		if !c.Ref.HasWMI(v.Make, v.VIN[:3]) {
			bad("vin", RuleVINWMIOfMake, v.VIN)
		}
		if v.VIN[9] != ident.YearCode(int(v.ModelYear)) {
			bad("vin", RuleVINYearCode, v.VIN)
		}
		if got, ok := ident.VINIndex(c.Seed, v.VIN); !ok || got != idx {
			bad("vin", RuleVINUnique, v.VIN)
		}
	}
	if v.AnnualMileage < 1000 || v.AnnualMileage > 40000 {
		bad("annual_mileage", RuleMileage1000To40000, fmt.Sprint(v.AnnualMileage))
	}
	if (v.Ownership == "owned") != (v.Lienholder == "") {
		bad("lienholder", RuleLienholderIffFinancedOrLeased, v.Lienholder)
	} else if v.Lienholder != "" && !slices.Contains(c.Ref.Lienholders, v.Lienholder) {
		bad("lienholder", RuleFictionalLienholder, v.Lienholder)
	}
	if st, ok := c.Ref.State(v.GaragingState); !ok {
		bad("garaging_state", RuleUSPSState, v.GaragingState)
	} else if !ident.MatchesPlate(st.PlateFormat, v.LicensePlate) {
		bad("license_plate", RulePlateFormatOfState, v.LicensePlate)
	}
	if zs, _, ok := c.Ref.ZipPlace(v.GaragingZip); !ok || zs != v.GaragingState {
		bad("garaging_zip", RuleZIPOfStateGaraging, v.GaragingZip)
	}
	if v.PlateState != v.GaragingState {
		bad("plate_state", RuleEqualsGaragingState, v.PlateState)
	}
}

// Profile checks a profile against the one its person and household derive.
func (c *Checker) Profile(pr *model.Profile, p *model.Person, household []model.Vehicle) {
	want := derive.Profile(p, household, c.RefDate)
	bad := func(col string, rule RuleName, val string) { c.bad("profile", pr.ProfileID, col, rule, val) }
	if pr.ProfileID != want.ProfileID {
		bad("profile_id", RuleSameIndexAsPerson, pr.ProfileID)
	}
	if pr.HouseholdID != p.HouseholdID {
		bad("household_id", RuleEqualsPersonHousehold, pr.HouseholdID)
	}
	if pr.Age != want.Age {
		bad("age", RuleAgeAtReferenceDate, fmt.Sprint(pr.Age))
	}
	if pr.YearsLicensed != want.YearsLicensed || pr.YearsLicensed > pr.Age-16 {
		bad("years_licensed", RuleYearsSinceIssueAtMostAgeMinus16, fmt.Sprint(pr.YearsLicensed))
	}
	if pr.HouseholdVehicleCount != want.HouseholdVehicleCount {
		bad("household_vehicle_count", RuleVehiclesInHousehold, fmt.Sprint(pr.HouseholdVehicleCount))
	}
	if !slices.Equal(pr.VehicleIDs, want.VehicleIDs) {
		bad("vehicle_ids", RuleVehiclesDriven, strings.Join(pr.VehicleIDs, "|"))
	}
	if pr.PrimaryVehicleID != want.PrimaryVehicleID {
		bad("primary_vehicle_id", RuleFirstVehicleDriven, pr.PrimaryVehicleID)
	}
	if pr.RiskScore < 0 || pr.RiskScore > 1000 || pr.RiskScore != want.RiskScore {
		bad("risk_score", RuleRiskScoreRules, fmt.Sprint(pr.RiskScore))
	}
	if pr.RiskTier != derive.Tier(int(pr.RiskScore)) {
		bad("risk_tier", RuleTierOfScore, pr.RiskTier)
	}
	if !slices.Equal(pr.ScenarioTags, want.ScenarioTags) {
		bad("scenario_tags", RuleScenarioTagRules, strings.Join(pr.ScenarioTags, "|"))
	}
	if pr.RulesVersion != derive.RulesVersion {
		bad("rules_version", RuleRulesVersion, pr.RulesVersion)
	}
}
