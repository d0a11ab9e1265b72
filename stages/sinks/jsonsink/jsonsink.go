// Package jsonsink writes dataset_<v>.json:
// {"metadata": {...}, "persons": [...], "vehicles": [...], "profiles": [...]},
// one array per entity the pipeline makes, in declaration order.
// Metadata comes first but its counts are known only at the end, so each
// array is spooled to a temporary file while the run goes on and the file is
// joined at close: memory stays flat whatever the record count.
package jsonsink

import (
	"context"
	_ "embed"
	"fmt"
	"os"

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
const Type = "json"

func init() {
	component.RegisterSink(pipeline.Spec{
		Type:     Type,
		Provides: []string{model.PartRecords},
		Summary:  "Writes dataset_<v>.json, one JSON document with the metadata and an array per entity the stages make (one record per line).",
		Example:  example,
	}, func(_ pipeline.Conf, env *component.Env) (component.Sink, error) {
		run := env.Shared
		return New(env.Dir, run)
	})
}

// spoolChunk is how many bytes of rows a spool gathers before it writes
// them to its file.
const spoolChunk = 256 << 10

type spool struct {
	e    entity.Entity
	f    *os.File
	buf  []byte // rows not yet written to f
	rows int64
}

// add appends b's rows of the entity to the array, each on a line of its
// own, and writes the rows gathered each time they make a spoolChunk.
func (s *spool) add(b *model.Batch) error {
	i, n := 0, s.e.Len(b)
	if s.rows == 0 && n > 0 { // the array's first row: no comma before it
		s.buf = s.e.AppendJSONRow(append(s.buf, "\n    "...), b, 0)
		s.rows, i = 1, 1
	}
	for i < n {
		from := i
		s.buf, i = s.e.AppendJSONRows(s.buf, b, i, spoolChunk, ",\n    ")
		s.rows += int64(i - from)
		if len(s.buf) >= spoolChunk {
			if err := s.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// flush writes the rows gathered to the file.
func (s *spool) flush() error {
	_, err := s.f.Write(s.buf)
	s.buf = s.buf[:0]
	return err
}

// Sink spools the arrays and joins them at close.
type Sink struct {
	dir     string
	run     *model.Run
	spools  []*spool
	counter entity.Counter
}

// New creates the spool files in dir (hidden, removed at close).
func New(dir string, run *model.Run) (*Sink, error) {
	entities := entity.Of(run.Entities)
	s := &Sink{dir: dir, run: run, counter: entity.NewCounter(entities)}
	for _, e := range entities {
		f, err := os.CreateTemp(dir, ".spool-"+e.Name()+"-*")
		if err != nil {
			s.removeSpools()
			return nil, fmt.Errorf("json: spool: %w", err)
		}
		// A row may end a little past spoolChunk: room for it saves a copy.
		s.spools = append(s.spools, &spool{e: e, f: f, buf: make([]byte, 0, spoolChunk+spoolChunk/8)})
	}
	return s, nil
}

// Write spools a batch's records.
func (s *Sink) Write(_ context.Context, b *component.Batch) error {
	mb := b.Payload
	s.counter.Add(mb)
	for _, sp := range s.spools {
		if err := sp.add(mb); err != nil {
			return err
		}
	}
	return nil
}

// Abort removes the spools: the dataset file is never made.
func (s *Sink) Abort() { s.removeSpools() }

func (s *Sink) removeSpools() {
	for _, sp := range s.spools {
		sp.remove()
	}
}

// remove deletes the spool file; again, it does nothing.
func (s *spool) remove() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
		s.f = nil
	}
}

// Close joins metadata and the spooled arrays into the dataset file; when
// ctx ends first, it removes the file unfinished.
func (s *Sink) Close(ctx context.Context) ([]pipeline.FileInfo, error) {
	defer s.removeSpools()
	name := layout.DatasetFile(layout.Suffix(s.run.SnapshotVersion))
	out, err := hashfile.Create(s.dir, name)
	if err != nil {
		return nil, err
	}
	fail := func(err error) ([]pipeline.FileInfo, error) {
		out.Abort()
		return nil, fmt.Errorf("json: %w", err)
	}
	out.WriteString("{\n  \"metadata\": ")
	out.Write(entity.EncodeMetadata(s.counter.Metadata(s.run), "  "))
	for _, sp := range s.spools {
		if err := sp.flush(); err != nil {
			return fail(err)
		}
		out.WriteString(",\n  \"" + sp.e.Name() + "\": [")
		if err := out.AppendFile(ctx, sp.f); err != nil {
			return fail(err)
		}
		// Gone as soon as it is joined: the disk holds the dataset and the
		// spools not yet joined, not the dataset twice.
		sp.remove()
		if sp.rows > 0 {
			out.WriteString("\n  ")
		}
		out.WriteString("]")
	}
	out.WriteString("\n}\n")
	n, sum, err := out.Close()
	if err != nil {
		return nil, err
	}
	return []pipeline.FileInfo{{Name: name, Entity: layout.DatasetEntity, Format: layout.JSON, Records: s.counter.Total(), Bytes: n, SHA256: sum}}, nil
}
