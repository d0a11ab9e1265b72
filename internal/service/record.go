package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/stages/sources/seed"
)

// checkpointEvery is how many households lie between two checkpoints: a
// lookup replays at most this many plans (about 50 ns each: 3 µs, small
// beside the rest of a request). 64 keeps the index at 24 bytes per 64
// households: about 9 MB for the 55,984,401-person maximum.
const checkpointEvery = 64

// checkpoint is where household h starts: its first person and vehicle.
type checkpoint struct{ h, p, v int64 }

// checkpoints is the configured dataset's index: every checkpointEvery-th
// household's start, and the run's totals.
type checkpoints struct {
	seed     uint64
	records  int64
	every    int64
	h        []checkpoint
	vehicles int64 // vehicles of the whole run
}

// buildCheckpoints walks every household plan of the run once.
func buildCheckpoints(seedv uint64, records int64, every int64) *checkpoints {
	c := &checkpoints{seed: seedv, records: records, every: every}
	var h, p, v int64
	for p < records {
		if h%every == 0 {
			c.h = append(c.h, checkpoint{h, p, v})
		}
		hh := seed.Plan(seedv, h, records-p)
		p += int64(hh.Size)
		v += int64(hh.Vehicles)
		h++
	}
	c.vehicles = v
	return c
}

// byPerson returns the last checkpoint at or before person i.
func (c *checkpoints) byPerson(i int64) checkpoint {
	k := sort.Search(len(c.h), func(k int) bool { return c.h[k].p > i })
	return c.h[max(k-1, 0)]
}

// byVehicle returns the last checkpoint at or before vehicle j. Households
// without vehicles make equal v's; the last of them is the closest.
func (c *checkpoints) byVehicle(j int64) checkpoint {
	k := sort.Search(len(c.h), func(k int) bool { return c.h[k].v > j })
	return c.h[max(k-1, 0)]
}

// household replays plans from the checkpoint to the household that holds
// person i (byVehicle false) or vehicle i (true), counting the plans.
func (s *Service) household(i int64, byVehicle bool) model.Household {
	c := s.idx.byPerson(i)
	if byVehicle {
		c = s.idx.byVehicle(i)
	}
	h, p, v := c.h, c.p, c.v
	var n int64
	defer func() { s.replayed.Add(n) }()
	for {
		hh := seed.Plan(s.idx.seed, h, s.idx.records-p)
		n++
		hh.FirstPerson, hh.FirstVehicle = p, v
		if (!byVehicle && i < p+int64(hh.Size)) || (byVehicle && i < v+int64(hh.Vehicles)) {
			return hh
		}
		p += int64(hh.Size)
		v += int64(hh.Vehicles)
		h++
	}
}

// Record returns one record of the configured dataset by id, without
// generating what comes before it: the id's household is found from the
// checkpoint table (at most checkpointEvery plans replayed), generated
// alone by the config's stages, validate included, and the record picked.
// Every entity the config makes is found so, through its declaration (see
// lookup): an id that breaks the entity's id pattern is refused (400), one
// that has its form but names no record is not found (404). An entity whose
// ids count only its own rows (declared without a Parent) is not looked up
// nor included: its lookups are not found (404), saying why.
//
// Any other entity the config makes may be included, from the record's
// household, through the persons the record is about (lookup.personsOf):
// their own records (lookup.of) — the persons, the vehicles they are
// primary driver of (a profile's vehicle_ids), their profiles and
// incidents.
func (s *Service) Record(ctx context.Context, req RecordRequest) (Record, error) {
	if _, err := s.entityByName(req.Entity); err != nil {
		return Record{}, err
	}
	l := s.lookups[req.Entity]
	if l.unoffered != "" {
		return Record{}, &NotFound{What: "entity", Value: req.Entity, Allowed: strings.Join(s.offered(""), ", ") + " — " + l.unoffered}
	}
	var inc []string
	for _, in := range req.Include {
		for _, x := range strings.Split(in, ",") {
			x = strings.TrimSpace(x)
			if x == "" {
				continue
			}
			// A name or a singular: include=vehicles,profile reads as
			// vehicles, profiles. lx stays nil for what is not another
			// entity the config makes.
			var lx *lookup
			if e, ok := entity.Find(x); ok && e.Name() != req.Entity {
				lx = s.lookups[e.Name()]
			}
			if lx == nil || lx.unoffered != "" {
				allowed := "for " + req.Entity + ": " + strings.Join(s.offered(req.Entity), ", ")
				if lx != nil {
					allowed += " — " + lx.unoffered
				}
				return Record{}, &BadInput{Param: "include", Value: clip(x), Allowed: allowed}
			}
			x = lx.e.Name()
			if !slices.Contains(inc, x) {
				inc = append(inc, x)
			}
		}
	}
	if !l.pattern.MatchString(req.ID) {
		return Record{}, l.badID(req.ID)
	}
	notFound := &NotFound{What: l.e.Singular(), Value: req.ID}
	i, ok := l.rootIndex(req.ID)
	total := s.idx.records
	if l.root == model.Vehicles {
		total = s.idx.vehicles
	}
	if !ok || i >= total {
		return Record{}, notFound
	}
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	mb, err := s.generateHousehold(ctx, s.household(i, l.root == model.Vehicles))
	if err != nil {
		return Record{}, err
	}
	rec, found := pick(mb, l.e, req.ID)
	if !found { // a parent with fewer rows than the id's sequence
		return Record{}, notFound
	}
	out := Record{Entity: req.Entity, Record: rec}
	persons := l.personsOf(mb, req.ID)
	for _, x := range inc {
		lx := s.lookups[x]
		linked := []json.RawMessage{}
		for _, id := range lx.of(mb, persons) {
			r, found := pick(mb, lx.e, id)
			if !found {
				return Record{}, fmt.Errorf("record %s: linked %s not in its generated household", req.ID, id)
			}
			linked = append(linked, r)
		}
		if out.Linked == nil {
			out.Linked = map[string][]json.RawMessage{}
		}
		out.Linked[x] = linked
	}
	return out, nil
}

// offered returns the entities the config makes whose records are looked
// up by id and included, but for except.
func (s *Service) offered(except string) []string {
	var out []string
	for _, n := range s.entities {
		if n != except && s.lookups[n].unoffered == "" {
			out = append(out, n)
		}
	}
	return out
}

// generateHousehold runs the config's stages on a batch of one household.
func (s *Service) generateHousehold(ctx context.Context, h model.Household) (*model.Batch, error) {
	got := s.stages.Get()
	if err, ok := got.(error); ok {
		return nil, err
	}
	stages := got.([]component.Stage)
	defer s.stages.Put(stages)
	mb := entity.NewBatch()
	mb.Households = append(mb.Households, h)
	b := &component.Batch{Payload: mb}
	for k, st := range stages {
		if err := st.Process(ctx, b); err != nil {
			return nil, fmt.Errorf("record: %s: %w", s.cfg.Stages[k].Type, err)
		}
	}
	return mb, nil
}

// pick renders the row of e with id in mb as its JSON object (false when
// mb has no such row).
func pick(mb *model.Batch, e entity.Entity, id string) (json.RawMessage, bool) {
	for i := range e.Len(mb) {
		if e.RowID(mb, i) == id {
			return json.RawMessage(e.AppendJSONRow(nil, mb, i)), true
		}
	}
	return nil, false
}

// clip keeps an echoed value short: input is hostile until proven otherwise.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
