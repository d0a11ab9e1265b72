package quota

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCountsAreProportional(t *testing.T) {
	w := []int64{733_391, 39_538_223, 5_024_279, 1} // AK, CA, AL and a tiny one
	q, err := New(w, 1)
	require.NoError(t, err)
	var sum uint64
	var total int64
	for _, x := range w {
		total += x
	}
	for i, x := range w {
		sum += q.Count(i)
		exact := float64(x) * Block / float64(total)
		require.InDelta(t, exact, float64(q.Count(i)), 1.0, "category %d", i)
	}
	require.Equal(t, uint64(Block), sum)
	require.Equal(t, uint64(1), q.Count(3), "a positive weight keeps a slot")
}

func TestRefusesBadWeights(t *testing.T) {
	_, err := New(nil, 1)
	require.ErrorContains(t, err, "0 categories")
	_, err = New([]int64{3, 0}, 1)
	require.ErrorContains(t, err, "category 1 has weight 0")
}

// Every block holds each category exactly its count, serials are dense and
// unique per category, and Index inverts Of.
func TestBlocksAreExactAndSerialsDense(t *testing.T) {
	const block = 1 << 12
	q, err := newBlock([]int64{5, 3, 2}, 99, block)
	require.NoError(t, err)
	n := uint64(2*block + 1000)
	seen := make([]map[uint64]bool, 3)
	for c := range seen {
		seen[c] = map[uint64]bool{}
	}
	perBlock := make([]uint64, 3)
	for i := uint64(0); i < n; i++ {
		c, s := q.Of(i)
		require.False(t, seen[c][s], "serial %d of %d twice", s, c)
		seen[c][s] = true
		if i < block {
			perBlock[c]++
		}
		if i%7 == 0 {
			require.Equal(t, i, q.Index(c, s))
		}
		require.Less(t, s, q.MaxSerial(c, n))
	}
	for c := range perBlock {
		require.Equal(t, q.Count(c), perBlock[c], "category %d in block 0", c)
		// the first two blocks use serials 0 .. 2*count-1 exactly
		for s := uint64(0); s < 2*q.Count(c); s++ {
			require.True(t, seen[c][s], "category %d serial %d missing", c, s)
		}
	}
}

func TestKeyAndBlockChangeTheOrder(t *testing.T) {
	a, _ := New([]int64{1, 1}, 1)
	b, _ := New([]int64{1, 1}, 2)
	same, sameBlock := 0, 0
	for i := uint64(0); i < 1000; i++ {
		ca, _ := a.Of(i)
		cb, _ := b.Of(i)
		cn, _ := a.Of(i + Block)
		if ca == cb {
			same++
		}
		if ca == cn {
			sameBlock++
		}
	}
	require.InDelta(t, 500, same, 100, "another key, another order")
	require.InDelta(t, 500, sameBlock, 100, "another block, another order")
}

// MaxSerial is the tests' upper bound on the serials category c uses among
// the first n records: every serial Of gives is below it.
func (q *Quota) MaxSerial(c int, n uint64) uint64 {
	return (n + q.block - 1) / q.block * q.count[c]
}
