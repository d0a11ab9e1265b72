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
	Name    string `json:"name"`
	Entity  string `json:"entity"`
	Format  string `json:"format"`
	Records int64  `json:"records"`
	Bytes   int64  `json:"bytes"`
	OK      bool   `json:"ok"`
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

	mu      sync.Mutex // formats are checked in parallel
	records int64
	rules   map[contract.RuleName]*RuleResult
	bad     map[string]bool // files with a violation
}

func newReport(dir string) *Report {
	return &Report{Dir: dir, rules: map[contract.RuleName]*RuleResult{}, bad: map[string]bool{}}
}

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

// finish orders the results for output.
func (r *Report) finish() {
	r.RecordsChecked = r.records
	r.ByRule = r.ByRule[:0]
	for _, rr := range r.rules {
		r.ByRule = append(r.ByRule, *rr)
	}
	sort.Slice(r.ByRule, func(i, j int) bool {
		if r.ByRule[i].Count != r.ByRule[j].Count {
			return r.ByRule[i].Count > r.ByRule[j].Count
		}
		return r.ByRule[i].Rule < r.ByRule[j].Rule
	})
	for i := range r.Files {
		r.Files[i].OK = !r.bad[r.Files[i].Name]
	}
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
		mark := "ok "
		if !f.OK {
			mark = "BAD"
		}
		fmt.Fprintf(&b, "  %s %-32s %-8s %-7s %10d records\n", mark, f.Name, f.Entity, f.Format, f.Records)
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
