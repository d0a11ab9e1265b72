package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/stages/checks/validate"
	"github.com/synthpipe/synthpipe/stages/finalizers/manifest"
	"github.com/synthpipe/synthpipe/stages/generators/incident"
	"github.com/synthpipe/synthpipe/stages/generators/person"
	"github.com/synthpipe/synthpipe/stages/generators/profile"
	"github.com/synthpipe/synthpipe/stages/generators/vehicle"
	"github.com/synthpipe/synthpipe/stages/sinks/csvsink"
	"github.com/synthpipe/synthpipe/stages/sinks/jsonsink"
	"github.com/synthpipe/synthpipe/stages/sinks/metasink"
	"github.com/synthpipe/synthpipe/stages/sources/seed"
)

// Plan builds, through the typed registry, the component each config entry
// names: one instance per worker for stages, in config order.
func TestPlanBuildsTypedInstances(t *testing.T) {
	dir := t.TempDir()
	yaml := `dataset: {name: plan, version: v9.9, schema_version: "0.2", reference_date: "2026-01-01"}
seed: 7
records: 10
pipeline:
  source: {type: seed}
  stages: [{type: person}, {type: vehicle}, {type: incident}, {type: profile}, {type: validate}]
  sinks: [{type: csv}, {type: json}, {type: metadata}]
  finalizers: [{type: manifest}]
`
	path := filepath.Join(dir, "plan.yaml")
	require.NoError(t, os.WriteFile(path, []byte(yaml), 0o644))
	cfg, err := config.Load(path, config.Overrides{})
	require.NoError(t, err)
	plan, err := cfg.Plan(&component.Env{Dir: dir, Logger: zerolog.Nop(), Shared: cfg.Run()}, 3)
	require.NoError(t, err)
	defer func() {
		for _, s := range plan.Sinks {
			_, _ = s.Close(t.Context())
		}
	}()

	require.IsType(t, &seed.Source{}, plan.Source)
	require.Equal(t, []string{"person", "vehicle", "incident", "profile", "validate"}, plan.StageNames)
	want := []component.Stage{&person.Stage{}, &vehicle.Stage{}, &incident.Stage{}, &profile.Stage{}, &validate.Stage{}}
	require.Len(t, plan.Stages, len(want))
	for i, workers := range plan.Stages {
		require.Len(t, workers, 3, "one instance per worker")
		for _, w := range workers {
			require.IsType(t, want[i], w, plan.StageNames[i])
		}
		require.NotSame(t, workers[0], workers[1], "workers do not share an instance")
	}
	require.Equal(t, []string{"csv", "json", "metadata"}, plan.SinkNames)
	require.IsType(t, &csvsink.Sink{}, plan.Sinks[0], "csv")
	require.IsType(t, &jsonsink.Sink{}, plan.Sinks[1])
	require.IsType(t, &metasink.Sink{}, plan.Sinks[2])
	require.Len(t, plan.Finalizers, 1)
	require.IsType(t, &manifest.Finalizer{}, plan.Finalizers[0])
}

// A component built without a run context fails with its name, instead of
// dereferencing nil.
func TestBuildWithoutRunContext(t *testing.T) {
	_, err := component.Registry.BuildStage(person.Type, config.Component{}.Conf, &component.Env{})
	require.ErrorContains(t, err, "person: built without a run context")
}
