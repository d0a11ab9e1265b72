package refdata

import (
	"embed"
	"fmt"
	"math"
	"sort"
	"strconv"
	"sync"
)

// The vehicle tables of data contract v0.2 (auto/SOURCES.md): EPA model-year
// runs of makes and models, the fuels each was sold with, US plug-in sales
// by model and year, NHTSA vPIC WMIs by
// make and vehicle type, AFDC EV/PHEV/HEV registrations by state and the
// fleet-age figures.
//
//go:embed data/v0.2/auto/makes_models.csv data/v0.2/auto/model_fuels.csv data/v0.2/auto/wmi.csv
//go:embed data/v0.2/auto/ev_hybrid_by_state.csv data/v0.2/auto/vehicle_age.csv data/v0.2/auto/make_shares.csv
//go:embed data/v0.2/auto/plugin_sales.csv
var fleetFS embed.FS

// Vehicle types of makes_models.csv, in this order everywhere.
var VehicleTypes = []string{"car", "suv", "pickup", "van"}

// Fuels of model_fuels.csv, in this order everywhere (the v0.1 fuel_type
// enumeration).
var Fuels = []string{"gasoline", "diesel", "hybrid", "plug_in_hybrid", "electric"}

// Fuel indexes into Fuels.
const (
	Gasoline = iota
	Diesel
	Hybrid
	PlugInHybrid
	Electric
)

// ModelRun is one continuous run of US model years of a nameplate.
type ModelRun struct {
	Make, Model string
	Type        int // index into VehicleTypes
	First, Last int // model years, inclusive
	Weight      int64
	// Current: the run ends in the table's last model year. The EPA file
	// lists the next model year for most such nameplates and the table
	// clips it, so a current run counts as built up to the reference year
	// + 1 (Fleet.LastYearOf).
	Current bool
	// Fuels[f] are the runs of model years the nameplate was sold with fuel
	// f (model_fuels.csv), clipped to this run.
	Fuels [5][]YearSpan
	// Sales[f] are the nameplate's US calendar-year sales with fuel f, by
	// year: plugin_sales.csv, electric and plug-in hybrid only.
	Sales [5][]YearUnits
}

// YearSpan is an inclusive range of model years.
type YearSpan struct{ First, Last int }

// YearUnits are the units sold in a calendar year.
type YearUnits struct {
	Year  int
	Units int64
}

// StateFuelShare is a state's AFDC 2023 light-duty registrations of
// battery-electric, plug-in hybrid and hybrid vehicles, and its total.
type StateFuelShare struct {
	EV, PHEV, HEV, Total int64
}

// Fleet is the v0.2 vehicle reference data.
type Fleet struct {
	Runs []ModelRun
	// FirstYear and LastYear bound every run's model years.
	FirstYear, LastYear int
	// WMIs[make][type] are the WMIs vPIC registers for the make and type.
	WMIs map[string][4][]string
	// StateFuels by USPS state code.
	StateFuels map[string]StateFuelShare
	// AverageAge is the light-vehicle average age by year (vehicle_age.csv,
	// light_vehicles_in_operation); AgeBands the 2018 shares by age band,
	// in percent: 0-3, 4-7, 8-11, 12+.
	AverageAge map[int]float64
	AgeBands   [4]float64
	// BEVAverageAge is the latest average age of battery-electric
	// vehicles in operation (vehicle_age.csv, bev_in_operation).
	BEVAverageAge float64
	// SalesYears[f] are the first and last calendar years plugin_sales.csv
	// has figures of fuel f for (zero for the fuels it has none of).
	SalesYears [5]YearSpan

	index map[string]map[string][]int // make -> model -> runs
}

var (
	fleetOnce sync.Once
	fleet     *Fleet
	fleetErr  error
)

// V02Fleet returns the v0.2 vehicle tables, parsed once and read-only after.
func V02Fleet() (*Fleet, error) {
	fleetOnce.Do(func() { fleet, fleetErr = parseFleet() })
	return fleet, fleetErr
}

// RunsOf returns the indexes of the runs of a make and model.
func (f *Fleet) RunsOf(make, model string) []int { return f.index[make][model] }

// LastYearOf returns the last model year run r may have against a reference
// year: its last, or reference year + 1 for a current run.
func (f *Fleet) LastYearOf(r *ModelRun, refYear int) int {
	if r.Current {
		return max(r.Last, refYear+1)
	}
	return r.Last
}

// FuelsIn returns the fuels (bit f set for Fuels[f]) run r was sold with in
// model year y; model years past a current run's last take its last year's.
func (f *Fleet) FuelsIn(r *ModelRun, y int) uint8 {
	if r.Current && y > r.Last {
		y = r.Last
	}
	var m uint8
	for fu := range r.Fuels {
		for _, s := range r.Fuels[fu] {
			if y >= s.First && y <= s.Last {
				m |= 1 << fu
				break
			}
		}
	}
	return m
}

// HasWMI reports whether wmi is one of vPIC's WMIs of the make and type.
func (f *Fleet) HasWMI(make string, typ int, wmi string) bool {
	if typ < 0 || typ >= len(VehicleTypes) {
		return false
	}
	for _, w := range f.WMIs[make][typ] {
		if w == wmi {
			return true
		}
	}
	return false
}

// TypeIndex returns the index of a vehicle type, -1 if unknown.
func TypeIndex(s string) int {
	for i, t := range VehicleTypes {
		if t == s {
			return i
		}
	}
	return -1
}

// FuelIndex returns the index of a fuel, -1 if unknown.
func FuelIndex(s string) int {
	for i, t := range Fuels {
		if t == s {
			return i
		}
	}
	return -1
}

func eachFleetRow(name string, cols int, fn func([]string) error) error {
	return eachCSV(fleetFS, "data/v0.2/auto/"+name, cols, fn)
}

func parseFleet() (*Fleet, error) {
	f := &Fleet{WMIs: map[string][4][]string{}, StateFuels: map[string]StateFuelShare{},
		AverageAge: map[int]float64{}, index: map[string]map[string][]int{}}
	atoi := func(s string) (int, error) { return strconv.Atoi(s) }
	err := eachFleetRow("makes_models.csv", 6, func(r []string) error {
		t := TypeIndex(r[2])
		if t < 0 {
			return fmt.Errorf("vehicle_type %q", r[2])
		}
		first, err1 := atoi(r[3])
		last, err2 := atoi(r[4])
		w, err3 := strconv.ParseInt(r[5], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil || first > last || w <= 0 {
			return fmt.Errorf("years %q-%q weight %q", r[3], r[4], r[5])
		}
		if f.index[r[0]] == nil {
			f.index[r[0]] = map[string][]int{}
		}
		f.index[r[0]][r[1]] = append(f.index[r[0]][r[1]], len(f.Runs))
		f.Runs = append(f.Runs, ModelRun{Make: r[0], Model: r[1], Type: t, First: first, Last: last, Weight: w})
		if f.FirstYear == 0 || first < f.FirstYear {
			f.FirstYear = first
		}
		f.LastYear = max(f.LastYear, last)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range f.Runs {
		f.Runs[i].Current = f.Runs[i].Last == f.LastYear
	}
	if err := f.weighByMake(); err != nil {
		return nil, err
	}
	err = eachFleetRow("model_fuels.csv", 5, func(r []string) error {
		fu := FuelIndex(r[2])
		first, err1 := atoi(r[3])
		last, err2 := atoi(r[4])
		if fu < 0 || err1 != nil || err2 != nil || first > last {
			return fmt.Errorf("fuel %q years %q-%q", r[2], r[3], r[4])
		}
		runs := f.RunsOf(r[0], r[1])
		if len(runs) == 0 {
			return fmt.Errorf("%s %s is not in makes_models.csv", r[0], r[1])
		}
		for _, i := range runs {
			ru := &f.Runs[i]
			if lo, hi := max(first, ru.First), min(last, ru.Last); lo <= hi {
				ru.Fuels[fu] = append(ru.Fuels[fu], YearSpan{lo, hi})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := f.readPlugInSales(); err != nil {
		return nil, err
	}
	err = eachFleetRow("wmi.csv", 3, func(r []string) error {
		t := TypeIndex(r[1])
		if t < 0 || len(r[2]) != 3 {
			return fmt.Errorf("vehicle_type %q wmi %q", r[1], r[2])
		}
		w := f.WMIs[r[0]]
		w[t] = append(w[t], r[2])
		f.WMIs[r[0]] = w
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachFleetRow("ev_hybrid_by_state.csv", 5, func(r []string) error {
		var v [4]int64
		for i := range v {
			n, err := strconv.ParseInt(r[1+i], 10, 64)
			if err != nil || n < 0 {
				return fmt.Errorf("count %q", r[1+i])
			}
			v[i] = n
		}
		if v[3] <= v[0]+v[1]+v[2] {
			return fmt.Errorf("state %s: total %d not above its EV, PHEV and HEV", r[0], v[3])
		}
		f.StateFuels[r[0]] = StateFuelShare{EV: v[0], PHEV: v[1], HEV: v[2], Total: v[3]}
		return nil
	})
	if err != nil {
		return nil, err
	}
	bands := map[string]int{"age_0_3": 0, "age_4_7": 1, "age_8_11": 2, "age_12_plus": 3}
	err = eachFleetRow("vehicle_age.csv", 6, func(r []string) error {
		y, err1 := atoi(r[0])
		v, err2 := strconv.ParseFloat(r[3], 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("year %q value %q", r[0], r[3])
		}
		switch {
		case r[1] == "average_age" && r[2] == "light_vehicles_in_operation":
			f.AverageAge[y] = v
		case r[1] == "average_age" && r[2] == "bev_in_operation":
			f.BEVAverageAge = v
		case r[1] == "share_by_age_band" && y == 2018:
			b, ok := bands[r[2]]
			if !ok {
				return fmt.Errorf("age band %q", r[2])
			}
			f.AgeBands[b] = v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return f, f.check()
}

// check refuses tables that would leave a generator without a choice: a
// make and type without a WMI, a run model year without a fuel (the
// fuel-cell-only nameplates, which have none of the contract's fuels, are
// the exception: they are never drawn), a missing age band.
func (f *Fleet) check() error {
	for i := range f.Runs {
		r := &f.Runs[i]
		if len(f.WMIs[r.Make][r.Type]) == 0 {
			return fmt.Errorf("refdata: wmi.csv has no WMI for %s %s", r.Make, VehicleTypes[r.Type])
		}
	}
	for b, v := range f.AgeBands {
		if v <= 0 {
			return fmt.Errorf("refdata: vehicle_age.csv has no 2018 share for age band %d", b)
		}
	}
	if len(f.AverageAge) == 0 {
		return fmt.Errorf("refdata: vehicle_age.csv has no light-vehicle average age")
	}
	return nil
}

// AverageAgeAt returns the light-vehicle average age of the latest year at
// or before year (the earliest year's before the table).
func (f *Fleet) AverageAgeAt(year int) float64 {
	best, bestYear := 0.0, 0
	first, firstYear := 0.0, 1<<30
	for y, v := range f.AverageAge {
		if y <= year && y > bestYear {
			best, bestYear = v, y
		}
		if y < firstYear {
			first, firstYear = v, y
		}
	}
	if bestYear == 0 {
		return first
	}
	return best
}

// weighByMake turns the table's weights (model years on sale) into shares
// of the fleet: each make gets its share of 2018-2021 US new-vehicle sales
// (make_shares.csv, the nearest public figure to registrations by make
// found), spread over its runs by their years on sale. Makes that sold
// nothing in 2018-2021 (Pontiac, Saturn, Mercury ...) have no share there
// but are still on the road: they are weighted like the median make per
// model year on sale (an assumption, recorded in the decision log).
func (f *Fleet) weighByMake() error {
	shares := map[string]float64{}
	err := eachFleetRow("make_shares.csv", 5, func(r []string) error {
		v, err := strconv.ParseFloat(r[1], 64)
		if err != nil || v < 0 || v > 1 {
			return fmt.Errorf("share %q of %s: want 0 to 1", r[1], r[0])
		}
		shares[r[0]] = v
		return nil
	})
	if err != nil {
		return err
	}
	years := map[string]int64{}
	for i := range f.Runs {
		years[f.Runs[i].Make] += f.Runs[i].Weight
	}
	var perYear []float64 // share per model year on sale, of the makes with a share
	for mk, y := range years {
		s, ok := shares[mk]
		if !ok {
			return fmt.Errorf("make %s of makes_models.csv has no row in make_shares.csv", mk)
		}
		if s > 0 {
			perYear = append(perYear, s/float64(y))
		}
	}
	if len(perYear) == 0 {
		return fmt.Errorf("make_shares.csv gives no make a share")
	}
	sort.Float64s(perYear)
	median := perYear[len(perYear)/2]
	for i := range f.Runs {
		r := &f.Runs[i]
		py := shares[r.Make] / float64(years[r.Make])
		if shares[r.Make] == 0 {
			py = median
		}
		r.Weight = max(1, int64(math.Round(py*float64(r.Weight)*1e9)))
	}
	return nil
}
