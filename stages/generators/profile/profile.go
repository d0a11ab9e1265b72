// Package profile derives one driver profile per person from the person and
// the vehicles of the household, by the documented rules of internal/domain/derive.
package profile

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/pipeline"
)

// example is the YAML fragment the config reference shows (a test loads it).
//
//go:embed example.yaml
var example string

// Type is the registered type name.
const Type = "profile"

func init() {
	component.RegisterStage(pipeline.Spec{
		Type:     Type,
		Needs:    []string{model.Persons, model.Vehicles, model.Incidents},
		Provides: []string{model.Profiles},
		Summary:  "Derives one driver profile per person (age, years licensed, vehicles driven, driving history counts, risk v2 score, factors and tier, scenario tags) by the rules of " + derive.RulesVersion + ".",
		Example:  example,
	}, func(_ pipeline.Conf, env *component.Env) (component.Stage, error) {
		run := env.Shared
		return &Stage{ref: run.ReferenceDate}, nil
	})
}

// Stage derives profiles.
type Stage struct{ ref model.Date }

// New returns a profile stage for a reference date.
func New(ref model.Date) *Stage { return &Stage{ref: ref} }

// Process appends a profile for every person; vehicles must be made.
func (s *Stage) Process(_ context.Context, b *component.Batch) error {
	mb := b.Payload
	if len(mb.Persons) != mb.PersonCount() {
		return fmt.Errorf("profile: batch %d has %d persons for %d planned: run the person stage first", b.Seq, len(mb.Persons), mb.PersonCount())
	}
	if len(mb.Households) == 0 {
		return nil
	}
	p0, v0 := mb.Households[0].FirstPerson, mb.Households[0].FirstVehicle
	if len(mb.Histories) != len(mb.Persons) {
		return fmt.Errorf("profile: batch %d has %d driving histories for %d persons: run the incident stage first", b.Seq, len(mb.Histories), len(mb.Persons))
	}
	for i := range mb.Households {
		h := &mb.Households[i]
		lo := h.FirstVehicle - v0
		if lo < 0 || int(lo)+h.Vehicles > len(mb.Vehicles) {
			return fmt.Errorf("profile: batch %d: household %d plans vehicles the batch does not hold: run the vehicle stage first", b.Seq, h.Index+1)
		}
		vs := mb.Vehicles[lo : lo+int64(h.Vehicles)]
		for k := 0; k < h.Size; k++ {
			i := h.FirstPerson - p0 + int64(k)
			mb.Profiles = append(mb.Profiles, model.Profile{})
			derive.ProfileInto(&mb.Profiles[len(mb.Profiles)-1], &mb.Persons[i], vs, mb.Histories[i], s.ref)
		}
	}
	return nil
}
