// Package csvsink writes persons, vehicles and profiles as RFC 4180 CSV
// files (UTF-8, header row, \n line ends), hashing while it writes.
package csvsink

import (
	"context"
	"fmt"

	"github.com/synthpipe/synthpipe/encode"
	"github.com/synthpipe/synthpipe/hashfile"
	"github.com/synthpipe/synthpipe/model"
	"github.com/synthpipe/synthpipe/pipeline"
)

// Type is the registered type name.
const Type = "csv"

func init() {
	pipeline.Register(pipeline.Spec{
		Type:    Type,
		Kind:    pipeline.KindSink,
		Summary: "Writes persons_<v>.csv, vehicles_<v>.csv and profiles_<v>.csv.",
		Build: func(_ pipeline.Conf, env *pipeline.Env) (any, error) {
			run, ok := env.Shared.(*model.Run)
			if !ok {
				return nil, fmt.Errorf("csv: run context missing")
			}
			return New(env.Dir, run.FileSuffix())
		},
	})
}

type table[T any] struct {
	f      *hashfile.File
	cols   []model.Column[T]
	entity string
	rows   int64
	buf    []byte
}

func newTable[T any](dir, entity, suffix string, cols []model.Column[T]) (*table[T], error) {
	f, err := hashfile.Create(dir, entity+"_"+suffix+".csv")
	if err != nil {
		return nil, err
	}
	t := &table[T]{f: f, cols: cols, entity: entity}
	if _, err := f.Write(encode.CSVHeader(nil, cols)); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *table[T]) write(rows []T) error {
	buf := t.buf[:0]
	for i := range rows {
		buf = encode.CSVRow(buf, t.cols, &rows[i])
		if len(buf) > 64<<10 {
			if _, err := t.f.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	t.rows += int64(len(rows))
	t.buf = buf
	_, err := t.f.Write(buf)
	return err
}

func (t *table[T]) close() (pipeline.FileInfo, error) {
	n, sum, err := t.f.Close()
	return pipeline.FileInfo{Name: t.f.Name(), Entity: t.entity, Format: "csv", Records: t.rows, Bytes: n, SHA256: sum}, err
}

// Sink writes the three CSV files.
type Sink struct {
	persons  *table[model.Person]
	vehicles *table[model.Vehicle]
	profiles *table[model.Profile]
}

// New creates the three files in dir.
func New(dir, suffix string) (*Sink, error) {
	s := &Sink{}
	var err error
	if s.persons, err = newTable(dir, "persons", suffix, model.PersonColumns); err != nil {
		return nil, err
	}
	if s.vehicles, err = newTable(dir, "vehicles", suffix, model.VehicleColumns); err != nil {
		return nil, err
	}
	if s.profiles, err = newTable(dir, "profiles", suffix, model.ProfileColumns); err != nil {
		return nil, err
	}
	return s, nil
}

// Write appends a batch's records.
func (s *Sink) Write(_ context.Context, b *pipeline.Batch) error {
	mb := b.Payload.(*model.Batch)
	if err := s.persons.write(mb.Persons); err != nil {
		return err
	}
	if err := s.vehicles.write(mb.Vehicles); err != nil {
		return err
	}
	return s.profiles.write(mb.Profiles)
}

// Close closes the files and reports them.
func (s *Sink) Close(context.Context) ([]pipeline.FileInfo, error) {
	var out []pipeline.FileInfo
	var first error
	for _, c := range []func() (pipeline.FileInfo, error){s.persons.close, s.vehicles.close, s.profiles.close} {
		fi, err := c()
		if err != nil && first == nil {
			first = err
		}
		out = append(out, fi)
	}
	return out, first
}
