package preview

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// Renderer writes households as text. It collects everything and writes it
// at Flush, through a colour-profile writer so colours are downsampled to
// what the terminal shows.
type Renderer struct {
	w   io.Writer
	opt Options
	st  styles
	buf strings.Builder
}

// New returns a Renderer writing to w as opt says.
func New(w io.Writer, opt Options) *Renderer {
	if !opt.colour() {
		opt.Profile = colorprofile.NoTTY
	}
	return &Renderer{w: w, opt: opt, st: newStyles(opt.colour())}
}

// Flush writes what was rendered.
func (r *Renderer) Flush() error {
	// NoTTY strips every escape sequence: plain output stays plain even if a
	// style slipped through.
	cw := &colorprofile.Writer{Forward: r.w, Profile: r.opt.Profile}
	_, err := io.WriteString(cw, r.buf.String())
	r.buf.Reset()
	return err
}

// Seed writes the line that tells how to see this output again.
func (r *Renderer) Seed(seed int64) {
	n := strconv.FormatInt(seed, 10)
	r.flowSep(0, []item{
		{{"seed ", r.st.faint}, {n, r.st.strong}},
		{{"— reproduce with", r.st.faint}},
		{{"--seed " + n, r.st.strong}},
	}, seg{" ", lipgloss.Style{}})
	r.line("")
}

// Note writes a remark below the households, in muted text.
func (r *Renderer) Note(text string) {
	var words []item
	for _, w := range strings.Fields(clean(text)) {
		words = append(words, item{{w, lipgloss.Style{}}})
	}
	// Styled a line at a time, not a word at a time: fewer sequences.
	for _, l := range r.wrap(words, r.opt.width(), seg{" ", lipgloss.Style{}}) {
		r.line(r.st.faint.Render(l))
	}
}

// Layout: persons start at column personIndent, their fields at
// fieldIndent with a label column labelWidth wide.
const (
	personIndent = 2
	fieldIndent  = 4
	labelWidth   = 10
)

// Household writes one household: a header (id, address, what it holds),
// then each person with their licence, profile, vehicles and history, then
// any vehicle whose primary driver is not among its persons.
func (r *Renderer) Household(h *Household) {
	st := r.st
	width := r.opt.width()
	var first Record
	if len(h.Persons) > 0 {
		first = h.Persons[0]
	}
	id := clean(h.ID)
	addr := joinNonEmpty(" ", str(first, "address_line1"), str(first, "address_line2"))
	place := joinNonEmpty(", ", addr, str(first, "city"), joinNonEmpty(" ", str(first, "state"), str(first, "zip")))
	head := item{{id, st.household}, {before("  ", place), st.strong}}
	r.line(head.fit(width).render())
	indent := ansi.StringWidth(id) + 2
	if width-indent < MinWidth/2 {
		indent = 2
	}
	r.flow(indent, []item{
		{{str(first, "county"), st.faint}},
		{{str(first, "urban_rural"), st.faint}},
		{{count(int64(len(h.Persons)), "person"), st.faint}},
		{{count(int64(len(h.Vehicles)), "vehicle"), st.faint}},
		{{count(int64(len(h.Incidents)), "incident"), st.faint}},
	})
	r.line(st.rule.Render(strings.Repeat("─", width)))

	profiles := map[string]Record{}
	for _, p := range h.Profiles {
		profiles[str(p, "person_id")] = p
	}
	names := map[string]string{}
	for _, p := range h.Persons {
		names[str(p, "person_id")] = str(p, "first_name")
	}
	driven := map[string][]Record{}
	var others []Record
	for _, v := range h.Vehicles {
		d := str(v, "primary_driver_person_id")
		if _, ok := names[d]; ok {
			driven[d] = append(driven[d], v)
		} else {
			others = append(others, v)
		}
	}
	history := map[string][]Record{}
	for _, in := range h.Incidents {
		history[str(in, "person_id")] = append(history[str(in, "person_id")], in)
	}
	for _, p := range h.Persons {
		pid := str(p, "person_id")
		r.person(p, profiles[pid], driven[pid], history[pid], names)
	}
	if len(others) > 0 {
		r.line(strings.Repeat(" ", personIndent) + st.name.Render("Other vehicles"))
		r.vehiclesField("", others, names, "")
		r.line("")
	}
}

// person writes one person's block.
func (r *Renderer) person(p, profile Record, vehicles, incidents []Record, names map[string]string) {
	st := r.st
	width := r.opt.width()
	name := joinNonEmpty(" ", str(p, "first_name"), str(p, "middle_name"), str(p, "last_name"), str(p, "name_suffix"))
	id := str(p, "person_id")
	room := width - personIndent - ansi.StringWidth(id) - 2
	nameItem := item{{name, st.name}}.fit(room)
	pad := width - personIndent - nameItem.width() - ansi.StringWidth(id)
	r.line(strings.Repeat(" ", personIndent) + nameItem.render() + strings.Repeat(" ", pad) + st.id.Render(id))

	about := []item{labelled("age ", str(profile, "age"), lipgloss.Style{})}
	for _, k := range []string{"gender", "relationship", "marital_status"} {
		if v := str(p, k); v != "" {
			about = append(about, item{{v, lipgloss.Style{}}})
		}
	}
	about = append(about, labelled("credit ", str(p, "credit_tier"), lipgloss.Style{}))
	r.flow(fieldIndent, about)

	status := str(p, "license_status")
	var licence []item
	if status == "" {
		licence = []item{{{orNone(str(p, "license_type")), st.faint}}}
	} else {
		licence = []item{
			{{status, st.status[status]}},
			{{str(p, "license_type"), lipgloss.Style{}}},
			{{joinNonEmpty(" ", str(p, "driver_license_state"), str(p, "driver_license_number")), lipgloss.Style{}}},
		}
		licence = append(licence, labelled("expiry ", str(p, "license_expiration_date"), st.faint))
	}
	r.field("licence", entry{licence})

	if profile != nil {
		tier := str(profile, "risk_tier")
		facts := []item{{{"risk ", lipgloss.Style{}}, {str(profile, "risk_score"), st.strong}, {before(" ", tier), st.tier[tier]}}}
		if v := str(profile, "years_licensed"); v != "" {
			facts = append(facts, item{{count(atoi(v), "year") + " licensed", lipgloss.Style{}}})
		}
		if n := atoi(str(profile, "violation_points")); n > 0 {
			facts = append(facts, item{{count(n, "point"), st.warn}})
		}
		var tags []item
		for _, t := range strs(profile, "scenario_tags") {
			tags = append(tags, item{{t, st.tag}})
		}
		if len(tags) == 0 {
			tags = []item{{{"no scenario tags", st.faint}}}
		}
		r.field("profile", entry{facts}, entry{tags})
	}

	if len(vehicles) == 0 {
		r.field("vehicles", entry{{{{"none as primary driver", st.faint}}}})
	} else {
		r.vehiclesField("vehicles", vehicles, names, str(p, "person_id"))
	}

	if len(incidents) == 0 {
		r.field("history", entry{{{{"no incidents", st.faint}}}})
	} else {
		entries := make([]entry, len(incidents))
		for i, in := range incidents {
			entries[i] = entry{r.incident(in)}
		}
		r.field("history", entries...)
	}
	r.line("")
}

// vehiclesField writes each vehicle under label: what it is and how it is
// used, then its identifiers. The owner is named when it is not driver;
// with no driver (vehicles no person of the household drives) the primary
// driver is named.
func (r *Renderer) vehiclesField(label string, vs []Record, names map[string]string, driver string) {
	st := r.st
	entries := make([]entry, len(vs))
	for i, v := range vs {
		what := []item{
			{{joinNonEmpty(" ", str(v, "model_year"), str(v, "make"), str(v, "model")), st.strong}, {before(" ", str(v, "body_type")), lipgloss.Style{}}},
			{{str(v, "fuel_type"), lipgloss.Style{}}},
		}
		own := str(v, "ownership")
		if o := str(v, "owner_person_id"); o != "" && o != driver {
			if n := names[o]; n != "" {
				o = n
			}
			own = joinNonEmpty(" ", own, "by "+o)
		}
		what = append(what, item{{own, lipgloss.Style{}}})
		use := str(v, "usage")
		if m := str(v, "annual_mileage"); m != "" {
			use = joinNonEmpty(" ", thousands(atoi(m))+" mi/yr", use)
		}
		what = append(what, item{{use, lipgloss.Style{}}})
		ids := []item{
			{{str(v, "vehicle_id"), st.id}},
			labelled("plate ", joinNonEmpty(" ", str(v, "plate_state"), str(v, "license_plate")), st.faint),
			labelled("VIN ", str(v, "vin"), st.faint),
		}
		if driver == "" {
			ids = append(ids, labelled("driver ", str(v, "primary_driver_person_id"), st.faint))
		}
		entries[i] = entry{what, ids}
	}
	r.field(label, entries...)
}

// incident is one line of driving history: date and type (coloured by
// category: violation, accident, claim), points, amount paid, vehicle.
func (r *Renderer) incident(in Record) []item {
	st := r.st
	row := []item{{
		{str(in, "incident_date"), lipgloss.Style{}},
		{before(" ", str(in, "incident_type")), st.category[str(in, "category")]},
	}}
	if n := atoi(str(in, "points")); n > 0 {
		row = append(row, item{{count(n, "pt"), lipgloss.Style{}}})
	}
	if n := atoi(str(in, "paid_amount")); n > 0 {
		row = append(row, item{{"$" + thousands(n), lipgloss.Style{}}})
	}
	if v := str(in, "vehicle_id"); v != "" {
		row = append(row, item{{v, st.id}})
	}
	return row
}

// entry is one thing in a field (a vehicle, an incident): rows that each
// start a new line; its lines after the first hang under it.
type entry [][]item

// hang is how much further an entry's later lines start.
const hang = 2

// field writes a labelled field, each entry from the value column.
func (r *Renderer) field(label string, entries ...entry) {
	width := r.opt.width() - fieldIndent - labelWidth
	lead := strings.Repeat(" ", fieldIndent)
	first := true
	for _, e := range entries {
		// Every line is wrapped to the hung width: a first line might
		// take two cells more, but never one too many for a later line.
		var lines []string
		for _, row := range e {
			lines = append(lines, r.wrap(row, width-hang, r.st.sepSeg())...)
		}
		for j, l := range lines {
			lab := strings.Repeat(" ", labelWidth)
			if first && label != "" {
				lab = r.st.label.Render(label) + strings.Repeat(" ", labelWidth-ansi.StringWidth(label))
			}
			first = false
			if j > 0 {
				lab += strings.Repeat(" ", hang)
			}
			r.line(lead + lab + l)
		}
	}
}

// flow writes items from column indent, separated by " · ", wrapped.
func (r *Renderer) flow(indent int, items []item) {
	r.flowSep(indent, items, r.st.sepSeg())
}

func (r *Renderer) flowSep(indent int, items []item, sep seg) {
	for _, l := range r.wrap(items, r.opt.width()-indent, sep) {
		r.line(strings.Repeat(" ", indent) + l)
	}
}

// wrap packs items into lines of at most width cells, breaking only
// between items; an item wider than a line is cut, marked with "…".
func (r *Renderer) wrap(items []item, width int, sep seg) []string {
	var lines []string
	var cur strings.Builder
	curW, sepW := 0, ansi.StringWidth(sep.text)
	for _, it := range items {
		if it.width() == 0 {
			continue
		}
		it = it.fit(width)
		w := it.width()
		if curW > 0 && curW+sepW+w > width {
			lines = append(lines, cur.String())
			cur.Reset()
			curW = 0
		}
		if curW > 0 {
			cur.WriteString(sep.st.Render(sep.text))
			curW += sepW
		}
		cur.WriteString(it.render())
		curW += w
	}
	if curW > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

func (r *Renderer) line(s string) {
	r.buf.WriteString(s)
	r.buf.WriteByte('\n')
}

// seg is a run of text in one style; an item is what wraps as a whole.
type seg struct {
	text string
	st   lipgloss.Style
}

type item []seg

func (it item) width() int {
	n := 0
	for _, s := range it {
		n += ansi.StringWidth(s.text)
	}
	return n
}

func (it item) render() string {
	var b strings.Builder
	for _, s := range it {
		if s.text != "" {
			b.WriteString(s.st.Render(s.text))
		}
	}
	return b.String()
}

// fit cuts it to n cells, the cut marked with "…" in the style of the
// segment cut.
func (it item) fit(n int) item {
	if it.width() <= n {
		return it
	}
	var out item
	budget := n - 1
	for _, s := range it {
		w := ansi.StringWidth(s.text)
		if w <= budget {
			out = append(out, s)
			budget -= w
			continue
		}
		out = append(out, seg{ansi.Truncate(s.text, budget, "") + "…", s.st})
		break
	}
	return out
}

// styles are the looks of the parts; without colour every one is empty,
// so the text carries no escape sequence.
type styles struct {
	household, strong, name, id, label, faint, tag, warn, rule, sep lipgloss.Style
	status, tier, category                                          map[string]lipgloss.Style
}

func newStyles(colour bool) styles {
	if !colour {
		return styles{}
	}
	s := lipgloss.NewStyle()
	fg := func(c ansi.BasicColor) lipgloss.Style { return s.Foreground(c) }
	// The 16 basic colours, so the user's terminal theme decides the shades.
	return styles{
		household: s.Bold(true).Foreground(lipgloss.Magenta),
		strong:    s.Bold(true),
		name:      s.Bold(true).Foreground(lipgloss.Blue),
		id:        s.Faint(true),
		label:     fg(lipgloss.Cyan),
		faint:     s.Faint(true),
		tag:       fg(lipgloss.Magenta),
		warn:      fg(lipgloss.Yellow),
		rule:      s.Faint(true),
		sep:       s.Faint(true),
		status: map[string]lipgloss.Style{
			"valid": fg(lipgloss.Green), "expired": fg(lipgloss.Yellow),
			"suspended": s.Bold(true).Foreground(lipgloss.Red), "revoked": s.Bold(true).Foreground(lipgloss.Red),
		},
		tier: map[string]lipgloss.Style{
			"low": fg(lipgloss.Green), "medium": fg(lipgloss.Yellow), "high": s.Bold(true).Foreground(lipgloss.Red),
		},
		category: map[string]lipgloss.Style{
			"violation": fg(lipgloss.Yellow), "accident": fg(lipgloss.Red), "claim": fg(lipgloss.Blue),
		},
	}
}

func (s styles) sepSeg() seg { return seg{" · ", s.sep} }

// str is a field as text. Control characters are dropped: records fetched
// from a server must not move the cursor or colour the terminal.
func str(rec Record, key string) string {
	switch v := rec[key].(type) {
	case nil:
		return ""
	case string:
		return clean(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	default:
		return clean(fmt.Sprint(v))
	}
}

// strs is a list field as texts.
func strs(rec Record, key string) []string {
	list, _ := rec[key].([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s := str(Record{"": x}, ""); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			if unicode.IsSpace(r) {
				return ' '
			}
			return -1
		}
		return r
	}, s)
}

// labelled is prefix and value, or nothing without a value.
func labelled(prefix, value string, st lipgloss.Style) item {
	if value == "" {
		return nil
	}
	return item{{prefix + value, st}}
}

// before is sep and s, or nothing without s.
func before(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// count is "1 person", "2 persons".
func count(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.FormatInt(n, 10) + " " + noun + "s"
}

// thousands is 12,400.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
