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
	"slices"
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
	// raw holds the records of Read as they came, persons to incidents:
	// their keys in column order, where a map would sort them.
	raw [4][]json.RawMessage
}

// MarshalJSON writes the records as Read had them, keys in column order
// (a household made otherwise is written from its maps).
func (h *Household) MarshalJSON() ([]byte, error) {
	type plain Household
	if h.raw[0] == nil { // not made by Read
		return json.Marshal((*plain)(h))
	}
	return json.Marshal(struct {
		ID        string            `json:"household_id"`
		Persons   []json.RawMessage `json:"persons"`
		Vehicles  []json.RawMessage `json:"vehicles"`
		Profiles  []json.RawMessage `json:"profiles"`
		Incidents []json.RawMessage `json:"incidents"`
	}{h.ID, h.raw[0], h.raw[1], h.raw[2], h.raw[3]})
}

// kinds are the entities a Household lists, in the order of its fields.
var kinds = [...]string{"persons", "vehicles", "profiles", "incidents"}

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
			Entity string          `json:"entity"`
			Record json.RawMessage `json:"record"`
		}
		var rec Record
		err := json.Unmarshal(sc.Bytes(), &line)
		if err == nil {
			err = json.Unmarshal(line.Record, &rec)
		}
		if err != nil {
			return nil, fmt.Errorf("preview: line %d is not a dataset record: %w", n, err)
		}
		k := slices.Index(kinds[:], line.Entity)
		if k < 0 {
			continue
		}
		id, _ := rec["household_id"].(string)
		if id == "" {
			return nil, fmt.Errorf("preview: line %d: a %s record without household_id", n, line.Entity)
		}
		h := byID[id]
		if h == nil {
			// Empty lists, not null, so the JSON reads the same for a
			// household with nothing of a kind.
			h = &Household{ID: id, Persons: []Record{}, Vehicles: []Record{}, Profiles: []Record{}, Incidents: []Record{},
				raw: [4][]json.RawMessage{{}, {}, {}, {}}}
			byID[id] = h
			out = append(out, h)
		}
		list := [...]*[]Record{&h.Persons, &h.Vehicles, &h.Profiles, &h.Incidents}[k]
		*list = append(*list, rec)
		h.raw[k] = append(h.raw[k], line.Record)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("preview: reading the records: %w", err)
	}
	return out, nil
}
