package contract_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/contract"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/testkit"
)

// Each v0.2 person rule fires, by name, on a batch broken in one place, and
// the unbroken batch keeps every rule.
func TestPersonRulesFireOnDamage(t *testing.T) {
	run := testkit.Run(2000, 21)
	good := testkit.Batch(run, "person")
	// find picks the first person the damage applies to.
	find := func(ps []model.Person, ok func(p *model.Person) bool) *model.Person {
		for i := range ps {
			if ok(&ps[i]) {
				return &ps[i]
			}
		}
		t.Fatal("no person fits the damage")
		return nil
	}
	any := func(p *model.Person) bool { return p.LicenseType == "full" }
	cases := []struct {
		rule   contract.RuleName
		target func(p *model.Person) bool
		damage func(p *model.Person)
	}{
		{contract.RuleFirstNameOfCohort, func(p *model.Person) bool { y, _, _ := p.DateOfBirth.Civil(); return p.Gender == "F" && y >= 2000 }, func(p *model.Person) { p.FirstName = "Bertha" }},
		{contract.RuleMiddleNameOfCohort, any, func(p *model.Person) { p.MiddleName = "Xq" }},
		{contract.RuleSuffixMenOnly, func(p *model.Person) bool { return p.Gender == "F" }, func(p *model.Person) { p.NameSuffix = "Jr" }},
		{contract.RuleSuffixFitsAge, func(p *model.Person) bool {
			return p.Gender == "M" && model.YearsBetween(p.DateOfBirth, run.ReferenceDate) < model.SeniorMinAge
		}, func(p *model.Person) { p.NameSuffix = "Sr" }},
		{contract.RuleJuniorNamedAfterFather, func(p *model.Person) bool {
			// a son not named after the father he lives with
			if p.Relationship != "child" || p.Gender != "M" {
				return false
			}
			for i := range good.Persons {
				if f := &good.Persons[i]; f.HouseholdID == p.HouseholdID && f.Relationship == "primary" {
					return f.Gender == "M" && f.FirstName != p.FirstName
				}
			}
			return false
		}, func(p *model.Person) { p.NameSuffix = "Jr" }},
		{contract.RuleSSNNullPastSpace, any, func(p *model.Person) { p.SSN = "" }},
		{contract.RulePhoneAreaCodeOfZIP, func(p *model.Person) bool { return p.State == "CA" }, func(p *model.Person) { p.Phone = "907" + p.Phone[3:] }},
		{contract.RuleUnitLineFormat, any, func(p *model.Person) { p.AddressLine2 = "FLAT 3" }},
		{contract.RuleCountyOfZIP, any, func(p *model.Person) { p.CountyFIPS = "99999" }},
		{contract.RuleUrbanRuralOfZIP, func(p *model.Person) bool { return p.UrbanRural == "urban" }, func(p *model.Person) { p.UrbanRural = "rural" }},
		{contract.RuleLicenseReservedPrefix, func(p *model.Person) bool { return p.State == "CA" }, func(p *model.Person) { p.DriverLicenseNumber = "A" + p.DriverLicenseNumber[1:] }},
		// a Soundex state's number with a digit a Soundex code has after the letter
		{contract.RuleLicenseReservedPrefix, func(p *model.Person) bool { return p.State == "FL" }, func(p *model.Person) {
			p.DriverLicenseNumber = p.DriverLicenseNumber[:1] + "6" + p.DriverLicenseNumber[2:]
		}},
		{contract.RuleLicenseUniqueInState, func(p *model.Person) bool { return p.Relationship == "spouse" && p.LicenseType == "full" }, func(p *model.Person) {
			// the primary's number: two members of one household share it
			for i := range good.Persons {
				if good.Persons[i].HouseholdID == p.HouseholdID && good.Persons[i].Relationship == "primary" {
					p.DriverLicenseNumber = good.Persons[i].DriverLicenseNumber
				}
			}
		}},
		{contract.RuleFirstLicenseNotAfterIssue, func(p *model.Person) bool { return p.LicenseIssueDate > p.FirstLicensedDate }, func(p *model.Person) { p.FirstLicensedDate = p.LicenseIssueDate + 1 }},
		{contract.RuleLicenseBeforeReferenceDate, any, func(p *model.Person) {
			p.LicenseIssueDate = run.ReferenceDate
			p.LicenseExpirationDate = p.LicenseIssueDate.AddYears(8)
		}},
		{contract.RuleLicenseRenewalCycle, any, func(p *model.Person) { p.LicenseExpirationDate++ }},
		{contract.RuleLicenseStatusOfExpiration, func(p *model.Person) bool { return p.LicenseStatus == "valid" }, func(p *model.Person) { p.LicenseStatus = "expired" }},
		{contract.RuleNoMarriedMinors, func(p *model.Person) bool {
			return p.Relationship == "child" && model.YearsBetween(p.DateOfBirth, run.ReferenceDate) < 18
		}, func(p *model.Person) { p.MaritalStatus = "married" }},
		{contract.RuleMaritalStatusOfAge, func(p *model.Person) bool {
			return p.Relationship == "child" && model.YearsBetween(p.DateOfBirth, run.ReferenceDate) < 18
		}, func(p *model.Person) { p.MaritalStatus = "widowed" }},
		// an adult too young to be divorced, or widowed
		{contract.RuleMaritalStatusOfAge, func(p *model.Person) bool {
			a := model.YearsBetween(p.DateOfBirth, run.ReferenceDate)
			return p.Relationship != "spouse" && a >= 18 && a < model.DivorcedMinAge
		}, func(p *model.Person) { p.MaritalStatus = "divorced" }},
		{contract.RuleMaritalStatusOfAge, func(p *model.Person) bool {
			a := model.YearsBetween(p.DateOfBirth, run.ReferenceDate)
			return p.Relationship != "spouse" && a >= model.DivorcedMinAge && a < model.WidowedMinAge
		}, func(p *model.Person) { p.MaritalStatus = "widowed" }},
		{contract.RuleUnlicensedHasNoLicense, func(p *model.Person) bool { return p.LicenseType == "unlicensed" }, func(p *model.Person) { p.DriverLicenseState = p.State }},
		{contract.RuleLearnerPermitAge, func(p *model.Person) bool {
			return p.LicenseType == "full" && model.YearsBetween(p.DateOfBirth, run.ReferenceDate) > 17
		}, func(p *model.Person) { p.LicenseType = "learner_permit" }},
		{contract.RulePrimaryLicensed, func(p *model.Person) bool { return p.Relationship == "primary" }, func(p *model.Person) {
			p.LicenseType, p.DriverLicenseNumber, p.DriverLicenseState, p.LicenseStatus = "unlicensed", "", "", ""
			p.FirstLicensedDate, p.LicenseIssueDate, p.LicenseExpirationDate = model.NoDate, model.NoDate, model.NoDate
		}},
		{contract.RuleChild16YearsYoungerThanParents, func(p *model.Person) bool { return p.Relationship == "spouse" }, func(p *model.Person) {
			// a spouse 10 years older than the oldest child
			for i := range good.Persons {
				if c := &good.Persons[i]; c.HouseholdID == p.HouseholdID && c.Relationship == "child" {
					p.DateOfBirth = c.DateOfBirth.AddYears(-10)
					return
				}
			}
			t.Skip("no household with a spouse and a child")
		}},
	}
	check := func(mb *model.Batch) []contract.Violation {
		var found []contract.Violation
		c, err := contract.New(run.Seed, run.ReferenceDate, func(v contract.Violation) { found = append(found, v) })
		require.NoError(t, err)
		c.Batch(mb)
		return found
	}
	require.Empty(t, check(good), "the generated persons keep every rule")
	for _, tc := range cases {
		t.Run(string(tc.rule), func(t *testing.T) {
			mb := &model.Batch{Households: good.Households, Persons: append([]model.Person(nil), good.Persons...)}
			if tc.rule == contract.RuleChild16YearsYoungerThanParents {
				// spouse with a child
				tc.target = func(p *model.Person) bool {
					if p.Relationship != "spouse" {
						return false
					}
					for i := range good.Persons {
						if good.Persons[i].HouseholdID == p.HouseholdID && good.Persons[i].Relationship == "child" {
							return true
						}
					}
					return false
				}
			}
			p := find(mb.Persons, tc.target)
			tc.damage(p)
			var rules []contract.RuleName
			for _, v := range check(mb) {
				rules = append(rules, v.Rule)
			}
			require.Contains(t, rules, tc.rule)
		})
	}
}
