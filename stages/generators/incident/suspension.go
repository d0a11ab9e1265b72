package incident

import (
	"math"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/stream"
)

// negligentOperator is California's negligent-operator threshold (VC
// 12810.5(a); history/SOURCES.md §5): a licence is suspended at 4 points in
// 12 months, 6 in 24 or 8 in 36. It is counted back from the reference
// date.
var negligentOperator = [...]struct{ years, points int32 }{{1, 4}, {2, 6}, {3, 8}}

// HasSuspensionCause reports whether a person's incidents (all of theirs, in
// any order) dated from `from` (the look-back window's first day) to
// before refDate hold a cause for a suspended or revoked licence: a DUI or a
// reckless-driving conviction, or points reaching negligentOperator.
func HasSuspensionCause(incidents []Incident, refDate, from model.Date) bool {
	var points [len(negligentOperator)]int32
	var since [len(negligentOperator)]model.Date
	for k, t := range negligentOperator {
		since[k] = refDate.AddYears(-int(t.years))
	}
	for i := range incidents {
		r := &incidents[i]
		if r.IncidentDate < from || r.IncidentDate >= refDate {
			continue
		}
		if r.IncidentType == "dui" || r.IncidentType == "reckless" {
			return true
		}
		for k := range since {
			if r.IncidentDate >= since[k] {
				points[k] += r.Points
			}
		}
	}
	for k, t := range negligentOperator {
		if points[k] >= t.points {
			return true
		}
	}
	return false
}

// addCause adds to s.events a cause for p's suspended or revoked licence,
// whose drawn history (rows) holds none. The cause is drawn in proportion
// to the person's own yearly rates of each (rates, of their sex and present
// age): a DUI, a reckless-driving conviction, or — for a suspension only, a
// revocation follows the graver offences — 1-point speeding tickets (weighed
// by the rate of all 1-point moving violations) up to the 12-month threshold. So DUIs keep
// to the sexes and ages the DUI source gives them, and points are the
// usual cause of the young's suspensions. It is dated after the first
// licence and, when that leaves a day, after the current card's issue (a
// suspended licence is not renewed), within the look-back window.
func (s *Stage) addCause(r *stream.Stream, p *model.Person, rows []Incident, rates *groupRates) {
	ref := s.run.ReferenceDate
	from := max(s.windowStart(), p.FirstLicensedDate+1) // <= ref-1: the person stage suspends no licence newer
	if p.LicenseIssueDate+1 < ref {
		from = max(from, p.LicenseIssueDate+1)
	}
	dated := func(from model.Date) model.Date { return from + model.Date(r.IntN(int(ref-from))) }
	var points float64
	if p.LicenseStatus == "suspended" {
		points = rates.rate[gSpeeding] + rates.rate[gOther]*(1-recklessShare)
	}
	reckless := rates.rate[gOther] * recklessShare
	switch u := r.Float64() * (points + reckless + rates.dui); {
	case u < points:
		th := negligentOperator[0]
		since := ref.AddYears(-int(th.years))
		have := int32(0)
		for i := range rows {
			if rows[i].IncidentDate >= since {
				have += rows[i].Points
			}
		}
		from = max(from, since)
		for range th.points - have { // 1 to 4: without a cause, have < th.points
			s.events = append(s.events, event{date: dated(from), group: gSpeeding})
		}
	case u < points+reckless:
		s.events = append(s.events, event{date: dated(from), group: gReckless})
	default:
		s.events = append(s.events, event{date: dated(from), group: gDUI})
	}
}

// duiAsCause is the yearly rate of the DUIs addCause gives a licence of
// these rates, which the drawn rate leaves out so that all DUIs keep the
// source's rate by age and sex: the person stage's shares of suspended and
// revoked full licences (model.SuspendedPermille, RevokedPermille), times
// the chance that the drawn history holds no cause (a DUI or reckless
// driving in the look-back, points aside), times addCause's chance of a DUI,
// spread over the default look-back's years. Every look-back draws at this
// rate, so a shorter one keeps the events of the years it covers; its DUIs
// are above the source by the causes it packs into fewer years.
func (r *groupRates) duiAsCause() float64 {
	const lookbackYears = DefaultLookbackYears
	reckless := r.rate[gOther] * recklessShare
	points := r.rate[gSpeeding] + r.rate[gOther]*(1-recklessShare)
	noCause := math.Exp(-(r.dui + reckless) * float64(lookbackYears))
	perLicence := (model.RevokedPermille*r.dui/(r.dui+reckless) + model.SuspendedPermille*r.dui/(r.dui+reckless+points)) / 1000
	return perLicence * noCause / float64(lookbackYears)
}
