package samples

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/stages/generators/incident"
)

func TestScenariosAreWellFormed(t *testing.T) {
	fileName := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	seen := map[string]bool{}
	for _, sc := range Scenarios {
		require.Regexp(t, fileName, sc.Name)
		require.False(t, seen[sc.Name], "scenario %s twice", sc.Name)
		seen[sc.Name] = true
		require.NotEmpty(t, sc.Title, sc.Name)
		require.NotEmpty(t, sc.Description, sc.Name)
		require.NotContains(t, sc.Description, "|", "%s: the index is a Markdown table", sc.Name)
		require.NotNil(t, sc.Shows, sc.Name)
	}
}

func TestIncidentValuesAreTheContracts(t *testing.T) {
	require.Contains(t, incident.Types, incidentDUI)
	require.Contains(t, incident.Types, incidentAtFault)
	require.Contains(t, incident.Categories, categoryClaim)
}

// hh builds a household: members as "relationship:age:license_type:status"
// (status "-" for none), then changes applied to the built records.
func hh(id string, members []string, change func(h *Household)) *Household {
	h := &Household{ID: id}
	for i, m := range members {
		f := strings.Split(m, ":")
		pid := fmt.Sprintf("PER-%s-%d", id, i+1)
		status := f[3]
		if status == "-" {
			status = ""
		}
		var age int32
		fmt.Sscan(f[1], &age)
		h.Persons = append(h.Persons, model.Person{PersonID: pid, HouseholdID: id, Relationship: f[0], LicenseType: f[2], LicenseStatus: status, FinancialFiling: "none", State: "KS"})
		h.Profiles = append(h.Profiles, model.Profile{PersonID: pid, HouseholdID: id, Age: age, RiskTier: "low"})
	}
	if change != nil {
		change(h)
	}
	return h
}

// car adds a vehicle driven by the household's n-th member (from 1).
func car(h *Household, driver int, change func(v *model.Vehicle)) {
	v := model.Vehicle{VehicleID: fmt.Sprintf("VEH-%s-%d", h.ID, len(h.Vehicles)+1), HouseholdID: h.ID,
		OwnerPersonID: h.Persons[0].PersonID, PrimaryDriverPersonID: h.Persons[driver-1].PersonID,
		FuelType: "gasoline", Usage: "commute", Ownership: "owned", GaragedAway: "false"}
	if change != nil {
		change(&v)
	}
	h.Vehicles = append(h.Vehicles, v)
}

// event adds an incident of the household's n-th member.
func event(h *Household, person int, typ, category string, paid int32, vehicle string) {
	pid := h.Persons[person-1].PersonID
	h.Incidents = append(h.Incidents, incident.Incident{IncidentID: fmt.Sprintf("INC-%s-%02d", pid, len(h.Incidents)+1), PersonID: pid, HouseholdID: h.ID,
		VehicleID: vehicle, IncidentType: typ, Category: category, PaidAmount: paid})
}

func scenario(t *testing.T, name string) Scenario {
	i := slices.IndexFunc(Scenarios, func(sc Scenario) bool { return sc.Name == name })
	require.GreaterOrEqual(t, i, 0, "no scenario %s", name)
	return Scenarios[i]
}

// Each scenario's predicate against households that show it and, beside
// each, one that just misses it.
func TestPredicates(t *testing.T) {
	adult := "primary:40:full:valid"
	cases := []struct {
		scenario string
		h        *Household
		shows    []string // nil: the household does not show it
	}{
		{"teen-driver", hh("1", []string{adult, "child:17:full:valid"}, func(h *Household) { car(h, 2, nil) }), []string{"PER-1-2"}},
		{"teen-driver", hh("2", []string{adult, "child:18:full:valid"}, func(h *Household) { car(h, 2, nil) }), nil},
		{"teen-driver", hh("3", []string{adult, "child:16:full:valid"}, func(h *Household) { car(h, 1, nil) }), nil},
		{"teen-driver", hh("4", []string{adult, "child:17:learner_permit:valid"}, func(h *Household) { car(h, 2, nil) }), nil},
		{"teen-driver", hh("5", []string{adult, "child:17:full:expired"}, func(h *Household) { car(h, 2, nil) }), nil},

		{"learner-permit", hh("1", []string{adult, "child:16:learner_permit:valid"}, nil), []string{"PER-1-2"}},
		{"learner-permit", hh("2", []string{adult, "child:16:unlicensed:-"}, nil), nil},

		{"multi-vehicle-family", hh("1", []string{adult, "spouse:40:full:valid", "child:17:unlicensed:-"}, func(h *Household) { car(h, 1, nil); car(h, 2, nil) }), []string{"VEH-1-1", "VEH-1-2"}},
		{"multi-vehicle-family", hh("2", []string{adult, "spouse:40:full:valid", "child:17:unlicensed:-"}, func(h *Household) { car(h, 1, nil) }), nil},
		{"multi-vehicle-family", hh("3", []string{adult, "other:40:full:valid", "child:17:unlicensed:-"}, func(h *Household) { car(h, 1, nil); car(h, 2, nil) }), nil},
		{"multi-vehicle-family", hh("4", []string{adult, "spouse:40:full:valid"}, func(h *Household) { car(h, 1, nil); car(h, 2, nil) }), nil},

		{"senior-driver", hh("1", []string{"primary:70:full:valid"}, func(h *Household) { car(h, 1, nil) }), []string{"PER-1-1"}},
		{"senior-driver", hh("2", []string{"primary:69:full:valid"}, func(h *Household) { car(h, 1, nil) }), nil},
		{"senior-driver", hh("3", []string{"primary:80:full:valid"}, nil), nil},

		{"ev-owner", hh("1", []string{adult}, func(h *Household) { car(h, 1, func(v *model.Vehicle) { v.FuelType = "electric" }) }), []string{"VEH-1-1"}},
		{"ev-owner", hh("2", []string{adult}, func(h *Household) { car(h, 1, func(v *model.Vehicle) { v.FuelType = "plug_in_hybrid" }) }), nil},

		{"leased-vehicle", hh("1", []string{adult}, func(h *Household) { car(h, 1, func(v *model.Vehicle) { v.Ownership = "leased" }) }), []string{"VEH-1-1"}},
		{"leased-vehicle", hh("2", []string{adult}, func(h *Household) { car(h, 1, func(v *model.Vehicle) { v.Ownership = "financed" }) }), nil},

		{"garaged-away", hh("1", []string{adult, "child:19:full:valid"}, func(h *Household) { car(h, 2, func(v *model.Vehicle) { v.GaragedAway = "true" }) }), []string{"VEH-1-1"}},
		{"garaged-away", hh("2", []string{adult, "child:19:full:valid"}, func(h *Household) { car(h, 2, nil) }), nil},

		{"rideshare", hh("1", []string{adult}, func(h *Household) { car(h, 1, func(v *model.Vehicle) { v.Usage = "rideshare" }) }), []string{"VEH-1-1"}},
		{"rideshare", hh("2", []string{adult}, func(h *Household) { car(h, 1, func(v *model.Vehicle) { v.Usage = "business" }) }), nil},

		{"farm-vehicle", hh("1", []string{adult}, func(h *Household) { car(h, 1, func(v *model.Vehicle) { v.Usage = "farm" }) }), []string{"VEH-1-1"}},
		{"farm-vehicle", hh("2", []string{adult}, func(h *Household) { car(h, 1, nil) }), nil},

		{"no-vehicle-household", hh("1", []string{adult, "spouse:40:full:valid"}, nil), []string{"PER-1-1", "PER-1-2"}},
		{"no-vehicle-household", hh("2", []string{adult}, func(h *Household) { car(h, 1, nil) }), nil},

		{"expired-licence", hh("1", []string{"primary:40:full:expired"}, nil), []string{"PER-1-1"}},
		{"expired-licence", hh("2", []string{adult}, nil), nil},

		{"suspended-licence", hh("1", []string{"primary:40:full:suspended"}, nil), []string{"PER-1-1"}},
		{"suspended-licence", hh("2", []string{"primary:40:full:revoked"}, nil), nil},
		{"revoked-licence", hh("1", []string{"primary:40:full:revoked"}, nil), []string{"PER-1-1"}},
		{"revoked-licence", hh("2", []string{"primary:40:full:suspended"}, nil), nil},

		{"excluded-driver", hh("1", []string{adult, "spouse:40:unlicensed:-", "child:20:full:suspended", "other:30:full:revoked"}, func(h *Household) { car(h, 1, nil) }), []string{"PER-1-2", "PER-1-3", "PER-1-4"}},
		{"excluded-driver", hh("2", []string{"primary:40:full:suspended", "spouse:40:full:expired"}, func(h *Household) { car(h, 1, nil) }), nil},
		{"excluded-driver", hh("3", []string{adult, "spouse:40:unlicensed:-"}, nil), nil},

		{"dui-sr22", hh("1", []string{adult}, func(h *Household) {
			h.Persons[0].FinancialFiling = "SR-22"
			event(h, 1, "dui", "violation", 0, "")
		}), []string{"PER-1-1", "INC-PER-1-1-01"}},
		{"dui-sr22", hh("2", []string{adult}, func(h *Household) { h.Persons[0].FinancialFiling = "SR-22" }), nil},
		{"dui-sr22", hh("3", []string{adult}, func(h *Household) {
			h.Persons[0].FinancialFiling = "FR-44"
			event(h, 1, "dui", "violation", 0, "")
		}), nil},
		{"dui-fr44", hh("1", []string{adult}, func(h *Household) {
			h.Persons[0].FinancialFiling = "FR-44"
			event(h, 1, "speeding_1_10", "violation", 0, "")
			event(h, 1, "dui", "violation", 0, "")
		}), []string{"PER-1-1", "INC-PER-1-1-02"}},
		{"dui-fr44", hh("2", []string{adult}, func(h *Household) { h.Persons[0].FinancialFiling = "FR-44" }), nil},

		{"coverage-lapse", hh("1", []string{adult}, func(h *Household) { h.Persons[0].CoverageLapseDays = 7 }), []string{"PER-1-1"}},
		{"coverage-lapse", hh("2", []string{adult}, nil), nil},

		{"at-fault-accident", hh("1", []string{adult}, func(h *Household) {
			car(h, 1, nil)
			event(h, 1, "at_fault_accident", "accident", 6551, "VEH-1-1")
		}), []string{"INC-PER-1-1-01"}},
		{"at-fault-accident", hh("2", []string{adult}, func(h *Household) { event(h, 1, "at_fault_accident", "accident", 6551, "") }), nil},
		{"at-fault-accident", hh("3", []string{adult}, func(h *Household) {
			car(h, 1, nil)
			event(h, 1, "at_fault_accident", "accident", 0, "VEH-3-1")
		}), nil},
		{"at-fault-accident", hh("4", []string{adult}, func(h *Household) {
			car(h, 1, nil)
			event(h, 1, "not_at_fault_accident", "accident", 0, "VEH-4-1")
		}), nil},

		{"comprehensive-claim", hh("1", []string{adult}, func(h *Household) {
			car(h, 1, nil)
			event(h, 1, "comprehensive_glass", "claim", 400, "VEH-1-1")
		}), []string{"INC-PER-1-1-01"}},
		{"comprehensive-claim", hh("2", []string{adult}, func(h *Household) { event(h, 1, "reckless", "violation", 0, "") }), nil},

		{"high-risk-driver", hh("1", []string{adult, "child:17:full:valid"}, func(h *Household) { h.Profiles[1].RiskTier = "high" }), []string{"PER-1-2"}},
		{"high-risk-driver", hh("2", []string{adult}, func(h *Household) { h.Profiles[0].RiskTier = "medium" }), nil},

		{"clean-record", hh("1", []string{adult, "spouse:40:full:valid"}, func(h *Household) { car(h, 1, nil) }), []string{"PER-1-1", "PER-1-2"}},
		{"clean-record", hh("2", []string{adult, "spouse:40:full:valid"}, func(h *Household) {
			car(h, 1, nil)
			h.Profiles[1].RiskTier = "medium"
		}), nil},
		{"clean-record", hh("3", []string{adult, "child:16:learner_permit:valid"}, func(h *Household) { car(h, 1, nil) }), nil},
		{"clean-record", hh("4", []string{adult}, func(h *Household) {
			car(h, 1, nil)
			event(h, 1, "comprehensive_glass", "claim", 400, "VEH-4-1")
		}), nil},
		{"clean-record", hh("5", []string{adult}, nil), nil},
	}
	tested := map[string]bool{}
	for _, c := range cases {
		t.Run(c.scenario+"/"+c.h.ID, func(t *testing.T) {
			require.Equal(t, c.shows, scenario(t, c.scenario).Shows(c.h))
		})
		tested[c.scenario] = true
	}
	for _, sc := range Scenarios {
		require.True(t, tested[sc.Name], "scenario %s has no predicate test", sc.Name)
	}
}

func TestSelectorTakesTheSmallestThenTheFirst(t *testing.T) {
	sc := scenario(t, "expired-licence")
	big := hh("1", []string{"primary:40:full:expired", "spouse:40:full:valid"}, nil)
	none := hh("2", []string{"primary:40:full:valid"}, nil)
	small := hh("3", []string{"primary:40:full:expired"}, nil)
	tie := hh("4", []string{"primary:50:full:expired"}, nil)
	s := NewSelector([]Scenario{sc})
	for _, h := range []*Household{big, none, small, tie} {
		s.Add(h)
	}
	picks, err := s.Picks()
	require.NoError(t, err)
	require.Len(t, picks, 1)
	require.Same(t, small, picks[0].Household, "the smallest, and of equals the first")
	require.Equal(t, []string{"PER-3-1"}, picks[0].ShownBy)

	// Vehicles and incidents count towards the size, profiles do not.
	withCar := hh("5", []string{"primary:40:full:expired"}, func(h *Household) { car(h, 1, nil) })
	s = NewSelector([]Scenario{sc})
	s.Add(withCar)
	s.Add(tie)
	picks, err = s.Picks()
	require.NoError(t, err)
	require.Same(t, tie, picks[0].Household)
	require.Equal(t, 2, withCar.Size())
}

func TestMissingScenariosAreNamed(t *testing.T) {
	s := NewSelector(Scenarios)
	s.Add(hh("1", []string{"primary:40:full:expired"}, nil))
	s.Add(hh("2", []string{"primary:40:full:valid"}, func(h *Household) { car(h, 1, func(v *model.Vehicle) { v.FuelType = "electric" }) }))
	picks, err := s.Picks()
	require.Nil(t, picks)
	var me *MissingError
	require.True(t, errors.As(err, &me), "%v", err)
	require.EqualValues(t, 2, me.Households)
	var names []string
	for _, sc := range me.Scenarios {
		names = append(names, sc.Name)
	}
	require.NotContains(t, names, "expired-licence")
	require.NotContains(t, names, "ev-owner")
	require.Contains(t, names, "teen-driver")
	require.Len(t, names, len(Scenarios)-4) // expired-licence, ev-owner, clean-record, no-vehicle-household are shown
	msg := err.Error()
	require.Contains(t, msg, "no household of the 2 in the snapshot shows")
	for _, n := range names {
		require.Contains(t, msg, n)
	}
	require.Contains(t, msg, "Nothing was written")

	s = NewSelector([]Scenario{scenario(t, "dui-fr44")})
	s.Add(hh("1", []string{"primary:40:full:valid"}, nil))
	_, err = s.Picks()
	require.ErrorContains(t, err, "shows scenario dui-fr44 (")
}
