package contract

import (
	"strings"
	"sync"

	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
)

// lookup indexes what the rules read of a Population for every record, so
// that a record costs an array read where it cost a map lookup by string
// (states, ZIPs) or a sync.Map lookup (reserved prefixes). It is made from
// the Population's own lookups and checked against them, and falls back to
// them if a code does not fit the array; read-only once made, so Checker
// copies share it.
type lookup struct {
	pop *refdata.Population
	// states[26*(a-'A')+(b-'A')] is 1 + the index of state "ab", 0 none;
	// nil when a code is not two capitals.
	states []uint8
	// zips[n] is 1 + the index of the ZIP of five digits n, 0 none; nil
	// when a code is not five digits or there are too many.
	zips []uint16
	// licence and plate reserved prefixes of each state
	// (ident.ReservedPrefixes of its patterns).
	licPrefixes, platePrefixes [][]string
}

var lookups struct {
	sync.Mutex
	m map[*refdata.Population]*lookup
}

// lookupOf returns pop's lookup, made once per process.
func lookupOf(pop *refdata.Population) *lookup {
	lookups.Lock()
	defer lookups.Unlock()
	if l, ok := lookups.m[pop]; ok {
		return l
	}
	l := newLookup(pop)
	if lookups.m == nil {
		lookups.m = map[*refdata.Population]*lookup{}
	}
	lookups.m[pop] = l
	return l
}

func newLookup(pop *refdata.Population) *lookup {
	l := &lookup{pop: pop, states: make([]uint8, 26*26), zips: make([]uint16, 100000)}
	for i := range pop.States {
		st := &pop.States[i]
		if l.states != nil {
			k, ok := stateKey(st.Code)
			if j, found := pop.State(st.Code); !ok || !found || j != i || i >= 255 || l.states[k] != 0 {
				l.states = nil
			} else {
				l.states[k] = uint8(i + 1)
			}
		}
		l.licPrefixes = append(l.licPrefixes, ident.ReservedPrefixes(st.LicenseFormat))
		l.platePrefixes = append(l.platePrefixes, ident.ReservedPrefixes(st.PlateFormat))
	}
	for i := range pop.Zips {
		k, ok := zipKey(pop.Zips[i].Code)
		if z, found := pop.Zip(pop.Zips[i].Code); !ok || !found || z != &pop.Zips[i] || i >= 65535 || l.zips[k] != 0 {
			l.zips = nil
			break
		}
		l.zips[k] = uint16(i + 1)
	}
	return l
}

func stateKey(code string) (int, bool) {
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return 0, false
	}
	return 26*int(code[0]-'A') + int(code[1]-'A'), true
}

func zipKey(code string) (int, bool) {
	if len(code) != 5 {
		return 0, false
	}
	n := 0
	for i := 0; i < 5; i++ {
		c := code[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// state is pop.State.
func (l *lookup) state(code string) (int, bool) {
	if l.states == nil {
		return l.pop.State(code)
	}
	k, ok := stateKey(code)
	if !ok || l.states[k] == 0 {
		return 0, false
	}
	return int(l.states[k]) - 1, true
}

// zip is pop.Zip.
func (l *lookup) zip(code string) (*refdata.Zip, bool) {
	if l.zips == nil {
		return l.pop.Zip(code)
	}
	k, ok := zipKey(code)
	if !ok || l.zips[k] == 0 {
		return nil, false
	}
	return &l.pop.Zips[l.zips[k]-1], true
}

// hasPrefix reports whether s starts with one of prefixes: with a state's
// reserved prefixes, ident.IsReservedLicense or IsReservedPlate of a
// number already known to match the state's pattern.
func hasPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
