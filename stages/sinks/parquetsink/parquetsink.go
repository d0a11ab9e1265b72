// Package parquetsink writes persons, vehicles and profiles as Parquet
// files: snappy compression, dictionary encoding for enums and other
// low-cardinality columns, DATE columns, LIST<STRING> for lists, OPTIONAL
// for nullable columns, and bounded row groups. Rows are handed to the
// writer in fixed-size chunks whatever the batch size, because Parquet
// bytes depend on how rows are split into Write calls.
package parquetsink

import (
	"fmt"

	"github.com/parquet-go/parquet-go"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/formats/hashfile"
	"github.com/synthpipe/synthpipe/internal/version"
	"github.com/synthpipe/synthpipe/pipeline"
	"github.com/synthpipe/synthpipe/stages/sinks/tablesink"
)

// Type is the registered type name.
const Type = "parquet"

const (
	fieldRowGroupRows = "row_group_rows"
	// chunkRows is how many rows go into each Write call. Changing it
	// changes the bytes of every Parquet file.
	chunkRows = 4096
)

func init() {
	component.RegisterSink(pipeline.Spec{
		Type:     Type,
		Needs:    []string{model.Persons, model.Vehicles, model.Profiles},
		Provides: []string{model.PartRecords},
		Summary:  "Writes persons_<v>.parquet, vehicles_<v>.parquet and profiles_<v>.parquet (snappy, dictionary enums, DATE, LIST, bounded row groups).",
		Fields: []pipeline.Field{
			{Name: fieldRowGroupRows, Type: pipeline.TypeInt, Description: "Most rows in one row group; bounds the writer's memory.", Default: int64(131072), Min: chunkRows, Max: 1 << 24},
		},
	}, func(c pipeline.Conf, env *component.Env) (component.Sink, error) {
		run := env.Shared
		return New(env.Dir, run.FileSuffix(), c.Int(fieldRowGroupRows))
	})
}

type table[T any] struct {
	f      *hashfile.File
	w      *parquet.GenericWriter[T]
	entity string
	chunk  []T
	rows   int64
}

func newTable[T any](dir, entity, suffix string, rowGroupRows int64) (*table[T], error) {
	f, err := hashfile.Create(dir, entity+"_"+suffix+".parquet")
	if err != nil {
		return nil, err
	}
	w := parquet.NewGenericWriter[T](f,
		parquet.Compression(&parquet.Snappy),
		parquet.MaxRowsPerRowGroup(rowGroupRows),
		parquet.CreatedBy(version.Name, version.Version, ""),
	)
	return &table[T]{f: f, w: w, entity: entity, chunk: make([]T, 0, chunkRows)}, nil
}

func (t *table[T]) Write(rows []T) error {
	for len(rows) > 0 {
		n := min(len(rows), chunkRows-len(t.chunk))
		t.chunk = append(t.chunk, rows[:n]...)
		rows = rows[n:]
		if len(t.chunk) == chunkRows {
			if err := t.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *table[T]) flush() error {
	if len(t.chunk) == 0 {
		return nil
	}
	if _, err := t.w.Write(t.chunk); err != nil {
		return fmt.Errorf("parquet %s: %w", t.f.Name(), err)
	}
	t.rows += int64(len(t.chunk))
	clear(t.chunk) // drop string references so the chunk pins no batch
	t.chunk = t.chunk[:0]
	return nil
}

func (t *table[T]) Close() (pipeline.FileInfo, error) {
	err := t.flush()
	if cerr := t.w.Close(); err == nil {
		err = cerr
	}
	n, sum, ferr := t.f.Close()
	if err == nil {
		err = ferr
	}
	return pipeline.FileInfo{Name: t.f.Name(), Entity: t.entity, Format: "parquet", Records: t.rows, Bytes: n, SHA256: sum}, err
}

// New creates the three Parquet files in dir.
func New(dir, suffix string, rowGroupRows int64) (*tablesink.Sink, error) {
	p, err := newTable[model.Person](dir, "persons", suffix, rowGroupRows)
	if err != nil {
		return nil, err
	}
	v, err := newTable[model.Vehicle](dir, "vehicles", suffix, rowGroupRows)
	if err != nil {
		p.Close()
		return nil, err
	}
	pr, err := newTable[model.Profile](dir, "profiles", suffix, rowGroupRows)
	if err != nil {
		p.Close()
		v.Close()
		return nil, err
	}
	return &tablesink.Sink{Persons: p, Vehicles: v, Profiles: pr}, nil
}
