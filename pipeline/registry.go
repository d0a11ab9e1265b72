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

// Spec declares a component: its type name, what it is, its config fields,
// and how to build one from checked config.
type Spec struct {
	Type    string
	Kind    Kind
	Summary string
	Fields  []Field
	// Needs and Provides name what a component reads and makes: entities
	// (persons, vehicles, profiles) for stages and sinks, and the parts of a
	// snapshot (records, metadata, manifest) for sinks and finalizers. The
	// config loader checks that every need is met by a stage before it, that
	// nothing is made twice, and that a snapshot gets all its parts.
	// Components that declare neither (test doubles) are not checked.
	Needs, Provides []string
	// Build makes one instance. It is called once per worker for stages.
	Build func(conf Conf, env *Env) (any, error)
}

var (
	regMu    sync.RWMutex
	registry = map[Kind]map[string]Spec{}
)

// Register adds a component spec; components call it from init. A duplicate
// type of the same kind is a programming error.
func Register(s Spec) {
	regMu.Lock()
	defer regMu.Unlock()
	if registry[s.Kind] == nil {
		registry[s.Kind] = map[string]Spec{}
	}
	if _, dup := registry[s.Kind][s.Type]; dup {
		panic(fmt.Sprintf("pipeline: %s type %q registered twice", s.Kind, s.Type))
	}
	registry[s.Kind][s.Type] = s
}

// Lookup returns the spec of a type of a kind.
func Lookup(k Kind, typ string) (Spec, bool) {
	regMu.RLock()
	defer regMu.RUnlock()
	s, ok := registry[k][typ]
	return s, ok
}

// Types lists the registered types of a kind, sorted.
func Types(k Kind) []string {
	regMu.RLock()
	defer regMu.RUnlock()
	out := make([]string, 0, len(registry[k]))
	for t := range registry[k] {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Specs lists every registered spec, by kind then type (for docs).
func Specs() []Spec {
	regMu.RLock()
	defer regMu.RUnlock()
	var out []Spec
	for _, m := range registry {
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
func Providers(k Kind, name string) []string {
	regMu.RLock()
	defer regMu.RUnlock()
	var out []string
	for t, s := range registry[k] {
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
