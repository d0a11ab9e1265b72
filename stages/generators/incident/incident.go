// Package incident makes each person's driving history (contract v0.2): one
// row of the incidents entity per violation, accident or comprehensive
// claim within a look-back window (lookback_years, default 5) before the
// reference date, ordered by person then date, and from that history the
// person's underwriting columns (prior_insurance_months,
// coverage_lapse_days, financial_filing, credit_tier).
//
// # Frequencies
//
// A person is exposed from the later of the window's start and their
// first_licensed_date to the day before the reference date, year by year
// back from it; each year uses the rates of the person's age in that year.
// Counts are Poisson draws per year and kind (at most 8 of a kind a year).
//
//   - Accidents: police-reported crash involvements per licensed driver by
//     age, 1995 (auto/driver_incident_rates_by_age.csv; 16-19 0.162,
//     25-29 0.076, 45-49 0.049, 75-79 0.037 a year), the only complete
//     police-reported table by age (history/SOURCES.md §2). The share at
//     fault is ASSUMED (no source): 0.60 at 16-24 and 75+, 0.45 at 25-64,
//     0.50 at 65-74. An at-fault accident has a paid claim with
//     probability 0.80 (ASSUMED).
//   - DUI: FBI UCR 2016 DUI arrests per licensed driver by age and sex
//     (history/dui_arrests_by_age.csv; gender X takes the both-sexes row;
//     under 18, absent from the source, takes age 18's rate).
//   - Speeding and other moving violations: no source gives citation rates
//     by age (SOURCES.md, Missing), so the level is ASSUMED: 0.060 speeding
//     and 0.030 other moving violations per driver-year at 25-34. Both
//     follow the police-reported crash rate's shape by age; speeding is
//     multiplied by sex after the NSC 2019 speeding shares
//     (history/violation_index_by_age.csv, 16-44; 45+ take 35-44's ratio).
//     Speeding bands 1-10 / 11-20 / 21+ mph over: 45 / 45 / 10 % (ASSUMED);
//     other violations reckless / distracted / other_moving: 10 / 30 / 60 %
//     (ASSUMED).
//   - Comprehensive claims: ISO 2023 (edition 2014-2023) 4.06 per 100
//     vehicle-years for each household vehicle the person is the primary
//     driver of (history/claim_frequency_severity.csv). Whole-vehicle
//     theft is HLDI's 0.27 per 1,000 vehicle-years (0.67 % of claims);
//     the other causes are ASSUMED: weather 30 %, glass 30 %, vandalism
//     (with partial theft) 22 %, animal 17.33 %, ordered as Farmers' 2013-14
//     ranking (hail first, vandalism/partial theft second, animal third).
//
// # Suspension causes
//
// The person stage draws suspended and revoked licences; an underwriter
// expects the history to show why. When the history drawn holds no cause
// (a DUI or reckless driving in the look-back, or points reaching
// California's negligent-operator threshold, VC 12810.5: 4 in the last 12
// months, 6 in 24, 8 in 36), one is added before the history is counted,
// so the filing, tags and rating follow it: a DUI, reckless driving or —
// for a suspension only — 1-point speeding tickets up to 4 points in the
// last 12 months, drawn in proportion to the person's own yearly rates of
// each (ASSUMED: the offence they commit most often), dated within the
// look-back, after the first licence and the current card's issue.
//
// # Amounts
//
// Paid amounts are lognormal with σ = 1.0 (ASSUMED) around the documented
// mean, rounded to dollars, at most 1,000,000: comprehensive $2,306 (ISO
// 2023) overall, with theft at HLDI's $30,164 and the other causes at
// $2,120 so the mix keeps ISO's mean; at-fault accidents at ISO 2023
// property-damage liability severity, $6,551.
//
// # Points
//
// California's schedule (VC 12810, history/violation_points.csv): 2 for
// DUI and reckless driving, 1 for other moving violations and at-fault
// (responsible) collisions, 0 for not-at-fault accidents and claims. The
// speed bands do not reach CA's 100 mph 2-point row, so all speeding is 1.
//
// # Underwriting columns
//
//   - financial_filing: FR-44 for a DUI dated in the 3 years before the
//     reference date in FL or VA (history/financial_responsibility.csv),
//     SR-22 for such a DUI elsewhere or a suspended or revoked licence,
//     none otherwise. With lookback_years under 3 only DUIs in the window
//     count.
//   - coverage_lapse_days: 4 % of persons, 15 % of those with a filing
//     (ASSUMED), had a lapse of 7-120 days ending in the last 12 months
//     (and after first licence); prior_insurance_months then counts whole
//     months from the lapse's end.
//   - prior_insurance_months otherwise: 70 % (ASSUMED) insured since first
//     licensed (so young drivers are short), the rest since a day drawn
//     between first licence and 12 months before the reference date.
//   - credit_tier: ASSUMED shares by age (no source in refdata), in
//     per-mille excellent/good/fair/poor/no_hit: 16-20 50/200/200/100/450,
//     21-24 100/300/300/150/150, 25-34 200/350/250/150/50, 35-54
//     300/350/200/120/30, 55+ 450/300/150/80/20.
//
// Every value draws from its own column's stream keyed by the person's
// index, or by (person index, incident sequence) for an incident's own
// columns, so a new column moves no other.
package incident

import (
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"math"
	"slices"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
	"github.com/synthpipe/synthpipe/internal/domain/stream"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/pipeline"
)

// example is the YAML fragment the config reference shows (a test loads it).
//
//go:embed example.yaml
var example string

// Type is the registered type name.
const Type = "incident"

const fieldLookback = "lookback_years"

// Look-back window limits, in years.
const (
	DefaultLookbackYears = 5
	MaxLookbackYears     = 10
	// FilingYears: a DUI this recent requires an SR-22 or FR-44.
	FilingYears = 3
)

func init() {
	component.RegisterStage(pipeline.Spec{
		Type:     Type,
		Needs:    []string{model.Persons, model.Vehicles},
		Provides: []string{Name},
		Summary:  "Makes each person's violations, accidents and comprehensive claims in a look-back window, and their prior insurance, lapse, SR-22/FR-44 filing and credit tier.",
		Example:  example,
		Fields: []pipeline.Field{
			{Name: fieldLookback, Type: pipeline.TypeInt, Description: "Years of history before the reference date.", Default: int64(DefaultLookbackYears), Min: 1, Max: MaxLookbackYears},
		},
	}, func(c pipeline.Conf, env *component.Env) (component.Stage, error) {
		return New(env.Shared, int(c.Int(fieldLookback)))
	})
	component.RegisterRunSetting(Type, func(c pipeline.Conf, run *model.Run) { run.LookbackYears = int(c.Int(fieldLookback)) })
}

// Stream kinds of the incident stage's columns.
const (
	personKind   stream.Entity = 0x496e635065727321 // "IncPers!"
	incidentKind stream.Entity = 0x496e636964656e74 // "Incident"
)

// Person-keyed columns.
const (
	cEvents = iota
	cEventDates
	cPrior
	cLapse
	cCredit
	cCause
)

var personColumns = []string{"events", "event_dates", "prior_insurance_months", "coverage_lapse_days", "credit_tier", "suspension_cause"}

// Incident-keyed columns (index: person index × 128 + sequence).
const (
	cType = iota
	cVehicle
	cPaid
)

var incidentColumns = []string{"incident_type", "vehicle_id", "paid_amount"}

// Assumed figures (see the package doc).
const (
	speedingAt25to34  = 0.060
	otherAt25to34     = 0.030
	atFaultClaimShare = 0.80
	lognormalSigma    = 1.0
	lapseShare        = 0.04
	lapseShareFiling  = 0.15
	continuousShare   = 0.70
	maxPerYear        = 8
)

// Comprehensive causes: per-mille of claims (theft from HLDI, the rest
// assumed) — the theft share is computed in New from the tables.
var compCauses = typedOf("comprehensive_weather", "comprehensive_glass", "comprehensive_vandalism", "comprehensive_animal")
var compCauseShares = []float64{0.30, 0.30, 0.22, 0.1733}

var speedTypes = typedOf("speeding_1_10", "speeding_11_20", "speeding_21_plus")
var speedShares = []float64{0.45, 0.45, 0.10}
var otherTypes = typedOf("reckless", "distracted", "other_moving")
var otherShares = []float64{recklessShare, 0.30, 0.60}

// The types no mix draws.
var (
	duiType        = typedAs("dui")
	recklessType   = typedAs("reckless")
	atFaultType    = typedAs("at_fault_accident")
	notAtFaultType = typedAs("not_at_fault_accident")
	theftType      = typedAs("comprehensive_theft")
)

// typed is an incident type with its kind, looked up in kinds once, not
// for every incident.
type typed struct {
	name string
	kind
}

func typedAs(name string) typed { return typed{name, kinds[name]} }

func typedOf(names ...string) []typed {
	t := make([]typed, len(names))
	for i, n := range names {
		t[i] = typedAs(n)
	}
	return t
}

// recklessShare of other violations are reckless driving (a suspension's
// cause weighs it too).
const recklessShare = 0.10

// creditMix: per-mille excellent, good, fair, poor, no_hit by age band.
var creditMix = []struct {
	to    int
	share [5]int
}{
	{20, [5]int{50, 200, 200, 100, 450}},
	{24, [5]int{100, 300, 300, 150, 150}},
	{34, [5]int{200, 350, 250, 150, 50}},
	{54, [5]int{300, 350, 200, 120, 30}},
	{200, [5]int{450, 300, 150, 80, 20}},
}

// Event groups, in the order they are drawn each year.
const (
	gDUI = iota
	gSpeeding
	gOther
	gAtFault
	gNotAtFault
	gComp
	gReckless // a suspension's added cause: reckless, not drawn from gOther's mix
)

// Stage makes incidents. One per worker: it keeps reusable streams.
type Stage struct {
	run       *model.Run
	fr44      []string // states that require an FR-44 (two: a list beats a map)
	per, inc  *stream.Columns
	rates     [3][refdata.MaxHistoryAge + 1]groupRates // by sex and year of age
	compRate  float64                                  // per vehicle-year
	theft     float64                                  // share of comprehensive claims
	compMean  float64                                  // mean paid of non-theft comprehensive claims
	theftMean float64
	pdMean    float64
	events    []event
	exps      expNeg
	years     []lookbackYear // the look-back window's years, the last first
}

// groupRates are the rates of the event groups before gComp per
// driver-year, and their exp(-rate): a whole year's Poisson draw needs it.
type groupRates struct {
	rate, exp [gComp]float64
	// dui is the source's DUI rate: rate[gDUI] less the DUIs given as
	// causes to suspensions and revocations (duiAsCause), which dui weighs.
	dui float64
}

// lookbackYear is one year of the look-back window: its first and last
// days and its middle's calendar fields (a person's age that year is their
// age on it).
type lookbackYear struct {
	start, end model.Date
	mid        model.CivilDate
}

// expNeg memoises math.Exp(-lambda) by lambda, direct-mapped, for the
// draws whose rate is not a whole year's of an age (groupRates): a vehicle's
// claims and part years, whose rates repeat across persons too (Exp was a
// third of the stage).
type expNeg [1 << expNegBits]struct{ lambda, exp float64 }

const expNegBits = 12

func (c *expNeg) of(lambda float64) float64 {
	e := &c[math.Float64bits(lambda)*0x9e3779b97f4a7c15>>(64-expNegBits)]
	// exp is 0 in an empty entry (and for a lambda past 745, never kept).
	if e.lambda != lambda || e.exp == 0 {
		e.lambda, e.exp = lambda, math.Exp(-lambda)
	}
	return e.exp
}

type event struct {
	date    model.Date
	group   int
	vehicle int // index into the person's driven vehicles (comprehensive)
}

// New returns an incident stage over a look-back of lookbackYears.
func New(run *model.Run, lookbackYears int) (*Stage, error) {
	if lookbackYears < 1 || lookbackYears > MaxLookbackYears {
		return nil, fmt.Errorf("incident: %s %d: want 1 to %d", fieldLookback, lookbackYears, MaxLookbackYears)
	}
	h, err := refdata.V02History()
	if err != nil {
		return nil, err
	}
	s := &Stage{run: run, fr44: h.FR44States,
		per: stream.NewColumns(run.Seed, personKind, personColumns...),
		inc: stream.NewColumns(run.Seed, incidentKind, incidentColumns...)}
	for y := range lookbackYears {
		end := run.ReferenceDate.AddYears(-y) - 1 // last day of the year, before the reference date
		start := run.ReferenceDate.AddYears(-y - 1)
		s.years = append(s.years, lookbackYear{start: start, end: end, mid: (start + (end-start)/2).CivilDate()})
	}
	if err = checkSchedule(h); err != nil { // so kinds' points are the schedule's
		return nil, err
	}
	year := h.LatestClaimYear()
	comp, ok1 := h.Claim("comprehensive", year)
	pd, ok2 := h.Claim("property_damage_liability", year)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("incident: no comprehensive or property damage figures for %d", year)
	}
	s.compRate = comp.FrequencyPer100 / 100
	s.theft = h.TheftFrequencyPerVehicleYear / s.compRate
	s.theftMean = h.TheftSeverityUSD
	s.compMean = (comp.SeverityUSD - s.theft*h.TheftSeverityUSD) / (1 - s.theft)
	s.pdMean = pd.SeverityUSD
	if s.theft >= 1 || s.compMean <= 0 {
		return nil, fmt.Errorf("incident: theft frequency %.5f and severity %.0f do not fit comprehensive %.4f and %.0f", h.TheftFrequencyPerVehicleYear, h.TheftSeverityUSD, s.compRate, comp.SeverityUSD)
	}

	// The crash rate's shape by age, relative to 25-34.
	ref := 0.0
	for a := 25; a <= 34; a++ {
		ref += h.CrashPoliceReported[a] / 10
	}
	for a := 0; a <= refdata.MaxHistoryAge; a++ {
		crash := h.CrashPoliceReported[a]
		shape := crash / ref
		share := 0.45
		switch {
		case a < 25 || a >= 75:
			share = 0.60
		case a >= 65:
			share = 0.50
		}
		sa := min(max(a, 16), 44)
		f, m := h.Speeding[refdata.Female][sa], h.Speeding[refdata.Male][sa]
		if f <= 0 || m <= 0 {
			return nil, fmt.Errorf("incident: no speeding share at age %d", sa)
		}
		var speeding [3]float64
		speeding[refdata.Female] = speedingAt25to34 * shape * f / ((f + m) / 2)
		speeding[refdata.Male] = speedingAt25to34 * shape * m / ((f + m) / 2)
		speeding[refdata.AllSexes] = speedingAt25to34 * shape
		for sex := range 3 {
			r := &s.rates[sex][a]
			r.rate = [gComp]float64{gDUI: h.DUI[sex][a], gSpeeding: speeding[sex], gOther: otherAt25to34 * shape,
				gAtFault: crash * share, gNotAtFault: crash * (1 - share)}
			r.dui = r.rate[gDUI]
			if !run.AllValidLicenses {
				r.rate[gDUI] = max(0, r.dui-r.duiAsCause())
			}
			for g, rate := range r.rate {
				r.exp[g] = math.Exp(-rate)
			}
		}
	}
	return s, nil
}

// checkSchedule checks that each type's points in kinds (the rule's table)
// are the California schedule's.
func checkSchedule(h *refdata.History) error {
	for _, t := range Types {
		var p int32
		if row, ok := caSchedule[t]; ok {
			v, ok := h.PointsOf("CA", row)
			if !ok {
				return fmt.Errorf("incident: California schedule has no row %q", row)
			}
			p = int32(v)
		}
		if p != kinds[t].points {
			return fmt.Errorf("incident: %s has %d points in the California schedule, %d in the rule", t, p, kinds[t].points)
		}
	}
	return nil
}

// Process appends the incidents of every person of the batch and fills
// their underwriting columns; persons and vehicles must be made.
func (s *Stage) Process(_ context.Context, b *component.Batch) error {
	mb := b.Payload
	if len(mb.Persons) != mb.PersonCount() {
		return fmt.Errorf("incident: batch %d has %d persons for %d planned: run the person stage first", b.Seq, len(mb.Persons), mb.PersonCount())
	}
	if len(mb.Households) == 0 {
		return nil
	}
	rows := Incidents.Rows(mb)
	p0, v0 := mb.Households[0].FirstPerson, mb.Households[0].FirstVehicle
	for i := range mb.Households {
		h := &mb.Households[i]
		lo, hi := h.FirstVehicle-v0, h.FirstVehicle-v0+int64(h.Vehicles)
		if lo < 0 || hi > int64(len(mb.Vehicles)) {
			return fmt.Errorf("incident: batch %d: household %s plans vehicles the batch does not hold: run the vehicle stage first", b.Seq, ident.ID("HH-", h.Index))
		}
		vehicles := mb.Vehicles[lo:hi]
		for k := range h.Size {
			idx := h.FirstPerson + int64(k)
			p := &mb.Persons[idx-p0]
			first := len(*rows)
			if err := s.person(idx, p, vehicles, rows); err != nil {
				return fmt.Errorf("incident: batch %d: %w", b.Seq, err)
			}
			// The person's history, for the profile stage to rate.
			var hist model.History
			for j := first; j < len(*rows); j++ {
				Add(&hist, &(*rows)[j])
			}
			mb.Histories = append(mb.Histories, hist)
		}
	}
	return nil
}

func sexOf(gender string) int {
	switch gender {
	case "F":
		return refdata.Female
	case "M":
		return refdata.Male
	}
	return refdata.AllSexes
}

// poisson is the count with mean lambda that uniform u draws by
// inversion, at most maxPerYear: every count, 0 included, takes one
// uniform. expMinus is exp(-lambda), which callers keep.
func poisson(u, lambda, expMinus float64) int {
	if lambda <= 0 {
		return 0
	}
	p := expMinus
	cdf, k := p, 0
	for k < maxPerYear && u > cdf {
		k++
		p *= lambda / float64(k)
		cdf += p
	}
	return k
}

// lognormal draws a whole-dollar amount with the given mean, 1 to MaxPaidUSD.
func lognormal(r *stream.Stream, mean float64) int32 {
	mu := math.Log(mean) - lognormalSigma*lognormalSigma/2
	v := math.Round(math.Exp(mu + lognormalSigma*r.NormFloat64()))
	return int32(min(max(v, 1), MaxPaidUSD))
}

// pickShare draws an index into shares by them (the last for what the
// shares leave).
func pickShare(r *stream.Stream, shares []float64) int {
	u := r.Float64()
	for i, sh := range shares {
		if u < sh {
			return i
		}
		u -= sh
	}
	return len(shares) - 1
}

// drivenVehicles are the household vehicles a person is the primary driver
// of (indexes into the household's) and the first day each is on the road.
type drivenVehicles struct {
	idx    [model.MaxHouseholdVehicles]int
	onRoad [model.MaxHouseholdVehicles]model.Date
	n      int
}

// person draws one person's incidents and underwriting columns.
func (s *Stage) person(idx int64, p *model.Person, hhVehicles []model.Vehicle, rows *[]Incident) error {
	ref := s.run.ReferenceDate
	c := s.per
	c.At(uint64(idx))
	var driven drivenVehicles
	for j := range hhVehicles {
		if hhVehicles[j].PrimaryDriverPersonID == p.PersonID && driven.n < len(driven.idx) {
			driven.idx[driven.n] = j
			driven.onRoad[driven.n] = OnRoadFrom(&hhVehicles[j])
			driven.n++
		}
	}
	sex := sexOf(p.Gender)
	dob := p.DateOfBirth.CivilDate()

	// Year by year back from the reference date. The unlicensed have no
	// driving history here (their first_licensed_date is null).
	s.events = s.events[:0]
	er, dr := c.Of(cEvents), c.Of(cEventDates)
	years := s.years
	if p.LicenseType == "unlicensed" {
		years = nil
	}
	for _, yr := range years {
		end, start := yr.end, yr.start
		from := max(start, p.FirstLicensedDate+1)
		if from > end {
			break // licensed after this year: none earlier either
		}
		exposure := float64(end-from+1) / float64(end-start+1)
		rates := &s.rates[sex][ageIn(dob, yr)]
		for g := range rates.rate { // by index: ranging over the values copies them
			lambda, expMinus := rates.rate[g], rates.exp[g] // a whole year: exposure is 1
			if from != start {
				lambda *= exposure
				expMinus = s.exps.of(lambda)
			}
			for range poisson(er.Float64(), lambda, expMinus) {
				s.events = append(s.events, event{date: from + model.Date(dr.IntN(int(end-from)+1)), group: g})
			}
		}
		// A vehicle is exposed from 1 January of the year before its model
		// year (when it can first be sold).
		for v := range driven.n {
			fromV := max(from, driven.onRoad[v])
			if fromV > end {
				continue
			}
			lambda := s.compRate * float64(end-fromV+1) / float64(end-start+1)
			for range poisson(er.Float64(), lambda, s.exps.of(lambda)) {
				s.events = append(s.events, event{date: fromV + model.Date(dr.IntN(int(end-fromV)+1)), group: gComp, vehicle: v})
			}
		}
	}
	s.sortEvents()
	first := len(*rows)
	recentDUI := s.emit(idx, p, hhVehicles, &driven, rows)
	// A suspended or revoked licence whose drawn history holds no cause gets
	// one; its rows are made again, as their sequences (and so the draws of
	// their own columns) follow the added events.
	if p.Suspended() && !HasSuspensionCause((*rows)[first:], ref, s.windowStart()) {
		s.addCause(c.Of(cCause), p, (*rows)[first:], &s.rates[sex][ageIn(dob, s.years[0])])
		s.sortEvents()
		*rows = (*rows)[:first]
		recentDUI = s.emit(idx, p, hhVehicles, &driven, rows)
	}

	// Underwriting.
	p.FinancialFiling = filing(recentDUI, p.Suspended(), slices.Contains(s.fr44, p.State))
	p.CreditTier = s.creditTier(c.Of(cCredit), dob.YearsUntil(ref))
	if p.LicenseType == "unlicensed" { // never insured as a driver
		p.CoverageLapseDays, p.PriorInsuranceMonths = 0, 0
		return nil
	}
	licensed := monthsBetween(p.FirstLicensedDate, ref)
	share := lapseShare
	if p.FinancialFiling != "none" {
		share = lapseShareFiling
	}
	p.CoverageLapseDays, p.PriorInsuranceMonths = 0, int32(licensed)
	lr := c.Of(cLapse)
	if lr.Chance(share) {
		days := lr.Between(7, 120)
		earliestStart := max(ref.AddYears(-1), p.FirstLicensedDate+1)
		latestEnd := ref - 1
		if firstEnd := earliestStart + model.Date(days); firstEnd <= latestEnd {
			lapseEnd := firstEnd + model.Date(lr.IntN(int(latestEnd-firstEnd)+1))
			p.CoverageLapseDays = int32(days)
			p.PriorInsuranceMonths = int32(monthsBetween(lapseEnd, ref))
		}
	}
	if pr := c.Of(cPrior); p.CoverageLapseDays == 0 && licensed > 12 && !pr.Chance(continuousShare) {
		p.PriorInsuranceMonths = int32(12 + pr.IntN(licensed-12+1))
	}
	return nil
}

// ageIn is a person's age in a look-back year, as the rates index it.
func ageIn(dob model.CivilDate, yr lookbackYear) int {
	return min(max(dob.YearsTo(yr.mid), 0), refdata.MaxHistoryAge)
}

// windowStart is the first day of the look-back window.
func (s *Stage) windowStart() model.Date { return s.years[len(s.years)-1].start }

// sortEvents orders the person's events by date, and keeps at most
// entity.MaxPerParent.
func (s *Stage) sortEvents() {
	slices.SortStableFunc(s.events, func(a, b event) int {
		return cmp.Or(cmp.Compare(a.date, b.date), cmp.Compare(a.group, b.group), cmp.Compare(a.vehicle, b.vehicle))
	})
	if len(s.events) > entity.MaxPerParent {
		s.events = s.events[:entity.MaxPerParent] // out of reach of the rates: a bound, not a case
	}
}

// emit appends the person's rows of s.events, in order, and reports
// whether one is a DUI in the FilingYears before the reference date.
func (s *Stage) emit(idx int64, p *model.Person, hhVehicles []model.Vehicle, driven *drivenVehicles, rows *[]Incident) (recentDUI bool) {
	ref := s.run.ReferenceDate
	for i, e := range s.events {
		seq := i + 1
		s.inc.At(uint64(idx)*128 + uint64(seq))
		row := Incident{
			IncidentID:   entity.PerParentID(IDPrefix, idx, seq),
			PersonID:     p.PersonID,
			HouseholdID:  p.HouseholdID,
			IncidentDate: e.date,
		}
		tr := s.inc.Of(cType)
		var t typed
		switch e.group {
		case gDUI:
			t = duiType
			recentDUI = recentDUI || e.date >= ref.AddYears(-FilingYears)
		case gSpeeding:
			t = speedTypes[pickShare(tr, speedShares)]
		case gOther:
			t = otherTypes[pickShare(tr, otherShares)]
		case gReckless:
			t = recklessType
		case gAtFault:
			t = atFaultType
		case gNotAtFault:
			t = notAtFaultType
		case gComp:
			if tr.Chance(s.theft) {
				t = theftType
			} else {
				t = compCauses[pickShare(tr, compCauseShares)]
			}
			row.VehicleID = hhVehicles[driven.idx[e.vehicle]].VehicleID
		}
		k := t.kind
		row.IncidentType = t.name
		row.Category, row.Points, row.AtFault = k.category, k.points, atFaultText(k.atFault)
		if k.category == "accident" {
			// One of the person's vehicles on the road that day, if any.
			var usable [model.MaxHouseholdVehicles]int
			n := 0
			for v := range driven.n {
				if driven.onRoad[v] <= e.date {
					usable[n] = driven.idx[v]
					n++
				}
			}
			if n > 0 {
				row.VehicleID = hhVehicles[usable[s.inc.Of(cVehicle).IntN(n)]].VehicleID
			}
		}
		pr := s.inc.Of(cPaid)
		switch {
		case row.IncidentType == "comprehensive_theft":
			row.PaidAmount = lognormal(pr, s.theftMean)
		case k.category == "claim":
			row.PaidAmount = lognormal(pr, s.compMean)
		case row.IncidentType == "at_fault_accident" && pr.Chance(atFaultClaimShare):
			row.PaidAmount = lognormal(pr, s.pdMean)
		}
		*rows = append(*rows, row)
	}
	return recentDUI
}

// filing is the SR-22/FR-44 a person's history requires.
func filing(recentDUI, suspended, fr44State bool) string {
	switch {
	case recentDUI && fr44State:
		return "FR-44"
	case recentDUI, suspended:
		return "SR-22"
	}
	return "none"
}

func (s *Stage) creditTier(r *stream.Stream, age int) string {
	// By index and pointer: ranging over the values copies each row.
	mix := &creditMix[len(creditMix)-1].share
	for i := range creditMix {
		if age <= creditMix[i].to {
			mix = &creditMix[i].share
			break
		}
	}
	u := r.IntN(1000)
	for i := range mix {
		if u < mix[i] {
			return model.CreditTiers[i]
		}
		u -= mix[i]
	}
	return model.CreditTiers[len(model.CreditTiers)-1]
}

// monthsBetween is the whole months from a to b (0 if b is not later).
func monthsBetween(a, b model.Date) int {
	if b <= a {
		return 0
	}
	ya, ma, da := a.Civil()
	yb, mb, db := b.Civil()
	n := (yb-ya)*12 + mb - ma
	if db < da {
		n--
	}
	return max(n, 0)
}

// OnRoadFrom is the first day a vehicle can be on the road: 1 January of
// the year before its model year, when a model year goes on sale.
func OnRoadFrom(v *model.Vehicle) model.Date { return model.DateOf(int(v.ModelYear)-1, 1, 1) }
