// Package entity declares what synthpipe writes: each entity (persons,
// vehicles, profiles, and whatever a new package declares) is one Def — its
// name, file stem, id prefix, columns, row rules and where its rows sit in a
// batch — and everything that writes, counts, describes or reads snapshots
// loops over the declared entities: the CSV, Parquet and JSON sinks, the
// metadata counts, the manifest, `synthpipe schema`, readback, `synthpipe
// validate` and merge. Adding an entity is one package that calls Declare
// (with its generator stage and rules) plus a line in the YAML config.
//
// A Def is generic over its row type, so the per-row work of every format
// stays typed; the rest of the program sees the type-erased Entity, with one
// call per batch and entity (or per row for CSV and JSON encoding).
package entity

import (
	"fmt"
	"io"
	"sync"

	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// Rule names a rule an entity's rows are checked by, for docs/rules.md.
type Rule struct{ Name, Description string }

// Report receives one broken rule of the current row.
type Report func(rule, column, value string)

// Def declares an entity whose rows are T, a struct whose fields carry
// `parquet` and `json` tags matching Columns.
type Def[T any] struct {
	// Name is the plural name: the file stem (persons_v0_1.csv), the JSON
	// section, the manifest's entity and the metadata's record_count_<name>.
	Name string
	// Singular names one record in schemas and violations (person).
	Singular string
	// IDPrefix starts every id (PER-); ids run prefix + 10 digits from 1.
	IDPrefix string
	// Columns are the columns in contract order.
	Columns []model.Column[T]
	// ID returns a row's id; the id is the first column.
	ID func(*T) string
	// Rows returns the batch's row slice of this entity. Leave it nil for a
	// new entity: Declare gives it a slot of Batch.Extra.
	Rows func(*model.Batch) *[]T
	// Rules lists the rules Check reports, for docs/rules.md. The rules of
	// persons, vehicles and profiles span households and are checked by
	// internal/domain/contract instead.
	Rules []Rule
	// Check, if set, checks one row and reports what it breaks.
	Check func(row *T, report Report)
}

// Entity is a declared entity as the rest of the program sees it.
type Entity interface {
	Name() string
	Singular() string
	IDPrefix() string
	Columns() []ColumnInfo
	Rules() []Rule
	// Len is the number of rows of this entity in b.
	Len(b *model.Batch) int
	// RowID is the id of b's i-th row of this entity.
	RowID(b *model.Batch, i int) string
	// CheckBatch reports the rules b's rows of this entity break (Def.Check).
	CheckBatch(b *model.Batch, report func(id, rule, column, value string))

	AppendCSVHeader(dst []byte) []byte
	AppendCSVRow(dst []byte, b *model.Batch, i int) []byte
	AppendJSONRow(dst []byte, b *model.Batch, i int) []byte
	// NewParquet starts a Parquet file of this entity on w.
	NewParquet(w io.Writer, rowGroupRows int64, createdBy [2]string) Table

	// OpenCSV, OpenParquet and OpenJSON read the entity back from a file.
	OpenCSV(r io.Reader, c io.Closer) (Reader, error)
	OpenParquet(r io.ReaderAt, size int64, c io.Closer) (Reader, error)
	OpenJSON(r io.Reader, c io.Closer, check func([]byte) error) (Reader, error)
}

// ColumnInfo is a column without its accessor: what schemas and docs read.
type ColumnInfo struct {
	Name     string
	Kind     model.Kind
	Nullable bool
	Enum     []string
	Pattern  string
	Doc      string
}

var (
	mu       sync.RWMutex
	declared []Entity
)

// Declare registers an entity; call it from a package-level var of the
// package that owns it. Declaring a name twice, or a Def without name,
// singular, id prefix, columns or ID, is a programming error.
func Declare[T any](d Def[T]) *Declared[T] {
	if d.Name == "" || d.Singular == "" || d.IDPrefix == "" || len(d.Columns) == 0 || d.ID == nil {
		panic(fmt.Sprintf("entity: %q declared without name, singular, id prefix, columns or ID", d.Name))
	}
	mu.Lock()
	defer mu.Unlock()
	if reserved[d.Name] || reserved[d.Singular] {
		panic("entity: " + d.Name + "/" + d.Singular + " is a name of the snapshot's other documents")
	}
	for _, o := range declared {
		if o.Name() == d.Name || o.Singular() == d.Singular || o.IDPrefix() == d.IDPrefix {
			panic(fmt.Sprintf("entity: %s (%s, %s) clashes with %s (%s, %s): names, singulars and id prefixes are unique", d.Name, d.Singular, d.IDPrefix, o.Name(), o.Singular(), o.IDPrefix()))
		}
	}
	if check := d.Check; check != nil {
		declaredRule := map[string]bool{}
		for _, r := range d.Rules {
			declaredRule[r.Name] = true
		}
		// A rule Check reports must be in Rules, so docs/rules.md lists it.
		d.Check = func(row *T, report Report) {
			check(row, func(rule, column, value string) {
				if !declaredRule[rule] {
					panic(fmt.Sprintf("entity %s: Check reports rule %q, not in its Rules", d.Name, rule))
				}
				report(rule, column, value)
			})
		}
	}
	e := &Declared[T]{def: d}
	if e.def.Rows == nil {
		slot := extraSlots
		extraSlots++
		// Slots are made with the batch (NewBatch), never here: sinks read a
		// batch concurrently, so finding a slot must not write to it.
		e.def.Rows = func(b *model.Batch) *[]T { return &b.Extra[slot].(*rows[T]).items }
		newSlots = append(newSlots, func() model.Resetter { return &rows[T]{} })
	}
	declared = append(declared, e)
	return e
}

var (
	extraSlots int
	newSlots   []func() model.Resetter
	// reserved are the names of the documents beside the entities: the
	// dataset's "metadata" section and the manifest's entities.
	reserved = map[string]bool{"metadata": true, "dataset": true, "manifest": true}
)

// NewBatch returns an empty batch with a row slot for every declared entity;
// every source makes its batches with it.
func NewBatch() *model.Batch {
	mu.RLock()
	defer mu.RUnlock()
	b := &model.Batch{Extra: make([]model.Resetter, len(newSlots))}
	for i, mk := range newSlots {
		b.Extra[i] = mk()
	}
	return b
}

// rows is the Batch.Extra slot of one entity.
type rows[T any] struct{ items []T }

func (r *rows[T]) Reset() { r.items = r.items[:0] }

// All returns the declared entities in declaration order: the order of the
// files' sections, counts and schemas.
func All() []Entity {
	mu.RLock()
	defer mu.RUnlock()
	return append([]Entity(nil), declared...)
}

// Names returns the names of es.
func Names(es []Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Name()
	}
	return out
}

// Of returns the declared entities among names, in declaration order
// (names that are not entities, such as snapshot parts, are skipped).
func Of(names []string) []Entity {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []Entity
	for _, e := range All() {
		if want[e.Name()] {
			out = append(out, e)
		}
	}
	return out
}
