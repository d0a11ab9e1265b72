package incident

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The memo returns math.Exp(-lambda) exactly, for repeated and colliding
// lambdas alike (4 times the entries, each asked twice over).
func TestExpNegIsExp(t *testing.T) {
	var c expNeg
	r := rand.New(rand.NewPCG(1, 2))
	lambdas := []float64{1e-300, 0.04, 1, 744, 746, 1e300, math.Inf(1)}
	for range 4 << expNegBits {
		lambdas = append(lambdas, r.Float64()*0.3, float64(r.IntN(500))/1000)
	}
	for range 2 {
		for _, l := range lambdas {
			if got, want := c.of(l), math.Exp(-l); got != want {
				t.Fatalf("exp(-%v) = %v, want %v", l, got, want)
			}
		}
	}
}
