// Package metasink writes metadata_<v>.json: the snapshot's metadata object
// alone, with the record counts of every entity, counted while the data went by.
package metasink

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
const Type = "metadata"

func init() {
	component.RegisterSink(pipeline.Spec{
		Type:     Type,
		Provides: []string{model.PartMetadata},
		Summary:  "Writes metadata_<v>.json: dataset, versions, seed, reference date, config hash, record counts and the privacy rules.",
		Example:  example,
	}, func(_ pipeline.Conf, env *component.Env) (component.Sink, error) {
		run := env.Shared
		return New(env.Dir, run), nil
	})
}

// Sink counts records and writes the metadata file at close.
type Sink struct {
	dir     string
	run     *model.Run
	counter entity.Counter
}

// New returns a metadata sink of run writing into dir.
func New(dir string, run *model.Run) *Sink {
	return &Sink{dir: dir, run: run, counter: entity.NewCounter(entity.Of(run.Entities))}
}

// Write counts a batch.
func (s *Sink) Write(_ context.Context, b *component.Batch) error {
	s.counter.Add(b.Payload)
	return nil
}

// Abort does nothing: the file is made at Close only.
func (s *Sink) Abort() {}

// Close writes the file.
func (s *Sink) Close(context.Context) ([]pipeline.FileInfo, error) {
	name := layout.MetadataFile(layout.Suffix(s.run.SnapshotVersion))
	f, err := hashfile.Create(s.dir, name)
	if err != nil {
		return nil, err
	}
	_, _ = f.Write(entity.EncodeMetadata(s.counter.Metadata(s.run), ""))
	_, _ = f.WriteString("\n")
	n, sum, err := f.Close()
	if err != nil {
		return nil, err
	}
	return []pipeline.FileInfo{{Name: name, Entity: layout.MetadataEntity, Format: layout.JSON, Records: 1, Bytes: n, SHA256: sum}}, nil
}
