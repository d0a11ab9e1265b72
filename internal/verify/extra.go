package verify

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"

	"github.com/synthpipe/synthpipe/internal/domain/contract"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/entity/schema"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/internal/formats/readback"
	"github.com/synthpipe/synthpipe/internal/formats/safeio"
	"github.com/synthpipe/synthpipe/pipeline"
)

// core names the entities whose rules span households and are checked
// together by the contract's Checker (checkFormat); every other declared
// entity is checked by its declaration (rowStream): row by row, and with
// the households its rows are in when it is placed.
var core = map[string]bool{model.Persons: true, model.Vehicles: true, model.Profiles: true}

// extraEntities are the declared entities besides the core ones that the
// snapshot's metadata counts, in declaration order.
func extraEntities(meta model.Metadata) []entity.Entity {
	var names []string
	for _, c := range meta.Counts {
		if !core[c.Entity] {
			names = append(names, c.Entity)
		}
	}
	return entity.Of(names)
}

// householdColumn is the column that places a declared entity's rows in
// their household: an entity that has it is read in step with the persons,
// vehicles and profiles, so its rules across them (Def.CheckAcross) can be
// applied; one without it is checked row by row alone.
const householdColumn = "household_id"

// placed reports whether e's rows carry their household.
func placed(e entity.Entity) bool {
	for _, c := range e.Columns() {
		if c.Name == householdColumn {
			return true
		}
	}
	return false
}

// rowStream reads one declared entity's file, one good row ahead. Every row
// is checked on its own as it is read — it parses, ids run 1, 2, 3 …
// (PerParent ids: increase, see perParentSequence), JSON records keep the
// schema, the row keeps the declaration's rules — and digested; checkFormat
// then takes the rows of a placed entity into the batch of their household.
type rowStream struct {
	e    entity.Entity
	src  entity.Reader
	file string
	rep  *Report
	seq  interface {
		next(id, file string, row int64, rep *Report)
	}
	dig  digests
	buf  []byte // the current row's canonical CSV
	obj  []byte // its JSON, for its household
	done bool
	err  error // a read error that stopped the stream
	// The current row, not yet taken (valid while !done).
	id, household string
	row           int64
	// ahead holds the current row alone: its household is read from its
	// JSON form, which quotes every value (its CSV form may not).
	ahead *model.Batch
	taken int64 // bytes (canonical CSV) of the rows taken since the last flush
	cancellation
}

// openRows opens e's file of one format. It returns nil when the file is not
// listed or cannot be opened (reported, unless checkFiles named it).
func openRows(ctx context.Context, dir, suffix, format string, e entity.Entity, listed map[string]pipeline.FileInfo, schemas *schema.Set, rep *Report) *rowStream {
	name := layout.DataFile(e.Name(), suffix, format)
	if format == layout.JSON {
		name = layout.DatasetFile(suffix)
	}
	fi, ok := listed[name]
	if !ok {
		return nil
	}
	src, err := openEntity(dir, name, format, e, fi, schemas)
	if err != nil {
		if !rep.reportedByCheckFiles(name, err) {
			rep.add(contract.Violation{File: name, Entity: e.Singular(), Column: "*", Rule: readRule(err), Value: rep.problem(err)})
		}
		return nil
	}
	s := &rowStream{e: e, src: src, file: name, rep: rep, cancellation: cancellation{ctx: ctx}}
	s.seq = &idSequence{prefix: e.IDPrefix(), entity: e.Singular(), column: e.Columns()[0].Name}
	if e.IDs() == entity.PerParent {
		s.seq = &perParentSequence{prefix: e.IDPrefix(), entity: e.Singular(), column: e.Columns()[0].Name}
	}
	if placed(e) {
		s.ahead = entity.NewBatch()
	}
	s.advance()
	return s
}

// advance reads the next good row, reporting bad ones (they are skipped).
// It stops the stream, without a violation, once the context of Run ends.
func (s *rowStream) advance() {
	for {
		if err := s.ended(); err != nil {
			s.done, s.err = true, err
			return
		}
		err := s.src.Next()
		if errors.Is(err, io.EOF) {
			s.done = true
			s.rep.addRecords(s.src.Row())
			return
		}
		var ce *readback.CellError
		var je *readback.RecordError
		switch {
		case errors.As(err, &ce):
			s.rep.add(contract.Violation{File: s.file, Row: s.src.Row(), Entity: s.e.Singular(), RecordID: s.src.ID(), Column: ce.Column, Rule: cellRule(ce), Value: ce.Value})
			continue
		case errors.As(err, &je):
			s.rep.add(contract.Violation{File: s.file, Row: s.src.Row(), Entity: s.e.Singular(), RecordID: s.src.ID(), Column: "*", Rule: contract.RuleJSONSchema, Value: firstLine(je.Error())})
			continue
		case err != nil:
			s.done, s.err = true, err
			s.rep.add(contract.Violation{File: s.file, Row: s.src.Row() + 1, Entity: s.e.Singular(), Column: "*", Rule: readRule(err), Value: s.rep.problem(err)})
			return
		}
		id := s.src.ID()
		s.seq.next(id, s.file, s.src.Row(), s.rep)
		s.buf = s.src.AppendCSV(s.buf[:0])
		s.dig.add(id, s.buf)
		s.src.Check(func(rule, column, value string) {
			s.rep.add(contract.Violation{File: s.file, Row: s.src.Row(), Entity: s.e.Singular(), RecordID: id, Column: column, Rule: contract.RuleName(rule), Value: value})
		})
		s.id, s.row = id, s.src.Row()
		if s.ahead != nil {
			s.ahead.Reset()
			s.src.AppendTo(s.ahead)
			s.obj = s.e.AppendJSONRow(s.obj[:0], s.ahead, 0)
			s.household = jsonString(s.obj, householdColumn)
		}
		return
	}
}

// take adds the current row to b, remembers its file and row for reports,
// and moves on.
func (s *rowStream) take(b *model.Batch, rows map[string]rowRef) {
	s.src.AppendTo(b)
	rows[s.e.Singular()+"\x00"+s.id] = rowRef{s.file, s.row}
	s.taken += int64(len(s.buf))
	s.advance()
}

// finish reads what is left of the file (checked row by row), closes it
// and returns its digests (nil when it could not be read to its end) and
// the rows read.
func (s *rowStream) finish() (*digests, int64) {
	for !s.done {
		s.advance()
	}
	s.src.Close()
	if s.err != nil {
		return nil, s.src.Row()
	}
	return &s.dig, s.src.Row()
}

// jsonString returns the string value of key in a JSON object as
// encode.JSONEncoder writes it ("" when absent, null or escaped): a quote
// inside a value is escaped, so ,"key":" only starts a member.
func jsonString(obj []byte, key string) string {
	for _, lead := range []string{"{", ","} {
		pat := lead + `"` + key + `":"`
		if i := bytes.Index(obj, []byte(pat)); i >= 0 {
			v := obj[i+len(pat):]
			if j := bytes.IndexAny(v, `"\`); j >= 0 && v[j] == '"' {
				return string(v[:j])
			}
			return ""
		}
	}
	return ""
}

// openError is a listed file that could not be opened (openListed).
type openError struct{ error }

func (e openError) Unwrap() error { return e.error }

// reportedByCheckFiles tells an error that checkFiles already reported from
// a problem of reading the file: checkFiles opened every listed file first
// and reported why one could not be, unless it found it intact (then the
// file changed since, and this error is news).
func (r *Report) reportedByCheckFiles(name string, err error) bool {
	var oe openError
	return errors.As(err, &oe) && !r.intact[name]
}

// readRule is the rule a file that cannot be read breaks.
func readRule(err error) contract.RuleName {
	var le *readback.LimitError
	var he *readback.HeaderError
	var se *readback.SchemaError
	switch {
	case errors.As(err, &le):
		return contract.RuleSizeLimits
	case errors.As(err, &he), errors.As(err, &se):
		return contract.RuleColumnsMatchContract
	}
	return contract.RuleFileReadable
}

// openEntity opens a regular file of the folder as e's rows, reading a CSV
// or JSON file at most to its listed size+1.
func openEntity(dir, name, format string, e entity.Entity, listed pipeline.FileInfo, schemas *schema.Set) (entity.Reader, error) {
	f, r, size, err := openListed(dir, name, listed)
	if err != nil {
		return nil, err
	}
	var src entity.Reader
	switch format {
	case layout.JSON:
		src, err = e.OpenJSON(r, f, func(raw []byte) error { return schemas.Validate(e.Singular(), raw) })
		return src, err // NewJSON closes f on failure
	case layout.CSV:
		src, err = e.OpenCSV(r, f)
	default:
		src, err = e.OpenParquet(f, size, f)
	}
	if err != nil {
		f.Close()
	}
	return src, err
}

// openListed opens a listed file of the folder, only if it is a regular file
// directly inside it, and a reader that stops one byte past its listed size
// (CSV and JSON are read through it; Parquet reads the file at offsets).
func openListed(dir, name string, listed pipeline.FileInfo) (*os.File, io.Reader, int64, error) {
	f, st, err := safeio.OpenRegular(dir, name)
	if err != nil {
		return nil, nil, 0, openError{err}
	}
	return f, io.LimitReader(f, max(listed.Bytes, 0)+1), st.Size(), nil
}

// perParentSequence checks that the ids of an entity.PerParent entity
// increase strictly in file order, so they are unique without remembering
// them. An id without the PerParent form is reported by the reader's Check
// (rule id_per_parent) and skipped here.
type perParentSequence struct {
	prefix, entity, column string
	last                   string
}

func (q *perParentSequence) next(id, file string, row int64, rep *Report) {
	if _, _, ok := entity.ParsePerParentID(q.prefix, id); !ok {
		return
	}
	if q.last != "" && id <= q.last {
		rep.add(contract.Violation{File: file, Row: row, Entity: q.entity, RecordID: id, Column: q.column, Rule: entity.RuleIDPerParent,
			Value: id + " after " + q.last})
	}
	q.last = id
}
