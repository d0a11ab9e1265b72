package stream

import (
	"math/rand/v2"
	"testing"
)

func TestPermuteIsBijection(t *testing.T) {
	for _, n := range []uint64{1, 2, 7, 100, 989901 % 5000, 4096, 10007} {
		seen := make(map[uint64]bool, n)
		for x := uint64(0); x < n; x++ {
			y := PermuteIndex(x, n, 42)
			if y >= n {
				t.Fatalf("n=%d: %d -> %d out of range", n, x, y)
			}
			if seen[y] {
				t.Fatalf("n=%d: %d maps to %d twice", n, x, y)
			}
			seen[y] = true
			if back := UnpermuteIndex(y, n, 42); back != x {
				t.Fatalf("n=%d: unpermute(%d)=%d, want %d", n, y, back, x)
			}
		}
	}
}

func TestStreamDependsOnlyOnKey(t *testing.T) {
	a := New(1, Person, 10)
	first := a.Uint64()
	a.Reset(1, Person, 11)
	_ = a.Uint64()
	a.Reset(1, Person, 10)
	if got := a.Uint64(); got != first {
		t.Fatalf("reset stream gave %d, want %d", got, first)
	}
	if New(2, Person, 10).Uint64() == first || New(1, Vehicle, 10).Uint64() == first {
		t.Fatal("different seed or entity gave the same first draw")
	}
}

// halfWidth's closed form is the smallest width whose square covers n.
func TestHalfWidthIsTheSmallestCovering(t *testing.T) {
	for n := uint64(1); n < 1<<21; n = n*9/8 + 1 {
		for _, m := range []uint64{n, n + 1, n - 1} {
			want := uint(1)
			for (uint64(1) << (2 * want)) < m {
				want++
			}
			if got, mask := halfWidth(m); got != want || mask != 1<<want-1 {
				t.Fatalf("halfWidth(%d) = %d, %d; want %d", m, got, mask, want)
			}
		}
	}
	for _, m := range []uint64{1<<61 + 1, 1 << 62} {
		if got, _ := halfWidth(m); uint64(1)<<(2*got) < m || uint64(1)<<(2*got-2) >= m {
			t.Fatalf("halfWidth(%d) = %d", m, got)
		}
	}
}

// Stream's own draws are rand.Rand's over the same PCG, bound by bound
// (powers of two, small and large bounds, ones that reject often).
func TestDrawsAreRandRands(t *testing.T) {
	bounds := []uint64{1, 2, 3, 7, 64, 100, 1000, 9899, 1 << 40, 1<<63 + 1, 3 << 62, ^uint64(0)}
	for k := range uint64(200) {
		s := New(k, Person, k*7)
		var pcg rand.PCG
		pcg.Seed(Mix(k^uint64(Person)), Mix(k*7^uint64(Person)^k))
		r := rand.New(&pcg)
		for _, n := range bounds {
			if a, b := s.Uint64N(n), r.Uint64N(n); a != b {
				t.Fatalf("Uint64N(%d) = %d, rand.Rand draws %d", n, a, b)
			}
			if n < 1<<62 {
				if a, b := s.IntN(int(n)), r.IntN(int(n)); a != b {
					t.Fatalf("IntN(%d) = %d, rand.Rand draws %d", n, a, b)
				}
			}
			if a, b := s.Float64(), r.Float64(); a != b {
				t.Fatalf("Float64() = %v, rand.Rand draws %v", a, b)
			}
			if a, b := s.Chance(0.3), r.Float64() < 0.3; a != b {
				t.Fatalf("Chance(0.3) = %v, rand.Rand draws %v", a, b)
			}
			if a, b := s.NormFloat64(), r.NormFloat64(); a != b {
				t.Fatalf("NormFloat64() = %v, rand.Rand draws %v", a, b)
			}
			if a, b := s.Uint64(), r.Uint64(); a != b {
				t.Fatalf("Uint64() = %d, rand.Rand draws %d", a, b)
			}
		}
	}
}

// The permutation is the textbook Feistel network: (l, r) becomes
// (r, l ^ F(r)) four times, cycle-walking back into range; the inverse
// undoes it. Domains of up to 2^20 take the tabled rounds in a
// Permutation, wider ones and PermuteIndex the hashed.
func TestPermuteIsTheFeistelNetwork(t *testing.T) {
	feistel := func(x, n, key uint64) uint64 {
		bits, mask := halfWidth(n)
		for {
			l, r := x>>bits, x&mask
			for round := uint64(0); round < 4; round++ {
				l, r = r, l^(Mix(r^key^(round<<56))&mask)
			}
			if x = l<<bits | r; x < n {
				return x
			}
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		n := 2 + rng.Uint64N(1<<rng.UintN(40))
		x, key := rng.Uint64N(n), rng.Uint64()
		p := NewPermutation(n, key)
		want := feistel(x, n, key)
		if got := p.Of(x); got != want {
			t.Fatalf("PermuteIndex(%d, %d, %d) = %d, want %d", x, n, key, got, want)
		}
		if back := p.Inverse(want); back != x {
			t.Fatalf("UnpermuteIndex(%d, %d, %d) = %d, want %d", want, n, key, back, x)
		}
		// The one-index helpers, untabled, agree.
		if got, back := PermuteIndex(x, n, key), UnpermuteIndex(want, n, key); got != want || back != x {
			t.Fatalf("untabled: PermuteIndex = %d, UnpermuteIndex = %d; want %d, %d", got, back, want, x)
		}
	}
}

// PermuteIndex is Permutation.Of over one index, untabled: the reference
// the tabled permutations are held to.
func PermuteIndex(x, n, key uint64) uint64 {
	p := keyed(n, key) // one index: a table would cost more than it saves
	return p.Of(x)
}

// UnpermuteIndex inverts PermuteIndex with the same n and key.
func UnpermuteIndex(y, n, key uint64) uint64 {
	p := keyed(n, key)
	return p.Inverse(y)
}
