package derive_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/model"
)

func TestProfileRules(t *testing.T) {
	ref := model.DateOf(2026, 1, 1)
	teen := model.Person{PersonID: "PER-0000000007", HouseholdID: "HH-0000000002", Relationship: "child", DateOfBirth: model.DateOf(2009, 6, 1),
		LicenseType: "full", FirstLicensedDate: model.DateOf(2025, 7, 1), LicenseIssueDate: model.DateOf(2025, 7, 1), LicenseStatus: "valid",
		UrbanRural: "urban", CreditTier: "no_hit", FinancialFiling: "SR-22"}
	cars := []model.Vehicle{
		{VehicleID: "VEH-0000000003", PrimaryDriverPersonID: "PER-0000000007", FuelType: "electric", AnnualMileage: 21000, Ownership: "leased", BodyType: "coupe", ModelYear: 2022, Usage: "pleasure", GaragedAway: "false"},
		{VehicleID: "VEH-0000000004", PrimaryDriverPersonID: "PER-0000000001", FuelType: "gasoline", AnnualMileage: 9000, Ownership: "owned", ModelYear: 2015},
	}
	p := derive.Profile(&teen, cars, model.History{Violations: 1, MajorViolations: 1, DUI: 1, ViolationPoints: 2}, ref)
	require.Equal(t, "PRO-0000000007", p.ProfileID)
	require.Equal(t, int32(16), p.Age)
	require.Equal(t, int32(0), p.YearsLicensed)
	require.Equal(t, int32(2), p.HouseholdVehicleCount)
	require.Equal(t, []string{"VEH-0000000003"}, p.VehicleIDs)
	require.Equal(t, "VEH-0000000003", p.PrimaryVehicleID)
	require.Equal(t, int32(1), p.DUIs, "history columns are the history given")
	// 250 × 2.6 × 1.3 × 1.8 × 1.18 × 1.15 × 1.05 × 1.1 × 1.1 × 1.1 × 0.95 = 2,740: clamped
	require.Equal(t, int32(1000), p.RiskScore)
	require.Equal(t, "high", p.RiskTier)
	require.Equal(t, []string{"age=2.6", "experience=1.3", "history=1.8", "mileage=1.18", "body=1.15", "fuel=1.05", "territory=1.1", "credit=1.1", "filing=1.1", "multi_vehicle=0.95"}, p.RatingFactors)
	require.Equal(t, []string{"young_driver", "new_driver", "multi_vehicle_household", "ev_owner", "high_mileage", "leased_vehicle", "dui", "sr22"}, p.ScenarioTags)

	senior := model.Person{PersonID: "PER-0000000001", Relationship: "primary", DateOfBirth: model.DateOf(1950, 1, 2), LicenseType: "full",
		FirstLicensedDate: model.DateOf(1966, 3, 1), LicenseIssueDate: model.DateOf(2022, 3, 1), LicenseStatus: "suspended",
		UrbanRural: "rural", CreditTier: "excellent", PriorInsuranceMonths: 120, FinancialFiling: "none"}
	s := derive.Profile(&senior, nil, model.History{}, ref)
	require.Equal(t, int32(75), s.Age)
	require.Equal(t, int32(59), s.YearsLicensed)
	// 250 × 1.3 (75-79) × 1.6 (suspended: no mileage factor) × 0.9 (rural) × 0.8 (excellent) × 0.95 (36+ months insured) = 356
	require.Equal(t, int32(356), s.RiskScore)
	require.NotContains(t, s.RatingFactors, "mileage=0.85", "a suspended licence is not rated as a low-mileage driver")
	require.Equal(t, "medium", s.RiskTier)
	require.Equal(t, []string{"senior_driver", "no_primary_vehicle", "suspended_license"}, s.ScenarioTags)
	require.Empty(t, s.PrimaryVehicleID)
	require.Equal(t, []string{}, s.VehicleIDs)

	mid := model.Person{PersonID: "PER-0000000002", Relationship: "spouse", DateOfBirth: model.DateOf(1985, 5, 5), LicenseType: "full",
		FirstLicensedDate: model.DateOf(2001, 6, 1), LicenseStatus: "valid", UrbanRural: "urban", CreditTier: "good", PriorInsuranceMonths: 60, FinancialFiling: "none"}
	suv := []model.Vehicle{{VehicleID: "VEH-0000000005", PrimaryDriverPersonID: "PER-0000000002", BodyType: "suv", FuelType: "gasoline", AnnualMileage: 12000, ModelYear: 2020, Usage: "commute", GaragedAway: "false"}, {VehicleID: "VEH-0000000006"}}
	m := derive.Profile(&mid, suv, model.History{AtFaultAccidents: 1, ViolationPoints: 1}, ref)
	// 250 × 1.35 × 0.97 (suv) × 1.1 (urban) × 0.92 (good) × 0.95 (insured) × 0.95 (multi) = 299
	require.Equal(t, int32(299), m.RiskScore)
	require.Equal(t, "low", m.RiskTier)
	require.Equal(t, []string{"multi_vehicle_household", "at_fault_accident"}, m.ScenarioTags)

	// An unlicensed member: no experience factor, excluded.
	u := model.Person{PersonID: "PER-0000000003", Relationship: "other", DateOfBirth: model.DateOf(1990, 1, 1), LicenseType: "unlicensed", UrbanRural: "urban", CreditTier: "fair"}
	up := derive.Profile(&u, nil, model.History{}, ref)
	require.Equal(t, int32(0), up.YearsLicensed)
	require.Contains(t, up.ScenarioTags, "excluded_driver")
	require.NotContains(t, up.ScenarioTags, "new_driver")
}

func TestTierCutPoints(t *testing.T) {
	for score, tier := range map[int]string{1: "low", 299: "low", 300: "medium", 599: "medium", 600: "high", 1000: "high"} {
		require.Equal(t, tier, derive.Tier(score), "score %d", score)
	}
}
