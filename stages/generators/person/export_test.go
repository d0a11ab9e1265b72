package person

import (
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/stream"
)

// NewWithColumn returns a person stage that also draws a column named
// name from its own stream, as a later contract might add one.
func NewWithColumn(run *model.Run, name string) (*Stage, error) {
	s, err := New(run, 5)
	if err != nil {
		return nil, err
	}
	s.per = stream.NewColumns(run.Seed, stream.Person, append(append([]string(nil), personColumns...), name)...)
	s.extra = len(personColumns)
	return s, nil
}

// RenewalsBefore exposes renewalsBefore to the tests.
func RenewalsBefore(first, refDate model.Date, cycle int) int {
	return renewalsBefore(first.CivilDate(), refDate, cycle)
}
