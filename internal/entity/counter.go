package entity

import (
	"encoding/json"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/version"
)

// Counter counts the rows of each entity in the batches it is shown; the
// metadata and JSON sinks each keep one for the metadata they write.
type Counter struct {
	entities []Entity
	counts   []int64
}

// NewCounter counts entities.
func NewCounter(entities []Entity) Counter {
	return Counter{entities: entities, counts: make([]int64, len(entities))}
}

// Add counts a batch.
func (c *Counter) Add(b *model.Batch) {
	for i, e := range c.entities {
		c.counts[i] += int64(e.Len(b))
	}
}

// Counts returns the counts so far, in the entities' order.
func (c *Counter) Counts() []model.Count {
	out := make([]model.Count, len(c.entities))
	for i, e := range c.entities {
		out[i] = model.Count{Entity: e.Name(), Records: c.counts[i]}
	}
	return out
}

// Total is the rows of every entity so far.
func (c *Counter) Total() int64 {
	var n int64
	for _, x := range c.counts {
		n += x
	}
	return n
}

// Metadata returns run's metadata with the counts so far.
func (c *Counter) Metadata(run *model.Run) model.Metadata {
	return model.NewMetadata(run, version.Name, version.Version, c.Counts())
}

// EncodeMetadata renders metadata as indented JSON, the form both the
// metadata file and the dataset document use.
func EncodeMetadata(m model.Metadata, prefix string) []byte {
	b, err := json.MarshalIndent(m, prefix, "  ")
	if err != nil {
		panic(err) // strings and numbers: cannot fail
	}
	return b
}
