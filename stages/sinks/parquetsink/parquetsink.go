// Package parquetsink writes one Parquet file per entity the pipeline makes:
// snappy compression, dictionary encoding for enums and other
// low-cardinality columns, DATE columns, LIST<STRING> for lists, OPTIONAL
// for nullable columns, and bounded row groups. Rows are handed to the
// writer in fixed-size chunks whatever the batch size, because Parquet
// bytes depend on how rows are split into Write calls
// (entity.ParquetChunkRows).
package parquetsink

import (
	"context"
	_ "embed"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/formats/hashfile"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/internal/version"
	"github.com/synthpipe/synthpipe/pipeline"
)

// example is the YAML fragment the config reference shows (a test loads it).
//
//go:embed example.yaml
var example string

// Type is the registered type name.
const Type = "parquet"

const fieldRowGroupRows = "row_group_rows"

// DefaultRowGroupRows is row_group_rows when a config does not set it.
const DefaultRowGroupRows = 131072

func init() {
	component.RegisterSink(pipeline.Spec{
		Type:     Type,
		Provides: []string{model.PartRecords},
		Summary:  "Writes <entity>_<v>.parquet for every entity the stages make (snappy, dictionary enums, DATE, LIST, bounded row groups).",
		Example:  example,
		Fields: []pipeline.Field{
			{Name: fieldRowGroupRows, Type: pipeline.TypeInt, Description: "Most rows in one row group; bounds the writer's memory.", Default: int64(DefaultRowGroupRows), Min: entity.ParquetChunkRows, Max: 1 << 24},
		},
	}, func(c pipeline.Conf, env *component.Env) (component.Sink, error) {
		run := env.Shared
		return New(env.Dir, layout.Suffix(run.SnapshotVersion), entity.Of(run.Entities), c.Int(fieldRowGroupRows))
	})
}

type table struct {
	e entity.Entity
	f *hashfile.File
	w entity.Table
}

// Sink writes one Parquet file per entity.
type Sink struct{ tables []*table }

// New creates the Parquet files of entities in dir.
func New(dir, suffix string, entities []entity.Entity, rowGroupRows int64) (*Sink, error) {
	s := &Sink{}
	for _, e := range entities {
		f, err := hashfile.Create(dir, layout.DataFile(e.Name(), suffix, layout.Parquet))
		if err != nil {
			s.Abort()
			return nil, err
		}
		s.tables = append(s.tables, &table{e: e, f: f, w: e.NewParquet(f, rowGroupRows, [2]string{version.Name, version.Version})})
	}
	return s, nil
}

// Write hands a batch's rows to every file.
func (s *Sink) Write(_ context.Context, b *component.Batch) error {
	mb := b.Payload
	for _, t := range s.tables {
		if err := t.w.Write(mb); err != nil {
			return err
		}
	}
	return nil
}

// Close finishes every file, even after an error, and reports them.
func (s *Sink) Close(context.Context) ([]pipeline.FileInfo, error) {
	var out []pipeline.FileInfo
	var first error
	for _, t := range s.tables {
		rows, err := t.w.Close()
		n, sum, ferr := t.f.Close()
		if err == nil {
			err = ferr
		}
		if err != nil && first == nil {
			first = err
		}
		out = append(out, pipeline.FileInfo{Name: t.f.Name(), Entity: t.e.Name(), Format: layout.Parquet, Records: rows, Bytes: n, SHA256: sum})
	}
	return out, first
}

// Abort removes every file unfinished: no last row group, no footer.
func (s *Sink) Abort() {
	for _, t := range s.tables {
		t.f.Abort()
	}
}
