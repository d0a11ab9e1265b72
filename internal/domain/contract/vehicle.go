package contract

import (
	"fmt"
	"slices"

	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
	"github.com/synthpipe/synthpipe/internal/domain/stream"
)

// vehicleTables is what the vehicle rules of contract v0.2 read, made once
// per Checker: the tables, the state quota of the seed and each state's
// plate key.
type vehicleTables struct {
	err       error
	fleet     *refdata.Fleet
	pop       *refdata.Population
	plateKeys []uint64
	// bodies[r] is derive.BodyType of fleet.Runs[r], "" for a run of no
	// known type (asked of derive then).
	bodies []string
}

// plateKeyTag is the tag of the vehicle stage's per-state plate keys
// (stages/generators/vehicle.PlateKey; the contract cannot import a stage).
const plateKeyTag = 1 << 21

func (c *Checker) vehicleTables() *vehicleTables {
	if c.veh != nil {
		return c.veh
	}
	t := &vehicleTables{fleet: c.Fleet}
	c.veh = t
	if t.fleet == nil {
		if t.fleet, t.err = refdata.V02Fleet(); t.err != nil {
			return t
		}
	}
	if t.pop, t.err = refdata.V02(); t.err != nil {
		return t
	}
	for i := range t.pop.States {
		t.plateKeys = append(t.plateKeys, plateKey(c.Seed, i))
	}
	t.bodies = make([]string, len(t.fleet.Runs))
	for i := range t.fleet.Runs {
		if r := &t.fleet.Runs[i]; r.Type >= 0 && r.Type < len(refdata.VehicleTypes) {
			t.bodies[i] = derive.BodyType(r.Make, r.Model, r.Type)
		}
	}
	return t
}

// Vehicle checks one vehicle against the persons of its household (nil
// when the batch holds none).
func (c *Checker) Vehicle(v *model.Vehicle, persons []model.Person) {
	id := v.VehicleID
	bad := func(col string, rule RuleName, val string) { c.bad("vehicle", id, col, rule, val) }
	t := c.vehicleTables()
	if t.err != nil {
		bad("vehicle_id", RuleRealMakeModel, t.err.Error())
		return
	}
	idx, ok := ident.ParseID("VEH-", id)
	if !ok {
		bad("vehicle_id", RuleIDFormat, id)
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
	enum("vehicle_type", v.VehicleType, model.VehicleTypes)
	enum("garaged_away", v.GaragedAway, model.Booleans)

	owner := find(persons, v.OwnerPersonID)
	driver := find(persons, v.PrimaryDriverPersonID)
	if owner == nil {
		bad("owner_person_id", RuleFKPerson, v.OwnerPersonID)
	}
	if driver == nil {
		bad("primary_driver_person_id", RuleFKPerson, v.PrimaryDriverPersonID)
	} else if driver.HouseholdID != v.HouseholdID {
		bad("primary_driver_person_id", RuleDriverSameHousehold, v.PrimaryDriverPersonID)
	} else {
		c.vehicleDriver(v, driver, persons, bad)
	}
	if owner != nil {
		c.vehicleGaraging(v, owner, driver, t, bad)
	}

	refYear := c.RefDate.Year()
	typ := refdata.TypeIndex(v.VehicleType)
	runs := t.fleet.RunsOf(v.Make, v.Model)
	var run *refdata.ModelRun
	body := ""
	if len(runs) == 0 {
		bad("model", RuleRealMakeModel, v.Make+" "+v.Model)
	} else {
		for _, i := range runs {
			r := &t.fleet.Runs[i]
			if derive.InProduction(t.fleet, r, int(v.ModelYear), refYear, derive.MaxVehicleAge) {
				run, body = r, t.bodies[i]
				break
			}
		}
		switch {
		case run == nil:
			bad("model_year", RuleModelYearInProduction, fmt.Sprint(v.ModelYear))
		case run.Type != typ:
			bad("vehicle_type", RuleVehicleTypeOfModel, v.VehicleType)
		default:
			fu := refdata.FuelIndex(v.FuelType)
			if body == "" {
				body = derive.BodyType(run.Make, run.Model, run.Type)
			}
			if v.BodyType != body || fu < 0 || t.fleet.FuelsIn(run, int(v.ModelYear))&(1<<fu) == 0 {
				bad("body_type", RuleBodyFuelOfModel, v.BodyType+"/"+v.FuelType)
			}
		}
	}
	if p := ident.VINv2Problem(v.VIN, int(v.ModelYear)); p != "" {
		bad("vin", RuleName(p), v.VIN)
	} else {
		if !t.fleet.HasWMI(v.Make, typ, v.VIN[:3]) {
			bad("vin", RuleVINWMIOfMakeType, v.VIN)
		}
		if typ >= 0 {
			if d := ident.DescriptorOf(v.Make, v.Model, v.VehicleType, int(v.ModelYear)); string(d[:]) != v.VIN[3:8] {
				bad("vin", RuleVINDescriptorOfModel, v.VIN)
			}
		}
		if got, ok := ident.VINv2Index(c.Seed, v.VIN); !ok || got != idx {
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
	if v.PlateState != v.GaragingState {
		bad("plate_state", RuleEqualsGaragingState, v.PlateState)
	}
	si, ok := t.pop.State(v.GaragingState)
	if !ok {
		bad("garaging_state", RuleUSPSState, v.GaragingState)
		return
	}
	st := &t.pop.States[si]
	zip, ok := t.pop.Zip(v.GaragingZip)
	if !ok || zip.State != si {
		bad("garaging_zip", RuleZIPOfStateGaraging, v.GaragingZip)
	} else if v.Usage == "farm" && !zip.Rural {
		bad("usage", RuleFarmOnlyRural, v.Usage+" in "+v.GaragingZip)
	}
	switch {
	case !ident.MatchesPlate(st.PlateFormat, v.LicensePlate):
		bad("license_plate", RulePlateFormatOfState, v.LicensePlate)
	case !ident.IsReservedPlate(st.PlateFormat, v.LicensePlate):
		bad("license_plate", RulePlateReservedPrefix, v.LicensePlate)
	default:
		hh, ok := ident.ParseID("HH-", v.HouseholdID)
		serial, dok := ident.PlateSerialOf(st.PlateFormat, v.LicensePlate, t.plateKeys[si])
		if !ok || !dok {
			bad("license_plate", RulePlateUniqueInState, v.LicensePlate)
			break
		}
		// The plate is the vehicle's serial in its state: the household's
		// first vehicle serial and the vehicle's place in the household.
		hs, err := c.serialsOf(hh)
		switch {
		case err != nil || hs.state != si || serial < hs.vehicle || serial >= hs.vehicle+hs.plannedVehicles:
			bad("license_plate", RulePlateUniqueInState, v.LicensePlate)
		case c.place >= 0 && serial != hs.vehicle+uint64(c.place):
			bad("license_plate", RulePlateUniqueInState, v.LicensePlate)
		}
	}
}

// vehicleDriver checks the primary driver: licensed whenever a member of
// the household is, and of rideshare age for rideshare use.
func (c *Checker) vehicleDriver(v *model.Vehicle, d *model.Person, persons []model.Person, bad func(string, RuleName, string)) {
	if !d.Licensed() {
		for i := range persons {
			if persons[i].Licensed() {
				bad("primary_driver_person_id", RulePrimaryDriverValidWhenPossible, v.PrimaryDriverPersonID+" "+d.LicenseType+" "+d.LicenseStatus)
				break
			}
		}
	}
	if v.Usage == "rideshare" {
		if age := model.YearsBetween(d.DateOfBirth, c.RefDate); age < 21 || age > 65 {
			bad("usage", RuleRideshareDriver21To65, fmt.Sprintf("rideshare, driver aged %d", age))
		}
	}
}

// vehicleGaraging checks where the vehicle is kept: the owner's ZIP and
// state, unless it is garaged away, which only a student's car is (primary
// driver a child aged 18-24) and then at another ZIP of the owner's state.
func (c *Checker) vehicleGaraging(v *model.Vehicle, owner, driver *model.Person, t *vehicleTables, bad func(string, RuleName, string)) {
	if v.GaragingState != owner.State {
		bad("garaging_state", RuleEqualsOwnerState, v.GaragingState)
	}
	if v.GaragedAway != "true" {
		if v.GaragingZip != owner.Zip {
			bad("garaging_zip", RuleEqualsOwnerZIP, v.GaragingZip)
		}
		return
	}
	student := false
	if driver != nil && driver.Relationship == "child" {
		age := model.YearsBetween(driver.DateOfBirth, c.RefDate)
		student = age >= 18 && age <= 24
	}
	if !student || v.GaragingZip == owner.Zip {
		bad("garaged_away", RuleGaragedAwayStudent, v.GaragedAway+" "+v.GaragingZip)
	}
}

func plateKey(seed uint64, state int) uint64 {
	return stream.Key(seed, stream.Permute, plateKeyTag+uint64(state))
}
