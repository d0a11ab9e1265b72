package household

import (
	"fmt"
	"sync"

	"github.com/synthpipe/synthpipe/internal/domain/quota"
)

// Serials numbers each household's members and vehicles densely within its
// state: a licence number is the state's person serial, a plate the state's
// vehicle serial, each through a keyed permutation into the state's
// reserved range (package ident). Dense numbering matters: a slot of five
// members and four vehicles per household would use about half of each
// range, and the smallest state formats would cap a run far sooner.
//
// The state quota (package quota) puts every household in a block of
// quota.Block households and a slot of it; a state's households hold
// consecutive slots. Within a block a state's serials run in slot order,
// each household taking as many as its plan has members (or vehicles), and
// every block gives each state a fixed budget of serials, a little above
// what its households can hold on average, so a household's serials follow
// from its block alone. Plans are numbered uncut: the last household of a
// run, cut to fit, keeps the serials of its uncut plan, so no serial
// depends on the record count.
type Serials struct {
	seed            uint64
	q               *quota.Quota
	persons, cars   []uint64 // per state, serials a block may use
	mu              sync.Mutex
	block           uint64 // the block the tables below are of; ^0 none
	personAt, carAt []uint32
}

// NewSerials returns the serials of a run's households.
func NewSerials(seed uint64, q *quota.Quota) *Serials {
	x := &Serials{seed: seed, q: q, block: ^uint64(0)}
	for c := range q.Categories() {
		n := q.Count(c)
		// Means are 2.37 members and 1.90 vehicles a household; the budgets
		// leave at least nine standard deviations for the smallest state.
		x.persons = append(x.persons, n*26/10+64)
		x.cars = append(x.cars, n*21/10+64)
	}
	return x
}

// Seed returns the seed the serials are of.
func (x *Serials) Seed() uint64 { return x.seed }

// Of returns household index's state and the first serial of its members
// and of its vehicles within that state; member m has person+m, vehicle v
// has vehicle+v.
func (x *Serials) Of(index int64) (state int, person, vehicle uint64, err error) {
	block, slot := x.q.Slot(uint64(index))
	state = x.q.CategoryOf(slot)
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.load(block); err != nil {
		return 0, 0, 0, err
	}
	return state, block*x.persons[state] + uint64(x.personAt[slot]), block*x.cars[state] + uint64(x.carAt[slot]), nil
}

// load makes the tables of one block: each slot's serials from the start
// of its state's run of slots.
func (x *Serials) load(block uint64) error {
	if x.block == block {
		return nil
	}
	n := x.q.BlockSize()
	if x.personAt == nil {
		x.personAt, x.carAt = make([]uint32, n), make([]uint32, n)
	}
	for c := range x.q.Categories() {
		lo, hi := x.q.Start(c), x.q.Start(c)+x.q.Count(c)
		var p, v uint64
		for slot := lo; slot < hi; slot++ {
			x.personAt[slot], x.carAt[slot] = uint32(p), uint32(v)
			h := Plan(x.seed, int64(x.q.IndexAt(block, slot)), uncut)
			p += uint64(h.Size)
			v += uint64(h.Vehicles)
		}
		if p > x.persons[c] || v > x.cars[c] {
			// Nine standard deviations or more: a defect, not bad luck.
			return fmt.Errorf("household serials: block %d of category %d holds %d members and %d vehicles, over its budget of %d and %d", block, c, p, v, x.persons[c], x.cars[c])
		}
	}
	x.block = block
	return nil
}

// uncut is a record count no household reaches: plans at full size.
const uncut = int64(1) << 62

// Max returns the serials state c needs for a run of the given households:
// one past the highest member serial and the highest vehicle serial. Every
// block before the last uses at most its budget; in the last, a household's
// serials follow every slot before it, in the run or not.
func (x *Serials) Max(c int, households int64) (persons, vehicles uint64) {
	if households <= 0 {
		return 0, 0
	}
	last := uint64(households-1) / x.q.BlockSize()
	persons, vehicles = last*x.persons[c], last*x.cars[c]
	var p, v, endP, endV uint64
	for slot := x.q.Start(c); slot < x.q.Start(c)+x.q.Count(c); slot++ {
		idx := x.q.IndexAt(last, slot)
		h := Plan(x.seed, int64(idx), uncut)
		p += uint64(h.Size)
		v += uint64(h.Vehicles)
		if idx < uint64(households) {
			endP, endV = p, v
		}
	}
	return persons + endP, vehicles + endV
}

// Size is how many households and vehicles a run has.
type Size struct{ Households, Vehicles int64 }

// Count returns the households and vehicles of a run of records persons:
// the plans walked until they hold the records (about 40 ns a household),
// once per process for each seed and count.
func Count(seed uint64, records int64) Size {
	key := [2]uint64{seed, uint64(records)}
	counted.Lock()
	defer counted.Unlock()
	if n, ok := counted.m[key]; ok {
		return n
	}
	var n Size
	for p := int64(0); p < records; n.Households++ {
		h := Plan(seed, n.Households, records-p)
		p += int64(h.Size)
		n.Vehicles += int64(h.Vehicles)
	}
	if counted.m == nil {
		counted.m = map[[2]uint64]Size{}
	}
	counted.m[key] = n
	return n
}

var counted struct {
	sync.Mutex
	m map[[2]uint64]Size
}
