package ident

import "unsafe"

// Arena makes many small strings out of few allocations: a batch's
// identifiers are thousands of strings of a dozen bytes, and one block per
// few hundred of them costs far less than one allocation each. A block's
// bytes are written once, before the string over them is made, and never
// again: a full block is left to the strings that hold it and a new one is
// started, never reused. A string of an arena so stays as it was for as
// long as anything holds it, whatever becomes of the arena or the batch.
//
// Append a string's bytes to Free, then pass the result to String:
//
//	p.SSN = a.String(AppendSSN(a.Free(), seed, i))
type Arena struct {
	free []byte // the current block's unwritten tail, length 0
}

const (
	arenaBlock = 32 << 10 // bytes a block holds
	// arenaRoom is the least room Free leaves: more than any identifier
	// takes, so a string rarely outgrows it (when one does, append moves
	// it to an array of its own, which is as safe).
	arenaRoom = 256
)

// Free returns the room after the arena's last string, to append the next
// one to: a slice of length 0.
func (a *Arena) Free() []byte {
	if cap(a.free) < arenaRoom {
		a.free = make([]byte, 0, arenaBlock)
	}
	return a.free
}

// String returns b as a string without copying it and keeps its bytes: b
// must be Free's slice with the string's bytes appended and nothing made
// of it since.
func (a *Arena) String(b []byte) string {
	a.free = b[len(b):]
	return unsafe.String(unsafe.SliceData(b), len(b))
}
