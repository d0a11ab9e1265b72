// Package quota assigns records to categories (a household to its state) in
// exact proportions, in a keyed random order, and numbers each record within
// its category, all from the record's index alone.
//
// Indexes are cut into blocks of Block records. Each block holds every
// category exactly its quota (the weights scaled to the block by largest
// remainders) in an order a keyed permutation gives, different in every
// block. So shares are exact at every multiple of Block and within sampling
// noise below it, and a record's serial within its category (block ×
// quota + rank in the block) is unique and dense: what makes licence
// numbers and plates unique within a state without any count of the
// records before it, on any worker or shard.
package quota

import (
	"fmt"
	"math/bits"
	"sort"

	"github.com/synthpipe/synthpipe/internal/domain/stream"
)

// Block is the number of records each block holds: large enough that the
// smallest state's share of it is in the hundreds.
const Block = 1 << 20

// Quota is an allocation of Block slots to categories.
type Quota struct {
	key   uint64
	block uint64   // Block; smaller in tests
	count []uint64 // slots per category
	start []uint64 // first slot of each category; slots [start, start+count)
}

// New allocates Block slots to categories in proportion to weights
// (largest remainders, ties to the lower index). Every category of positive
// weight gets at least one slot. key selects the order within blocks.
func New(weights []int64, key uint64) (*Quota, error) { return newBlock(weights, key, Block) }

func newBlock(weights []int64, key, block uint64) (*Quota, error) {
	if len(weights) == 0 || uint64(len(weights)) > block {
		return nil, fmt.Errorf("quota: %d categories, want 1..%d", len(weights), block)
	}
	var total uint64
	for i, w := range weights {
		if w <= 0 {
			return nil, fmt.Errorf("quota: category %d has weight %d, want > 0", i, w)
		}
		total += uint64(w)
	}
	q := &Quota{key: key, block: block, count: make([]uint64, len(weights)), start: make([]uint64, len(weights))}
	type rem struct {
		i int
		r uint64
	}
	rems := make([]rem, len(weights))
	var given uint64
	for i, w := range weights {
		// w ≤ total, so the 128-bit product over total fits 64 bits.
		hi, lo := bits.Mul64(uint64(w), block)
		c, r := bits.Div64(hi, lo, total)
		if c == 0 {
			c, r = 1, 0
		}
		q.count[i] = c
		given += c
		rems[i] = rem{i, r}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; given < block; k++ {
		q.count[rems[k%len(rems)].i]++
		given++
	}
	// The minimum of one slot can overfill the block when many weights are
	// tiny: take the excess from the largest categories.
	for given > block {
		big := 0
		for i := range q.count {
			if q.count[i] > q.count[big] {
				big = i
			}
		}
		q.count[big]--
		given--
	}
	var s uint64
	for i := range q.count {
		q.start[i] = s
		s += q.count[i]
	}
	return q, nil
}

// Count returns category c's slots per block.
func (q *Quota) Count(c int) uint64 { return q.count[c] }

// Categories returns the number of categories.
func (q *Quota) Categories() int { return len(q.count) }

// Of returns the category of record index and its 0-based serial within
// that category, dense over all records of the category.
func (q *Quota) Of(index uint64) (category int, serial uint64) {
	block, slot := q.Slot(index)
	category = q.CategoryOf(slot)
	return category, block*q.count[category] + slot - q.start[category]
}

// Index inverts Of: the record index of category's serial.
func (q *Quota) Index(category int, serial uint64) uint64 {
	block, rank := serial/q.count[category], serial%q.count[category]
	return q.IndexAt(block, q.start[category]+rank)
}

// BlockSize returns the records of each block (Block).
func (q *Quota) BlockSize() uint64 { return q.block }

// Start returns category c's first slot in every block.
func (q *Quota) Start(c int) uint64 { return q.start[c] }

// Slot returns the block of record index and its slot in the block: the
// slots of a category are [Start(c), Start(c)+Count(c)).
func (q *Quota) Slot(index uint64) (block, slot uint64) {
	block = index / q.block
	o := q.Order(block)
	return block, o.Slot(index)
}

// IndexAt inverts Slot: the record index of a block's slot.
func (q *Quota) IndexAt(block, slot uint64) uint64 {
	o := q.Order(block)
	return o.IndexAt(slot)
}

// Order is the order of one block's records in its slots: Slot and
// IndexAt with the block's permutation set up once, for callers that ask
// about many records of a block.
type Order struct {
	first uint64 // the block's first record
	perm  stream.Permutation
}

// Order returns block's order.
func (q *Quota) Order(block uint64) Order {
	return Order{first: block * q.block, perm: stream.NewPermutation(q.block, stream.Mix(q.key^block))}
}

// Slot returns the slot of record index, which must be of the block.
func (o *Order) Slot(index uint64) uint64 { return o.perm.Of(index - o.first) }

// IndexAt returns the record index of a slot of the block.
func (o *Order) IndexAt(slot uint64) uint64 { return o.first + o.perm.Inverse(slot) }

// CategoryOf returns the category of a slot.
func (q *Quota) CategoryOf(slot uint64) int {
	// The last start at or below slot, by bisection.
	lo, hi := 0, len(q.start)
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if q.start[mid] <= slot {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}
