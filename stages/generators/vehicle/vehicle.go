// Package vehicle makes each household's vehicles: owned and driven by its
// members, a real make and model with its body type, fuel type and a model
// year it was built in, a VIN that decodes to them, mileage by the primary
// driver's age (FHWA), and plates of the garaging state. Every vehicle draws
// from its own stream, keyed by (seed, vehicle index).
package vehicle

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
	"github.com/synthpipe/synthpipe/internal/domain/stream"
	"github.com/synthpipe/synthpipe/pipeline"
)

// example is the YAML fragment the config reference shows (a test loads it).
//
//go:embed example.yaml
var example string

// Type is the registered type name.
const Type = "vehicle"

// MaxAge is the oldest a vehicle may be, in model years before the reference year.
const MaxAge = derive.MaxVehicleAge

const fieldMaxAge = "max_vehicle_age"

func init() {
	component.RegisterStage(pipeline.Spec{
		Type:     Type,
		Needs:    []string{model.Persons},
		Provides: []string{model.Vehicles},
		Summary:  "Makes each household's vehicles (0-4), owned and driven by its members, with a real make, model, model year, VIN and plate.",
		Example:  example,
		Fields: []pipeline.Field{
			{Name: fieldMaxAge, Type: pipeline.TypeInt, Description: "Oldest vehicle, in years before the reference year (the contract allows at most 30).", Default: int64(20), Min: 0, Max: MaxAge},
		},
	}, func(c pipeline.Conf, env *component.Env) (component.Stage, error) {
		run := env.Shared
		ref, err := refdata.Default()
		if err != nil {
			return nil, err
		}
		maxAge := int(c.Int(fieldMaxAge))
		if FitShare(ref, run.ReferenceDate.Year(), maxAge) == 0 {
			return nil, fmt.Errorf("vehicle: no model of the reference data was built in model years %d-%d (reference date %s, %s %d)",
				run.ReferenceDate.Year()-maxAge, run.ReferenceDate.Year()+1, run.ReferenceDate, fieldMaxAge, maxAge)
		}
		return New(run, ref, maxAge), nil
	})
}

// Stage makes vehicles. One per worker.
type Stage struct {
	run    *model.Run
	ref    *refdata.Data
	maxAge int
	rng    *stream.Stream
}

// New returns a vehicle stage.
func New(run *model.Run, ref *refdata.Data, maxAge int) *Stage {
	return &Stage{run: run, ref: ref, maxAge: maxAge, rng: stream.New(run.Seed, stream.Vehicle, 0)}
}

// Process appends the vehicles of every household; persons must be made.
func (s *Stage) Process(_ context.Context, b *component.Batch) error {
	mb := b.Payload
	if len(mb.Persons) != mb.PersonCount() {
		return fmt.Errorf("vehicle: batch %d has %d persons for %d planned: run the person stage first", b.Seq, len(mb.Persons), mb.PersonCount())
	}
	first := mb.Households[0].FirstPerson
	for i := range mb.Households {
		h := &mb.Households[i]
		members := mb.Persons[h.FirstPerson-first : h.FirstPerson-first+int64(h.Size)]
		for j := 0; j < h.Vehicles; j++ {
			v, err := s.vehicle(h, members, j)
			if err != nil {
				return fmt.Errorf("vehicle: batch %d: %w", b.Seq, err)
			}
			mb.Vehicles = append(mb.Vehicles, v)
		}
	}
	return nil
}

func (s *Stage) vehicle(h *model.Household, members []model.Person, j int) (model.Vehicle, error) {
	idx := h.FirstVehicle + int64(j)
	r := s.rng
	r.Reset(s.run.Seed, stream.Vehicle, uint64(idx))
	refYear := s.run.ReferenceDate.Year()

	// Owner: the primary for the first vehicle, then any adult member.
	owner := &members[0]
	if j > 0 {
		var adults [5]int // households have at most 5 members
		n := 0
		for k := range members {
			if model.YearsBetween(members[k].DateOfBirth, s.run.ReferenceDate) >= 18 {
				adults[n] = k
				n++
			}
		}
		owner = &members[adults[r.IntN(n)]]
	}
	// Primary driver: members take turns, preferring valid licences.
	driver := &members[j%len(members)]
	if driver.LicenseStatus != "valid" {
		for k := range members {
			if members[k].LicenseStatus == "valid" {
				driver = &members[(j+k)%len(members)]
				if driver.LicenseStatus == "valid" {
					break
				}
			}
		}
	}
	driverAge := model.YearsBetween(driver.DateOfBirth, s.run.ReferenceDate)

	m, year, ok := s.modelAndYear(r, refYear)
	if !ok {
		return model.Vehicle{}, fmt.Errorf("vehicle %s: no model fitting model years %d-%d in %d draws", ident.ID("VEH-", idx), refYear-s.maxAge, refYear+1, maxDraws)
	}
	wmis := s.ref.WMIs[m.Make]
	vin := ident.VIN(s.run.Seed, idx, wmis[r.IntN(len(wmis))], year, r)

	usage := "commute"
	switch d := r.IntN(100); {
	case d < 55:
	case d < 90:
		usage = "pleasure"
	case d < 98:
		usage = "business"
	default:
		usage = "farm"
	}
	// Mileage: the FHWA mean for the driver's age, spread 0.4x-1.6x, more for business use.
	mean := float64(s.ref.MileageFor(driverAge))
	factor := 0.4 + 1.2*r.Float64()
	if usage == "business" {
		factor *= 1.4
	} else if usage == "pleasure" {
		factor *= 0.8
	}
	miles := int32(mean*factor/100) * 100
	miles = min(40000, max(1000, miles))

	ownership := "owned"
	vehAge := refYear - year
	d := r.IntN(100)
	switch {
	case vehAge <= 3 && d < 45:
		ownership = "financed"
	case vehAge <= 3 && d < 75:
		ownership = "leased"
	case vehAge > 3 && vehAge <= 7 && d < 35:
		ownership = "financed"
	}
	lien := ""
	if ownership != "owned" {
		lien = s.ref.Lienholders[r.IntN(len(s.ref.Lienholders))]
	}
	st, _ := s.ref.State(owner.State)
	return model.Vehicle{
		VehicleID:             ident.ID("VEH-", idx),
		HouseholdID:           owner.HouseholdID,
		OwnerPersonID:         owner.PersonID,
		PrimaryDriverPersonID: driver.PersonID,
		VIN:                   vin,
		Make:                  m.Make,
		Model:                 m.Name,
		ModelYear:             int32(year),
		BodyType:              m.BodyType,
		FuelType:              m.FuelType,
		Usage:                 usage,
		AnnualMileage:         miles,
		Ownership:             ownership,
		Lienholder:            lien,
		GaragingZip:           owner.Zip,
		GaragingState:         owner.State,
		LicensePlate:          ident.Plate(st.PlateFormat, r),
		PlateState:            owner.State,
	}, nil
}

// maxDraws bounds the model draws of one vehicle. Within the supported
// reference dates at least half the pick weight fits on every draw (a test
// checks every year and max age), so reaching it means the reference data
// or the date range changed, never bad luck: a failure there beats a hang.
const maxDraws = 1000

// modelAndYear picks a model by popularity and a model year it was built in,
// newer years more likely, within max age and at most next year's models.
// It redraws when the model was not built in the allowed years; ok is false
// only after maxDraws draws. Redrawing (rather than picking among fitting
// models) keeps the draws, and so the bytes, of every existing snapshot.
func (s *Stage) modelAndYear(r *stream.Stream, refYear int) (m refdata.Model, year int, ok bool) {
	pick := &s.ref.ModelPick
	for range maxDraws {
		m := s.ref.Models[pick.Index(r.Uint64N(pick.Total()))]
		lo, hi := derive.YearRange(m, refYear, s.maxAge)
		if hi > refYear && !r.Chance(nextYearShare) {
			hi = refYear // next year's models are 3% of picks: on sale part of the year only
		}
		if lo > hi {
			continue
		}
		// The smaller of two uniform draws leans towards new vehicles.
		age := min(r.IntN(hi-lo+1), r.IntN(hi-lo+1))
		return m, hi - age, true
	}
	return refdata.Model{}, 0, false
}

// nextYearShare is the chance that next year's models may be picked.
const nextYearShare = 0.03

// FitShare returns the chance that one draw of modelAndYear fits: the pick
// weight of the models built in the allowed model years, those built only
// next year counting nextYearShare. Zero means no vehicle can be made.
func FitShare(ref *refdata.Data, refYear, maxAge int) float64 {
	var fit float64
	var total int64
	for _, m := range ref.Models {
		total += m.Weight
		lo, hi := derive.YearRange(m, refYear, maxAge)
		switch {
		case lo <= min(hi, refYear):
			fit += float64(m.Weight)
		case lo <= hi:
			fit += nextYearShare * float64(m.Weight)
		}
	}
	if total == 0 {
		return 0
	}
	return fit / float64(total)
}
