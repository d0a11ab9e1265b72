// Package preview shows a few generated households to a person: each person
// with their licence, profile, the vehicles they drive and their driving
// history, laid out in at most 80 columns and coloured (with lipgloss) only
// where the output is a terminal that wants colour.
package preview

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// Record is one record as the dataset's JSON holds it.
type Record = map[string]any

// Household is one household and what belongs to it, in generation order.
type Household struct {
	ID        string   `json:"household_id"`
	Persons   []Record `json:"persons"`
	Vehicles  []Record `json:"vehicles"`
	Profiles  []Record `json:"profiles"`
	Incidents []Record `json:"incidents"`
}

// Read groups the lines of a dataset NDJSON stream ({"entity": …,
// "record": {…}}) by household, in order. Entities other than persons,
// vehicles, profiles and incidents (a config may declare more) are skipped.
func Read(r io.Reader) ([]*Household, error) {
	var out []*Household
	byID := map[string]*Household{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var line struct {
			Entity string `json:"entity"`
			Record Record `json:"record"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			return nil, fmt.Errorf("preview: line %d is not a dataset record: %w", n, err)
		}
		var list func(*Household) *[]Record
		switch line.Entity {
		case "persons":
			list = func(h *Household) *[]Record { return &h.Persons }
		case "vehicles":
			list = func(h *Household) *[]Record { return &h.Vehicles }
		case "profiles":
			list = func(h *Household) *[]Record { return &h.Profiles }
		case "incidents":
			list = func(h *Household) *[]Record { return &h.Incidents }
		default:
			continue
		}
		id, _ := line.Record["household_id"].(string)
		if id == "" {
			return nil, fmt.Errorf("preview: line %d: a %s record without household_id", n, line.Entity)
		}
		h := byID[id]
		if h == nil {
			// Empty lists, not null, so the JSON reads the same for a
			// household with nothing of a kind.
			h = &Household{ID: id, Persons: []Record{}, Vehicles: []Record{}, Profiles: []Record{}, Incidents: []Record{}}
			byID[id] = h
			out = append(out, h)
		}
		*list(h) = append(*list(h), line.Record)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("preview: reading the records: %w", err)
	}
	return out, nil
}
