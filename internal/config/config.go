// Package config loads a run's YAML configuration with viper, strictly:
// every key is declared in Fields (or by a component's spec), every value is
// checked for type and range, and any mistake fails before work starts with
// an error that names the file, the key and what is allowed. Environment
// variables (SYNTHPIPE_<KEY>, dots as underscores) override the file, and
// flags override both.
package config

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/viper"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/pipeline"
)

// EnvPrefix prefixes every environment override.
const EnvPrefix = "SYNTHPIPE"

// EnvAPIToken holds the bearer token of `synthpipe serve`: a SYNTHPIPE_
// variable that is not a config key (a token is no part of a run's data).
const EnvAPIToken = EnvPrefix + "_API_TOKEN"

// Component is one `type:` entry of the pipeline section, checked against
// its spec.
type Component struct {
	Type  string
	Where string // e.g. pipeline.stages[2]
	Spec  pipeline.Spec
	Conf  pipeline.Conf
	Raw   map[string]any
}

// Config is a loaded, checked configuration.
type Config struct {
	File          string
	DatasetName   string
	Version       string
	SchemaVersion string
	ReferenceDate model.Date
	Seed          uint64
	Records       int64
	Workers       int
	BatchSize     int
	OutputDir     string
	// Shard and Shards select part Shard of Shards (1-based); 0 = the whole run.
	Shard, Shards int
	// Warnings are problems that do not stop a run (an unknown SYNTHPIPE_
	// variable); the caller logs them.
	Warnings []string

	Source     Component
	Stages     []Component
	Sinks      []Component
	Finalizers []Component

	from map[string]string // see From
}

// From names where the value of field (a name of Fields) came from, as
// Load's own errors name it: the flag ("--output-dir"), the environment
// variable ("environment SYNTHPIPE_OUTPUT_DIR") or the file and key
// ("config c.yaml: output.dir"). An error found after loading (output.dir
// not writable) starts with it, so it points at what the user wrote.
func (c *Config) From(field string) string {
	if f := c.from[field]; f != "" {
		return f
	}
	return field
}

// Error is a usage or configuration error (exit code 2).
type Error struct{ Err error }

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// ExitCode is the CLI's exit code for a usage or configuration error.
func (e *Error) ExitCode() int { return 2 }

// IsConfigError reports whether err is a configuration error.
func IsConfigError(err error) bool {
	var ce *Error
	return errors.As(err, &ce)
}

// MaxRecords bounds a run: the 10-digit ids hold 9,999,999,999 records;
// a billion persons is past every identifier space the stages check.
const MaxRecords = 1_000_000_000

// Fields declares every scalar key of the file. The config reference in docs
// is generated from this list.
var Fields = []pipeline.Field{
	{Name: "dataset.name", Type: pipeline.TypeString, Description: "Name of the dataset, written into metadata.", Default: "synthpipe-core"},
	{Name: "dataset.version", Type: pipeline.TypeString, Description: "Snapshot version, vMAJOR.MINOR; the snapshot folder and file suffix (v0.1 -> v0_1).", Default: "v0.2"},
	{Name: "dataset.schema_version", Type: pipeline.TypeString, Description: "Version of the data contract the snapshot honours; only the one this generator implements.", Default: model.ContractVersion, Allowed: []string{model.ContractVersion}},
	{Name: "dataset.reference_date", Type: pipeline.TypeString, Description: "Calendar date (YYYY-MM-DD, UTC; quoted or not) that every age, years-licensed and model-year rule is computed against. Supported: " + model.MinReferenceDate.String() + " to " + model.MaxReferenceDate.String() + ": every vehicle (up to 30 model years old, at most next year's) then has a model year from 1981, the first of the 17-character VIN, to 2039, the last of the VIN's model-year code.", Default: "2026-01-01"},
	{Name: "seed", Type: pipeline.TypeInt, Description: "Seed of every random stream; same config + seed + generator version = same bytes.", Default: int64(1), Min: 0, Max: 1<<62 - 1},
	{Name: "records", Type: pipeline.TypeInt, Description: "Number of persons (households are whole; the last is cut to fit). Persons past the 55,984,401 never-issued SSNs have a null ssn (counted in metadata ssn_unassigned); the stages refuse a run past a state's licence or plate space or the VIN serial space, naming it.", Default: int64(200), Min: 1, Max: MaxRecords},
	{Name: "workers", Type: pipeline.TypeInt, Description: "Workers per parallel stage; 0 means one per CPU. Does not change the output.", Default: int64(0), Min: 0, Max: 1024},
	{Name: "batch_size", Type: pipeline.TypeInt, Description: "Persons per batch (rounded up to whole households). Does not change the output.", Default: int64(2048), Min: 1, Max: 1 << 20},
	{Name: "output.dir", Type: pipeline.TypeString, Description: "Folder that holds snapshot folders; the snapshot goes to <dir>/<dataset.version>.", Default: "data/snapshots"},
}

// Overrides are values given on the command line; nil fields are not set.
type Overrides struct {
	Records   *int64
	Seed      *int64
	OutputDir *string
	Workers   *int64
	Shard     *string // "K/N"
}

var versionRE = regexp.MustCompile(`^v[0-9]+\.[0-9]+$`)

// Load reads and checks path, then applies environment and flag overrides.
func Load(path string, ov Overrides) (*Config, error) {
	cfg, err := load(path, ov)
	if err != nil {
		return nil, &Error{Err: err}
	}
	return cfg, nil
}

func load(path string, ov Overrides) (*Config, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	sc, err := scanFile(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	raw := v.AllSettings()
	if err := checkTopKeys(raw); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}

	// Scalars: file, then environment, then flags. blame names where each
	// value came from, so an error points at what the user wrote.
	vals := map[string]any{}
	blame := map[string]string{}
	for _, f := range Fields {
		val := f.Default
		blame[f.Name] = fmt.Sprintf("config %s: %s", path, f.Name)
		if v.InConfig(f.Name) {
			val = sc.value(f.Name, v.Get(f.Name))
		}
		env := envName(f)
		if s, ok := os.LookupEnv(env); ok {
			ev, err := fromEnv(f, s)
			if err != nil {
				return nil, fmt.Errorf("environment %s: %w", env, err)
			}
			val = ev
			blame[f.Name] = "environment " + env
		}
		vals[f.Name] = val
	}
	for _, o := range []struct {
		flag, field string
		val         any
	}{
		{"--records", "records", ov.Records},
		{"--seed", "seed", ov.Seed},
		{"--output-dir", "output.dir", ov.OutputDir},
		{"--workers", "workers", ov.Workers},
	} {
		switch x := o.val.(type) {
		case *int64:
			if x == nil {
				continue
			}
			vals[o.field] = *x
		case *string:
			if x == nil {
				continue
			}
			vals[o.field] = *x
		}
		blame[o.field] = o.flag
	}
	for _, f := range Fields {
		one := pipeline.Spec{Type: "config", Kind: "file", Fields: []pipeline.Field{f}}
		if _, err := one.Check(map[string]any{f.Name: vals[f.Name]}, "x"); err != nil {
			return nil, fmt.Errorf("%s: %s", blame[f.Name], strings.TrimPrefix(err.Error(), "x."+f.Name+": "))
		}
	}
	top := pipeline.Spec{Type: "config", Kind: "file", Fields: Fields}
	conf, err := top.Check(vals, "config")
	if err != nil {
		return nil, fmt.Errorf("config %s: %s", path, strings.TrimPrefix(err.Error(), "config."))
	}

	cfg := &Config{
		File:          path,
		DatasetName:   conf.String("dataset.name"),
		Version:       conf.String("dataset.version"),
		SchemaVersion: conf.String("dataset.schema_version"),
		Seed:          uint64(conf.Int("seed")),
		Records:       conf.Int("records"),
		Workers:       int(conf.Int("workers")),
		BatchSize:     int(conf.Int("batch_size")),
		OutputDir:     conf.String("output.dir"),
		from:          blame,
	}
	if ov.Shard != nil {
		if cfg.Shard, cfg.Shards, err = ParseShard(*ov.Shard); err != nil {
			return nil, err
		}
		if int64(cfg.Shards) > cfg.Records {
			return nil, fmt.Errorf("--shard %s: %d parts of %d records (allowed: at most one part per record)", *ov.Shard, cfg.Shards, cfg.Records)
		}
	}
	if !versionRE.MatchString(cfg.Version) {
		return nil, fmt.Errorf("%s: %q is not allowed (want vMAJOR.MINOR, e.g. v0.1)", blame["dataset.version"], cfg.Version)
	}
	if cfg.ReferenceDate, err = model.ParseDate(conf.String("dataset.reference_date")); err != nil {
		return nil, fmt.Errorf("%s: %w", blame["dataset.reference_date"], err)
	}
	if cfg.ReferenceDate < model.MinReferenceDate || cfg.ReferenceDate > model.MaxReferenceDate {
		return nil, fmt.Errorf("%s: %s is out of range (allowed: %s to %s: vehicles up to 30 model years old need model years with a 17-character VIN, 1981 to 2039)",
			blame["dataset.reference_date"], cfg.ReferenceDate, model.MinReferenceDate, model.MaxReferenceDate)
	}
	if strings.TrimSpace(cfg.OutputDir) == "" {
		return nil, fmt.Errorf("%s: must not be empty", blame["output.dir"])
	}
	cfg.Warnings = unknownEnv()

	pipe, _ := raw["pipeline"].(map[string]any)
	if pipe == nil {
		return nil, fmt.Errorf("config %s: pipeline: missing (want source, stages, sinks, finalizers)", path)
	}
	for k := range pipe {
		switch k {
		case "source", "stages", "sinks", "finalizers":
		default:
			return nil, fmt.Errorf("config %s: pipeline.%s: unknown key (allowed: source, stages, sinks, finalizers)", path, k)
		}
	}
	src, ok := pipe["source"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("config %s: pipeline.source: want a mapping with a type (allowed types: %s)", path, strings.Join(component.Registry.Types(pipeline.KindSource), ", "))
	}
	if cfg.Source, err = checkComponent(pipeline.KindSource, "pipeline.source", src, sc); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	lists := []struct {
		key  string
		kind pipeline.Kind
		dst  *[]Component
		need bool
	}{
		{"stages", pipeline.KindStage, &cfg.Stages, false},
		{"sinks", pipeline.KindSink, &cfg.Sinks, true},
		{"finalizers", pipeline.KindFinalizer, &cfg.Finalizers, false},
	}
	for _, l := range lists {
		items, present := pipe[l.key]
		if !present {
			if l.need {
				return nil, fmt.Errorf("config %s: pipeline.%s: missing (want a list of {type: ...}; types: %s)", path, l.key, strings.Join(component.Registry.Types(l.kind), ", "))
			}
			continue
		}
		list, ok := items.([]any)
		if !ok {
			return nil, fmt.Errorf("config %s: pipeline.%s: want a list of {type: ...}, got %T", path, l.key, items)
		}
		for i, it := range list {
			where := fmt.Sprintf("pipeline.%s[%d]", l.key, i)
			m, ok := it.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("config %s: %s: want a mapping with a type, got %T", path, where, it)
			}
			c, err := checkComponent(l.kind, where, m, sc)
			if err != nil {
				return nil, fmt.Errorf("config %s: %w", path, err)
			}
			*l.dst = append(*l.dst, c)
		}
	}
	if err := checkShape(cfg); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

func checkTopKeys(raw map[string]any) error {
	allowed := map[string][]string{}
	for _, f := range Fields {
		top, sub, nested := strings.Cut(f.Name, ".")
		if nested {
			allowed[top] = append(allowed[top], sub)
		} else {
			allowed[top] = nil
		}
	}
	allowed["pipeline"] = nil
	names := make([]string, 0, len(allowed))
	for k := range allowed {
		names = append(names, k)
	}
	sort.Strings(names)
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		subs, ok := allowed[k]
		if !ok {
			return fmt.Errorf("%s: unknown key (allowed: %s)", k, strings.Join(names, ", "))
		}
		if subs == nil {
			continue
		}
		m, ok := raw[k].(map[string]any)
		if !ok {
			return fmt.Errorf("%s: want a mapping with keys %s, got %T", k, strings.Join(subs, ", "), raw[k])
		}
		subKeys := make([]string, 0, len(m))
		for sk := range m {
			subKeys = append(subKeys, sk)
		}
		sort.Strings(subKeys)
		for _, sk := range subKeys {
			found := false
			for _, s := range subs {
				found = found || s == sk
			}
			if !found {
				return fmt.Errorf("%s.%s: unknown key (allowed: %s)", k, sk, strings.Join(subs, ", "))
			}
		}
	}
	return nil
}

func checkComponent(kind pipeline.Kind, where string, raw map[string]any, sc scan) (Component, error) {
	m := make(map[string]any, len(raw))
	for k, v := range raw {
		m[k] = sc.value(where+"."+k, v)
	}
	typ, ok := m["type"].(string)
	types := strings.Join(component.Registry.Types(kind), ", ")
	if !ok {
		return Component{}, fmt.Errorf("%s.type: missing or not a string (allowed: %s)", where, types)
	}
	spec, ok := component.Registry.Lookup(kind, typ)
	if !ok {
		return Component{}, fmt.Errorf("%s.type: unknown %s type %q (allowed: %s)", where, kind, typ, types)
	}
	conf, err := spec.Check(m, where)
	if err != nil {
		return Component{}, err
	}
	return Component{Type: typ, Where: where, Spec: spec, Conf: conf, Raw: m}, nil
}

func envName(f pipeline.Field) string {
	return EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(f.Name, ".", "_"))
}

// unknownEnv warns of SYNTHPIPE_ variables that set nothing, most likely a
// typo: ignoring them silently made a run differ from what was asked.
func unknownEnv() []string {
	known := map[string]bool{EnvAPIToken: true}
	names := make([]string, 0, len(Fields))
	for _, f := range Fields {
		known[envName(f)] = true
		names = append(names, envName(f))
	}
	sort.Strings(names)
	var unknown []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, EnvPrefix+"_") && !known[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	warnings := make([]string, 0, len(unknown))
	for _, k := range unknown {
		warnings = append(warnings, fmt.Sprintf("environment %s: not a setting, ignored (allowed: %s)", k, strings.Join(names, ", ")))
	}
	return warnings
}

func fromEnv(f pipeline.Field, s string) (any, error) {
	switch f.Type {
	case pipeline.TypeInt:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if errors.Is(err, strconv.ErrRange) {
			return pipeline.Literal(strings.TrimSpace(s)), nil // the range check quotes it
		}
		if err != nil {
			return nil, fmt.Errorf("%q is not a whole number (key %s)", s, f.Name)
		}
		return n, nil
	case pipeline.TypeBool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not true or false (key %s)", s, f.Name)
		}
		return b, nil
	}
	return s, nil
}

// ParseShard reads "K/N": part K (1-based) of N parts.
func ParseShard(s string) (k, n int, err error) {
	ks, ns, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || n > 1_000_000 || k < 1 || k > n {
		return 0, 0, fmt.Errorf("--shard %q: want K/N with 1 <= K <= N <= 1000000, e.g. 3/16", s)
	}
	return k, n, nil
}

// SHA256 hashes the settings that decide the data (not workers, batch size
// or output folder, which never change it), in canonical JSON, so two runs
// with the same hash make the same bytes.
func (c *Config) SHA256() string {
	type comp struct {
		Type string         `json:"type"`
		Raw  map[string]any `json:"settings"`
	}
	list := func(cs []Component) []comp {
		out := make([]comp, len(cs))
		for i, x := range cs {
			out[i] = comp{Type: x.Type, Raw: x.Raw}
		}
		return out
	}
	doc := map[string]any{
		"dataset": map[string]any{
			"name": c.DatasetName, "version": c.Version, "schema_version": c.SchemaVersion,
			"reference_date": c.ReferenceDate.String(),
		},
		"seed": c.Seed, "records": c.Records,
		"pipeline": map[string]any{
			"source": comp{Type: c.Source.Type, Raw: c.Source.Raw}, "stages": list(c.Stages),
			"sinks": list(c.Sinks), "finalizers": list(c.Finalizers),
		},
	}
	b, _ := json.Marshal(doc) // maps marshal with sorted keys: canonical
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Run returns the shared run context of this config, with what its
// stages' configs decide for the whole run.
func (c *Config) Run() *model.Run {
	run := &model.Run{
		DatasetName: c.DatasetName, SnapshotVersion: c.Version, SchemaVersion: c.SchemaVersion,
		ReferenceDate: c.ReferenceDate, Seed: c.Seed, Records: c.Records, BatchSize: c.BatchSize,
		ConfigSHA256: c.SHA256(),
		Shard:        c.Shard, Shards: c.Shards,
		Entities: c.Entities(),
	}
	for _, s := range c.Stages {
		component.ApplyRunSettings(s.Type, s.Conf, run)
	}
	return run
}

// Entities names the declared entities the stages make, in declaration
// order: what the sinks write.
func (c *Config) Entities() []string {
	var provided []string
	for _, s := range c.Stages {
		provided = append(provided, s.Spec.Provides...)
	}
	return entity.Names(entity.Of(provided))
}
