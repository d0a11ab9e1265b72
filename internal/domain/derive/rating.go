package derive

import (
	"math"
	"strconv"

	"github.com/synthpipe/synthpipe/internal/domain/memo"

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

// band returns the relativity of the first band whose upper bound x is
// below, else last.
func band(x int, uppers []int, rel []float64) float64 {
	for i, u := range uppers {
		if x < u {
			return rel[i]
		}
	}
	return rel[len(rel)-1]
}

// Rate computes the risk v2 score of in.
func Rate(in Inputs) Rating {
	// One allocation for the factors: 14 can fire, about 7 do.
	r := Rating{Factors: make([]string, 0, 14)}
	score := Base
	apply := func(name factor, f float64) {
		if f == 1 {
			return
		}
		score *= f
		r.Factors = append(r.Factors, factorText(name, f))
	}
	p, h := in.Person, in.History
	// Age: crash involvement per licensed driver falls threefold from the
	// teens to mid-life and rises again past 70 (auto/driver_incident_rates_by_age.csv).
	apply(factorAge, band(in.Age, []int{18, 21, 25, 30, 65, 70, 75, 80}, []float64{2.60, 2.10, 1.55, 1.20, 1.00, 1.05, 1.15, 1.30, 1.50}))
	if p.LicenseType != "unlicensed" {
		apply(factorExperience, band(in.YearsLicensed, []int{1, 3, 6}, []float64{1.30, 1.15, 1.05, 1.00}))
	}
	switch p.LicenseStatus {
	case "expired":
		apply(factorLicense, 1.20)
	case "suspended":
		apply(factorLicense, 1.60)
	case "revoked":
		apply(factorLicense, 2.00)
	}
	// History: each incident of the look-back window, capped at 4.
	minor := h.Violations - h.MajorViolations
	majorOther := h.MajorViolations - h.DUI
	hist := math.Pow(1.80, float64(h.DUI)) * math.Pow(1.25, float64(majorOther)) * math.Pow(1.10, float64(minor)) *
		math.Pow(1.35, float64(h.AtFaultAccidents)) * math.Pow(1.03, float64(h.ComprehensiveClaims))
	apply(factorHistory, round3(math.Min(hist, 4)))
	switch d := in.Driven; {
	case d.count == 0:
		apply(factorMileage, 0.85)
	default:
		apply(factorMileage, band(int(d.miles), []int{7500, 15000, HighMileage}, []float64{0.90, 1.00, 1.08, 1.18}))
	}
	if v := in.Driven.first; v != nil {
		switch v.BodyType {
		case "coupe", "convertible":
			apply(factorBody, 1.15)
		case "pickup":
			apply(factorBody, 0.95)
		case "suv":
			apply(factorBody, 0.97)
		case "minivan", "van":
			apply(factorBody, 0.92)
		}
		if v.FuelType == "electric" {
			apply(factorFuel, 1.05)
		}
		if in.RefYear-int(v.ModelYear) >= 15 {
			apply(factorVehicleAge, 0.90)
		}
	}
	if in.Driven.rideshare {
		apply(factorUse, 1.20)
	}
	if p.UrbanRural == "rural" {
		apply(factorTerritory, 0.90)
	} else {
		apply(factorTerritory, 1.10)
	}
	apply(factorCredit, creditRelativity(p.CreditTier))
	switch {
	case p.CoverageLapseDays > 0:
		apply(factorInsurance, 1.15)
	case p.PriorInsuranceMonths >= 36:
		apply(factorInsurance, 0.95)
	}
	if p.FinancialFiling == "SR-22" || p.FinancialFiling == "FR-44" {
		apply(factorFiling, 1.10)
	}
	if in.Household >= 2 {
		apply(factorMultiVehicle, 0.95)
	}
	r.Score = int(min(1000, max(1, math.Round(score))))
	return r
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

// creditRelativity is the credit tier's factor (1 for an unknown tier).
func creditRelativity(tier string) float64 {
	switch tier {
	case "excellent":
		return 0.80
	case "good":
		return 0.92
	case "fair":
		return 1.05
	case "poor":
		return 1.35
	case "no_hit":
		return 1.10
	}
	return 1
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

type factorKey struct {
	name factor
	f    float64
}

var factorTexts memo.Map[factorKey, string]

// factorText returns "name=value", formatted once per factor and value:
// every profile lists its factors (keyed by a small integer, not the name,
// since the lookup runs for every factor of every profile, twice a run).
func factorText(name factor, f float64) string {
	return factorTexts.Get(factorKey{name, f}, func() string { return factorNames[name] + "=" + strconv.FormatFloat(f, 'f', -1, 64) })
}
