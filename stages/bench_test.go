package stages_test

import (
	"context"
	"os"
	"testing"

	"github.com/synthpipe/synthpipe/stages/generators/incident"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/testkit"
	"github.com/synthpipe/synthpipe/stages/checks/validate"
	"github.com/synthpipe/synthpipe/stages/generators/person"
	"github.com/synthpipe/synthpipe/stages/generators/profile"
	"github.com/synthpipe/synthpipe/stages/generators/vehicle"
	"github.com/synthpipe/synthpipe/stages/sinks/csvsink"
	"github.com/synthpipe/synthpipe/stages/sinks/jsonsink"
	"github.com/synthpipe/synthpipe/stages/sinks/parquetsink"
	"github.com/synthpipe/synthpipe/stages/sources/seed"
)

const benchPersons = 4096

// reportRows reports persons per second for b.N runs over benchPersons.
func reportRows(b *testing.B) {
	b.ReportMetric(float64(b.N)*benchPersons/b.Elapsed().Seconds(), "persons/s")
}

func BenchmarkSeed(b *testing.B) {
	run := testkit.Run(1<<40, 1)
	run.BatchSize = benchPersons
	src := seed.New(run)
	batch := &component.Batch{Payload: src.NewPayload()}
	for b.Loop() {
		_, _ = src.Next(context.Background(), batch)
	}
	reportRows(b)
}

// stageBench times one stage on a batch made by the stages before it.
func stageBench(b *testing.B, upTo string, stage component.Stage, reset func(*model.Batch)) {
	run := testkit.Run(benchPersons, 1)
	mb := testkit.Batch(run, upTo)
	batch := &component.Batch{Payload: mb}
	// The stage's output is emptied but keeps its capacity, as the
	// pipeline's batches do between uses; inputs are only read.
	for b.Loop() {
		reset(mb)
		if err := stage.Process(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
	reportRows(b)
}

func BenchmarkPerson(b *testing.B) {
	run := testkit.Run(benchPersons, 1)
	people, err := person.New(run, 5)
	if err != nil {
		b.Fatal(err)
	}
	stageBench(b, "none", people, func(mb *model.Batch) { mb.Persons = mb.Persons[:0] })
}

func BenchmarkVehicle(b *testing.B) {
	run := testkit.Run(benchPersons, 1)
	vehicles, err := vehicle.New(run, vehicle.MaxAge)
	if err != nil {
		b.Fatal(err)
	}
	stageBench(b, "person", vehicles, func(mb *model.Batch) { mb.Vehicles = mb.Vehicles[:0] })
}

func BenchmarkProfile(b *testing.B) {
	run := testkit.Run(benchPersons, 1)
	stageBench(b, "incident", profile.New(run.ReferenceDate), func(mb *model.Batch) { mb.Profiles = mb.Profiles[:0] })
}

func BenchmarkIncident(b *testing.B) {
	run := testkit.Run(benchPersons, 1)
	s, err := incident.New(run, incident.DefaultLookbackYears)
	if err != nil {
		b.Fatal(err)
	}
	stageBench(b, "vehicle", s, func(mb *model.Batch) {
		*incident.Incidents.Rows(mb) = (*incident.Incidents.Rows(mb))[:0]
		mb.Histories = mb.Histories[:0]
	})
}

func BenchmarkValidate(b *testing.B) {
	run := testkit.Run(benchPersons, 1)
	v, err := validate.New(run, true, 10, testkit.Logger)
	if err != nil {
		b.Fatal(err)
	}
	stageBench(b, "profile", v, func(*model.Batch) {})
}

func sinkBench(b *testing.B, newSink func(dir string) (component.Sink, error)) {
	run := testkit.Run(benchPersons, 1)
	batch := &component.Batch{Payload: testkit.Batch(run, "profile")}
	sink, err := newSink(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := sink.Write(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if _, err := sink.Close(context.Background()); err != nil {
		b.Fatal(err)
	}
	reportRows(b)
}

// BenchmarkCSVSink writes every entity the run makes, as `synthpipe run` does.
func BenchmarkCSVSink(b *testing.B) {
	run := testkit.Run(benchPersons, 1)
	sinkBench(b, func(dir string) (component.Sink, error) { return csvsink.New(dir, "v0_2", entity.Of(run.Entities)) })
}

func BenchmarkParquetSink(b *testing.B) {
	sinkBench(b, func(dir string) (component.Sink, error) {
		return parquetsink.New(dir, "v0_2", entity.All()[:3], 131072)
	})
}

func BenchmarkJSONSink(b *testing.B) {
	run := testkit.Run(benchPersons, 1)
	sinkBench(b, func(dir string) (component.Sink, error) { return jsonsink.New(dir, run) })
}

// BenchmarkJSONSinkClose times the JSON sink's close alone: joining
// closeBatches batches' spooled arrays (about 8 MB of JSON each) into the
// dataset file, hashing and syncing it.
func BenchmarkJSONSinkClose(b *testing.B) {
	const closeBatches = 32
	run := testkit.Run(benchPersons, 1)
	batch := &component.Batch{Payload: testkit.Batch(run, "profile")}
	var bytes int64
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		sink, err := jsonsink.New(dir, run)
		if err != nil {
			b.Fatal(err)
		}
		for range closeBatches {
			if err := sink.Write(context.Background(), batch); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		files, err := sink.Close(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		bytes = files[0].Bytes
		b.StopTimer()
		os.RemoveAll(dir) // the disk holds one dataset at a time
		b.StartTimer()
	}
	b.ReportMetric(float64(bytes)*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
}

// BenchmarkCSVRows encodes a batch's rows of every entity as CSV, without
// the file: the encoder alone.
func BenchmarkCSVRows(b *testing.B) {
	run := testkit.Run(benchPersons, 1)
	mb := testkit.Batch(run, "profile")
	entities := entity.Of(run.Entities)
	buf := make([]byte, 0, 1<<20)
	for b.Loop() {
		for _, e := range entities {
			for i, n := 0, e.Len(mb); i < n; {
				buf, i = e.AppendCSVRows(buf[:0], mb, i, 1<<19)
			}
		}
	}
	reportRows(b)
}

// BenchmarkJSONRows encodes a batch's rows of every entity as JSON objects,
// without the file: the encoder alone.
func BenchmarkJSONRows(b *testing.B) {
	run := testkit.Run(benchPersons, 1)
	mb := testkit.Batch(run, "profile")
	entities := entity.Of(run.Entities)
	var buf []byte
	for b.Loop() {
		for _, e := range entities {
			for i := range e.Len(mb) {
				buf = e.AppendJSONRow(buf[:0], mb, i)
			}
		}
	}
	reportRows(b)
}
