package contract

import (
	"math/rand/v2"
	"testing"

	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/testkit"
)

// The facts a person's checks find hold what derive.KnownOf finds, which
// Compare would find itself: profiles are checked with the facts' Known.
func TestFactsKnowWhatDeriveKnows(t *testing.T) {
	run := testkit.Run(500, 9)
	mb := testkit.Batch(run, "person")
	c, err := New(run.Seed, run.ReferenceDate, func(Violation) {})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 8))
	for i := range mb.Persons {
		p := mb.Persons[i]
		switch r.IntN(4) {
		case 0:
			p.PersonID = []string{"", "PER-x", "PER-00000000000", "PER-0000000000", "per-0000000001"}[r.IntN(5)]
		case 1:
			p.DateOfBirth += model.Date(r.IntN(4000)) - 2000
		}
		f, _, _ := c.factsOf(&p)
		if want := derive.KnownOf(&p, run.ReferenceDate); f.Known != want {
			t.Fatalf("%s: facts know %+v, derive %+v", p.PersonID, f.Known, want)
		}
	}
}
