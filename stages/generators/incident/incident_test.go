package incident

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/testkit/testrun"
	"github.com/synthpipe/synthpipe/stages/generators/person"
	"github.com/synthpipe/synthpipe/stages/generators/vehicle"
	seedstage "github.com/synthpipe/synthpipe/stages/sources/seed"
)

// makeBatch makes records persons with their vehicles (the earlier stages) and runs
// the incident stage over them.
func makeBatch(t testing.TB, records int64, seed uint64, lookback int) (*model.Run, *model.Batch) {
	t.Helper()
	run := testrun.Run(records, seed)
	run.LookbackYears = lookback // as the config sets it
	b := householdsWithVehicles(t, run)
	s, err := New(run, lookback)
	require.NoError(t, err)
	require.NoError(t, s.Process(context.Background(), &component.Batch{Payload: b}))
	return run, b
}

// violations runs every check of the entity on b: the declared ones (as the
// validate stage does) and those at the reference date.
func violations(t testing.TB, run *model.Run, b *model.Batch) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	report := func(id, rule, column, value string) {
		out[rule] = append(out[rule], id+" "+column+"="+value)
	}
	Incidents.CheckBatch(b, run, report) // CheckAtRefDate included
	return out
}

func TestNewRefusesLookbackOutOfRange(t *testing.T) {
	run := testrun.Run(10, 1)
	for _, n := range []int{0, 11} {
		_, err := New(run, n)
		require.ErrorContains(t, err, "lookback_years")
	}
}

// The generated rows keep every rule, and the shape the contract states.
func TestGeneratedBatchKeepsItsRules(t *testing.T) {
	run, b := makeBatch(t, 20000, 7, DefaultLookbackYears)
	require.Empty(t, violations(t, run, b))
	rows := *Incidents.Rows(b)
	require.NotEmpty(t, rows)

	windowStart := run.ReferenceDate.AddYears(-DefaultLookbackYears)
	byPerson := map[string]int{}
	for i, r := range rows {
		parent, seq, ok := entity.ParsePerParentID(IDPrefix, r.IncidentID)
		require.True(t, ok, r.IncidentID)
		require.Equal(t, byPerson[r.PersonID]+1, seq, "sequences run 01, 02 … within a person")
		byPerson[r.PersonID] = seq
		require.Equal(t, ident.ID("PER-", parent), r.PersonID)
		require.GreaterOrEqual(t, r.IncidentDate, windowStart)
		require.Less(t, r.IncidentDate, run.ReferenceDate)
		if i > 0 && rows[i-1].PersonID == r.PersonID {
			require.LessOrEqual(t, rows[i-1].IncidentDate, r.IncidentDate, "by date within a person")
		}
	}
	filings := map[string]int{}
	for i := range b.Persons {
		p := &b.Persons[i]
		filings[p.FinancialFiling]++
		require.Contains(t, model.CreditTiers, p.CreditTier)
	}
	require.Positive(t, filings["SR-22"])
	require.Positive(t, filings["none"])
}

func TestDeterministic(t *testing.T) {
	_, a := makeBatch(t, 3000, 11, 5)
	_, b := makeBatch(t, 3000, 11, 5)
	require.Equal(t, *Incidents.Rows(a), *Incidents.Rows(b))
	require.Equal(t, a.Persons, b.Persons)
	_, c := makeBatch(t, 3000, 12, 5)
	require.NotEqual(t, *Incidents.Rows(a), *Incidents.Rows(c))
}

// Each column draws from its own stream: a shorter look-back keeps the
// credit tiers, and the events of the years it still covers (their dates
// and categories) as they were. Suspended and revoked persons are left
// out: the cause their licence needs depends on the window.
func TestColumnsDrawIndependently(t *testing.T) {
	run, five := makeBatch(t, 5000, 3, 5)
	_, three := makeBatch(t, 5000, 3, 3)
	causeAdded := map[string]bool{}
	for i := range five.Persons {
		require.Equal(t, five.Persons[i].CreditTier, three.Persons[i].CreditTier)
		causeAdded[five.Persons[i].PersonID] = five.Persons[i].Suspended()
	}
	key := func(r *Incident) string {
		return fmt.Sprint(r.PersonID, r.IncidentDate, r.Category, r.AtFault)
	}
	since := run.ReferenceDate.AddYears(-3)
	var want, got []string
	for _, r := range *Incidents.Rows(five) {
		if r.IncidentDate >= since && !causeAdded[r.PersonID] {
			want = append(want, key(&r))
		}
	}
	for _, r := range *Incidents.Rows(three) {
		if !causeAdded[r.PersonID] {
			got = append(got, key(&r))
		}
	}
	require.NotEmpty(t, got)
	require.Equal(t, want, got)
}

// Each rule fires, by name, on a batch with one value broken.
func TestEachDamageIsReportedByName(t *testing.T) {
	run, clean := makeBatch(t, 4000, 5, 5)
	require.Empty(t, violations(t, run, clean))
	rows := *Incidents.Rows(clean)
	find := func(b *model.Batch, pred func(*Incident) bool) *Incident {
		rs := *Incidents.Rows(b)
		for i := range rs {
			if pred(&rs[i]) {
				return &rs[i]
			}
		}
		t.Fatal("no incident fits the damage")
		return nil
	}
	person := func(b *model.Batch, id string) *model.Person {
		for i := range b.Persons {
			if b.Persons[i].PersonID == id {
				return &b.Persons[i]
			}
		}
		t.Fatal("no person " + id)
		return nil
	}
	typ := func(s string) func(*Incident) bool { return func(r *Incident) bool { return r.IncidentType == s } }
	cases := []struct {
		name, rule string
		damage     func(b *model.Batch)
	}{
		{"id malformed", entity.RuleIDPerParent, func(b *model.Batch) { (*Incidents.Rows(b))[0].IncidentID = "INC-42" }},
		{"id repeated", entity.RuleIDPerParent, func(b *model.Batch) {
			rs := *Incidents.Rows(b)
			rs[1].IncidentID = rs[0].IncidentID
		}},
		{"person not the id's", RulePersonMatchesID, func(b *model.Batch) { (*Incidents.Rows(b))[0].PersonID = "PER-0000009999" }},
		{"category", RuleCategoryMatchesType, func(b *model.Batch) { find(b, typ("dui")).Category = "claim" }},
		{"points", RulePointsMatchType, func(b *model.Batch) { find(b, typ("not_at_fault_accident")).Points = 1 }},
		{"at fault", RuleAtFaultMatchesType, func(b *model.Batch) { find(b, typ("comprehensive_glass")).AtFault = "true" }},
		{"claim unpaid", RulePaidAmount, func(b *model.Batch) { find(b, typ("comprehensive_weather")).PaidAmount = 0 }},
		{"violation paid", RulePaidAmount, func(b *model.Batch) {
			find(b, func(r *Incident) bool { return r.Category == "violation" }).PaidAmount = 500
		}},
		{"violation with a vehicle", RuleVehicleMatchesType, func(b *model.Batch) {
			find(b, func(r *Incident) bool { return r.Category == "violation" }).VehicleID = b.Vehicles[0].VehicleID
		}},
		{"claim without a vehicle", RuleVehicleMatchesType, func(b *model.Batch) { find(b, typ("comprehensive_animal")).VehicleID = "" }},
		{"person missing", RulePersonExists, func(b *model.Batch) {
			r := find(b, func(*Incident) bool { return true })
			p := person(b, r.PersonID)
			p.PersonID = "PER-9999999999" // the incident's person is gone
		}},
		{"household", RuleHouseholdMatches, func(b *model.Batch) { (*Incidents.Rows(b))[0].HouseholdID = "HH-9999999999" }},
		{"vehicle not driven", RuleVehicleDriven, func(b *model.Batch) {
			r := find(b, func(r *Incident) bool { return r.VehicleID != "" })
			for _, v := range b.Vehicles {
				if v.PrimaryDriverPersonID != r.PersonID {
					r.VehicleID = v.VehicleID
					return
				}
			}
		}},
		{"vehicle not yet on the road", RuleVehicleOnRoad, func(b *model.Batch) {
			r := find(b, func(r *Incident) bool { return r.VehicleID != "" })
			for i := range b.Vehicles {
				if v := &b.Vehicles[i]; v.VehicleID == r.VehicleID {
					v.ModelYear = int32(r.IncidentDate.Year()) + 2 // a model two years after the incident
				}
			}
		}},
		{"before first licence", RuleAfterFirstLicence, func(b *model.Batch) {
			r := &(*Incidents.Rows(b))[0]
			person(b, r.PersonID).FirstLicensedDate = r.IncidentDate
		}},
		{"on the reference date", RuleDateInWindow, func(b *model.Batch) {
			rs := *Incidents.Rows(b)
			rs[len(rs)-1].IncidentDate = run.ReferenceDate
		}},
		{"filing without a DUI", RuleFilingCoherent, func(b *model.Batch) {
			for i := range b.Persons {
				if b.Persons[i].FinancialFiling == "none" {
					b.Persons[i].FinancialFiling = "SR-22"
					return
				}
			}
		}},
		{"no filing after a DUI", RuleFilingCoherent, func(b *model.Batch) {
			r := find(b, func(r *Incident) bool {
				return r.IncidentType == "dui" && r.IncidentDate >= run.ReferenceDate.AddYears(-FilingYears)
			})
			person(b, r.PersonID).FinancialFiling = "none"
		}},
		{"SR-22 for a Florida DUI", RuleFilingCoherent, func(b *model.Batch) {
			r := find(b, func(r *Incident) bool {
				return r.IncidentType == "dui" && r.IncidentDate >= run.ReferenceDate.AddYears(-FilingYears)
			})
			p := person(b, r.PersonID)
			p.State, p.FinancialFiling = "FL", "SR-22"
		}},
		{"suspension without a cause", RuleSuspensionHasCause, func(b *model.Batch) {
			// A revoked licence's causes become a distracted-driving ticket.
			for i := range b.Persons {
				if p := &b.Persons[i]; p.LicenseStatus == "revoked" {
					rs := *Incidents.Rows(b)
					for j := range rs {
						if rs[j].PersonID == p.PersonID && rs[j].Category == "violation" {
							rs[j].IncidentType, rs[j].Points = "distracted", 1
						}
					}
					return
				}
			}
		}},
		{"prior insurance longer than licensed", RuleUnderwritingRanges, func(b *model.Batch) {
			b.Persons[0].PriorInsuranceMonths = int32(monthsBetween(b.Persons[0].FirstLicensedDate, run.ReferenceDate) + 1)
		}},
		{"profile history off by one", RuleProfileHistory, func(b *model.Batch) {
			// Profiles as the profile stage makes them from the histories
			// this stage counted, then one count wrong.
			b.Profiles = nil
			for i := range b.Persons {
				b.Profiles = append(b.Profiles, derive.Profile(&b.Persons[i], nil, b.Histories[i], run.ReferenceDate))
			}
			require.Empty(t, violations(t, run, b)[RuleProfileHistory], "profiles of the counted histories agree")
			b.Profiles[len(b.Profiles)/2].ComprehensiveClaims++
		}},
		{"lapse then long prior", RuleUnderwritingRanges, func(b *model.Batch) {
			for i := range b.Persons {
				if p := &b.Persons[i]; p.PriorInsuranceMonths > 12 {
					p.CoverageLapseDays = 30
					return
				}
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := copyBatch(clean)
			tc.damage(b)
			got := violations(t, run, b)
			require.NotEmpty(t, got[tc.rule], "want %s, got %v", tc.rule, got)
		})
	}
	require.Equal(t, rows, *Incidents.Rows(clean), "the damages broke copies")
	// Every rule of the entity has a damage above.
	named := map[string]bool{}
	for _, tc := range cases {
		named[tc.rule] = true
	}
	for _, r := range append(Incidents.Rules(), RefDateRules...) {
		require.True(t, named[r.Name], "no damage test for %s", r.Name)
	}
}

// The window checked is the run's own look-back, not the longest: in a run
// of lookback_years 3 a violation moved 4 years back breaks it, and only
// it; a run that does not say its look-back is held to the longest.
func TestDateInWindowIsTheRunsLookback(t *testing.T) {
	run, b := makeBatch(t, 3000, 5, 3)
	require.Empty(t, violations(t, run, b))
	back := run.ReferenceDate.AddYears(-4)
	rows := *Incidents.Rows(b)
	i := slices.IndexFunc(rows, func(r Incident) bool {
		if r.Category != "violation" || r.IncidentType == "dui" { // a DUI's date decides the filing
			return false
		}
		k := slices.IndexFunc(b.Persons, func(p model.Person) bool { return p.PersonID == r.PersonID })
		return b.Persons[k].FirstLicensedDate < back
	})
	require.GreaterOrEqual(t, i, 0)
	rows[i].IncidentDate = back
	require.Equal(t, map[string][]string{RuleDateInWindow: {rows[i].IncidentID + " incident_date=" + back.String()}}, violations(t, run, b))
	run.LookbackYears = 0
	require.Empty(t, violations(t, run, b))
}

func copyBatch(b *model.Batch) *model.Batch {
	c := entity.NewBatch()
	c.Households = append(c.Households, b.Households...)
	c.Persons = append(c.Persons, b.Persons...)
	c.Vehicles = append(c.Vehicles, b.Vehicles...)
	c.Histories = append(c.Histories, b.Histories...)
	rows := Incidents.Rows(c)
	*rows = append(*rows, *Incidents.Rows(b)...)
	return c
}

// The points of the rule's table are those of refdata's California
// schedule (New refuses to run otherwise).
func TestPointsFollowTheCaliforniaSchedule(t *testing.T) {
	h, err := refdata.V02History()
	require.NoError(t, err)
	require.NoError(t, checkSchedule(h))
	require.Equal(t, int32(2), kinds["dui"].points)
	require.Equal(t, int32(1), kinds["at_fault_accident"].points)
	require.Equal(t, int32(0), kinds["comprehensive_theft"].points)
	require.Len(t, kinds, len(Types))
	for _, ty := range Types {
		_, ok := kinds[ty]
		require.True(t, ok, ty)
	}
	require.True(t, strings.HasPrefix(Columns[0].Pattern, "^INC-"))
}

// Every suspended or revoked licence has a cause, even in the shortest
// look-back, and most had none in the history drawn (the cause was added).
func TestSuspensionsHaveACause(t *testing.T) {
	for _, lookback := range []int{1, DefaultLookbackYears} {
		run, b := makeBatch(t, 20000, 9, lookback)
		require.Empty(t, violations(t, run, b), "lookback %d", lookback)
		n := 0
		for i := range b.Persons {
			if p := &b.Persons[i]; p.Suspended() {
				n++
				require.Equal(t, "full", p.LicenseType, p.PersonID)
				require.NotEqual(t, "none", p.FinancialFiling, p.PersonID)
			}
		}
		require.Greater(t, n, 400, "about 4 % of full licences")
	}
}

// The cause is a DUI or reckless driving in the window, or California's
// negligent-operator points counted back from the reference date.
func TestHasSuspensionCause(t *testing.T) {
	ref := model.DateOf(2026, 1, 1)
	from := ref.AddYears(-5)
	ticket := func(y, m int) Incident {
		return Incident{IncidentType: "speeding_1_10", Points: 1, IncidentDate: model.DateOf(y, m, 1)}
	}
	for _, tc := range []struct {
		name      string
		incidents []Incident
		want      bool
	}{
		{"none", nil, false},
		{"dui", []Incident{{IncidentType: "dui", Points: 2, IncidentDate: model.DateOf(2022, 3, 1)}}, true},
		{"reckless", []Incident{{IncidentType: "reckless", Points: 2, IncidentDate: model.DateOf(2025, 3, 1)}}, true},
		{"dui before the window", []Incident{{IncidentType: "dui", Points: 2, IncidentDate: model.DateOf(2020, 6, 1)}}, false},
		{"4 points in 12 months", []Incident{ticket(2025, 2), ticket(2025, 5), ticket(2025, 8), ticket(2025, 11)}, true},
		{"3 points in 12 months", []Incident{ticket(2025, 2), ticket(2025, 5), ticket(2025, 8)}, false},
		{"6 points in 24 months", []Incident{ticket(2024, 2), ticket(2024, 5), ticket(2024, 8), ticket(2025, 2), ticket(2025, 5), ticket(2025, 8)}, true},
		{"5 points in 24 months", []Incident{ticket(2024, 2), ticket(2024, 5), ticket(2025, 2), ticket(2025, 5), ticket(2025, 8)}, false},
		{"7 points in 36 months", []Incident{ticket(2023, 2), ticket(2023, 5), ticket(2024, 2), ticket(2024, 5), ticket(2024, 8), ticket(2025, 2), ticket(2025, 5)}, false},
	} {
		require.Equal(t, tc.want, HasSuspensionCause(tc.incidents, ref, from), tc.name)
	}
}

func TestCheckFiling(t *testing.T) {
	ref := model.DateOf(2026, 1, 1)
	dui := []Incident{{IncidentType: "dui", IncidentDate: model.DateOf(2024, 6, 1)}}
	old := []Incident{{IncidentType: "dui", IncidentDate: model.DateOf(2022, 6, 1)}}
	for _, tc := range []struct {
		filing, status string
		incidents      []Incident
		fr44, ok       bool
	}{
		{"FR-44", "valid", dui, true, true},
		{"SR-22", "valid", dui, true, false},
		{"SR-22", "valid", dui, false, true},
		{"none", "valid", old, false, true},
		{"SR-22", "suspended", nil, false, true},
		{"SR-22", "revoked", nil, true, true},
		{"none", "revoked", nil, false, false},
		{"SR-22", "expired", nil, false, false},
	} {
		p := &model.Person{FinancialFiling: tc.filing, LicenseStatus: tc.status}
		_, _, ok := CheckFiling(p, tc.incidents, ref, tc.fr44)
		require.Equal(t, tc.ok, ok, "%+v", tc)
	}
}

// householdsWithVehicles makes run's persons and vehicles (the stages
// before this one). testkit.Batch runs this stage itself (an import cycle), so these tests
// build the earlier stages directly.
func householdsWithVehicles(t testing.TB, run *model.Run) *model.Batch {
	t.Helper()
	src := seedstage.New(run)
	b := &component.Batch{Payload: src.NewPayload()}
	_, err := src.Next(context.Background(), b)
	require.NoError(t, err)
	people, err := person.New(run, 5)
	require.NoError(t, err)
	cars, err := vehicle.New(run, vehicle.MaxAge)
	require.NoError(t, err)
	require.NoError(t, people.Process(context.Background(), b))
	require.NoError(t, cars.Process(context.Background(), b))
	return b.Payload
}

// The drawn DUI rate leaves out the DUIs that suspensions and revocations
// are given as causes, the same for every look-back, and none when the run
// suspends no licence (license_status_mix all_valid).
func TestDrawnDUIsLeaveOutThoseGivenAsCauses(t *testing.T) {
	h, err := refdata.V02History()
	require.NoError(t, err)
	run := testrun.Run(10, 1)
	five, err := New(run, 5)
	require.NoError(t, err)
	one, err := New(run, 1)
	require.NoError(t, err)
	valid := *run
	valid.AllValidLicenses = true
	none, err := New(&valid, 5)
	require.NoError(t, err)
	for _, a := range []int{18, 30, 50, 80} {
		for sex := range 3 {
			src := h.DUI[sex][a]
			require.Equal(t, src, none.rates[sex][a].rate[gDUI], "all valid: the source's rate")
			r5, r1 := five.rates[sex][a].rate[gDUI], one.rates[sex][a].rate[gDUI]
			require.Less(t, r5, src, "age %d sex %d", a, sex)
			require.Equal(t, r5, r1, "age %d sex %d: the look-back keeps the drawn rate", a, sex)
			require.Equal(t, src, five.rates[sex][a].dui, "causes are weighed by the source's rate")
		}
	}
}

// Every type the stage draws has its kind: a name missing from kinds would
// take the zero kind silently.
func TestDrawnTypesHaveKinds(t *testing.T) {
	all := append(append(append([]typed{duiType, recklessType, atFaultType, notAtFaultType, theftType}, speedTypes...), otherTypes...), compCauses...)
	for _, ty := range all {
		k, ok := kinds[ty.name]
		require.True(t, ok, ty.name)
		require.Equal(t, k, ty.kind, ty.name)
	}
}
