package incident

import (
	"math/rand/v2"
	"testing"

	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/entity"
)

// check reports RulePersonMatchesID exactly when the incident id parses
// and person_id is not the id of its parent, over ids damaged at random.
func TestPersonMatchesIDAsParsed(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	damage := func(s string) string {
		if s == "" || r.IntN(3) == 0 {
			return s
		}
		b := []byte(s)
		switch i := r.IntN(len(b)); r.IntN(4) {
		case 0:
			b[i] = "0123456789-PERINCx"[r.IntN(18)]
		case 1:
			b = append(b[:i], b[i+1:]...)
		case 2:
			b = append(b[:i], append([]byte{'9'}, b[i:]...)...)
		default:
			b = b[:i]
		}
		return string(b)
	}
	for range 50_000 {
		parent := int64(r.IntN(20))
		if r.IntN(2) == 0 {
			parent = 9_999_999_990 + int64(r.IntN(9))
		}
		row := Incident{IncidentID: damage(ident.SeqID(IDPrefix, parent, 1+r.IntN(3))), PersonID: damage(ident.ID("PER-", parent+int64(r.IntN(2))))}
		p, _, ok := entity.ParsePerParentID(IDPrefix, row.IncidentID)
		want := ok && row.PersonID != ident.ID("PER-", p)
		got := false
		check(&row, func(rule, _, _ string) { got = got || rule == RulePersonMatchesID })
		if got != want {
			t.Fatalf("%+v: reported %v, want %v", row, got, want)
		}
	}
}

// kindOf is the look-up of kinds, for every type and strings that are none.
func TestKindOfIsKinds(t *testing.T) {
	names := []string{"", "du", "dui ", "Dui", "comprehensive_glasx", "comprehensive_vandalism_and_more_than_that"}
	for name := range kinds {
		names = append(names, name, name[1:], name+"s")
	}
	for _, name := range names {
		want, wok := kinds[name]
		if got, ok := kindOf(name); got != want || ok != wok {
			t.Errorf("kindOf(%q) = %v, %v; want %v, %v", name, got, ok, want, wok)
		}
	}
}
