package contract

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
)

// Person checks one person on its own.
func (c *Checker) Person(p *model.Person) { c.person(p) }

// person is Person; it returns what it looked up of p.
func (c *Checker) person(p *model.Person) facts {
	f, zip, born := c.factsOf(p)
	id := p.PersonID
	bad := func(col string, rule RuleName, val string) { c.bad("person", id, col, rule, val) }
	idx := f.Index
	if !f.IDOK {
		bad("person_id", RuleIDFormat, id)
	}
	if f.household < 0 {
		bad("household_id", RuleIDFormat, p.HouseholdID)
	}
	enum := func(col, val string, allowed []string) {
		if !slices.Contains(allowed, val) {
			bad(col, RuleEnum, val)
		}
	}
	enum("gender", p.Gender, model.Genders)
	enum("marital_status", p.MaritalStatus, model.MaritalStatuses)
	enum("relationship", p.Relationship, model.Relationships)
	enum("urban_rural", p.UrbanRural, model.UrbanRural)
	if p.NameSuffix != "" {
		enum("name_suffix", p.NameSuffix, model.NameSuffixes)
		if p.Gender != "M" {
			bad("name_suffix", RuleSuffixMenOnly, p.NameSuffix)
		}
		if p.NameSuffix == "Sr" && f.Age < model.SeniorMinAge {
			bad("name_suffix", RuleSuffixFitsAge, fmt.Sprintf("%s at %d", p.NameSuffix, f.Age))
		}
	}
	birthYear := born.Year
	if !c.nameOfCohort(p.Gender, birthYear, p.FirstName) {
		bad("first_name", RuleFirstNameOfCohort, p.FirstName)
	}
	if m := p.MiddleName; m != "" && !(len(m) == 1 && m[0] >= 'A' && m[0] <= 'Z') && !c.nameOfCohort(p.Gender, birthYear, m) {
		bad("middle_name", RuleMiddleNameOfCohort, m)
	}
	if p.LastName == "" {
		bad("last_name", RuleNotEmpty, p.LastName)
	}
	age := f.Age
	if age < 16 || age > 95 {
		bad("date_of_birth", RuleAge16To95, p.DateOfBirth.String())
	}
	switch {
	case p.SSN == "" && idx < ident.SSNCapacity:
		bad("ssn", RuleSSNNullPastSpace, p.SSN)
	case p.SSN == "":
	default:
		if safe, got, ok := c.ssns.SafeIndex(p.SSN, idx); !safe {
			bad("ssn", RuleSSNNeverIssued, p.SSN)
		} else if !ok || got != idx {
			bad("ssn", RuleSSNUnique, p.SSN)
		}
	}
	if got, ok := ident.EmailIndex(p.Email); !ok {
		bad("email", RuleEmailReservedDomain, p.Email)
	} else if got != idx { // EmailIndex takes lower case alone
		bad("email", RuleEmailUnique, p.Email)
	}
	si, ok := c.Pop.State(p.State)
	if !ok {
		bad("state", RuleUSPSState, p.State)
		return f
	}
	if !addressLine(p.AddressLine1) {
		bad("address_line1", RuleAddressFormat, p.AddressLine1)
	}
	if p.AddressLine2 != "" && !c.unitLine(p.AddressLine2) {
		bad("address_line2", RuleUnitLineFormat, p.AddressLine2)
	}
	npa, fictional := ident.IsFictionalPhone(p.Phone)
	if !fictional {
		bad("phone", RulePhone55501xx, p.Phone)
	}
	if z := zip; z == nil || z.State != si {
		bad("zip", RuleZIPOfState, p.Zip)
	} else {
		if z.City != p.City {
			bad("city", RuleCityOfZIP, p.City)
		}
		if z.County != p.County || z.CountyFIPS != p.CountyFIPS {
			bad("county", RuleCountyOfZIP, p.CountyFIPS+" "+p.County)
		}
		if z.Rural != (p.UrbanRural == "rural") {
			bad("urban_rural", RuleUrbanRuralOfZIP, p.UrbanRural)
		}
		if fictional && !slices.Contains(z.AreaCodes, npa) {
			bad("phone", RulePhoneAreaCodeOfZIP, p.Phone)
		}
	}
	enum("license_type", p.LicenseType, model.LicenseTypes)
	switch p.LicenseType {
	case "unlicensed":
		if p.DriverLicenseNumber != "" || p.DriverLicenseState != "" || p.LicenseStatus != "" || p.FirstLicensedDate != model.NoDate || p.LicenseIssueDate != model.NoDate || p.LicenseExpirationDate != model.NoDate {
			bad("license_type", RuleUnlicensedHasNoLicense, p.DriverLicenseNumber+" "+p.LicenseStatus)
		}
	case "learner_permit":
		if age > 17 {
			bad("license_type", RuleLearnerPermitAge, fmt.Sprintf("%s at %d", p.LicenseType, age))
		}
		c.checkLicence(p, si, born, bad)
	default:
		c.checkLicence(p, si, born, bad)
	}
	if age < 18 && p.MaritalStatus == "married" {
		bad("marital_status", RuleNoMarriedMinors, p.MaritalStatus)
	} else if age < model.MaritalMinAge(p.MaritalStatus) {
		bad("marital_status", RuleMaritalStatusOfAge, fmt.Sprintf("%s at %d", p.MaritalStatus, age))
	}
	return f
}

// checkLicence checks the licence or permit of a person of state si, born
// on born, who holds one.
func (c *Checker) checkLicence(p *model.Person, si int, born model.CivilDate, bad func(string, RuleName, string)) {
	if !slices.Contains(model.LicenseStatuses, p.LicenseStatus) {
		bad("license_status", RuleEnum, p.LicenseStatus)
	}
	if lic := c.licence(si).space; !lic.Matches(p.DriverLicenseNumber) {
		bad("driver_license_number", RuleLicenseFormatOfState, p.DriverLicenseNumber)
	} else if !lic.Reserved(p.DriverLicenseNumber) {
		bad("driver_license_number", RuleLicenseReservedPrefix, p.DriverLicenseNumber)
	}
	if p.DriverLicenseState != p.State {
		bad("driver_license_state", RuleEqualsState, p.DriverLicenseState)
	}
	if p.FirstLicensedDate < born.AddYears(16) {
		bad("first_licensed_date", RuleLicenseAfter16thBirthday, p.FirstLicensedDate.String())
	}
	if p.FirstLicensedDate > p.LicenseIssueDate {
		bad("first_licensed_date", RuleFirstLicenseNotAfterIssue, p.FirstLicensedDate.String())
	}
	if p.LicenseIssueDate >= c.RefDate {
		bad("license_issue_date", RuleLicenseBeforeReferenceDate, p.LicenseIssueDate.String())
	}
	if !renewedOnCycle(p) {
		bad("license_expiration_date", RuleLicenseRenewalCycle, p.LicenseIssueDate.String()+" to "+p.LicenseExpirationDate.String())
	}
	switch expired := p.LicenseExpirationDate < c.RefDate; {
	case expired && p.LicenseStatus == "valid", !expired && p.LicenseStatus == "expired":
		bad("license_status", RuleLicenseStatusOfExpiration, p.LicenseStatus+", expires "+p.LicenseExpirationDate.String())
	}
}

// renewedOnCycle reports whether the current card was issued a whole
// number of renewal cycles after the first licence and expires one cycle
// after its issue: whether adding the cycle to the first licence date, again
// and again, reaches the issue date. Adding years keeps the month and day,
// but 29 February becomes 28 February, for good, in the first common year
// it reaches; so that is compared on the civil dates, with no date made per
// cycle.
func renewedOnCycle(p *model.Person) bool {
	cycle := derive.RenewalYears
	if p.LicenseType == "learner_permit" {
		cycle = derive.PermitYears
	}
	issued := p.LicenseIssueDate.CivilDate()
	if p.LicenseExpirationDate != issued.AddYears(cycle) || p.FirstLicensedDate > p.LicenseIssueDate {
		return false
	}
	fy, fm, fd := p.FirstLicensedDate.Civil()
	iy, im, id := issued.Year, issued.Month, issued.Day
	if im != fm || (iy-fy)%cycle != 0 {
		return false
	}
	if fm == 2 && fd == 29 {
		for y := fy + cycle; y <= iy; y += cycle {
			if model.DaysIn(y, 2) == 28 {
				fd = 28
				break
			}
		}
	}
	return id == fd
}

// namedAfterFather reports whether child, a junior, bears the names of a
// father who lives with him (the primary or the spouse, a man) and the
// suffix after his; true if no father lives with him.
func namedAfterFather(child *model.Person, members []model.Person, primary, spouse int) bool {
	fathers := false
	for _, i := range [2]int{primary, spouse} {
		if i < 0 || members[i].Gender != "M" {
			continue
		}
		f := &members[i]
		if f.FirstName == child.FirstName && f.LastName == child.LastName && model.JuniorOf(f.NameSuffix) == child.NameSuffix {
			return true
		}
		fathers = true
	}
	return !fathers
}

// nameOfCohort reports whether first is a name of the birth year's decade
// and the gender's sex (either, for X). It looks in the other sex's names
// only when the gender allows them.
func (c *Checker) nameOfCohort(gender string, birthYear int, first string) bool {
	switch gender {
	case "F":
		return c.Pop.FirstNamesOf(birthYear, refdata.Female).Has(first)
	case "M":
		return c.Pop.FirstNamesOf(birthYear, refdata.Male).Has(first)
	}
	return c.Pop.FirstNamesOf(birthYear, refdata.Female).Has(first) || c.Pop.FirstNamesOf(birthYear, refdata.Male).Has(first)
}

// unitLine reports whether s is a USPS unit designator and a unit number.
func (c *Checker) unitLine(s string) bool {
	d, n, ok := strings.Cut(s, " ")
	return ok && n != "" && !strings.Contains(n, " ") && c.Pop.UnitDesignators.Has(d)
}

func addressLine(s string) bool {
	i := 0 // the house number: digits up to the first space
	for i < len(s) && s[i] != ' ' {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		i++
	}
	if i == 0 || i+1 >= len(s) {
		return false
	}
	// len(strings.Fields(rest)) >= 2, counted byte by byte (a non-ASCII
	// rune decoded and asked of unicode.IsSpace, which is not inlined)
	n, in := 0, false
	for i++; i < len(s); {
		var space bool
		if c := s[i]; c < utf8.RuneSelf {
			space = c <= ' ' && asciiSpaces>>c&1 != 0
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
			i += size
		}
		switch {
		case space:
			in = false
		case !in:
			if n++; n == 2 {
				return true
			}
			in = true
		}
	}
	return false
}

// asciiSpaces has bit c set for each ASCII space c (unicode.IsSpace).
const asciiSpaces = 1<<' ' | 1<<'\t' | 1<<'\n' | 1<<'\v' | 1<<'\f' | 1<<'\r'

// household checks what members of one household must share, and what
// the household decides of them: parents' ages, licence serials. fs are
// what the members' checks found of them.
func (c *Checker) household(members []model.Person, fs []facts) {
	primaries := 0
	primary, spouse := -1, -1
	for i := range members {
		switch members[i].Relationship {
		case "primary":
			primaries++
			primary = i
		case "spouse":
			spouse = i
		}
	}
	if primaries != 1 {
		c.bad("person", members[0].PersonID, "relationship", RuleOnePrimaryPerHousehold, fmt.Sprintf("%d primaries in %s", primaries, members[0].HouseholdID))
		return
	}
	youngestParent := fs[primary].Age
	if spouse >= 0 {
		youngestParent = min(youngestParent, fs[spouse].Age)
	}
	head := &members[primary]
	hok := fs[primary].household >= 0
	var first uint64
	if hok {
		if hs, err := c.serialsOf(fs[primary].household); err != nil {
			hok = false
		} else {
			first = hs.person
		}
	}
	for i := range members {
		p := &members[i]
		bad := func(col string, rule RuleName, val string) { c.bad("person", p.PersonID, col, rule, val) }
		if i != primary { // the primary shares them with itself
			if p.AddressLine1 != head.AddressLine1 || p.AddressLine2 != head.AddressLine2 || p.City != head.City || p.State != head.State || p.Zip != head.Zip {
				bad("address_line1", RuleHouseholdSharesAddress, p.AddressLine1+", "+p.City+", "+p.State+" "+p.Zip)
			}
			if p.Phone[:min(3, len(p.Phone))] != head.Phone[:min(3, len(head.Phone))] {
				bad("phone", RuleHouseholdSharesAreaCode, p.Phone)
			}
		}
		switch p.Relationship {
		case "spouse":
			if p.MaritalStatus != "married" || head.MaritalStatus != "married" {
				bad("marital_status", RuleSpousesMarried, p.MaritalStatus+"/"+head.MaritalStatus)
			}
		case "child":
			if youngestParent-fs[i].Age < 16 {
				bad("date_of_birth", RuleChild16YearsYoungerThanParents, p.DateOfBirth.String())
			}
			if p.LastName != head.LastName {
				bad("last_name", RuleChildSharesLastName, p.LastName)
			}
			if slices.Contains(model.JuniorSuffixes, p.NameSuffix) && !namedAfterFather(p, members, primary, spouse) {
				bad("name_suffix", RuleJuniorNamedAfterFather, p.FirstName+" "+p.LastName+" "+p.NameSuffix)
			}
		}
		if p.Relationship == "primary" && p.LicenseType != "full" {
			bad("license_type", RulePrimaryLicensed, p.LicenseType)
		}
		// The licence number is the member's serial in its state (the
		// household's first and the member's place), permuted: unique
		// within the state.
		if si, ok := c.Pop.State(p.State); ok && hok && p.LicenseType != "unlicensed" {
			lic := c.licence(si)
			got, ok := lic.serials.SerialOf(p.DriverLicenseNumber)
			if ok && got != first+uint64(i) {
				bad("driver_license_number", RuleLicenseUniqueInState, p.DriverLicenseNumber)
			}
		}
	}
}
