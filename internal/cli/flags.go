package cli

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/snapshot"
)

// configFlags are the flags run and merge share: the config, the overrides
// that decide which run it is, and --force.
type configFlags struct {
	file                   string
	records, seed, workers int64
	outDir, shard          string
	force                  bool
}

// register declares the flags; run also takes --workers and --shard.
func (f *configFlags) register(cmd *cobra.Command, defaultConfig string, runFlags bool) {
	fs := cmd.Flags()
	fs.StringVarP(&f.file, "config", "c", defaultConfig, "YAML config file")
	fs.Var(&intFlag{&f.records, "records"}, "records", "number of persons (overrides records)")
	fs.Var(&intFlag{&f.seed, "seed"}, "seed", "seed (overrides seed)")
	fs.StringVar(&f.outDir, "output-dir", "", "folder that holds snapshot folders: the snapshot goes to `DIR`/<dataset.version> (overrides output.dir)")
	fs.BoolVar(&f.force, "force", false, "replace an existing snapshot with different content")
	if runFlags {
		fs.Var(&intFlag{&f.workers, "workers"}, "workers", "workers per parallel stage, 0 = one per CPU (overrides workers)")
		fs.StringVar(&f.shard, "shard", "", "make only part K of N (1-based, e.g. 3/16) into <output.dir>/<version>.parts/part-000K-of-000N; join the parts with merge")
	}
}

// intFlag is an int64 flag that overrides config field: a number too large
// for int64 is reported with the field's allowed range, not as "must be an
// integer".
type intFlag struct {
	p     *int64
	field string
}

func (f *intFlag) String() string { return strconv.FormatInt(*f.p, 10) }
func (f *intFlag) Type() string   { return "int64" }

func (f *intFlag) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, 64)
	if errors.Is(err, strconv.ErrRange) {
		for _, fd := range config.Fields {
			if fd.Name == f.field {
				return fmt.Errorf("%s is out of range (allowed: %d to %d)", s, fd.Min, fd.Max)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("%q is not a whole number", s)
	}
	*f.p = n
	return nil
}

// prepare makes the logger and loads the config: the start of run and merge.
func (f *configFlags) prepare(cmd *cobra.Command, root *rootOptions) (zerolog.Logger, *config.Config, error) {
	log := root.logger(cmd.ErrOrStderr())
	cfg, err := f.load(cmd)
	if err != nil {
		return log, nil, err
	}
	for _, w := range cfg.Warnings {
		log.Warn().Msg(w)
	}
	return log, cfg, nil
}

// load reads the config with the flags that were given.
func (f *configFlags) load(cmd *cobra.Command) (*config.Config, error) {
	if f.file == "" {
		return nil, &usageError{fmt.Errorf("-c/--config is required: the YAML config (e.g. configs/v0.2.yaml)")}
	}
	var ov config.Overrides
	changed := cmd.Flags().Changed
	if changed("records") {
		ov.Records = &f.records
	}
	if changed("seed") {
		ov.Seed = &f.seed
	}
	if changed("output-dir") {
		ov.OutputDir = &f.outDir
	}
	if changed("workers") {
		ov.Workers = &f.workers
	}
	if changed("shard") {
		ov.Shard = &f.shard
	}
	return config.Load(f.file, ov)
}

// printFiles lists a snapshot's files with their records and sizes, so a QA
// engineer can copy the paths.
func printFiles(w io.Writer, res snapshot.Result, note string) error {
	fmt.Fprintf(w, "snapshot %s: %s%s\n", res.Dir, res.Outcome, note)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, f := range res.Files {
		fmt.Fprintf(tw, "%s\t%d records\t%d bytes\t\n", filepath.Join(res.Dir, f.Name), f.Records, f.Bytes)
	}
	return tw.Flush()
}
