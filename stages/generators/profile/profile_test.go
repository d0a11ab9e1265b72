package profile_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/testkit"
)

func TestStageMakesOneProfilePerPerson(t *testing.T) {
	mb := testkit.Batch(testkit.Run(120, 4), "profile")
	require.Len(t, mb.Profiles, 120)
	for i := range mb.Profiles {
		require.Equal(t, mb.Persons[i].PersonID, mb.Profiles[i].PersonID)
		require.LessOrEqual(t, mb.Profiles[i].YearsLicensed, mb.Profiles[i].Age-16)
	}
}
