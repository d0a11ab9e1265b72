package config

import (
	"fmt"

	"github.com/synthpipe/synthpipe/internal/component"
)

// Plan builds the pipeline of c: one source, workers instances of every
// stage, and the sinks and finalizers, in config order.
func (c *Config) Plan(env *component.Env, workers int) (component.Plan, error) {
	var p component.Plan
	// envFor gives each component its own logger, tagged with its type.
	envFor := func(comp Component) *component.Env {
		e := *env
		e.Logger = env.Logger.With().Str("component", comp.Type).Logger()
		return &e
	}
	wrap := func(comp Component, err error) error {
		return fmt.Errorf("%s (%s): %w", comp.Where, comp.Type, err)
	}
	var err error
	if p.Source, err = component.Registry.BuildSource(c.Source.Type, c.Source.Conf, envFor(c.Source)); err != nil {
		return p, wrap(c.Source, err)
	}
	for _, comp := range c.Stages {
		var ws []component.Stage
		for range max(1, workers) {
			st, err := component.Registry.BuildStage(comp.Type, comp.Conf, envFor(comp))
			if err != nil {
				return p, wrap(comp, err)
			}
			ws = append(ws, st)
		}
		p.Stages = append(p.Stages, ws)
		p.StageNames = append(p.StageNames, comp.Type)
	}
	for _, comp := range c.Sinks {
		s, err := component.Registry.BuildSink(comp.Type, comp.Conf, envFor(comp))
		if err != nil {
			abortSinks(p.Sinks)
			return p, wrap(comp, err)
		}
		p.Sinks = append(p.Sinks, s)
		p.SinkNames = append(p.SinkNames, comp.Type)
	}
	for _, comp := range c.Finalizers {
		f, err := component.Registry.BuildFinalizer(comp.Type, comp.Conf, envFor(comp))
		if err != nil {
			abortSinks(p.Sinks)
			return p, wrap(comp, err)
		}
		p.Finalizers = append(p.Finalizers, f)
	}
	return p, nil
}

// abortSinks releases the files of sinks built for a plan that cannot run.
func abortSinks(sinks []component.Sink) {
	for _, s := range sinks {
		s.Abort()
	}
}
