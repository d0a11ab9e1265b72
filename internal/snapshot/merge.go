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
	"github.com/synthpipe/synthpipe/internal/formats/safeio"
	"github.com/synthpipe/synthpipe/pipeline"
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
// snapshot a single run makes. Each part is first checked whole against its
// own manifest (every listed file present, regular, of its size and SHA-256,
// nothing extra), as a rerun checks its target: a damaged part fails the
// merge with a *DamagedError (exit 3) naming the part and its files, before
// anything is written.
func Merge(ctx context.Context, cfg *config.Config, opt Options) (Result, error) {
	run := cfg.Run()
	run.Shard, run.Shards = 0, 0
	parts, err := Parts(filepath.Join(cfg.OutputDir, layout.PartsDir(cfg.Version)))
	if err != nil {
		return Result{}, err
	}
	suffix := layout.Suffix(run.SnapshotVersion)
	files, err := checkParts(ctx, parts, suffix, run.ConfigSHA256)
	if err != nil {
		return Result{}, err
	}
	src := newPartSource(parts, files, suffix, entity.Of(run.Entities))
	defer src.Close()
	return write(ctx, Target(cfg.OutputDir, run), cfg.From("output.dir"), run, opt, func(env *component.Env) (component.Plan, error) {
		plan, err := cfg.Plan(env, 1)
		if err != nil {
			return plan, err
		}
		plan.Source = src
		plan.Stages, plan.StageNames = nil, nil // the parts were validated when made
		plan.Window = 2 * runtime.GOMAXPROCS(0)
		return plan, nil
	})
}

// checkParts checks every part against its own manifest and then its
// config_sha256 against the merge's, and returns each part's manifest
// entries by name. Every damaged part is named, so that one rerun of them
// all repairs the run.
func checkParts(ctx context.Context, parts []string, suffix, configSHA256 string) ([]map[string]pipeline.FileInfo, error) {
	manName := layout.ManifestFile(suffix)
	out := make([]map[string]pipeline.FileInfo, len(parts))
	var damaged []error
	for i, p := range parts {
		var problems []string
		var m layout.Manifest
		raw, err := safeio.ReadSmall(p, manName, layout.MaxManifestBytes)
		if err != nil {
			problems = []string{openProblem(manName, err)}
		} else if err := json.Unmarshal(raw, &m); err != nil {
			problems = []string{manName + ": unreadable: " + err.Error()}
		} else {
			problems = checkFiles(ctx, p, m, manName)
		}
		if ctx.Err() != nil {
			return nil, interrupted(ctx, ctx.Err())
		}
		if len(problems) > 0 {
			damaged = append(damaged, damagedPart(p, problems))
			continue
		}
		out[i] = map[string]pipeline.FileInfo{}
		for _, f := range m.Files {
			out[i][f.Name] = f
		}
		metaRaw, err := safeio.ReadSmall(p, layout.MetadataFile(suffix), layout.MaxMetadataBytes)
		if err != nil {
			return nil, fmt.Errorf("part %s: %w", filepath.Base(p), err)
		}
		var meta model.Metadata
		if err := json.Unmarshal(metaRaw, &meta); err != nil {
			return nil, fmt.Errorf("part %s: metadata: %w", filepath.Base(p), err)
		}
		if meta.ConfigSHA256 != configSHA256 {
			return nil, fmt.Errorf("part %s was made with another configuration (config_sha256 %s, this one %s): merge with the same config, records and seed", filepath.Base(p), meta.ConfigSHA256, configSHA256)
		}
	}
	if len(damaged) > 0 {
		return nil, errors.Join(damaged...)
	}
	return out, nil
}

// damagedPart is the error for a part whose files do not match its
// manifest: making the part again repairs it.
func damagedPart(dir string, problems []string) *DamagedError {
	k, n, _ := layout.ParsePart(filepath.Base(dir))
	return &DamagedError{Dir: dir, Problems: problems, Fix: fmt.Sprintf("nothing was merged: make this part again with run --shard %d/%d --force", k, n)}
}

// partSource reads the records of every part in order, each entity on its
// own, in chunks: the sinks need no household alignment.
type partSource struct {
	parts   []string
	files   []map[string]pipeline.FileInfo // each part's manifest entries by name
	suffix  string
	readers []*entityReader
}

const mergeChunk = 4096

func newPartSource(parts []string, files []map[string]pipeline.FileInfo, suffix string, entities []entity.Entity) *partSource {
	s := &partSource{parts: parts, files: files, suffix: suffix}
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

// Close closes the part files still open, those of a merge that failed or
// was interrupted; the engine never closes a source.
func (s *partSource) Close() {
	for _, r := range s.readers {
		if r.src != nil {
			r.src.Close()
			r.src = nil
		}
	}
}

// entityReader walks one entity through the parts.
type entityReader struct {
	e    entity.Entity
	part int
	src  entity.Reader
	file pipeline.FileInfo // the manifest's entry of the file src reads
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
			src, file, err := openPart(s.parts[r.part], s.files[r.part], r.e, s.suffix)
			if err != nil {
				return n, err
			}
			r.src, r.file = src, file
		}
		err := r.src.Next()
		if errors.Is(err, io.EOF) {
			rows := r.src.Row()
			r.src.Close()
			r.src = nil
			if rows != r.file.Records {
				return n, damagedPart(s.parts[r.part], []string{fmt.Sprintf("%s: %d records, manifest says %d", r.file.Name, rows, r.file.Records)})
			}
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

// openPart opens the file of an entity that a part's manifest lists: its
// Parquet, or its CSV when the part has no Parquet. The part was checked
// against that manifest, so the file is there; any error is the file's.
func openPart(dir string, files map[string]pipeline.FileInfo, e entity.Entity, suffix string) (entity.Reader, pipeline.FileInfo, error) {
	pq, csvName := layout.DataFile(e.Name(), suffix, layout.Parquet), layout.DataFile(e.Name(), suffix, layout.CSV)
	file, ok := files[pq]
	if !ok {
		file, ok = files[csvName]
	}
	if !ok {
		return nil, file, fmt.Errorf("part %s: its manifest lists neither %s nor %s: merge reads one of them (the parquet or csv sink)", filepath.Base(dir), pq, csvName)
	}
	path := filepath.Join(filepath.Base(dir), file.Name)
	f, st, err := safeio.OpenRegular(dir, file.Name)
	if err != nil {
		return nil, file, fmt.Errorf("part %s: %w", path, err)
	}
	var src entity.Reader
	if file.Name == pq {
		src, err = e.OpenParquet(f, st.Size(), f)
	} else {
		src, err = e.OpenCSV(f, f)
	}
	if err != nil {
		f.Close()
		return nil, file, fmt.Errorf("part %s: %w", path, err)
	}
	return src, file, nil
}
