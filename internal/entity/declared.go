package entity

import (
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/formats/encode"
	"github.com/synthpipe/synthpipe/internal/formats/readback"
)

// Declared is an entity declared with row type T. It implements Entity;
// generators and tests use Rows for typed access.
type Declared[T any] struct {
	def   Def[T]
	rules map[string]bool        // the names of def.Rules
	csv   *encode.CSVEncoder[T]  // def.Columns, prepared once for every row
	json  *encode.JSONEncoder[T] // likewise
}

func newDeclared[T any](d Def[T], rules map[string]bool) *Declared[T] {
	return &Declared[T]{def: d, rules: rules, csv: encode.NewCSVEncoder(d.Columns), json: encode.NewJSONEncoder(d.Columns)}
}

// Rows returns b's row slice of this entity, for a generator to append to.
func (e *Declared[T]) Rows(b *model.Batch) *[]T { return e.def.Rows(b) }

func (e *Declared[T]) Name() string     { return e.def.Name }
func (e *Declared[T]) Singular() string { return e.def.Singular }
func (e *Declared[T]) IDPrefix() string { return e.def.IDPrefix }
func (e *Declared[T]) Rules() []Rule    { return e.def.Rules }
func (e *Declared[T]) IDs() IDScheme    { return e.def.IDs }
func (e *Declared[T]) Parent() string   { return e.def.Parent }

func (e *Declared[T]) Columns() []ColumnInfo {
	out := make([]ColumnInfo, len(e.def.Columns))
	for i, c := range e.def.Columns {
		out[i] = ColumnInfo{Name: c.Name, Kind: c.Kind, Nullable: c.Nullable, Enum: c.Enum, Pattern: c.Pattern, Doc: c.Doc}
	}
	return out
}

func (e *Declared[T]) Len(b *model.Batch) int { return len(*e.def.Rows(b)) }

func (e *Declared[T]) RowID(b *model.Batch, i int) string { return e.def.ID(&(*e.def.Rows(b))[i]) }

func (e *Declared[T]) CheckBatch(b *model.Batch, run *model.Run, report func(id, rule, column, value string)) {
	rows := *e.def.Rows(b)
	prev := ""
	row := rowReporter{entity: e.def.Name, rules: e.rules, to: report}
	rowReport := row.report // one closure for the batch, not two per row
	for i := range rows {
		id := e.def.ID(&rows[i])
		row.id = id
		if e.def.IDs == PerParent {
			e.checkPerParent(id, rowReport)
			if prev != "" && id <= prev {
				report(id, RuleIDPerParent, e.def.Columns[0].Name, id+" after "+prev)
			}
			prev = id
		}
		if e.def.Check != nil {
			e.def.Check(&rows[i], rowReport)
		}
	}
	e.CheckAcross(b, run, report)
}

// rowReporter reports what the checks of one row find, under its id, and
// holds them to the entity's declared rules: a rule Check reports must be
// in Rules, so docs/rules.md lists it.
type rowReporter struct {
	entity string
	rules  map[string]bool
	id     string
	to     func(id, rule, column, value string)
}

func (r *rowReporter) report(rule, column, value string) {
	if !r.rules[rule] {
		panic(fmt.Sprintf("entity %s: Check reports rule %q, not in its Rules", r.entity, rule))
	}
	r.to(r.id, rule, column, value)
}

func (e *Declared[T]) CheckAcross(b *model.Batch, run *model.Run, report func(id, rule, column, value string)) {
	if e.def.CheckAcross != nil {
		e.def.CheckAcross(b, run, report)
	}
}

// checkPerParent reports a PerParent id that does not have its form.
func (e *Declared[T]) checkPerParent(id string, report Report) {
	if _, _, ok := ParsePerParentID(e.def.IDPrefix, id); !ok {
		report(RuleIDPerParent, e.def.Columns[0].Name, id)
	}
}

func (e *Declared[T]) AppendCSVHeader(dst []byte) []byte {
	return encode.CSVHeader(dst, e.def.Columns)
}

func (e *Declared[T]) AppendCSVRow(dst []byte, b *model.Batch, i int) []byte {
	return e.csv.AppendRow(dst, &(*e.def.Rows(b))[i])
}

func (e *Declared[T]) AppendCSVRows(dst []byte, b *model.Batch, from, limit int) ([]byte, int) {
	return e.csv.AppendRows(dst, *e.def.Rows(b), from, limit)
}

func (e *Declared[T]) AppendJSONRow(dst []byte, b *model.Batch, i int) []byte {
	return e.json.AppendObject(dst, &(*e.def.Rows(b))[i])
}

func (e *Declared[T]) AppendJSONRows(dst []byte, b *model.Batch, from, limit int, sep string) ([]byte, int) {
	return e.json.AppendObjects(dst, *e.def.Rows(b), from, limit, sep)
}

// ---- Parquet ----

// Table is one Parquet file being written.
type Table interface {
	// Write adds the batch's rows of the entity.
	Write(b *model.Batch) error
	// Close flushes the last rows and the footer; it returns the rows written.
	Close() (int64, error)
}

// ParquetChunkRows is how many rows go into each parquet-go Write call,
// whatever the batch size: Parquet bytes depend on how rows are split into
// Write calls. Changing it changes the bytes of every Parquet file.
const ParquetChunkRows = 4096

func (e *Declared[T]) NewParquet(w io.Writer, rowGroupRows int64, createdBy [2]string) Table {
	pw := parquet.NewGenericWriter[T](w,
		parquet.Compression(&parquet.Snappy),
		parquet.MaxRowsPerRowGroup(rowGroupRows),
		parquet.CreatedBy(createdBy[0], createdBy[1], ""),
	)
	return &parquetTable[T]{e: e, w: pw, chunk: make([]T, 0, ParquetChunkRows)}
}

type parquetTable[T any] struct {
	e     *Declared[T]
	w     *parquet.GenericWriter[T]
	chunk []T
	rows  int64
}

func (t *parquetTable[T]) Write(b *model.Batch) error {
	rows := *t.e.def.Rows(b)
	for len(rows) > 0 {
		n := min(len(rows), ParquetChunkRows-len(t.chunk))
		t.chunk = append(t.chunk, rows[:n]...)
		rows = rows[n:]
		if len(t.chunk) == ParquetChunkRows {
			if err := t.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *parquetTable[T]) flush() error {
	if len(t.chunk) == 0 {
		return nil
	}
	if _, err := t.w.Write(t.chunk); err != nil {
		return fmt.Errorf("parquet %s: %w", t.e.def.Name, err)
	}
	t.rows += int64(len(t.chunk))
	clear(t.chunk) // drop string references so the chunk pins no batch
	t.chunk = t.chunk[:0]
	return nil
}

func (t *parquetTable[T]) Close() (int64, error) {
	err := t.flush()
	if cerr := t.w.Close(); err == nil {
		err = cerr
	}
	return t.rows, err
}

// ---- reading back ----

// Reader streams an entity's records back from a file, one at a time.
type Reader interface {
	// Next reads the next record; io.EOF at the end. Any other error ends
	// the reading (a *readback.CellError or *readback.RecordError leaves a
	// record that may still be looked at).
	Next() error
	// Row is the 1-based number of the last record read.
	Row() int64
	// ID is the current record's id ("" when it could not be read).
	ID() string
	// AppendCSV renders the current record as its CSV row: the canonical
	// form formats are compared by.
	AppendCSV(dst []byte) []byte
	// Check reports the rules the current record breaks on its own: the
	// form of a PerParent id and Def.Check (not Def.CheckAcross).
	Check(report Report)
	// AppendTo adds the current record to b's rows of the entity.
	AppendTo(b *model.Batch)
	Close() error
}

type reader[T any] struct {
	e   *Declared[T]
	src readback.Source[T]
	cur *T
}

func (e *Declared[T]) wrap(src readback.Source[T], err error) (Reader, error) {
	if err != nil {
		return nil, err
	}
	return &reader[T]{e: e, src: src}, nil
}

func (e *Declared[T]) OpenCSV(r io.Reader, c io.Closer) (Reader, error) {
	return e.wrap(readback.NewCSV(r, c, e.def.Columns))
}

func (e *Declared[T]) OpenParquet(r io.ReaderAt, size int64, c io.Closer) (Reader, error) {
	return e.wrap(readback.NewParquet[T](r, size, c))
}

func (e *Declared[T]) OpenJSON(r io.Reader, c io.Closer, check func([]byte) error) (Reader, error) {
	return e.wrap(readback.NewJSON[T](r, c, e.def.Name, check))
}

func (r *reader[T]) Next() error {
	rec, err := r.src.Next()
	r.cur = rec
	return err
}

func (r *reader[T]) Row() int64 { return r.src.Row() }

func (r *reader[T]) ID() string {
	if r.cur == nil {
		return ""
	}
	return r.e.def.ID(r.cur)
}

func (r *reader[T]) AppendCSV(dst []byte) []byte {
	if r.cur == nil {
		return dst
	}
	return r.e.csv.AppendRow(dst, r.cur)
}

func (r *reader[T]) Check(report Report) {
	if r.cur == nil {
		return
	}
	row := rowReporter{entity: r.e.def.Name, rules: r.e.rules, to: func(_, rule, column, value string) { report(rule, column, value) }}
	if r.e.def.IDs == PerParent {
		r.e.checkPerParent(r.e.def.ID(r.cur), row.report)
	}
	if r.e.def.Check != nil {
		r.e.def.Check(r.cur, row.report)
	}
}

func (r *reader[T]) AppendTo(b *model.Batch) {
	if r.cur != nil {
		rows := r.e.def.Rows(b)
		*rows = append(*rows, *r.cur)
	}
}

func (r *reader[T]) Close() error { return r.src.Close() }
