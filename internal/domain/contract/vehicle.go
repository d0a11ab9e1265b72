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
// per Checker: the reference year, the tables, each state's plate space and
// key, and what the rules read of each real make and model, found with one
// lookup.
type vehicleTables struct {
	err     error
	refYear int
	fleet   *refdata.Fleet
	plates  []reserved // by state
	// bodies[r] is derive.BodyType of fleet.Runs[r], "" for a run of no
	// known type (asked of derive then).
	bodies []string
	models map[makeModel]*modelFacts
}

type makeModel struct{ make, model string }

// modelFacts is what the vehicle rules read of a real make and model: its
// runs, its make's WMIs and its VIN descriptors by vehicle type.
type modelFacts struct {
	runs []int
	// wmis are fleet.WMIs[make] as wmiKey packs them, compared as numbers
	// rather than strings (a WMI not of 3 bytes is of no VIN and left out).
	wmis        [4][]uint32
	descriptors []ident.Descriptors // by index into refdata.VehicleTypes
}

// wmiKey packs a WMI of 3 bytes into a number.
func wmiKey(wmi string) uint32 { return uint32(wmi[0])<<16 | uint32(wmi[1])<<8 | uint32(wmi[2]) }

// hasWMI is fleet.HasWMI of a WMI of 3 bytes, with a real model's WMIs from m.
func (t *vehicleTables) hasWMI(m *modelFacts, make string, typ int, wmi string) bool {
	if m == nil || typ < 0 || typ >= len(m.wmis) {
		return t.fleet.HasWMI(make, typ, wmi)
	}
	return slices.Contains(m.wmis[typ], wmiKey(wmi))
}

// plateKeyTag is the tag of the vehicle stage's per-state plate keys
// (stages/generators/vehicle.PlateKey; the contract cannot import a stage).
const plateKeyTag = 1 << 21

func (c *Checker) vehicleTables() *vehicleTables {
	if c.veh != nil {
		return c.veh
	}
	t := &vehicleTables{refYear: c.RefDate.Year(), fleet: c.Fleet}
	c.veh = t
	if t.fleet == nil {
		if t.fleet, t.err = refdata.V02Fleet(); t.err != nil {
			return t
		}
	}
	for i := range c.Pop.States {
		t.plates = append(t.plates, newReserved(ident.PlateSpace(c.Pop.States[i].PlateFormat, c.Pop.States[i].PlateReserve), plateKey(c.Seed, i)))
	}
	t.bodies = make([]string, len(t.fleet.Runs))
	t.models = map[makeModel]*modelFacts{}
	for i := range t.fleet.Runs {
		r := &t.fleet.Runs[i]
		if r.Type >= 0 && r.Type < len(refdata.VehicleTypes) {
			t.bodies[i] = derive.BodyType(r.Make, r.Model, r.Type)
		}
		k := makeModel{r.Make, r.Model}
		if t.models[k] != nil {
			continue
		}
		m := &modelFacts{runs: t.fleet.RunsOf(r.Make, r.Model)}
		for typ, wmis := range t.fleet.WMIs[r.Make] {
			for _, w := range wmis {
				if len(w) == 3 {
					m.wmis[typ] = append(m.wmis[typ], wmiKey(w))
				}
			}
		}
		for _, typ := range refdata.VehicleTypes {
			m.descriptors = append(m.descriptors, ident.DescriptorsOf(r.Make, r.Model, typ))
		}
		t.models[k] = m
	}
	return t
}

// Vehicle checks one vehicle against the persons of its household (nil
// when the batch holds none).
func (c *Checker) Vehicle(v *model.Vehicle, persons []model.Person) {
	fs := make([]facts, len(persons))
	for i := range persons {
		fs[i], _, _ = c.factsOf(&persons[i])
	}
	c.vehicle(v, persons, fs)
}

// vehicle is Vehicle with what the person checks found of the persons.
func (c *Checker) vehicle(v *model.Vehicle, persons []model.Person, fs []facts) {
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
	if owner < 0 {
		bad("owner_person_id", RuleFKPerson, v.OwnerPersonID)
	}
	if driver < 0 {
		bad("primary_driver_person_id", RuleFKPerson, v.PrimaryDriverPersonID)
	} else if persons[driver].HouseholdID != v.HouseholdID {
		bad("primary_driver_person_id", RuleDriverSameHousehold, v.PrimaryDriverPersonID)
	} else {
		c.vehicleDriver(v, &persons[driver], fs[driver].Age, persons, bad)
	}
	if owner >= 0 {
		student := false
		if driver >= 0 && persons[driver].Relationship == "child" {
			student = fs[driver].Age >= 18 && fs[driver].Age <= 24
		}
		vehicleGaraging(v, &persons[owner], student, bad)
	}

	typ := refdata.TypeIndex(v.VehicleType)
	m := t.models[makeModel{v.Make, v.Model}]
	var run *refdata.ModelRun
	body := ""
	if m == nil {
		bad("model", RuleRealMakeModel, v.Make+" "+v.Model)
	} else {
		for _, i := range m.runs {
			r := &t.fleet.Runs[i]
			if derive.InProduction(t.fleet, r, int(v.ModelYear), t.refYear, derive.MaxVehicleAge) {
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
		if !t.hasWMI(m, v.Make, typ, v.VIN[:3]) {
			bad("vin", RuleVINWMIOfMakeType, v.VIN)
		}
		if typ >= 0 {
			var ds ident.Descriptors
			if m != nil {
				ds = m.descriptors[typ]
			} else {
				ds = ident.DescriptorsOf(v.Make, v.Model, v.VehicleType)
			}
			if d := ds.Of(int(v.ModelYear)); string(d[:]) != v.VIN[3:8] {
				bad("vin", RuleVINDescriptorOfModel, v.VIN)
			}
		}
		if got, ok := c.vins.Index(v.VIN); !ok || got != idx {
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
	si, ok := c.Pop.State(v.GaragingState)
	if !ok {
		bad("garaging_state", RuleUSPSState, v.GaragingState)
		return
	}
	zipState, rural := -1, false
	if owner >= 0 && v.GaragingZip == persons[owner].Zip {
		zipState, rural = fs[owner].zipState, fs[owner].zipRural // looked up by the owner's checks
	} else if zip, ok := c.Pop.Zip(v.GaragingZip); ok {
		zipState, rural = zip.State, zip.Rural
	}
	if zipState != si {
		bad("garaging_zip", RuleZIPOfStateGaraging, v.GaragingZip)
	} else if v.Usage == "farm" && !rural {
		bad("usage", RuleFarmOnlyRural, v.Usage+" in "+v.GaragingZip)
	}
	plates := t.plates[si]
	switch {
	case !plates.space.Matches(v.LicensePlate):
		bad("license_plate", RulePlateFormatOfState, v.LicensePlate)
	case !plates.space.Reserved(v.LicensePlate):
		bad("license_plate", RulePlateReservedPrefix, v.LicensePlate)
	default:
		hh, ok := householdIndex(v, persons, fs)
		serial, dok := plates.serials.SerialOf(v.LicensePlate)
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

// householdIndex returns the index of v's household_id: as its persons'
// facts hold it when they are given.
func householdIndex(v *model.Vehicle, persons []model.Person, fs []facts) (int64, bool) {
	if len(persons) > 0 && persons[0].HouseholdID == v.HouseholdID {
		return fs[0].household, fs[0].household >= 0
	}
	return ident.ParseID("HH-", v.HouseholdID)
}

// vehicleDriver checks the primary driver, aged age: licensed whenever a
// member of the household is, and of rideshare age for rideshare use.
func (c *Checker) vehicleDriver(v *model.Vehicle, d *model.Person, age int, persons []model.Person, bad func(string, RuleName, string)) {
	if !d.Licensed() {
		for i := range persons {
			if persons[i].Licensed() {
				bad("primary_driver_person_id", RulePrimaryDriverValidWhenPossible, v.PrimaryDriverPersonID+" "+d.LicenseType+" "+d.LicenseStatus)
				break
			}
		}
	}
	if v.Usage == "rideshare" && (age < 21 || age > 65) {
		bad("usage", RuleRideshareDriver21To65, fmt.Sprintf("rideshare, driver aged %d", age))
	}
}

// vehicleGaraging checks where the vehicle is kept: the owner's ZIP and
// state, unless it is garaged away, which only a student's car is (primary
// driver a child aged 18-24) and then at another ZIP of the owner's state.
func vehicleGaraging(v *model.Vehicle, owner *model.Person, student bool, bad func(string, RuleName, string)) {
	if v.GaragingState != owner.State {
		bad("garaging_state", RuleEqualsOwnerState, v.GaragingState)
	}
	if v.GaragedAway != "true" {
		if v.GaragingZip != owner.Zip {
			bad("garaging_zip", RuleEqualsOwnerZIP, v.GaragingZip)
		}
		return
	}
	if !student || v.GaragingZip == owner.Zip {
		bad("garaged_away", RuleGaragedAwayStudent, v.GaragedAway+" "+v.GaragingZip)
	}
}

func plateKey(seed uint64, state int) uint64 {
	return stream.Key(seed, stream.Permute, plateKeyTag+uint64(state))
}
