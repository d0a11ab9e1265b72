package contract_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/contract"
	"github.com/synthpipe/synthpipe/internal/verify"
)

// reporters are the sources that report rules: the Checker, the VIN check
// it calls, the validate stage (plan rules) and synthpipe validate (file
// rules).
var reporters = []string{"contract.go", "person.go", "vehicle.go", "profile.go", "../ident/vin.go", "../ident/vin2.go", "../../../stages/checks/validate/*.go", "../../verify/*.go"}

// ruleConsts returns the RuleName constants of names.go: name -> rule.
func ruleConsts(t *testing.T) map[string]contract.RuleName {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "names.go", nil, 0)
	require.NoError(t, err)
	out := map[string]contract.RuleName{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				v, err := strconv.Unquote(vs.Values[i].(*ast.BasicLit).Value)
				require.NoError(t, err)
				out[n.Name] = contract.RuleName(v)
			}
		}
	}
	return out
}

// Every rule the code reports is listed (contract.Rules, verify.FileRules),
// so docs/rules.md names it; every listed rule is reported; and rules are
// reported through the RuleName constants, never as string literals.
func TestRulesListMatchesCode(t *testing.T) {
	listed := map[contract.RuleName]bool{}
	for _, r := range append(append([]contract.Rule(nil), contract.Rules...), verify.FileRules...) {
		require.False(t, listed[r.Name], "listed twice: %s", r.Name)
		listed[r.Name] = true
	}
	consts := ruleConsts(t)
	constRef := regexp.MustCompile(`\bRule[A-Z0-9][A-Za-z0-9]*\b`)
	literal := regexp.MustCompile(`(?:Rule:|rule :?=|v\.Rule, v\.Value =|addCount\(|\bbad\((?:"[^"]*"|col), |c\.bad\("[a-z]+", [^,]+, "[^"]*", )\s*"([a-z_0-9]+)"`)
	vinRule := regexp.MustCompile(`return "(vin_[a-z_0-9]+)"`)
	used := map[contract.RuleName]bool{}
	for _, pattern := range reporters {
		files, err := filepath.Glob(pattern)
		require.NoError(t, err)
		require.NotEmpty(t, files, pattern)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			src := string(raw)
			// The file rules' list is not a report of them.
			if i := strings.Index(src, "var FileRules = "); i >= 0 {
				j := strings.Index(src[i:], "\n}\n")
				src = src[:i] + src[i+j:]
			}
			for _, name := range constRef.FindAllString(src, -1) {
				if r, ok := consts[name]; ok {
					used[r] = true
				}
			}
			for _, m := range literal.FindAllStringSubmatch(src, -1) {
				t.Errorf("%s reports rule %q as a string: use its RuleName constant", f, m[1])
			}
			for _, m := range vinRule.FindAllStringSubmatch(src, -1) {
				used[contract.RuleName(m[1])] = true
			}
		}
	}
	for r := range used {
		require.True(t, listed[r], "rule %q is reported but not listed in contract.Rules or verify.FileRules", r)
	}
	for r := range listed {
		require.True(t, used[r], "rule %q is listed but never reported", r)
	}
	for name, r := range consts {
		require.True(t, listed[r], "constant %s (%q) names no listed rule", name, r)
	}
}
