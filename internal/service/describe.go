package service

import (
	"encoding/json"
	"fmt"

	"github.com/synthpipe/synthpipe/internal/domain/contract"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/entity/schema"
)

// Describe returns an entity's columns, rules and JSON Schema.
//
// Rules: an entity's own declared rules, then, for the core three
// (persons, vehicles, profiles), every rule of the contract: those rules
// span households and entities (foreign keys, coherence between a profile
// and its person's vehicles), so the list is the contract's whole, not
// filtered by entity.
func (s *Service) Describe(name string) (EntitySchema, error) {
	e, err := s.entityByName(name)
	if err != nil {
		return EntitySchema{}, err
	}
	out := EntitySchema{Entity: e.Name(), Singular: e.Singular(), IDPrefix: e.IDPrefix(), Columns: []Column{}, Rules: []Rule{}}
	for _, c := range e.Columns() {
		out.Columns = append(out.Columns, Column{Name: c.Name, Type: c.Kind.String(), Nullable: c.Nullable, Enum: c.Enum, Pattern: c.Pattern, Description: c.Doc})
	}
	for _, r := range e.Rules() {
		out.Rules = append(out.Rules, Rule{Name: r.Name, Description: r.Description})
	}
	if e == entity.Persons || e == entity.Vehicles || e == entity.Profiles {
		for _, r := range contract.Rules {
			out.Rules = append(out.Rules, Rule{Name: string(r.Name), Description: r.Description})
		}
	}
	doc, err := schema.Document(e.Singular())
	if err != nil {
		return EntitySchema{}, fmt.Errorf("describe %s: %w", name, err)
	}
	if err := json.Unmarshal(doc, &out.JSONSchema); err != nil {
		return EntitySchema{}, fmt.Errorf("describe %s: schema: %w", name, err)
	}
	return out, nil
}
