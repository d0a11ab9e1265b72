package validate

import (
	"math/rand/v2"
	"testing"

	"github.com/synthpipe/synthpipe/internal/domain/ident"
)

// idSeq.is is id == ident.ID(prefix, index), for runs of indexes (across a
// carry, past 10 digits and below 0), jumps, and ids near the one asked.
func TestIDSeqIsTheIDMade(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	starts := []int64{-3, 0, 8, 98, 12345, 9_999_999_990, 99_999_999_995}
	for _, prefix := range []string{"PER-", "HH-"} {
		s := idSeq{prefix: prefix}
		for range 2000 {
			index := starts[r.IntN(len(starts))] + int64(r.IntN(12))
			for range 1 + r.IntN(20) {
				want := ident.ID(prefix, index)
				ids := []string{want, ident.ID(prefix, index+1), ident.ID(prefix, index-1), want[:len(want)-1], want + "0", "x" + want[1:]}
				id := ids[r.IntN(len(ids))]
				if got := s.is(id, index); got != (id == want) {
					t.Fatalf("is(%q, %d) = %v, want %v", id, index, got, id == want)
				}
				index++
			}
		}
	}
}
