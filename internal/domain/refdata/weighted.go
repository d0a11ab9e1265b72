package refdata

import (
	"math/bits"
	"sort"
)

// Weighted picks an index with probability proportional to its weight.
type Weighted struct {
	cum []uint64
	// guide[k] is the index of the smallest u of the k-th of guideSize equal
	// parts of [0, Total()): Index searches between two neighbours only,
	// not the whole table (surnames and ZIPs run to tens of thousands).
	guide []int32
}

const guideSize = 1024

// Add appends an item of weight w (w > 0).
func (w *Weighted) Add(weight int64) {
	var last uint64
	if n := len(w.cum); n > 0 {
		last = w.cum[n-1]
	}
	w.cum = append(w.cum, last+uint64(weight))
	w.guide = nil
}

// Seal makes the guide that speeds up Index; call it once the table is
// complete, before it is shared. Index is right without it, only slower.
func (w *Weighted) Seal() {
	t := w.Total()
	if len(w.cum) < 64 || t == 0 {
		w.guide = nil
		return
	}
	g := make([]int32, guideSize+1)
	for k := range g {
		g[k] = int32(w.search(partStart(uint64(k), t), 0, len(w.cum)))
	}
	w.guide = g
}

// partStart returns the smallest u in part k of [0, t): ceil(k·t/guideSize).
func partStart(k, t uint64) uint64 {
	hi, lo := bits.Mul64(k, t)
	q, r := bits.Div64(hi, lo, guideSize)
	if r != 0 {
		q++
	}
	return q
}

// Total returns the sum of weights.
func (w *Weighted) Total() uint64 {
	if len(w.cum) == 0 {
		return 0
	}
	return w.cum[len(w.cum)-1]
}

// Index maps u, uniform in [0, Total()), to an item index: the first whose
// cumulative weight exceeds u.
func (w *Weighted) Index(u uint64) int {
	if w.guide == nil {
		return w.search(u, 0, len(w.cum))
	}
	hi, lo := bits.Mul64(u, guideSize)
	k, _ := bits.Div64(hi, lo, w.Total()) // u's part: u < Total, so k < guideSize
	// Index(u) lies in [guide[k], guide[k+1]]: when no index below
	// guide[k+1] exceeds u, search returns guide[k+1] itself.
	return w.search(u, int(w.guide[k]), int(w.guide[k+1]))
}

// search returns the first index in [from, to) whose cumulative weight
// exceeds u (to when none does).
func (w *Weighted) search(u uint64, from, to int) int {
	return from + sort.Search(to-from, func(i int) bool { return w.cum[from+i] > u })
}
