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
	{Name: "household_id", Kind: KindString, Pattern: `^HH-[0-9]{10}$`, Str: func(v *Vehicle) string { return v.HouseholdID }},
	{Name: "owner_person_id", Kind: KindString, Pattern: `^PER-[0-9]{10}$`, Str: func(v *Vehicle) string { return v.OwnerPersonID }},
	{Name: "primary_driver_person_id", Kind: KindString, Pattern: `^PER-[0-9]{10}$`, Str: func(v *Vehicle) string { return v.PrimaryDriverPersonID }},
	{Name: "vin", Kind: KindString, Pattern: `^[A-HJ-NPR-Z0-9]{17}$`, Doc: "17 chars, real WMI, year code, check digit; unique", Str: func(v *Vehicle) string { return v.VIN }},
	{Name: "make", Kind: KindString, Str: func(v *Vehicle) string { return v.Make }},
	{Name: "model", Kind: KindString, Str: func(v *Vehicle) string { return v.Model }},
	{Name: "model_year", Kind: KindInt, Int: func(v *Vehicle) int64 { return int64(v.ModelYear) }},
	{Name: "body_type", Kind: KindEnum, Enum: BodyTypes, Str: func(v *Vehicle) string { return v.BodyType }},
	{Name: "fuel_type", Kind: KindEnum, Enum: FuelTypes, Str: func(v *Vehicle) string { return v.FuelType }},
	{Name: "usage", Kind: KindEnum, Enum: Usages, Str: func(v *Vehicle) string { return v.Usage }},
	{Name: "annual_mileage", Kind: KindInt, Int: func(v *Vehicle) int64 { return int64(v.AnnualMileage) }},
	{Name: "ownership", Kind: KindEnum, Enum: Ownerships, Str: func(v *Vehicle) string { return v.Ownership }},
	{Name: "lienholder", Kind: KindString, Nullable: true, Doc: "null iff owned", Str: func(v *Vehicle) string { return v.Lienholder }},
	{Name: "garaging_zip", Kind: KindString, Pattern: `^[0-9]{5}$`, Str: func(v *Vehicle) string { return v.GaragingZip }},
	{Name: "garaging_state", Kind: KindString, Pattern: `^[A-Z]{2}$`, Str: func(v *Vehicle) string { return v.GaragingState }},
	{Name: "license_plate", Kind: KindString, Pattern: `^[A-HJ-NPR-Z0-9 -]+$`, Str: func(v *Vehicle) string { return v.LicensePlate }},
	{Name: "plate_state", Kind: KindString, Pattern: `^[A-Z]{2}$`, Str: func(v *Vehicle) string { return v.PlateState }},
	{Name: "vehicle_type", Kind: KindEnum, Enum: VehicleTypes, Doc: "the model's type (makes_models.csv)", Str: func(v *Vehicle) string { return v.VehicleType }},
	{Name: "garaged_away", Kind: KindEnum, Enum: Booleans, Doc: "true: kept at a student's ZIP of the owner's state, not the owner's", Str: func(v *Vehicle) string { return v.GaragedAway }},
}
