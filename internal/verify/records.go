package verify

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/synthpipe/synthpipe/internal/domain/contract"
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/formats/encode"
	"github.com/synthpipe/synthpipe/internal/formats/readback"
)

// digestChunk is how many records one digest covers when the formats are
// compared record for record: memory stays flat, and a difference is still
// pinned to a small range of ids.
const digestChunk = 4096

// digests is an order-dependent digest of an entity's records, per chunk.
type digests struct {
	chunks [][32]byte
	firsts []string // id of each chunk's first record
	h      [32]byte
	n      int64
	buf    []byte
}

func (d *digests) add(id string, canonical []byte) {
	if d.n%digestChunk == 0 {
		d.chunks = append(d.chunks, [32]byte{})
		d.firsts = append(d.firsts, readback.Truncate(id)) // kept for the whole file: bounded
	}
	// chain: chunk = sha256(chunk || record)
	h := sha256.New()
	h.Write(d.chunks[len(d.chunks)-1][:])
	h.Write(canonical)
	copy(d.chunks[len(d.chunks)-1][:], h.Sum(nil))
	d.n++
}

// stream walks one entity's source, one record ahead.
type stream[T any] struct {
	src    readback.Source[T]
	file   string
	next   *T
	row    int64
	err    error // a read error that stopped the stream
	done   bool
	dig    digests
	csv    *encode.CSVEncoder[T] // the canonical CSV of a record, for the digests
	id     func(*T) string
	rep    *Report
	hold   T
	seq    *idSequence // ids that must run 1, 2, 3 … (nil: none)
	entity string      // person, vehicle or profile, as violations name it
	taken  int64       // bytes (canonical CSV) of the records taken since the last flush
	cancellation
}

// take appends the current record to dst, remembers its file and row for
// reports, checks its id's place in the sequence, and moves on.
func (s *stream[T]) take(dst []T, rows map[string]rowRef, rep *Report) []T {
	id := s.id(s.next)
	if s.seq != nil {
		s.seq.next(id, s.file, s.row, rep)
	}
	rows[s.entity+"\x00"+id] = rowRef{s.file, s.row}
	dst = append(dst, *s.next)
	s.taken += int64(len(s.dig.buf))
	s.advance()
	return dst
}

func newStream[T any](ctx context.Context, src readback.Source[T], file, entity string, cols []model.Column[T], id func(*T) string, rep *Report) *stream[T] {
	// A record that failed to parse may be nil: its id is then unknown.
	safeID := func(r *T) string {
		if r == nil {
			return ""
		}
		return id(r)
	}
	s := &stream[T]{src: src, file: file, entity: entity, csv: encode.NewCSVEncoder(cols), id: safeID, rep: rep, cancellation: cancellation{ctx: ctx}}
	s.advance()
	return s
}

// advance reads the next good record, reporting bad ones (they are skipped).
// It stops the stream, without a violation, once the context of Run ends.
func (s *stream[T]) advance() {
	for {
		if err := s.ended(); err != nil {
			s.err, s.next, s.done = err, nil, true
			return
		}
		rec, err := s.src.Next()
		if errors.Is(err, io.EOF) {
			s.next, s.done = nil, true
			return
		}
		var ce *readback.CellError
		var je *readback.RecordError
		switch {
		case errors.As(err, &ce):
			s.rep.add(contract.Violation{File: s.file, Row: s.src.Row(), Entity: s.entity, RecordID: s.id(rec), Column: ce.Column, Rule: cellRule(ce), Value: ce.Value})
			continue
		case errors.As(err, &je):
			s.rep.add(contract.Violation{File: s.file, Row: s.src.Row(), Entity: s.entity, RecordID: s.id(rec), Column: "*", Rule: contract.RuleJSONSchema, Value: firstLine(je.Error())})
			continue
		case err != nil:
			s.err, s.next, s.done = err, nil, true
			rule := contract.RuleFileReadable
			var le *readback.LimitError
			if errors.As(err, &le) {
				rule = contract.RuleSizeLimits
			}
			s.rep.add(contract.Violation{File: s.file, Row: s.src.Row() + 1, Entity: s.entity, Column: "*", Rule: rule, Value: s.rep.problem(err)})
			return
		}
		s.hold = *rec
		s.next, s.row = &s.hold, s.src.Row()
		s.dig.buf = s.csv.AppendRow(s.dig.buf[:0], s.next)
		s.dig.add(s.id(s.next), s.dig.buf)
		return
	}
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}

// householdOf returns the household index of an HH- id, or -1.
func householdOf(hh string) int64 {
	i, ok := ident.ParseID("HH-", hh)
	if !ok {
		return -1
	}
	return i
}

// checkFormat reads one format's three entity streams in step, household by
// household, with the rows of every placed declared entity (extras), and
// applies every contract rule and each extra's rules across the batch.
// Records must be in household order, as synthpipe writes them.
func checkFormat(ps *stream[model.Person], vs *stream[model.Vehicle], prs *stream[model.Profile], extras []*rowStream, chk *contract.Checker, run *model.Run, rep *Report) {
	const householdsPerBatch = 512
	// A hostile file can put millions of records in one "household" (or
	// give vehicles a household far ahead): a batch is checked early when
	// it grows past these, which can only add violations to a file that
	// already breaks the household rules.
	const (
		maxBatchRecords = 16384
		maxBatchBytes   = 8 << 20
	)
	mb := entity.NewBatch()
	rows := map[string]rowRef{}
	ps.seq = &idSequence{prefix: "PER-", entity: "person", column: "person_id"}
	vs.seq = &idSequence{prefix: "VEH-", entity: "vehicle", column: "vehicle_id"}
	chk.Report = func(v contract.Violation) {
		if r, ok := rows[v.Entity+"\x00"+v.RecordID]; ok {
			v.File, v.Row = r.file, r.row
		}
		rep.add(v)
	}
	reports := make([]func(id, rule, column, value string), len(extras))
	for i, x := range extras {
		reports[i] = acrossReport(x, rows, rep)
	}
	flush := func() {
		n := len(mb.Persons) + len(mb.Vehicles) + len(mb.Profiles)
		if n > 0 {
			chk.Batch(mb)
			rep.addRecords(int64(n))
		}
		// Once a stream stopped on a read error (reported), the batches
		// lack its records: rules across them would only add noise.
		sound := ps.err == nil && vs.err == nil && prs.err == nil
		for i, x := range extras {
			if sound && x.err == nil {
				x.e.CheckAcross(mb, run, reports[i])
			}
			x.taken = 0
		}
		mb.Reset()
		clear(rows)
		ps.taken, vs.taken, prs.taken = 0, 0, 0
	}
	full := func() bool {
		n, size := len(mb.Persons)+len(mb.Vehicles)+len(mb.Profiles), ps.taken+vs.taken+prs.taken
		for _, x := range extras {
			n, size = n+x.e.Len(mb), size+x.taken
		}
		return n >= maxBatchRecords || size >= maxBatchBytes
	}
	households := 0
	for !ps.done {
		hh := ps.next.HouseholdID
		h := householdOf(hh)
		for !ps.done && ps.next.HouseholdID == hh {
			mb.Persons = ps.take(mb.Persons, rows, rep)
			if full() {
				flush()
			}
		}
		// Vehicles and profiles of earlier households are out of order:
		// they are checked alone, which reports their missing household.
		for !vs.done && householdOf(vs.next.HouseholdID) <= h {
			mb.Vehicles = vs.take(mb.Vehicles, rows, rep)
			if full() {
				flush()
			}
		}
		for !prs.done && householdOf(prs.next.HouseholdID) <= h {
			mb.Profiles = prs.take(mb.Profiles, rows, rep)
			if full() {
				flush()
			}
		}
		for _, x := range extras {
			for !x.done && householdOf(x.household) <= h {
				x.take(mb, rows)
				if full() {
					flush()
				}
			}
		}
		households++
		if households%householdsPerBatch == 0 {
			flush()
		}
	}
	// Whatever is left has no person of its household in the file.
	for !vs.done {
		mb.Vehicles = vs.take(mb.Vehicles, rows, rep)
		if full() {
			flush()
		}
	}
	for !prs.done {
		mb.Profiles = prs.take(mb.Profiles, rows, rep)
		if full() {
			flush()
		}
	}
	for _, x := range extras {
		for !x.done {
			x.take(mb, rows)
			if full() {
				flush()
			}
		}
	}
	flush()
}

// acrossReport is the report of x's CheckAcross (its row rules were
// reported as each row was read, with the row's number). A violation names
// the record it is about — an incident, or the person or profile an
// incident rule concerns —, found by its id's prefix, with that record's
// file and row.
func acrossReport(x *rowStream, rows map[string]rowRef, rep *Report) func(id, rule, column, value string) {
	entities := entity.All()
	return func(id, rule, column, value string) {
		v := contract.Violation{File: x.file, Entity: x.e.Singular(), RecordID: id, Column: column, Rule: contract.RuleName(rule), Value: value}
		for _, e := range entities {
			if strings.HasPrefix(id, e.IDPrefix()) {
				if r, ok := rows[e.Singular()+"\x00"+id]; ok {
					v.File, v.Row, v.Entity = r.file, r.row, e.Singular()
				}
				break
			}
		}
		rep.add(v)
	}
}

type rowRef struct {
	file string
	row  int64
}

// idSequence checks that ids run 1, 2, 3 … in file order.
type idSequence struct {
	prefix, entity, column string
	want                   int64
}

func (q *idSequence) next(id, file string, row int64, rep *Report) {
	if idx, ok := ident.ParseID(q.prefix, id); ok && idx != q.want {
		rep.add(contract.Violation{File: file, Row: row, Entity: q.entity, RecordID: id, Column: q.column, Rule: contract.RuleIDUniqueContiguous,
			Value: fmt.Sprintf("%s after %s", id, ident.ID(q.prefix, q.want-1))})
		q.want = idx
	}
	q.want++
}

// cellRule is the rule a CSV value that did not parse breaks: its type, or
// the size limit when it was too long to read.
func cellRule(ce *readback.CellError) contract.RuleName {
	if ce.TooLong {
		return contract.RuleSizeLimits
	}
	return contract.RuleColumnType
}
