// Package metasink writes metadata_<v>.json: the snapshot's metadata object
// alone, with the record counts it counted while the data went by.
package metasink

import (
	"context"
	"encoding/json"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/formats/hashfile"
	"github.com/synthpipe/synthpipe/internal/version"
	"github.com/synthpipe/synthpipe/pipeline"
)

// Type is the registered type name.
const Type = "metadata"

func init() {
	component.RegisterSink(pipeline.Spec{
		Type:     Type,
		Provides: []string{model.PartMetadata},
		Summary:  "Writes metadata_<v>.json: dataset, versions, seed, reference date, config hash, record counts and the privacy rules.",
	}, func(_ pipeline.Conf, env *component.Env) (component.Sink, error) {
		run := env.Shared
		return &Sink{dir: env.Dir, run: run}, nil
	})
}

// Counter counts the records of every batch; the JSON sink embeds one too.
type Counter struct{ Persons, Vehicles, Profiles int64 }

// Add counts a batch.
func (c *Counter) Add(b *component.Batch) {
	mb := b.Payload
	c.Persons += int64(len(mb.Persons))
	c.Vehicles += int64(len(mb.Vehicles))
	c.Profiles += int64(len(mb.Profiles))
}

// Metadata returns the run's metadata with the counts so far.
func (c *Counter) Metadata(run *model.Run) model.Metadata {
	return model.NewMetadata(run, version.Name, version.Version, c.Persons, c.Vehicles, c.Profiles)
}

// Encode renders metadata as indented JSON, the form both files use.
func Encode(m model.Metadata, prefix string) []byte {
	b, err := json.MarshalIndent(m, prefix, "  ")
	if err != nil {
		panic(err) // plain struct of strings and numbers: cannot fail
	}
	return b
}

// Sink counts records and writes the metadata file at close.
type Sink struct {
	dir string
	run *model.Run
	Counter
}

// Write counts a batch.
func (s *Sink) Write(_ context.Context, b *component.Batch) error { s.Add(b); return nil }

// Close writes the file.
func (s *Sink) Close(context.Context) ([]pipeline.FileInfo, error) {
	name := "metadata_" + s.run.FileSuffix() + ".json"
	f, err := hashfile.Create(s.dir, name)
	if err != nil {
		return nil, err
	}
	_, _ = f.Write(Encode(s.Metadata(s.run), ""))
	_, _ = f.WriteString("\n")
	n, sum, err := f.Close()
	if err != nil {
		return nil, err
	}
	return []pipeline.FileInfo{{Name: name, Entity: "metadata", Format: "json", Records: 1, Bytes: n, SHA256: sum}}, nil
}
