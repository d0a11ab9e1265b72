package refdata

import (
	"fmt"
	"strconv"
)

// readPlugInSales reads plugin_sales.csv into the runs' Sales (after
// model_fuels.csv). It refuses a row of a nameplate not in makes_models.csv,
// of a fuel other than electric or plug-in hybrid, or of a year more than
// one year from every model year model_fuels.csv sells the nameplate with
// that fuel: a model year's sales start in the calendar year before and
// run into the one after.
func (f *Fleet) readPlugInSales() error {
	return eachFleetRow("plugin_sales.csv", 6, func(r []string) error {
		fu := FuelIndex(r[2])
		y, err1 := strconv.Atoi(r[3])
		n, err2 := strconv.ParseInt(r[4], 10, 64)
		if (fu != Electric && fu != PlugInHybrid) || err1 != nil || err2 != nil || n <= 0 {
			return fmt.Errorf("fuel %q year %q units %q", r[2], r[3], r[4])
		}
		runs := f.RunsOf(r[0], r[1])
		if len(runs) == 0 {
			return fmt.Errorf("%s %s is not in makes_models.csv", r[0], r[1])
		}
		offered := false
		for _, i := range runs {
			for _, s := range f.Runs[i].Fuels[fu] {
				offered = offered || (y >= s.First-1 && y <= s.Last+1)
			}
		}
		if !offered {
			return fmt.Errorf("model_fuels.csv sells no %s %s as %s within a year of %d", r[0], r[1], r[2], y)
		}
		if sy := &f.SalesYears[fu]; sy.First == 0 || y < sy.First {
			sy.First = y
		}
		f.SalesYears[fu].Last = max(f.SalesYears[fu].Last, y)
		for _, i := range runs {
			if ru := &f.Runs[i]; len(ru.Fuels[fu]) > 0 {
				// PlugInUnits takes the earlier of two years as near by
				// their order here.
				if k := len(ru.Sales[fu]); k > 0 && ru.Sales[fu][k-1].Year >= y {
					return fmt.Errorf("%s %s %s: year %d after %d; rows go by year", r[0], r[1], r[2], y, ru.Sales[fu][k-1].Year)
				}
				ru.Sales[fu] = append(ru.Sales[fu], YearUnits{y, n})
			}
		}
		return nil
	})
}

// PlugInUnits returns the US sales that weigh run r's model year y with
// fuel fu: those of calendar year y, or else of the nearest year with a
// figure within the run of model years the nameplate was sold with fu (one
// year either side; the earlier of two as near); 0 when there is none.
// Model years past a current run's last take its last year's fuels.
func (f *Fleet) PlugInUnits(r *ModelRun, fu, y int) int64 {
	in := y
	if r.Current && in > r.Last {
		in = r.Last
	}
	for _, s := range r.Fuels[fu] {
		if in < s.First || in > s.Last {
			continue
		}
		var best int64
		dist := -1
		for _, u := range r.Sales[fu] {
			d := max(u.Year-y, y-u.Year)
			if u.Year >= s.First-1 && u.Year <= s.Last+1 && (dist < 0 || d < dist) {
				best, dist = u.Units, d
			}
		}
		return best
	}
	return 0
}
