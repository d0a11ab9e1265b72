package pipeline

import (
	"fmt"
	"sort"
	"sync"
)

// Kind says where in a pipeline a component goes.
type Kind string

const (
	KindSource    Kind = "source"
	KindStage     Kind = "stage"
	KindSink      Kind = "sink"
	KindFinalizer Kind = "finalizer"
)

// Spec declares a component: its type name, what it is and its config
// fields. Kind is set by the Register call that adds it.
type Spec struct {
	Type    string
	Kind    Kind
	Summary string
	// Example is a YAML fragment that configures one, with a comment saying
	// what it does; the config reference shows it.
	Example string
	Fields  []Field
	// Needs and Provides name what a component reads and makes: entities
	// (persons, vehicles, profiles) for stages and sinks, and the parts of a
	// snapshot (records, metadata, manifest) for sinks and finalizers. The
	// config loader checks that every need is met by a stage before it, that
	// nothing is made twice, and that a snapshot gets all its parts.
	// Components that declare neither (test doubles) are not checked.
	Needs, Provides []string
}

// Registry holds the components an application registers, typed by the
// application's batch payload P and shared run context S, and builds them
// from checked config. Its zero value is ready to use; it must not be copied
// after first use. Components register from init; a type registered twice in
// one kind is a programming error and panics.
type Registry[P, S any] struct {
	mu         sync.RWMutex
	specs      map[Kind]map[string]Spec
	sources    map[string]func(Conf, *Env[S]) (Source[P], error)
	stages     map[string]func(Conf, *Env[S]) (Stage[P], error)
	sinks      map[string]func(Conf, *Env[S]) (Sink[P], error)
	finalizers map[string]func(Conf, *Env[S]) (Finalizer, error)
}

// addSpec records spec under kind k, with r.mu held, and panics on a
// duplicate or a missing build func.
func (r *Registry[P, S]) addSpec(k Kind, spec Spec, hasBuild bool) {
	if !hasBuild {
		panic(fmt.Sprintf("pipeline: %s type %q registered without a build func", k, spec.Type))
	}
	spec.Kind = k
	if r.specs == nil {
		r.specs = map[Kind]map[string]Spec{}
	}
	if r.specs[k] == nil {
		r.specs[k] = map[string]Spec{}
	}
	if _, dup := r.specs[k][spec.Type]; dup {
		panic(fmt.Sprintf("pipeline: %s type %q registered twice", k, spec.Type))
	}
	r.specs[k][spec.Type] = spec
}

// RegisterSource adds a source type; build makes one instance.
func (r *Registry[P, S]) RegisterSource(spec Spec, build func(Conf, *Env[S]) (Source[P], error)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addSpec(KindSource, spec, build != nil)
	if r.sources == nil {
		r.sources = map[string]func(Conf, *Env[S]) (Source[P], error){}
	}
	r.sources[spec.Type] = build
}

// RegisterStage adds a stage type; build makes one instance, and is called
// once per worker.
func (r *Registry[P, S]) RegisterStage(spec Spec, build func(Conf, *Env[S]) (Stage[P], error)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addSpec(KindStage, spec, build != nil)
	if r.stages == nil {
		r.stages = map[string]func(Conf, *Env[S]) (Stage[P], error){}
	}
	r.stages[spec.Type] = build
}

// RegisterSink adds a sink type; build makes one instance.
func (r *Registry[P, S]) RegisterSink(spec Spec, build func(Conf, *Env[S]) (Sink[P], error)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addSpec(KindSink, spec, build != nil)
	if r.sinks == nil {
		r.sinks = map[string]func(Conf, *Env[S]) (Sink[P], error){}
	}
	r.sinks[spec.Type] = build
}

// RegisterFinalizer adds a finalizer type; build makes one instance.
func (r *Registry[P, S]) RegisterFinalizer(spec Spec, build func(Conf, *Env[S]) (Finalizer, error)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addSpec(KindFinalizer, spec, build != nil)
	if r.finalizers == nil {
		r.finalizers = map[string]func(Conf, *Env[S]) (Finalizer, error){}
	}
	r.finalizers[spec.Type] = build
}

// BuildSource builds a source of type typ from checked config.
func (r *Registry[P, S]) BuildSource(typ string, conf Conf, env *Env[S]) (Source[P], error) {
	r.mu.RLock()
	build, ok := r.sources[typ]
	r.mu.RUnlock()
	if !ok {
		return nil, unknown(KindSource, typ)
	}
	return build(conf, env)
}

// BuildStage builds one instance of a stage of type typ from checked config.
func (r *Registry[P, S]) BuildStage(typ string, conf Conf, env *Env[S]) (Stage[P], error) {
	r.mu.RLock()
	build, ok := r.stages[typ]
	r.mu.RUnlock()
	if !ok {
		return nil, unknown(KindStage, typ)
	}
	return build(conf, env)
}

// BuildSink builds a sink of type typ from checked config.
func (r *Registry[P, S]) BuildSink(typ string, conf Conf, env *Env[S]) (Sink[P], error) {
	r.mu.RLock()
	build, ok := r.sinks[typ]
	r.mu.RUnlock()
	if !ok {
		return nil, unknown(KindSink, typ)
	}
	return build(conf, env)
}

// BuildFinalizer builds a finalizer of type typ from checked config.
func (r *Registry[P, S]) BuildFinalizer(typ string, conf Conf, env *Env[S]) (Finalizer, error) {
	r.mu.RLock()
	build, ok := r.finalizers[typ]
	r.mu.RUnlock()
	if !ok {
		return nil, unknown(KindFinalizer, typ)
	}
	return build(conf, env)
}

func unknown(k Kind, typ string) error {
	return fmt.Errorf("pipeline: unknown %s type %q", k, typ)
}

// Lookup returns the spec of a type of a kind.
func (r *Registry[P, S]) Lookup(k Kind, typ string) (Spec, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.specs[k][typ]
	return s, ok
}

// Types lists the registered types of a kind, sorted.
func (r *Registry[P, S]) Types(k Kind) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.specs[k]))
	for t := range r.specs[k] {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Specs lists every registered spec, by kind then type (for docs).
func (r *Registry[P, S]) Specs() []Spec {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []Spec
	for _, m := range r.specs {
		for _, s := range m {
			out = append(out, s)
		}
	}
	order := map[Kind]int{KindSource: 0, KindStage: 1, KindSink: 2, KindFinalizer: 3}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return order[out[i].Kind] < order[out[j].Kind]
		}
		return out[i].Type < out[j].Type
	})
	return out
}

// Providers lists the types of kind that provide name, sorted.
func (r *Registry[P, S]) Providers(k Kind, name string) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []string
	for t, s := range r.specs[k] {
		for _, p := range s.Provides {
			if p == name {
				out = append(out, t)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}
