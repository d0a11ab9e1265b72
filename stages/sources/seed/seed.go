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
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/stream"
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

// Plan draws household index's plan; left caps its size (the last household
// of a run is cut to fit the record count). FirstPerson and FirstVehicle are
// left for the caller, which knows the running totals.
func Plan(seed uint64, index int64, left int64) model.Household {
	u := stream.Key(seed, stream.Household, uint64(index))
	h := model.Household{Index: index}
	// Household sizes after the Census CPS 2023 mix (households/
	// household_size.csv), 5 and over folded into 5: 1 29.0 %, 2 35.0 %,
	// 3 15.0 %, 4 12.2 %, 5 8.8 %.
	switch d := u % 1000; {
	case d < 290:
		h.Size = 1
	case d < 640:
		h.Size = 2
	case d < 790:
		h.Size = 3
	case d < 912:
		h.Size = 4
	default:
		h.Size = model.MaxHouseholdSize
	}
	if int64(h.Size) > left {
		h.Size = int(left)
	}
	u >>= 10
	// A spouse in 67.4 % of households of two or more: ACS 2018 married-
	// couple households (47.9 % of all) over those of two or more.
	rest := h.Size - 1
	if rest > 0 && u%1000 < 674 {
		h.Spouse = true
		rest--
	}
	u >>= 10
	// Each further member is a grown child (60%) or another adult: a parent,
	// sibling or lodger. Children are listed first.
	for ; rest > 0; rest-- {
		if u%100 < 60 {
			h.Children++
		}
		u >>= 7
	}
	// Vehicles by household size (per cent of 0, 1, 2, 3, 4), so that all
	// households have the ACS 2018 mix (households/vehicles_available.csv:
	// none 8.6 %, 1 32.5 %, 2 37.1 %, 3+ 21.9 %); the split by size is
	// assumed (no national table of vehicles by size was found).
	mix := vehicleMix[h.Size-1]
	d := int(u % 100)
	for v, pct := range mix {
		if d < pct {
			h.Vehicles = v
			break
		}
		d -= pct
	}
	return h
}

// vehicleMix[size-1] is the per-cent chance of 0, 1, 2, 3 and 4 vehicles.
var vehicleMix = [model.MaxHouseholdSize][model.MaxHouseholdVehicles + 1]int{
	{16, 68, 14, 2, 0},
	{7, 24, 53, 12, 4},
	{5, 15, 43, 25, 12},
	{4, 11, 39, 28, 18},
	{4, 10, 35, 29, 22},
}
