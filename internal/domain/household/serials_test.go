package household

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/quota"
)

// Members' and vehicles' serials are unique within a state, below Max, and
// the same whichever order households are asked in.
func TestSerialsAreUniqueAndDense(t *testing.T) {
	q, err := quota.New([]int64{50, 30, 20}, 9)
	require.NoError(t, err)
	x := NewSerials(4, q)
	const n = 60_000
	persons := make([]map[uint64]bool, 3)
	cars := make([]map[uint64]bool, 3)
	for c := range persons {
		persons[c], cars[c] = map[uint64]bool{}, map[uint64]bool{}
	}
	var wantP, wantV [3]uint64 // one past each state's highest serials
	for i := int64(0); i < n; i++ {
		st, p, v, err := x.Of(i)
		require.NoError(t, err)
		h := Plan(4, i, uncut)
		wantP[st] = max(wantP[st], p+uint64(h.Size))
		wantV[st] = max(wantV[st], v+uint64(h.Vehicles))
		for m := range h.Size {
			require.False(t, persons[st][p+uint64(m)], "person serial %d of state %d twice", p+uint64(m), st)
			persons[st][p+uint64(m)] = true
		}
		for k := range h.Vehicles {
			require.False(t, cars[st][v+uint64(k)], "vehicle serial twice")
			cars[st][v+uint64(k)] = true
		}
	}
	for c := range persons {
		maxP, maxV, err := x.Max(c, n)
		require.NoError(t, err)
		require.Equal(t, [2]uint64{wantP[c], wantV[c]}, [2]uint64{maxP, maxV}, "state %d: Max is one past the highest serials", c)
		for s := range persons[c] {
			require.Less(t, s, maxP)
		}
		for s := range cars[c] {
			require.Less(t, s, maxV)
		}
		// A block's serials stay within its budget, near the block's mean.
		require.LessOrEqual(t, maxP, x.persons[c], "state %d", c)
		require.LessOrEqual(t, maxV, x.cars[c], "state %d", c)
	}
	// Asked out of order, from another instance: the same serials.
	y := NewSerials(4, q)
	for _, i := range []int64{59_999, 3, 31_000, 0} {
		a1, b1, c1, _ := x.Of(i)
		a2, b2, c2, _ := y.Of(i)
		require.Equal(t, [3]uint64{uint64(a1), b1, c1}, [3]uint64{uint64(a2), b2, c2})
	}
	require.Equal(t, int64(3), Count(4, int64(Plan(4, 0, uncut).Size+Plan(4, 1, uncut).Size+1)).Households, "households of a run")
}

// Workers asking at once, across block boundaries, get the serials one
// asker gets (tables are made under a lock and read without one).
func TestSerialsConcurrently(t *testing.T) {
	q, err := quota.New([]int64{50, 30, 20}, 9)
	require.NoError(t, err)
	type answer struct {
		state       int
		person, car uint64
		err         error
	}
	ask := func(x *Serials, i int64) answer {
		st, p, v, err := x.Of(i)
		return answer{st, p, v, err}
	}
	indexes := []int64{0, 1<<20 - 1, 1 << 20, 5, 2<<20 + 7, 1<<20 + 3, 3<<20 + 1, 2}
	one := NewSerials(4, q)
	var want []answer
	for _, i := range indexes {
		want = append(want, ask(one, i))
		require.NoError(t, want[len(want)-1].err)
	}
	many := NewSerials(4, q)
	got := make([][]answer, 4)
	var wg sync.WaitGroup
	for w := range got {
		wg.Go(func() {
			for k := range indexes {
				got[w] = append(got[w], ask(many, indexes[(k+w)%len(indexes)]))
			}
		})
	}
	wg.Wait()
	for w := range got {
		for k := range indexes {
			require.Equal(t, want[(k+w)%len(indexes)], got[w][k], "worker %d", w)
		}
	}
}

// Place gives each household what Of gives it, across a block boundary and
// with more blocks than are cached.
func TestPlaceIsOf(t *testing.T) {
	q, err := quota.New([]int64{50, 30, 20}, 9)
	require.NoError(t, err)
	x := NewSerials(4, q)
	var hs []model.Household
	for _, i := range []int64{1<<20 - 3, 1<<20 - 2, 1<<20 - 1, 1 << 20, 1<<20 + 1, 7, 2 << 20, 3<<20 + 5, 9} {
		hs = append(hs, model.Household{Index: i})
	}
	require.NoError(t, x.Place(hs))
	for _, h := range hs {
		st, p, v, err := x.Of(h.Index)
		require.NoError(t, err)
		require.Equal(t, model.Household{Index: h.Index, State: st, PersonSerial: p, VehicleSerial: v, Placed: true}, h)
	}
}
