// Package csvsink writes one RFC 4180 CSV file per entity the pipeline makes
// (persons_<v>.csv, vehicles_<v>.csv, profiles_<v>.csv …: UTF-8, header row,
// \n line ends), hashing while it writes.
package csvsink

import (
	"context"
	_ "embed"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/formats/hashfile"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/pipeline"
)

// example is the YAML fragment the config reference shows (a test loads it).
//
//go:embed example.yaml
var example string

// Type is the registered type name.
const Type = "csv"

func init() {
	component.RegisterSink(pipeline.Spec{
		Type:     Type,
		Provides: []string{model.PartRecords},
		Summary:  "Writes <entity>_<v>.csv for every entity the stages make (persons, vehicles, profiles …).",
		Example:  example,
	}, func(_ pipeline.Conf, env *component.Env) (component.Sink, error) {
		run := env.Shared
		return New(env.Dir, layout.Suffix(run.SnapshotVersion), entity.Of(run.Entities))
	})
}

// flushAt is the buffer size at which rows are handed to the file.
const flushAt = 64 << 10

type table struct {
	e    entity.Entity
	f    *hashfile.File
	rows int64
}

// Sink writes one CSV file per entity.
type Sink struct {
	tables []*table
	buf    []byte
}

// New creates the CSV files of entities in dir, each with its header row.
func New(dir, suffix string, entities []entity.Entity) (*Sink, error) {
	s := &Sink{}
	for _, e := range entities {
		f, err := hashfile.Create(dir, layout.DataFile(e.Name(), suffix, layout.CSV))
		if err != nil {
			s.Close(context.Background())
			return nil, err
		}
		s.tables = append(s.tables, &table{e: e, f: f})
		if _, err := f.Write(e.AppendCSVHeader(nil)); err != nil {
			s.Close(context.Background())
			return nil, err
		}
	}
	return s, nil
}

// Write appends a batch's rows to every file.
func (s *Sink) Write(_ context.Context, b *component.Batch) error {
	mb := b.Payload
	for _, t := range s.tables {
		n := t.e.Len(mb)
		buf := s.buf[:0]
		for i := range n {
			buf = t.e.AppendCSVRow(buf, mb, i)
			if len(buf) > flushAt {
				if _, err := t.f.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
		s.buf = buf
		if _, err := t.f.Write(buf); err != nil {
			return err
		}
		t.rows += int64(n)
	}
	return nil
}

// Close closes every file, even after an error, and reports them.
func (s *Sink) Close(context.Context) ([]pipeline.FileInfo, error) {
	var out []pipeline.FileInfo
	var first error
	for _, t := range s.tables {
		n, sum, err := t.f.Close()
		if err != nil && first == nil {
			first = err
		}
		out = append(out, pipeline.FileInfo{Name: t.f.Name(), Entity: t.e.Name(), Format: layout.CSV, Records: t.rows, Bytes: n, SHA256: sum})
	}
	return out, first
}
