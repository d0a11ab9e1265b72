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

// chunk is how many bytes of rows a table gathers before it hands them to
// its file: a file's whole buffer, so they are hashed and written at once,
// not copied into it (hashfile.File.Write).
const chunk = hashfile.BufferSize

type table struct {
	e    entity.Entity
	f    *hashfile.File
	buf  []byte // rows not yet handed to f
	rows int64
}

// Sink writes one CSV file per entity.
type Sink struct {
	tables []*table
}

// New creates the CSV files of entities in dir, each with its header row.
func New(dir, suffix string, entities []entity.Entity) (*Sink, error) {
	s := &Sink{}
	for _, e := range entities {
		f, err := hashfile.Create(dir, layout.DataFile(e.Name(), suffix, layout.CSV))
		if err != nil {
			s.Abort()
			return nil, err
		}
		// A row may end a little past chunk: room for it saves a copy.
		buf := make([]byte, 0, chunk+chunk/8)
		s.tables = append(s.tables, &table{e: e, f: f, buf: e.AppendCSVHeader(buf)})
	}
	return s, nil
}

// Write appends a batch's rows to every file.
func (s *Sink) Write(_ context.Context, b *component.Batch) error {
	mb := b.Payload
	for _, t := range s.tables {
		n := t.e.Len(mb)
		for i := 0; i < n; {
			t.buf, i = t.e.AppendCSVRows(t.buf, mb, i, chunk)
			if len(t.buf) >= chunk {
				if _, err := t.f.Write(t.buf); err != nil {
					return err
				}
				t.buf = t.buf[:0]
			}
		}
		t.rows += int64(n)
	}
	return nil
}

// Close writes the rows left, closes every file, even after an error, and
// reports them.
func (s *Sink) Close(context.Context) ([]pipeline.FileInfo, error) {
	var out []pipeline.FileInfo
	var first error
	for _, t := range s.tables {
		_, err := t.f.Write(t.buf)
		t.buf = nil
		n, sum, cerr := t.f.Close()
		if err == nil {
			err = cerr
		}
		if err != nil && first == nil {
			first = err
		}
		out = append(out, pipeline.FileInfo{Name: t.f.Name(), Entity: t.e.Name(), Format: layout.CSV, Records: t.rows, Bytes: n, SHA256: sum})
	}
	return out, first
}

// Abort removes every file unfinished: the rows left are not written.
func (s *Sink) Abort() {
	for _, t := range s.tables {
		t.f.Abort()
	}
}
