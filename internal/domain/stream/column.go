package stream

import "fmt"

// Column returns the stream kind of one column of an entity. Each column
// draws from its own stream, keyed by (seed, entity, column name, record
// index), as tpchgen-rs keys one generator per column: adding a column, or
// changing how one column draws, leaves every other column's values as they
// were. A column may still read the values of columns made before it (a
// first name fits the gender); it never shares their random draws.
func Column(e Entity, name string) Entity {
	// FNV-1a over the name, then mixed with the entity: names are short
	// ASCII identifiers fixed in code, so collisions would show in the test
	// of every column's kind being distinct.
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	return Entity(Mix(uint64(e) ^ Mix(h)))
}

// Columns is a set of per-column streams of one entity, reset together for
// each record. One per worker: it keeps the streams and allocates nothing
// per record.
type Columns struct {
	index uint64
	ready uint64 // bit i set: column i is keyed to index
	cols  []column
}

// column is one column's stream and the part of its key the column fixes.
type column struct {
	key streamKey
	s   Stream
}

// maxColumns is how many columns a Columns holds: one bit each in ready.
const maxColumns = 64

// NewColumns returns the streams of the named columns of entity e.
func NewColumns(seed uint64, e Entity, names ...string) *Columns {
	if len(names) > maxColumns {
		panic(fmt.Sprintf("stream: %d columns, more than %d", len(names), maxColumns))
	}
	c := &Columns{cols: make([]column, len(names))}
	for i, n := range names {
		col := &c.cols[i]
		col.key = streamKeyOf(seed, Column(e, n))
		col.s.bind() // in the slice, which never moves
	}
	return c
}

// At moves every column to record index. Streams are re-keyed lazily, on
// their first use for the record, so a column a record does not draw costs
// nothing.
func (c *Columns) At(index uint64) {
	c.index = index
	c.ready = 0
}

// Of returns column i's stream for the current record.
func (c *Columns) Of(i int) *Stream {
	col, bit := &c.cols[i], uint64(1)<<(uint(i)%maxColumns)
	if c.ready&bit == 0 {
		col.key.reset(&col.s, c.index)
		c.ready |= bit
	}
	return &col.s
}
