package service

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
)

// lookup is how the records of one entity are found by id and linked to
// others, all from its declaration: the id column's pattern, the id scheme
// and the parent whose number the ids carry. The plan counts persons and
// vehicles, so an entity's ids lead, through its parents, to one of them
// (the root) when each parent is declared; an entity whose ids count only
// its own rows leads nowhere, and its records are not looked up (unoffered).
type lookup struct {
	e       entity.Entity
	pattern *regexp.Regexp // the id column's: an id that breaks it is malformed (400)
	example string
	parent  *lookup // nil for persons and vehicles
	root    string  // model.Persons or model.Vehicles; "" when unoffered
	// unoffered, when set, is why e's records are not found by id nor
	// included: Record refuses them (404), and the rest of the config is
	// served, its generated records included.
	unoffered string
}

// newLookups makes the lookup of every entity the config makes, or says
// which one's id pattern is missing or does not compile.
func newLookups(names []string) (map[string]*lookup, error) {
	out := map[string]*lookup{}
	var build func(e entity.Entity) (*lookup, error)
	build = func(e entity.Entity) (*lookup, error) {
		if l := out[e.Name()]; l != nil {
			return l, nil
		}
		pat := e.Columns()[0].Pattern
		if pat == "" {
			return nil, fmt.Errorf("entity %s: its id column has no pattern to check an id by", e.Name())
		}
		re, err := regexp.Compile(pat)
		if err != nil {
			return nil, fmt.Errorf("entity %s: id pattern: %w", e.Name(), err)
		}
		l := &lookup{e: e, pattern: re, example: ident.ID(e.IDPrefix(), 0)}
		if e.IDs() == entity.PerParent {
			l.example = entity.PerParentID(e.IDPrefix(), 0, 1)
		}
		switch {
		case e.Name() == model.Persons || e.Name() == model.Vehicles:
			l.root = e.Name()
		case e.Parent() != "":
			p, err := build(entity.Of([]string{e.Parent()})[0])
			if err != nil {
				return nil, err
			}
			l.parent, l.root = p, p.root
			if p.unoffered != "" {
				l.unoffered = "lookups of " + e.Name() + " by id go through its parent " + p.e.Name() + ", and " + p.unoffered
			}
		default:
			// Finding one would mean making every record before it.
			l.unoffered = "lookups of " + e.Name() + " by id are not offered because its ids count only its own rows (an entity declared without a Parent)"
		}
		out[e.Name()] = l
		return l, nil
	}
	for _, e := range entity.Of(names) {
		if _, err := build(e); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// badID is the refusal of an id that breaks the entity's pattern.
func (l *lookup) badID(id string) error {
	return &BadInput{Param: "id", Value: clip(id), Allowed: "an id of " + l.e.Name() + ", e.g. " + l.example + " (pattern " + l.pattern.String() + ")"}
}

// parentID returns the id of the parent record of id, which has the
// entity's form (false when its number names no record).
func (l *lookup) parentID(id string) (string, bool) {
	var i int64
	var ok bool
	if l.e.IDs() == entity.PerParent {
		i, _, ok = entity.ParsePerParentID(l.e.IDPrefix(), id)
	} else {
		i, ok = ident.ParseID(l.e.IDPrefix(), id)
	}
	if !ok {
		return "", false
	}
	return ident.ID(l.parent.e.IDPrefix(), i), true
}

// rootIndex returns the 0-based index, among the root's records, of the
// record id leads to (false when it names no record).
func (l *lookup) rootIndex(id string) (int64, bool) {
	if l.parent == nil {
		return ident.ParseID(l.e.IDPrefix(), id)
	}
	pid, ok := l.parentID(id)
	if !ok {
		return 0, false
	}
	return l.parent.rootIndex(pid)
}

// personsOf returns the persons record id of the household mb is about: a
// person itself, a vehicle's owner and then its primary driver (if
// another), and a child record its parent's persons.
func (l *lookup) personsOf(mb *model.Batch, id string) []string {
	switch {
	case l.parent != nil:
		pid, ok := l.parentID(id)
		if !ok {
			return nil
		}
		return l.parent.personsOf(mb, pid)
	case l.e.Name() == model.Persons:
		return []string{id}
	}
	var out []string
	for i := range mb.Vehicles {
		if v := &mb.Vehicles[i]; v.VehicleID == id {
			out = append(out, v.OwnerPersonID)
			if v.PrimaryDriverPersonID != v.OwnerPersonID {
				out = append(out, v.PrimaryDriverPersonID)
			}
		}
	}
	return out
}

// of returns the ids of the records of mb that belong to persons, in the
// persons' order: the persons themselves, the vehicles they are primary
// driver of, and the records whose parent is one of those.
func (l *lookup) of(mb *model.Batch, persons []string) []string {
	var out []string
	switch {
	case l.parent != nil:
		for _, p := range l.parent.of(mb, persons) {
			for i := range l.e.Len(mb) {
				id := l.e.RowID(mb, i)
				if pid, ok := l.parentID(id); ok && pid == p {
					out = append(out, id)
				}
			}
		}
	case l.e.Name() == model.Persons:
		for _, p := range persons {
			if slices.ContainsFunc(mb.Persons, func(x model.Person) bool { return x.PersonID == p }) {
				out = append(out, p)
			}
		}
	default: // vehicles
		for _, p := range persons {
			for i := range mb.Vehicles {
				if mb.Vehicles[i].PrimaryDriverPersonID == p {
					out = append(out, mb.Vehicles[i].VehicleID)
				}
			}
		}
	}
	return out
}
