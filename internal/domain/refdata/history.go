package refdata

import (
	"embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// The driving-history tables of data contract v0.2 (data/v0.2/history/,
// sources in its SOURCES.md) and the by-age rates of
// data/v0.2/auto/driver_incident_rates_by_age.csv.
//
//go:embed data/v0.2/history/*.csv data/v0.2/auto/driver_incident_rates_by_age.csv
var historyFiles embed.FS

// AllSexes indexes the both-sexes rows of a by-sex table (beside Female and
// Male).
const AllSexes = 2

// MaxHistoryAge is the oldest year of age the by-age tables are spread to.
const MaxHistoryAge = 95

// ClaimEdition is the ISO/III edition the claim figures are read from: one
// edition throughout, as SOURCES.md §1 asks (ISO revises recent years).
const ClaimEdition = "iso_via_iii_ppa_losses_2014_2023"

// Claim is one coverage's ISO frequency and severity in one year.
type Claim struct {
	FrequencyPer100 float64 // paid claims per 100 earned car-years
	SeverityUSD     float64 // average paid loss per claim
}

// History holds the tables a driving history is drawn from, each spread to
// every year of age 0..MaxHistoryAge (ages below a table's first band take
// its first band, ages above its last its last).
type History struct {
	// CrashPoliceReported: police-reported crash involvements per licensed
	// driver-year by age (auto file, injprev_table1_1995).
	CrashPoliceReported [MaxHistoryAge + 1]float64
	// CrashAll: drivers in all crashes per licensed driver-year (history
	// crash_involvement_by_age.csv, statefarm_goodneighbor_2008, c2006).
	CrashAll [MaxHistoryAge + 1]float64
	// DUI: DUI arrests per licensed driver-year by sex (Female, Male,
	// AllSexes) and age (FBI UCR 2016 / FHWA 2016). Under 18 is absent from
	// the source; those ages hold age 18's rate (HasDUI says which ages the
	// source covers).
	DUI [3][MaxHistoryAge + 1]float64
	// DUIFrom is the youngest age the DUI table covers.
	DUIFrom int
	// Speeding: percent of drivers in fatal crashes who were speeding, by
	// sex (Female, Male) and age, from the NSC 2019 rows (16-44); 0 outside.
	Speeding [2][MaxHistoryAge + 1]float64
	// Claims by coverage and year, of ClaimEdition.
	Claims map[string]map[int]Claim
	// TheftFrequencyPerVehicleYear and TheftSeverityUSD: HLDI whole-vehicle
	// theft claims (2016-18 models).
	TheftFrequencyPerVehicleYear, TheftSeverityUSD float64
	// Points: state -> violation description -> points.
	Points map[string]map[string]int
	// FR44States are the states with an FR-44 filing.
	FR44States []string
}

var (
	histOnce sync.Once
	hist     *History
	histErr  error
)

// V02History returns the driving-history tables, parsed once and read-only
// after that.
func V02History() (*History, error) {
	histOnce.Do(func() { hist, histErr = parseHistory() })
	return hist, histErr
}

// Claim returns a coverage's figures of ClaimEdition in year.
func (h *History) Claim(coverage string, year int) (Claim, bool) {
	c, ok := h.Claims[coverage][year]
	return c, ok
}

// LatestClaimYear is the newest year of ClaimEdition.
func (h *History) LatestClaimYear() int {
	y := 0
	for _, byYear := range h.Claims {
		for year := range byYear {
			y = max(y, year)
		}
	}
	return y
}

// PointsOf returns the points of a violation in a state's schedule.
func (h *History) PointsOf(state, violation string) (int, bool) {
	p, ok := h.Points[state][violation]
	return p, ok
}

func clampAge(a int) int { return max(0, min(MaxHistoryAge, a)) }

// spread sets dst over [from, to] and remembers the youngest and oldest
// bands so the ages outside every band can take their nearest band's value.
type spread struct {
	dst    *[MaxHistoryAge + 1]float64
	set    [MaxHistoryAge + 1]bool
	lo, hi int
}

func newSpread(dst *[MaxHistoryAge + 1]float64) *spread {
	return &spread{dst: dst, lo: MaxHistoryAge + 1, hi: -1}
}

func (s *spread) band(from, to int, v float64) {
	for a := clampAge(from); a <= clampAge(to); a++ {
		s.dst[a], s.set[a] = v, true
	}
	s.lo, s.hi = min(s.lo, from), max(s.hi, clampAge(to))
}

// fill gives ages below the first band the first band's value and ages
// above the last the last's; a gap between bands is an error.
func (s *spread) fill(what string) error {
	if s.hi < 0 {
		return fmt.Errorf("refdata: %s: no rows", what)
	}
	for a := 0; a <= MaxHistoryAge; a++ {
		switch {
		case a < s.lo:
			s.dst[a] = s.dst[s.lo]
		case a > s.hi:
			s.dst[a] = s.dst[s.hi]
		case !s.set[a]:
			return fmt.Errorf("refdata: %s: no band holds age %d", what, a)
		}
	}
	return nil
}

func parseHistory() (*History, error) {
	h := &History{Claims: map[string]map[int]Claim{}, Points: map[string]map[string]int{}, DUIFrom: MaxHistoryAge + 1}
	police, all := newSpread(&h.CrashPoliceReported), newSpread(&h.CrashAll)
	dui := [3]*spread{newSpread(&h.DUI[0]), newSpread(&h.DUI[1]), newSpread(&h.DUI[2])}

	err := eachHistoryRow("auto/driver_incident_rates_by_age.csv", 8, func(r []string) error {
		if r[4] != "police_reported_crash_involvements_per_100k_licensed_drivers" {
			return nil
		}
		from, to, v, err := bandValue(r[1], r[2], r[5])
		police.band(from, to, v/100000)
		return err
	})
	if err == nil {
		err = police.fill("police-reported crash involvements")
	}
	if err != nil {
		return nil, err
	}

	err = eachHistoryRow("history/crash_involvement_by_age.csv", 9, func(r []string) error {
		if r[8] != "statefarm_goodneighbor_2008_unattributed" {
			return nil
		}
		from, to, v, err := bandValue(r[1], r[2], r[6])
		all.band(from, to, v)
		return err
	})
	if err == nil {
		err = all.fill("crash involvements")
	}
	if err != nil {
		return nil, err
	}

	err = eachHistoryRow("history/dui_arrests_by_age.csv", 8, func(r []string) error {
		from, to, v, err := bandValue(r[1], r[2], r[5])
		if err != nil {
			return err
		}
		sex := AllSexes
		if r[3] != "all" {
			if sex, err = sexIndex(r[3]); err != nil {
				return err
			}
		}
		dui[sex].band(from, to, v)
		h.DUIFrom = min(h.DUIFrom, from)
		return nil
	})
	for i := range dui {
		if err == nil {
			err = dui[i].fill("DUI arrests")
		}
	}
	if err != nil {
		return nil, err
	}

	err = eachHistoryRow("history/violation_index_by_age.csv", 8, func(r []string) error {
		if r[7] != "nsc_via_nathancobblaw_2021" || r[4] != "pct_fatal_crash_drivers_speeding" {
			return nil
		}
		from, to, v, err := bandValue(r[1], r[2], r[5])
		if err != nil {
			return err
		}
		sex, err := sexIndex(r[3])
		if err != nil {
			return err
		}
		for a := clampAge(from); a <= clampAge(to); a++ {
			h.Speeding[sex][a] = v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	err = eachHistoryRow("history/claim_frequency_severity.csv", 5, func(r []string) error {
		if r[4] != ClaimEdition {
			return nil
		}
		f, err1 := strconv.ParseFloat(r[1], 64)
		s, err2 := strconv.ParseFloat(r[2], 64)
		y, err3 := strconv.Atoi(r[3])
		if err1 != nil || err2 != nil || err3 != nil || f <= 0 || s <= 0 {
			return fmt.Errorf("claim row %q", r)
		}
		if h.Claims[r[0]] == nil {
			h.Claims[r[0]] = map[int]Claim{}
		}
		h.Claims[r[0]][y] = Claim{FrequencyPer100: f, SeverityUSD: s}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(h.Claims) == 0 {
		return nil, fmt.Errorf("refdata: claim_frequency_severity.csv: no rows of %s", ClaimEdition)
	}

	err = eachHistoryRow("history/comprehensive_causes.csv", 5, func(r []string) error {
		if r[0] != "whole_vehicle_theft" {
			return nil
		}
		v, err := strconv.ParseFloat(r[2], 64)
		if err != nil {
			return err
		}
		switch r[1] {
		case "claim_frequency_per_1000_insured_vehicle_years":
			h.TheftFrequencyPerVehicleYear = v / 1000
		case "claim_severity_usd":
			h.TheftSeverityUSD = v
		}
		return nil
	})
	if err == nil && (h.TheftFrequencyPerVehicleYear <= 0 || h.TheftSeverityUSD <= 0) {
		err = fmt.Errorf("refdata: comprehensive_causes.csv: no whole-vehicle theft frequency and severity")
	}
	if err != nil {
		return nil, err
	}

	err = eachHistoryRow("history/violation_points.csv", 4, func(r []string) error {
		p, err := strconv.Atoi(r[2])
		if err != nil || p < 0 {
			return fmt.Errorf("points %q", r[2])
		}
		if h.Points[r[0]] == nil {
			h.Points[r[0]] = map[string]int{}
		}
		h.Points[r[0]][r[1]] = p
		return nil
	})
	if err != nil {
		return nil, err
	}

	err = eachHistoryRow("history/financial_responsibility.csv", 5, func(r []string) error {
		if r[1] == "FR-44" && !slicesContainsString(h.FR44States, r[0]) {
			h.FR44States = append(h.FR44States, r[0])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

func slicesContainsString(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// bandValue reads an age_from, age_to (empty: no bound) and value cell.
func bandValue(fromCell, toCell, valueCell string) (from, to int, v float64, err error) {
	from, to = 0, MaxHistoryAge
	if fromCell != "" {
		if from, err = strconv.Atoi(fromCell); err != nil {
			return 0, 0, 0, fmt.Errorf("age_from %q", fromCell)
		}
	}
	if toCell != "" {
		if to, err = strconv.Atoi(toCell); err != nil {
			return 0, 0, 0, fmt.Errorf("age_to %q", toCell)
		}
	}
	if to < from {
		return 0, 0, 0, fmt.Errorf("age band %s-%s", fromCell, toCell)
	}
	if v, err = strconv.ParseFloat(strings.TrimSpace(valueCell), 64); err != nil || v < 0 {
		return 0, 0, 0, fmt.Errorf("value %q", valueCell)
	}
	return from, to, v, nil
}

func eachHistoryRow(name string, cols int, fn func([]string) error) error {
	return eachCSV(historyFiles, "data/v0.2/"+name, cols, fn)
}
