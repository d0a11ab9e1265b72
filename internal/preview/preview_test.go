package preview

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/require"
)

const stream = `{"entity":"persons","record":{"person_id":"PER-1","household_id":"HH-1","first_name":"Ada","last_name":"Byrd","gender":"F","license_status":"valid","license_type":"full"}}
{"entity":"persons","record":{"person_id":"PER-2","household_id":"HH-2","first_name":"Bo","last_name":"Cole","license_status":null,"license_type":"unlicensed"}}

{"entity":"vehicles","record":{"vehicle_id":"VEH-1","household_id":"HH-1","primary_driver_person_id":"PER-1","owner_person_id":"PER-1","make":"Kia","model":"Rio","model_year":2015,"annual_mileage":12400}}
{"entity":"profiles","record":{"profile_id":"PRO-1","person_id":"PER-1","household_id":"HH-1","risk_score":407,"risk_tier":"medium","scenario_tags":["high_mileage"],"age":45}}
{"entity":"incidents","record":{"incident_id":"INC-1-01","person_id":"PER-1","household_id":"HH-1","incident_date":"2021-03-19","incident_type":"comprehensive_weather","category":"claim","points":0,"paid_amount":2261,"vehicle_id":"VEH-1"}}
{"entity":"notes","record":{"note":"an entity preview does not show"}}
`

func TestReadGroupsByHousehold(t *testing.T) {
	hh, err := Read(strings.NewReader(stream))
	require.NoError(t, err)
	require.Len(t, hh, 2)
	require.Equal(t, "HH-1", hh[0].ID)
	require.Len(t, hh[0].Persons, 1)
	require.Len(t, hh[0].Vehicles, 1)
	require.Len(t, hh[0].Profiles, 1)
	require.Len(t, hh[0].Incidents, 1)
	require.Equal(t, "HH-2", hh[1].ID)
	require.NotNil(t, hh[1].Vehicles, "an empty list, so the JSON says [] rather than null")
	require.Empty(t, hh[1].Vehicles)

	// Written back, records keep the stream's key order (column order, not
	// a map's sorted keys) and empty lists stay [].
	out, err := json.Marshal(hh)
	require.NoError(t, err)
	require.Contains(t, string(out), `{"incident_id":"INC-1-01","person_id":"PER-1","household_id":"HH-1","incident_date"`)
	require.Contains(t, string(out), `"household_id":"HH-2","persons":[`)
	require.Contains(t, string(out), `"vehicles":[],`)

	_, err = Read(strings.NewReader("{\"entity\":\"persons\",\"record\":{\"household_id\":\"HH-1\"}}\nnot json\n"))
	require.ErrorContains(t, err, "line 2 is not a dataset record")
	_, err = Read(strings.NewReader(`{"entity":"vehicles","record":{"vehicle_id":"VEH-1"}}`))
	require.ErrorContains(t, err, "a vehicles record without household_id")
}

func TestRenderShowsEachPersonsVehiclesProfileAndHistory(t *testing.T) {
	hh, err := Read(strings.NewReader(stream))
	require.NoError(t, err)
	var out bytes.Buffer
	r := New(&out, Options{})
	for _, h := range hh {
		r.Household(h)
	}
	require.NoError(t, r.Flush())
	text := out.String()
	require.NotContains(t, text, "\x1b", "plain text by default")
	ada := text[strings.Index(text, "Ada Byrd"):strings.Index(text, "HH-2")]
	for _, want := range []string{"PER-1", "age 45", "valid", "risk 407 medium", "high_mileage", "2015 Kia Rio", "12,400 mi/yr", "VEH-1", "2021-03-19 comprehensive_weather", "$2,261"} {
		require.Contains(t, ada, want)
	}
	bo := text[strings.Index(text, "Bo Cole"):]
	require.Contains(t, bo, "unlicensed")
	require.Contains(t, bo, "none as primary driver")
	require.Contains(t, bo, "no incidents")
	require.Contains(t, text, "1 person · 1 vehicle · 1 incident")
}

// hostile is a household whose values are longer than any line and carry
// escape sequences, as a server could send.
func hostile() *Household {
	long := strings.Repeat("Longname", 15)
	return &Household{
		ID: "HH-0000000001",
		Persons: []Record{{
			"person_id": "PER-0000000001", "household_id": "HH-0000000001",
			"first_name": "Wide名前", "last_name": "\x1b]0;pwned\x07Byrd\x1b[2J",
			"address_line1": strings.Repeat("9999 Boulevard ", 10), "city": "Town\r\nInjected", "state": "NE", "zip": "68105",
			"license_status": "suspended", "license_type": "full", "driver_license_state": "NE", "driver_license_number": strings.Repeat("W1", 50),
		}},
		Vehicles: []Record{
			{"vehicle_id": "VEH-0000000001", "primary_driver_person_id": "PER-0000000001", "owner_person_id": "PER-0000000009",
				"make": long, "model": long, "model_year": 2015.0, "vin": strings.Repeat("V", 90), "annual_mileage": 40000.0},
			{"vehicle_id": "VEH-0000000002", "primary_driver_person_id": "PER-0000000077", "make": "Kia", "model": "Rio"},
		},
		Profiles: []Record{{
			"person_id": "PER-0000000001", "risk_score": 999.0, "risk_tier": "high", "violation_points": 14.0, "years_licensed": 1.0,
			"scenario_tags": []any{long + long, "dui", "young_driver", "new_driver", "multi_vehicle_household", "high_mileage", "suspended_license"},
		}},
		Incidents: []Record{{
			"person_id": "PER-0000000001", "incident_date": "2025-01-01", "incident_type": long, "category": "violation", "points": 8.0, "paid_amount": 1234567.0,
		}},
	}
}

func TestRenderKeepsToTheWidth(t *testing.T) {
	for _, width := range []int{MaxWidth, 60, MinWidth} {
		for _, p := range []colorprofile.Profile{colorprofile.NoTTY, colorprofile.ANSI256} {
			var out bytes.Buffer
			r := New(&out, Options{Width: width, Profile: p})
			r.Seed(4611686018427387903)
			r.Household(hostile())
			r.Note(strings.Repeat("a long remark ", 20))
			require.NoError(t, r.Flush())
			text := out.String()
			require.NotContains(t, text, "\x1b]", "no sequence from the data reaches the terminal")
			require.NotContains(t, text, "\x1b[2J")
			if width == MaxWidth {
				require.Contains(t, ansi.Strip(text), "Wide名前 ]0;pwnedByrd[2J", "only its control characters are dropped")
			}
			require.NotContains(t, text, "\r")
			for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
				require.LessOrEqual(t, ansi.StringWidth(line), width, "width %d, profile %v: %q", width, p, line)
			}
			require.Contains(t, text, "…", "cut values are marked")
			require.Contains(t, text, "PER-0000000077", "a vehicle no person of the household drives names its driver")
			if p == colorprofile.NoTTY {
				require.NotContains(t, text, "\x1b")
			} else {
				require.Contains(t, text, "\x1b[", "colour when asked for")
			}
		}
	}
}

func TestRenderColourIsDownsampled(t *testing.T) {
	hh, err := Read(strings.NewReader(stream))
	require.NoError(t, err)
	var plain, ascii, colour bytes.Buffer
	for _, c := range []struct {
		buf *bytes.Buffer
		p   colorprofile.Profile
	}{{&plain, colorprofile.NoTTY}, {&ascii, colorprofile.ASCII}, {&colour, colorprofile.ANSI}} {
		r := New(c.buf, Options{Profile: c.p})
		r.Household(hh[0])
		require.NoError(t, r.Flush())
	}
	require.Equal(t, plain.String(), ascii.String(), "a terminal without colour gets no bold either")
	require.Equal(t, plain.String(), ansi.Strip(colour.String()), "colour changes the looks only")
	require.Contains(t, colour.String(), "\x1b[33m", "medium tier in yellow, a basic colour")
	require.NotContains(t, colour.String(), "38;2;", "no true colour on a 16-colour terminal")
}

func TestForIsPlainOffATerminal(t *testing.T) {
	env := []string{"TERM=xterm-256color", "COLORTERM=truecolor"}
	require.Equal(t, Options{Width: MaxWidth, Profile: colorprofile.NoTTY}, For(&bytes.Buffer{}, env))
	f, err := os.Create(filepath.Join(t.TempDir(), "out.txt"))
	require.NoError(t, err)
	defer f.Close()
	require.Equal(t, Options{Width: MaxWidth, Profile: colorprofile.NoTTY}, For(f, env), "a file is not a terminal")
}

func TestNumbers(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -12400: "-12,400"} {
		require.Equal(t, want, thousands(n))
	}
	require.Equal(t, "1 point", count(1, "point"))
	require.Equal(t, "0 incidents", count(0, "incident"))
}
