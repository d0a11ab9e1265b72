package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// CountKeyPrefix starts the metadata key of each entity's record count:
// record_count_persons, record_count_vehicles …
const CountKeyPrefix = "record_count_"

// MarshalJSON writes the fixed fields, then one record_count_<entity> per
// count in order, then privacy: the key order of snapshot v0.1, whatever
// entities are declared.
func (m Metadata) MarshalJSON() ([]byte, error) {
	head, err := json.Marshal(m.Header)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Write(head[:len(head)-1]) // without the closing brace
	for _, c := range m.Counts {
		key, _ := json.Marshal(CountKeyPrefix + c.Entity)
		fmt.Fprintf(&b, ",%s:%d", key, c.Records)
	}
	priv, err := json.Marshal(m.Privacy)
	if err != nil {
		return nil, err
	}
	b.WriteString(`,"privacy":`)
	b.Write(priv)
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads what MarshalJSON writes; counts keep the document's
// order. Unknown keys are ignored, as for any struct.
func (m *Metadata) UnmarshalJSON(data []byte) error {
	var head Header
	if err := json.Unmarshal(data, &head); err != nil {
		return err
	}
	var rest struct {
		Privacy Privacy `json:"privacy"`
	}
	if err := json.Unmarshal(data, &rest); err != nil {
		return err
	}
	counts, err := countsOf(data)
	if err != nil {
		return err
	}
	*m = Metadata{Header: head, Counts: counts, Privacy: rest.Privacy}
	return nil
}

// countsOf walks the top-level keys in order and keeps the record counts.
func countsOf(data []byte) ([]Count, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // {
		return nil, err
	}
	var counts []Count
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		name, ok := strings.CutPrefix(key, CountKeyPrefix)
		if !ok {
			continue
		}
		var n int64
		if err := json.Unmarshal(raw, &n); err != nil {
			return nil, fmt.Errorf("metadata %s: %w", key, err)
		}
		counts = append(counts, Count{Entity: name, Records: n})
	}
	return counts, nil
}

// Count returns the record count of entity, and whether metadata has one.
func (m *Metadata) Count(entity string) (int64, bool) {
	for _, c := range m.Counts {
		if c.Entity == entity {
			return c.Records, true
		}
	}
	return 0, false
}
