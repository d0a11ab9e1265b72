package verify

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/entity"
)

// PerParent ids are checked by order, not contiguity: gaps pass, a repeat
// or a step back breaks id_per_parent, a malformed id is left to the row
// check; contiguous ids keep id_unique_contiguous.
func TestPerParentSequence(t *testing.T) {
	rep := newReport("")
	q := &perParentSequence{prefix: "INC-", entity: "incident", column: "incident_id"}
	for i, id := range []string{"INC-0000000001-01", "INC-0000000001-02", "INC-0000000042-01", "bad", "INC-0000000042-01", "INC-0000000007-03", "INC-0000000050-01"} {
		q.next(id, "incidents_v0_2.csv", int64(i+1), rep)
	}
	require.Len(t, rep.rules, 1)
	rr := rep.rules[entity.RuleIDPerParent]
	require.NotNil(t, rr)
	require.Equal(t, int64(2), rr.Count)
	require.Equal(t, "INC-0000000042-01 after INC-0000000042-01", rr.Examples[0].Value)
	require.Equal(t, "INC-0000000007-03 after INC-0000000042-01", rr.Examples[1].Value)

	rep = newReport("")
	c := &idSequence{prefix: "NOT-", entity: "note", column: "note_id"}
	for i, id := range []string{"NOT-0000000001", "NOT-0000000003"} {
		c.next(id, "notes_v0_2.csv", int64(i+1), rep)
	}
	require.Len(t, rep.rules, 1)
	require.NotNil(t, rep.rules["id_unique_contiguous"])
}
