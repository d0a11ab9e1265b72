package refdata

import (
	"math/rand/v2"
	"testing"
)

// A sealed table picks the index an unsealed one picks, for every u of
// small tables and random u of large ones, skewed weights included.
func TestSealedIndexPicksTheSame(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct{ n, most int }{{1, 50}, {63, 50}, {64, 50}, {100, 50}, {1023, 50}, {1024, 50}, {1025, 50}, {5000, 50}, {60000, 50},
		{64, 1}, {700, 1}, {1024, 1}, {1500, 1}, {3000, 2}} { // and totals about the guide's parts
		n := c.n
		var plain, sealed Weighted
		for i := range n {
			wt := int64(1 + r.IntN(c.most))
			if i%97 == 0 && c.most > 1 {
				wt = 1 + r.Int64N(1<<40) // a few heavy items span many guide parts
			}
			plain.Add(wt)
			sealed.Add(wt)
		}
		sealed.Seal()
		if n >= 64 && sealed.guide == nil {
			t.Fatalf("n=%d: no guide", n)
		}
		check := func(u uint64) {
			if a, b := plain.Index(u), sealed.Index(u); a != b {
				t.Fatalf("n=%d u=%d: sealed %d, plain %d", n, u, b, a)
			}
		}
		for i := range 200000 {
			check(r.Uint64N(sealed.Total()))
			if i < n {
				check(sealed.cum[i] - 1) // the last u of item i
				check(sealed.cum[i] % sealed.Total())
			}
		}
		check(0)
		check(sealed.Total() - 1)
	}
}

// BenchmarkIndex picks from the largest tables the generators draw from,
// surnames and a state's ZIPs, at random u.
func BenchmarkIndex(b *testing.B) {
	p, err := V02()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		w    *Weighted
	}{{"surnames", &p.Surnames.Pick}, {"zips", &p.States[4].ZipPick}, {"first", &p.FirstNames[5][0].Pick}} {
		b.Run(c.name, func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			us := make([]uint64, 4096)
			for i := range us {
				us[i] = r.Uint64N(c.w.Total())
			}
			sum := 0
			for i := 0; b.Loop(); i++ {
				sum += c.w.Index(us[i%len(us)])
			}
			_ = sum
		})
	}
}
