// Package person makes the persons of each planned household (contract
// v0.2): a state from an exact population quota, a ZIP weighted by its
// population with its county, city, urban/rural class and an area code that
// serves it, a shared address and (usually) surname, ages by sex after the
// FHWA licensed-driver mix, spouses apart by the Census husband-wife age
// gaps, children at least 16 years younger than both parents, marital
// status after the ACS mix for age and sex, first names of the birth
// decade, name suffixes that fit age and father, and privacy-safe
// identifiers. Every value draws from its column's own stream keyed by
// (seed, column, household or person index), so batches can be made in any
// order and a new column moves no other.
package person

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/household"
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
		return New(run, int(c.Int(fieldGenderX)))
	})
	component.RegisterRunSetting(Type, func(c pipeline.Conf, run *model.Run) {
		run.AllValidLicenses = c.String(fieldLicenseStatus) == "all_valid"
	})
}

// Household columns, each with its own stream keyed by household index.
const (
	hZip = iota
	hStreet
	hUnit
	hAreaCode
	hSurname
	hGender
	hAge
)

var householdColumns = []string{"zip", "address_line1", "address_line2", "area_code", "last_name", "gender", "age"}

// Person columns, each with its own stream keyed by person index.
const (
	pFirst = iota
	pMiddle
	pSuffix
	pBirth
	pMarital
	pEmail
	pPhone
	pLicense
	pStatus
	pOwnSurname
	pLicenseType
)

var personColumns = []string{"first_name", "middle_name", "name_suffix", "date_of_birth", "marital_status", "email", "phone", "license", "license_status", "own_last_name", "license_type"}

// Stage makes persons. One per worker: it keeps reusable streams.
type Stage struct {
	run     *model.Run
	pop     *refdata.Population
	serials *household.Serials
	genderX int
	hh, per *stream.Columns
	members []member // reused for each household
	homes   []home   // the batch's households', reused
	// extra, in tests, draws a column the contract does not have (its
	// index in the person columns), to show it moves no other column.
	extra    int
	licenses []ident.Numbering // each state's licence numbers
	ssns     ident.SSNs
	ages     [ageMixes][2]refdata.Weighted // FHWA licensed drivers by band, per sex
	yearsAgo []model.Date                  // the reference date n years back, by n
	suffixes []string                      // the street suffixes as addresses print them
	strs     ident.Arena                   // the bytes of the strings made of parts
}

// yearsBefore returns the reference date n years back: every birth date
// is drawn between two of them, so the ages' are kept.
func (s *Stage) yearsBefore(n int) model.Date {
	if n < len(s.yearsAgo) {
		return s.yearsAgo[n]
	}
	return s.run.ReferenceDate.AddYears(-n)
}

// CheckCapacity refuses a run whose licence serials would overflow a
// state's reserved licence number space, naming the state and the limit.
func CheckCapacity(records int64, serials *household.Serials, pop *refdata.Population) error {
	households := household.Count(serials.Seed(), records).Households
	for i := range pop.States {
		st := &pop.States[i]
		capacity, err := ident.LicenseSpace(st.LicenseFormat, st.LicenseReserve).Capacity()
		if err != nil {
			return fmt.Errorf("person: state %s licence format %q: %w", st.Code, st.LicenseFormat, err)
		}
		need, _, err := serials.Max(i, households)
		if err != nil {
			return fmt.Errorf("person: %w", err)
		}
		if need > capacity {
			return fmt.Errorf("person: %d records need up to %d licence numbers in %s, whose reserved range (format %s) holds %d", records, need, st.Code, st.LicenseFormat, capacity)
		}
	}
	return nil
}

// New returns a person stage.
func New(run *model.Run, genderXPermille int) (*Stage, error) {
	pop, err := refdata.V02()
	if err != nil {
		return nil, err
	}
	serials, err := household.Shared(run.Seed)
	if err != nil {
		return nil, err
	}
	s := &Stage{run: run, pop: pop, serials: serials, genderX: genderXPermille,
		hh:  stream.NewColumns(run.Seed, stream.Household, householdColumns...),
		per: stream.NewColumns(run.Seed, stream.Person, personColumns...), extra: -1}
	if err := CheckCapacity(run.Records, serials, pop); err != nil {
		return nil, err
	}
	for i := range pop.States {
		s.licenses = append(s.licenses, ident.LicenseSpace(pop.States[i].LicenseFormat, pop.States[i].LicenseReserve).Numbering(derive.LicenseKey(run.Seed, i)))
	}
	s.ssns = ident.NewSSNs(run.Seed)
	for _, v := range pop.StreetSuffixes.Values {
		s.suffixes = append(s.suffixes, titleCase(v))
	}
	oldest := 95 // a spouse's bound; drivers' is their last band's
	for _, b := range pop.DriverAges {
		for sex := range 2 {
			mid := (b.From + b.To) / 2
			m := pop.MaritalOf(mid, sex)
			married := b.Count[sex] * m[1] / (m[0] + m[1] + m[2] + m[3])
			if mid < len(childAgeWeights) && childAgeWeights[mid] > 0 {
				// Grown children at home, all single, are a share of
				// their age: the married share of the age's primaries
				// and spouses is higher by as much.
				married = min(b.Count[sex], married*100/int64(100-childAgeWeights[mid]))
			}
			s.ages[anyAdult][sex].Add(b.Count[sex])
			s.ages[marriedAdult][sex].Add(married)
			s.ages[unmarriedAdult][sex].Add(b.Count[sex] - married)
		}
		oldest = max(oldest, b.To)
	}
	for n := range oldest + 2 {
		s.yearsAgo = append(s.yearsAgo, run.ReferenceDate.AddYears(-n))
	}
	return s, nil
}

// Process appends the persons of every household of the batch.
func (s *Stage) Process(_ context.Context, b *component.Batch) error {
	mb := b.Payload
	// Every household's state and serials first, in a pass of their own:
	// each is a lookup in a table larger than the caches, and misses made
	// back to back overlap.
	if err := s.serials.Place(mb.Households); err != nil {
		return fmt.Errorf("person: batch %d: %w", b.Seq, err)
	}
	// Then their ZIPs, area codes and surnames, for the same reason: the
	// ZIP and surname tables are larger than the caches too.
	s.homes = s.homes[:0]
	for i := range mb.Households {
		s.homes = append(s.homes, s.homeOf(&mb.Households[i]))
	}
	for i := range mb.Households {
		if err := s.household(mb, &mb.Households[i], &s.homes[i]); err != nil {
			return fmt.Errorf("person: batch %d: %w", b.Seq, err)
		}
	}
	return nil
}

// home is what a household's members share.
type home struct {
	state       *refdata.PopState
	stateIndex  int
	firstSerial uint64 // the serial of its first member within its state
	zip         *refdata.Zip
	street      string
	unit        string
	areaCode    string
	surname     string
}

// member is what the household decides of one member.
type member struct {
	rel, marital, gender, last string
	age                        int
}

// homeOf draws a placed household's ZIP, area code and surname.
func (s *Stage) homeOf(h *model.Household) home {
	c := s.hh
	c.At(uint64(h.Index))
	state := &s.pop.States[h.State]
	zr := c.Of(hZip)
	zip := &s.pop.Zips[state.Zips[state.ZipPick.Index(zr.Uint64N(state.ZipPick.Total()))]]
	return home{state: state, stateIndex: h.State, firstSerial: h.PersonSerial, zip: zip,
		areaCode: zip.AreaCodes[c.Of(hAreaCode).IntN(len(zip.AreaCodes))],
		surname:  pick(&s.pop.Surnames, c.Of(hSurname)),
	}
}

// household appends h's members; hm is its homeOf, completed here.
func (s *Stage) household(mb *model.Batch, h *model.Household, hm *home) error {
	c := s.hh
	c.At(uint64(h.Index))
	state := hm.state
	sr := c.Of(hStreet)
	a := &s.strs
	b := strconv.AppendInt(a.Free(), int64(sr.Between(1, 9899)), 10)
	b = append(append(b, ' '), pick(&s.pop.StreetNames, sr)...)
	b = append(append(b, ' '), s.suffixes[pickIndex(&s.pop.StreetSuffixes, sr)]...)
	hm.street = a.String(b)
	// Homes in buildings of two or more units have a unit line: the state's
	// ACS share, more in urban ZIPs and less in rural ones (about 90 % of
	// apartments are in urban areas).
	share := state.MultiUnitShare * 1.15
	if hm.zip.Rural {
		share = state.MultiUnitShare * 0.3
	}
	if ur := c.Of(hUnit); ur.Chance(share) {
		b := append(append(a.Free(), pick(&s.pop.UnitDesignators, ur)...), ' ')
		b = strconv.AppendInt(b, int64(ur.Between(1, 40)), 10)
		if ur.Chance(0.4) {
			b = append(b, byte('A'+ur.IntN(6)))
		}
		hm.unit = a.String(b)
	}

	// Sexes and ages are drawn for the whole household, so they cohere:
	// both parents are at least 16 years older than every child, and only
	// adults marry.
	gr, ar := c.Of(hGender), c.Of(hAge)
	members := s.members[:0]
	primary := member{rel: "primary", gender: s.gender(gr), last: hm.surname}
	minParent := 18
	if h.Children > 0 {
		minParent = 32 // a parent of a 16-year-old
	}
	// A parent's age is drawn from the drivers old enough to have children
	// of 16 and more (34 and over: few have them younger), not lifted to
	// the bound, which would pile parents up at 32.
	drawFrom := 18
	if h.Children > 0 {
		drawFrom = 34
	}
	mix := unmarriedAdult
	if h.Spouse {
		mix = marriedAdult
	}
	primary.age = s.driverAge(ar, primary.gender, drawFrom, mix)
	members = append(members, primary)
	youngestParent := primary.age
	if h.Spouse {
		sp := member{rel: "spouse", marital: "married", gender: s.spouseGender(gr, primary.gender), last: hm.surname}
		sp.age = spouseAge(ar, &primary, sp.gender, minParent)
		youngestParent = min(youngestParent, sp.age)
		members = append(members, sp)
		members[0].marital = "married"
	}
	for range h.Children {
		members = append(members, member{rel: "child", gender: s.gender(gr), last: hm.surname,
			age: childAge(ar, youngestParent-16)})
	}
	for len(members) < h.Size {
		members = append(members, member{rel: "other", gender: s.gender(gr), age: s.driverAge(ar, "", 18, anyAdult)})
	}
	s.members = members
	// The children's father, if one lives with them: the primary or else
	// the spouse, a man.
	father := -1
	for m := range min(2, len(members)) {
		if (members[m].rel == "primary" || members[m].rel == "spouse") && members[m].gender == "M" {
			father = m
			break
		}
	}
	hhID := a.String(ident.AppendID(a.Free(), "HH-", h.Index))
	base := len(mb.Persons) // where the household's first member goes
	for m := range members {
		// Filled in place: a Person is some 500 bytes, copied twice otherwise.
		mb.Persons = append(mb.Persons, model.Person{})
		var dad *model.Person
		if members[m].rel == "child" && father >= 0 {
			dad = &mb.Persons[base+father]
		}
		if err := s.person(&mb.Persons[len(mb.Persons)-1], h.FirstPerson+int64(m), m, hhID, &members[m], dad, hm); err != nil {
			return err
		}
	}
	return nil
}

// Husbands' age less their wives', per ten thousand married couples: Census
// CPS 2003, America's Families and Living Arrangements (households/
// SOURCES.md). A category's weight is spread evenly over its years; the
// open-ended "20 and more" ones are taken to stop at 24.
var spouseGaps = [...]struct{ from, to, weight int }{
	{20, 24, 100}, {15, 19, 160}, {10, 14, 480}, {6, 9, 1160}, {4, 5, 1330}, {2, 3, 2040},
	{-1, 1, 3320},
	{-3, -2, 650}, {-5, -4, 330}, {-9, -6, 270}, {-14, -10, 100}, {-19, -15, 30}, {-24, -20, 30},
}

var spouseGapTotal = func() (n int) {
	for _, g := range spouseGaps {
		n += g.weight
	}
	return n
}()

// spouseAge draws the age of the primary's spouse, a spouse of gender
// gender, from the husband's and wife's age gap (one draw). For couples not
// of a man and a woman, for whom the table has no figures, the primary
// takes the husband's side. A spouse the gap puts under youngest or over 95
// is the gap's width the other side of the primary instead, so young and
// old couples do not pile up at the bounds.
func spouseAge(r *stream.Stream, primary *member, gender string, youngest int) int {
	u := r.IntN(spouseGapTotal)
	gap := 0
	for _, g := range spouseGaps {
		if u < g.weight {
			gap = g.from + u*(g.to-g.from+1)/g.weight
			break
		}
		u -= g.weight
	}
	if primary.gender == "F" && gender == "M" {
		gap = -gap // the spouse is the husband
	}
	age := primary.age - gap
	if age < youngest || age > 95 {
		age = primary.age + gap
	}
	return min(95, max(youngest, age))
}

// titleCase writes a USPS abbreviation (AVE) as addresses print it (Ave).
func titleCase(s string) string {
	if len(s) < 2 {
		return s
	}
	return s[:1] + strings.ToLower(s[1:])
}

// Children living with their parents by age, per hundred of the age: CPS
// 2023 table AD-3 (households/adults_living_with_parents.csv) gives 56 at
// 18-24 and 15 at 25-34; 95 at 16-17 is assumed (the table starts at 18).
// Each age is as populous as the next at 16-34, so these weigh a child's age.
var childAgeWeights = func() (w [35]int) {
	for a := 16; a <= 34; a++ {
		switch {
		case a <= 17:
			w[a] = 95
		case a <= 24:
			w[a] = 56
		default:
			w[a] = 15
		}
	}
	return w
}()

// childAge draws a grown child's age, 16 to min(34, oldest): one draw.
func childAge(r *stream.Stream, oldest int) int {
	oldest = min(34, max(16, oldest))
	total := 0
	for a := 16; a <= oldest; a++ {
		total += childAgeWeights[a]
	}
	u := r.IntN(total)
	for a := 16; a < oldest; a++ {
		if u < childAgeWeights[a] {
			return a
		}
		u -= childAgeWeights[a]
	}
	return oldest
}

func pick(n *refdata.Names, r *stream.Stream) string { return n.Values[pickIndex(n, r)] }

func pickIndex(n *refdata.Names, r *stream.Stream) int {
	return n.Pick.Index(r.Uint64N(n.Pick.Total()))
}

func sexOf(gender string, r *stream.Stream) int {
	switch gender {
	case "F":
		return refdata.Female
	case "M":
		return refdata.Male
	}
	return r.IntN(2)
}

// Age mixes of adults: licensed drivers as FHWA counts them, and split by
// the ACS married share of each band and sex (over the share of the age not
// living with parents, CPS: childAgeWeights), so a primary with a spouse
// has the age of a married driver (few are 18) and one without the age of
// an unmarried one, while the two together keep the FHWA mix.
const (
	anyAdult = iota
	marriedAdult
	unmarriedAdult
	ageMixes
)

// driverAge draws an age of a licensed driver of the gender's sex (either,
// for X or ""), at least minAge, from an age mix: a band after its counts,
// then a year within it. Bands wholly below minAge are left out of the
// draw, so it takes one draw, never a loop.
func (s *Stage) driverAge(r *stream.Stream, gender string, minAge, mix int) int {
	sex := sexOf(gender, r)
	w := &s.ages[mix][sex]
	bands := s.pop.DriverAges
	first := 0 // the first band reaching minAge
	for first < len(bands) && bands[first].To < minAge {
		first++
	}
	skip := w.Below(first) // the mix's weight of the bands below
	b := bands[w.Index(skip+r.Uint64N(w.Total()-skip))]
	return r.Between(max(b.From, minAge), b.To)
}

// person fills p, the zero Person the caller appended, with one member
// from its own columns' streams. father is the member's father if he is a
// child living with him, else nil.
func (s *Stage) person(p *model.Person, idx int64, m int, hhID string, mm *member, father *model.Person, hm *home) error {
	c := s.per
	c.At(uint64(idx))
	if s.extra >= 0 { // drawn first, as a column a later version adds might be
		r := c.Of(s.extra)
		_, _ = r.Uint64(), r.IntN(1000)
	}
	// Date of birth: a day that makes the person exactly age at the
	// reference date, the birthday not on it (so a 16-year-old has had a
	// day to be licensed, and no licence is dated the reference date).
	latest := s.yearsBefore(mm.age) - 1
	earliest := s.yearsBefore(mm.age+1) + 1
	dob := earliest + model.Date(c.Of(pBirth).IntN(int(latest-earliest)+1))
	born := dob.CivilDate()
	birthYear := born.Year
	sex := sexOf(mm.gender, c.Of(pFirst))
	names := s.pop.FirstNamesOf(birthYear, sex)
	first := pick(names, c.Of(pFirst))

	last := mm.last
	if or := c.Of(pOwnSurname); last == "" || (mm.rel == "spouse" && or.Chance(0.12)) { // kept their own surname
		last = pick(&s.pop.Surnames, or)
	}
	marital := mm.marital
	if marital == "" {
		marital = s.unmarried(c.Of(pMarital), mm.age, sex)
	}

	var suffix string
	if mm.gender == "M" {
		suffix = suffixOf(c.Of(pSuffix), mm.age)
		// A son named after the father he lives with bears his names and
		// the suffix after his (a Jr's son is III), if the first name is
		// one of the son's birth decade; if not, or if the father kept
		// another surname, he is not named after him.
		if father != nil && slices.Contains(model.JuniorSuffixes, suffix) {
			suffix = model.JuniorOf(father.NameSuffix)
			if suffix != "" && father.LastName == last && names.Has(father.FirstName) {
				first = father.FirstName
			} else {
				suffix = ""
			}
		}
	}

	// Middle names after the Kansas voter file (the one public count found;
	// governance/decision-log.md): 65 % a middle name, 24 % an initial
	// only, 11 % none.
	var middle string
	if mr := c.Of(pMiddle); mr.Chance(0.6508) {
		for range 4 { // a middle name other than the first name
			if middle = pick(names, mr); middle != first {
				break
			}
		}
		if middle == first {
			middle = ""
		}
	} else if mr.Chance(0.2425 / (1 - 0.6508)) {
		middle = pick(names, mr)[:1] // a substring: string(byte) would allocate
	}

	lic, err := s.license(c.Of(pLicense), c.Of(pStatus), s.licenseType(c.Of(pLicenseType), mm), born, mm.age, hm, m)
	if err != nil {
		return err
	}
	a := &s.strs
	ssn := ""
	if idx < ident.SSNCapacity {
		ssn = a.String(s.ssns.Append(a.Free(), idx))
	}
	urban := "urban"
	if hm.zip.Rural {
		urban = "rural"
	}
	// Field by field: a composite literal is built on the stack and copied.
	p.PersonID = a.String(ident.AppendID(a.Free(), "PER-", idx))
	p.HouseholdID = hhID
	p.FirstName = first
	p.LastName = last
	p.Gender = mm.gender
	p.DateOfBirth = dob
	p.MaritalStatus = marital
	p.Relationship = mm.rel
	p.SSN = ssn
	p.Email = a.String(ident.AppendEmail(a.Free(), first, last, idx, ident.EmailDomains[c.Of(pEmail).IntN(len(ident.EmailDomains))]))
	p.Phone = a.String(ident.AppendPhone(a.Free(), hm.areaCode, c.Of(pPhone).IntN(100)))
	p.AddressLine1 = hm.street
	p.City = hm.zip.City
	p.State = hm.state.Code
	p.Zip = hm.zip.Code
	p.DriverLicenseNumber = lic.number
	p.DriverLicenseState = lic.state
	p.LicenseIssueDate = lic.issued
	p.LicenseStatus = lic.status
	p.LicenseType = lic.kind
	p.MiddleName = middle
	p.NameSuffix = suffix
	p.AddressLine2 = hm.unit
	p.County = hm.zip.County
	p.CountyFIPS = hm.zip.CountyFIPS
	p.UrbanRural = urban
	p.FirstLicensedDate = lic.first
	p.LicenseExpirationDate = lic.expires
	return nil
}

// suffixOf draws a man's name suffix after the Kansas voter file
// (governance/decision-log.md): among men Jr 3.5 %, Sr 0.8 %, II 0.7 %,
// III 0.8 %, IV 0.14 %. Sr is only for men of model.SeniorMinAge and over,
// 63 % of the adult men made, so they have it at 0.81 / 0.63 = 1.28 %: the
// adult men's share stays the file's.
func suffixOf(r *stream.Stream, age int) string {
	senior := age >= model.SeniorMinAge
	switch u := r.IntN(10000); {
	case u < 351:
		return "Jr"
	case u < 432:
		if senior {
			return "Sr"
		}
	case u < 502:
		return "II"
	case u < 581:
		return "III"
	case u < 595:
		return "IV"
	case u < 642 && senior:
		return "Sr"
	}
	return ""
}

// unmarried draws the marital status of a member who is not the primary's
// spouse after the ACS mix of the age and sex: never married (single),
// divorced or widowed; married spouses live in the household, so "married"
// is left out (a member whose spouse lives elsewhere is outside the plan).
// Divorce and widowhood are left out below the ages they become plausible
// at (the ACS shares there are response error).
func (s *Stage) unmarried(r *stream.Stream, age, sex int) string {
	if age < model.MarriedMinAge {
		return "single"
	}
	m := s.pop.MaritalOf(age, sex)
	if age < model.DivorcedMinAge {
		m[2] = 0
	}
	if age < model.WidowedMinAge {
		m[3] = 0
	}
	u := r.Uint64N(uint64(m[0] + m[2] + m[3]))
	switch {
	case u < uint64(m[0]):
		return "single"
	case u < uint64(m[0]+m[2]):
		return "divorced"
	}
	return "widowed"
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

// renewalsBefore returns how many whole cycles after first a card was last
// issued before refDate: the most k with first+k·cycle years < refDate.
// AddYears only grows with k, so the count starts from the whole years
// between and is corrected by a step at most.
func renewalsBefore(first model.CivilDate, refDate model.Date, cycle int) int {
	k := max(0, first.YearsUntil(refDate)/cycle)
	for k > 0 && first.AddYears(k*cycle) >= refDate {
		k--
	}
	for first.AddYears((k+1)*cycle) < refDate {
		k++
	}
	return k
}

// licence is a person's licence as the contract's columns give it.
type licence struct {
	kind, number, state    string
	first, issued, expires model.Date
	status                 string
}

// Shares of licence types. FHWA Highway Statistics (DL-20, 2018) has 25 %
// of 16-year-olds and 47 % of 17-year-olds licensed, and 226 M drivers
// among 255 M people 16 and over; the rest of the 16-17-year-olds hold a
// learner permit or nothing (the split is assumed: permits 50 % at 16,
// 33 % at 17). Young adults other than the primary are licensed less often
// (FHWA's 18-year-old drivers are about 60 % of the age's people, 20-24
// about 80 %; assumed 35 % unlicensed at 18, 28 % at 19, 20 % at 20-24) and
// 8 % of older members hold no licence. The primary, the named insured, is
// always licensed (governance/decision-log.md).
var teenLicenses = [2][3]float64{ // at 16 and 17: full, permit, none
	{0.25, 0.50, 0.25},
	{0.47, 0.33, 0.20},
}

const (
	unlicensedAdults = 0.08
	primaryRelation  = "primary"
	permitMaxAge     = 17
)

// licenseType draws a member's licence type.
func (s *Stage) licenseType(r *stream.Stream, mm *member) string {
	switch {
	case mm.age <= permitMaxAge:
		mix := teenLicenses[mm.age-16]
		switch u := r.Float64(); {
		case u < mix[0]:
			return "full"
		case u < mix[0]+mix[1]:
			return "learner_permit"
		}
		return "unlicensed"
	case mm.rel != primaryRelation && r.Chance(unlicensedShare(mm.age)):
		return "unlicensed"
	}
	return "full"
}

// unlicensedShare is the share of members of an age (18 and over, not the
// primary) who hold no licence.
func unlicensedShare(age int) float64 {
	switch {
	case age == 18:
		return 0.35
	case age == 19:
		return 0.28
	case age <= 24:
		return 0.20
	}
	return unlicensedAdults
}

// license draws when the person was first licensed (16 for most, 16-21 for
// nearly all, later for a few), the current card (the last renewal before
// the reference date, or the one before for those who did not renew, who
// are then expired) and a number unique within the state: the member's
// serial in its state (household.Serials), through a keyed permutation into
// the state's reserved sub-range. A learner permit is issued after the
// 16th birthday and runs two years; the unlicensed have none of it.
func (s *Stage) license(r, sr *stream.Stream, kind string, born model.CivilDate, age int, hm *home, m int) (licence, error) {
	if kind == "unlicensed" {
		return licence{kind: kind}, nil
	}
	refDate := s.run.ReferenceDate
	var at int
	switch d := r.IntN(100); {
	case d < 45 || kind == "learner_permit":
		at = 16
	case d < 65:
		at = 17
	case d < 78:
		at = 18
	case d < 90:
		at = r.Between(19, 21)
	default:
		at = r.Between(22, 45)
	}
	at = min(at, age)
	cycle := derive.RenewalYears
	if kind == "learner_permit" {
		cycle = derive.PermitYears
	}
	from := born.AddYears(at)
	days := min(365, int(refDate-from)) // > 0: the birthday is never the reference date
	l := licence{kind: kind, state: hm.state.Code, first: from + model.Date(r.IntN(days))}
	first := l.first.CivilDate()
	renewals := renewalsBefore(first, refDate, cycle)
	l.status = "valid"
	// A suspension needs a day after the first licence for its cause (the
	// incident stage dates one there): a licence first issued the day
	// before the reference date stays valid.
	suspendable := kind == "full" && l.first < refDate-1
	if !s.run.AllValidLicenses {
		switch d := sr.IntN(1000); {
		case d < 40 && renewals > 0:
			renewals-- // did not renew: the card of the cycle before, now expired
			l.status = "expired"
		case d >= 1000-model.RevokedPermille-model.SuspendedPermille && d < 1000-model.RevokedPermille && suspendable:
			l.status = "suspended"
		case d >= 1000-model.RevokedPermille && suspendable:
			l.status = "revoked"
		}
	}
	// A nullable date column's null is 1970-01-01 (model.NoDate): a licence
	// dated so moves to the next day.
	if fy := first.Year; first.Month == 1 && first.Day == 1 && fy <= 1970 && (1970-fy)%cycle == 0 && (1970-fy)/cycle <= renewals+1 {
		l.first++ // the card of renewal (1970-fy)/cycle would be dated 1970-01-01
		first.Day++
	}
	l.issued = first.AddYears(renewals * cycle)
	l.expires = l.issued.AddYears(cycle)
	b, err := s.licenses[hm.stateIndex].Append(s.strs.Free(), hm.firstSerial+uint64(m))
	l.number = s.strs.String(b)
	return l, err
}
