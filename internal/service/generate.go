package service

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/internal/version"
	"github.com/synthpipe/synthpipe/pipeline"
	"github.com/synthpipe/synthpipe/stages/sinks/jsonsink"
	"github.com/synthpipe/synthpipe/stages/sources/seed"
)

// fieldRange returns the bounds config.Fields declares for a scalar key, so
// the service allows exactly what a config file may say.
func fieldRange(name string) (lo, hi int64) {
	for _, f := range config.Fields {
		if f.Name == name {
			return f.Min, f.Max
		}
	}
	panic("service: config has no field " + name)
}

// CheckGenerate refuses a request Generate would refuse, before any work.
func (s *Service) CheckGenerate(req GenerateRequest) error {
	if req.Entity != Dataset {
		if _, err := s.entityByName(req.Entity); err != nil {
			return err
		}
	}
	switch req.Format {
	case FormatJSON, FormatNDJSON:
	case FormatCSV, FormatParquet:
		if req.Entity == Dataset {
			return &BadInput{Param: "format", Value: req.Format, Allowed: "the dataset is one document: json or ndjson (csv and parquet hold one entity a file: ask for " + strings.Join(s.entities, ", ") + ")"}
		}
	default:
		return &BadInput{Param: "format", Value: req.Format, Allowed: "json, ndjson, csv or parquet"}
	}
	if req.Records < 1 || req.Records > s.opt.MaxRecords {
		return &BadInput{Param: "records", Value: strconv.FormatInt(req.Records, 10), Allowed: fmt.Sprintf("persons from 1 to %d", s.opt.MaxRecords)}
	}
	if req.Offset < 0 || req.Offset >= s.cfg.Records {
		return &BadInput{Param: "offset", Value: strconv.FormatInt(req.Offset, 10), Allowed: fmt.Sprintf("0 to %d: the served dataset has %d persons (records and SYNTHPIPE_RECORDS set its size)", s.cfg.Records-1, s.cfg.Records)}
	}
	if req.Seed != nil {
		lo, hi := fieldRange("seed")
		if *req.Seed < lo || *req.Seed > hi {
			return &BadInput{Param: "seed", Value: strconv.FormatInt(*req.Seed, 10), Allowed: fmt.Sprintf("%d to %d", lo, hi)}
		}
	}
	return nil
}

// Generate runs the config's stages (validate included) over persons
// [0, Offset+Records) of the requested seed, from the household whose
// first person is at or after Offset, and streams what they make to w (see
// the package doc for what a request returns). It returns how many records
// of each entity it wrote.
func (s *Service) Generate(ctx context.Context, req GenerateRequest, w io.Writer) (Served, error) {
	if err := s.CheckGenerate(req); err != nil {
		return nil, err
	}
	run := s.requestRun(req)
	h, p, v := s.seek(run, req.Offset)
	stages, err := s.buildStages(run, s.opt.Workers)
	if err != nil {
		return nil, err
	}
	var entities []entity.Entity
	if req.Entity == Dataset {
		entities = entity.Of(run.Entities)
	} else {
		entities = entity.Of([]string{req.Entity})
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var sink component.Sink
	switch {
	case req.Entity == Dataset && req.Format == FormatJSON:
		dir, err := os.MkdirTemp("", "synthpipe-generate-")
		if err != nil {
			return nil, fmt.Errorf("generate: spool folder: %w", err)
		}
		defer os.RemoveAll(dir)
		js, err := jsonsink.New(dir, run)
		if err != nil {
			return nil, err
		}
		sink = &datasetJSON{Sink: js, dir: dir, name: layout.DatasetFile(layout.Suffix(run.SnapshotVersion)), w: bw}
	case req.Entity == Dataset:
		nd := &datasetNDJSON{entities: entities, w: bw}
		defer nd.cleanup()
		sink = nd
	case req.Format == FormatParquet:
		sink = &parquetStream{t: entities[0].NewParquet(bw, s.rowGroupRows, [2]string{version.Name, version.Version})}
	default:
		sink = &rowStream{e: entities[0], format: req.Format, w: bw}
	}
	count := &counted{Sink: sink, entities: entities, n: make([]int64, len(entities))}
	plan := component.Plan{
		Source:     seed.NewRange(run, h, p, v, min(req.Offset+req.Records, run.Records)),
		Stages:     stages,
		StageNames: s.stageNames(),
		Sinks:      []component.Sink{count},
		SinkNames:  []string{req.Format},
	}
	if _, err := pipeline.Run(ctx, plan); err != nil {
		return nil, fmt.Errorf("generate %s: %w", req.Entity, err)
	}
	// Documents that spool are handed over only after a whole, validated
	// run, so a failed one writes nothing of them.
	if f, ok := sink.(interface{ finish() error }); ok {
		if err := f.finish(); err != nil {
			return nil, fmt.Errorf("generate %s: %w", req.Entity, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	served := Served{}
	for i, e := range entities {
		served[e.Name()] = count.n[i]
	}
	return served, nil
}

// counted counts the records of each entity a sink is handed.
type counted struct {
	component.Sink
	entities []entity.Entity
	n        []int64
}

func (c *counted) Write(ctx context.Context, b *component.Batch) error {
	for i, e := range c.entities {
		c.n[i] += int64(e.Len(b.Payload))
	}
	return c.Sink.Write(ctx, b)
}

func (s *Service) stageNames() []string {
	out := make([]string, len(s.cfg.Stages))
	for i, c := range s.cfg.Stages {
		out[i] = c.Type
	}
	return out
}

// requestRun is the run a request is a range of: the served dataset (the
// config's records) with the request's seed, else the config's. Ranges of
// it join up: consecutive pages never split or drop a household.
func (s *Service) requestRun(req GenerateRequest) *model.Run {
	c := *s.cfg
	if req.Seed != nil {
		c.Seed = uint64(*req.Seed)
	}
	c.Shard, c.Shards = 0, 0
	return c.Run()
}

// seek finds the first household at or after person offset: from the
// nearest checkpoint when the request's seed is the configured one (plans
// are the same whatever the record count, bar the last household's cut),
// else by a walk from the start (about 50 ns a household).
func (s *Service) seek(run *model.Run, offset int64) (h, p, v int64) {
	if offset == 0 {
		return 0, 0, 0
	}
	if run.Seed == s.run.Seed {
		c := s.idx.byPerson(offset)
		return seed.SeekFrom(run.Seed, run.Records, offset, c.h, c.p, c.v)
	}
	return seed.Seek(run.Seed, run.Records, offset)
}

// rowStream writes one entity as CSV (with its header), a JSON array or
// NDJSON, row by row.
type rowStream struct {
	e      entity.Entity
	format string
	w      *bufio.Writer
	buf    []byte
	rows   int64
}

func (r *rowStream) Write(_ context.Context, b *component.Batch) error {
	mb := b.Payload
	if r.format == FormatCSV && r.rows == 0 && r.buf == nil {
		r.buf = r.e.AppendCSVHeader(make([]byte, 0, 4096))
	}
	for i := range r.e.Len(mb) {
		switch r.format {
		case FormatCSV:
			r.buf = r.e.AppendCSVRow(r.buf, mb, i)
		case FormatNDJSON:
			r.buf = append(r.e.AppendJSONRow(r.buf, mb, i), '\n')
		case FormatJSON:
			if r.rows == 0 {
				r.buf = append(r.buf, "[\n  "...)
			} else {
				r.buf = append(r.buf, ",\n  "...)
			}
			r.buf = r.e.AppendJSONRow(r.buf, mb, i)
		}
		r.rows++
		if len(r.buf) > 32<<10 {
			if _, err := r.w.Write(r.buf); err != nil {
				return err
			}
			r.buf = r.buf[:0]
		}
	}
	_, err := r.w.Write(r.buf)
	r.buf = r.buf[:0]
	return err
}

// Abort has nothing to release: a failed request's body is left unfinished.
func (*rowStream) Abort() {}

func (r *rowStream) Close(context.Context) ([]pipeline.FileInfo, error) {
	var err error
	switch {
	case r.format == FormatCSV && r.buf == nil:
		_, err = r.w.Write(r.e.AppendCSVHeader(nil)) // no rows: the header alone
	case r.format == FormatJSON && r.rows == 0:
		_, err = r.w.WriteString("[]\n")
	case r.format == FormatJSON:
		_, err = r.w.WriteString("\n]\n")
	}
	return nil, err
}

// parquetStream writes one entity as a Parquet file, in the fixed chunks
// entity.Table uses, so the bytes equal the snapshot's.
type parquetStream struct{ t entity.Table }

func (p *parquetStream) Write(_ context.Context, b *component.Batch) error {
	return p.t.Write(b.Payload)
}

// Abort writes no footer: a failed request's body is left unfinished.
func (*parquetStream) Abort() {}

func (p *parquetStream) Close(context.Context) ([]pipeline.FileInfo, error) {
	_, err := p.t.Close()
	return nil, err
}

// datasetJSON is the json sink writing into a private temporary folder
// (it spools each section there, so memory stays flat); at close the
// document it wrote is copied to the caller.
type datasetJSON struct {
	*jsonsink.Sink
	dir, name string
	w         io.Writer
}

func (d *datasetJSON) finish() error {
	f, err := os.Open(filepath.Join(d.dir, d.name))
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(d.w, f)
	return err
}

// datasetNDJSON writes {"entity":"persons","record":{…}} lines: the first
// entity's lines as batches come, every other entity's spooled to a
// temporary file and appended at close, so lines are grouped by entity in
// declaration order and memory stays flat.
type datasetNDJSON struct {
	entities []entity.Entity
	w        *bufio.Writer
	spools   []*os.File
	bufs     []*bufio.Writer
	buf      []byte
}

func (d *datasetNDJSON) Write(_ context.Context, b *component.Batch) error {
	mb := b.Payload
	if d.spools == nil {
		for range d.entities[1:] {
			f, err := os.CreateTemp("", "synthpipe-ndjson-")
			if err != nil {
				return fmt.Errorf("ndjson: spool: %w", err)
			}
			d.spools = append(d.spools, f)
			d.bufs = append(d.bufs, bufio.NewWriterSize(f, 64<<10))
		}
	}
	for k, e := range d.entities {
		out := d.w
		if k > 0 {
			out = d.bufs[k-1]
		}
		for i := range e.Len(mb) {
			d.buf = append(d.buf[:0], `{"entity":"`...)
			d.buf = append(d.buf, e.Name()...)
			d.buf = append(d.buf, `","record":`...)
			d.buf = e.AppendJSONRow(d.buf, mb, i)
			d.buf = append(d.buf, "}\n"...)
			if _, err := out.Write(d.buf); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close keeps the spools for finish; Generate removes them (cleanup), also
// after Abort.
func (d *datasetNDJSON) Close(context.Context) ([]pipeline.FileInfo, error) { return nil, nil }
func (d *datasetNDJSON) Abort()                                             {}

func (d *datasetNDJSON) finish() error {
	for k, f := range d.spools {
		if err := d.bufs[k].Flush(); err != nil {
			return err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.Copy(d.w, f); err != nil {
			return err
		}
	}
	return nil
}

func (d *datasetNDJSON) cleanup() {
	for _, f := range d.spools {
		f.Close()
		os.Remove(f.Name())
	}
}
