package stream

import "testing"

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
