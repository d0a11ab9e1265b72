package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// preview shows the records `run` writes, household by household, within
// 80 columns.
func TestPreviewShowsTheRunsRecords(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := run("run", "-c", "../../configs/v0.2.yaml", "--records", "12", "--output-dir", dir, "--log-level", "warn", "-q")
	require.Equal(t, 0, code, errOut)
	f, err := os.Open(filepath.Join(dir, "v0.2", "persons_v0_2.csv"))
	require.NoError(t, err)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)

	code, out, errOut := run("preview", "-c", "../../configs/v0.2.yaml", "--records", "12", "--log-level", "warn")
	require.Equal(t, 0, code, errOut)
	for _, r := range rows[1:] { // person_id, household_id, first_name, last_name …
		require.Contains(t, out, r[0]+"  "+r[2]+" "+r[3], "person %s as run wrote it", r[0])
		require.Contains(t, out, r[1]+"  ", "household %s", r[1])
	}
	for _, line := range strings.Split(out, "\n") {
		require.LessOrEqual(t, len([]rune(line)), 80, "fits 80 columns: %q", line)
	}

	code, out, _ = run("preview", "-c", "../../configs/v0.2.yaml", "--records", "3", "--format", "json", "--log-level", "warn")
	require.Equal(t, 0, code)
	var hh []household
	require.NoError(t, json.Unmarshal([]byte(out), &hh))
	require.NotEmpty(t, hh)
	require.Equal(t, "HH-0000000001", hh[0].ID)
	require.Equal(t, "PER-0000000001", hh[0].Persons[0]["person_id"])
	require.Len(t, hh[0].Profiles, len(hh[0].Persons), "a profile per person")

	for _, bad := range [][]string{{"--records", "0"}, {"--records", "1001"}, {"--format", "xml"}, {"--api-url", "ftp://x"}} {
		code, _, errOut = run(append([]string{"preview", "-c", "../../configs/v0.2.yaml"}, bad...)...)
		require.Equal(t, ExitUsage, code, "%v: %s", bad, errOut)
	}
}
