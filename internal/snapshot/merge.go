package snapshot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/formats/readback"
)

var partRE = regexp.MustCompile(`^part-([0-9]+)-of-([0-9]+)$`)

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
		m := partRE.FindStringSubmatch(e.Name())
		if m == nil || !e.IsDir() {
			continue
		}
		k, _ := strconv.Atoi(m[1])
		nn, _ := strconv.Atoi(m[2])
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
	parts, err := Parts(filepath.Join(cfg.OutputDir, cfg.Version+".parts"))
	if err != nil {
		return Result{}, err
	}
	suffix := run.FileSuffix()
	for _, p := range parts {
		raw, err := os.ReadFile(filepath.Join(p, "metadata_"+suffix+".json"))
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
	return write(ctx, cfg.OutputDir, run, opt, func(env *component.Env) (component.Plan, error) {
		plan, err := cfg.Plan(env, 1)
		if err != nil {
			return plan, err
		}
		plan.Source = &partSource{parts: parts, suffix: suffix}
		plan.Stages, plan.StageNames = nil, nil // the parts were validated when made
		plan.Window = 2 * runtime.GOMAXPROCS(0)
		return plan, nil
	})
}

// partSource reads the records of every part in order, each entity on its
// own, in chunks: the sinks need no household alignment.
type partSource struct {
	parts    []string
	suffix   string
	persons  entityReader[model.Person]
	vehicles entityReader[model.Vehicle]
	profiles entityReader[model.Profile]
}

const mergeChunk = 4096

func (s *partSource) NewPayload() *model.Batch { return &model.Batch{} }

func (s *partSource) Next(_ context.Context, b *component.Batch) (bool, error) {
	mb := b.Payload
	mb.Reset()
	var err error
	if mb.Persons, err = s.persons.read(s, "persons", model.PersonColumns, mb.Persons); err != nil {
		return false, err
	}
	if mb.Vehicles, err = s.vehicles.read(s, "vehicles", model.VehicleColumns, mb.Vehicles); err != nil {
		return false, err
	}
	if mb.Profiles, err = s.profiles.read(s, "profiles", model.ProfileColumns, mb.Profiles); err != nil {
		return false, err
	}
	return len(mb.Persons)+len(mb.Vehicles)+len(mb.Profiles) > 0, nil
}

// entityReader walks one entity through the parts.
type entityReader[T any] struct {
	part int
	src  readback.Source[T]
	done bool
}

func (r *entityReader[T]) read(s *partSource, entity string, cols []model.Column[T], dst []T) ([]T, error) {
	for len(dst) < mergeChunk && !r.done {
		if r.src == nil {
			if r.part == len(s.parts) {
				r.done = true
				break
			}
			src, err := openPart[T](s.parts[r.part], entity+"_"+s.suffix, cols)
			if err != nil {
				return dst, err
			}
			r.src = src
		}
		rec, err := r.src.Next()
		if errors.Is(err, io.EOF) {
			r.src.Close()
			r.src = nil
			r.part++
			continue
		}
		if err != nil {
			return dst, fmt.Errorf("part %s %s row %d: %w", filepath.Base(s.parts[r.part]), entity, r.src.Row()+1, err)
		}
		dst = append(dst, *rec)
	}
	return dst, nil
}

// openPart opens a part's Parquet file for an entity, or its CSV file when
// the part has no Parquet.
func openPart[T any](dir, base string, cols []model.Column[T]) (readback.Source[T], error) {
	if f, err := os.Open(filepath.Join(dir, base+".parquet")); err == nil {
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		src, err := readback.NewParquet[T](f, st.Size(), f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", filepath.Join(filepath.Base(dir), base+".parquet"), err)
		}
		return src, nil
	}
	f, err := os.Open(filepath.Join(dir, base+".csv"))
	if err != nil {
		return nil, fmt.Errorf("part %s has neither %s.parquet nor %s.csv", filepath.Base(dir), base, base)
	}
	src, err := readback.NewCSV[T](f, f, cols)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", filepath.Join(filepath.Base(dir), base+".csv"), err)
	}
	return src, nil
}
