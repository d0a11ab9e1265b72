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
// call per batch and entity (or per buffer for CSV, per row for JSON
// encoding).
package entity

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"sync"

	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// Rule names a rule an entity's rows are checked by, for docs/rules.md.
type Rule struct {
	Name, Description string
	// Across marks a rule of Def.CheckAcross: it needs the batch's other
	// entities, so it is applied to whole households (the validate stage's
	// batches; `synthpipe validate` reads them in step from the files).
	Across bool
}

// Report receives one broken rule of the current row.
type Report func(rule, column, value string)

// BatchReport receives one broken rule of a record of the batch (its id:
// a row of the entity, or the parent record a rule is about).
type BatchReport func(id, rule, column, value string)

// IDScheme says how an entity's ids are formed and how they are checked.
type IDScheme uint8

const (
	// Contiguous ids are IDPrefix + 10 digits, running 1, 2, 3 … in file
	// order: unique and none missing (rule id_unique_contiguous). The default.
	Contiguous IDScheme = iota
	// PerParent ids are IDPrefix + the 10 digits of the parent record's id
	// (the person of an incident) + "-" + a 2-digit sequence from 01 within
	// that parent: INC-0000000042-01. A parent may have no row, so ids skip;
	// they are unique and strictly increasing in file order (fixed width, so
	// string order is parent, then sequence) and match PerParentPattern.
	// Declare adds rule id_per_parent to the entity's rules; validate checks
	// it within each batch and across each file.
	PerParent
)

// RuleIDPerParent is the rule PerParent ids are checked by.
const RuleIDPerParent = "id_per_parent"

// MaxPerParent is the most rows a parent may have under PerParent ids.
const MaxPerParent = 99

// PerParentID is the id of a parent's seq-th row (seq from 1), the parent
// given by its 0-based index as ident.ID takes it.
func PerParentID(prefix string, parent int64, seq int) string {
	return ident.SeqID(prefix, parent, seq)
}

// ParsePerParentID returns the parent's 0-based index and the sequence of
// a PerParent id of the given prefix.
func ParsePerParentID(prefix, id string) (parent int64, seq int, ok bool) {
	if len(id) != len(prefix)+13 || id[:len(prefix)] != prefix || id[len(prefix)+10] != '-' {
		return 0, 0, false
	}
	var n int64
	for _, c := range []byte(id[len(prefix) : len(prefix)+10]) {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		n = n*10 + int64(c-'0')
	}
	a, b := id[len(prefix)+11], id[len(prefix)+12]
	if n < 1 || a < '0' || a > '9' || b < '0' || b > '9' {
		return 0, 0, false
	}
	seq = int(a-'0')*10 + int(b-'0')
	if seq < 1 {
		return 0, 0, false
	}
	return n - 1, seq, true
}

// PerParentPattern is the regular expression PerParent ids of prefix match.
func PerParentPattern(prefix string) string {
	return "^" + regexp.QuoteMeta(prefix) + "[0-9]{10}-[0-9]{2}$"
}

// Def declares an entity whose rows are T, a struct whose fields carry
// `parquet` and `json` tags matching Columns. Each column's accessor
// returns, as it is, the field its json tag names (the CSV and JSON
// encoders read that field; Declare panics otherwise).
type Def[T any] struct {
	// Name is the plural name: the file stem (persons_v0_1.csv), the JSON
	// section, the manifest's entity and the metadata's record_count_<name>.
	Name string
	// Singular names one record in schemas and violations (person).
	Singular string
	// IDPrefix starts every id (PER-); ids run prefix + 10 digits from 1,
	// unless IDs says otherwise.
	IDPrefix string
	// IDs is how ids are formed: Contiguous (the zero value) or PerParent.
	IDs IDScheme
	// Parent names the declared entity whose records this one's belong to
	// and whose number its ids carry: under Contiguous ids one row per
	// parent, numbered as it (PRO-0000000042 is PER-0000000042's profile),
	// under PerParent ids (required there) any number of rows a parent.
	// Empty for persons and vehicles, whose ids count their own rows. A
	// record is looked up by id (synthpipe serve) through its parent, and
	// its parent's linked records are its own; another entity left without
	// one is generated but not looked up by id.
	Parent string
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
	// CheckAcross, if set, checks the rules that span the batch's other
	// entities (a foreign key; a parent's columns that follow from its
	// rows). A batch holds whole households: the pipeline's validate stage
	// applies them to each, and `synthpipe validate` to batches of whole
	// households it reads in step from the persons, vehicles, profiles and
	// this entity's files, which needs a household_id column (rows in
	// household order). Its rules are in Rules, Across set. run is the
	// run's settings its metadata records (reference date, look-back), for
	// rules that need them.
	CheckAcross func(b *model.Batch, run *model.Run, report BatchReport)
}

// Entity is a declared entity as the rest of the program sees it.
type Entity interface {
	Name() string
	Singular() string
	IDPrefix() string
	// IDs is how the entity's ids are formed and checked.
	IDs() IDScheme
	// Parent is Def.Parent: the entity whose number the ids carry, or "".
	Parent() string
	Columns() []ColumnInfo
	Rules() []Rule
	// Len is the number of rows of this entity in b.
	Len(b *model.Batch) int
	// RowID is the id of b's i-th row of this entity.
	RowID(b *model.Batch, i int) string
	// CheckBatch reports the rules b's rows of this entity break: PerParent
	// ids, Def.Check and Def.CheckAcross.
	CheckBatch(b *model.Batch, run *model.Run, report func(id, rule, column, value string))
	// CheckAcross reports Def.CheckAcross alone, the rules across the
	// batch's other entities, for a reader that checked each row as it read
	// it (synthpipe validate).
	CheckAcross(b *model.Batch, run *model.Run, report func(id, rule, column, value string))

	AppendCSVHeader(dst []byte) []byte
	AppendCSVRow(dst []byte, b *model.Batch, i int) []byte
	// AppendCSVRows appends the rows of b from the from-th on until dst
	// holds at least limit bytes or the rows run out, and returns the index
	// of the first row not appended: one call per buffer, not per row.
	AppendCSVRows(dst []byte, b *model.Batch, from, limit int) ([]byte, int)
	AppendJSONRow(dst []byte, b *model.Batch, i int) []byte
	// AppendJSONRows is AppendCSVRows for JSON objects, each after sep.
	AppendJSONRows(dst []byte, b *model.Batch, from, limit int, sep string) ([]byte, int)
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
		// Find takes a name or a singular: neither may be another's either.
		if slices.Contains([]string{o.Name(), o.Singular()}, d.Name) || slices.Contains([]string{o.Name(), o.Singular()}, d.Singular) || o.IDPrefix() == d.IDPrefix {
			panic(fmt.Sprintf("entity: %s (%s, %s) clashes with %s (%s, %s): names and singulars are unique among both, and id prefixes too", d.Name, d.Singular, d.IDPrefix, o.Name(), o.Singular(), o.IDPrefix()))
		}
	}
	if d.Parent != "" && !slices.ContainsFunc(declared, func(o Entity) bool { return o.Name() == d.Parent }) {
		panic(fmt.Sprintf("entity: %s declared with parent %q, not an entity declared before it", d.Name, d.Parent))
	}
	switch d.IDs {
	case Contiguous:
	case PerParent:
		if d.Parent == "" {
			panic("entity: " + d.Name + " declared with PerParent ids and no Parent: whose number do they carry?")
		}
		d.Rules = append([]Rule{{Name: RuleIDPerParent, Description: "ids of " + d.Name + " are " + d.IDPrefix + ", the parent's 10 digits, - and a 2-digit sequence from 01; unique and increasing in file order"}}, d.Rules...)
	default:
		panic(fmt.Sprintf("entity: %s declared with unknown IDs %d", d.Name, d.IDs))
	}
	declaredRule, acrossRule := map[string]bool{}, map[string]bool{}
	for _, r := range d.Rules {
		declaredRule[r.Name], acrossRule[r.Name] = true, r.Across
	}
	if across := d.CheckAcross; across != nil {
		d.CheckAcross = func(b *model.Batch, run *model.Run, report BatchReport) {
			across(b, run, func(id, rule, column, value string) {
				if !acrossRule[rule] {
					panic(fmt.Sprintf("entity %s: CheckAcross reports rule %q, not an Across rule of its Rules", d.Name, rule))
				}
				report(id, rule, column, value)
			})
		}
	}
	e := newDeclared(d, declaredRule) // Check's rules are held to Rules as it reports them
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

// Find returns the declared entity called name, by its name (persons) or
// its singular (person): /generate/persons and describe_schema take the
// name, schemas and violations use the singular, and a person may use
// either.
func Find(name string) (Entity, bool) {
	for _, e := range All() {
		if e.Name() == name || e.Singular() == name {
			return e, true
		}
	}
	return nil, false
}
