// Package tablesink is the shared shape of the per-entity file sinks (CSV,
// Parquet): one table writer each for persons, vehicles and profiles, fed
// from every batch and closed together.
package tablesink

import (
	"context"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/pipeline"
)

// Table writes the rows of one entity to one file.
type Table[T any] interface {
	Write(rows []T) error
	Close() (pipeline.FileInfo, error)
}

// Sink feeds each entity's rows to its table.
type Sink struct {
	Persons  Table[model.Person]
	Vehicles Table[model.Vehicle]
	Profiles Table[model.Profile]
}

// Write hands a batch's records to the tables.
func (s *Sink) Write(_ context.Context, b *component.Batch) error {
	mb := b.Payload
	if err := s.Persons.Write(mb.Persons); err != nil {
		return err
	}
	if err := s.Vehicles.Write(mb.Vehicles); err != nil {
		return err
	}
	return s.Profiles.Write(mb.Profiles)
}

// Close closes every table, even after an error, and reports their files.
func (s *Sink) Close(context.Context) ([]pipeline.FileInfo, error) {
	var out []pipeline.FileInfo
	var first error
	for _, c := range []func() (pipeline.FileInfo, error){s.Persons.Close, s.Vehicles.Close, s.Profiles.Close} {
		fi, err := c()
		if err != nil && first == nil {
			first = err
		}
		out = append(out, fi)
	}
	return out, first
}
