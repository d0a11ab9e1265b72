package derive_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
)

func TestProfileRules(t *testing.T) {
	ref := model.DateOf(2026, 1, 1)
	teen := model.Person{PersonID: "PER-0000000007", HouseholdID: "HH-0000000002", DateOfBirth: model.DateOf(2009, 6, 1), LicenseIssueDate: model.DateOf(2025, 7, 1), LicenseStatus: "valid"}
	cars := []model.Vehicle{
		{VehicleID: "VEH-0000000003", PrimaryDriverPersonID: "PER-0000000007", FuelType: "electric", AnnualMileage: 21000, Ownership: "leased", BodyType: "coupe"},
		{VehicleID: "VEH-0000000004", PrimaryDriverPersonID: "PER-0000000001", FuelType: "gasoline", AnnualMileage: 9000, Ownership: "owned"},
	}
	p := derive.Profile(&teen, cars, ref)
	require.Equal(t, "PRO-0000000007", p.ProfileID)
	require.Equal(t, int32(16), p.Age)
	require.Equal(t, int32(0), p.YearsLicensed)
	require.Equal(t, int32(2), p.HouseholdVehicleCount)
	require.Equal(t, []string{"VEH-0000000003"}, p.VehicleIDs)
	require.Equal(t, "VEH-0000000003", p.PrimaryVehicleID)
	// 300 + 250 (age<20) + 120 (new) + 80 (miles>20k) + 40 (coupe) - 20 (multi) = 770
	require.Equal(t, int32(770), p.RiskScore)
	require.Equal(t, "high", p.RiskTier)
	require.Equal(t, []string{"young_driver", "new_driver", "multi_vehicle_household", "ev_owner", "high_mileage", "leased_vehicle"}, p.ScenarioTags)

	senior := model.Person{PersonID: "PER-0000000001", DateOfBirth: model.DateOf(1950, 1, 2), LicenseIssueDate: model.DateOf(1966, 3, 1), LicenseStatus: "suspended"}
	s := derive.Profile(&senior, nil, ref)
	require.Equal(t, int32(75), s.Age)
	require.Equal(t, int32(300+120+250), s.RiskScore)
	require.Equal(t, []string{"senior_driver", "no_primary_vehicle", "suspended_license"}, s.ScenarioTags)
	require.Empty(t, s.PrimaryVehicleID)
	require.Equal(t, []string{}, s.VehicleIDs)
}

func TestTierCutPoints(t *testing.T) {
	for score, tier := range map[int]string{0: "low", 399: "low", 400: "medium", 599: "medium", 600: "high", 1000: "high"} {
		require.Equal(t, tier, derive.Tier(score), "score %d", score)
	}
}

func TestYearRange(t *testing.T) {
	m := refdata.Model{YearFrom: 2017, YearTo: 2023}
	lo, hi := derive.YearRange(m, 2026, 30)
	require.Equal(t, [2]int{2017, 2023}, [2]int{lo, hi})
	lo, hi = derive.YearRange(refdata.Model{YearFrom: 1965}, 2026, 30)
	require.Equal(t, [2]int{1996, 2027}, [2]int{lo, hi})
}
