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
// snapshot a single run makes. Once the target passed its checks and is
// locked, each part is checked against its own manifest (see checkPart),
// as a rerun checks its target: a damaged part fails the merge with a
// *DamagedError (exit 3) naming the part and its files, before anything is
// written.
func Merge(ctx context.Context, cfg *config.Config, opt Options) (Result, error) {
	run := cfg.Run()
	run.Shard, run.Shards = 0, 0
	parts, err := Parts(filepath.Join(cfg.OutputDir, layout.PartsDir(cfg.Version)))
	if err != nil {
		return Result{}, err
	}
	suffix := layout.Suffix(run.SnapshotVersion)
	entities := entity.Of(run.Entities)
	src := newPartSource(parts, suffix, entities)
	defer src.Close()
	check := func() (err error) {
		src.files, err = checkParts(ctx, parts, suffix, run.ConfigSHA256, entities)
		return err
	}
	return write(ctx, Target(cfg.OutputDir, run), cfg.From("output.dir"), run, opt, check, func(env *component.Env) (component.Plan, error) {
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

// checkParts checks every part (see checkPart) and returns each part's
// manifest entries by name. Every bad part, damaged or of another
// configuration, is named in one error, so that one round of reruns
// repairs the run.
func checkParts(ctx context.Context, parts []string, suffix, configSHA256 string, entities []entity.Entity) ([]map[string]pipeline.FileInfo, error) {
	out := make([]map[string]pipeline.FileInfo, len(parts))
	var bad []error
	for i, p := range parts {
		files, err := checkPart(ctx, p, suffix, configSHA256, entities)
		if ctx.Err() != nil {
			return nil, interrupted(ctx, ctx.Err())
		}
		if err != nil {
			bad = append(bad, err)
			continue
		}
		out[i] = files
	}
	if len(bad) > 0 {
		return nil, errors.Join(bad...)
	}
	return out, nil
}

// checkPart reads a part's manifest and metadata and refuses a part made
// with another configuration before reading any more of it. It then checks
// every listed file present, a regular file and of its size, nothing else
// in the folder, and the SHA-256 of the files merge reads: the metadata and
// each entity's Parquet (or CSV, see mergeFile). The rest, the dataset JSON
// above all, merge never opens, so hashing it would only cost time.
func checkPart(ctx context.Context, dir, suffix, configSHA256 string, entities []entity.Entity) (map[string]pipeline.FileInfo, error) {
	manName, metaName := layout.ManifestFile(suffix), layout.MetadataFile(suffix)
	raw, err := safeio.ReadSmall(dir, manName, layout.MaxManifestBytes)
	if err != nil {
		return nil, damagedPart(dir, []string{openProblem(manName, err)})
	}
	var m layout.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, damagedPart(dir, []string{manName + ": unreadable: " + err.Error()})
	}
	var meta model.Metadata
	metaRaw, metaErr := safeio.ReadSmall(dir, metaName, layout.MaxMetadataBytes)
	if metaErr == nil {
		metaErr = json.Unmarshal(metaRaw, &meta)
	}
	if metaErr == nil && meta.ConfigSHA256 != configSHA256 {
		return nil, fmt.Errorf("part %s was made with another configuration (config_sha256 %s, this one %s): merge with the same config, records and seed", filepath.Base(dir), meta.ConfigSHA256, configSHA256)
	}
	files := make(map[string]pipeline.FileInfo, len(m.Files))
	for _, f := range m.Files {
		files[f.Name] = f
	}
	hash := map[string]bool{metaName: true}
	for _, e := range entities {
		if f, ok := mergeFile(files, e, suffix); ok {
			hash[f.Name] = true
		}
	}
	problems := checkFiles(ctx, dir, m, manName, hash)
	if len(problems) == 0 && metaErr != nil {
		// Its manifest does not list it, or lists it as it is.
		problems = []string{openProblem(metaName, metaErr)}
	}
	if len(problems) > 0 {
		return nil, damagedPart(dir, problems)
	}
	return files, nil
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
	files   []map[string]pipeline.FileInfo // each part's manifest entries by name, once checked
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

// mergeFile is the file of entity e that merge reads from a part whose
// manifest lists files: its Parquet, or its CSV when the part has no
// Parquet.
func mergeFile(files map[string]pipeline.FileInfo, e entity.Entity, suffix string) (pipeline.FileInfo, bool) {
	if f, ok := files[layout.DataFile(e.Name(), suffix, layout.Parquet)]; ok {
		return f, true
	}
	f, ok := files[layout.DataFile(e.Name(), suffix, layout.CSV)]
	return f, ok
}

// openPart opens the file of an entity that merge reads (mergeFile). The
// part was checked against its manifest, so the file is there; any error
// is the file's.
func openPart(dir string, files map[string]pipeline.FileInfo, e entity.Entity, suffix string) (entity.Reader, pipeline.FileInfo, error) {
	pq := layout.DataFile(e.Name(), suffix, layout.Parquet)
	file, ok := mergeFile(files, e, suffix)
	if !ok {
		return nil, file, fmt.Errorf("part %s: its manifest lists neither %s nor %s: merge reads one of them (the parquet or csv sink)", filepath.Base(dir), pq, layout.DataFile(e.Name(), suffix, layout.CSV))
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
