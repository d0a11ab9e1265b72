package person_test

import (
	"context"
	"testing"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/testkit"
	"github.com/synthpipe/synthpipe/stages/generators/person"
)

// BenchmarkProcess makes the persons of one batch of 10,000 again and
// again: the stage's cost per person, to compare changes by.
func BenchmarkProcess(b *testing.B) {
	run := testkit.Run(10000, 7)
	mb := testkit.Batch(run, "")
	s, err := person.New(run, 5)
	if err != nil {
		b.Fatal(err)
	}
	batch := &component.Batch{Payload: mb}
	b.ReportAllocs()
	for b.Loop() {
		mb.Persons = mb.Persons[:0]
		if err := s.Process(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(mb.Persons)), "ns/person")
}
