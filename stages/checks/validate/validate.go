// Package validate checks every record of every batch against data contract
// v0.2 (package contract) before any sink sees it. By default a violation
// stops the run, so no snapshot is written.
package validate

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"github.com/rs/zerolog"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/contract"
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/pipeline"
)

// example is the YAML fragment the config reference shows (a test loads it).
//
//go:embed example.yaml
var example string

// Type is the registered type name.
const Type = "validate"

const (
	fieldOnViolation = "on_violation"
	fieldMaxExamples = "max_examples"
)

func init() {
	component.RegisterStage(pipeline.Spec{
		Type:    Type,
		Needs:   []string{model.Persons, model.Vehicles, model.Profiles, model.EveryEntity},
		Summary: "Checks every record against data contract v" + model.ContractVersion + " (formats, ranges, privacy, foreign keys, coherence) before it is written.",
		Example: example,
		Fields: []pipeline.Field{
			{Name: fieldOnViolation, Type: pipeline.TypeString, Description: "fail: stop the run, write no snapshot (exit code 3); warn: log violations and go on.", Default: "fail", Allowed: []string{"fail", "warn"}},
			{Name: fieldMaxExamples, Type: pipeline.TypeInt, Description: "Violations named in the error or log, per batch.", Default: int64(10), Min: 1, Max: 10000},
		},
	}, func(c pipeline.Conf, env *component.Env) (component.Stage, error) {
		return New(env.Shared, c.String(fieldOnViolation) == "fail", int(c.Int(fieldMaxExamples)), env.Logger.With().Str("stage", Type).Logger())
	})
}

// Error reports contract violations; the CLI exits 3 on it.
type Error struct {
	Violations []contract.Violation // the first few
	Total      int
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "validation failed: %d violation(s)", e.Total)
	for _, v := range e.Violations {
		b.WriteString("\n  ")
		b.WriteString(v.String())
	}
	return b.String()
}

// ExitCode is the CLI's exit code for a validation failure.
func (e *Error) ExitCode() int { return 3 }

// IsValidationError reports whether err carries contract violations.
func IsValidationError(err error) bool {
	var ve *Error
	return errors.As(err, &ve)
}

// Stage validates batches.
type Stage struct {
	run   *model.Run
	fail  bool
	max   int
	log   zerolog.Logger
	check contract.Checker
	found []contract.Violation
	total int
	// extras are the run's entities checked by their own declaration.
	extras []entity.Entity
}

// New returns a validate stage.
func New(run *model.Run, fail bool, maxExamples int, log zerolog.Logger) (*Stage, error) {
	s := &Stage{run: run, fail: fail, max: maxExamples, log: log}
	for _, e := range entity.Of(run.Entities) {
		if e != entity.Persons && e != entity.Vehicles && e != entity.Profiles {
			s.extras = append(s.extras, e) // the core three are the contract checker's
		}
	}
	chk, err := contract.New(run.Seed, run.ReferenceDate, s.report)
	if err != nil {
		return nil, err
	}
	s.check = *chk
	return s, nil
}

func (s *Stage) report(v contract.Violation) {
	s.total++
	if len(s.found) < s.max {
		s.found = append(s.found, v)
	}
}

// Process checks one batch.
func (s *Stage) Process(_ context.Context, b *component.Batch) error {
	mb := b.Payload
	s.found, s.total = s.found[:0], 0
	s.checkPlan(mb)
	s.check.Batch(mb)
	for _, e := range s.extras {
		e.CheckBatch(mb, s.run, func(id, rule, column, value string) {
			s.report(contract.Violation{Entity: e.Singular(), RecordID: id, Column: column, Rule: contract.RuleName(rule), Value: value})
		})
	}
	if s.total == 0 {
		return nil
	}
	if s.fail {
		return &Error{Violations: append([]contract.Violation(nil), s.found...), Total: s.total}
	}
	for _, v := range s.found {
		s.log.Warn().Str("entity", v.Entity).Str("id", v.RecordID).Str("column", v.Column).Str("rule", string(v.Rule)).Str("value", v.Value).Msg("contract violation")
	}
	return nil
}

// checkPlan proves ids are the planned, contiguous ones: with every SSN,
// e-mail and VIN tied to its record's index, that makes them unique across
// the run without remembering any of them.
func (s *Stage) checkPlan(mb *model.Batch) {
	if len(mb.Households) == 0 {
		return
	}
	p0, v0 := mb.Households[0].FirstPerson, mb.Households[0].FirstVehicle
	pers, vehs, hhs := idSeq{prefix: "PER-"}, idSeq{prefix: "VEH-"}, idSeq{prefix: "HH-"}
	for i := range mb.Households {
		h := &mb.Households[i]
		// hh is the household's id once a record's is proven: its other
		// records' are compared with it.
		hh := ""
		isHH := func(id string) bool {
			if hh != "" && id == hh || hhs.is(id, h.Index) {
				hh = id
				return true
			}
			return false
		}
		for k := 0; k < h.Size; k++ {
			j := h.FirstPerson - p0 + int64(k)
			if j >= int64(len(mb.Persons)) {
				s.report(contract.Violation{Entity: "person", RecordID: ident.ID("PER-", h.FirstPerson+int64(k)), Column: "person_id", Rule: contract.RulePlannedPersonMissing})
				continue
			}
			p := &mb.Persons[j]
			if !pers.is(p.PersonID, h.FirstPerson+int64(k)) || !isHH(p.HouseholdID) {
				s.report(contract.Violation{Entity: "person", RecordID: p.PersonID, Column: "person_id", Rule: contract.RuleIDUniqueContiguous, Value: p.PersonID})
			}
		}
		for k := 0; k < h.Vehicles && int(h.FirstVehicle-v0)+k < len(mb.Vehicles); k++ {
			v := &mb.Vehicles[h.FirstVehicle-v0+int64(k)]
			if !vehs.is(v.VehicleID, h.FirstVehicle+int64(k)) || !isHH(v.HouseholdID) {
				s.report(contract.Violation{Entity: "vehicle", RecordID: v.VehicleID, Column: "vehicle_id", Rule: contract.RuleIDUniqueContiguous, Value: v.VehicleID})
			}
		}
	}
	if len(mb.Persons) != mb.PersonCount() {
		s.report(contract.Violation{Entity: "person", Column: "person_id", Rule: contract.RulePlannedPersonCount, Value: fmt.Sprintf("%d of %d", len(mb.Persons), mb.PersonCount())})
	}
}

// idSeq is the ids of one prefix asked for in index order: it keeps the
// next index's id and counts it up in place, as comparing a record's id
// with it costs less than parsing the id or making one per record.
type idSeq struct {
	prefix string
	next   int64  // the index id holds, when ok
	id     []byte // ident.ID(prefix, next)
	ok     bool
}

// is reports whether id == ident.ID(s.prefix, index).
func (s *idSeq) is(id string, index int64) bool {
	if !s.ok || index != s.next {
		s.id, s.next, s.ok = ident.AppendID(s.id[:0], s.prefix, index), index, true
	}
	same := id == string(s.id)
	s.advance()
	return same
}

// advance moves to the next index's id: its last digit up, carrying. An id
// that would grow a digit, or follow one of a number below 1, is made anew.
func (s *idSeq) advance() {
	if s.next++; s.next <= 0 { // the id was of a number below 1
		s.ok = false
		return
	}
	d := s.id[len(s.prefix):] // digits, the number being 1 or more
	for i := len(d) - 1; i >= 0; i-- {
		if d[i] != '9' {
			d[i]++
			return
		}
		d[i] = '0'
	}
	s.ok = false
}
