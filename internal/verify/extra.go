package verify

import (
	"errors"
	"io"
	"io/fs"
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
// entity is checked on its own, by its declaration, in checkEntity.
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

// checkEntity reads one declared entity from one format's file: every row
// parses, ids run 1, 2, 3 … (PerParent ids: increase, see perParentSequence),
// JSON records keep the schema, and the rows keep the declaration's rules. It returns the rows' digests (nil when the file
// is absent or cannot be read) and the rows read.
func checkEntity(dir, suffix, format string, e entity.Entity, listed map[string]pipeline.FileInfo, schemas *schema.Set, rep *Report) (*digests, int64) {
	name := layout.DataFile(e.Name(), suffix, format)
	if format == layout.JSON {
		name = layout.DatasetFile(suffix)
	}
	fi, ok := listed[name]
	if !ok {
		return nil, 0
	}
	src, err := openEntity(dir, name, format, e, fi, schemas)
	if err != nil {
		if !reportedByCheckFiles(err) {
			rep.add(contract.Violation{File: name, Entity: e.Singular(), Column: "*", Rule: readRule(err), Value: firstLine(err.Error())})
		}
		return nil, 0
	}
	defer src.Close()
	d := &digests{}
	var seq interface {
		next(id, file string, row int64, rep *Report)
	} = &idSequence{prefix: e.IDPrefix(), entity: e.Singular(), column: e.Columns()[0].Name}
	if e.IDs() == entity.PerParent {
		seq = &perParentSequence{prefix: e.IDPrefix(), entity: e.Singular(), column: e.Columns()[0].Name}
	}
	var buf []byte
	for {
		err := src.Next()
		if errors.Is(err, io.EOF) {
			rep.addRecords(src.Row())
			return d, src.Row()
		}
		var ce *readback.CellError
		var je *readback.RecordError
		switch {
		case errors.As(err, &ce):
			rep.add(contract.Violation{File: name, Row: src.Row(), Entity: e.Singular(), RecordID: src.ID(), Column: ce.Column, Rule: cellRule(ce), Value: ce.Value})
			continue
		case errors.As(err, &je):
			rep.add(contract.Violation{File: name, Row: src.Row(), Entity: e.Singular(), RecordID: src.ID(), Column: "*", Rule: contract.RuleJSONSchema, Value: firstLine(je.Error())})
			continue
		case err != nil:
			rep.add(contract.Violation{File: name, Row: src.Row() + 1, Entity: e.Singular(), Column: "*", Rule: readRule(err), Value: firstLine(err.Error())})
			return nil, src.Row()
		}
		id := src.ID()
		seq.next(id, name, src.Row(), rep)
		buf = src.AppendCSV(buf[:0])
		d.add(id, buf)
		src.Check(func(rule, column, value string) {
			rep.add(contract.Violation{File: name, Row: src.Row(), Entity: e.Singular(), RecordID: id, Column: column, Rule: contract.RuleName(rule), Value: value})
		})
	}
}

// reportedByCheckFiles tells an open error that checkFiles already named
// (a missing file, or one that is not a regular file) from a read problem.
func reportedByCheckFiles(err error) bool {
	var nr *safeio.NotRegularError
	return errors.Is(err, fs.ErrNotExist) || errors.As(err, &nr)
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
		return nil, nil, 0, err
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
