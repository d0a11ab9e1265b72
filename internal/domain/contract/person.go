package contract

import (
	"fmt"
	"slices"
	"strings"

	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
)

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
