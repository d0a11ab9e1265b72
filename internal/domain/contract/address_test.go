package contract

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// addressByFields is the rule as written: a house number, a space, and at
// least two fields after it.
func addressByFields(s string) bool {
	num, rest, ok := strings.Cut(s, " ")
	if !ok || num == "" || strings.Trim(num, "0123456789") != "" {
		return false
	}
	return len(strings.Fields(rest)) >= 2
}

func TestAddressLineAsFields(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"1", "42", "Main", "St", " ", "  ", "\t", "\n", "\v", "\f", "\r", "\x1c", "\x08", "\u3000", "\u2028", "\u00a0", "\u2003", "\u0085", "x", "\xff", "é", ""}
	for range 100_000 {
		var b strings.Builder
		for range r.IntN(7) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		if got, want := addressLine(s), addressByFields(s); got != want {
			t.Fatalf("addressLine(%q) = %v, want %v", s, got, want)
		}
	}
	for s, want := range map[string]bool{"12 Main St": true, "12 Main": false, "12  Main St": true, "x12 Main St": false, "12 Main\u00a0St": true} {
		if addressLine(s) != want {
			t.Errorf("addressLine(%q) != %v", s, want)
		}
	}
}
