package service

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	// The components register themselves; the service builds the config's
	// stages from the registry, so it needs them whoever its caller is.
	_ "github.com/synthpipe/synthpipe/stages"
	"github.com/synthpipe/synthpipe/stages/sinks/parquetsink"
)

// DefaultMaxRecords caps the persons of one Generate request when Options
// leaves MaxRecords at zero.
const DefaultMaxRecords = 10000

// Options tune a Service.
type Options struct {
	// SnapshotsDir holds the governed snapshots (the CLI's data/snapshots).
	SnapshotsDir string
	// MaxRecords caps the persons of one Generate request; 0 means
	// DefaultMaxRecords.
	MaxRecords int64
	// Workers per stage of one Generate request; 0 means 1, because a
	// server runs many requests at once and the stages already run
	// concurrently with each other. The output does not depend on it.
	Workers int
	Logger  zerolog.Logger
}

// Service implements API over one loaded config.
type Service struct {
	cfg      *config.Config
	run      *model.Run // the configured dataset: what Record serves
	opt      Options
	entities []string
	log      zerolog.Logger

	// rowGroupRows is the Parquet row group size of the config's parquet
	// sink (its default without one), so generated Parquet bytes equal the
	// snapshot's.
	rowGroupRows int64

	idx     *checkpoints
	lookups map[string]*lookup // by entity name: every entity the config makes
	stages  sync.Pool          // []component.Stage over run: a stage instance serves one goroutine at a time

	// replayed counts the household plans Record lookups replayed; tests
	// read it to prove a lookup does not walk from the start.
	replayed atomic.Int64
}

var _ API = (*Service)(nil)

// New returns the service of cfg. It builds the configured dataset's
// checkpoint table once (one plan walk over cfg.Records persons, about
// 50 ns a household) so Record finds any id in constant time.
func New(cfg *config.Config, opt Options) (*Service, error) {
	if cfg == nil {
		return nil, errors.New("service: no config")
	}
	if opt.MaxRecords <= 0 {
		opt.MaxRecords = DefaultMaxRecords
	}
	if opt.Workers <= 0 {
		opt.Workers = 1
	}
	opt.Workers = min(opt.Workers, runtime.GOMAXPROCS(0))
	s := &Service{cfg: cfg, run: cfg.Run(), opt: opt, entities: cfg.Entities(), log: opt.Logger, rowGroupRows: parquetsink.DefaultRowGroupRows}
	// The configured dataset is the whole run, never one shard of it.
	s.run.Shard, s.run.Shards = 0, 0
	for _, sk := range cfg.Sinks {
		if sk.Type == parquetsink.Type { // its row_group_rows field decides the bytes
			if n := sk.Conf.Int("row_group_rows"); n > 0 {
				s.rowGroupRows = n
			}
		}
	}
	lookups, err := newLookups(s.entities)
	if err != nil {
		return nil, err
	}
	s.lookups = lookups
	// Build the stages once now, so a config whose stages cannot be built
	// fails here rather than on the first request.
	st, err := s.buildStages(s.run, 1)
	if err != nil {
		return nil, err
	}
	s.stages.New = func() any {
		st, err := s.buildStages(s.run, 1)
		if err != nil {
			return err
		}
		return flatten(st)
	}
	s.stages.Put(flatten(st))
	start := time.Now()
	s.idx = buildCheckpoints(s.run.Seed, s.run.Records, checkpointEvery)
	s.log.Info().Int64("records", s.run.Records).Int("checkpoints", len(s.idx.h)).
		Dur("took", time.Since(start)).Msg("record index built")
	return s, nil
}

// buildStages builds workers instances of every stage of the config over
// run, as cfg.Plan does, without its source, sinks and finalizers (the
// service brings its own, which write to the caller, not to files).
func (s *Service) buildStages(run *model.Run, workers int) ([][]component.Stage, error) {
	var out [][]component.Stage
	for _, comp := range s.cfg.Stages {
		env := &component.Env{Logger: s.log.With().Str("component", comp.Type).Logger(), Shared: run}
		var ws []component.Stage
		for range max(1, workers) {
			st, err := component.Registry.BuildStage(comp.Type, comp.Conf, env)
			if err != nil {
				return nil, fmt.Errorf("%s (%s): %w", comp.Where, comp.Type, err)
			}
			ws = append(ws, st)
		}
		out = append(out, ws)
	}
	return out, nil
}

func flatten(st [][]component.Stage) []component.Stage {
	out := make([]component.Stage, len(st))
	for i, ws := range st {
		out[i] = ws[0]
	}
	return out
}

// Entities names the entities the config makes, in declaration order.
func (s *Service) Entities() []string { return slices.Clone(s.entities) }

// MaxRecords is the most persons one Generate request may ask for.
func (s *Service) MaxRecords() int64 { return s.opt.MaxRecords }

// Ready reports whether the config is loaded and the snapshots root is a
// readable folder (a missing one is not ready: the snapshot routes would
// all fail).
func (s *Service) Ready() error {
	if s.cfg == nil || s.idx == nil {
		return errors.New("service: config not loaded")
	}
	f, err := os.Open(s.opt.SnapshotsDir)
	if err != nil {
		return fmt.Errorf("snapshots folder: %w", err)
	}
	defer f.Close()
	if _, err := f.ReadDir(1); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("snapshots folder %s: %w", s.opt.SnapshotsDir, err)
	}
	return nil
}

// entityByName returns the declared entity the config makes, or NotFound.
func (s *Service) entityByName(name string) (entity.Entity, error) {
	if slices.Contains(s.entities, name) {
		return entity.Of([]string{name})[0], nil
	}
	return nil, &NotFound{What: "entity", Value: name, Allowed: strings.Join(s.entities, ", ")}
}
