// Package testkit builds small generated batches for the stages' unit tests.
package testkit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/testkit/testrun"
	"github.com/synthpipe/synthpipe/stages/generators/incident"
	"github.com/synthpipe/synthpipe/stages/generators/person"
	"github.com/synthpipe/synthpipe/stages/generators/profile"
	"github.com/synthpipe/synthpipe/stages/generators/vehicle"
	"github.com/synthpipe/synthpipe/stages/sources/seed"
)

// Run returns a run context for tests (testrun.Run).
func Run(records int64, seedValue uint64) *model.Run { return testrun.Run(records, seedValue) }

// Batch makes one batch of all of run's persons through the stages named
// (in order, from person, vehicle, incident, profile); the seed always runs.
func Batch(run *model.Run, upTo string) *model.Batch {
	src := seed.New(run)
	b := &component.Batch{Payload: src.NewPayload()}
	if _, err := src.Next(context.Background(), b); err != nil {
		panic(err)
	}
	people, err := person.New(run, 5)
	if err != nil {
		panic(err)
	}
	vehicles, err := vehicle.New(run, vehicle.MaxAge)
	if err != nil {
		panic(err)
	}
	history, err := incident.New(run, incident.DefaultLookbackYears)
	if err != nil {
		panic(err)
	}
	steps := []struct {
		name  string
		stage component.Stage
	}{
		{"person", people},
		{"vehicle", vehicles},
		{"incident", history},
		{"profile", profile.New(run.ReferenceDate)},
	}
	for _, s := range steps {
		if err := s.stage.Process(context.Background(), b); err != nil {
			panic(err)
		}
		if s.name == upTo {
			break
		}
	}
	return b.Payload
}

// Logger discards.
var Logger = zerolog.Nop()

// FileHashes returns the SHA-256 of every file in dir, by name.
func FileHashes(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		s := sha256.Sum256(b)
		out[e.Name()] = hex.EncodeToString(s[:])
	}
	return out
}
