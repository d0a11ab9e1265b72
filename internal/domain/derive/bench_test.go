package derive_test

import (
	"testing"

	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/testkit"
)

// BenchmarkProfileAndCompare derives every profile of a batch and compares
// it with the one written, as the profile and validate stages do (the two
// per-person uses of the derivation), for A/B comparisons of it.
func BenchmarkProfileAndCompare(b *testing.B) {
	run := testkit.Run(2000, 3)
	mb := testkit.Batch(run, "profile")
	p0, v0 := mb.Households[0].FirstPerson, mb.Households[0].FirstVehicle
	var pr model.Profile
	for b.Loop() {
		for _, h := range mb.Households {
			vs := mb.Vehicles[h.FirstVehicle-v0 : h.FirstVehicle-v0+int64(h.Vehicles)]
			for k := range int64(h.Size) {
				i := h.FirstPerson - p0 + k
				p := &mb.Persons[i]
				pr = model.Profile{}
				derive.ProfileInto(&pr, p, vs, mb.Histories[i], run.ReferenceDate)
				if derive.Compare(&mb.Profiles[i], p, derive.KnownOf(p, run.ReferenceDate), vs, run.ReferenceDate) != 0 {
					b.Fatalf("%s: the profile written is not the one derived", p.PersonID)
				}
			}
		}
	}
}
