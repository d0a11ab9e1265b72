package vehicle

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
	"github.com/synthpipe/synthpipe/internal/domain/stream"
)

// modelAndYear ends, with a model year in range, for every reference year
// the config accepts and every allowed max age; before that range it could
// spin forever.
func TestModelAndYearEndsForEverySupportedYear(t *testing.T) {
	ref := refdata.MustDefault()
	run := &model.Run{Seed: 1, ReferenceDate: model.DateOf(2026, 1, 1)}
	r := stream.New(1, stream.Vehicle, 0)
	for year := model.MinReferenceDate.Year(); year <= model.MaxReferenceDate.Year(); year++ {
		for maxAge := 0; maxAge <= MaxAge; maxAge++ {
			share := FitShare(ref, year, maxAge)
			// At 0.5 a vehicle fails maxDraws with chance 2^-1000.
			require.GreaterOrEqual(t, share, 0.5, "year %d, max age %d", year, maxAge)
			s := New(run, ref, maxAge)
			for i := range 50 {
				r.Reset(1, stream.Vehicle, uint64(i))
				m, y, ok := s.modelAndYear(r, year)
				require.True(t, ok)
				require.GreaterOrEqual(t, y, max(m.YearFrom, year-maxAge))
				require.LessOrEqual(t, y, year+1)
			}
		}
	}
}

// Before any model was built, the stage refuses to build instead of hanging,
// and a stage built anyway gives up after maxDraws.
func TestNoFittingModelIsAnError(t *testing.T) {
	ref := refdata.MustDefault()
	for _, year := range []int{1, 1950, 1963} {
		require.Zero(t, FitShare(ref, year, MaxAge), year)
		s := New(&model.Run{Seed: 1, ReferenceDate: model.DateOf(2026, 1, 1)}, ref, MaxAge)
		_, _, ok := s.modelAndYear(stream.New(1, stream.Vehicle, 0), year)
		require.False(t, ok)
	}
}
