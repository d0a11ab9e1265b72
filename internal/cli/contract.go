package cli

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"github.com/spf13/cobra"

	"github.com/synthpipe/synthpipe/internal/domain/contract"
	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/internal/verify"
	"github.com/synthpipe/synthpipe/internal/version"
	"github.com/synthpipe/synthpipe/stages/generators/incident"
	"github.com/synthpipe/synthpipe/stages/sinks/parquetsink"
)

// contractTemplate holds the contract's prose: what the code cannot say
// (why, how to join, what a key means). Every fact the code holds is
// rendered into it by WriteContract.
//
//go:embed contract.md.tmpl
var contractTemplate string

func newContractCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "contract",
		Short: "Print the data contract (Markdown), generated from the code",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return WriteContract(cmd.OutOrStdout())
		},
	}
}

// WriteContract renders docs/contract.md: files, formats, every column of
// every declared entity, metadata, manifest, every rule, the privacy ranges
// and the changes from contract v0.1, from the code that writes and checks
// them, into the prose of contract.md.tmpl. It fails rather than write a
// contract with a gap: a column without a meaning, a metadata or manifest
// key the template does not describe, or a v0.1 column v0.2 renamed,
// removed, moved or retyped.
func WriteContract(w io.Writer) error {
	t, err := parseContractTemplate()
	if err != nil {
		return err
	}
	g := &contractGen{t: t, suffix: layout.Suffix("v" + model.ContractVersion)}
	data, err := g.data()
	if err != nil {
		return err
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return fmt.Errorf("contract template: %w", err)
	}
	// The {{define}}s after the body leave blank lines behind.
	_, err = io.WriteString(w, strings.TrimRight(b.String(), "\n")+"\n")
	return err
}

func parseContractTemplate() (*template.Template, error) {
	t, err := template.New("contract").Parse(contractTemplate)
	if err != nil {
		return nil, fmt.Errorf("contract template: %w", err)
	}
	return t, nil
}

type contractGen struct {
	t      *template.Template
	suffix string        // v0_2
	d      *contractData // the facts so far, for the entity notes
}

// prose returns the template's text named name, executed with arg; a name
// the template does not define is an error, so a new key or entity cannot
// be documented by omission.
func (g *contractGen) prose(name string, arg any) (string, error) {
	if g.t.Lookup(name) == nil {
		return "", fmt.Errorf("contract template: no {{define %q}}: describe it in internal/cli/contract.md.tmpl", name)
	}
	var b strings.Builder
	if err := g.t.ExecuteTemplate(&b, name, arg); err != nil {
		return "", err
	}
	return strings.TrimSpace(b.String()), nil
}

// contractData is what the template renders.
type contractData struct {
	Contract, Snapshot, Suffix, Generator string
	LookbackYears, MaxLookbackYears       int
	MaxPersons, MaxVehicles               int // of a household
	RowGroupRows                          string
	RiskBase                              string
	Files, Kinds, ListColumns             string
	Entities                              string
	Metadata, Manifest                    string
	Rules                                 string
	RecordRulesChecked, FileRules         int
	Privacy                               string
	SSN666, SSNSpace                      string
	SSNGroups                             string
	EmailDomains, PhoneFirst, PhoneLast   string
	DigitSpan, LetterSpan                 int
	States                                string
	VINSerials                            string
	Lienholders                           string
	Changes                               string
	EarlierChecker                        string
}

func (g *contractGen) data() (*contractData, error) {
	ref, err := refdata.Default()
	if err != nil {
		return nil, err
	}
	d := &contractData{
		Contract:           model.ContractVersion,
		Snapshot:           "v" + model.ContractVersion,
		Suffix:             g.suffix,
		Generator:          version.Version,
		LookbackYears:      incident.DefaultLookbackYears,
		MaxLookbackYears:   incident.MaxLookbackYears,
		MaxPersons:         model.MaxHouseholdSize,
		MaxVehicles:        model.MaxHouseholdVehicles,
		RowGroupRows:       thousands(parquetsink.DefaultRowGroupRows),
		RiskBase:           strconv.FormatFloat(derive.Base, 'f', -1, 64),
		RecordRulesChecked: verify.RecordRulesChecked(),
		FileRules:          len(verify.FileRules),
		SSN666:             thousands(uint64(ident.SSN666Cap)),
		SSNSpace:           thousands(uint64(ident.SSNCapacity)),
		SSNGroups:          ssnGroups(),
		EmailDomains:       codeList(ident.EmailDomains),
		PhoneFirst:         ident.Phone("NPA", 0),
		PhoneLast:          ident.Phone("NPA", 99),
		DigitSpan:          ident.DigitSpan,
		LetterSpan:         ident.LetterSpan,
		VINSerials:         thousands(ident.VINv2Capacity),
		Lienholders:        quotedList(ref.Lienholders),
		EarlierChecker:     verify.EarlierContracts["0.1"],
	}
	g.d = d
	steps := []struct {
		out *string
		fn  func() (string, error)
	}{
		{&d.Files, g.files},
		{&d.Kinds, g.kinds},
		{&d.ListColumns, g.listColumns},
		{&d.Entities, g.entities},
		{&d.Metadata, g.metadata},
		{&d.Manifest, g.manifest},
		{&d.Rules, g.rules},
		{&d.Privacy, g.privacy},
		{&d.States, func() (string, error) { return states(ref) }},
		{&d.Changes, g.changes},
	}
	for _, s := range steps {
		if *s.out, err = s.fn(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// files lists the files of a snapshot with the format and entity the
// manifest gives them.
func (g *contractGen) files() (string, error) {
	var b strings.Builder
	b.WriteString("| file | format | manifest `entity` | content |\n|---|---|---|---|\n")
	var sections []string
	for _, e := range entity.All() {
		what, err := g.prose("entity."+e.Name(), e)
		if err != nil {
			return "", err
		}
		for _, f := range []string{layout.CSV, layout.Parquet} {
			fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s |\n", layout.DataFile(e.Name(), g.suffix, f), f, e.Name(), what)
		}
		sections = append(sections, fmt.Sprintf("%q: […]", e.Name()))
	}
	fmt.Fprintf(&b, "| `%s` | json | `%s` | `{\"metadata\": {…}, %s}`: the metadata and every entity, one record per line inside each array |\n",
		layout.DatasetFile(g.suffix), layout.DatasetEntity, strings.Join(sections, ", "))
	fmt.Fprintf(&b, "| `%s` | json | `%s` | the metadata object alone |\n", layout.MetadataFile(g.suffix), layout.MetadataEntity)
	fmt.Fprintf(&b, "| `%s` | json | — | the manifest: every other file with its size and SHA-256; not listed in itself |\n", layout.ManifestFile(g.suffix))
	return b.String(), nil
}

// parquetColumns returns the Parquet schema an entity's writer produces,
// read back from a file of no rows: the types a reader sees, not a copy.
func parquetColumns(e entity.Entity) (map[string]parquet.Field, error) {
	var buf bytes.Buffer
	if _, err := e.NewParquet(&buf, 1, [2]string{version.Name, version.Version}).Close(); err != nil {
		return nil, err
	}
	f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return nil, err
	}
	out := map[string]parquet.Field{}
	for _, fl := range f.Schema().Fields() {
		out[fl.Name()] = fl
	}
	return out, nil
}

// parquetType renders a Parquet column's type: BYTE_ARRAY (STRING),
// INT32 (DATE), INT32, LIST<BYTE_ARRAY (STRING)>.
func parquetType(n parquet.Node) string {
	var lt format.LogicalTypeValue
	if l := n.Type().LogicalType(); l != nil {
		lt = l.Value
	}
	if !n.Leaf() {
		if _, ok := lt.(*format.ListType); ok && len(n.Fields()) == 1 && len(n.Fields()[0].Fields()) == 1 {
			return "LIST<" + parquetType(n.Fields()[0].Fields()[0]) + ">"
		}
		return "GROUP"
	}
	kind := n.Type().Kind().String()
	switch lt.(type) {
	case nil, *format.IntType:
		return kind
	case *format.StringType:
		return kind + " (STRING)"
	case *format.DateType:
		return kind + " (DATE)"
	}
	return kind + " (" + lt.String() + ")"
}

func repetition(n parquet.Node) string {
	if n.Optional() {
		return "OPTIONAL"
	}
	return "REQUIRED"
}

// kinds maps each contract type to its Parquet type, as the writers make
// it for the first column of that type.
func (g *contractGen) kinds() (string, error) {
	var b strings.Builder
	b.WriteString("| contract type | Parquet type | example column |\n|---|---|---|\n")
	seen := map[model.Kind]bool{}
	for _, e := range entity.All() {
		pq, err := parquetColumns(e)
		if err != nil {
			return "", err
		}
		for _, c := range e.Columns() {
			if seen[c.Kind] {
				continue
			}
			seen[c.Kind] = true
			fmt.Fprintf(&b, "| %s | %s | `%s.%s` |\n", c.Kind, parquetType(pq[c.Name]), e.Name(), c.Name)
		}
	}
	return b.String(), nil
}

func (g *contractGen) listColumns() (string, error) {
	var cols []string
	for _, e := range entity.All() {
		for _, c := range e.Columns() {
			if c.Kind == model.KindStringList {
				cols = append(cols, e.Name()+"."+c.Name)
			}
		}
	}
	return codeList(cols), nil
}

// columnValues says what a column may hold beyond its type: its enum, its
// pattern, and the values the profile rules fix.
func columnValues(c entity.ColumnInfo) string {
	var parts []string
	switch {
	case len(c.Enum) > 0:
		parts = append(parts, codeList(c.Enum))
	case c.Kind == model.KindDate:
		parts = append(parts, "`YYYY-MM-DD`")
	}
	if c.Pattern != "" {
		parts = append(parts, "`"+c.Pattern+"`")
	}
	switch c.Name {
	case "risk_tier":
		parts = append(parts, fmt.Sprintf("low below %d, medium %d–%d, high from %d", derive.MediumFrom, derive.MediumFrom, derive.HighFrom-1, derive.HighFrom))
	case "scenario_tags":
		parts = append(parts, "of "+codeList(derive.Tags))
	case "rules_version":
		parts = append(parts, "`"+derive.RulesVersion+"`")
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, "; ")
}

// entities renders a section per declared entity with every column.
func (g *contractGen) entities() (string, error) {
	var b strings.Builder
	for _, e := range entity.All() {
		what, err := g.prose("entity."+e.Name(), e)
		if err != nil {
			return "", err
		}
		notes, err := g.prose("entity."+e.Name()+".notes", g.d)
		if err != nil {
			return "", err
		}
		pq, err := parquetColumns(e)
		if err != nil {
			return "", err
		}
		cols := e.Columns()
		fmt.Fprintf(&b, "### %s\n\n", e.Name())
		fmt.Fprintf(&b, "%s: %d columns. Files `%s` and `%s`; the `%s` array of `%s`; metadata `%s%s`.\n\n",
			upperFirst(what), len(cols), layout.DataFile(e.Name(), g.suffix, layout.CSV), layout.DataFile(e.Name(), g.suffix, layout.Parquet),
			e.Name(), layout.DatasetFile(g.suffix), model.CountKeyPrefix, e.Name())
		if e.IDs() == entity.PerParent {
			fmt.Fprintf(&b, "Id: `%s` — `%s`, the parent record's 10 digits, `-` and a 2-digit sequence from 01 within that parent (at most %d): unique and increasing in file order, with gaps where a parent has none.\n\n",
				entity.PerParentID(e.IDPrefix(), 0, 1), e.IDPrefix(), entity.MaxPerParent)
		} else {
			fmt.Fprintf(&b, "Id: `%s`, `%s` … — `%s` and 10 digits, running 1, 2, 3 … in file order with none missing.\n\n",
				ident.ID(e.IDPrefix(), 0), ident.ID(e.IDPrefix(), 1), e.IDPrefix())
		}
		if notes != "" {
			b.WriteString(notes + "\n\n")
		}
		b.WriteString("| # | column | type | Parquet | null | format / allowed values | meaning | since |\n|---|---|---|---|---|---|---|---|\n")
		for i, c := range cols {
			if c.Doc == "" {
				return "", fmt.Errorf("contract: column %s.%s has no Doc: say what it means where it is declared", e.Name(), c.Name)
			}
			n, ok := pq[c.Name]
			if !ok {
				return "", fmt.Errorf("contract: column %s.%s is not in its Parquet schema", e.Name(), c.Name)
			}
			null := "—"
			if c.Nullable {
				null = "yes"
			}
			fmt.Fprintf(&b, "| %d | `%s` | %s | %s %s | %s | %s | %s | %s |\n", i+1, c.Name, c.Kind, parquetType(n), repetition(n), null,
				cell(columnValues(c)), text(c.Doc), sinceV01(e.Name(), c.Name))
		}
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n") + "\n", nil
}

// jsonKey is one key of a JSON document, dotted below the top level.
type jsonKey struct {
	Path, Type string
}

// jsonKeys lists t's JSON keys in order, the fields of nested objects
// (and of the objects of arrays, as path.field) after their parent.
func jsonKeys(t reflect.Type, prefix string) []jsonKey {
	var out []jsonKey
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			out = append(out, jsonKeys(f.Type, prefix)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		path := prefix + name
		switch f.Type.Kind() {
		case reflect.Struct:
			out = append(out, jsonKey{path, "object"})
			out = append(out, jsonKeys(f.Type, path+".")...)
		case reflect.Slice:
			out = append(out, jsonKey{path, "array of objects"})
			out = append(out, jsonKeys(f.Type.Elem(), path+".")...)
		case reflect.String:
			out = append(out, jsonKey{path, "string"})
		default:
			out = append(out, jsonKey{path, "integer"})
		}
	}
	return out
}

// metadataKeys are the metadata's keys in the order it writes them: the
// header, a record count per declared entity, then privacy.
func metadataKeys() []jsonKey {
	keys := jsonKeys(reflect.TypeFor[model.Header](), "")
	for _, e := range entity.All() {
		keys = append(keys, jsonKey{model.CountKeyPrefix + e.Name(), "integer"})
	}
	return append(keys, jsonKey{"privacy", "object"})
}

// keyTable renders JSON keys with the prose proseOf names for each (a
// template name and what it is executed with).
func (g *contractGen) keyTable(keys []jsonKey, proseOf func(jsonKey) (string, any)) (string, error) {
	var b strings.Builder
	b.WriteString("| key | type | meaning |\n|---|---|---|\n")
	for _, k := range keys {
		doc, err := g.prose(proseOf(k))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", k.Path, k.Type, cell(doc))
	}
	return b.String(), nil
}

// metadata describes the metadata's keys; one text serves every
// record_count_<entity>, given the entity.
func (g *contractGen) metadata() (string, error) {
	return g.keyTable(metadataKeys(), func(k jsonKey) (string, any) {
		if e, ok := strings.CutPrefix(k.Path, model.CountKeyPrefix); ok {
			return "meta." + model.CountKeyPrefix + "entity", e
		}
		return "meta." + k.Path, nil
	})
}

func (g *contractGen) manifest() (string, error) {
	return g.keyTable(jsonKeys(reflect.TypeFor[layout.Manifest](), ""), func(k jsonKey) (string, any) { return "manifest." + k.Path, nil })
}

// rules renders every rule with who checks it: the pipeline's validate
// stage checks all before writing; `synthpipe validate` re-checks a folder
// with all but those that need the seed's plan (and rules across entities
// whose rows carry no household).
func (g *contractGen) rules() (string, error) {
	var b strings.Builder
	const both, stage = "stage and `validate`", "stage"
	b.WriteString("### Record rules\n\n| rule | requires | checked by |\n|---|---|---|\n")
	for _, r := range contract.Rules {
		by := both
		if verify.PlanRule(r.Name) {
			by = stage
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.Name, text(r.Description), by)
	}
	for _, e := range entity.All() {
		if len(e.Rules()) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### Rules of %s\n\n| rule | requires | checked by |\n|---|---|---|\n", e.Name())
		for _, r := range e.Rules() {
			by := both
			if !verify.ChecksEntityRule(e, r) {
				by = stage
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.Name, text(r.Description), by)
		}
	}
	b.WriteString("\n### File rules\n\n| rule | requires | checked by |\n|---|---|---|\n")
	for _, r := range verify.FileRules {
		fmt.Fprintf(&b, "| `%s` | %s | `validate` |\n", r.Name, text(r.Description))
	}
	return b.String(), nil
}

// privacy lists the statements every snapshot's metadata carries.
func (g *contractGen) privacy() (string, error) {
	var b strings.Builder
	b.WriteString("| metadata key | statement |\n|---|---|\n")
	v := reflect.ValueOf(model.PrivacyRules)
	for i := range v.NumField() {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		fmt.Fprintf(&b, "| `privacy.%s` | %s |\n", name, text(v.Field(i).String()))
	}
	return b.String(), nil
}

// states renders each state's licence and plate formats, reserved
// prefixes and how many numbers the reserved span holds.
func states(ref *refdata.Data) (string, error) {
	var b strings.Builder
	b.WriteString("| state | licence format | reserved prefixes | licence numbers | plate format | reserved prefixes | plates |\n|---|---|---|---|---|---|---|\n")
	for _, s := range ref.States {
		licences, plates := ident.LicenseSpace(s.LicenseFormat, s.LicenseReserve), ident.PlateSpace(s.PlateFormat, s.PlateReserve)
		lic, err := licences.Capacity()
		if err != nil {
			return "", fmt.Errorf("contract: %s licence: %w", s.Code, err)
		}
		plate, err := plates.Capacity()
		if err != nil {
			return "", fmt.Errorf("contract: %s plate: %w", s.Code, err)
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | `%s` | %s | %s |\n", s.Code,
			s.LicenseFormat, codeList(licences.Forms()), thousands(lic),
			s.PlateFormat, codeList(plates.Forms()), thousands(plate))
	}
	return b.String(), nil
}

// ssnGroups renders the groups of areas 900–999 that no ITIN uses, asking
// the SSN check itself which groups it accepts past area 666.
func ssnGroups() string {
	var safe []int
	for g := 1; g <= 99; g++ {
		if ident.IsSafeSSN(fmt.Sprintf("900-%02d-0001", g), ident.SSN666Cap) {
			safe = append(safe, g)
		}
	}
	var parts []string
	for i := 0; i < len(safe); {
		j := i
		for j+1 < len(safe) && safe[j+1] == safe[j]+1 {
			j++
		}
		if i == j {
			parts = append(parts, fmt.Sprintf("%02d", safe[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%02d–%02d", safe[i], safe[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// cell makes Markdown safe inside a table cell: a | would end the cell.
func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

// textEscaper keeps plain text (a column's Doc, a rule, a privacy
// statement) literal in Markdown: `speeding_*` and `*_accident` would
// otherwise turn into emphasis, `<entity>` into an HTML tag.
var textEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "<", "&lt;", ">", "&gt;", "|", `\|`, "\n", " ")

// text makes plain text safe and literal inside a table cell.
func text(s string) string { return textEscaper.Replace(s) }

func codeList(ss []string) string {
	if len(ss) == 0 {
		return "—"
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "`" + s + "`"
	}
	return strings.Join(out, ", ")
}

func quotedList(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "“" + s + "”"
	}
	return strings.Join(out, ", ")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// thousands writes n with commas: 55,984,401.
func thousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// ---- contract v0.1 ----

// v01Column is a column of data contract v0.1.
type v01Column struct {
	Name     string
	Kind     model.Kind
	Nullable bool
	Enum     []string
}

// v01Entity is an entity of data contract v0.1.
type v01Entity struct {
	Name    string
	Columns []v01Column
}

// contractV01 is data contract v0.1 as generator 0.1.x declared it (git
// tag v0.1.0): each entity's columns in order, the nullable ones and the
// allowed values of its enums. The changes from v0.1 are computed against
// it; a test checks it against the committed data/snapshots/v0.1.
var contractV01 = []v01Entity{
	{"persons", []v01Column{
		{Name: "person_id", Kind: model.KindString},
		{Name: "household_id", Kind: model.KindString},
		{Name: "first_name", Kind: model.KindString},
		{Name: "last_name", Kind: model.KindString},
		{Name: "gender", Kind: model.KindEnum, Enum: []string{"F", "M", "X"}},
		{Name: "date_of_birth", Kind: model.KindDate},
		{Name: "marital_status", Kind: model.KindEnum, Enum: []string{"single", "married", "divorced", "widowed"}},
		{Name: "relationship", Kind: model.KindEnum, Enum: []string{"primary", "spouse", "child", "other"}},
		{Name: "ssn", Kind: model.KindString},
		{Name: "email", Kind: model.KindString},
		{Name: "phone", Kind: model.KindString},
		{Name: "address_line1", Kind: model.KindString},
		{Name: "city", Kind: model.KindString},
		{Name: "state", Kind: model.KindString},
		{Name: "zip", Kind: model.KindString},
		{Name: "driver_license_number", Kind: model.KindString},
		{Name: "driver_license_state", Kind: model.KindString},
		{Name: "license_issue_date", Kind: model.KindDate},
		{Name: "license_status", Kind: model.KindEnum, Enum: []string{"valid", "expired", "suspended", "revoked"}},
	}},
	{"vehicles", []v01Column{
		{Name: "vehicle_id", Kind: model.KindString},
		{Name: "household_id", Kind: model.KindString},
		{Name: "owner_person_id", Kind: model.KindString},
		{Name: "primary_driver_person_id", Kind: model.KindString},
		{Name: "vin", Kind: model.KindString},
		{Name: "make", Kind: model.KindString},
		{Name: "model", Kind: model.KindString},
		{Name: "model_year", Kind: model.KindInt},
		{Name: "body_type", Kind: model.KindEnum, Enum: []string{"sedan", "suv", "pickup", "minivan", "coupe", "hatchback", "wagon", "van", "convertible"}},
		{Name: "fuel_type", Kind: model.KindEnum, Enum: []string{"gasoline", "diesel", "hybrid", "plug_in_hybrid", "electric"}},
		{Name: "usage", Kind: model.KindEnum, Enum: []string{"commute", "pleasure", "business", "farm"}},
		{Name: "annual_mileage", Kind: model.KindInt},
		{Name: "ownership", Kind: model.KindEnum, Enum: []string{"owned", "financed", "leased"}},
		{Name: "lienholder", Kind: model.KindString, Nullable: true},
		{Name: "garaging_zip", Kind: model.KindString},
		{Name: "garaging_state", Kind: model.KindString},
		{Name: "license_plate", Kind: model.KindString},
		{Name: "plate_state", Kind: model.KindString},
	}},
	{"profiles", []v01Column{
		{Name: "profile_id", Kind: model.KindString},
		{Name: "person_id", Kind: model.KindString},
		{Name: "household_id", Kind: model.KindString},
		{Name: "age", Kind: model.KindInt},
		{Name: "years_licensed", Kind: model.KindInt},
		{Name: "household_vehicle_count", Kind: model.KindInt},
		{Name: "primary_vehicle_id", Kind: model.KindString, Nullable: true},
		{Name: "vehicle_ids", Kind: model.KindStringList},
		{Name: "risk_score", Kind: model.KindInt},
		{Name: "risk_tier", Kind: model.KindEnum, Enum: []string{"low", "medium", "high"}},
		{Name: "scenario_tags", Kind: model.KindStringList},
		{Name: "rules_version", Kind: model.KindString},
	}},
}

// Contract v0.1's metadata keys, profile rules and scenario tags.
var (
	metadataKeysV01 = []string{"dataset_name", "snapshot_version", "schema_version", "generator", "seed", "reference_date", "config_sha256",
		"record_count_persons", "record_count_vehicles", "record_count_profiles", "privacy"}
	rulesVersionV01 = "profile-rules/1.0"
	// metadataKeysSince are the keys a later release of this contract
	// added: a snapshot of an earlier one lacks them.
	metadataKeysSince = map[string]string{"lookback_years": "0.2.1"}
	tagsV01           = []string{"young_driver", "senior_driver", "new_driver", "multi_vehicle_household", "no_primary_vehicle", "ev_owner",
		"high_mileage", "leased_vehicle", "suspended_license"}
)

func v01Of(name string) *v01Entity {
	for i := range contractV01 {
		if contractV01[i].Name == name {
			return &contractV01[i]
		}
	}
	return nil
}

// sinceV01 is the contract version that introduced a column.
func sinceV01(entityName, column string) string {
	if e := v01Of(entityName); e != nil && slices.ContainsFunc(e.Columns, func(c v01Column) bool { return c.Name == column }) {
		return "v0.1"
	}
	return "v" + model.ContractVersion
}

// changes compares contract v0.1 with the declared entities. v0.2 keeps
// every v0.1 column, with its name, place and type, and adds after them:
// anything else is an error, not a line of the document.
func (g *contractGen) changes() (string, error) {
	var b strings.Builder
	b.WriteString("| entity | v0.1 columns kept (names, order, types) | added after them in v" + model.ContractVersion + " | now nullable | allowed values added |\n|---|---|---|---|---|\n")
	for _, old := range contractV01 {
		if !slices.Contains(entity.Names(entity.All()), old.Name) {
			return "", fmt.Errorf("contract: v0.1 entity %s is no longer declared", old.Name)
		}
	}
	for _, e := range entity.All() {
		cols := e.Columns()
		old := v01Of(e.Name())
		if old == nil {
			fmt.Fprintf(&b, "| `%s` | — (new entity) | all %d columns | — | — |\n", e.Name(), len(cols))
			continue
		}
		var added, nullable, values []string
		for i, oc := range old.Columns {
			if i >= len(cols) || cols[i].Name != oc.Name {
				return "", fmt.Errorf("contract: v0.1 column %s.%s (number %d) is renamed, moved or removed in v%s", e.Name(), oc.Name, i+1, model.ContractVersion)
			}
			c := cols[i]
			if c.Kind != oc.Kind {
				return "", fmt.Errorf("contract: v0.1 column %s.%s changed type from %s to %s", e.Name(), oc.Name, oc.Kind, c.Kind)
			}
			if oc.Nullable && !c.Nullable {
				return "", fmt.Errorf("contract: v0.1 column %s.%s may be null in v0.1 but not now: old readers' nulls would break", e.Name(), oc.Name)
			}
			if c.Nullable && !oc.Nullable {
				nullable = append(nullable, "`"+c.Name+"`")
			}
			var more []string
			for _, v := range c.Enum {
				if !slices.Contains(oc.Enum, v) {
					more = append(more, "`"+v+"`")
				}
			}
			for _, v := range oc.Enum {
				if !slices.Contains(c.Enum, v) {
					return "", fmt.Errorf("contract: %s.%s no longer allows v0.1's %q", e.Name(), c.Name, v)
				}
			}
			if len(more) > 0 {
				values = append(values, "`"+c.Name+"`: "+strings.Join(more, ", "))
			}
		}
		for _, c := range cols[len(old.Columns):] {
			added = append(added, "`"+c.Name+"`")
		}
		fmt.Fprintf(&b, "| `%s` | %d | %s | %s | %s |\n", e.Name(), len(old.Columns), orDash(added), orDash(nullable), orDash(values))
	}
	var keys []string
	for _, k := range metadataKeys() {
		keys = append(keys, k.Path)
	}
	var newKeys []string
	for _, k := range keys {
		if !strings.Contains(k, ".") && !slices.Contains(metadataKeysV01, k) {
			if since, ok := metadataKeysSince[k]; ok {
				k += "` (since generator " + since + ")"
			} else {
				k += "`"
			}
			newKeys = append(newKeys, "`"+k)
		}
	}
	for _, k := range metadataKeysV01 {
		if !slices.Contains(keys, k) {
			return "", fmt.Errorf("contract: metadata key %s of v0.1 is no longer written", k)
		}
	}
	var newTags []string
	for _, t := range derive.Tags {
		if !slices.Contains(tagsV01, t) {
			newTags = append(newTags, "`"+t+"`")
		}
	}
	for _, t := range tagsV01 {
		if !slices.Contains(derive.Tags, t) {
			return "", fmt.Errorf("contract: scenario tag %s of v0.1 is no longer made", t)
		}
	}
	fmt.Fprintf(&b, "\nScenario tags added: %s. Metadata keys added: %s. Profile `rules_version`: `%s` in v0.1, `%s` now. File suffix: `v0_1` in v0.1, `%s` now.\n",
		strings.Join(newTags, ", "), strings.Join(newKeys, ", "), rulesVersionV01, derive.RulesVersion, g.suffix)
	return b.String(), nil
}

func orDash(ss []string) string {
	if len(ss) == 0 {
		return "—"
	}
	return strings.Join(ss, ", ")
}
