package refdata

import "sort"

// Weighted picks an index with probability proportional to its weight.
type Weighted struct {
	cum []uint64
}

// Add appends an item of weight w (w > 0).
func (w *Weighted) Add(weight int64) {
	var last uint64
	if n := len(w.cum); n > 0 {
		last = w.cum[n-1]
	}
	w.cum = append(w.cum, last+uint64(weight))
}

// Total returns the sum of weights.
func (w *Weighted) Total() uint64 {
	if len(w.cum) == 0 {
		return 0
	}
	return w.cum[len(w.cum)-1]
}

// Index maps u, uniform in [0, Total()), to an item index.
func (w *Weighted) Index(u uint64) int {
	return sort.Search(len(w.cum), func(i int) bool { return w.cum[i] > u })
}
