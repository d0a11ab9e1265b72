package model

import (
	"fmt"

	"github.com/synthpipe/synthpipe/pipeline"
)

// Run is the read-only context every component of one run shares: what to
// make, from which seed, against which reference date.
type Run struct {
	DatasetName     string
	SnapshotVersion string // v0.1
	SchemaVersion   string
	ReferenceDate   Date
	Seed            uint64
	Records         int64 // persons
	BatchSize       int   // persons per batch, rounded to whole households
	ConfigSHA256    string
	// Shard selects part Shard of Shards (1-based); Shards 0 means the whole run.
	Shard, Shards int
}

// Sharded reports whether the run makes one part of a sharded run.
func (r *Run) Sharded() bool { return r.Shards > 1 }

// PartName names a part's folder: part-0002-of-0016.
func (r *Run) PartName() string {
	return fmt.Sprintf("part-%04d-of-%04d", r.Shard, r.Shards)
}

// FileSuffix returns the snapshot version as used in file names: v0.1 -> v0_1.
func (r *Run) FileSuffix() string {
	b := []byte(r.SnapshotVersion)
	for i, c := range b {
		if c == '.' {
			b[i] = '_'
		}
	}
	return string(b)
}

// RunOf returns the run context components are built with.
func RunOf(env *pipeline.Env, component string) (*Run, error) {
	run, ok := env.Shared.(*Run)
	if !ok {
		return nil, fmt.Errorf("%s: built without a run context (env.Shared is %T)", component, env.Shared)
	}
	return run, nil
}
