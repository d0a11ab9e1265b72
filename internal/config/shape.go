package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/pipeline"
)

// checkShape refuses a pipeline that cannot make a whole snapshot, before any
// work: a component whose needs no earlier stage meets, an entity made twice,
// a sink or finalizer given twice (both would write the same files), or a
// snapshot part (records, metadata, manifest) that nothing writes. Without
// this such configs made snapshots that validate or every rerun refused.
func checkShape(c *Config) error {
	made := map[string]string{} // entity -> the stage that makes it
	for i, st := range c.Stages {
		for _, p := range st.Spec.Provides {
			if len(entity.Of([]string{p})) == 0 {
				return fmt.Errorf("%s (%s) makes %q, which is not a declared entity (declared: %s)",
					st.Where, st.Type, p, strings.Join(entity.Names(entity.All()), ", "))
			}
		}
		if slices.Contains(st.Spec.Needs, model.EveryEntity) {
			var later []string
			for _, l := range c.Stages[i+1:] {
				later = append(later, l.Spec.Provides...)
			}
			if len(later) > 0 {
				return fmt.Errorf("%s (%s) checks every entity, but %s are made only later, by %s: put %s after it",
					st.Where, st.Type, strings.Join(later, ", "), laterMakers(c.Stages[i+1:], later), st.Where)
			}
		}
		if missing := unmet(st.Spec.Needs, made); len(missing) > 0 {
			if later := laterMakers(c.Stages[i+1:], missing); later != "" {
				return fmt.Errorf("%s (%s) needs %s, made only later by %s: put %s after it",
					st.Where, st.Type, strings.Join(missing, ", "), later, st.Where)
			}
			return fmt.Errorf("%s (%s) needs %s, but no stage before it makes %s: put it after %s",
				st.Where, st.Type, strings.Join(st.Spec.Needs, ", "), strings.Join(missing, ", "), makers(missing))
		}
		for _, p := range st.Spec.Provides {
			if by, dup := made[p]; dup {
				return fmt.Errorf("%s (%s) makes %s again, already made by %s: each entity is made once", st.Where, st.Type, p, by)
			}
			made[p] = fmt.Sprintf("%s (%s)", st.Where, st.Type)
		}
	}
	if len(c.Sinks) > 0 && len(entity.Of(keys(made))) == 0 {
		return fmt.Errorf("pipeline.stages: no stage makes an entity for the sinks to write (declared: %s): add %s to pipeline.stages",
			strings.Join(entity.Names(entity.All()), ", "), makers(entity.Names(entity.All())[:1]))
	}
	parts := map[string]bool{}
	seen := map[string]string{}
	for _, comp := range append(append([]Component(nil), c.Sinks...), c.Finalizers...) {
		if missing := unmet(comp.Spec.Needs, made); len(missing) > 0 {
			return fmt.Errorf("%s (%s) writes %s, but no stage makes %s: add %s to pipeline.stages",
				comp.Where, comp.Type, strings.Join(comp.Spec.Needs, ", "), strings.Join(missing, ", "), makers(missing))
		}
		if len(comp.Spec.Provides) == 0 {
			continue
		}
		if by, dup := seen[comp.Type]; dup {
			return fmt.Errorf("%s (%s) writes the same files as %s: give each %s once", comp.Where, comp.Type, by, comp.Spec.Kind)
		}
		seen[comp.Type] = comp.Where
		for _, p := range comp.Spec.Provides {
			parts[p] = true
		}
	}
	var missing []string
	for _, part := range model.SnapshotParts {
		if !parts[part.Name] {
			missing = append(missing, fmt.Sprintf("its %s (%s): add %s", part.Name, part.Why, writers(part.Name)))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("pipeline: a snapshot needs %s", strings.Join(missing, "; and "))
	}
	return nil
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// unmet returns the needs not in made, in order (EveryEntity is checked
// apart).
func unmet(needs []string, made map[string]string) []string {
	var out []string
	for _, n := range needs {
		if _, ok := made[n]; !ok && n != model.EveryEntity {
			out = append(out, n)
		}
	}
	return out
}

// laterMakers names the stages among later that make any of entities:
// "pipeline.stages[2] (vehicle)".
func laterMakers(later []Component, entities []string) string {
	var out []string
	for _, st := range later {
		for _, p := range st.Spec.Provides {
			if slices.Contains(entities, p) {
				out = append(out, fmt.Sprintf("%s (%s)", st.Where, st.Type))
				break
			}
		}
	}
	return strings.Join(out, ", ")
}

// makers names the stages that make entities: "type: person, type: vehicle".
func makers(entities []string) string {
	var out []string
	for _, e := range entities {
		types := component.Registry.Providers(pipeline.KindStage, e)
		if len(types) == 0 {
			out = append(out, "a stage that makes "+e)
			continue
		}
		out = append(out, "type: "+strings.Join(types, " or type: "))
	}
	return strings.Join(out, ", ")
}

// writers names the sinks or finalizers that write a snapshot part.
func writers(part string) string {
	for _, k := range []pipeline.Kind{pipeline.KindSink, pipeline.KindFinalizer} {
		types := component.Registry.Providers(k, part)
		switch len(types) {
		case 0:
			continue
		case 1:
			return fmt.Sprintf("type: %s to pipeline.%ss", types[0], k)
		}
		return fmt.Sprintf("one of type: %s to pipeline.%ss", strings.Join(types, ", "), k)
	}
	return "a component that writes it"
}
