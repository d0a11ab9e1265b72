package incident

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
)

// band is an age band the rates are reported for.
type band struct {
	name     string
	from, to int
}

var bands = []band{{"16-19", 16, 19}, {"25-34", 25, 34}, {"45-54", 45, 54}, {"75+", 75, 200}}

// exposure is driver-years and events by age band and kind.
type exposure struct {
	years                          float64
	all, crash, atFault, dui, comp float64
	violations                     float64
}

// TestFrequenciesByAge measures annual rates per licensed driver-year at
// 100k persons and compares them with the source figures (and the model's
// own assumed levels where there is no source). Figures are logged (-v).
// DUIs keep to the source by age: those given as causes to suspensions
// and revocations are taken off the drawn rate (duiAsCause).
func TestFrequenciesByAge(t *testing.T) {
	if testing.Short() {
		t.Skip("100k persons")
	}
	run, b := makeBatch(t, 100000, 2026, DefaultLookbackYears)
	h, err := refdata.V02History()
	require.NoError(t, err)
	ref := run.ReferenceDate
	rows := *Incidents.Rows(b)

	// slotOf is the look-back year (0 = the last) a date falls in.
	slotOf := func(d model.Date) int {
		for y := range DefaultLookbackYears {
			if d >= ref.AddYears(-y-1) {
				return y
			}
		}
		return -1
	}
	bandOf := func(age int) int {
		for i, bd := range bands {
			if age >= bd.from && age <= bd.to {
				return i
			}
		}
		return -1
	}
	ageIn := func(p *model.Person, y int) int {
		start, end := ref.AddYears(-y-1), ref.AddYears(-y)-1
		return model.YearsBetween(p.DateOfBirth, start+(end-start)/2)
	}
	ex := make([]exposure, len(bands))
	var driverYears, vehicleYears, comp, paidAtFault, dui, allRows float64
	sexYears, sexDUI := map[string]float64{}, map[string]float64{}
	vehiclesDriven := map[string]int{}
	for _, v := range b.Vehicles {
		vehiclesDriven[v.PrimaryDriverPersonID]++
	}
	j := 0
	for i := range b.Persons {
		p := &b.Persons[i]
		if p.LicenseType == "unlicensed" {
			continue // no driving history, no exposure
		}
		for y := range DefaultLookbackYears {
			start, end := ref.AddYears(-y-1), ref.AddYears(-y)-1
			from := max(start, p.FirstLicensedDate+1)
			if from > end {
				break
			}
			e := float64(end-from+1) / float64(end-start+1)
			driverYears += e
			vehicleYears += e * float64(vehiclesDriven[p.PersonID])
			if p.Gender != "X" {
				sexYears[p.Gender] += e
			}
			if k := bandOf(ageIn(p, y)); k >= 0 {
				ex[k].years += e
			}
		}
		for ; j < len(rows) && rows[j].PersonID == p.PersonID; j++ {
			r := &rows[j]
			allRows++
			var e exposure // counts of this incident, added to its band
			switch {
			case r.Category == "accident":
				e.crash++
				if r.IncidentType == "at_fault_accident" {
					e.atFault++
					if r.PaidAmount > 0 {
						paidAtFault++
					}
				}
			case r.Category == "claim":
				comp++
				e.comp++
			default:
				e.violations++
				if r.IncidentType == "dui" {
					dui++
					e.dui++
					sexDUI[p.Gender]++
				}
			}
			if k := bandOf(ageIn(p, slotOf(r.IncidentDate))); k >= 0 {
				x := &ex[k]
				x.all++
				x.crash += e.crash
				x.atFault += e.atFault
				x.comp += e.comp
				x.violations += e.violations
				x.dui += e.dui
			}
		}
	}
	require.Equal(t, len(rows), j, "every incident's person was found, in order")

	police := func(bd band) float64 { // exposure-free mean of the source over the band's ages
		s := 0.0
		for a := bd.from; a <= min(bd.to, 95); a++ {
			s += h.CrashPoliceReported[a]
		}
		return s / float64(min(bd.to, 95)-bd.from+1)
	}
	all := func(bd band) float64 {
		s := 0.0
		for a := bd.from; a <= min(bd.to, 95); a++ {
			s += h.CrashAll[a]
		}
		return s / float64(min(bd.to, 95)-bd.from+1)
	}
	duiSrc := func(bd band) float64 {
		s := 0.0
		for a := bd.from; a <= min(bd.to, 95); a++ {
			s += h.DUI[refdata.AllSexes][a]
		}
		return 1000 * s / float64(min(bd.to, 95)-bd.from+1)
	}
	t.Logf("persons %d, incidents %d, driver-years %.0f, vehicle-years %.0f", len(b.Persons), len(rows), driverYears, vehicleYears)
	t.Logf("%-6s %9s %8s %8s %10s %10s %8s %8s %8s", "age", "drv-yrs", "all/yr", "crash/yr", "police src", "allcr src", "viol/yr", "dui/1000", "dui src")
	for i, bd := range bands {
		e := ex[i]
		t.Logf("%-6s %9.0f %8.4f %8.4f %10.4f %10.4f %8.4f %8.2f %8.2f", bd.name, e.years, e.all/e.years, e.crash/e.years, police(bd), all(bd), e.violations/e.years, 1000*e.dui/e.years, duiSrc(bd))
		// Accidents follow the police-reported source within sampling error
		// (bands hold 4k-70k driver-years; allow 20 %).
		require.InDelta(t, police(bd), e.crash/e.years, 0.20*police(bd), bd.name)
		// DUIs within 25 % or 3 binomial standard errors, whichever is
		// larger (75+ holds some 20 DUIs).
		src, se := duiSrc(bd), 1000*math.Sqrt(e.dui)/e.years
		require.InDelta(t, src, 1000*e.dui/e.years, max(0.25*src, 3*se), "DUI per 1000 driver-years at %s", bd.name)
	}
	// The young have the most incidents, the 45-54s fewer than 25-34s.
	require.Greater(t, ex[0].all/ex[0].years, 1.5*ex[1].all/ex[1].years)
	require.Greater(t, ex[1].all/ex[1].years, ex[2].all/ex[2].years)

	duiShare := dui / allRows
	t.Logf("DUI: %.4f of incidents, %.2f per 1000 driver-years; male %.2f, female %.2f per 1000",
		duiShare, 1000*dui/driverYears, 1000*sexDUI["M"]/sexYears["M"], 1000*sexDUI["F"]/sexYears["F"])
	require.Greater(t, sexDUI["M"]/sexYears["M"], 2*sexDUI["F"]/sexYears["F"], "men 2-4 times women, as the source")

	compPer100 := 100 * comp / vehicleYears
	pdPer100 := 100 * paidAtFault / vehicleYears
	c, _ := h.Claim("comprehensive", 2023)
	pd, _ := h.Claim("property_damage_liability", 2023)
	t.Logf("claims per 100 vehicle-years: comprehensive %.2f (ISO 2023 %.2f); paid at-fault accidents %.2f (ISO PD liability %.2f)", compPer100, c.FrequencyPer100, pdPer100, pd.FrequencyPer100)
	require.InDelta(t, c.FrequencyPer100, compPer100, 0.10*c.FrequencyPer100)

	var compPaid, compN, afPaid, afN float64
	for _, r := range rows {
		switch {
		case r.Category == "claim":
			compPaid += float64(r.PaidAmount)
			compN++
		case r.PaidAmount > 0:
			afPaid += float64(r.PaidAmount)
			afN++
		}
	}
	t.Logf("mean paid: comprehensive $%.0f (ISO 2023 $%.0f), at-fault accidents $%.0f (ISO PD $%.0f)", compPaid/compN, c.SeverityUSD, afPaid/afN, pd.SeverityUSD)
	require.InDelta(t, c.SeverityUSD, compPaid/compN, 0.15*c.SeverityUSD)
	require.InDelta(t, pd.SeverityUSD, afPaid/afN, 0.10*pd.SeverityUSD)

	var filings, statuses = map[string]int{}, map[string]int{}
	var lapses, noHitYoung, young, full int
	for i := range b.Persons {
		p := &b.Persons[i]
		filings[p.FinancialFiling]++
		if p.LicenseType == "full" {
			full++
			statuses[p.LicenseStatus]++
		}
		if p.CoverageLapseDays > 0 {
			lapses++
		}
		if model.YearsBetween(p.DateOfBirth, ref) <= 20 {
			young++
			if p.CreditTier == "no_hit" {
				noHitYoung++
			}
		}
	}
	n := float64(len(b.Persons))
	t.Logf("filings: SR-22 %.2f %%, FR-44 %.3f %%, none %.2f %%; lapse %.2f %%; no_hit at 16-20 %.1f %%",
		100*float64(filings["SR-22"])/n, 100*float64(filings["FR-44"])/n, 100*float64(filings["none"])/n, 100*float64(lapses)/n, 100*float64(noHitYoung)/float64(young))
	t.Logf("full licences: suspended %.2f %%, revoked %.2f %%, expired %.2f %%",
		100*float64(statuses["suspended"])/float64(full), 100*float64(statuses["revoked"])/float64(full), 100*float64(statuses["expired"])/float64(full))
	require.Positive(t, filings["FR-44"])
	require.InDelta(t, 0.04, float64(lapses)/n, 0.01)
}
