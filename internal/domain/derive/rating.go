package derive

import (
	"math"
	"strconv"
	"sync/atomic"

	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// Risk v2 is a multiplicative rating, as personal-auto rating plans are
// built: a base score times one relativity per factor,
//
//	score = clamp(round(Base × age × experience × licence × history ×
//	        mileage × vehicle × use × territory × credit × insurance ×
//	        filing × multi-vehicle), 1, 1000)
//
// The relativities are synthpipe's own, set in the ratios public rating
// studies report (young and elderly drivers, incidents, credit tiers), not
// any insurer's filed rates; docs/data-dictionary.md lists them. Every
// factor other than 1 is written into rating_factors as name=value, so a
// test can see why a score is what it is.
const Base = 250.0

// Tier cut points: low below 300, medium below 600, high from 600.
const (
	MediumFrom = 300
	HighFrom   = 600
)

// HighMileage is the annual mileage, over all the vehicles a person is
// the primary driver of, from which the top mileage factor applies (and
// the high_mileage tag).
const HighMileage = 20000

// Inputs are what the rating reads.
type Inputs struct {
	Age, YearsLicensed int
	RefYear            int
	Person             *model.Person
	Driven             driven
	Household          int // vehicles of the household
	History            History
}

// Rating is a score and the factors that made it.
type Rating struct {
	Score   int
	Factors []string
}

// relativity is a factor's value and its rating_factors text, formatted
// once: every profile lists its factors, twice a run (made and checked).
type relativity struct {
	f    float64
	text string
}

func rel(name factor, f float64) relativity {
	return relativity{f, factorNames[name] + "=" + strconv.FormatFloat(f, 'f', -1, 64)}
}

// bands are a factor's relativities by bands of a value: the first band
// whose upper bound the value is below, else the last.
type bands struct {
	uppers []int
	rels   []relativity
}

func newBands(name factor, uppers []int, fs []float64) bands {
	b := bands{uppers: uppers}
	for _, f := range fs {
		b.rels = append(b.rels, rel(name, f))
	}
	return b
}

func (b *bands) of(x int) relativity {
	for i, u := range b.uppers {
		if x < u {
			return b.rels[i]
		}
	}
	return b.rels[len(b.rels)-1]
}

// The relativities of each factor.
var (
	// Age: crash involvement per licensed driver falls threefold from the
	// teens to mid-life and rises again past 70 (auto/driver_incident_rates_by_age.csv).
	ageRel        = newBands(factorAge, []int{18, 21, 25, 30, 65, 70, 75, 80}, []float64{2.60, 2.10, 1.55, 1.20, 1.00, 1.05, 1.15, 1.30, 1.50})
	experienceRel = newBands(factorExperience, []int{1, 3, 6}, []float64{1.30, 1.15, 1.05, 1.00})
	expiredRel    = rel(factorLicense, 1.20)
	suspendedRel  = rel(factorLicense, 1.60)
	revokedRel    = rel(factorLicense, 2.00)
	noVehicleRel  = rel(factorMileage, 0.85)
	mileageRel    = newBands(factorMileage, []int{7500, 15000, HighMileage}, []float64{0.90, 1.00, 1.08, 1.18})
	sportyRel     = rel(factorBody, 1.15)
	pickupRel     = rel(factorBody, 0.95)
	suvRel        = rel(factorBody, 0.97)
	vanRel        = rel(factorBody, 0.92)
	electricRel   = rel(factorFuel, 1.05)
	oldVehicleRel = rel(factorVehicleAge, 0.90)
	rideshareRel  = rel(factorUse, 1.20)
	ruralRel      = rel(factorTerritory, 0.90)
	urbanRel      = rel(factorTerritory, 1.10)
	excellentRel  = rel(factorCredit, 0.80)
	goodRel       = rel(factorCredit, 0.92)
	fairRel       = rel(factorCredit, 1.05)
	poorRel       = rel(factorCredit, 1.35)
	noHitRel      = rel(factorCredit, 1.10)
	lapseRel      = rel(factorInsurance, 1.15)
	insuredRel    = rel(factorInsurance, 0.95)
	filingRel     = rel(factorFiling, 1.10)
	multiRel      = rel(factorMultiVehicle, 0.95)
)

// Rate computes the risk v2 score of in, appending the factors that fire
// to factors (14 can fire, about 7 do).
func Rate(in Inputs, factors []string) Rating {
	r := Rating{Factors: factors}
	score := Base
	apply := func(x relativity) {
		if x.f == 1 {
			return
		}
		score *= x.f
		r.Factors = append(r.Factors, x.text)
	}
	p, h := in.Person, in.History
	apply(ageRel.of(in.Age))
	if p.LicenseType != "unlicensed" {
		apply(experienceRel.of(in.YearsLicensed))
	}
	switch p.LicenseStatus {
	case "expired":
		apply(expiredRel)
	case "suspended":
		apply(suspendedRel)
	case "revoked":
		apply(revokedRel)
	}
	// History: each incident of the look-back window, capped at 4; none
	// makes a factor of 1.
	if h.Violations != 0 || h.MajorViolations != 0 || h.DUI != 0 || h.AtFaultAccidents != 0 || h.ComprehensiveClaims != 0 {
		apply(historyRel(h))
	}
	// Mileage: that of the vehicles one drives; a driver with a full, valid
	// licence and no vehicle of their own drives the household's now and
	// then. One who may not drive (unlicensed, a learner, a licence
	// expired, suspended or revoked) is not rated on mileage at all, rather
	// than as a low-mileage driver.
	switch d := in.Driven; {
	case d.count > 0:
		apply(mileageRel.of(int(d.miles)))
	case p.Licensed():
		apply(noVehicleRel)
	}
	if v := in.Driven.first; v != nil {
		switch v.BodyType {
		case "coupe", "convertible":
			apply(sportyRel)
		case "pickup":
			apply(pickupRel)
		case "suv":
			apply(suvRel)
		case "minivan", "van":
			apply(vanRel)
		}
		if in.Driven.ev { // as the ev_owner tag
			apply(electricRel)
		}
		if in.RefYear-int(v.ModelYear) >= 15 {
			apply(oldVehicleRel)
		}
	}
	if in.Driven.rideshare {
		apply(rideshareRel)
	}
	if p.UrbanRural == "rural" {
		apply(ruralRel)
	} else {
		apply(urbanRel)
	}
	switch p.CreditTier { // an unknown tier has none
	case "excellent":
		apply(excellentRel)
	case "good":
		apply(goodRel)
	case "fair":
		apply(fairRel)
	case "poor":
		apply(poorRel)
	case "no_hit":
		apply(noHitRel)
	}
	switch {
	case p.CoverageLapseDays > 0:
		apply(lapseRel)
	case p.PriorInsuranceMonths >= 36:
		apply(insuredRel)
	}
	if p.FinancialFiling == "SR-22" || p.FinancialFiling == "FR-44" {
		apply(filingRel)
	}
	if in.Household >= 2 {
		apply(multiRel)
	}
	r.Score = int(min(1000, max(1, math.Round(score))))
	return r
}

// historySmall bounds the counts whose history factor is kept: a person's
// counts in the look-back window are a few at most. A damaged or hostile
// profile's larger counts are computed each time, so checking one cannot
// grow the table (a map keyed by every count seen grew with each such row).
const historySmall = 6

// historyRels holds the history factor of each small counts, made on first
// use; racing first uses store equal values.
var historyRels [historySmall * historySmall * historySmall * historySmall * historySmall]atomic.Pointer[relativity]

// historyRel is the history factor of the counts of h.
func historyRel(h History) relativity {
	minor := h.Violations - h.MajorViolations
	majorOther := h.MajorViolations - h.DUI
	counts := [...]int32{h.DUI, majorOther, minor, h.AtFaultAccidents, h.ComprehensiveClaims}
	i := 0
	for _, n := range counts {
		if n < 0 || n >= historySmall {
			return historyOf(counts)
		}
		i = i*historySmall + int(n)
	}
	if r := historyRels[i].Load(); r != nil {
		return *r
	}
	r := historyOf(counts)
	historyRels[i].Store(&r)
	return r
}

// historyOf computes the history factor of the counts of DUIs, other major
// and minor violations, at-fault accidents and comprehensive claims.
func historyOf(n [5]int32) relativity {
	hist := math.Pow(1.80, float64(n[0])) * math.Pow(1.25, float64(n[1])) * math.Pow(1.10, float64(n[2])) *
		math.Pow(1.35, float64(n[3])) * math.Pow(1.03, float64(n[4]))
	return rel(factorHistory, round3(math.Min(hist, 4)))
}

// round3 keeps three decimals, so a factor reads the same written and read.
func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// Tier maps a risk score to its tier.
func Tier(score int) string {
	switch {
	case score >= HighFrom:
		return "high"
	case score >= MediumFrom:
		return "medium"
	}
	return "low"
}

// factor names a rating factor; factorNames spells it in rating_factors.
type factor uint8

const (
	factorAge factor = iota
	factorExperience
	factorLicense
	factorHistory
	factorMileage
	factorBody
	factorFuel
	factorVehicleAge
	factorUse
	factorTerritory
	factorCredit
	factorInsurance
	factorFiling
	factorMultiVehicle
)

var factorNames = [...]string{"age", "experience", "license", "history", "mileage", "body", "fuel", "vehicle_age", "use", "territory", "credit", "insurance", "filing", "multi_vehicle"}
