package service

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/ident"
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

// idShape is any id of the contract's shape; ids of another shape are
// malformed (400), ids of this shape that name nothing are not found (404).
var idShape = regexp.MustCompile(`^[A-Z]{2,3}-[0-9]{10}$`)

// includes lists what each entity's record may include.
var includes = map[string][]string{
	model.Persons:  {model.Vehicles, model.Profiles},
	model.Vehicles: {model.Persons, model.Profiles},
	model.Profiles: {model.Persons, model.Vehicles},
}

// Record returns one record of the configured dataset by id, without
// generating what comes before it: the id's household is found from the
// checkpoint table (at most checkpointEvery plans replayed), generated
// alone by the config's stages, validate included, and the record picked.
//
// Includes, all from the record's household:
//   - persons: vehicles (those the person is primary driver of: the
//     profile's vehicle_ids) and profiles (the person's own);
//   - vehicles: persons (the owner, then the primary driver if another
//     person) and profiles (those persons' profiles);
//   - profiles: persons (its person) and vehicles (its vehicle_ids).
func (s *Service) Record(ctx context.Context, req RecordRequest) (Record, error) {
	e, err := s.entityByName(req.Entity)
	if err != nil {
		return Record{}, err
	}
	allowed := includes[req.Entity]
	if allowed == nil {
		return Record{}, &NotFound{What: "record lookup of entity", Value: req.Entity}
	}
	var inc []string
	for _, in := range req.Include {
		for _, x := range strings.Split(in, ",") {
			x = s.pluralOf(strings.TrimSpace(x))
			if x == "" {
				continue
			}
			if !slices.Contains(allowed, x) || !slices.Contains(s.entities, x) {
				return Record{}, &BadInput{Param: "include", Value: x, Allowed: "for " + req.Entity + ": " + strings.Join(s.allowedIncludes(allowed), ", ")}
			}
			if !slices.Contains(inc, x) {
				inc = append(inc, x)
			}
		}
	}
	prefix := e.IDPrefix()
	if !idShape.MatchString(req.ID) {
		return Record{}, &BadInput{Param: "id", Value: clip(req.ID), Allowed: "an id " + prefix + " and 10 digits, e.g. " + prefix + "0000000001 (pattern ^" + prefix + "[0-9]{10}$)"}
	}
	i, ok := ident.ParseID(prefix, req.ID)
	total := s.idx.records
	if req.Entity == model.Vehicles {
		total = s.idx.vehicles
	}
	if !ok || i >= total {
		return Record{}, &NotFound{What: e.Singular(), Value: req.ID}
	}
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	mb, err := s.generateHousehold(ctx, s.household(i, req.Entity == model.Vehicles))
	if err != nil {
		return Record{}, err
	}
	rec, err := s.pick(mb, e, req.ID)
	if err != nil {
		return Record{}, err
	}
	out := Record{Entity: req.Entity, Record: rec}
	for _, x := range inc {
		ids := linkedIDs(mb, req.Entity, req.ID, x)
		linked := []json.RawMessage{}
		for _, id := range ids {
			r, err := s.pick(mb, entity.Of([]string{x})[0], id)
			if err != nil {
				return Record{}, err
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

// pluralOf names an entity by its plural whether it was given as the plural
// or the singular: include=vehicles,profile reads as vehicles, profiles.
func (s *Service) pluralOf(name string) string {
	for _, e := range entity.Of(s.entities) {
		if e.Singular() == name {
			return e.Name()
		}
	}
	return name
}

func (s *Service) allowedIncludes(allowed []string) []string {
	var out []string
	for _, a := range allowed {
		if slices.Contains(s.entities, a) {
			out = append(out, a)
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

// pick renders the row of e with id in mb as its JSON object.
func (s *Service) pick(mb *model.Batch, e entity.Entity, id string) (json.RawMessage, error) {
	for i := range e.Len(mb) {
		if e.RowID(mb, i) == id {
			return json.RawMessage(e.AppendJSONRow(nil, mb, i)), nil
		}
	}
	return nil, fmt.Errorf("record %s: not in its generated household", id)
}

// linkedIDs returns the ids of entity x linked to record id of entity from
// (see Record).
func linkedIDs(mb *model.Batch, from, id, x string) []string {
	personOf := func(pid string) *model.Person {
		for i := range mb.Persons {
			if mb.Persons[i].PersonID == pid {
				return &mb.Persons[i]
			}
		}
		return nil
	}
	profileOf := func(pid string) string {
		for i := range mb.Profiles {
			if mb.Profiles[i].PersonID == pid {
				return mb.Profiles[i].ProfileID
			}
		}
		return ""
	}
	drivenBy := func(pid string) []string {
		var out []string
		for i := range mb.Vehicles {
			if mb.Vehicles[i].PrimaryDriverPersonID == pid {
				out = append(out, mb.Vehicles[i].VehicleID)
			}
		}
		return out
	}
	var persons []string
	switch from {
	case model.Persons:
		persons = []string{id}
	case model.Vehicles:
		for i := range mb.Vehicles {
			if v := &mb.Vehicles[i]; v.VehicleID == id {
				persons = append(persons, v.OwnerPersonID)
				if v.PrimaryDriverPersonID != v.OwnerPersonID {
					persons = append(persons, v.PrimaryDriverPersonID)
				}
			}
		}
	case model.Profiles:
		for i := range mb.Profiles {
			if mb.Profiles[i].ProfileID == id {
				persons = append(persons, mb.Profiles[i].PersonID)
			}
		}
	}
	var out []string
	switch x {
	case model.Persons:
		for _, p := range persons {
			if personOf(p) != nil {
				out = append(out, p)
			}
		}
	case model.Profiles:
		for _, p := range persons {
			if pr := profileOf(p); pr != "" {
				out = append(out, pr)
			}
		}
	case model.Vehicles:
		for _, p := range persons {
			out = append(out, drivenBy(p)...)
		}
	}
	return out
}

// clip keeps an echoed value short: input is hostile until proven otherwise.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
