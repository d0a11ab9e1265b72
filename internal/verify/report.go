package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/synthpipe/synthpipe/internal/domain/contract"
	"github.com/synthpipe/synthpipe/internal/formats/readback"
	"github.com/synthpipe/synthpipe/internal/formats/safeio"
)

// examplesPerRule is how many violations of each rule a report names.
const examplesPerRule = 5

// RuleResult counts the violations of one rule, with the first few.
type RuleResult struct {
	Rule     contract.RuleName    `json:"rule"`
	Count    int64                `json:"count"`
	Examples []contract.Violation `json:"examples"`
}

// FileResult is one file as validate found it.
type FileResult struct {
	Name   string `json:"name"`
	Entity string `json:"entity"`
	Format string `json:"format"`
	// Records is the manifest's count; RecordsRead the records read back,
	// absent when the file's records were not read (metadata, a snapshot
	// proven by integrity only, a format whose files could not be opened).
	Records     int64  `json:"records"`
	RecordsRead *int64 `json:"records_read,omitempty"`
	Bytes       int64  `json:"bytes"`
	// OK: no violation names the file. Intact: it is the file the manifest
	// lists — a regular file of its size and SHA-256. When such a file
	// breaks only record rules and rules across files while another file is
	// not intact, its violations follow from that file (Note says which).
	OK     bool   `json:"ok"`
	Intact bool   `json:"intact"`
	Note   string `json:"note,omitempty"`
}

// Report is the outcome of validating a snapshot folder.
type Report struct {
	Dir             string `json:"dir"`
	SnapshotVersion string `json:"snapshot_version"`
	// Scope says what was checked when it was not everything: a snapshot of
	// an earlier contract is proven by its files' integrity only.
	Scope          string       `json:"scope,omitempty"`
	RulesChecked   int          `json:"rules_checked"`
	RecordsChecked int64        `json:"records_checked"`
	Violations     int64        `json:"violations"`
	Files          []FileResult `json:"files"`
	ByRule         []RuleResult `json:"by_rule"`

	dir     string     // the folder read, whatever Dir says
	mu      sync.Mutex // formats are checked in parallel
	records int64
	rules   map[contract.RuleName]*RuleResult
	bad     map[string]bool // files with a violation
	own     map[string]bool // files that break a file rule of their own (ownFileRule)
	intact  map[string]bool // files of the manifest's size and SHA-256
}

func newReport(dir string) *Report {
	return &Report{Dir: dir, dir: dir, rules: map[contract.RuleName]*RuleResult{}, bad: map[string]bool{}, own: map[string]bool{}, intact: map[string]bool{}}
}

// problem is what a violation says of err: its first line, the folder's
// files named within it.
func (r *Report) problem(err error) string { return firstLine(inFolder(r.dir, err).Error()) }

func (r *Report) add(v contract.Violation) {
	// What a report quotes comes from the input: bounded, never whole, and
	// names quoted when they hold control characters (a terminal's escapes).
	v.File, v.RecordID, v.Entity, v.Column = safeio.QuoteName(v.File), safeio.QuoteName(v.RecordID), safeio.QuoteName(v.Entity), safeio.QuoteName(v.Column)
	v.Value = readback.Truncate(v.Value)
	r.mu.Lock()
	defer r.mu.Unlock()
	rr, ok := r.rules[v.Rule]
	if !ok {
		rr = &RuleResult{Rule: v.Rule}
		r.rules[v.Rule] = rr
	}
	rr.Count++
	if len(rr.Examples) < examplesPerRule {
		rr.Examples = append(rr.Examples, v)
	}
	r.Violations++
	if v.File != "" {
		r.bad[v.File] = true
		r.own[v.File] = r.own[v.File] || ownFileRule(v.Rule)
	}
}

// addCount counts n more violations of rule without naming them.
func (r *Report) addCount(rule contract.RuleName, n int64) {
	if n <= 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	rr, ok := r.rules[rule]
	if !ok {
		rr = &RuleResult{Rule: rule}
		r.rules[rule] = rr
	}
	rr.Count += n
	r.Violations += n
}

func (r *Report) addRecords(n int64) {
	r.mu.Lock()
	r.records += n
	r.mu.Unlock()
}

// causeRules are the file rules that say a file is not the one listed
// or cannot be read: the cause of the other rules it and the files checked
// with it break (a count short, a header, formats that disagree, records
// that point at records never read), so a report names them first.
var causeRules = []contract.RuleName{contract.RuleFilePresent, contract.RuleFileRegular, contract.RuleBytesMatchManifest, contract.RuleSHA256MatchManifest, contract.RuleFileReadable}

// fileRuleRank places the cause rules first, then the other file rules in
// the order of FileRules, before every record rule.
var fileRuleRank = func() map[contract.RuleName]int {
	m := make(map[contract.RuleName]int, len(FileRules))
	for i, r := range causeRules {
		m[r] = i
	}
	for _, r := range FileRules {
		if _, ok := m[r.Name]; !ok {
			m[r.Name] = len(m)
		}
	}
	return m
}()

func rank(rule contract.RuleName) int {
	if i, ok := fileRuleRank[rule]; ok {
		return i
	}
	return len(FileRules)
}

// acrossFiles are the file rules that compare a file with others: an
// intact file breaks them when another file is damaged.
var acrossFiles = map[contract.RuleName]bool{contract.RuleFormatsAgree: true, contract.RuleMetadataConsistent: true}

// ownFileRule reports whether a file that breaks rule is at fault itself:
// rule is a file rule about that file alone. A record rule may follow from
// another file (records it points at never read).
func ownFileRule(rule contract.RuleName) bool {
	_, file := fileRuleRank[rule]
	return file && !acrossFiles[rule]
}

// finish orders the results for output: file rules first, then record
// rules by count. It marks each file ok, intact, or neither.
func (r *Report) finish() {
	r.RecordsChecked = r.records
	r.ByRule = r.ByRule[:0]
	for _, rr := range r.rules {
		r.ByRule = append(r.ByRule, *rr)
	}
	sort.Slice(r.ByRule, func(i, j int) bool {
		a, b := r.ByRule[i], r.ByRule[j]
		if rank(a.Rule) != rank(b.Rule) {
			return rank(a.Rule) < rank(b.Rule)
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Rule < b.Rule
	})
	var damaged []string
	for _, f := range r.Files {
		if !r.intact[f.Name] {
			damaged = append(damaged, f.Name)
		}
	}
	for i := range r.Files {
		f := &r.Files[i]
		f.OK, f.Intact = !r.bad[f.Name], r.intact[f.Name]
		if !f.OK && f.Intact && !r.own[f.Name] && len(damaged) > 0 {
			f.Note = "its violations follow from " + notAsListed(damaged)
		}
	}
}

// notAsListed names the files that are not as the manifest lists them,
// the first few of them.
func notAsListed(names []string) string {
	const shown = 3
	if len(names) == 1 {
		return names[0] + ", which is not as the manifest lists it"
	}
	list := strings.Join(names[:min(len(names), shown)], ", ")
	if len(names) > shown {
		list += fmt.Sprintf(" and %d more", len(names)-shown)
	}
	return list + ", which are not as the manifest lists them"
}

// Clean reports whether no rule was broken.
func (r *Report) Clean() bool { return r.Violations == 0 }

// WriteText writes the human summary.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	status := "OK"
	if !r.Clean() {
		status = "FAILED"
	}
	fmt.Fprintf(&b, "snapshot %s (%s): %s\n", r.Dir, r.SnapshotVersion, status)
	fmt.Fprintf(&b, "%d rules checked on %d records in %d files; %d violations\n", r.RulesChecked, r.RecordsChecked, len(r.Files), r.Violations)
	if r.Scope != "" {
		fmt.Fprintf(&b, "%s\n", r.Scope)
	}
	for _, f := range r.Files {
		// BAD is a file that is damaged or breaks rules itself; intact
		// one whose violations follow from a damaged file.
		mark, note := "ok", ""
		switch {
		case f.Note != "":
			mark, note = "intact", "  ("+f.Note+")"
		case !f.OK:
			mark = "BAD"
		}
		records := fmt.Sprint(f.Records)
		if f.RecordsRead != nil && *f.RecordsRead != f.Records {
			records = fmt.Sprintf("%d of %d", *f.RecordsRead, f.Records)
		}
		fmt.Fprintf(&b, "  %-6s %-32s %-8s %-7s %10s records%s\n", mark, f.Name, f.Entity, f.Format, records, note)
	}
	for _, rr := range r.ByRule {
		fmt.Fprintf(&b, "rule %s: %d violation(s)\n", rr.Rule, rr.Count)
		for _, v := range rr.Examples {
			where := v.File
			if v.Row > 0 {
				where += fmt.Sprintf(" row %d", v.Row)
			}
			fmt.Fprintf(&b, "  %s  %s %s  column %s  value %q\n", where, v.Entity, v.RecordID, v.Column, v.Value)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report for machines.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
