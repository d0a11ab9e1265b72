// Package testrun gives tests a run context without importing any stage,
// so a stage's own tests can use it (testkit runs the stages).
package testrun

import "github.com/synthpipe/synthpipe/internal/domain/model"

// Run returns a run context for tests: contract v0.2, reference date
// 2026-01-01, one batch of all records.
func Run(records int64, seedValue uint64) *model.Run {
	return &model.Run{DatasetName: "test", SnapshotVersion: "v0.2", SchemaVersion: "0.2",
		ReferenceDate: model.DateOf(2026, 1, 1), Seed: seedValue, Records: records, BatchSize: int(records),
		Entities: []string{model.Persons, model.Vehicles, model.Incidents, model.Profiles}}
}
