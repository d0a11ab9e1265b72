package verify

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/contract"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/stages/generators/incident"
)

// The rules an entity declares across a batch's entities (Rule.Across) are
// applied to the snapshot read back: each damage below changes one record
// the same way in the CSV, Parquet and JSON files (the manifest relisted, so
// integrity and the formats' agreement hold) and must break exactly its rule,
// once in each format, at the record it is about.

// table is a CSV file of the governed snapshot, header first.
type table struct {
	file string
	rows [][]string
	col  map[string]int
}

func loadTable(t *testing.T, file string) *table {
	t.Helper()
	f, err := os.Open(filepath.Join(golden, file))
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	tb := &table{file: file, rows: rows, col: map[string]int{}}
	for i, c := range rows[0] {
		tb.col[c] = i
	}
	return tb
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func (tb *table) get(row int, col string) string { return tb.rows[row][tb.col[col]] }

// first returns the first row (1-based, as reports count) ok accepts.
func (tb *table) first(t *testing.T, ok func(i int) bool) int {
	t.Helper()
	for i := 1; i < len(tb.rows); i++ {
		if ok(i) {
			return i
		}
	}
	t.Fatalf("no row of %s fits the damage", tb.file)
	return 0
}

// find returns the row whose column holds val.
func (tb *table) find(t *testing.T, col, val string) int {
	t.Helper()
	return tb.first(t, func(i int) bool { return tb.get(i, col) == val })
}

func date(s string) model.Date { return must(model.ParseDate(s)) }

// change sets one column of the record id of an entity in every format.
type change struct{ entity, id, column, value string }

func applyChange(t *testing.T, dir string, c change) {
	t.Helper()
	csvName, pqName := c.entity+"_v0_2.csv", c.entity+"_v0_2.parquet"
	editCSV(t, dir, csvName, func(r [][]string) [][]string {
		ci := col(r, c.column)
		for i := 1; i < len(r); i++ {
			if r[i][0] == c.id {
				r[i][ci] = c.value
				return r
			}
		}
		t.Fatalf("%s not in %s", c.id, csvName)
		return r
	})
	switch c.entity {
	case model.Persons:
		editParquet[model.Person](t, dir, pqName, c)
	case model.Vehicles:
		editParquet[model.Vehicle](t, dir, pqName, c)
	case model.Profiles:
		editParquet[model.Profile](t, dir, pqName, c)
	case incident.Name:
		editParquet[incident.Incident](t, dir, pqName, c)
	default:
		t.Fatalf("no Parquet row type for %s", c.entity)
	}
	editJSONRecord(t, dir, c)
	for _, f := range []string{csvName, pqName, "dataset_v0_2.json"} {
		relist(t, dir, f)
	}
}

// editParquet rewrites a Parquet file with one value changed: the field is
// found by its parquet tag, the id is the first field.
func editParquet[T any](t *testing.T, dir, name string, c change) {
	t.Helper()
	path := filepath.Join(dir, name)
	rows, err := parquet.ReadFile[T](path)
	require.NoError(t, err)
	done := false
	for i := range rows {
		v := reflect.ValueOf(&rows[i]).Elem()
		if v.Field(0).String() != c.id {
			continue
		}
		for f := 0; f < v.NumField(); f++ {
			tag, _, _ := strings.Cut(v.Type().Field(f).Tag.Get("parquet"), ",")
			if tag != c.column {
				continue
			}
			switch fv := v.Field(f); {
			case fv.Type() == reflect.TypeFor[model.Date]():
				fv.SetInt(int64(date(c.value)))
			case fv.Kind() == reflect.String:
				fv.SetString(c.value)
			case fv.Kind() == reflect.Int32:
				fv.SetInt(int64(must(strconv.Atoi(c.value))))
			default:
				t.Fatalf("cannot set %s", c.column)
			}
			done = true
		}
	}
	require.True(t, done, "%s %s in %s", c.id, c.column, name)
	require.NoError(t, parquet.WriteFile(path, rows, parquet.Compression(&parquet.Snappy)))
}

// editJSONRecord changes the value in the dataset document's record of id
// (one record a line, its id the first member).
func editJSONRecord(t *testing.T, dir string, c change) {
	t.Helper()
	path := filepath.Join(dir, "dataset_v0_2.json")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	idCol := map[string]string{model.Persons: "person_id", model.Vehicles: "vehicle_id", model.Profiles: "profile_id", incident.Name: "incident_id"}[c.entity]
	start := bytes.Index(b, []byte(`{"`+idCol+`":"`+c.id+`"`))
	require.GreaterOrEqual(t, start, 0, c.id)
	end := start + bytes.IndexByte(b[start:], '\n')
	member := regexp.MustCompile(`"` + c.column + `":(null|"[^"]*"|-?[0-9]+)`)
	old := member.FindSubmatch(b[start:end])
	require.NotNil(t, old, "%s in %s", c.column, c.id)
	value := strconv.Quote(c.value)
	switch {
	case c.value == "":
		value = "null"
	case old[1][0] != '"' && old[1][0] != 'n':
		value = c.value // a number
	}
	rec := member.ReplaceAll(b[start:end], []byte(`"`+c.column+`":`+value))
	require.NoError(t, os.WriteFile(path, append(append(b[:start:start], rec...), b[end:]...), 0o644))
}

// appendIncident adds r as the last incident in every format and counts it
// in the manifest and both copies of the metadata.
func appendIncident(t *testing.T, dir string, r incident.Incident) {
	t.Helper()
	mb := entity.NewBatch()
	*incident.Incidents.Rows(mb) = append(*incident.Incidents.Rows(mb), r)

	csvPath := filepath.Join(dir, "incidents_v0_2.csv")
	b, err := os.ReadFile(csvPath)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(csvPath, incident.Incidents.AppendCSVRow(b, mb, 0), 0o644))

	pqPath := filepath.Join(dir, "incidents_v0_2.parquet")
	rows, err := parquet.ReadFile[incident.Incident](pqPath)
	require.NoError(t, err)
	require.NoError(t, parquet.WriteFile(pqPath, append(rows, r), parquet.Compression(&parquet.Snappy)))

	const count = `"record_count_incidents": `
	recount := func(b []byte) []byte {
		i := bytes.Index(b, []byte(count)) + len(count)
		j := i + bytes.IndexByte(b[i:], ',')
		n := must(strconv.Atoi(string(b[i:j])))
		return append(append(b[:i:i], strconv.Itoa(n+1)...), b[j:]...)
	}
	jsonPath := filepath.Join(dir, "dataset_v0_2.json")
	b, err = os.ReadFile(jsonPath)
	require.NoError(t, err)
	end := bytes.LastIndex(b, []byte("\n  ]")) // the incidents are the last section
	b = append(append(append(b[:end:end], ",\n    "...), incident.Incidents.AppendJSONRow(nil, mb, 0)...), b[end:]...)
	require.NoError(t, os.WriteFile(jsonPath, recount(b), 0o644))
	metaPath := filepath.Join(dir, "metadata_v0_2.json")
	require.NoError(t, os.WriteFile(metaPath, recount(must(os.ReadFile(metaPath))), 0o644))

	m := readManifest(t, dir)
	for i := range m.Files {
		if m.Files[i].Entity == incident.Name || m.Files[i].Name == "dataset_v0_2.json" {
			m.Files[i].Records++
		}
	}
	writeManifest(t, dir, m)
	for _, f := range []string{"incidents_v0_2.csv", "incidents_v0_2.parquet", "dataset_v0_2.json", "metadata_v0_2.json"} {
		relist(t, dir, f)
	}
}

// setLookback records lookback_years in both copies of the metadata,
// after reference_date (or in place of the one recorded).
func setLookback(t *testing.T, dir string, years int) {
	t.Helper()
	recorded := regexp.MustCompile(`"lookback_years": [0-9]+`)
	after := regexp.MustCompile(`("reference_date": "[^"]*",\n)( *)`)
	for _, f := range []string{"metadata_v0_2.json", "dataset_v0_2.json"} {
		path := filepath.Join(dir, f)
		b := must(os.ReadFile(path))
		if recorded.Match(b) {
			b = recorded.ReplaceAll(b, fmt.Appendf(nil, `"lookback_years": %d`, years))
		} else {
			b = after.ReplaceAll(b, fmt.Appendf(nil, `${1}${2}"lookback_years": %d,\n${2}`, years))
		}
		require.NoError(t, os.WriteFile(path, b, 0o644))
		relist(t, dir, f)
	}
}

func TestAcrossRulesAreApplied(t *testing.T) {
	persons, vehicles := loadTable(t, "persons_v0_2.csv"), loadTable(t, "vehicles_v0_2.csv")
	profiles, incidents := loadTable(t, "profiles_v0_2.csv"), loadTable(t, "incidents_v0_2.csv")
	var meta model.Metadata
	require.NoError(t, json.Unmarshal(must(os.ReadFile(filepath.Join(golden, "metadata_v0_2.json"))), &meta))
	ref := date(meta.ReferenceDate)
	lookback := meta.LookbackYears // the window validate checks
	if lookback == 0 {
		lookback = incident.MaxLookbackYears
	}
	earliest := ref.AddYears(-lookback)
	inc := func(i int, col string) string { return incidents.get(i, col) }
	personOf := func(i int) int { return persons.find(t, "person_id", inc(i, "person_id")) }
	firstLicensed := func(i int) model.Date { return date(persons.get(personOf(i), "first_licensed_date")) }
	first := func(ok func(i int) bool) int { return incidents.first(t, ok) }
	// violation is a violation other than a DUI: no vehicle, and a date
	// the person's filing does not depend on.
	violation := func(i int) bool { return inc(i, "category") == "violation" && inc(i, "incident_type") != "dui" }

	// want is where the violation is: the record's file stem (in all
	// three formats), row, id and column.
	type want struct {
		stem   string
		row    int
		id     string
		column string
	}
	at := func(tb *table, row int, column string) want {
		return want{strings.TrimSuffix(tb.file, ".csv"), row, tb.rows[row][0], column}
	}
	cases := []struct {
		rule   string
		damage func(t *testing.T, dir string) want
	}{
		{incident.RuleHouseholdMatches, func(t *testing.T, dir string) want {
			// The household before the person's, in the same batch.
			i := first(func(i int) bool { return householdOf(inc(i, "household_id")) >= 1 })
			applyChange(t, dir, change{incident.Name, inc(i, "incident_id"), "household_id", fmt.Sprintf("HH-%010d", householdOf(inc(i, "household_id")))})
			return at(incidents, i, "household_id")
		}},
		{incident.RuleVehicleDriven, func(t *testing.T, dir string) want {
			i := first(func(i int) bool { return inc(i, "vehicle_id") != "" })
			other := first(func(j int) bool {
				return inc(j, "vehicle_id") != "" && inc(j, "household_id") != inc(i, "household_id")
			})
			applyChange(t, dir, change{incident.Name, inc(i, "incident_id"), "vehicle_id", inc(other, "vehicle_id")})
			return at(incidents, i, "vehicle_id")
		}},
		{incident.RuleAfterFirstLicence, func(t *testing.T, dir string) want {
			i := first(func(i int) bool { return violation(i) && firstLicensed(i) >= earliest })
			applyChange(t, dir, change{incident.Name, inc(i, "incident_id"), "incident_date", firstLicensed(i).String()})
			return at(incidents, i, "incident_date")
		}},
		{incident.RuleDateInWindow, func(t *testing.T, dir string) want {
			i := first(violation)
			applyChange(t, dir, change{incident.Name, inc(i, "incident_id"), "incident_date", ref.String()})
			return at(incidents, i, "incident_date")
		}},
		{incident.RuleDateInWindow, func(t *testing.T, dir string) want {
			// The window is the snapshot's own look-back, as its metadata
			// records it: a day before it, though within the longest.
			setLookback(t, dir, incident.DefaultLookbackYears)
			day := ref.AddYears(-incident.DefaultLookbackYears) - 1
			i := first(func(i int) bool { return violation(i) && firstLicensed(i) < day })
			applyChange(t, dir, change{incident.Name, inc(i, "incident_id"), "incident_date", day.String()})
			return at(incidents, i, "incident_date")
		}},
		{incident.RuleVehicleOnRoad, func(t *testing.T, dir string) want {
			// A day the person drove, in the window, before the vehicle was on the road.
			day := func(i int) model.Date { return max(firstLicensed(i)+1, earliest) }
			onRoad := func(i int) model.Date {
				v := vehicles.find(t, "vehicle_id", inc(i, "vehicle_id"))
				return incident.OnRoadFrom(&model.Vehicle{ModelYear: int32(must(strconv.Atoi(vehicles.get(v, "model_year"))))})
			}
			i := first(func(i int) bool { return inc(i, "vehicle_id") != "" && day(i) < onRoad(i) })
			applyChange(t, dir, change{incident.Name, inc(i, "incident_id"), "incident_date", day(i).String()})
			return at(incidents, i, "incident_date")
		}},
		{incident.RuleFilingCoherent, func(t *testing.T, dir string) want {
			// A person's only recent DUI moved to the day before the filing
			// years: the filing it required is left without a reason.
			before := ref.AddYears(-incident.FilingYears) - 1
			recentDUIs := func(person string) (n int) {
				for j := 1; j < len(incidents.rows); j++ {
					if inc(j, "person_id") == person && inc(j, "incident_type") == "dui" && date(inc(j, "incident_date")) > before {
						n++
					}
				}
				return n
			}
			i := first(func(i int) bool {
				p := personOf(i)
				status := persons.get(p, "license_status")
				return inc(i, "incident_type") == "dui" && date(inc(i, "incident_date")) > before && firstLicensed(i) < before &&
					(status == "valid" || status == "expired") && recentDUIs(inc(i, "person_id")) == 1
			})
			applyChange(t, dir, change{incident.Name, inc(i, "incident_id"), "incident_date", before.String()})
			return at(persons, personOf(i), "financial_filing")
		}},
		{incident.RuleSuspensionHasCause, func(t *testing.T, dir string) want {
			// A suspension whose cause is California's 4 points in 12
			// months: one of its 1-point violations moved to the day before
			// the 36 months the thresholds count, still in the window.
			moved := ref.AddYears(-3) - 1
			points := func(person string, since model.Date) (n int, major bool) {
				for j := 1; j < len(incidents.rows); j++ {
					if inc(j, "person_id") == person && date(inc(j, "incident_date")) >= since {
						n += must(strconv.Atoi(inc(j, "points")))
						major = major || inc(j, "incident_type") == "dui" || inc(j, "incident_type") == "reckless"
					}
				}
				return n, major
			}
			i := first(func(i int) bool {
				p, person := personOf(i), inc(i, "person_id")
				if persons.get(p, "license_status") != "suspended" || !violation(i) || inc(i, "points") != "1" ||
					date(inc(i, "incident_date")) < ref.AddYears(-1) || firstLicensed(i) >= moved {
					return false
				}
				_, major := points(person, earliest)
				n12, _ := points(person, ref.AddYears(-1))
				n24, _ := points(person, ref.AddYears(-2))
				n36, _ := points(person, ref.AddYears(-3))
				return !major && n12 == 4 && n24 <= 6 && n36 <= 8
			})
			applyChange(t, dir, change{incident.Name, inc(i, "incident_id"), "incident_date", moved.String()})
			return at(persons, personOf(i), "license_status")
		}},
		{incident.RuleUnderwritingRanges, func(t *testing.T, dir string) want {
			// More months of prior insurance than anyone can have been
			// licensed, in the rating's band for 36 months or more.
			p := persons.first(t, func(p int) bool {
				return persons.get(p, "coverage_lapse_days") == "0" && persons.get(p, "license_type") != "unlicensed" &&
					must(strconv.Atoi(persons.get(p, "prior_insurance_months"))) >= 36
			})
			applyChange(t, dir, change{model.Persons, persons.get(p, "person_id"), "prior_insurance_months", "1200"})
			return at(persons, p, "prior_insurance_months")
		}},
		{incident.RuleProfileHistory, func(t *testing.T, dir string) want {
			// Not-at-fault accidents are counted, not rated.
			p := profiles.find(t, "person_id", inc(1, "person_id"))
			n := must(strconv.Atoi(profiles.get(p, "not_at_fault_accidents")))
			applyChange(t, dir, change{model.Profiles, profiles.get(p, "profile_id"), "not_at_fault_accidents", strconv.Itoa(n + 1)})
			return at(profiles, p, "violations")
		}},
		{incident.RulePersonExists, func(t *testing.T, dir string) want {
			// Every incident is counted by its person's profile: one of a
			// person the snapshot lacks is added, not moved.
			n := len(persons.rows) - 1
			hh := householdOf(persons.get(n, "household_id")) + 1
			id := fmt.Sprintf("INC-%010d-01", n+1)
			appendIncident(t, dir, incident.Incident{IncidentID: id, PersonID: fmt.Sprintf("PER-%010d", n+1), HouseholdID: fmt.Sprintf("HH-%010d", hh+1),
				IncidentDate: ref - 30, IncidentType: "speeding_1_10", Category: "violation", Points: 1, AtFault: "true"})
			return want{"incidents_v0_2", len(incidents.rows), id, "person_id"}
		}},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		seen[tc.rule] = true
		t.Run(tc.rule, func(t *testing.T) {
			dir := copySnapshot(t)
			w := tc.damage(t, dir)
			rep, err := Run(t.Context(), dir)
			require.NoError(t, err)
			require.Len(t, rep.ByRule, 1, "only %s: %+v", tc.rule, rep.ByRule)
			rr := rep.ByRule[0]
			require.Equal(t, tc.rule, string(rr.Rule), "%+v", rr)
			require.EqualValues(t, 3, rr.Count, "once in each format: %+v", rr.Examples)
			files := map[string]bool{}
			for _, v := range rr.Examples {
				files[v.File] = true
				require.Equal(t, want{w.stem, int(v.Row), v.RecordID, v.Column}, w, "%+v", v)
				require.Equal(t, strings.TrimSuffix(strings.TrimSuffix(w.stem, "_v0_2"), "s"), v.Entity, "%+v", v)
			}
			require.Equal(t, map[string]bool{w.stem + ".csv": true, w.stem + ".parquet": true, "dataset_v0_2.json": true}, files)
			require.Contains(t, reportText(t, rep), "rule "+tc.rule)
		})
	}
	for _, e := range entity.All() {
		for _, r := range e.Rules() {
			if r.Across {
				require.True(t, seen[r.Name], "no damage breaks %s's rule %s", e.Name(), r.Name)
			}
		}
	}
}

// An entity that declares rules across the batch must carry its rows'
// household, so validate can read them in step with the households and
// apply those rules (RecordRulesChecked counts them all).
func TestAcrossRulesAreCounted(t *testing.T) {
	n := len(contract.Rules) - 2
	for _, e := range entity.All() {
		for _, r := range e.Rules() {
			require.True(t, !r.Across || placed(e), "%s declares rule %s across the batch but has no %s column", e.Name(), r.Name, householdColumn)
			n++
		}
	}
	require.Equal(t, n, RecordRulesChecked())
}

// Once a file cannot be read on, the batches lack its records: the rules
// across them are not applied to what follows, so the report names the
// read error, not every later person whose incidents it hides.
func TestAcrossRulesStopAtAReadError(t *testing.T) {
	dir := copySnapshot(t)
	editCSV(t, dir, "incidents_v0_2.csv", func(r [][]string) [][]string {
		r[len(r)/10][col(r, "paid_amount")] = strings.Repeat("9", 100<<10)
		return r
	})
	relist(t, dir, "incidents_v0_2.csv")
	rep, err := Run(t.Context(), dir)
	require.NoError(t, err)
	rules := map[string]int64{}
	for _, rr := range rep.ByRule {
		rules[string(rr.Rule)] = rr.Count
	}
	require.Contains(t, rules, "size_limits")
	for _, r := range append(append([]entity.Rule(nil), incident.Rules...), incident.RefDateRules...) {
		require.NotContains(t, rules, r.Name)
	}
}
