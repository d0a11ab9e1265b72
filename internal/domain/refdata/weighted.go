package refdata

import "math/bits"

// Weighted picks an index with probability proportional to its weight.
type Weighted struct {
	cum []uint64
	// guide[k] is the first index whose cumulative weight exceeds k<<shift:
	// Index searches between the two neighbours of u's part of [0, Total())
	// only, not the whole table (surnames and ZIPs run to tens of
	// thousands). Parts of a power of two cost a shift to find, not a
	// division.
	guide []int32
	shift uint
}

// guideBits sets the most parts a guide has: 2^guideBits.
const guideBits = 10

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
	w.shift = uint(max(0, bits.Len64(t-1)-guideBits))
	g := make([]int32, (t-1)>>w.shift+2) // parts, and the end of the last
	for k := range g {
		g[k] = int32(w.search(uint64(k)<<w.shift, 0, len(w.cum)))
	}
	w.guide = g
}

// Total returns the sum of weights.
func (w *Weighted) Total() uint64 {
	if len(w.cum) == 0 {
		return 0
	}
	return w.cum[len(w.cum)-1]
}

// Below returns the sum of the weights of the items before index i.
func (w *Weighted) Below(i int) uint64 {
	if i == 0 {
		return 0
	}
	return w.cum[i-1]
}

// Index maps u, uniform in [0, Total()), to an item index: the first whose
// cumulative weight exceeds u.
func (w *Weighted) Index(u uint64) int {
	if w.guide == nil {
		return w.search(u, 0, len(w.cum))
	}
	// Index(u) lies in [guide[k], guide[k+1]]: when no index below
	// guide[k+1] exceeds u, search returns guide[k+1] itself.
	k := u >> w.shift
	return w.search(u, int(w.guide[k]), int(w.guide[k+1]))
}

// search returns the first index in [from, to) whose cumulative weight
// exceeds u (to when none does).
func (w *Weighted) search(u uint64, from, to int) int {
	for from < to {
		mid := int(uint(from+to) >> 1)
		if w.cum[mid] > u {
			to = mid
		} else {
			from = mid + 1
		}
	}
	return from
}
