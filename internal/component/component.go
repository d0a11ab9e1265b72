// Package component is synthpipe's component registry: the engine's
// registry with synthpipe's batch (*model.Batch) and run context
// (*model.Run). Every component registers here from its init, and the config
// loader, the config reference and the snapshot writer read and build from
// here.
package component

import (
	"fmt"
	"sync"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/pipeline"
)

// The engine's types with synthpipe's payload and run context.
type (
	Batch     = pipeline.Batch[*model.Batch]
	Source    = pipeline.Source[*model.Batch]
	Stage     = pipeline.Stage[*model.Batch]
	Sink      = pipeline.Sink[*model.Batch]
	Finalizer = pipeline.Finalizer
	Plan      = pipeline.Plan[*model.Batch]
	Env       = pipeline.Env[*model.Run]
)

// Registry holds every registered component.
var Registry pipeline.Registry[*model.Batch, *model.Run]

// RegisterSource adds a source type to Registry.
func RegisterSource(spec pipeline.Spec, build func(pipeline.Conf, *Env) (Source, error)) {
	Registry.RegisterSource(spec, func(c pipeline.Conf, env *Env) (Source, error) {
		if err := hasRun(spec, env); err != nil {
			return nil, err
		}
		return build(c, env)
	})
}

// RegisterStage adds a stage type to Registry.
func RegisterStage(spec pipeline.Spec, build func(pipeline.Conf, *Env) (Stage, error)) {
	Registry.RegisterStage(spec, func(c pipeline.Conf, env *Env) (Stage, error) {
		if err := hasRun(spec, env); err != nil {
			return nil, err
		}
		return build(c, env)
	})
}

// runSettings copy, by stage type, what a stage's config decides for the
// whole run onto it; registered from init, read once the config loads.
var (
	runSettingsMu sync.RWMutex
	runSettings   = map[string]func(pipeline.Conf, *model.Run){}
)

// RegisterRunSetting records that the config of a stage type decides a
// setting of the whole run (one the metadata records, for validate to
// check against, or one another stage reads): set copies it from the
// stage's config onto the run.
func RegisterRunSetting(stageType string, set func(pipeline.Conf, *model.Run)) {
	runSettingsMu.Lock()
	defer runSettingsMu.Unlock()
	runSettings[stageType] = set
}

// ApplyRunSettings copies onto run what the config c of a stage of
// stageType decides for the whole run, if anything.
func ApplyRunSettings(stageType string, c pipeline.Conf, run *model.Run) {
	runSettingsMu.RLock()
	set := runSettings[stageType]
	runSettingsMu.RUnlock()
	if set != nil {
		set(c, run)
	}
}

// RegisterSink adds a sink type to Registry.
func RegisterSink(spec pipeline.Spec, build func(pipeline.Conf, *Env) (Sink, error)) {
	Registry.RegisterSink(spec, func(c pipeline.Conf, env *Env) (Sink, error) {
		if err := hasRun(spec, env); err != nil {
			return nil, err
		}
		return build(c, env)
	})
}

// RegisterFinalizer adds a finalizer type to Registry.
func RegisterFinalizer(spec pipeline.Spec, build func(pipeline.Conf, *Env) (Finalizer, error)) {
	Registry.RegisterFinalizer(spec, func(c pipeline.Conf, env *Env) (Finalizer, error) {
		if err := hasRun(spec, env); err != nil {
			return nil, err
		}
		return build(c, env)
	})
}

// hasRun refuses to build a component without a run context, which every
// build func reads.
func hasRun(spec pipeline.Spec, env *Env) error {
	if env == nil || env.Shared == nil {
		return fmt.Errorf("%s: built without a run context", spec.Type)
	}
	return nil
}
