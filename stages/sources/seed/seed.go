// Package seed is the pipeline's source: it walks households in order and
// draws each one's plan (size, spouse, children, vehicle count) from a hash
// of (seed, household index) alone, then packs whole households into
// batches. Ids are contiguous, so this walk is the only sequential work; all
// record values are drawn later, in parallel, from per-record streams.
package seed

import (
	"context"
	_ "embed"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/household"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/pipeline"
)

// example is the YAML fragment the config reference shows (a test loads it).
//
//go:embed example.yaml
var example string

// Type is the registered type name.
const Type = "seed"

func init() {
	component.RegisterSource(pipeline.Spec{
		Type:    Type,
		Summary: "Plans households (1-5 members, spouse, children, 0-4 vehicles) from (seed, household index) and packs them into batches of about batch_size persons.",
		Example: example,
	}, func(_ pipeline.Conf, env *component.Env) (component.Source, error) {
		run := env.Shared
		return New(run), nil
	})
}

// Source produces batches of planned households.
type Source struct {
	run       *model.Run
	household int64
	person    int64
	vehicle   int64
	end       int64 // households starting at or after this person belong to the next part
}

// New returns a source over run's persons: all of them, or one part of a
// sharded run. A part is the households whose first person falls in
// [(K-1)*R/N, K*R/N), so parts are contiguous, whole households, and ids
// and values are exactly those of the single run.
func New(run *model.Run) *Source {
	s := &Source{run: run, end: run.Records}
	if run.Sharded() {
		lo, hi := PartBounds(run.Records, run.Shard, run.Shards)
		s.household, s.person, s.vehicle = Seek(run.Seed, run.Records, lo)
		s.end = hi
	}
	return s
}

// NewRange returns a source over the households of run whose first person
// falls in [p, end), starting at household h, person p and vehicle v, a
// household start that Seek or SeekFrom found: the same households a part
// of a sharded run makes, for any range (the service's offsets).
func NewRange(run *model.Run, h, p, v, end int64) *Source {
	return &Source{run: run, household: h, person: p, vehicle: v, end: min(end, run.Records)}
}

// PartBounds returns the person range whose households make part k of n.
func PartBounds(records int64, k, n int) (lo, hi int64) {
	return records * int64(k-1) / int64(n), records * int64(k) / int64(n)
}

// Seek walks household plans from the start to the first household whose
// first person is at or after person, and returns its household, person
// and vehicle indexes. Plans are one hash each, so this is fast (about
// 50 ns a household) and needs no state from other machines.
func Seek(seed uint64, records, person int64) (h, p, v int64) {
	return SeekFrom(seed, records, person, 0, 0, 0)
}

// SeekFrom is Seek starting at household h (first person p, first vehicle
// v) rather than at the first: a checkpoint a caller kept from an earlier
// walk with the same seed, so a seek replays only the plans after it. Plans
// do not depend on the record count except for the cut of the last
// household, so a checkpoint at or before person is valid for any run of
// more than person records.
func SeekFrom(seed uint64, records, person, h, p, v int64) (int64, int64, int64) {
	for p < person && p < records {
		hh := Plan(seed, h, records-p)
		p += int64(hh.Size)
		v += int64(hh.Vehicles)
		h++
	}
	return h, p, v
}

// NewPayload returns an empty batch payload.
func (s *Source) NewPayload() *model.Batch { return entity.NewBatch() }

// Next fills b with the next whole households.
func (s *Source) Next(_ context.Context, b *component.Batch) (bool, error) {
	mb := b.Payload
	mb.Reset()
	if s.person >= s.end {
		return false, nil
	}
	persons := 0
	for persons < s.run.BatchSize && s.person < s.end {
		h := Plan(s.run.Seed, s.household, s.run.Records-s.person)
		h.FirstPerson, h.FirstVehicle = s.person, s.vehicle
		mb.Households = append(mb.Households, h)
		s.household++
		s.person += int64(h.Size)
		s.vehicle += int64(h.Vehicles)
		persons += h.Size
	}
	return true, nil
}

// Plan draws household index's plan (household.Plan).
func Plan(seed uint64, index int64, left int64) model.Household {
	return household.Plan(seed, index, left)
}
