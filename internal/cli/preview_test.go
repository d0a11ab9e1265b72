package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/preview"
)

const previewConfig = "../../configs/v0.2.yaml"

// readRows reads a CSV file of a snapshot as one map a row.
func readRows(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	out := make([]map[string]string, 0, len(rows)-1)
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, k := range rows[0] {
			m[k] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// block is the part of text from the line holding from to the next line
// holding any of ends (or the end).
func block(t *testing.T, text, from string, ends ...string) string {
	t.Helper()
	i := strings.Index(text, from)
	require.GreaterOrEqual(t, i, 0, "%s is shown", from)
	rest := text[i+len(from):]
	j := len(rest)
	for _, e := range ends {
		if k := strings.Index(rest, e); k >= 0 && k < j {
			j = k
		}
	}
	return rest[:j]
}

// preview shows the records `run` writes — the governed snapshot is the
// run of the config — of every household that starts in the first
// --records persons: each person with their vehicles, profile and
// incidents, within 80 columns and without colour off a terminal.
func TestPreviewShowsTheRunsRecords(t *testing.T) {
	snap := "../../data/snapshots/v0.2"
	const first = 12
	var persons []map[string]string
	households := map[string]bool{}
	for _, p := range readRows(t, filepath.Join(snap, "persons_v0_2.csv")) {
		if len(persons) >= first && !households[p["household_id"]] {
			break
		}
		persons = append(persons, p)
		households[p["household_id"]] = true
	}
	vehicles := readRows(t, filepath.Join(snap, "vehicles_v0_2.csv"))
	profiles := readRows(t, filepath.Join(snap, "profiles_v0_2.csv"))
	var incidents []map[string]string
	for _, in := range readRows(t, filepath.Join(snap, "incidents_v0_2.csv")) {
		if households[in["household_id"]] {
			incidents = append(incidents, in)
		}
	}
	require.NotEmpty(t, incidents, "12 persons of the governed config have a history to show")

	code, out, errOut := run("preview", "-c", previewConfig, "--records", strconv.Itoa(first), "--preview", strconv.Itoa(first), "--log-level", "warn")
	require.Equal(t, 0, code, errOut)
	require.NotContains(t, out, "\x1b", "no escape sequence off a terminal")
	for _, line := range strings.Split(out, "\n") {
		require.LessOrEqual(t, ansi.StringWidth(line), 80, "fits 80 columns: %q", line)
	}
	require.Equal(t, len(households), strings.Count(out, "\nHH-")+1, "one header a household")

	ids := regexp.MustCompile(`PER-\d{10}\n`)
	for _, p := range persons {
		h := p["household_id"]
		require.Contains(t, out, h+"  "+p["address_line1"], "household %s with its address", h)
		// The person's block runs to the next person or household.
		b := block(t, out, p["person_id"]+"\n", "\nHH-")
		if loc := ids.FindStringIndex(b); loc != nil {
			b = b[:loc[0]]
		}
		require.Contains(t, out, p["first_name"]+" ", "%s's name", p["person_id"])
		status := p["license_status"]
		if status == "" {
			status = p["license_type"] // unlicensed
		}
		require.Contains(t, b, "licence   "+status, "%s's licence", p["person_id"])
		for _, pr := range profiles {
			if pr["person_id"] == p["person_id"] {
				require.Contains(t, b, "risk "+pr["risk_score"]+" "+pr["risk_tier"], "%s's profile", p["person_id"])
				for _, tag := range strings.Split(pr["scenario_tags"], "|") {
					require.Contains(t, b, tag, "%s's scenario tags", p["person_id"])
				}
			}
		}
		for _, v := range vehicles {
			if v["primary_driver_person_id"] == p["person_id"] {
				require.Contains(t, b, v["model_year"]+" "+v["make"]+" "+v["model"], "%s drives %s", p["person_id"], v["vehicle_id"])
				require.Contains(t, b, v["vehicle_id"]+" · plate "+v["plate_state"]+" "+v["license_plate"]+" · VIN "+v["vin"])
			}
		}
		for _, in := range incidents {
			if in["person_id"] == p["person_id"] {
				require.Contains(t, b, in["incident_date"]+" "+in["incident_type"], "%s's history: %s", p["person_id"], in["incident_id"])
			}
		}
	}

	code, out, errOut = run("preview", "-c", previewConfig, "--records", strconv.Itoa(first), "--preview", strconv.Itoa(first), "--format", "json", "--log-level", "warn")
	require.Equal(t, 0, code, errOut)
	var hh []preview.Household
	require.NoError(t, json.Unmarshal([]byte(out), &hh))
	require.Len(t, hh, len(households), "every household that starts in the first persons")
	require.Equal(t, "HH-0000000001", hh[0].ID)
	require.Equal(t, "PER-0000000001", hh[0].Persons[0]["person_id"])
	n := 0
	for _, h := range hh {
		require.Len(t, h.Profiles, len(h.Persons), "a profile per person")
		n += len(h.Incidents)
	}
	require.Len(t, incidents, n, "the incidents too")
}

// --preview is how many households to show of those --records persons
// make; alone it raises --records so that many always exist.
func TestPreviewHowManyHouseholds(t *testing.T) {
	count := func(args ...string) ([]preview.Household, string) {
		t.Helper()
		code, out, errOut := run(append([]string{"preview", "-c", previewConfig, "--log-level", "warn", "--format", "json"}, args...)...)
		require.Equal(t, 0, code, errOut)
		var hh []preview.Household
		require.NoError(t, json.Unmarshal([]byte(out), &hh))
		_, text, _ := run(append([]string{"preview", "-c", previewConfig, "--log-level", "warn"}, args...)...)
		require.Equal(t, len(hh), strings.Count(text, "\nHH-")+min(1, strings.Count(text, "HH-")), "text shows what json does")
		return hh, text
	}
	hh, text := count()
	require.Len(t, hh, 2, "default: 2 households (of the first 5 persons, which make 2)")
	require.NotContains(t, text, "households from", "all there are: no remark")

	hh, _ = count("--preview", "7")
	require.Len(t, hh, 7, "--preview alone: 35 persons, at least 7 households")

	hh, text = count("--records", "2", "--preview", "2")
	require.Len(t, hh, 1, "persons 1 and 2 are one household")
	require.Contains(t, text, "Only 1 household in the first 2 persons: raise --records to 10 to see 2.")

	hh, _ = count("--records", "1")
	require.Len(t, hh, 1, "--records alone: the default --preview asks for no more households than persons")

	hh, text = count("--records", "12", "--preview", "1")
	require.Len(t, hh, 1)
	require.NotContains(t, text, "HH-0000000002")
	require.Contains(t, text, "1 of 4 households from the first 12 persons; --preview 4 shows all.")

	// The most --preview alone asks for stays within --records' 1000.
	hh, text = count("--preview", "200")
	require.Len(t, hh, 200, "--preview 200 alone: 1000 persons, at least 200 households")
	require.Contains(t, text, "; --preview shows at most 200.", "more households than --preview may show: no impossible --preview")
}

// --randomize picks a seed and says it; --seed with it shows the same.
func TestPreviewRandomizeCanBeReproduced(t *testing.T) {
	code, out, errOut := run("preview", "-c", previewConfig, "--randomize", "--log-level", "warn")
	require.Equal(t, 0, code, errOut)
	m := regexp.MustCompile(`\Aseed (\d+) — reproduce with --seed (\d+)\n\n`).FindStringSubmatch(out)
	require.NotNil(t, m, "the seed comes first: %q", out[:min(len(out), 200)])
	require.Equal(t, m[1], m[2])

	code, again, errOut := run("preview", "-c", previewConfig, "--seed", m[1], "--log-level", "warn")
	require.Equal(t, 0, code, errOut)
	require.Equal(t, strings.TrimPrefix(out, m[0]), again, "--seed %s shows it again", m[1])

	code, other, _ := run("preview", "-c", previewConfig, "--randomize", "--log-level", "warn")
	require.Equal(t, 0, code)
	require.NotEqual(t, out, other, "a fresh seed each time")

	// With --format json the seed goes to stderr: stdout stays JSON.
	code, js, errOut := run("preview", "-c", previewConfig, "--randomize", "--format", "json", "--log-level", "warn")
	require.Equal(t, 0, code, errOut)
	m = regexp.MustCompile(`seed (\d+) — reproduce with --seed \d+\n`).FindStringSubmatch(errOut)
	require.NotNil(t, m, errOut)
	var hh []preview.Household
	require.NoError(t, json.Unmarshal([]byte(js), &hh))
	_, same, _ := run("preview", "-c", previewConfig, "--seed", m[1], "--format", "json", "--log-level", "warn")
	require.JSONEq(t, js, same)
}

func TestPreviewBadFlagsAreUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"--records", "0"}, "--records: 0 is out of range (allowed: 1 to 1000)"},
		{[]string{"--records", "1001"}, "--records: 1001 is out of range"},
		{[]string{"--records", "many"}, "--records"},
		{[]string{"--preview", "0"}, "--preview: 0 is out of range (allowed: 1 to 200 households, which up to 1000 persons make: the most --records allows)"},
		{[]string{"--preview", "201"}, "--preview: 201 is out of range (allowed: 1 to 200 households"},
		{[]string{"--records", "1000", "--preview", "1000"}, "--preview: 1000 is out of range (allowed: 1 to 200 households"},
		{[]string{"--records", "5", "--preview", "6"}, "--preview 6 with --records 5: 5 persons make at most 5 households"},
		{[]string{"--seed", "-1"}, "--seed: -1 is out of range (allowed: 0 to 4611686018427387903)"},
		{[]string{"--seed", "7", "--randomize"}, "--randomize and --seed: give one"},
		{[]string{"--format", "xml"}, `--format "xml": allowed: text, json`},
		{[]string{"--api-url", "ftp://x"}, "--api-url"},
		{[]string{"households"}, "unknown command"},
	} {
		code, out, errOut := run(append([]string{"preview", "-c", previewConfig}, c.args...)...)
		require.Equal(t, ExitUsage, code, "%v: %s", c.args, errOut)
		require.Contains(t, errOut, c.says, "%v", c.args)
		require.Empty(t, out, "%v", c.args)
	}
}

// A run configured smaller than --records cuts its last household: preview
// says so, and warns of an unknown SYNTHPIPE_* variable as run does.
func TestPreviewWarnsOfASmallerConfiguredRun(t *testing.T) {
	t.Setenv("SYNTHPIPE_RECORDS", "3")
	t.Setenv("SYNTHPIPE_BOGUS", "1")
	code, out, errOut := run("preview", "-c", previewConfig, "--records", "5")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "HH-0000000001")
	require.Contains(t, errOut, "the configured run has 3 persons")
	require.Contains(t, errOut, "SYNTHPIPE_BOGUS")

	// More households than the run has: no --records would show them.
	code, out, errOut = run("preview", "-c", previewConfig, "--records", "5", "--preview", "3")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "Only 2 households in the configured run's 3 persons.")
	require.NotContains(t, out, "raise --records")
}
