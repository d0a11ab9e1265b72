package model

// Enumerations of the persons table.
var (
	Genders         = []string{"F", "M", "X"}
	MaritalStatuses = []string{"single", "married", "divorced", "widowed"}
	Relationships   = []string{"primary", "spouse", "child", "other"}
	LicenseStatuses = []string{"valid", "expired", "suspended", "revoked"}
	NameSuffixes    = []string{"Jr", "Sr", "II", "III", "IV"}
	// LicenseTypes: a full licence, a learner permit (16-17), or none.
	LicenseTypes = []string{"full", "learner_permit", "unlicensed"}
	UrbanRural   = []string{"urban", "rural"}
	// FinancialFilings: proof of insurance a court or DMV requires after a
	// DUI or suspension (FR-44 only in Florida and Virginia, after a DUI).
	FinancialFilings = []string{"none", "SR-22", "FR-44"}
	// CreditTiers of a credit-based insurance score; no_hit: no credit file.
	CreditTiers = []string{"excellent", "good", "fair", "poor", "no_hit"}
)

// Youngest ages at which a marital status is plausible: where the ACS 2018
// shares by age (B12002; refdata auto/marital_status_by_age.csv) rise from
// the level of the 15-17 band's, 0.02-0.04 %, which is response error.
// Divorced: 0.05-0.07 % at 18-19, 0.4-0.7 % at 20-24. Widowed: 0.04-0.09 %
// at 18-24, 0.1-0.2 % at 25-29 and more with every band after. Minors are
// single.
const (
	MarriedMinAge  = 18
	DivorcedMinAge = 20
	WidowedMinAge  = 25
)

// Of full licences, per thousand, those the person stage suspends or
// revokes (a status mix synthpipe assumes; the incident stage gives each a
// cause in the history and takes the DUIs so added off its drawn rate).
const (
	SuspendedPermille = 30
	RevokedPermille   = 10
)

// MaritalMinAge returns the youngest age at which status is plausible.
func MaritalMinAge(status string) int {
	switch status {
	case "married":
		return MarriedMinAge
	case "divorced":
		return DivorcedMinAge
	case "widowed":
		return WidowedMinAge
	}
	return 0
}

// SeniorMinAge is the youngest age a man is "Sr": old enough to have an
// adult son named after him (the son 18, born when the father was 18 or
// more). The generator keeps it and the contract checks it.
const SeniorMinAge = 36

// JuniorSuffixes name a son after his father (JuniorOf); a II is
// traditionally named after a grandfather or uncle, so it is not among them.
var JuniorSuffixes = []string{"Jr", "III", "IV"}

// JuniorOf returns the suffix of a son named after a father with the
// suffix given: Jr after none or Sr, III after Jr or II, IV after III, and
// none after IV (V is not among the contract's suffixes).
func JuniorOf(father string) string {
	switch father {
	case "", "Sr":
		return "Jr"
	case "Jr", "II":
		return "III"
	case "III":
		return "IV"
	}
	return ""
}

// Person is one row of persons. Field order is the contract's column order,
// which the Parquet writer takes from the struct.
type Person struct {
	PersonID            string `parquet:"person_id" json:"person_id"`
	HouseholdID         string `parquet:"household_id" json:"household_id"`
	FirstName           string `parquet:"first_name" json:"first_name"`
	LastName            string `parquet:"last_name" json:"last_name"`
	Gender              string `parquet:"gender,dict" json:"gender"`
	DateOfBirth         Date   `parquet:"date_of_birth,date" json:"date_of_birth"`
	MaritalStatus       string `parquet:"marital_status,dict" json:"marital_status"`
	Relationship        string `parquet:"relationship,dict" json:"relationship"`
	SSN                 string `parquet:"ssn,optional" json:"ssn"`
	Email               string `parquet:"email" json:"email"`
	Phone               string `parquet:"phone" json:"phone"`
	AddressLine1        string `parquet:"address_line1" json:"address_line1"`
	City                string `parquet:"city,dict" json:"city"`
	State               string `parquet:"state,dict" json:"state"`
	Zip                 string `parquet:"zip,dict" json:"zip"`
	DriverLicenseNumber string `parquet:"driver_license_number,optional" json:"driver_license_number"`
	DriverLicenseState  string `parquet:"driver_license_state,optional,dict" json:"driver_license_state"`
	LicenseIssueDate    Date   `parquet:"license_issue_date,date,optional" json:"license_issue_date"`
	LicenseStatus       string `parquet:"license_status,optional,dict" json:"license_status"`
	// Columns added by contract v0.2, after v0.1's so its queries keep working.
	MiddleName            string `parquet:"middle_name,optional" json:"middle_name"`
	NameSuffix            string `parquet:"name_suffix,optional,dict" json:"name_suffix"`
	AddressLine2          string `parquet:"address_line2,optional" json:"address_line2"`
	County                string `parquet:"county,dict" json:"county"`
	CountyFIPS            string `parquet:"county_fips,dict" json:"county_fips"`
	UrbanRural            string `parquet:"urban_rural,dict" json:"urban_rural"`
	LicenseType           string `parquet:"license_type,dict" json:"license_type"`
	FirstLicensedDate     Date   `parquet:"first_licensed_date,date,optional" json:"first_licensed_date"`
	LicenseExpirationDate Date   `parquet:"license_expiration_date,date,optional" json:"license_expiration_date"`
	// Underwriting history, filled by the incident stage from the driving
	// history it makes.
	PriorInsuranceMonths int32  `parquet:"prior_insurance_months" json:"prior_insurance_months"`
	CoverageLapseDays    int32  `parquet:"coverage_lapse_days" json:"coverage_lapse_days"`
	FinancialFiling      string `parquet:"financial_filing,dict" json:"financial_filing"`
	CreditTier           string `parquet:"credit_tier,dict" json:"credit_tier"`
}

// PersonColumns lists the persons columns in contract order.
var PersonColumns = []Column[Person]{
	{Name: "person_id", Kind: KindString, Pattern: `^PER-[0-9]{10}$`, Doc: "PER- + 10-digit index from 1; unique", Str: func(p *Person) string { return p.PersonID }},
	{Name: "household_id", Kind: KindString, Pattern: `^HH-[0-9]{10}$`, Doc: "HH- + 10 digits", Str: func(p *Person) string { return p.HouseholdID }},
	{Name: "first_name", Kind: KindString, Doc: "US first name consistent with gender", Str: func(p *Person) string { return p.FirstName }},
	{Name: "last_name", Kind: KindString, Doc: "US surname", Str: func(p *Person) string { return p.LastName }},
	{Name: "gender", Kind: KindEnum, Enum: Genders, Doc: "F, M or X (non-binary)", Str: func(p *Person) string { return p.Gender }},
	{Name: "date_of_birth", Kind: KindDate, Doc: "age 16-95 at the reference date", Date: func(p *Person) Date { return p.DateOfBirth }},
	{Name: "marital_status", Kind: KindEnum, Enum: MaritalStatuses, Doc: "single under 18, never divorced under 20 nor widowed under 25; a spouse and the primary are both married", Str: func(p *Person) string { return p.MaritalStatus }},
	{Name: "relationship", Kind: KindEnum, Enum: Relationships, Doc: "to the household's primary (the named insured); one primary per household", Str: func(p *Person) string { return p.Relationship }},
	{Name: "ssn", Kind: KindString, Nullable: true, Pattern: `^[0-9]{3}-[0-9]{2}-[0-9]{4}$`, Doc: "666-GG-SSSS then 9xx-GG-SSSS, never issued; unique; null past the 55,984,401 of them", Str: func(p *Person) string { return p.SSN }},
	{Name: "email", Kind: KindString, Pattern: `^[a-z]+\.[a-z]+[1-9][0-9]*@example\.(com|net|org)$`, Doc: "@example.com/.net/.org; unique", Str: func(p *Person) string { return p.Email }},
	{Name: "phone", Kind: KindString, Pattern: `^[0-9]{3}-555-01[0-9]{2}$`, Doc: "NPA-555-01XX", Str: func(p *Person) string { return p.Phone }},
	{Name: "address_line1", Kind: KindString, Doc: "house number, street name and suffix; shared by the household", Str: func(p *Person) string { return p.AddressLine1 }},
	{Name: "city", Kind: KindString, Doc: "the ZIP's city", Str: func(p *Person) string { return p.City }},
	{Name: "state", Kind: KindString, Pattern: `^[A-Z]{2}$`, Doc: "USPS code", Str: func(p *Person) string { return p.State }},
	{Name: "zip", Kind: KindString, Pattern: `^[0-9]{5}$`, Doc: "a real ZIP (2020 ZCTA) of the state; shared by the household", Str: func(p *Person) string { return p.Zip }},
	{Name: "driver_license_number", Kind: KindString, Nullable: true, Doc: "null iff unlicensed", Str: func(p *Person) string { return p.DriverLicenseNumber }},
	{Name: "driver_license_state", Kind: KindString, Nullable: true, Pattern: `^[A-Z]{2}$`, Doc: "null iff unlicensed", Str: func(p *Person) string { return p.DriverLicenseState }},
	{Name: "license_issue_date", Kind: KindDate, Nullable: true, Doc: "current card or permit; null iff unlicensed", Date: func(p *Person) Date { return p.LicenseIssueDate }},
	{Name: "license_status", Kind: KindEnum, Nullable: true, Enum: LicenseStatuses, Doc: "null iff unlicensed", Str: func(p *Person) string { return p.LicenseStatus }},
	{Name: "middle_name", Kind: KindString, Nullable: true, Doc: "a first name of the same birth cohort, an initial, or null", Str: func(p *Person) string { return p.MiddleName }},
	{Name: "name_suffix", Kind: KindEnum, Nullable: true, Enum: NameSuffixes, Doc: "men only; Sr at 36 and over; a child Jr, III or IV living with his father bears his name; null for most", Str: func(p *Person) string { return p.NameSuffix }},
	{Name: "address_line2", Kind: KindString, Nullable: true, Doc: "unit line (APT 4B) or null", Str: func(p *Person) string { return p.AddressLine2 }},
	{Name: "county", Kind: KindString, Doc: "county of the ZIP", Str: func(p *Person) string { return p.County }},
	{Name: "county_fips", Kind: KindString, Pattern: `^[0-9]{5}$`, Doc: "state + county FIPS code", Str: func(p *Person) string { return p.CountyFIPS }},
	{Name: "urban_rural", Kind: KindEnum, Enum: UrbanRural, Doc: "RUCA class of the ZIP", Str: func(p *Person) string { return p.UrbanRural }},
	{Name: "license_type", Kind: KindEnum, Enum: LicenseTypes, Doc: "full licence, learner permit (ages 16-17) or unlicensed", Str: func(p *Person) string { return p.LicenseType }},
	{Name: "first_licensed_date", Kind: KindDate, Nullable: true, Doc: "first licence or permit, at 16-21 mostly; before the reference date; null iff unlicensed", Date: func(p *Person) Date { return p.FirstLicensedDate }},
	{Name: "license_expiration_date", Kind: KindDate, Nullable: true, Doc: "issue date plus the renewal cycle (8 years; a permit 2); null iff unlicensed", Date: func(p *Person) Date { return p.LicenseExpirationDate }},
	{Name: "prior_insurance_months", Kind: KindInt, Doc: "months of continuous prior insurance up to the reference date", Int: func(p *Person) int64 { return int64(p.PriorInsuranceMonths) }},
	{Name: "coverage_lapse_days", Kind: KindInt, Doc: "days without insurance in the last 12 months; 0 for none", Int: func(p *Person) int64 { return int64(p.CoverageLapseDays) }},
	{Name: "financial_filing", Kind: KindEnum, Enum: FinancialFilings, Doc: "SR-22/FR-44 where a DUI or suspension requires it", Str: func(p *Person) string { return p.FinancialFiling }},
	{Name: "credit_tier", Kind: KindEnum, Enum: CreditTiers, Doc: "credit-based insurance tier", Str: func(p *Person) string { return p.CreditTier }},
}

// Licensed reports whether p may drive alone: a full licence, valid.
// (A learner permit needs a licensed driver beside; the expired,
// suspended, revoked and unlicensed may not drive.)
func (p *Person) Licensed() bool { return p.LicenseType == "full" && p.LicenseStatus == "valid" }

// Suspended reports whether p's licence is suspended or revoked: what a
// cause in the history, an SR-22 and the suspended_license tag follow.
func (p *Person) Suspended() bool {
	return p.LicenseStatus == "suspended" || p.LicenseStatus == "revoked"
}
