package refdata

import (
	"embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The tables of data contract v0.2, each described with its source in the
// SOURCES.md beside it. They are embedded as CSV (about 3 MB; the binary
// grows by that much) so a reviewer reads the same bytes the generator does.
//
//go:embed data/v0.2/geo/zctas.csv data/v0.2/names/first_names_by_decade.csv data/v0.2/names/surnames.csv
//go:embed data/v0.2/auto/licensed_drivers_by_age_sex.csv data/v0.2/auto/marital_status_by_age.csv
//go:embed data/v0.2/names/apostrophe_surnames.csv data/v0.2/geo/street_names.csv data/v0.2/geo/street_suffixes.csv
//go:embed data/v0.2/geo/unit_designators.csv data/v0.2/geo/units_in_structure.csv
var v02 embed.FS

// Sexes index per-sex tables: 0 female, 1 male.
const (
	Female = 0
	Male   = 1
)

// Zip is one populated ZIP Code Tabulation Area.
type Zip struct {
	Code       string
	State      int // index into Population.States
	CountyFIPS string
	County     string
	City       string // USPS preferred city name
	Population int64
	Rural      bool // RUCA 2010 class
	AreaCodes  []string
}

// PopState is a state or DC with its ZIPs, weighted by population.
type PopState struct {
	Code       string
	Name       string
	Population int64 // sum of its ZCTAs
	// LicenseFormat and PlateFormat are the patterns of states.csv,
	// LicenseReserve and PlateReserve their reservations.
	LicenseFormat, PlateFormat   string
	LicenseReserve, PlateReserve string
	Zips                         []int // indexes into Population.Zips
	ZipPick                      Weighted
	// MultiUnitShare is the share of its housing units in buildings of two
	// or more units (ACS): how often an address has a unit line.
	MultiUnitShare float64
}

// AgeBand is an inclusive band of ages with a count per sex.
type AgeBand struct {
	From, To int
	Count    [2]int64
}

// MaritalBand is the ACS marital status mix of one age band and sex:
// counts of never married, married, divorced and widowed.
type MaritalBand struct {
	From, To int
	Counts   [2][4]int64
}

// Population is the reference data of contract v0.2: where people live, what
// they are called by birth cohort, how old licensed drivers are and how
// marital status varies with age.
type Population struct {
	States    []PopState
	StatePick Weighted
	Zips      []Zip
	// FirstNames[decade index][sex]; decades from FirstDecade in steps of 10.
	FirstNames  [][2]Names
	FirstDecade int
	Surnames    Names
	// Streets, suffixes (USPS abbreviations) and unit designators, weighted
	// by how many voters' addresses use them.
	StreetNames, StreetSuffixes, UnitDesignators Names
	DriverAges                                   []AgeBand // FHWA licensed drivers, 16 and over
	Marital                                      []MaritalBand

	zipIndex   map[string]int // while parsing; then zipAt
	stateIndex map[string]int // while parsing; then stateAt
	unclassed  []int          // ZIPs without an urban/rural class, settled by fillGaps
	// stateAt[26*(a-'A')+(b-'A')] is 1 + the index of state "ab", zipAt[n]
	// 1 + the index of the ZIP of five digits n (0: none): every record
	// looks its state and ZIP up, generating and checking, so by array.
	stateAt [26 * 26]uint8
	zipAt   []int32
}

var (
	popOnce sync.Once
	pop     *Population
	popErr  error
)

// V02 returns the v0.2 tables, parsed once and read-only after that.
func V02() (*Population, error) {
	popOnce.Do(func() { pop, popErr = parsePopulation() })
	return pop, popErr
}

// State returns the index of a USPS state code.
func (p *Population) State(code string) (int, bool) {
	k, ok := stateKey(code)
	if !ok || p.stateAt[k] == 0 {
		return 0, false
	}
	return int(p.stateAt[k]) - 1, true
}

// Zip returns a ZIP by its code.
func (p *Population) Zip(code string) (*Zip, bool) {
	k, ok := zipKey(code)
	if !ok || p.zipAt[k] == 0 {
		return nil, false
	}
	return &p.Zips[p.zipAt[k]-1], true
}

func stateKey(code string) (int, bool) {
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return 0, false
	}
	return 26*int(code[0]-'A') + int(code[1]-'A'), true
}

func zipKey(code string) (int, bool) {
	if len(code) != 5 {
		return 0, false
	}
	n := 0
	for i := 0; i < 5; i++ {
		c := code[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// index fills stateAt and zipAt from the parse-time maps, which it drops.
func (p *Population) index() error {
	if len(p.States) > 254 {
		return fmt.Errorf("refdata: %d states, more than a state index holds", len(p.States))
	}
	for code, i := range p.stateIndex {
		k, ok := stateKey(code)
		if !ok {
			return fmt.Errorf("refdata: state code %q is not two capital letters", code)
		}
		p.stateAt[k] = uint8(i + 1)
	}
	p.zipAt = make([]int32, 100000)
	for code, i := range p.zipIndex {
		k, ok := zipKey(code)
		if !ok {
			return fmt.Errorf("refdata: ZIP %q is not five digits", code)
		}
		p.zipAt[k] = int32(i + 1)
	}
	p.stateIndex, p.zipIndex = nil, nil
	return nil
}

// FirstNamesOf returns the first names of a birth year and sex. Births after
// the last decade of the table use its last decade (SSA publishes a decade
// when it ends); births before the first use the first.
func (p *Population) FirstNamesOf(birthYear, sex int) *Names {
	d := (birthYear - p.FirstDecade) / 10
	d = max(0, min(d, len(p.FirstNames)-1))
	return &p.FirstNames[d][sex]
}

// MaritalOf returns the marital mix of an age and sex (ages under the first
// band use the first band).
func (p *Population) MaritalOf(age, sex int) [4]int64 {
	for _, b := range p.Marital {
		if age <= b.To {
			return b.Counts[sex]
		}
	}
	return p.Marital[len(p.Marital)-1].Counts[sex]
}

func parsePopulation() (*Population, error) {
	base, err := Default() // states.csv: names and licence and plate formats
	if err != nil {
		return nil, err
	}
	p := &Population{zipIndex: map[string]int{}, stateIndex: map[string]int{}}
	display := map[string]string{} // Census surname form -> display form (O'Brien, McDonald)
	for _, s := range base.States {
		p.stateIndex[s.Code] = len(p.States)
		p.States = append(p.States, PopState{Code: s.Code, Name: s.Name, LicenseFormat: s.LicenseFormat, PlateFormat: s.PlateFormat, LicenseReserve: s.LicenseReserve, PlateReserve: s.PlateReserve})
	}
	steps := []struct {
		file string
		cols int
		row  func([]string) error
	}{
		{"geo/zctas.csv", 8, p.addZip},
		{"names/first_names_by_decade.csv", 4, p.addFirstName},
		{"names/apostrophe_surnames.csv", 6, func(r []string) error { display[r[0]] = r[1]; return nil }},
		{"names/surnames.csv", 2, func(r []string) error { return p.Surnames.add(displayForm(display, r[0]), r[1]) }},
		{"geo/street_names.csv", 3, func(r []string) error { return addCounted(&p.StreetNames, r[0], r[1]) }},
		{"geo/street_suffixes.csv", 3, func(r []string) error { return addCounted(&p.StreetSuffixes, r[1], r[2]) }},
		{"geo/unit_designators.csv", 3, func(r []string) error { return addCounted(&p.UnitDesignators, r[1], r[2]) }},
		{"geo/units_in_structure.csv", 14, p.addUnitShare},
		{"auto/licensed_drivers_by_age_sex.csv", 3, p.addDriverAge},
		{"auto/marital_status_by_age.csv", 6, p.addMarital},
	}
	for _, s := range steps {
		if err := eachV02Row(s.file, s.cols, s.row); err != nil {
			return nil, err
		}
	}
	if err := p.fillGaps(); err != nil {
		return nil, err
	}
	for i := range p.States {
		st := &p.States[i]
		if len(st.Zips) == 0 {
			return nil, fmt.Errorf("refdata: state %s has no ZIPs", st.Code)
		}
		p.StatePick.Add(st.Population)
		if st.MultiUnitShare <= 0 {
			return nil, fmt.Errorf("refdata: state %s has no units-in-structure share", st.Code)
		}
	}
	for d := range p.FirstNames {
		for sex := range 2 {
			if len(p.FirstNames[d][sex].Values) == 0 {
				return nil, fmt.Errorf("refdata: no first names for the %ds, sex %d", p.FirstDecade+10*d, sex)
			}
			p.FirstNames[d][sex].Pick.Seal()
		}
	}
	if err := p.index(); err != nil {
		return nil, err
	}
	p.StatePick.Seal()
	for i := range p.States {
		p.States[i].ZipPick.Seal()
	}
	for _, n := range []*Names{&p.Surnames, &p.StreetNames, &p.StreetSuffixes, &p.UnitDesignators} {
		n.Pick.Seal()
	}
	return p, nil
}

func eachV02Row(name string, cols int, fn func([]string) error) error {
	return eachCSV(v02, "data/v0.2/"+name, cols, fn)
}

func (p *Population) addZip(r []string) error {
	st, ok := p.stateIndex[r[1]]
	if !ok {
		return fmt.Errorf("unknown state %q", r[1])
	}
	n, err := strconv.ParseInt(r[5], 10, 64)
	if err != nil || n <= 0 {
		return fmt.Errorf("population %q: want a positive count", r[5])
	}
	if len(r[0]) != 5 {
		return fmt.Errorf("zip %q is not 5 digits", r[0])
	}
	if _, dup := p.zipIndex[r[0]]; dup {
		return fmt.Errorf("zip %s listed twice", r[0])
	}
	z := Zip{Code: r[0], State: st, CountyFIPS: r[2], County: r[3], City: r[4], Population: n}
	switch r[6] {
	case "rural":
		z.Rural = true
	case "urban", "": // unclassed: settled by fillGaps
	default:
		return fmt.Errorf("urban_rural %q: want urban, rural or empty", r[6])
	}
	if r[7] != "" {
		z.AreaCodes = strings.Split(r[7], ";")
	}
	if r[6] == "" {
		p.unclassed = append(p.unclassed, len(p.Zips))
	}
	p.zipIndex[z.Code] = len(p.Zips)
	p.Zips = append(p.Zips, z)
	st0 := &p.States[st]
	st0.Zips = append(st0.Zips, len(p.Zips)-1)
	st0.ZipPick.Add(n)
	st0.Population += n
	return nil
}

// fillGaps settles what the ZCTA table leaves open, from the ZIP's county:
// a ZCTA RUCA 2010 did not class (new since 2010) takes the class most of
// its county's people live in, and a ZCTA without an area code takes those
// of its county's other ZIPs.
func (p *Population) fillGaps() error {
	type county struct {
		rural, urban int64
		codes        map[string]bool
	}
	counties := map[string]*county{}
	for i := range p.Zips {
		z := &p.Zips[i]
		c := counties[z.CountyFIPS]
		if c == nil {
			c = &county{codes: map[string]bool{}}
			counties[z.CountyFIPS] = c
		}
		if z.Rural {
			c.rural += z.Population
		} else if !slicesContains(p.unclassed, i) {
			c.urban += z.Population
		}
		for _, a := range z.AreaCodes {
			c.codes[a] = true
		}
	}
	for _, i := range p.unclassed {
		c := counties[p.Zips[i].CountyFIPS]
		p.Zips[i].Rural = c.rural > c.urban
	}
	for i := range p.Zips {
		z := &p.Zips[i]
		if len(z.AreaCodes) > 0 {
			continue
		}
		for a := range counties[z.CountyFIPS].codes {
			z.AreaCodes = append(z.AreaCodes, a)
		}
		if len(z.AreaCodes) == 0 {
			return fmt.Errorf("refdata: zip %s has no area code, nor has any ZIP of county %s", z.Code, z.CountyFIPS)
		}
		sort.Strings(z.AreaCodes)
	}
	return nil
}

func slicesContains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func (p *Population) addFirstName(r []string) error {
	decade, err := strconv.Atoi(r[0])
	if err != nil || decade%10 != 0 {
		return fmt.Errorf("decade %q: want a year ending in 0", r[0])
	}
	if len(p.FirstNames) == 0 {
		p.FirstDecade = decade
	}
	d := (decade - p.FirstDecade) / 10
	if d < 0 || d > len(p.FirstNames) {
		return fmt.Errorf("decade %d out of order (rows go by decade from %d)", decade, p.FirstDecade)
	}
	if d == len(p.FirstNames) {
		p.FirstNames = append(p.FirstNames, [2]Names{})
	}
	sex, err := sexIndex(r[1])
	if err != nil {
		return err
	}
	return p.FirstNames[d][sex].add(r[2], r[3])
}

func sexIndex(s string) (int, error) {
	switch s {
	case "F", "female":
		return Female, nil
	case "M", "male":
		return Male, nil
	}
	return 0, fmt.Errorf("sex %q: want F/female or M/male", s)
}

// parseBand reads "16", "25-29", "85 and over", "85+" or "Under 16";
// open-ended bands end at 95, the contract's oldest age.
func parseBand(s string) (from, to int, err error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "Under "):
		to, err = strconv.Atoi(strings.TrimPrefix(s, "Under "))
		return 0, to - 1, err
	case strings.HasSuffix(s, " and over"), strings.HasSuffix(s, "+"):
		from, err = strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(s, " and over"), "+"))
		return from, 95, err
	}
	a, b, ok := strings.Cut(s, "-")
	if from, err = strconv.Atoi(a); err != nil {
		return 0, 0, fmt.Errorf("age band %q", s)
	}
	if !ok {
		return from, from, nil
	}
	if to, err = strconv.Atoi(b); err != nil || to < from {
		return 0, 0, fmt.Errorf("age band %q", s)
	}
	return from, to, nil
}

func (p *Population) addDriverAge(r []string) error {
	from, to, err := parseBand(r[0])
	if err != nil {
		return err
	}
	if to < 16 { // drivers under 16 hold learner permits only: not in the licensed mix
		return nil
	}
	sex, err := sexIndex(r[1])
	if err != nil {
		return err
	}
	n, err := strconv.ParseInt(r[2], 10, 64)
	if err != nil {
		return err
	}
	if k := len(p.DriverAges); k == 0 || p.DriverAges[k-1].From != from {
		p.DriverAges = append(p.DriverAges, AgeBand{From: from, To: to})
	}
	p.DriverAges[len(p.DriverAges)-1].Count[sex] = n
	return nil
}

func (p *Population) addMarital(r []string) error {
	from, to, err := parseBand(r[0])
	if err != nil {
		return err
	}
	sex, err := sexIndex(r[1])
	if err != nil {
		return err
	}
	if k := len(p.Marital); k == 0 || p.Marital[k-1].From != from {
		p.Marital = append(p.Marital, MaritalBand{From: from, To: to})
	}
	b := &p.Marital[len(p.Marital)-1]
	for i := range 4 {
		if b.Counts[sex][i], err = strconv.ParseInt(r[2+i], 10, 64); err != nil {
			return err
		}
	}
	return nil
}

// displayForm returns the spelling a surname is written with: the Census
// files drop apostrophes and capitals (OBRIEN, MCDONALD), the display table
// gives them back.
func displayForm(display map[string]string, name string) string {
	if d, ok := display[strings.ToUpper(name)]; ok {
		return d
	}
	return name
}

// addCounted adds a weighted value, leaving out values nobody uses.
func addCounted(n *Names, value, count string) error {
	if count == "0" || count == "" {
		return nil
	}
	return n.add(value, count)
}

func (p *Population) addUnitShare(r []string) error {
	if r[0] == "US" {
		return nil
	}
	st, ok := p.stateIndex[r[0]]
	if !ok {
		return fmt.Errorf("unknown state %q", r[0])
	}
	v, err := strconv.ParseFloat(r[11], 64)
	if err != nil || v <= 0 || v >= 1 {
		return fmt.Errorf("share_2plus %q: want a share in (0, 1)", r[11])
	}
	p.States[st].MultiUnitShare = v
	return nil
}
