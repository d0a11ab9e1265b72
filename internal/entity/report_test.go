package entity

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A row's checks report under its id, and only rules the entity declares:
// another is a programming error, so docs/rules.md never misses a rule.
func TestRowReporterHoldsChecksToRules(t *testing.T) {
	var got []string
	r := rowReporter{entity: "notes", rules: map[string]bool{"note_stars_range": true}, id: "NOT-0000000001",
		to: func(id, rule, column, value string) { got = append(got, id, rule, column, value) }}
	r.report("note_stars_range", "stars", "9")
	require.Equal(t, []string{"NOT-0000000001", "note_stars_range", "stars", "9"}, got)
	require.PanicsWithValue(t, `entity notes: Check reports rule "note_topic", not in its Rules`, func() { r.report("note_topic", "topic", "x") })
}
