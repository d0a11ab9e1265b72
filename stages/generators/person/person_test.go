package person_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/contract"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/testkit"
	"github.com/synthpipe/synthpipe/stages/generators/person"
)

func TestPersonsKeepTheContract(t *testing.T) {
	run := testkit.Run(500, 11)
	mb := testkit.Batch(run, "person")
	require.Len(t, mb.Persons, 500)
	var found []contract.Violation
	c, err := contract.New(run.Seed, run.ReferenceDate, func(v contract.Violation) { found = append(found, v) })
	require.NoError(t, err)
	c.Batch(mb) // persons and their households' rules
	require.Empty(t, found)

	byHH := map[string][]model.Person{}
	for _, p := range mb.Persons {
		byHH[p.HouseholdID] = append(byHH[p.HouseholdID], p)
	}
	for _, members := range byHH {
		for _, m := range members {
			require.Equal(t, members[0].AddressLine1, m.AddressLine1)
			require.Equal(t, members[0].Zip, m.Zip)
			require.Equal(t, members[0].Phone[:3], m.Phone[:3])
			age := model.YearsBetween(m.DateOfBirth, run.ReferenceDate)
			require.True(t, age >= 16 && age <= 95)
			if m.LicenseType == "unlicensed" {
				continue
			}
			require.GreaterOrEqual(t, m.FirstLicensedDate, m.DateOfBirth.AddYears(16))
			require.Less(t, m.LicenseIssueDate, run.ReferenceDate, "never issued on the reference date")
		}
		require.Equal(t, "primary", members[0].Relationship)
	}
}

func TestSameSeedSameHousehold(t *testing.T) {
	a := testkit.Batch(testkit.Run(50, 5), "person")
	b := testkit.Batch(testkit.Run(50, 5), "person")
	c := testkit.Batch(testkit.Run(50, 6), "person")
	require.Equal(t, a.Persons, b.Persons)
	require.NotEqual(t, a.Persons[0], c.Persons[0])
}

// renewalsBefore counts what a walk over the renewals counts, for first
// licences of every day of 80 years, the cycles in use and leap days.
func TestRenewalsBeforeCountsTheWalk(t *testing.T) {
	walk := func(first, ref model.Date, cycle int) int {
		n := 0
		for first.AddYears((n+1)*cycle) < ref {
			n++
		}
		return n
	}
	for _, ref := range []model.Date{model.DateOf(2026, 1, 1), model.DateOf(2024, 2, 29), model.DateOf(2011, 3, 1)} {
		for first := ref.AddYears(-80); first < ref; first++ {
			for _, cycle := range []int{2, 4, 5, 8, 12} {
				if got, want := person.RenewalsBefore(first, ref, cycle), walk(first, ref, cycle); got != want {
					t.Fatalf("RenewalsBefore(%s, %s, %d) = %d, want %d", first, ref, cycle, got, want)
				}
			}
		}
	}
}
