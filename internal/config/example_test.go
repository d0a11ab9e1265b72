package config_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/pipeline"
)

// A whole pipeline wired from YAML: seed → person → vehicle → profile →
// validate → CSV and metadata, with the manifest after the sinks close.
func Example() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	yaml := `dataset: {name: example, version: v9.9, schema_version: "0.2", reference_date: "2026-01-01"}
seed: 42
records: 25
pipeline:
  source: {type: seed}
  stages: [{type: person}, {type: vehicle}, {type: incident}, {type: profile}, {type: validate}]
  sinks: [{type: csv}, {type: metadata}]
  finalizers: [{type: manifest}]
`
	path := filepath.Join(dir, "example.yaml")
	_ = os.WriteFile(path, []byte(yaml), 0o644)
	cfg, err := config.Load(path, config.Overrides{})
	if err != nil {
		fmt.Println(err)
		return
	}
	plan, err := cfg.Plan(&component.Env{Dir: dir, Logger: zerolog.Nop(), Shared: cfg.Run()}, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	files, err := pipeline.Run(context.Background(), plan)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range files {
		fmt.Println(f.Name, f.Entity, f.Records)
	}
	// Output:
	// persons_v9_9.csv persons 25
	// vehicles_v9_9.csv vehicles 23
	// profiles_v9_9.csv profiles 25
	// incidents_v9_9.csv incidents 26
	// metadata_v9_9.json metadata 1
	// snapshot_manifest_v9_9.json manifest 5
}
