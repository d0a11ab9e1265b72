package stream

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestColumnKindsAreDistinct(t *testing.T) {
	names := []string{"first_name", "middle_name", "last_name", "suffix", "gender", "date_of_birth", "marital_status",
		"relationship", "ssn", "email", "phone", "address_line1", "address_line2", "zip", "license", "make", "model"}
	seen := map[Entity]string{}
	for _, e := range []Entity{Household, Person, Vehicle} {
		for _, n := range names {
			k := Column(e, n)
			require.NotContains(t, seen, k, "%x %s collides with %s", uint64(e), n, seen[k])
			seen[k] = n
		}
	}
}

// A column's draws depend on its own name and the record only: adding a
// column to the set, or drawing more from a neighbour, changes nothing.
func TestColumnsAreIndependent(t *testing.T) {
	a := NewColumns(7, Person, "gender", "first_name")
	b := NewColumns(7, Person, "ssn", "first_name", "gender", "middle_name")
	for idx := uint64(0); idx < 1000; idx++ {
		a.At(idx)
		b.At(idx)
		_ = b.Of(0).Uint64() // a new column drawn first
		_ = b.Of(3).Uint64()
		for k := 0; k < 3; k++ {
			require.Equal(t, a.Of(1).Uint64(), b.Of(1).Uint64(), "first_name of %d", idx)
			require.Equal(t, a.Of(0).Uint64(), b.Of(2).Uint64(), "gender of %d", idx)
		}
	}
	a.At(1)
	x := a.Of(0).Uint64()
	a.At(2)
	require.NotEqual(t, x, a.Of(0).Uint64(), "another record draws another value")
}

// At re-keys every column, to the same record too, and a column is keyed
// to record 0 before any At: each stream starts where New's would.
func TestColumnsAtRekeys(t *testing.T) {
	c := NewColumns(7, Person, "gender", "first_name")
	fresh := func(idx uint64) uint64 { return New(7, Column(Person, "first_name"), idx).Uint64() }
	require.Equal(t, fresh(0), c.Of(1).Uint64(), "before any At")
	for _, idx := range []uint64{5, 5, 6, 5} {
		c.At(idx)
		_ = c.Of(0).Uint64()
		require.Equal(t, fresh(idx), c.Of(1).Uint64(), "record %d", idx)
		require.NotEqual(t, fresh(idx), c.Of(1).Uint64(), "drawn from, not re-keyed, within a record")
	}
}
