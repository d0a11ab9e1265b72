package contract

import (
	"fmt"
	"slices"
	"strings"

	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// Profile checks a profile against the one its person and household derive.
func (c *Checker) Profile(pr *model.Profile, p *model.Person, household []model.Vehicle) {
	h := derive.HistoryOf(pr)
	want := derive.Profile(p, household, h, c.RefDate)
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
	if pr.YearsLicensed != want.YearsLicensed || pr.YearsLicensed > max(0, pr.Age-16) {
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
	if h.MajorViolations > h.Violations || h.DUI > h.MajorViolations || min(h.Violations, h.DUI, h.ViolationPoints, h.AtFaultAccidents, h.NotAtFaultAccidents, h.ComprehensiveClaims) < 0 {
		bad("violations", RuleHistoryCountsCoherent, fmt.Sprintf("%d violations, %d major, %d DUI", h.Violations, h.MajorViolations, h.DUI))
	}
	if !slices.Equal(pr.RatingFactors, want.RatingFactors) {
		bad("rating_factors", RuleRatingFactorsFired, strings.Join(pr.RatingFactors, "|"))
	}
	if pr.RiskScore < 1 || pr.RiskScore > 1000 || pr.RiskScore != want.RiskScore {
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
