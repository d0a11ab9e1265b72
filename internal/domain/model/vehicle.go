package model

// Enumerations of the vehicles table.
var (
	BodyTypes  = []string{"sedan", "suv", "pickup", "minivan", "coupe", "hatchback", "wagon", "van", "convertible"}
	FuelTypes  = []string{"gasoline", "diesel", "hybrid", "plug_in_hybrid", "electric"}
	Usages     = []string{"commute", "pleasure", "business", "farm", "rideshare"}
	Ownerships = []string{"owned", "financed", "leased"}
	// VehicleTypes and Booleans are v0.2 enumerations.
	VehicleTypes = []string{"car", "suv", "pickup", "van"}
	Booleans     = []string{"true", "false"}
)

// Vehicle is one row of vehicles, fields in contract order.
type Vehicle struct {
	VehicleID             string `parquet:"vehicle_id" json:"vehicle_id"`
	HouseholdID           string `parquet:"household_id" json:"household_id"`
	OwnerPersonID         string `parquet:"owner_person_id" json:"owner_person_id"`
	PrimaryDriverPersonID string `parquet:"primary_driver_person_id" json:"primary_driver_person_id"`
	VIN                   string `parquet:"vin" json:"vin"`
	Make                  string `parquet:"make,dict" json:"make"`
	Model                 string `parquet:"model,dict" json:"model"`
	ModelYear             int32  `parquet:"model_year" json:"model_year"`
	BodyType              string `parquet:"body_type,dict" json:"body_type"`
	FuelType              string `parquet:"fuel_type,dict" json:"fuel_type"`
	Usage                 string `parquet:"usage,dict" json:"usage"`
	AnnualMileage         int32  `parquet:"annual_mileage" json:"annual_mileage"`
	Ownership             string `parquet:"ownership,dict" json:"ownership"`
	Lienholder            string `parquet:"lienholder,optional,dict" json:"lienholder"`
	GaragingZip           string `parquet:"garaging_zip,dict" json:"garaging_zip"`
	GaragingState         string `parquet:"garaging_state,dict" json:"garaging_state"`
	LicensePlate          string `parquet:"license_plate" json:"license_plate"`
	PlateState            string `parquet:"plate_state,dict" json:"plate_state"`
	// Columns added by contract v0.2, after v0.1's so its queries keep working.
	VehicleType string `parquet:"vehicle_type,dict" json:"vehicle_type"`
	GaragedAway string `parquet:"garaged_away,dict" json:"garaged_away"`
}

// VehicleColumns lists the vehicles columns in contract order.
var VehicleColumns = []Column[Vehicle]{
	{Name: "vehicle_id", Kind: KindString, Pattern: `^VEH-[0-9]{10}$`, Doc: "VEH- + 10 digits; unique", Str: func(v *Vehicle) string { return v.VehicleID }},
	{Name: "household_id", Kind: KindString, Pattern: `^HH-[0-9]{10}$`, Doc: "the owner's household", Str: func(v *Vehicle) string { return v.HouseholdID }},
	{Name: "owner_person_id", Kind: KindString, Pattern: `^PER-[0-9]{10}$`, Doc: "a person of the household", Str: func(v *Vehicle) string { return v.OwnerPersonID }},
	{Name: "primary_driver_person_id", Kind: KindString, Pattern: `^PER-[0-9]{10}$`, Doc: "a person of the household; holds a full, valid licence whenever a member does", Str: func(v *Vehicle) string { return v.PrimaryDriverPersonID }},
	{Name: "vin", Kind: KindString, Pattern: `^[A-HJ-NPR-Z0-9]{17}$`, Doc: "17 chars, real WMI, year code, check digit; unique", Str: func(v *Vehicle) string { return v.VIN }},
	{Name: "make", Kind: KindString, Doc: "a real make", Str: func(v *Vehicle) string { return v.Make }},
	{Name: "model", Kind: KindString, Doc: "a real model of the make", Str: func(v *Vehicle) string { return v.Model }},
	{Name: "model_year", Kind: KindInt, Doc: "a year the model was made; at most 30 years old, at most the reference year + 1", Int: func(v *Vehicle) int64 { return int64(v.ModelYear) }},
	{Name: "body_type", Kind: KindEnum, Enum: BodyTypes, Doc: "the model's body type", Str: func(v *Vehicle) string { return v.BodyType }},
	{Name: "fuel_type", Kind: KindEnum, Enum: FuelTypes, Doc: "a fuel the model was sold with in its model year", Str: func(v *Vehicle) string { return v.FuelType }},
	{Name: "usage", Kind: KindEnum, Enum: Usages, Doc: "rideshare only with a primary driver aged 21-65, farm only in a rural garaging ZIP", Str: func(v *Vehicle) string { return v.Usage }},
	{Name: "annual_mileage", Kind: KindInt, Doc: "miles a year, 1,000-40,000, by the primary driver's age and the usage", Int: func(v *Vehicle) int64 { return int64(v.AnnualMileage) }},
	{Name: "ownership", Kind: KindEnum, Enum: Ownerships, Doc: "financed and leased vehicles have a lienholder", Str: func(v *Vehicle) string { return v.Ownership }},
	{Name: "lienholder", Kind: KindString, Nullable: true, Doc: "a fictional finance company; null iff owned", Str: func(v *Vehicle) string { return v.Lienholder }},
	{Name: "garaging_zip", Kind: KindString, Pattern: `^[0-9]{5}$`, Doc: "the owner's ZIP, or another ZIP of the owner's state when garaged_away", Str: func(v *Vehicle) string { return v.GaragingZip }},
	{Name: "garaging_state", Kind: KindString, Pattern: `^[A-Z]{2}$`, Doc: "the owner's state", Str: func(v *Vehicle) string { return v.GaragingState }},
	{Name: "license_plate", Kind: KindString, Pattern: `^[A-HJ-NPR-Z0-9 -]+$`, Doc: "the garaging state's plate pattern in its reserved span; unique within the state", Str: func(v *Vehicle) string { return v.LicensePlate }},
	{Name: "plate_state", Kind: KindString, Pattern: `^[A-Z]{2}$`, Doc: "equals garaging_state", Str: func(v *Vehicle) string { return v.PlateState }},
	{Name: "vehicle_type", Kind: KindEnum, Enum: VehicleTypes, Doc: "the model's type (makes_models.csv)", Str: func(v *Vehicle) string { return v.VehicleType }},
	{Name: "garaged_away", Kind: KindEnum, Enum: Booleans, Doc: "true: kept at a student's ZIP of the owner's state, not the owner's", Str: func(v *Vehicle) string { return v.GaragedAway }},
}
