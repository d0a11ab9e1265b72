// Package vehicle makes each household's vehicles (contract v0.2): owned and
// driven by its members, the primary driver licensed whenever a member is; a
// make, model and vehicle type of the EPA model-year table drawn by weight,
// a model year after the US fleet-age mix and within the model's production,
// a fuel the model was sold with that year in the garaging state's AFDC
// EV/PHEV/HEV shares; a VIN v2 with a vPIC WMI of the make and type and the
// model's descriptor; a plate unique within the state in its reserved
// sub-range; farm use only in rural ZIPs, some rideshare use, and a few
// students' cars garaged at another ZIP of the state. Every value draws from
// its column's own stream keyed by (seed, column, vehicle index), so batches
// can be made in any order and a new column moves no other.
package vehicle

import (
	"context"
	_ "embed"
	"fmt"
	"slices"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/household"
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
	"github.com/synthpipe/synthpipe/internal/domain/stream"
	"github.com/synthpipe/synthpipe/pipeline"
)

// example is the YAML fragment the config reference shows (a test loads it).
//
//go:embed example.yaml
var example string

// Type is the registered type name.
const Type = "vehicle"

// MaxAge is the oldest a vehicle may be, in model years before the reference year.
const MaxAge = derive.MaxVehicleAge

const fieldMaxAge = "max_vehicle_age"

func init() {
	component.RegisterStage(pipeline.Spec{
		Type:     Type,
		Needs:    []string{model.Persons},
		Provides: []string{model.Vehicles},
		Summary:  "Makes each household's vehicles (0-4), owned and driven by its members, with a real make, model, model year, fuel, VIN and plate.",
		Example:  example,
		Fields: []pipeline.Field{
			{Name: fieldMaxAge, Type: pipeline.TypeInt, Description: "Oldest vehicle, in years before the reference year (the contract allows at most 30).", Default: int64(MaxAge), Min: 0, Max: MaxAge},
		},
	}, func(c pipeline.Conf, env *component.Env) (component.Stage, error) {
		return New(env.Shared, int(c.Int(fieldMaxAge)))
	})
}

// Vehicle columns, each with its own stream keyed by vehicle index.
const (
	cOwner = iota
	cModel
	cYear
	cFuel
	cWMI
	cUsage
	cMileage
	cOwnership
	cLienholder
	cGaragedAway
	cGaragingZip
)

var vehicleColumns = []string{"owner_person_id", "model", "model_year", "fuel_type", "vin", "usage", "annual_mileage", "ownership", "lienholder", "garaged_away", "garaging_zip"}

// Shares the contract does not take from a table (docs: governance/decision-log.md).
const (
	// rideshareShare of vehicles whose primary driver is 21-65 are used for
	// ride-hailing: about 1.5 % (Uber and Lyft report a few million US
	// drivers a year, most part-time, against about 150 million licensed
	// drivers of those ages; no per-vehicle source was found).
	rideshareShare = 0.015
	// farmShareRural of vehicles garaged in rural ZIPs are farm vehicles
	// (v0.1 drew 2 % of all vehicles; about a fifth of people live in rural
	// ZIPs, so the national share stays near 2 %).
	farmShareRural = 0.08
	// awayShare of vehicles whose primary driver is a child of 18-24 are
	// garaged at a student's address in another ZIP of the state.
	awayShare = 0.05
)

// plateKeyTag offsets the per-state plate permutation keys from the other
// permutations' tags (SSN 1 and 2, VIN 3 and 4, licences 1<<20 + state).
const plateKeyTag = 1 << 21

// Stage makes vehicles. One per worker: it keeps reusable streams.
type Stage struct {
	run    *model.Run
	ref    *refdata.Data // v0.1 tables: mileage by age, lienholders
	pop    *refdata.Population
	fleet  *refdata.Fleet
	pick   *derive.FleetPick
	plates []ident.Numbering // each state's plates
	// serials places a household the person stage did not (Household.Placed).
	serials *household.Serials
	vins    ident.VINs
	maxAge  int
	cols    *stream.Columns
	runs    []runOf     // by index into the fleet's runs
	strs    ident.Arena // the bytes of the identifiers
}

// runOf is what a vehicle takes from its model run, found once per run:
// the body type and the WMIs (looked up by name) and the VIN descriptors.
type runOf struct {
	body string
	wmis []string
	vds  ident.Descriptors
}

// CheckCapacity refuses a run whose vehicles would overflow the VIN v2
// serials or a state's reserved plate range, naming the limit.
func CheckCapacity(records int64, serials *household.Serials, pop *refdata.Population) error {
	size := household.Count(serials.Seed(), records)
	if uint64(size.Vehicles) > ident.VINv2Capacity {
		return fmt.Errorf("vehicle: %d records make %d vehicles, more than the %d VIN v2 serials (ident.VINv2Capacity)", records, size.Vehicles, ident.VINv2Capacity)
	}
	for i := range pop.States {
		st := &pop.States[i]
		capacity, err := ident.PlateSpace(st.PlateFormat, st.PlateReserve).Capacity()
		if err != nil {
			return fmt.Errorf("vehicle: state %s plate format %q: %w", st.Code, st.PlateFormat, err)
		}
		_, need, err := serials.Max(i, size.Households)
		if err != nil {
			return fmt.Errorf("vehicle: %w", err)
		}
		if need > capacity {
			return fmt.Errorf("vehicle: %d records need up to %d plates in %s, whose reserved range (format %s) holds %d", records, need, st.Code, st.PlateFormat, capacity)
		}
	}
	return nil
}

// PlateKey returns the key of state's plate permutation (index into the
// v0.2 population's states).
func PlateKey(seed uint64, state int) uint64 {
	return stream.Key(seed, stream.Permute, plateKeyTag+uint64(state))
}

// New returns a vehicle stage, or why the run cannot be made: a model year
// without a model, a full identifier space.
func New(run *model.Run, maxAge int) (*Stage, error) {
	if maxAge < 0 || maxAge > MaxAge {
		return nil, fmt.Errorf("vehicle: %s %d outside 0-%d", fieldMaxAge, maxAge, MaxAge)
	}
	ref, err := refdata.Default()
	if err != nil {
		return nil, err
	}
	pop, err := refdata.V02()
	if err != nil {
		return nil, err
	}
	fleet, err := refdata.V02Fleet()
	if err != nil {
		return nil, err
	}
	serials, err := household.Shared(run.Seed)
	if err != nil {
		return nil, err
	}
	if err := CheckCapacity(run.Records, serials, pop); err != nil {
		return nil, err
	}
	codes := make([]string, len(pop.States))
	for i := range pop.States {
		codes[i] = pop.States[i].Code
	}
	pick, err := derive.NewFleetPick(fleet, codes, run.ReferenceDate.Year(), maxAge)
	if err != nil {
		return nil, fmt.Errorf("%w (reference date %s, %s %d)", err, run.ReferenceDate, fieldMaxAge, maxAge)
	}
	s := &Stage{run: run, ref: ref, pop: pop, fleet: fleet, pick: pick, maxAge: maxAge, serials: serials,
		cols: stream.NewColumns(run.Seed, stream.Vehicle, vehicleColumns...)}
	for i := range pop.States {
		s.plates = append(s.plates, ident.PlateSpace(pop.States[i].PlateFormat, pop.States[i].PlateReserve).Numbering(PlateKey(run.Seed, i)))
	}
	s.vins = ident.NewVINs(run.Seed)
	s.runs = make([]runOf, len(fleet.Runs))
	for i := range fleet.Runs {
		m := &fleet.Runs[i]
		s.runs[i] = runOf{body: derive.BodyType(m.Make, m.Model, m.Type), wmis: fleet.WMIs[m.Make][m.Type],
			vds: ident.DescriptorsOf(m.Make, m.Model, refdata.VehicleTypes[m.Type])}
	}
	return s, nil
}

// Process appends the vehicles of every household; persons must be made.
func (s *Stage) Process(_ context.Context, b *component.Batch) error {
	mb := b.Payload
	if len(mb.Persons) != mb.PersonCount() {
		return fmt.Errorf("vehicle: batch %d has %d persons for %d planned: run the person stage first", b.Seq, len(mb.Persons), mb.PersonCount())
	}
	if len(mb.Households) == 0 {
		return nil
	}
	// Persons made by a stage that did not look their households up.
	if slices.ContainsFunc(mb.Households, func(h model.Household) bool { return !h.Placed }) {
		if err := s.serials.Place(mb.Households); err != nil {
			return fmt.Errorf("vehicle: batch %d: %w", b.Seq, err)
		}
	}
	first := mb.Households[0].FirstPerson
	refDate := s.run.ReferenceDate
	for i := range mb.Households {
		h := &mb.Households[i]
		members := mb.Persons[h.FirstPerson-first : h.FirstPerson-first+int64(h.Size)]
		if h.Vehicles == 0 {
			continue
		}
		var ages [model.MaxHouseholdSize]int
		for k := range members {
			ages[k] = model.YearsBetween(members[k].DateOfBirth, refDate)
		}
		for j := 0; j < h.Vehicles; j++ {
			mb.Vehicles = append(mb.Vehicles, model.Vehicle{}) // filled in place, not copied
			if err := s.vehicle(&mb.Vehicles[len(mb.Vehicles)-1], h, members, ages[:len(members)], j, h.State, h.VehicleSerial); err != nil {
				return fmt.Errorf("vehicle: batch %d: %w", b.Seq, err)
			}
		}
	}
	return nil
}

// PrimaryDriver returns the index among members of the primary driver of a
// household's vehicle j: members take turns, and a member without a full,
// valid licence gives way to the next who has one, so the driver is
// licensed whenever a member is.
func PrimaryDriver(members []model.Person, j int) int {
	n := len(members)
	for k := range n {
		if members[(j+k)%n].Licensed() {
			return (j + k) % n
		}
	}
	return j % n
}

// vehicle fills v, the zero Vehicle the caller appended, with the
// household's vehicle j; ages are the members'.
func (s *Stage) vehicle(v *model.Vehicle, h *model.Household, members []model.Person, ages []int, j, st int, firstSerial uint64) error {
	idx := h.FirstVehicle + int64(j)
	c := s.cols
	c.At(uint64(idx))
	refDate := s.run.ReferenceDate
	refYear := refDate.Year()
	state := &s.pop.States[st]

	// Owner: the primary for the first vehicle, then any adult member.
	owner := &members[0]
	if j > 0 {
		var adults [model.MaxHouseholdSize]int
		n := 0
		for k := range members {
			if ages[k] >= 18 {
				adults[n] = k
				n++
			}
		}
		if n > 0 {
			owner = &members[adults[c.Of(cOwner).IntN(n)]]
		}
	}
	d := PrimaryDriver(members, j)
	driver, driverAge := &members[d], ages[d]

	// Fuel class first (the state's AFDC shares), then a model year of that
	// class after the fleet-age mix, then a model built that year with it.
	class := s.pick.Class(st, c.Of(cFuel))
	year := s.pick.Year(class, c.Of(cYear))
	ri := s.pick.Model(class, year, c.Of(cModel))
	m := &s.fleet.Runs[ri]
	fuel := s.pick.Fuel(class, ri, year, c.Of(cFuel))
	vtype := refdata.VehicleTypes[m.Type]
	wmis := s.runs[ri].wmis
	a := &s.strs
	vin := a.String(s.vins.Append(a.Free(), idx, wmis[c.Of(cWMI).IntN(len(wmis))], s.runs[ri].vds.Of(year), year))

	// Garaging: the owner's ZIP, or for a few students' cars another ZIP
	// of the state, weighted by population.
	zipCode, rural := owner.Zip, owner.UrbanRural == "rural"
	away := "false"
	if driver.Relationship == "child" && driverAge >= 18 && driverAge <= 24 && len(state.Zips) > 1 && c.Of(cGaragedAway).Chance(awayShare) {
		zr := c.Of(cGaragingZip)
		k := state.ZipPick.Index(zr.Uint64N(state.ZipPick.Total()))
		if z := &s.pop.Zips[state.Zips[k]]; z.Code == owner.Zip {
			k = (k + 1) % len(state.Zips) // one draw: the next ZIP of the state
		}
		z := &s.pop.Zips[state.Zips[k]]
		zipCode, rural, away = z.Code, z.Rural, "true"
	}

	ur := c.Of(cUsage)
	usage := "commute"
	switch {
	case driverAge >= 21 && driverAge <= 65 && ur.Chance(rideshareShare):
		usage = "rideshare"
	case rural && ur.Chance(farmShareRural):
		usage = "farm"
	default:
		switch d := ur.IntN(100); {
		case d < 56:
		case d < 92:
			usage = "pleasure"
		default:
			usage = "business"
		}
	}
	// Mileage: the FHWA mean for the driver's age, spread 0.4x-1.6x, more
	// for business and rideshare use.
	mean := float64(s.ref.MileageFor(driverAge))
	factor := 0.4 + 1.2*c.Of(cMileage).Float64()
	switch usage {
	case "business":
		factor *= 1.4
	case "rideshare":
		factor *= 1.6
	case "pleasure":
		factor *= 0.8
	}
	miles := int32(mean*factor/100) * 100
	miles = min(40000, max(1000, miles))

	ownership := "owned"
	vehAge := refYear - year
	switch d := c.Of(cOwnership).IntN(100); {
	case vehAge <= 3 && d < 45:
		ownership = "financed"
	case vehAge <= 3 && d < 75:
		ownership = "leased"
	case vehAge > 3 && vehAge <= 7 && d < 35:
		ownership = "financed"
	}
	lien := ""
	if ownership != "owned" {
		lien = s.ref.Lienholders[c.Of(cLienholder).IntN(len(s.ref.Lienholders))]
	}
	b, err := s.plates[st].Append(a.Free(), firstSerial+uint64(j))
	if err != nil {
		return fmt.Errorf("vehicle %s: %w", ident.ID("VEH-", idx), err)
	}
	plate := a.String(b)
	// Field by field: a composite literal is built on the stack and copied.
	v.VehicleID = a.String(ident.AppendID(a.Free(), "VEH-", idx))
	v.HouseholdID = owner.HouseholdID
	v.OwnerPersonID = owner.PersonID
	v.PrimaryDriverPersonID = driver.PersonID
	v.VIN = vin
	v.Make = m.Make
	v.Model = m.Model
	v.ModelYear = int32(year)
	v.BodyType = s.runs[ri].body
	v.FuelType = refdata.Fuels[fuel]
	v.Usage = usage
	v.AnnualMileage = miles
	v.Ownership = ownership
	v.Lienholder = lien
	v.GaragingZip = zipCode
	v.GaragingState = state.Code
	v.LicensePlate = plate
	v.PlateState = state.Code
	v.VehicleType = vtype
	v.GaragedAway = away
	return nil
}
