// Package jsonsink writes dataset_<v>.json:
// {"metadata": {...}, "persons": [...], "vehicles": [...], "profiles": [...]}.
// Metadata comes first but its counts are known only at the end, so each
// array is spooled to a temporary file while the run goes on and the file is
// joined at close: memory stays flat whatever the record count.
package jsonsink

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/formats/encode"
	"github.com/synthpipe/synthpipe/internal/formats/hashfile"
	"github.com/synthpipe/synthpipe/pipeline"
	"github.com/synthpipe/synthpipe/stages/sinks/metasink"
)

// Type is the registered type name.
const Type = "json"

func init() {
	component.RegisterSink(pipeline.Spec{
		Type:     Type,
		Needs:    []string{model.Persons, model.Vehicles, model.Profiles},
		Provides: []string{model.PartRecords},
		Summary:  "Writes dataset_<v>.json, one JSON document with metadata, persons, vehicles and profiles (one record per line).",
	}, func(_ pipeline.Conf, env *component.Env) (component.Sink, error) {
		run := env.Shared
		return New(env.Dir, run)
	})
}

type spool struct {
	f    *os.File
	w    *bufio.Writer
	rows int64
}

func (s *spool) add(obj []byte) error {
	if s.rows > 0 {
		if err := s.w.WriteByte(','); err != nil {
			return err
		}
	}
	s.w.WriteString("\n    ")
	_, err := s.w.Write(obj)
	s.rows++
	return err
}

// Sink spools the arrays and joins them at close.
type Sink struct {
	dir    string
	run    *model.Run
	spools [3]spool
	buf    []byte
	metasink.Counter
}

var sections = [3]string{"persons", "vehicles", "profiles"}

// New creates the spool files in dir (hidden, removed at close).
func New(dir string, run *model.Run) (*Sink, error) {
	s := &Sink{dir: dir, run: run}
	for i, name := range sections {
		f, err := os.CreateTemp(dir, ".spool-"+name+"-*")
		if err != nil {
			s.removeSpools()
			return nil, fmt.Errorf("json: spool: %w", err)
		}
		s.spools[i] = spool{f: f, w: bufio.NewWriterSize(f, 256<<10)}
	}
	return s, nil
}

// Write spools a batch's records.
func (s *Sink) Write(_ context.Context, b *component.Batch) error {
	s.Add(b)
	mb := b.Payload
	for i := range mb.Persons {
		s.buf = encode.JSONObject(s.buf[:0], model.PersonColumns, &mb.Persons[i])
		if err := s.spools[0].add(s.buf); err != nil {
			return err
		}
	}
	for i := range mb.Vehicles {
		s.buf = encode.JSONObject(s.buf[:0], model.VehicleColumns, &mb.Vehicles[i])
		if err := s.spools[1].add(s.buf); err != nil {
			return err
		}
	}
	for i := range mb.Profiles {
		s.buf = encode.JSONObject(s.buf[:0], model.ProfileColumns, &mb.Profiles[i])
		if err := s.spools[2].add(s.buf); err != nil {
			return err
		}
	}
	return nil
}

func (s *Sink) removeSpools() {
	for _, sp := range s.spools {
		if sp.f != nil {
			sp.f.Close()
			os.Remove(sp.f.Name())
		}
	}
}

// Close joins metadata and the spooled arrays into the dataset file.
func (s *Sink) Close(context.Context) ([]pipeline.FileInfo, error) {
	defer s.removeSpools()
	name := "dataset_" + s.run.FileSuffix() + ".json"
	out, err := hashfile.Create(s.dir, name)
	if err != nil {
		return nil, err
	}
	fail := func(err error) ([]pipeline.FileInfo, error) {
		out.Close()
		os.Remove(filepath.Join(s.dir, name))
		return nil, fmt.Errorf("json: %w", err)
	}
	out.WriteString("{\n  \"metadata\": ")
	out.Write(metasink.Encode(s.Metadata(s.run), "  "))
	for i, sec := range sections {
		sp := &s.spools[i]
		if err := sp.w.Flush(); err != nil {
			return fail(err)
		}
		if _, err := sp.f.Seek(0, io.SeekStart); err != nil {
			return fail(err)
		}
		out.WriteString(",\n  \"" + sec + "\": [")
		if _, err := io.Copy(out, sp.f); err != nil {
			return fail(err)
		}
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
	return []pipeline.FileInfo{{Name: name, Entity: "dataset", Format: "json", Records: s.Persons + s.Vehicles + s.Profiles, Bytes: n, SHA256: sum}}, nil
}
