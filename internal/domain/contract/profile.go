package contract

import (
	"fmt"
	"strings"

	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// profile checks a profile against the one its person and household
// derive; k is derive.KnownOf(p, c.RefDate), found by p's checks.
func (c *Checker) profile(pr *model.Profile, p *model.Person, k derive.Known, household []model.Vehicle) {
	diff := derive.Compare(pr, p, k, household, c.RefDate)
	bad := func(col string, rule RuleName, val string) { c.bad("profile", pr.ProfileID, col, rule, val) }
	if diff&derive.ProfileIDDiffers != 0 {
		bad("profile_id", RuleSameIndexAsPerson, pr.ProfileID)
	}
	if pr.HouseholdID != p.HouseholdID {
		bad("household_id", RuleEqualsPersonHousehold, pr.HouseholdID)
	}
	if diff&derive.AgeDiffers != 0 {
		bad("age", RuleAgeAtReferenceDate, fmt.Sprint(pr.Age))
	}
	if diff&derive.YearsLicensedDiffers != 0 || pr.YearsLicensed > max(0, pr.Age-16) {
		bad("years_licensed", RuleYearsSinceIssueAtMostAgeMinus16, fmt.Sprint(pr.YearsLicensed))
	}
	if diff&derive.VehicleCountDiffers != 0 {
		bad("household_vehicle_count", RuleVehiclesInHousehold, fmt.Sprint(pr.HouseholdVehicleCount))
	}
	if diff&derive.VehicleIDsDiffer != 0 {
		bad("vehicle_ids", RuleVehiclesDriven, strings.Join(pr.VehicleIDs, "|"))
	}
	if diff&derive.PrimaryVehicleDiffers != 0 {
		bad("primary_vehicle_id", RuleFirstVehicleDriven, pr.PrimaryVehicleID)
	}
	if h := derive.HistoryOf(pr); h.MajorViolations > h.Violations || h.DUI > h.MajorViolations || min(h.Violations, h.DUI, h.ViolationPoints, h.AtFaultAccidents, h.NotAtFaultAccidents, h.ComprehensiveClaims) < 0 {
		bad("violations", RuleHistoryCountsCoherent, fmt.Sprintf("%d violations, %d major, %d DUI", h.Violations, h.MajorViolations, h.DUI))
	}
	if diff&derive.RatingFactorsDiffer != 0 {
		bad("rating_factors", RuleRatingFactorsFired, strings.Join(pr.RatingFactors, "|"))
	}
	if pr.RiskScore < 1 || pr.RiskScore > 1000 || diff&derive.RiskScoreDiffers != 0 {
		bad("risk_score", RuleRiskScoreRules, fmt.Sprint(pr.RiskScore))
	}
	if pr.RiskTier != derive.Tier(int(pr.RiskScore)) {
		bad("risk_tier", RuleTierOfScore, pr.RiskTier)
	}
	if diff&derive.ScenarioTagsDiffer != 0 {
		bad("scenario_tags", RuleScenarioTagRules, strings.Join(pr.ScenarioTags, "|"))
	}
	if pr.RulesVersion != derive.RulesVersion {
		bad("rules_version", RuleRulesVersion, pr.RulesVersion)
	}
}
