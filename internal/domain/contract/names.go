package contract

// RuleName names a rule, as reports and docs/rules.md give it. Code reports
// rules only through these constants; a test checks that every one it
// reports is listed (Rules, verify.FileRules).
type RuleName string

// Record rules: the Checker applies them to records (listed in Rules).
const (
	RuleIDFormat                        RuleName = "id_format"
	RuleIDUniqueContiguous              RuleName = "id_unique_contiguous"
	RuleEnum                            RuleName = "enum"
	RuleNotEmpty                        RuleName = "not_empty"
	RuleFirstNameOfGender               RuleName = "first_name_of_gender"
	RuleAge16To95                       RuleName = "age_16_to_95"
	RuleSSNNeverIssued                  RuleName = "ssn_never_issued"
	RuleSSNUnique                       RuleName = "ssn_unique"
	RuleEmailReservedDomain             RuleName = "email_reserved_domain"
	RuleEmailUnique                     RuleName = "email_unique"
	RuleUSPSState                       RuleName = "usps_state"
	RulePhone55501xx                    RuleName = "phone_555_01xx"
	RulePhoneAreaCodeOfState            RuleName = "phone_area_code_of_state"
	RuleAddressFormat                   RuleName = "address_format"
	RuleZIPOfState                      RuleName = "zip_of_state"
	RuleCityOfZIP                       RuleName = "city_of_zip"
	RuleLicenseFormatOfState            RuleName = "license_format_of_state"
	RuleEqualsState                     RuleName = "equals_state"
	RuleLicenseAfter16thBirthday        RuleName = "license_after_16th_birthday"
	RuleNotAfterReferenceDate           RuleName = "not_after_reference_date"
	RuleOnePrimaryPerHousehold          RuleName = "one_primary_per_household"
	RuleHouseholdSharesAddress          RuleName = "household_shares_address"
	RuleHouseholdSharesAreaCode         RuleName = "household_shares_area_code"
	RuleSpousesMarried                  RuleName = "spouses_married"
	RuleChild16YearsYoungerThanPrimary  RuleName = "child_16_years_younger_than_primary"
	RuleChildSharesLastName             RuleName = "child_shares_last_name"
	RuleFKPerson                        RuleName = "fk_person"
	RuleDriverSameHousehold             RuleName = "driver_same_household"
	RuleEqualsOwnerZIP                  RuleName = "equals_owner_zip"
	RuleEqualsOwnerState                RuleName = "equals_owner_state"
	RuleRealMakeModel                   RuleName = "real_make_model"
	RuleModelYearInProduction           RuleName = "model_year_in_production"
	RuleBodyFuelOfModel                 RuleName = "body_fuel_of_model"
	RuleVINLength                       RuleName = "vin_length"
	RuleVINCharset                      RuleName = "vin_charset"
	RuleVINCheckDigit                   RuleName = "vin_check_digit"
	RuleVINWMIOfMake                    RuleName = "vin_wmi_of_make"
	RuleVINYearCode                     RuleName = "vin_year_code"
	RuleVINUnique                       RuleName = "vin_unique"
	RuleMileage1000To40000              RuleName = "mileage_1000_to_40000"
	RuleLienholderIffFinancedOrLeased   RuleName = "lienholder_iff_financed_or_leased"
	RuleFictionalLienholder             RuleName = "fictional_lienholder"
	RulePlateFormatOfState              RuleName = "plate_format_of_state"
	RuleZIPOfStateGaraging              RuleName = "zip_of_state_garaging"
	RuleEqualsGaragingState             RuleName = "equals_garaging_state"
	RuleOneProfilePerPerson             RuleName = "one_profile_per_person"
	RuleSameIndexAsPerson               RuleName = "same_index_as_person"
	RuleEqualsPersonHousehold           RuleName = "equals_person_household"
	RuleAgeAtReferenceDate              RuleName = "age_at_reference_date"
	RuleYearsSinceIssueAtMostAgeMinus16 RuleName = "years_since_issue_at_most_age_minus_16"
	RuleVehiclesInHousehold             RuleName = "vehicles_in_household"
	RuleVehiclesDriven                  RuleName = "vehicles_driven"
	RuleFirstVehicleDriven              RuleName = "first_vehicle_driven"
	RuleRiskScoreRules                  RuleName = "risk_score_rules"
	RuleTierOfScore                     RuleName = "tier_of_score"
	RuleScenarioTagRules                RuleName = "scenario_tag_rules"
	RuleRulesVersion                    RuleName = "rules_version"
	// Vehicle rules of contract v0.2.
	RuleVINPosition7Cycle              RuleName = "vin_position7_cycle"
	RuleVINWMIOfMakeType               RuleName = "vin_wmi_of_make_type"
	RuleVINDescriptorOfModel           RuleName = "vin_descriptor_of_model"
	RuleVehicleTypeOfModel             RuleName = "vehicle_type_of_model"
	RulePlateReservedPrefix            RuleName = "plate_reserved_prefix"
	RulePlateUniqueInState             RuleName = "plate_unique_in_state"
	RuleFarmOnlyRural                  RuleName = "farm_only_rural"
	RulePrimaryDriverValidWhenPossible RuleName = "primary_driver_valid_when_possible"
	RuleRideshareDriver21To65          RuleName = "rideshare_driver_21_to_65"
	RuleGaragedAwayStudent             RuleName = "garaged_away_student"
)

// Plan rules: the validate stage checks each batch against the planned
// households (listed in Rules).
const (
	RulePlannedPersonMissing RuleName = "planned_person_missing"
	RulePlannedPersonCount   RuleName = "planned_person_count"
)

// File rules: synthpipe validate checks them on a snapshot folder (listed in
// verify.FileRules).
const (
	RuleFilePresent                 RuleName = "file_present"
	RuleFileNameContract            RuleName = "file_name_contract"
	RuleManifestEntryUnique         RuleName = "manifest_entry_unique"
	RuleFileRegular                 RuleName = "file_regular"
	RuleNoUnexpectedFiles           RuleName = "no_unexpected_files"
	RuleBytesMatchManifest          RuleName = "bytes_match_manifest"
	RuleSHA256MatchManifest         RuleName = "sha256_match_manifest"
	RuleRecordsMatchManifest        RuleName = "records_match_manifest"
	RuleMetadataCountsMatchManifest RuleName = "metadata_counts_match_manifest"
	RuleMetadataConsistent          RuleName = "metadata_consistent"
	RuleColumnsMatchContract        RuleName = "columns_match_contract"
	RuleColumnType                  RuleName = "column_type"
	RuleJSONSchema                  RuleName = "json_schema"
	RuleFileReadable                RuleName = "file_readable"
	RuleSizeLimits                  RuleName = "size_limits"
	RuleFormatsAgree                RuleName = "formats_agree"
)
