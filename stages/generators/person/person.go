// Package person makes the persons of each planned household: a shared
// address, area code and (usually) surname, a primary member, a spouse and
// children where the plan has them, ages after the FHWA licensed-driver mix,
// and privacy-safe identifiers. Every household draws from its own stream,
// keyed by (seed, household index), so batches can be made in any order.
package person

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"

	"github.com/synthpipe/synthpipe/internal/component"
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
const Type = "person"

const (
	fieldGenderX       = "nonbinary_share_permille"
	fieldLicenseStatus = "license_status_mix"
)

func init() {
	component.RegisterStage(pipeline.Spec{
		Type:     Type,
		Provides: []string{model.Persons},
		Summary:  "Makes the members of each household: names, dates of birth, marital status, address, SSN, e-mail, phone and driver licence.",
		Example:  example,
		Fields: []pipeline.Field{
			{Name: fieldGenderX, Type: pipeline.TypeInt, Description: "Persons per thousand with gender X.", Default: int64(5), Min: 0, Max: 1000},
			{Name: fieldLicenseStatus, Type: pipeline.TypeString, Description: "Licence status mix.", Default: "standard", Allowed: []string{"standard", "all_valid"}},
		},
	}, func(c pipeline.Conf, env *component.Env) (component.Stage, error) {
		run := env.Shared
		if run.Records > ident.SSNCapacity {
			return nil, fmt.Errorf("person: records %d exceeds the %d unique never-issued SSNs", run.Records, ident.SSNCapacity)
		}
		ref, err := refdata.Default()
		if err != nil {
			return nil, err
		}
		return New(run, ref, int(c.Int(fieldGenderX)), c.String(fieldLicenseStatus) == "all_valid"), nil
	})
}

// Stage makes persons. One per worker: it keeps reusable streams.
type Stage struct {
	run      *model.Run
	ref      *refdata.Data
	genderX  int
	allValid bool
	hh       *stream.Stream // household-level draws
	per      *stream.Stream // per-person draws
}

// New returns a person stage.
func New(run *model.Run, ref *refdata.Data, genderXPermille int, allValid bool) *Stage {
	return &Stage{run: run, ref: ref, genderX: genderXPermille, allValid: allValid,
		hh: stream.New(run.Seed, stream.Household, 0), per: stream.New(run.Seed, stream.Person, 0)}
}

// Process appends the persons of every household of the batch.
func (s *Stage) Process(_ context.Context, b *component.Batch) error {
	mb := b.Payload
	for i := range mb.Households {
		if err := s.household(mb, &mb.Households[i]); err != nil {
			return fmt.Errorf("person: batch %d: %w", b.Seq, err)
		}
	}
	return nil
}

type place struct {
	state    *refdata.State
	city     *refdata.City
	zip      string
	street   string
	areaCode string
	surname  string
}

func (s *Stage) household(mb *model.Batch, h *model.Household) error {
	r := s.hh
	r.Reset(s.run.Seed, stream.Household, uint64(h.Index))
	ref := s.ref
	st := &ref.States[ref.StatePick.Index(r.Uint64N(ref.StatePick.Total()))]
	city := &st.Cities[st.CityPick.Index(r.Uint64N(st.CityPick.Total()))]
	p := place{
		state:    st,
		city:     city,
		zip:      city.Zips[r.IntN(len(city.Zips))],
		areaCode: st.AreaCodes[r.IntN(len(st.AreaCodes))],
		surname:  ref.Surnames.Values[ref.Surnames.Pick.Index(r.Uint64N(ref.Surnames.Pick.Total()))],
	}
	p.street = strconv.Itoa(r.Between(1, 9899)) + " " + ref.StreetNames[r.IntN(len(ref.StreetNames))] + " " + ref.Suffixes[r.IntN(len(ref.Suffixes))]

	// Ages are drawn here, for the whole household, so they cohere.
	children := h.Children
	primaryAge, ok := s.adultAge(r, 18)
	if !ok {
		return errNoAdultAge(h.Index)
	}
	if children > 0 && primaryAge < 34 {
		primaryAge = r.Between(34, 64) // a parent of a 16-year-old is at least 34
	}
	hhID := ident.ID("HH-", h.Index)
	primaryGender := s.gender(r)
	for m := 0; m < h.Size; m++ {
		idx := h.FirstPerson + int64(m)
		var rel, marital, gender, last string
		var age int
		last = p.surname
		switch {
		case m == 0:
			rel, age, gender = "primary", primaryAge, primaryGender
			marital = s.primaryMarital(r, age, h.Spouse)
		case m == 1 && h.Spouse:
			rel, marital = "spouse", "married"
			age = min(95, max(18, primaryAge+r.Between(-6, 6)))
			gender = s.spouseGender(r, primaryGender)
			if r.Chance(0.12) { // kept their own surname
				last = s.surname(r)
			}
		case m < 1+boolInt(h.Spouse)+children:
			rel, marital = "child", "single"
			age = r.Between(16, min(30, primaryAge-18))
			gender = s.gender(r)
		default:
			rel = "other"
			if age, ok = s.adultAge(r, 18); !ok {
				return errNoAdultAge(h.Index)
			}
			gender = s.gender(r)
			marital = []string{"single", "single", "divorced", "widowed"}[r.IntN(4)]
			if r.Chance(0.7) {
				last = s.surname(r)
			}
		}
		mb.Persons = append(mb.Persons, s.person(idx, hhID, rel, marital, gender, last, age, &p))
	}
	return nil
}

func errNoAdultAge(household int64) error {
	return fmt.Errorf("household %s: no adult age band in %d draws (the driver-age table has no band of 18 or over)", ident.ID("HH-", household), maxAgeDraws)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// person fills one person from its own stream; household-level choices come in.
func (s *Stage) person(idx int64, hhID, rel, marital, gender, last string, age int, p *place) model.Person {
	r := s.per
	r.Reset(s.run.Seed, stream.Person, uint64(idx))
	first := s.firstName(r, gender)

	// Date of birth: a day that makes the person exactly age at the reference date.
	refDate := s.run.ReferenceDate
	latest := refDate.AddYears(-age)         // birthday on the reference date
	earliest := refDate.AddYears(-age-1) + 1 // one day short of age+1
	dob := earliest + model.Date(r.IntN(int(latest-earliest)+1))

	// Licence: most are licensed at 16-18, some later; never before 16, never after the reference date.
	var issueAge int
	switch d := r.IntN(100); {
	case d < 45:
		issueAge = 16
	case d < 65:
		issueAge = 17
	case d < 78:
		issueAge = 18
	default:
		issueAge = r.Between(19, max(19, min(age, 45)))
	}
	issueAge = min(issueAge, age)
	issue := dob.AddYears(issueAge) + model.Date(r.IntN(365))
	if issue > refDate {
		issue = refDate
	}
	status := "valid"
	if !s.allValid {
		switch d := r.IntN(1000); {
		case d < 920:
		case d < 960:
			status = "expired"
		case d < 990:
			status = "suspended"
		default:
			status = "revoked"
		}
	}
	return model.Person{
		PersonID:            ident.ID("PER-", idx),
		HouseholdID:         hhID,
		FirstName:           first,
		LastName:            last,
		Gender:              gender,
		DateOfBirth:         dob,
		MaritalStatus:       marital,
		Relationship:        rel,
		SSN:                 ident.SSN(s.run.Seed, idx),
		Email:               ident.Email(first, last, idx, ident.EmailDomains[r.IntN(len(ident.EmailDomains))]),
		Phone:               ident.Phone(p.areaCode, r.IntN(100)),
		AddressLine1:        p.street,
		City:                p.city.Name,
		State:               p.state.Code,
		Zip:                 p.zip,
		DriverLicenseNumber: ident.LicenseNumber(p.state.LicenseFormat, r),
		DriverLicenseState:  p.state.Code,
		LicenseIssueDate:    issue,
		LicenseStatus:       status,
	}
}

// maxAgeDraws bounds adultAge's redraws. About 1% of licensed drivers are
// under 18, so the bound is never reached with the embedded table; it turns
// a broken table into an error instead of a hang.
const maxAgeDraws = 1000

// adultAge draws an age from the FHWA licensed-driver bands, at least minAge;
// ok is false only after maxAgeDraws draws. It redraws bands below minAge
// (rather than picking among the others) to keep the bytes of every snapshot.
func (s *Stage) adultAge(r *stream.Stream, minAge int) (age int, ok bool) {
	pick := &s.ref.AgePick
	for range maxAgeDraws {
		b := s.ref.DriverAges[pick.Index(r.Uint64N(pick.Total()))]
		if b.To < minAge {
			continue
		}
		return r.Between(max(b.From, minAge), b.To), true
	}
	return 0, false
}

func (s *Stage) gender(r *stream.Stream) string {
	d := r.IntN(1000)
	switch {
	case d < s.genderX:
		return "X"
	case d < s.genderX+(1000-s.genderX)*505/1000:
		return "F"
	}
	return "M"
}

func (s *Stage) spouseGender(r *stream.Stream, primary string) string {
	switch {
	case primary == "X" || r.Chance(0.03):
		return s.gender(r)
	case primary == "F":
		return "M"
	}
	return "F"
}

func (s *Stage) primaryMarital(r *stream.Stream, age int, spouse bool) string {
	if spouse {
		return "married"
	}
	d := r.IntN(100)
	switch {
	case age < 30:
		if d < 88 {
			return "single"
		}
		return "divorced"
	case age < 65:
		if d < 50 {
			return "single"
		} else if d < 92 {
			return "divorced"
		}
		return "widowed"
	}
	if d < 20 {
		return "single"
	} else if d < 50 {
		return "divorced"
	}
	return "widowed"
}

func (s *Stage) surname(r *stream.Stream) string {
	n := &s.ref.Surnames
	return n.Values[n.Pick.Index(r.Uint64N(n.Pick.Total()))]
}

func (s *Stage) firstName(r *stream.Stream, gender string) string {
	n := &s.ref.Male
	if gender == "F" || (gender == "X" && r.IntN(2) == 0) {
		n = &s.ref.Female
	}
	return n.Values[n.Pick.Index(r.Uint64N(n.Pick.Total()))]
}
