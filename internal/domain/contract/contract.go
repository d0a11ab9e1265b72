// Package contract checks records against data contract v0.2: formats,
// ranges, privacy rules, foreign keys within a household and every coherence
// rule. It is the one place those rules live; the validate stage runs it on
// every batch before anything is written.
package contract

import (
	"fmt"

	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/household"
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
)

// Violation is one broken rule of one record.
type Violation struct {
	File     string   `json:"file,omitempty"`
	Row      int64    `json:"row,omitempty"` // 1-based record number in File
	Entity   string   `json:"entity"`
	RecordID string   `json:"record_id"`
	Column   string   `json:"column"`
	Rule     RuleName `json:"rule"`
	Value    string   `json:"value"`
}

func (v Violation) String() string {
	where := ""
	if v.File != "" {
		where = fmt.Sprintf("%s row %d: ", v.File, v.Row)
	}
	return fmt.Sprintf("%s%s %s: column %s breaks rule %s (value %q)", where, v.Entity, v.RecordID, v.Column, v.Rule, v.Value)
}

// Checker checks batches of one run. Make one with New.
type Checker struct {
	Seed    uint64
	RefDate model.Date
	Ref     *refdata.Data
	Report  func(Violation)
	// Pop is the v0.2 reference data; Serials the run's households' states
	// and their members' and vehicles' serials within them.
	Pop     *refdata.Population
	Serials *household.Serials
	place   int // the place in its household of the vehicle being checked; -1 unknown
	// Fleet is the v0.2 vehicle tables (refdata.V02Fleet when nil).
	Fleet *refdata.Fleet
	veh   *vehicleTables // made on the first vehicle checked
	// last is the household whose serials were last asked for: its members
	// and then its vehicles ask in turn. A value, not a pointer, so that
	// copies of a Checker checking concurrently keep their own.
	last householdSerials
	// licences are each state's licence space and serials; ssns and vins
	// the run's SSNs and VINs, their permutations keyed once (by New).
	licences []reserved
	ssns     ident.SSNs
	vins     ident.VINs
	// zip is the ZIP last looked up: a household's members share theirs,
	// and its record is out of the cache by the time the next is checked.
	zip lastZip
	// facts are what the checks of the batch's persons found of each, in
	// batch order, for its households and vehicles (reused across batches:
	// copies of a Checker that has checked share it, so copy fresh ones).
	facts []facts
}

// reserved is a state's licence or plate space and its serials under the
// run's key (their permutations keyed once).
type reserved struct {
	space   *ident.Space
	serials ident.Numbering
}

func newReserved(sp *ident.Space, key uint64) reserved {
	return reserved{space: sp, serials: sp.Numbering(key)}
}

// facts is what the checks of a person look up of them, for the checks of
// their household and its vehicles: kept by value, as the ZIP's record is
// long out of the cache when the household's vehicles are checked.
type facts struct {
	household int64 // the index of household_id; -1 if it is no id
	// the index of person_id and the age at the reference date, which
	// their profile's check reads too
	derive.Known
	zipState int // the state of the person's ZIP; -1 if it is none
	zipRural bool
}

// factsOf returns p's facts, the record of p's ZIP (nil if none) and the
// calendar fields of p's date of birth, which the person rules read again.
func (c *Checker) factsOf(p *model.Person) (facts, *refdata.Zip, model.CivilDate) {
	born := p.DateOfBirth.CivilDate()
	f := facts{household: -1, zipState: -1}
	f.Index, f.IDOK = ident.ParseID("PER-", p.PersonID)
	f.Age = born.YearsUntil(c.RefDate)
	if hh, ok := ident.ParseID("HH-", p.HouseholdID); ok {
		f.household = hh
	}
	z := c.zipOf(p.Zip)
	if z != nil {
		f.zipState, f.zipRural = z.State, z.Rural
	}
	return f, z, born
}

// lastZip is a ZIP code and its record in pop (nil if none).
type lastZip struct {
	pop  *refdata.Population
	code string
	zip  *refdata.Zip
}

// zipOf returns the record of ZIP code (nil if none), remembering the last.
func (c *Checker) zipOf(code string) *refdata.Zip {
	if m := &c.zip; m.pop != c.Pop || m.code != code {
		z, _ := c.Pop.Zip(code)
		*m = lastZip{pop: c.Pop, code: code, zip: z}
	}
	return c.zip.zip
}

// licence returns state si's licence space and serials.
func (c *Checker) licence(si int) *reserved { return &c.licences[si] }

// householdSerials is what Serials.Of and household.Plan say of one household.
type householdSerials struct {
	serials         *household.Serials
	seed            uint64
	index           int64
	state           int
	person, vehicle uint64 // the first serials of its members and vehicles
	plannedVehicles uint64 // vehicles of its uncut plan
	ok              bool
}

// serialsOf returns c.Serials.Of(index) and the household's uncut plan's
// vehicles, remembered for the last household. The result is valid until
// the next call.
func (c *Checker) serialsOf(index int64) (*householdSerials, error) {
	m := &c.last
	if m.ok && m.serials == c.Serials && m.seed == c.Seed && m.index == index {
		return m, nil
	}
	state, person, vehicle, err := c.Serials.Of(index)
	if err != nil {
		m.ok = false
		return nil, err
	}
	*m = householdSerials{serials: c.Serials, seed: c.Seed, index: index, state: state, person: person, vehicle: vehicle,
		plannedVehicles: uint64(household.Plan(c.Seed, index, 1<<62).Vehicles), ok: true}
	return m, nil
}

// New returns a checker of one run's records, reporting to report.
func New(seed uint64, refDate model.Date, report func(Violation)) (*Checker, error) {
	ref, err := refdata.Default()
	if err != nil {
		return nil, err
	}
	pop, err := refdata.V02()
	if err != nil {
		return nil, err
	}
	serials, err := household.Shared(seed)
	if err != nil {
		return nil, err
	}
	c := &Checker{Seed: seed, RefDate: refDate, Ref: ref, Report: report, Pop: pop, Serials: serials, place: -1,
		ssns: ident.NewSSNs(seed), vins: ident.NewVINs(seed)}
	for i := range pop.States {
		c.licences = append(c.licences, newReserved(ident.LicenseSpace(pop.States[i].LicenseFormat, pop.States[i].LicenseReserve), derive.LicenseKey(seed, i)))
	}
	return c, nil
}

func (c *Checker) bad(entity, id, col string, rule RuleName, val string) {
	c.Report(Violation{Entity: entity, RecordID: id, Column: col, Rule: rule, Value: val})
}

// Batch checks every record of a batch of whole households. Records are in
// household order, as the pipeline and the files hold them, so households
// are runs of equal household_id: no maps, no copies.
func (c *Checker) Batch(mb *model.Batch) {
	c.facts = c.facts[:0]
	for i := range mb.Persons {
		c.facts = append(c.facts, c.person(&mb.Persons[i]))
	}
	persons, fs, vehicles, profiles := mb.Persons, c.facts, mb.Vehicles, mb.Profiles
	if len(profiles) != len(persons) && len(profiles) > 0 {
		c.bad("profile", "", "profile_id", RuleOneProfilePerPerson, fmt.Sprintf("%d profiles for %d persons", len(profiles), len(persons)))
	}
	for len(persons) > 0 {
		hh := persons[0].HouseholdID
		n := run(persons, func(p *model.Person) string { return p.HouseholdID }, hh)
		members, mfs := persons[:n], fs[:n]
		persons, fs = persons[n:], fs[n:]
		c.household(members, mfs)
		// Vehicles and profiles of other households before this one have no
		// persons in the batch.
		for len(vehicles) > 0 && vehicles[0].HouseholdID != hh && !inRest(persons, vehicles[0].HouseholdID) {
			c.vehicle(&vehicles[0], nil, nil)
			vehicles = vehicles[1:]
		}
		nv := run(vehicles, func(v *model.Vehicle) string { return v.HouseholdID }, hh)
		for i := range vehicles[:nv] {
			c.place = i // the vehicle's place in its household: its plate serial
			c.vehicle(&vehicles[i], members, mfs)
		}
		c.place = -1
		for len(profiles) > 0 && profiles[0].HouseholdID != hh && !inRest(persons, profiles[0].HouseholdID) {
			c.bad("profile", profiles[0].ProfileID, "person_id", RuleFKPerson, profiles[0].PersonID)
			profiles = profiles[1:]
		}
		np := run(profiles, func(p *model.Profile) string { return p.HouseholdID }, hh)
		for i := range profiles[:np] {
			pr := &profiles[i]
			if p := find(members, pr.PersonID); p >= 0 {
				c.profile(pr, &members[p], mfs[p].Known, vehicles[:nv])
			} else {
				c.bad("profile", pr.ProfileID, "person_id", RuleFKPerson, pr.PersonID)
			}
		}
		vehicles, profiles = vehicles[nv:], profiles[np:]
	}
	for i := range vehicles {
		c.vehicle(&vehicles[i], nil, nil)
	}
	for i := range profiles {
		c.bad("profile", profiles[i].ProfileID, "person_id", RuleFKPerson, profiles[i].PersonID)
	}
}

// run returns how many leading records have household hh.
func run[T any](rs []T, hhOf func(*T) string, hh string) int {
	n := 0
	for n < len(rs) && hhOf(&rs[n]) == hh {
		n++
	}
	return n
}

// inRest reports whether a later household of the batch is hh (records out
// of order are then checked with their own household).
func inRest(persons []model.Person, hh string) bool {
	for i := range persons {
		if persons[i].HouseholdID == hh {
			return true
		}
	}
	return false
}

// find returns the place among members of the person id, -1 if none.
func find(members []model.Person, id string) int {
	for i := range members {
		if members[i].PersonID == id {
			return i
		}
	}
	return -1
}
