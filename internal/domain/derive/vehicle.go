package derive

import (
	"fmt"

	"github.com/synthpipe/synthpipe/internal/domain/refdata"
	"github.com/synthpipe/synthpipe/internal/domain/stream"
)

// MaxVehicleAge is the oldest a vehicle may be, in model years before the
// reference year (the contract's limit).
const MaxVehicleAge = 30

// Contract v0.2 vehicles: model years after the fleet-age mix, fuels after
// each state's AFDC shares, and what the contract checks of both.

// FuelClass groups the fuels a state's AFDC shares are given for.
const (
	ClassICE    = iota // gasoline or diesel
	ClassHybrid        // hybrid
	ClassPHEV          // plug_in_hybrid
	ClassEV            // electric
	fuelClasses
)

// classFuels are the fuels (bits of refdata.Fuels) of each class.
var classFuels = [fuelClasses]uint8{
	1<<refdata.Gasoline | 1<<refdata.Diesel, 1 << refdata.Hybrid, 1 << refdata.PlugInHybrid, 1 << refdata.Electric,
}

// DieselShare is the chance a vehicle of a model year sold with both
// gasoline and diesel engines has the diesel. No per-model take rate was
// found (auto/SOURCES.md, Missing); a quarter is an assumption between
// cars (a few percent) and heavy-duty pickups (most).
const DieselShare = 0.25

// InProduction reports whether model year y is one run r may have against
// the reference year: within its run (a current run to reference year + 1),
// at most maxAge years old and at most next year's.
func InProduction(f *refdata.Fleet, r *refdata.ModelRun, y, refYear, maxAge int) bool {
	return y >= max(r.First, refYear-maxAge) && y <= min(f.LastYearOf(r, refYear), refYear+1)
}

// cargoVans are the full-size and cargo vans of makes_models.csv: their
// body_type is van, every other van's minivan.
var cargoVans = map[string]bool{
	"Chevrolet/Express": true, "Chevrolet/City Express": true, "GMC/Savana": true, "Ford/E-Series": true,
	"Ford/Transit": true, "Ford/Transit Connect": true, "Ram/ProMaster": true, "Ram/ProMaster City": true,
	"Ram/C/V": true, "Dodge/Ram Van": true, "Nissan/NV": true, "Nissan/NV200": true,
	"Mercedes-Benz/Sprinter": true, "Mercedes-Benz/Metris": true, "Volkswagen/EuroVan": true,
}

// carBodies are the cars whose usual body is not a sedan; every other car is
// a sedan, the commonest car body. (A hash would invent bodies a model never
// had: a Lexus GS wagon.)
var carBodies = map[string]string{
	"Mazda/MX-5 Miata": "convertible", "Chevrolet/Corvette": "coupe", "Ford/Mustang": "coupe",
	"Chevrolet/Camaro": "coupe", "Dodge/Challenger": "coupe", "Porsche/911": "coupe",
	"Porsche/Boxster": "convertible", "Porsche/Cayman": "coupe", "BMW/Z3": "convertible", "BMW/Z4": "convertible",
	"Honda/S2000": "convertible", "Nissan/350Z": "coupe", "Nissan/370Z": "coupe", "Nissan/Z": "coupe",
	"Toyota/86": "coupe", "Toyota/Supra": "coupe", "Chrysler/Crossfire": "coupe", "Toyota/Prius": "hatchback",
	"Volkswagen/Beetle": "hatchback", "Volkswagen/Golf": "hatchback", "Honda/Fit": "hatchback",
	"Mini/Cooper": "hatchback", "Chevrolet/Bolt": "hatchback", "Nissan/Leaf": "hatchback",
	"Audi/TT": "coupe", "Mercedes-Benz/SL-Class": "convertible", "Mercedes-Benz/SLK-Class": "convertible",
	"Volvo/V70": "wagon", "Volvo/V60": "wagon", "Volvo/V90": "wagon", "Volvo/V50": "wagon",
	"Subaru/Legacy": "sedan", "Toyota/Camry": "sedan", "Honda/Accord": "sedan", "Honda/Civic": "sedan",
	"Toyota/Corolla": "sedan", "Nissan/Altima": "sedan", "Ford/Fusion": "sedan",
}

// BodyType returns the v0.1 body_type of a model of vehicle type typ
// (index into refdata.VehicleTypes): one per model, stable across runs.
func BodyType(make, model string, typ int) string {
	switch refdata.VehicleTypes[typ] {
	case "suv":
		return "suv"
	case "pickup":
		return "pickup"
	case "van":
		if cargoVans[make+"/"+model] {
			return "van"
		}
		return "minivan"
	}
	if b, ok := carBodies[make+"/"+model]; ok {
		return b
	}
	return "sedan"
}

// PlugInFallback is the yearly US sales an electric or plug-in hybrid model
// is weighed by in a model year plugin_sales.csv has no figure for, nor one
// near enough (refdata.Fleet.PlugInUnits): about the smallest yearly
// figures of the table (Honda Fit EV, Mitsubishi i-MiEV), so a model sold
// with the fuel stays possible but rare.
const PlugInFallback = 500

// ModelWeight is the weight of run r among the runs of model year y and
// fuel class c. For the electric class, and the plug-in hybrid class in
// the model years plugin_sales.csv covers (its calendar years, one either
// side), it is the run's US sales with that fuel (PlugInFallback without a
// figure; electric model years before the table are early EVs that sold
// hundreds to a few thousand): the run weight counts model years, so a
// nameplate with a short-lived plug-in variant (RAV4 EV, Focus Electric,
// Fit EV) would weigh as much as a Tesla. Elsewhere (every other class;
// plug-in hybrids after 2020, which the table has no figures for) it is
// the run weight.
func ModelWeight(f *refdata.Fleet, r *refdata.ModelRun, c, y int) int64 {
	fu := refdata.Electric
	switch c {
	case ClassPHEV:
		fu = refdata.PlugInHybrid
		if s := f.SalesYears[fu]; s.Last == 0 || y < s.First-1 || y > s.Last+1 {
			return r.Weight
		}
	case ClassEV:
	default:
		return r.Weight
	}
	if u := f.PlugInUnits(r, fu, y); u > 0 {
		return u
	}
	return PlugInFallback
}

// usLightVehicleSales is a year's US light-vehicle sales, about 15 million
// (10.4 million in 2009 to 17.5 million in 2016): an electric model year's
// weight is the fleet-age mix times its electric sales (ModelWeight) over
// this, the share of the year's new vehicles that were electric. The
// share of models offered with the fuel, which the other classes go by,
// would give a year with one small EV (RAV4 EV 2000-03) the weight of a
// year of Teslas.
const usLightVehicleSales = 15e6

// yearPick picks a run of one model year and fuel class by weight.
type yearPick struct {
	runs []int32
	pick refdata.Weighted
}

// FleetPick draws a vehicle's fuel class, model year and model in one draw
// each, never a loop: the class from the garaging state's AFDC shares, the
// age from the fleet-age mix conditioned on the class (the model years
// whose models were sold with it, in proportion to their weight), then a
// model among the runs built that year with that fuel, by ModelWeight.
type FleetPick struct {
	Fleet           *refdata.Fleet
	RefYear, MaxAge int
	Hi              int // newest model year: reference year + 1
	// AgeWeights are the fleet-age mix by age, index age+1 (age -1 is next
	// year's model), scaled to integers.
	AgeWeights []float64
	ages       [fuelClasses]refdata.Weighted // by class over index k: model year Hi-k
	models     [fuelClasses][]yearPick       // by class, index k
	states     []refdata.Weighted            // by state: classes ICE, HEV, PHEV, EV
	fuels      []uint8                       // Fleet.FuelsIn of run i in model year Hi-k at k·len(runs)+i
}

// FleetAgeMix returns the weight of each age -1..maxAge (index age+1): the
// 2018 shares of the age bands 0-3, 4-7 and 8-11 spread evenly over their
// years, next year's models a quarter of one year, and the 12+ band spread
// evenly over 12..maxAge with the share that makes the mean age target
// (the table's latest average age at or before the reference year). The
// 2018 12+ share (43.8 %) gives a mean of 11.7, the 2018 figure, within 0.3
// years; the share solved for 12.8 (2025) is about 48 % at max age 30.
func FleetAgeMix(f *refdata.Fleet, refYear, maxAge int) []float64 {
	w := make([]float64, maxAge+2)
	young := f.AgeBands[0] + f.AgeBands[1] + f.AgeBands[2]
	var yw, ym float64
	for a := -1; a <= min(11, maxAge); a++ {
		b := max(a, 0) / 4
		v := f.AgeBands[b] / 4 / young
		if a == -1 {
			v /= 4
		}
		w[a+1] = v
		yw += v
		ym += v * float64(a)
	}
	ym /= yw
	if maxAge < 12 {
		return w
	}
	om := float64(12+maxAge) / 2
	s := (f.AverageAgeAt(refYear) - ym) / (om - ym)
	s = max(0.05, min(0.9, s))
	for a := 12; a <= maxAge; a++ {
		w[a+1] = s * yw / (1 - s) / float64(maxAge-11)
	}
	return w
}

// NewFleetPick prepares the draws for a reference year and max age and the
// states (USPS codes, in the population's order). It refuses a model year
// of the range with no model, a fuel class no model year has, and a state
// without AFDC shares.
func NewFleetPick(f *refdata.Fleet, states []string, refYear, maxAge int) (*FleetPick, error) {
	p := &FleetPick{Fleet: f, RefYear: refYear, MaxAge: maxAge, Hi: refYear + 1}
	p.AgeWeights = FleetAgeMix(f, refYear, maxAge)
	n := maxAge + 2 // model years Hi down to refYear-maxAge
	for c := range p.models {
		p.models[c] = make([]yearPick, n)
	}
	p.fuels = make([]uint8, n*len(f.Runs))
	for k := range n {
		y := p.Hi - k
		var all, evUnits float64
		var per [fuelClasses]float64
		for i := range f.Runs {
			r := &f.Runs[i]
			if !InProduction(f, r, y, refYear, maxAge) {
				continue
			}
			fu := f.FuelsIn(r, y)
			p.fuels[k*len(f.Runs)+i] = fu
			if fu == 0 {
				continue // fuel-cell only
			}
			all += float64(r.Weight)
			for c := range per {
				if fu&classFuels[c] != 0 {
					per[c] += float64(r.Weight)
					p.models[c][k].runs = append(p.models[c][k].runs, int32(i))
					w := ModelWeight(f, r, c, y)
					p.models[c][k].pick.Add(w)
					if c == ClassEV {
						evUnits += float64(w)
					}
				}
			}
		}
		if all == 0 {
			return nil, fmt.Errorf("vehicle: no model of makes_models.csv (model years %d-%d) was built in model year %d, which reference year %d and max_vehicle_age %d need",
				f.FirstYear, f.LastYear, y, refYear, maxAge)
		}
		for c := range per {
			wt := int64(0)
			if per[c] > 0 {
				share := per[c] / all
				if c == ClassEV {
					share = evUnits / usLightVehicleSales
				}
				wt = max(1, int64(p.AgeWeights[k2age(k, p.Hi, refYear)+1]*share*1e9))
			}
			p.ages[c].Add(wt)
		}
	}
	for c := range p.ages {
		if p.ages[c].Total() == 0 {
			return nil, fmt.Errorf("vehicle: no model of model years %d-%d was sold as %s", refYear-maxAge, p.Hi, classNames[c])
		}
		p.ages[c].Seal()
		for k := range p.models[c] {
			p.models[c][k].pick.Seal()
		}
	}
	for _, code := range states {
		s, ok := f.StateFuels[code]
		if !ok {
			return nil, fmt.Errorf("vehicle: ev_hybrid_by_state.csv has no row for state %s", code)
		}
		var w refdata.Weighted
		w.Add(s.Total - s.EV - s.PHEV - s.HEV)
		w.Add(max(s.HEV, 0))
		w.Add(max(s.PHEV, 0))
		w.Add(max(s.EV, 0))
		p.states = append(p.states, w)
	}
	return p, nil
}

var classNames = [fuelClasses]string{"gasoline or diesel", "hybrid", "plug_in_hybrid", "electric"}

// k2age returns the age of model-year index k.
func k2age(k, hi, refYear int) int { return refYear - (hi - k) }

// Class draws a fuel class for a vehicle garaged in state (index into the
// states given to NewFleetPick).
func (p *FleetPick) Class(state int, r *stream.Stream) int {
	w := &p.states[state]
	return w.Index(r.Uint64N(w.Total()))
}

// Year draws a model year of fuel class c.
func (p *FleetPick) Year(c int, r *stream.Stream) int {
	w := &p.ages[c]
	return p.Hi - w.Index(r.Uint64N(w.Total()))
}

// Model draws a run built in model year y (from Year) with class c; it
// returns its index into Fleet.Runs.
func (p *FleetPick) Model(c, y int, r *stream.Stream) int {
	yp := &p.models[c][p.Hi-y]
	return int(yp.runs[yp.pick.Index(r.Uint64N(yp.pick.Total()))])
}

// Fuel returns the fuel of class c for run ri in model year y, as Year and
// Model drew them: the class's fuel, or for ICE gasoline or diesel as the
// model year offers them (diesel with DieselShare when both).
func (p *FleetPick) Fuel(c, ri, y int, r *stream.Stream) int {
	switch c {
	case ClassHybrid:
		return refdata.Hybrid
	case ClassPHEV:
		return refdata.PlugInHybrid
	case ClassEV:
		return refdata.Electric
	}
	fu := p.fuels[(p.Hi-y)*len(p.Fleet.Runs)+ri]
	switch {
	case fu&(1<<refdata.Gasoline) == 0:
		return refdata.Diesel
	case fu&(1<<refdata.Diesel) != 0 && r.Chance(DieselShare):
		return refdata.Diesel
	}
	return refdata.Gasoline
}
