package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/synthpipe/synthpipe/internal/client"
	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/service"
)

// maxPreview bounds what preview asks for: it is a look, not an export.
const maxPreview = 1000

func newPreviewCmd(root *rootOptions) *cobra.Command {
	var flags configFlags
	var apiURL, token, format string
	var records int64
	cmd := &cobra.Command{
		Use:   "preview [-c FILE] [--records 5] [--api-url URL]",
		Short: "Show a few generated households: each person with their vehicles and profile",
		Long: "Generates the first --records persons of the configured run (the same records `synthpipe run` writes) and prints\n" +
			"them household by household. With --api-url the records come from a running `synthpipe serve` instead\n" +
			"(token from --token or SYNTHPIPE_API_TOKEN).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return &usageError{fmt.Errorf("--format %q: allowed: text, json", format)}
			}
			if records < 1 || records > maxPreview {
				return &usageError{fmt.Errorf("--records: %d is out of range (allowed: 1 to %d)", records, maxPreview)}
			}
			var seed *int64
			if cmd.Flags().Changed("seed") {
				seed = &flags.seed
			}
			var body io.ReadCloser
			if apiURL != "" {
				if token == "" {
					token = os.Getenv("SYNTHPIPE_API_TOKEN")
				}
				c, err := client.New(apiURL, token)
				if err != nil {
					return &usageError{fmt.Errorf("--api-url: %w", err)}
				}
				body, err = c.Generate(cmd.Context(), client.GenerateQuery{Entity: service.Dataset, Records: records, Seed: seed, Format: service.FormatNDJSON})
				if err != nil {
					return err
				}
			} else {
				// --records and --seed ask for what to show (the request), not
				// for another configured run: the config loads as it is.
				log, err := root.logger(cmd.ErrOrStderr())
				if err != nil {
					return err
				}
				cfg, err := config.Load(flags.file, config.Overrides{})
				if err != nil {
					return err
				}
				svc, err := service.New(cfg, service.Options{SnapshotsDir: cfg.OutputDir, Logger: log})
				if err != nil {
					return err
				}
				var buf bytes.Buffer
				if err := svc.Generate(cmd.Context(), service.GenerateRequest{Entity: service.Dataset, Records: records, Seed: seed, Format: service.FormatNDJSON}, &buf); err != nil {
					return err
				}
				body = io.NopCloser(&buf)
			}
			defer body.Close()
			households, err := readHouseholds(body)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(households)
			}
			for _, h := range households {
				writeHousehold(out, h)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&flags.file, "config", "c", "configs/v0.2.yaml", "YAML config file (without --api-url)")
	fs.Int64Var(&records, "records", 5, "persons to show (whole households; at most 1000)")
	fs.Int64Var(&flags.seed, "seed", 0, "seed (default: the config's, or the server's)")
	fs.StringVar(&apiURL, "api-url", "", "fetch the records from a running `synthpipe serve`, e.g. http://127.0.0.1:8080")
	fs.StringVar(&token, "token", "", "bearer token for --api-url (default: SYNTHPIPE_API_TOKEN)")
	fs.StringVar(&format, "format", "text", "text or json")
	return cmd
}

// household is one household as preview shows it.
type household struct {
	ID       string           `json:"household_id"`
	Persons  []map[string]any `json:"persons"`
	Vehicles []map[string]any `json:"vehicles"`
	Profiles []map[string]any `json:"profiles"`
}

// readHouseholds groups the lines of a dataset NDJSON stream
// ({"entity": …, "record": {…}}) by household, in order.
func readHouseholds(r io.Reader) ([]*household, error) {
	var out []*household
	byID := map[string]*household{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var line struct {
			Entity string         `json:"entity"`
			Record map[string]any `json:"record"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			return nil, fmt.Errorf("preview: not a dataset record: %w", err)
		}
		id, _ := line.Record["household_id"].(string)
		h := byID[id]
		if h == nil {
			h = &household{ID: id}
			byID[id] = h
			out = append(out, h)
		}
		switch line.Entity {
		case "persons":
			h.Persons = append(h.Persons, line.Record)
		case "vehicles":
			h.Vehicles = append(h.Vehicles, line.Record)
		case "profiles":
			h.Profiles = append(h.Profiles, line.Record)
		}
	}
	return out, sc.Err()
}

// writeHousehold prints one household in at most 80 columns.
func writeHousehold(w io.Writer, h *household) {
	s := func(m map[string]any, k string) string {
		switch v := m[k].(type) {
		case nil:
			return ""
		case string:
			return v
		case float64:
			return fmt.Sprintf("%.0f", v)
		case []any:
			parts := make([]string, len(v))
			for i, x := range v {
				parts[i] = fmt.Sprint(x)
			}
			return strings.Join(parts, ", ")
		default:
			return fmt.Sprint(v)
		}
	}
	addr := ""
	if len(h.Persons) > 0 {
		p := h.Persons[0]
		addr = fmt.Sprintf("%s, %s, %s %s", s(p, "address_line1"), s(p, "city"), s(p, "state"), s(p, "zip"))
	}
	fmt.Fprintf(w, "%s  %s\n", h.ID, clip(addr, 80-len(h.ID)-2))
	profiles := map[string]map[string]any{}
	for _, pr := range h.Profiles {
		profiles[s(pr, "person_id")] = pr
	}
	for _, p := range h.Persons {
		fmt.Fprintf(w, "  %s  %s\n", s(p, "person_id"), clip(fmt.Sprintf("%s %s (%s, born %s, %s, %s)", s(p, "first_name"), s(p, "last_name"), s(p, "gender"), s(p, "date_of_birth"), s(p, "relationship"), s(p, "marital_status")), 62))
		fmt.Fprintf(w, "      %s\n", clip(fmt.Sprintf("licence %s %s, %s since %s", s(p, "driver_license_state"), s(p, "driver_license_number"), s(p, "license_status"), s(p, "license_issue_date")), 74))
		if pr := profiles[s(p, "person_id")]; pr != nil {
			tags := s(pr, "scenario_tags")
			if tags == "" {
				tags = "no tags"
			}
			fmt.Fprintf(w, "      %s\n", clip(fmt.Sprintf("risk %s (%s), %s years licensed: %s", s(pr, "risk_score"), s(pr, "risk_tier"), s(pr, "years_licensed"), tags), 74))
		}
	}
	for _, v := range h.Vehicles {
		fmt.Fprintf(w, "  %s  %s\n", s(v, "vehicle_id"), clip(fmt.Sprintf("%s %s %s %s, %s, %s, %s mi/yr", s(v, "model_year"), s(v, "make"), s(v, "model"), s(v, "body_type"), s(v, "fuel_type"), s(v, "ownership"), s(v, "annual_mileage")), 62))
		fmt.Fprintf(w, "      %s\n", clip(fmt.Sprintf("VIN %s, plate %s %s, driver %s", s(v, "vin"), s(v, "plate_state"), s(v, "license_plate"), s(v, "primary_driver_person_id")), 74))
	}
	fmt.Fprintln(w)
}

// clip cuts s to n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n || n < 2 {
		return s
	}
	return string(r[:n-1]) + "…"
}
