package contract

import (
	"testing"

	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// renewedByLoop is the rule as written: add the cycle to the first licence
// date until the issue date is reached or passed.
func renewedByLoop(p *model.Person) bool {
	cycle := derive.RenewalYears
	if p.LicenseType == "learner_permit" {
		cycle = derive.PermitYears
	}
	if p.LicenseExpirationDate != p.LicenseIssueDate.AddYears(cycle) {
		return false
	}
	for d := p.FirstLicensedDate; d <= p.LicenseIssueDate; d = d.AddYears(cycle) {
		if d == p.LicenseIssueDate {
			return true
		}
	}
	return false
}

// renewedOnCycle agrees with the loop on first licences of every day of
// four years around 29 February, a century that is not leap (2100) and one
// that is (2000), issued on and about each cycle.
func TestRenewedOnCycleIsTheLoop(t *testing.T) {
	n, yes := 0, 0
	for _, typ := range []string{"full", "learner_permit"} {
		for _, from := range []int{1991, 2083, 2091} {
			for first := model.DateOf(from, 1, 1); first < model.DateOf(from+4, 12, 31); first++ {
				for k := -1; k <= 5; k++ {
					cycle := derive.RenewalYears
					if typ == "learner_permit" {
						cycle = derive.PermitYears
					}
					base := first
					for range max(k, 0) {
						base = base.AddYears(cycle)
					}
					for _, off := range []model.Date{-366, -1, 0, 1, 365} {
						issue := base + off
						if k < 0 {
							issue = first - 1 - off*off
						}
						for _, exp := range []model.Date{issue.AddYears(cycle), issue.AddYears(cycle) + 1} {
							p := &model.Person{LicenseType: typ, FirstLicensedDate: first, LicenseIssueDate: issue, LicenseExpirationDate: exp}
							want := renewedByLoop(p)
							if got := renewedOnCycle(p); got != want {
								t.Fatalf("%s first %s issue %s expires %s: got %v, want %v", typ, first, issue, exp, got, want)
							}
							n++
							if want {
								yes++
							}
						}
					}
				}
			}
		}
	}
	if yes == 0 || yes == n {
		t.Fatalf("%d of %d renewed: the cases do not tell", yes, n)
	}
}
