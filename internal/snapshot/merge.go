package snapshot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
)

// Parts lists the part folders of a sharded run in order, and fails unless
// parts 1..N of one N are all there.
func Parts(partsDir string) ([]string, error) {
	entries, err := os.ReadDir(partsDir)
	if err != nil {
		return nil, fmt.Errorf("parts folder %s: %w", partsDir, err)
	}
	byK := map[int]string{}
	n := 0
	for _, e := range entries {
		k, nn, ok := layout.ParsePart(e.Name())
		if !ok || !e.IsDir() {
			continue
		}
		if n != 0 && nn != n {
			return nil, fmt.Errorf("parts folder %s mixes runs of %d and %d parts", partsDir, n, nn)
		}
		n = nn
		byK[k] = filepath.Join(partsDir, e.Name())
	}
	if n == 0 {
		return nil, fmt.Errorf("parts folder %s holds no part-K-of-N folder", partsDir)
	}
	out := make([]string, 0, n)
	for k := 1; k <= n; k++ {
		p, ok := byK[k]
		if !ok {
			return nil, fmt.Errorf("parts folder %s: part %d of %d is missing", partsDir, k, n)
		}
		out = append(out, p)
	}
	return out, nil
}

// Merge joins the parts of cfg's sharded run, made with the same config
// (checked by config_sha256), into the snapshot <output.dir>/<version>,
// through cfg's own sinks and finalizers: the result is byte for byte the
// snapshot a single run makes.
func Merge(ctx context.Context, cfg *config.Config, opt Options) (Result, error) {
	run := cfg.Run()
	run.Shard, run.Shards = 0, 0
	parts, err := Parts(filepath.Join(cfg.OutputDir, layout.PartsDir(cfg.Version)))
	if err != nil {
		return Result{}, err
	}
	suffix := layout.Suffix(run.SnapshotVersion)
	for _, p := range parts {
		raw, err := os.ReadFile(filepath.Join(p, layout.MetadataFile(suffix)))
		if err != nil {
			return Result{}, fmt.Errorf("part %s: %w", filepath.Base(p), err)
		}
		var meta model.Metadata
		if err := json.Unmarshal(raw, &meta); err != nil {
			return Result{}, fmt.Errorf("part %s: metadata: %w", filepath.Base(p), err)
		}
		if meta.ConfigSHA256 != run.ConfigSHA256 {
			return Result{}, fmt.Errorf("part %s was made with another configuration (config_sha256 %s, this one %s): merge with the same config, records and seed", filepath.Base(p), meta.ConfigSHA256, run.ConfigSHA256)
		}
	}
	return write(ctx, Target(cfg.OutputDir, run), "output.dir "+cfg.OutputDir, run, opt, func(env *component.Env) (component.Plan, error) {
		plan, err := cfg.Plan(env, 1)
		if err != nil {
			return plan, err
		}
		plan.Source = newPartSource(parts, suffix, entity.Of(run.Entities))
		plan.Stages, plan.StageNames = nil, nil // the parts were validated when made
		plan.Window = 2 * runtime.GOMAXPROCS(0)
		return plan, nil
	})
}

// partSource reads the records of every part in order, each entity on its
// own, in chunks: the sinks need no household alignment.
type partSource struct {
	parts   []string
	suffix  string
	readers []*entityReader
}

const mergeChunk = 4096

func newPartSource(parts []string, suffix string, entities []entity.Entity) *partSource {
	s := &partSource{parts: parts, suffix: suffix}
	for _, e := range entities {
		s.readers = append(s.readers, &entityReader{e: e})
	}
	return s
}

func (s *partSource) NewPayload() *model.Batch { return entity.NewBatch() }

func (s *partSource) Next(_ context.Context, b *component.Batch) (bool, error) {
	mb := b.Payload
	mb.Reset()
	any := false
	for _, r := range s.readers {
		n, err := r.read(s, mb)
		if err != nil {
			return false, err
		}
		any = any || n > 0
	}
	return any, nil
}

// entityReader walks one entity through the parts.
type entityReader struct {
	e    entity.Entity
	part int
	src  entity.Reader
	done bool
}

// read appends up to mergeChunk records to mb and returns how many.
func (r *entityReader) read(s *partSource, mb *model.Batch) (int, error) {
	n := 0
	for n < mergeChunk && !r.done {
		if r.src == nil {
			if r.part == len(s.parts) {
				r.done = true
				break
			}
			src, err := openPart(s.parts[r.part], r.e, s.suffix)
			if err != nil {
				return n, err
			}
			r.src = src
		}
		err := r.src.Next()
		if errors.Is(err, io.EOF) {
			r.src.Close()
			r.src = nil
			r.part++
			continue
		}
		if err != nil {
			return n, fmt.Errorf("part %s %s row %d: %w", filepath.Base(s.parts[r.part]), r.e.Name(), r.src.Row()+1, err)
		}
		r.src.AppendTo(mb)
		n++
	}
	return n, nil
}

// openPart opens a part's Parquet file for an entity, or its CSV file when
// the part has no Parquet.
func openPart(dir string, e entity.Entity, suffix string) (entity.Reader, error) {
	pq := layout.DataFile(e.Name(), suffix, layout.Parquet)
	if f, err := os.Open(filepath.Join(dir, pq)); err == nil {
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		src, err := e.OpenParquet(f, st.Size(), f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", filepath.Join(filepath.Base(dir), pq), err)
		}
		return src, nil
	}
	csvName := layout.DataFile(e.Name(), suffix, layout.CSV)
	f, err := os.Open(filepath.Join(dir, csvName))
	if err != nil {
		return nil, fmt.Errorf("part %s has neither %s nor %s", filepath.Base(dir), pq, csvName)
	}
	src, err := e.OpenCSV(f, f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", filepath.Join(filepath.Base(dir), csvName), err)
	}
	return src, nil
}
