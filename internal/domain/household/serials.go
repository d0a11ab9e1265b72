package household

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/quota"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
	"github.com/synthpipe/synthpipe/internal/domain/stream"
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
	seed          uint64
	keys          stream.Keys // the seed's household keys
	q             *quota.Quota
	persons, cars []uint64 // per state, serials a block may use
	// tables are the blocks last made, newest first. Of reads them without
	// a lock: a table is never changed once made, and the list is replaced,
	// never changed.
	tables atomic.Pointer[[]*blockTable]
	mu     sync.Mutex // serialises making tables, and guards maxes
	maxes  map[int64][2][]uint64
}

// blockTable holds each slot's serials from the start of its state's run
// of slots in one block. A household's slot is anywhere in the block, so
// a lookup misses the cache: its two serials sit side by side.
type blockTable struct {
	block uint64
	order quota.Order
	at    [][2]uint32 // by slot: member serial, vehicle serial
}

// cachedBlocks is how many block tables a Serials keeps (8 MiB each):
// workers on neighbouring batches may straddle a block boundary.
const cachedBlocks = 3

// NewSerials returns the serials of a run's households.
func NewSerials(seed uint64, q *quota.Quota) *Serials {
	x := &Serials{seed: seed, keys: stream.KeysOf(seed, stream.Household), q: q, maxes: map[int64][2][]uint64{}}
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
	block := uint64(index) / x.q.BlockSize()
	t, err := x.table(block)
	if err != nil {
		return 0, 0, 0, err
	}
	slot := t.order.Slot(uint64(index))
	state = x.q.CategoryOf(slot)
	person, vehicle = x.serialsAt(t, slot, state)
	return state, person, vehicle, nil
}

// serialsAt returns the first serials of the household in a slot of t, a
// slot of state's.
func (x *Serials) serialsAt(t *blockTable, slot uint64, state int) (person, vehicle uint64) {
	at := t.at[slot]
	return t.block*x.persons[state] + uint64(at[0]), t.block*x.cars[state] + uint64(at[1])
}

// Place sets every household's state and first serials (as Of) and marks
// it Placed. The slots come first, in a pass of their own, then the table
// reads: each read misses the caches (a block's table is 8 MiB, the slots
// anywhere in it), and reads made back to back are in flight together,
// where a permutation's work between two would keep them one at a time.
// The first pass keeps each household's slot in its PersonSerial.
func (x *Serials) Place(hs []model.Household) error {
	var t *blockTable
	for pass := range 2 {
		for i := range hs {
			h := &hs[i]
			if block := uint64(h.Index) / x.q.BlockSize(); t == nil || t.block != block {
				var err error
				if t, err = x.table(block); err != nil {
					return err
				}
			}
			if pass == 0 {
				slot := t.order.Slot(uint64(h.Index))
				h.State, h.PersonSerial = x.q.CategoryOf(slot), slot
				continue
			}
			h.PersonSerial, h.VehicleSerial = x.serialsAt(t, h.PersonSerial, h.State)
			h.Placed = true
		}
	}
	return nil
}

// table returns a block's table, from the cache or made.
func (x *Serials) table(block uint64) (*blockTable, error) {
	if t := x.cached(block); t != nil {
		return t, nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if t := x.cached(block); t != nil { // made while this call waited
		return t, nil
	}
	t, err := x.load(block)
	if err != nil {
		return nil, err
	}
	tables := []*blockTable{t}
	if old := x.tables.Load(); old != nil {
		tables = append(tables, (*old)[:min(len(*old), cachedBlocks-1)]...)
	}
	x.tables.Store(&tables)
	return t, nil
}

// cached returns a block's table if it is cached, else nil.
func (x *Serials) cached(block uint64) *blockTable {
	if tables := x.tables.Load(); tables != nil {
		for _, t := range *tables {
			if t.block == block {
				return t
			}
		}
	}
	return nil
}

// load makes the table of one block: each slot's serials from the start
// of its state's run of slots.
func (x *Serials) load(block uint64) (*blockTable, error) {
	n := x.q.BlockSize()
	t := &blockTable{block: block, order: x.q.Order(block), at: make([][2]uint32, n)}
	for c := range x.q.Categories() {
		lo, hi := x.q.Start(c), x.q.Start(c)+x.q.Count(c)
		var p, v uint64
		for slot := lo; slot < hi; slot++ {
			t.at[slot] = [2]uint32{uint32(p), uint32(v)}
			size, cars := x.uncut(t.order.IndexAt(slot))
			p += size
			v += cars
		}
		if p > x.persons[c] || v > x.cars[c] {
			// Nine standard deviations or more: a defect, not bad luck.
			return nil, fmt.Errorf("household serials: block %d of category %d holds %d members and %d vehicles, over its budget of %d and %d", block, c, p, v, x.persons[c], x.cars[c])
		}
	}
	return t, nil
}

// uncut returns the members and vehicles of household index's plan at
// full size: Plans are numbered uncut.
func (x *Serials) uncut(index uint64) (members, vehicles uint64) {
	u := x.keys.Of(index)
	size := uncutSize(u)
	return uint64(size), uint64(vehiclesOf(u, size))
}

// uncut is a record count no household reaches: plans at full size.
const uncut = int64(1) << 62

// Max returns the serials state c needs for a run of the given households:
// one past the highest member serial and the highest vehicle serial. Every
// block before the last uses at most its budget; in the last, a household's
// serials follow every slot before it, in the run or not. All states are
// counted in one pass over the run's households of the last block, once
// per household count.
func (x *Serials) Max(c int, households int64) (persons, vehicles uint64, err error) {
	if households <= 0 {
		return 0, 0, nil
	}
	x.mu.Lock()
	m, ok := x.maxes[households]
	x.mu.Unlock()
	if !ok {
		if m, err = x.max(households); err != nil {
			return 0, 0, err
		}
		x.mu.Lock()
		if len(x.maxes) >= 16 { // a server asks for few record counts; keep it so
			clear(x.maxes)
		}
		x.maxes[households] = m
		x.mu.Unlock()
	}
	return m[0][c], m[1][c], nil
}

// max counts Max of every state.
func (x *Serials) max(households int64) ([2][]uint64, error) {
	last := uint64(households-1) / x.q.BlockSize()
	t, err := x.table(last)
	if err != nil {
		return [2][]uint64{}, err
	}
	k := x.q.Categories()
	m := [2][]uint64{make([]uint64, k), make([]uint64, k)}
	for cat := range k {
		m[0][cat], m[1][cat] = last*x.persons[cat], last*x.cars[cat]
	}
	for i := last * x.q.BlockSize(); i < uint64(households); i++ {
		slot := t.order.Slot(i)
		cat := x.q.CategoryOf(slot)
		size, cars := x.uncut(i)
		m[0][cat] = max(m[0][cat], last*x.persons[cat]+uint64(t.at[slot][0])+size)
		m[1][cat] = max(m[1][cat], last*x.cars[cat]+uint64(t.at[slot][1])+cars)
	}
	return m, nil
}

// shared holds one Serials per seed for the run's stages and checks in a
// process: a block's table is made once, not per stage or request. A
// server answers requests of any seed, so it keeps the last few seeds only.
var shared struct {
	sync.Mutex
	m map[uint64]*Serials
}

const sharedSeeds = 4

// Shared returns the process's Serials of a seed over its state quota
// (StateQuota).
func Shared(seed uint64) (*Serials, error) {
	shared.Lock()
	defer shared.Unlock()
	if x, ok := shared.m[seed]; ok {
		return x, nil
	}
	q, err := StateQuota(seed)
	if err != nil {
		return nil, err
	}
	if shared.m == nil {
		shared.m = map[uint64]*Serials{}
	}
	if len(shared.m) >= sharedSeeds {
		for k := range shared.m { // any one: requests of many seeds rebuild
			delete(shared.m, k)
			break
		}
	}
	x := NewSerials(seed, q)
	shared.m[seed] = x
	return x, nil
}

// StateQuota returns the allocation of a seed's households to states:
// exact shares of the 2020 ZCTA population in every block of quota.Block
// households (package quota). The person stage takes a household's state
// from it, and Serials numbers members and vehicles within their state
// over it.
func StateQuota(seed uint64) (*quota.Quota, error) {
	pop, err := refdata.V02()
	if err != nil {
		return nil, err
	}
	w := make([]int64, len(pop.States))
	for i := range pop.States {
		w[i] = pop.States[i].Population
	}
	return quota.New(w, stream.Key(seed, stream.Household, 1<<62))
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
	keys := stream.KeysOf(seed, stream.Household)
	for p := int64(0); p < records; n.Households++ {
		h := plan(keys, n.Households, records-p)
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
