package incident

import (
	"slices"
	"strconv"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
)

// CheckFiling returns the rule and value a person's financial_filing
// breaks given their incidents (all of theirs, in any order) at the
// reference date, or ok. A DUI dated in the FilingYears before refDate
// requires FR-44 in a state with one (fr44State), SR-22 elsewhere; a
// suspended or revoked licence requires SR-22 (FR-44 if there is also such
// a DUI); anything else requires none.
func CheckFiling(p *model.Person, incidents []Incident, refDate model.Date, fr44State bool) (rule, value string, ok bool) {
	recent := false
	for i := range incidents {
		if incidents[i].IncidentType == "dui" && incidents[i].IncidentDate >= refDate.AddYears(-FilingYears) && incidents[i].IncidentDate < refDate {
			recent = true
		}
	}
	if want := filing(recent, p.Suspended(), fr44State); p.FinancialFiling != want {
		return RuleFilingCoherent, p.FinancialFiling + " (want " + want + ")", false
	}
	return "", "", true
}

// checkUnderwriting returns the value of a person's underwriting columns
// that break RuleUnderwritingRanges, or ok.
func checkUnderwriting(p *model.Person, refDate model.Date) (column, value string, ok bool) {
	prior, lapse := p.PriorInsuranceMonths, p.CoverageLapseDays
	if p.LicenseType == "unlicensed" {
		if prior != 0 || lapse != 0 {
			return "prior_insurance_months", strconv.Itoa(int(prior)) + " (unlicensed)", false
		}
		return "", "", true
	}
	licensed := int32(monthsBetween(p.FirstLicensedDate, refDate))
	switch {
	case prior < 0 || prior > licensed:
		return "prior_insurance_months", strconv.Itoa(int(prior)), false
	case lapse < 0 || lapse > 365, lapse > 0 && prior > 12:
		return "coverage_lapse_days", strconv.Itoa(int(lapse)), false
	case lapse == 0 && prior < min(12, licensed):
		return "prior_insurance_months", strconv.Itoa(int(prior)), false
	}
	return "", "", true
}

// CheckAtRefDate applies RefDateRules to a batch: the rules that need the
// run's reference date and look-back (run.LookbackYears, which the config
// or the snapshot's metadata gives; a run that does not say one, or says
// one out of range, is held to the longest, MaxLookbackYears). fr44 lists
// the states with an FR-44 filing (refdata.History.FR44States). Call it
// only for runs whose stages make incidents: without the incident stage
// persons' underwriting columns are not filled.
func CheckAtRefDate(b *model.Batch, run *model.Run, fr44 []string, report entity.BatchReport) {
	rows := *Incidents.Rows(b)
	refDate, years := run.ReferenceDate, run.LookbackYears
	if years < 1 || years > MaxLookbackYears {
		years = MaxLookbackYears
	}
	earliest := refDate.AddYears(-years)
	for i := range rows {
		if d := rows[i].IncidentDate; d >= refDate || d < earliest {
			report(rows[i].IncidentID, RuleDateInWindow, "incident_date", d.String())
		}
	}
	j := 0
	for p := range b.Persons {
		per := &b.Persons[p]
		for j < len(rows) && rows[j].PersonID < per.PersonID {
			j++
		}
		k := j
		for k < len(rows) && rows[k].PersonID == per.PersonID {
			k++
		}
		if rule, value, ok := CheckFiling(per, rows[j:k], refDate, slices.Contains(fr44, per.State)); !ok {
			report(per.PersonID, rule, "financial_filing", value)
		}
		if per.Suspended() && !HasSuspensionCause(rows[j:k], refDate, earliest) {
			report(per.PersonID, RuleSuspensionHasCause, "license_status", per.LicenseStatus)
		}
		if column, value, ok := checkUnderwriting(per, refDate); !ok {
			report(per.PersonID, RuleUnderwritingRanges, column, value)
		}
		j = k
	}
}
