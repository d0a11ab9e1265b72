package model

// RiskTiers are the profile risk tiers, lowest risk first.
var RiskTiers = []string{"low", "medium", "high"}

// Profile is one row of profiles (one per person), fields in contract order.
type Profile struct {
	ProfileID             string   `parquet:"profile_id" json:"profile_id"`
	PersonID              string   `parquet:"person_id" json:"person_id"`
	HouseholdID           string   `parquet:"household_id" json:"household_id"`
	Age                   int32    `parquet:"age" json:"age"`
	YearsLicensed         int32    `parquet:"years_licensed" json:"years_licensed"`
	HouseholdVehicleCount int32    `parquet:"household_vehicle_count" json:"household_vehicle_count"`
	PrimaryVehicleID      string   `parquet:"primary_vehicle_id,optional" json:"primary_vehicle_id"`
	VehicleIDs            []string `parquet:"vehicle_ids,list" json:"vehicle_ids"`
	RiskScore             int32    `parquet:"risk_score" json:"risk_score"`
	RiskTier              string   `parquet:"risk_tier,dict" json:"risk_tier"`
	ScenarioTags          []string `parquet:"scenario_tags,list" json:"scenario_tags"`
	RulesVersion          string   `parquet:"rules_version,dict" json:"rules_version"`
	// Columns added by contract v0.2: the driving history in the look-back
	// window (counts of the person's incidents) and the rating's factors.
	Violations          int32    `parquet:"violations" json:"violations"`
	MajorViolations     int32    `parquet:"major_violations" json:"major_violations"`
	DUIs                int32    `parquet:"dui_count" json:"dui_count"`
	ViolationPoints     int32    `parquet:"violation_points" json:"violation_points"`
	AtFaultAccidents    int32    `parquet:"at_fault_accidents" json:"at_fault_accidents"`
	NotAtFaultAccidents int32    `parquet:"not_at_fault_accidents" json:"not_at_fault_accidents"`
	ComprehensiveClaims int32    `parquet:"comprehensive_claims" json:"comprehensive_claims"`
	RatingFactors       []string `parquet:"rating_factors,list" json:"rating_factors"`
}

// ProfileColumns lists the profiles columns in contract order.
var ProfileColumns = []Column[Profile]{
	{Name: "profile_id", Kind: KindString, Pattern: `^PRO-[0-9]{10}$`, Doc: "PRO- + the person's 10-digit index", Str: func(p *Profile) string { return p.ProfileID }},
	{Name: "person_id", Kind: KindString, Pattern: `^PER-[0-9]{10}$`, Doc: "the person the profile is derived from; one profile per person", Str: func(p *Profile) string { return p.PersonID }},
	{Name: "household_id", Kind: KindString, Pattern: `^HH-[0-9]{10}$`, Doc: "the person's household", Str: func(p *Profile) string { return p.HouseholdID }},
	{Name: "age", Kind: KindInt, Doc: "whole years from date_of_birth to the reference date", Int: func(p *Profile) int64 { return int64(p.Age) }},
	{Name: "years_licensed", Kind: KindInt, Doc: "whole years since first_licensed_date, 0 for the unlicensed; at most age - 16", Int: func(p *Profile) int64 { return int64(p.YearsLicensed) }},
	{Name: "household_vehicle_count", Kind: KindInt, Doc: "vehicles of the person's household", Int: func(p *Profile) int64 { return int64(p.HouseholdVehicleCount) }},
	{Name: "primary_vehicle_id", Kind: KindString, Pattern: `^VEH-[0-9]{10}$`, Nullable: true, Doc: "the first of vehicle_ids; null when empty", Str: func(p *Profile) string { return p.PrimaryVehicleID }},
	{Name: "vehicle_ids", Kind: KindStringList, Doc: "the vehicles the person is the primary driver of, in vehicle order; may be empty", List: func(p *Profile) []string { return p.VehicleIDs }},
	{Name: "risk_score", Kind: KindInt, Doc: "1-1000: the risk v2 rating (base 250 times the factors in rating_factors)", Int: func(p *Profile) int64 { return int64(p.RiskScore) }},
	{Name: "risk_tier", Kind: KindEnum, Enum: RiskTiers, Doc: "from risk_score by the cut points", Str: func(p *Profile) string { return p.RiskTier }},
	{Name: "scenario_tags", Kind: KindStringList, Doc: "the test scenarios the person fits, each tag when its rule holds, in a fixed order; may be empty", List: func(p *Profile) []string { return p.ScenarioTags }},
	{Name: "rules_version", Kind: KindString, Doc: "the derivation rules that produced the row", Str: func(p *Profile) string { return p.RulesVersion }},
	{Name: "violations", Kind: KindInt, Doc: "moving violations (DUI included) in the look-back window", Int: func(p *Profile) int64 { return int64(p.Violations) }},
	{Name: "major_violations", Kind: KindInt, Doc: "DUI, reckless driving and speeding 21+ mph over, in the window", Int: func(p *Profile) int64 { return int64(p.MajorViolations) }},
	{Name: "dui_count", Kind: KindInt, Doc: "DUI/DWI in the window", Int: func(p *Profile) int64 { return int64(p.DUIs) }},
	{Name: "violation_points", Kind: KindInt, Doc: "points of the window's violations and at-fault accidents", Int: func(p *Profile) int64 { return int64(p.ViolationPoints) }},
	{Name: "at_fault_accidents", Kind: KindInt, Doc: "at-fault accidents in the look-back window", Int: func(p *Profile) int64 { return int64(p.AtFaultAccidents) }},
	{Name: "not_at_fault_accidents", Kind: KindInt, Doc: "not-at-fault accidents in the window", Int: func(p *Profile) int64 { return int64(p.NotAtFaultAccidents) }},
	{Name: "comprehensive_claims", Kind: KindInt, Doc: "comprehensive claims in the window", Int: func(p *Profile) int64 { return int64(p.ComprehensiveClaims) }},
	{Name: "rating_factors", Kind: KindStringList, Doc: "name=relativity of every rating factor other than 1, in rating order", List: func(p *Profile) []string { return p.RatingFactors }},
}
