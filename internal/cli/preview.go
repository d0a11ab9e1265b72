package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/synthpipe/synthpipe/internal/client"
	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/preview"
	"github.com/synthpipe/synthpipe/internal/service"
)

// maxPreview bounds the persons preview makes: it is a look, not an
// export. maxPreviewHouseholds is the most households it shows: --preview
// alone makes MaxHouseholdSize persons for each, so that many households
// always exist, and that stays within maxPreview.
const (
	maxPreview           = 1000
	maxPreviewHouseholds = maxPreview / model.MaxHouseholdSize
)

// Defaults of preview: 5 persons make at least one household and, with
// the governed config, two.
const (
	defaultPreviewRecords    = 5
	defaultPreviewHouseholds = 2
)

func newPreviewCmd(root *rootOptions) *cobra.Command {
	var flags configFlags
	var apiURL, token, format string
	var records, households int64
	var randomize bool
	cmd := &cobra.Command{
		Use:   "preview [-c FILE] [--records 5] [--preview 2] [--seed S | --randomize] [--api-url URL] [--format text|json]",
		Short: "Show a few generated households: each person with their vehicles, profile and driving history",
		Long: "Generates the first --records persons of the configured run (the same records `synthpipe run` writes;\n" +
			"a household that starts among them is kept whole) and shows the first --preview households of them:\n" +
			"a header with the household's id and address, then each person with age, sex and licence status,\n" +
			"their profile (risk score, tier, scenario tags), the vehicles they are primary driver of and their\n" +
			"incidents (driving history). --preview without --records sets --records to 5 × --preview (a\n" +
			"household has at most 5 persons), so that many households exist.\n\n" +
			"Text is laid out for 80 columns (fewer on a narrower terminal) and coloured only on a terminal, and\n" +
			"not with NO_COLOR set to anything or TERM=dumb. --format json prints the same households as a JSON\n" +
			"array with all their fields.\n\n" +
			"--seed S shows the run of seed S; --randomize picks a fresh seed and prints it first (on stderr with\n" +
			"--format json) so the same output can be had again with --seed. With --api-url the records come\n" +
			"from a running `synthpipe serve` instead (token from --token or SYNTHPIPE_API_TOKEN).",
		Example: "  synthpipe preview\n" +
			"  synthpipe preview --preview 4 --randomize\n" +
			"  synthpipe preview --records 50 --preview 10 --format json\n" +
			"  synthpipe preview --api-url http://127.0.0.1:8080 --records 3",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return &usageError{fmt.Errorf("--format %q: allowed: text, json", format)}
			}
			if records < 1 || records > maxPreview {
				return &usageError{fmt.Errorf("--records: %d is out of range (allowed: 1 to %d)", records, maxPreview)}
			}
			if households < 1 || households > maxPreviewHouseholds {
				return &usageError{fmt.Errorf("--preview: %d is out of range (allowed: 1 to %d households, which up to %d persons make: the most --records allows)", households, maxPreviewHouseholds, maxPreview)}
			}
			switch fs := cmd.Flags(); {
			case fs.Changed("records") && !fs.Changed("preview"):
				households = min(households, records) // the default asks for no more households than persons
			case fs.Changed("records") && households > records:
				return &usageError{fmt.Errorf("--preview %d with --records %d: %d persons make at most %d households (allowed: --preview 1 to %d, or raise --records)", households, records, records, records, records)}
			case fs.Changed("preview") && !fs.Changed("records"):
				records = households * model.MaxHouseholdSize
			}
			lo, hi := seedRange()
			var seed *int64
			switch {
			case randomize && cmd.Flags().Changed("seed"):
				return &usageError{fmt.Errorf("--randomize and --seed: give one (--randomize picks a seed, --seed repeats one)")}
			case randomize:
				s := randomSeed(lo, hi)
				seed = &s
			case cmd.Flags().Changed("seed"):
				if flags.seed < lo || flags.seed > hi {
					return &usageError{fmt.Errorf("--seed: %d is out of range (allowed: %d to %d)", flags.seed, lo, hi)}
				}
				seed = &flags.seed
			}
			body, err := previewRecords(cmd, root, flags.file, apiURL, token, records, seed)
			if err != nil {
				return err
			}
			defer body.Close()
			all, err := preview.Read(body)
			if err != nil {
				return err
			}
			shown := all[:min(int64(len(all)), households)]
			out := cmd.OutOrStdout()
			if format == "json" {
				if randomize {
					fmt.Fprintf(cmd.ErrOrStderr(), "seed %d — reproduce with --seed %d\n", *seed, *seed)
				}
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(shown)
			}
			r := preview.New(out, preview.For(out, os.Environ()))
			if randomize {
				r.Seed(*seed)
			}
			for _, h := range shown {
				r.Household(h)
			}
			switch {
			case len(shown) < len(all) && len(all) > maxPreviewHouseholds:
				r.Note(fmt.Sprintf("%d of %d households from the first %d persons; --preview shows at most %d.", len(shown), len(all), records, maxPreviewHouseholds))
			case len(shown) < len(all):
				r.Note(fmt.Sprintf("%d of %d households from the first %d persons; --preview %d shows all.", len(shown), len(all), records, len(all)))
			case int64(len(all)) < households && persons(all) < records:
				// The configured run ended first: more --records make no more.
				r.Note(fmt.Sprintf("Only %s in the configured run's %s.", plural(len(all), "household"), plural(int(persons(all)), "person")))
			case int64(len(all)) < households:
				// As many persons as households have at most make them all:
				// within maxPreview, as --preview is at most maxPreviewHouseholds.
				r.Note(fmt.Sprintf("Only %s in the first %d persons: raise --records to %d to see %d.", plural(len(all), "household"), records, households*model.MaxHouseholdSize, households))
			}
			return r.Flush()
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&flags.file, "config", "c", "configs/v0.2.yaml", "YAML config file (without --api-url)")
	fs.Int64Var(&records, "records", defaultPreviewRecords, fmt.Sprintf("persons to generate, 1 to %d (households that start among them are whole); 5 × --preview when only --preview is given", maxPreview))
	fs.Int64Var(&households, "preview", defaultPreviewHouseholds, fmt.Sprintf("households to show of those, 1 to %d and at most --records", maxPreviewHouseholds))
	fs.Int64Var(&flags.seed, "seed", 0, "seed, 0 to 2^62-1 (default: the config's, or the server's)")
	fs.BoolVar(&randomize, "randomize", false, "pick a fresh seed and print it, to reproduce with --seed")
	fs.StringVar(&apiURL, "api-url", "", "fetch the records from a running synthpipe serve at `URL`, e.g. http://127.0.0.1:8080")
	fs.StringVar(&token, "token", "", "bearer token for --api-url (default: SYNTHPIPE_API_TOKEN)")
	fs.StringVar(&format, "format", "text", "text or json")
	return cmd
}

// previewRecords returns the dataset NDJSON of the first records persons:
// from the server at apiURL, else generated here.
func previewRecords(cmd *cobra.Command, root *rootOptions, file, apiURL, token string, records int64, seed *int64) (io.ReadCloser, error) {
	if apiURL != "" {
		if token == "" {
			token = os.Getenv("SYNTHPIPE_API_TOKEN")
		}
		c, err := client.New(apiURL, token)
		if err != nil {
			return nil, &usageError{fmt.Errorf("--api-url: %w", err)}
		}
		return c.Generate(cmd.Context(), client.GenerateQuery{Entity: service.Dataset, Records: records, Seed: seed, Format: service.FormatNDJSON})
	}
	// --records and --seed ask for what to show (the request), not for
	// another configured run: the config loads as it is.
	log := root.logger(cmd.ErrOrStderr())
	if !cmd.Flags().Changed("log-level") {
		// A preview is read on the terminal: the service's start-up notes
		// (its record index) are not for the reader unless asked for.
		log = log.Level(zerolog.WarnLevel)
	}
	cfg, err := config.Load(file, config.Overrides{})
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings {
		log.Warn().Msg(w)
	}
	if cfg.Records < records {
		log.Warn().Msgf("the configured run has %d persons (records, or SYNTHPIPE_RECORDS), fewer than --records %d: its last household is cut to fit it, as run writes it", cfg.Records, records)
	}
	svc, err := service.New(cfg, service.Options{SnapshotsDir: cfg.OutputDir, Logger: log})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := svc.Generate(cmd.Context(), service.GenerateRequest{Entity: service.Dataset, Records: records, Seed: seed, Format: service.FormatNDJSON}, &buf); err != nil {
		return nil, err
	}
	return io.NopCloser(&buf), nil
}

// seedRange is what a config's seed may be.
func seedRange() (lo, hi int64) {
	for _, f := range config.Fields {
		if f.Name == "seed" {
			return f.Min, f.Max
		}
	}
	panic("cli: config has no field seed")
}

// randomSeed draws a seed in [lo, hi]. It picks what to look at, not data,
// so it need not be reproducible: it is printed instead.
func randomSeed(lo, hi int64) int64 {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (it aborts the program instead)
	return lo + int64(binary.LittleEndian.Uint64(b[:])%uint64(hi-lo+1))
}

// persons counts the persons of hh.
func persons(hh []*preview.Household) int64 {
	var n int64
	for _, h := range hh {
		n += int64(len(h.Persons))
	}
	return n
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
