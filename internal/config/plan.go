package config

import (
	"context"
	"fmt"

	"github.com/synthpipe/synthpipe/pipeline"
)

// Plan builds the pipeline of c: one source, workers instances of every
// stage, and the sinks and finalizers, in config order.
func (c *Config) Plan(env *pipeline.Env, workers int) (pipeline.Plan, error) {
	var p pipeline.Plan
	build := func(comp Component) (any, error) {
		e := *env
		e.Logger = env.Logger.With().Str("component", comp.Type).Logger()
		v, err := comp.Spec.Build(comp.Conf, &e)
		if err != nil {
			return nil, fmt.Errorf("%s (%s): %w", comp.Where, comp.Type, err)
		}
		return v, nil
	}
	v, err := build(c.Source)
	if err != nil {
		return p, err
	}
	if p.Source, _ = v.(pipeline.Source); p.Source == nil {
		return p, fmt.Errorf("%s: %s is not a source", c.Source.Where, c.Source.Type)
	}
	for _, comp := range c.Stages {
		var ws []pipeline.Stage
		for range max(1, workers) {
			v, err := build(comp)
			if err != nil {
				return p, err
			}
			st, ok := v.(pipeline.Stage)
			if !ok {
				return p, fmt.Errorf("%s: %s is not a stage", comp.Where, comp.Type)
			}
			ws = append(ws, st)
		}
		p.Stages = append(p.Stages, ws)
		p.StageNames = append(p.StageNames, comp.Type)
	}
	for _, comp := range c.Sinks {
		v, err := build(comp)
		if err != nil {
			closeSinks(p.Sinks)
			return p, err
		}
		s, ok := v.(pipeline.Sink)
		if !ok {
			closeSinks(p.Sinks)
			return p, fmt.Errorf("%s: %s is not a sink", comp.Where, comp.Type)
		}
		p.Sinks = append(p.Sinks, s)
		p.SinkNames = append(p.SinkNames, comp.Type)
	}
	for _, comp := range c.Finalizers {
		v, err := build(comp)
		if err != nil {
			closeSinks(p.Sinks)
			return p, err
		}
		f, ok := v.(pipeline.Finalizer)
		if !ok {
			closeSinks(p.Sinks)
			return p, fmt.Errorf("%s: %s is not a finalizer", comp.Where, comp.Type)
		}
		p.Finalizers = append(p.Finalizers, f)
	}
	return p, nil
}

func closeSinks(sinks []pipeline.Sink) {
	for _, s := range sinks {
		_, _ = s.Close(context.Background())
	}
}
