// Package csvsink writes persons, vehicles and profiles as RFC 4180 CSV
// files (UTF-8, header row, \n line ends), hashing while it writes.
package csvsink

import (
	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/formats/encode"
	"github.com/synthpipe/synthpipe/internal/formats/hashfile"
	"github.com/synthpipe/synthpipe/pipeline"
	"github.com/synthpipe/synthpipe/stages/sinks/tablesink"
)

// Type is the registered type name.
const Type = "csv"

func init() {
	component.RegisterSink(pipeline.Spec{
		Type:     Type,
		Needs:    []string{model.Persons, model.Vehicles, model.Profiles},
		Provides: []string{model.PartRecords},
		Summary:  "Writes persons_<v>.csv, vehicles_<v>.csv and profiles_<v>.csv.",
	}, func(_ pipeline.Conf, env *component.Env) (component.Sink, error) {
		run := env.Shared
		return New(env.Dir, run.FileSuffix())
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

func (t *table[T]) Write(rows []T) error {
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

func (t *table[T]) Close() (pipeline.FileInfo, error) {
	n, sum, err := t.f.Close()
	return pipeline.FileInfo{Name: t.f.Name(), Entity: t.entity, Format: "csv", Records: t.rows, Bytes: n, SHA256: sum}, err
}

// New creates the three CSV files in dir.
func New(dir, suffix string) (*tablesink.Sink, error) {
	p, err := newTable(dir, "persons", suffix, model.PersonColumns)
	if err != nil {
		return nil, err
	}
	v, err := newTable(dir, "vehicles", suffix, model.VehicleColumns)
	if err != nil {
		p.Close()
		return nil, err
	}
	pr, err := newTable(dir, "profiles", suffix, model.ProfileColumns)
	if err != nil {
		p.Close()
		v.Close()
		return nil, err
	}
	return &tablesink.Sink{Persons: p, Vehicles: v, Profiles: pr}, nil
}
