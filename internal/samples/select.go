package samples

import (
	"fmt"
	"strings"
)

// Pick is the household chosen for a scenario.
type Pick struct {
	Scenario  Scenario
	Household *Household
	// ShownBy are the ids of the records that show the scenario.
	ShownBy []string
}

// Selection states the rule Selector applies, for the files and the index.
const Selection = "the smallest household that shows the scenario (fewest persons, vehicles and incidents together), the first in household id order among equals"

// Selector keeps, for each scenario, the smallest household added that
// shows it; among equals the first one added. Households are added in id
// order, one at a time, so a snapshot of any size is read once and only
// the picks are held.
type Selector struct {
	scenarios  []Scenario
	picks      []*Pick
	households int64
}

// NewSelector returns a selector for the scenarios.
func NewSelector(scenarios []Scenario) *Selector {
	return &Selector{scenarios: scenarios, picks: make([]*Pick, len(scenarios))}
}

// Add offers a household to every scenario. The selector may keep h: give
// each call a household of its own.
func (s *Selector) Add(h *Household) {
	s.households++
	for i, sc := range s.scenarios {
		if p := s.picks[i]; p != nil && p.Household.Size() <= h.Size() {
			continue // not smaller: the earlier household stays
		}
		if ids := sc.Shows(h); len(ids) > 0 {
			s.picks[i] = &Pick{Scenario: sc, Household: h, ShownBy: ids}
		}
	}
}

// Picks returns a pick for every scenario, in scenario order, or a
// *MissingError naming the scenarios no household showed.
func (s *Selector) Picks() ([]Pick, error) {
	var missing []Scenario
	out := make([]Pick, 0, len(s.picks))
	for i, p := range s.picks {
		if p == nil {
			missing = append(missing, s.scenarios[i])
			continue
		}
		out = append(out, *p)
	}
	if len(missing) > 0 {
		return nil, &MissingError{Scenarios: missing, Households: s.households}
	}
	return out, nil
}

// MissingError is a snapshot in which no household shows some scenarios:
// every sample must be there, so none is written.
type MissingError struct {
	Scenarios  []Scenario
	Households int64
}

func (e *MissingError) Error() string {
	names := make([]string, len(e.Scenarios))
	for i, sc := range e.Scenarios {
		names[i] = sc.Name
	}
	what := "scenario " + names[0]
	if len(names) > 1 {
		what = fmt.Sprintf("%d scenarios: %s", len(names), strings.Join(names, ", "))
	}
	return fmt.Sprintf("no household of the %d in the snapshot shows %s (synthpipe samples --help says what each needs); "+
		"take samples from a snapshot that shows every scenario, such as the governed data/snapshots/v0.2. Nothing was written", e.Households, what)
}
