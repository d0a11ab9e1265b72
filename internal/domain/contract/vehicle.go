package contract

import (
	"fmt"
	"slices"

	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// Vehicle checks one vehicle against the persons of its household (nil
// when the batch holds none).
func (c *Checker) Vehicle(v *model.Vehicle, persons []model.Person) {
	id := v.VehicleID
	bad := func(col string, rule RuleName, val string) { c.bad("vehicle", id, col, rule, val) }
	idx, ok := ident.ParseID("VEH-", id)
	if !ok {
		bad("vehicle_id", RuleIDFormat, id)
	}
	owner := find(persons, v.OwnerPersonID)
	if owner == nil {
		bad("owner_person_id", RuleFKPerson, v.OwnerPersonID)
	} else {
		if v.GaragingZip != owner.Zip {
			bad("garaging_zip", RuleEqualsOwnerZIP, v.GaragingZip)
		}
		if v.GaragingState != owner.State {
			bad("garaging_state", RuleEqualsOwnerState, v.GaragingState)
		}
	}
	if d := find(persons, v.PrimaryDriverPersonID); d == nil {
		bad("primary_driver_person_id", RuleFKPerson, v.PrimaryDriverPersonID)
	} else if d.HouseholdID != v.HouseholdID {
		bad("primary_driver_person_id", RuleDriverSameHousehold, v.PrimaryDriverPersonID)
	}
	enum := func(col, val string, allowed []string) {
		if !slices.Contains(allowed, val) {
			bad(col, RuleEnum, val)
		}
	}
	enum("body_type", v.BodyType, model.BodyTypes)
	enum("fuel_type", v.FuelType, model.FuelTypes)
	enum("usage", v.Usage, model.Usages)
	enum("ownership", v.Ownership, model.Ownerships)

	refYear := c.RefDate.Year()
	rows := c.Ref.ModelsOf(v.Make, v.Model)
	if len(rows) == 0 {
		bad("model", RuleRealMakeModel, v.Make+" "+v.Model)
	} else {
		inYears, agrees := false, false
		for _, m := range rows {
			lo, hi := derive.YearRange(m, refYear, derive.MaxVehicleAge)
			if int(v.ModelYear) >= lo && int(v.ModelYear) <= hi {
				inYears = true
				agrees = agrees || (m.BodyType == v.BodyType && m.FuelType == v.FuelType)
			}
		}
		if !inYears {
			bad("model_year", RuleModelYearInProduction, fmt.Sprint(v.ModelYear))
		} else if !agrees {
			bad("body_type", RuleBodyFuelOfModel, v.BodyType+"/"+v.FuelType)
		}
	}
	if p := ident.VINProblem(v.VIN); p != "" {
		bad("vin", RuleName(p), v.VIN)
	} else {
		if !c.Ref.HasWMI(v.Make, v.VIN[:3]) {
			bad("vin", RuleVINWMIOfMake, v.VIN)
		}
		if v.VIN[9] != ident.YearCode(int(v.ModelYear)) {
			bad("vin", RuleVINYearCode, v.VIN)
		}
		if got, ok := ident.VINIndex(c.Seed, v.VIN); !ok || got != idx {
			bad("vin", RuleVINUnique, v.VIN)
		}
	}
	if v.AnnualMileage < 1000 || v.AnnualMileage > 40000 {
		bad("annual_mileage", RuleMileage1000To40000, fmt.Sprint(v.AnnualMileage))
	}
	if (v.Ownership == "owned") != (v.Lienholder == "") {
		bad("lienholder", RuleLienholderIffFinancedOrLeased, v.Lienholder)
	} else if v.Lienholder != "" && !slices.Contains(c.Ref.Lienholders, v.Lienholder) {
		bad("lienholder", RuleFictionalLienholder, v.Lienholder)
	}
	if st, ok := c.Ref.State(v.GaragingState); !ok {
		bad("garaging_state", RuleUSPSState, v.GaragingState)
	} else if !ident.MatchesPlate(st.PlateFormat, v.LicensePlate) {
		bad("license_plate", RulePlateFormatOfState, v.LicensePlate)
	}
	if zs, _, ok := c.Ref.ZipPlace(v.GaragingZip); !ok || zs != v.GaragingState {
		bad("garaging_zip", RuleZIPOfStateGaraging, v.GaragingZip)
	}
	if v.PlateState != v.GaragingState {
		bad("plate_state", RuleEqualsGaragingState, v.PlateState)
	}
}
