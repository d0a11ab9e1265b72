package stream

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
	index  uint64
	record uint64 // counts the calls of At: a column keyed under another is stale
	cols   []column
}

// column is one column's stream, the part of its key the column fixes,
// and the At its stream was keyed under.
type column struct {
	key    streamKey
	record uint64
	s      Stream
}

// NewColumns returns the streams of the named columns of entity e.
func NewColumns(seed uint64, e Entity, names ...string) *Columns {
	c := &Columns{record: 1, cols: make([]column, len(names))} // at 1: no column is keyed yet
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
	c.record++
}

// Of returns column i's stream for the current record.
func (c *Columns) Of(i int) *Stream {
	col := &c.cols[i]
	if col.record != c.record {
		col.s.pcg = col.key.at(c.index)
		col.record = c.record
	}
	return &col.s
}
