package contract

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every rule the code reports is in Rules, and every rule in Rules is used.
func TestRulesListMatchesCode(t *testing.T) {
	listed := map[string]bool{}
	for _, r := range Rules {
		require.False(t, listed[r.Name], "listed twice: %s", r.Name)
		listed[r.Name] = true
	}
	used := map[string]bool{}
	for _, f := range []string{"contract.go", "../ident/vin.go"} {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range regexp.MustCompile(`bad\("[a-z_0-9]+", (?:[^,]+, )?"([a-z_0-9]+)", "([a-z_0-9]+)"`).FindAllStringSubmatch(string(src), -1) {
			used[m[2]] = true
		}
		for _, m := range regexp.MustCompile(`bad\((?:"[a-z_0-9]+"|col), "([a-z_0-9]+)"`).FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
		}
		for _, m := range regexp.MustCompile(`return "(vin_[a-z_]+)"`).FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
		}
	}
	used["id_unique_contiguous"] = true // reported by the callers that know the order
	for r := range used {
		require.True(t, listed[r], "rule %q is reported but not in Rules", r)
	}
	for r := range listed {
		require.True(t, used[r], "rule %q is listed but never reported", r)
	}
}
