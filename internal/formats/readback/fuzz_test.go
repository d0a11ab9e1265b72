package readback

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// drain reads a source to its end; corrupt input must end in an error,
// never a panic or an endless loop.
func drain[T any](t *testing.T, s Source[T], limit int) {
	for i := 0; i < limit; i++ {
		_, err := s.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		var ce *CellError
		if err != nil && !errors.As(err, &ce) {
			return
		}
	}
}

func seedFrom(f *testing.F, name string) []byte {
	b, err := os.ReadFile(filepath.Join("../../../data/snapshots/v0.2", name))
	if err != nil {
		f.Fatal(err)
	}
	return b
}

func FuzzCSVReader(f *testing.F) {
	persons := seedFrom(f, "persons_v0_2.csv")
	f.Add(persons)
	f.Add(persons[:len(persons)/2])
	f.Add(seedFrom(f, "profiles_v0_2.csv"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := NewCSV[model.Person](bytes.NewReader(data), io.NopCloser(nil), model.PersonColumns); err == nil {
			drain[model.Person](t, s, 10000)
		}
		if s, err := NewCSV[model.Profile](bytes.NewReader(data), io.NopCloser(nil), model.ProfileColumns); err == nil {
			drain[model.Profile](t, s, 10000)
		}
	})
}

func FuzzParquetReader(f *testing.F) {
	vehicles := seedFrom(f, "vehicles_v0_2.parquet")
	f.Add(vehicles)
	f.Add(vehicles[:len(vehicles)-100])
	f.Add(seedFrom(f, "profiles_v0_2.parquet"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		if s, err := NewParquet[model.Vehicle](r, int64(len(data)), io.NopCloser(nil)); err == nil {
			drain[model.Vehicle](t, s, 100000)
		}
		if s, err := NewParquet[model.Profile](r, int64(len(data)), io.NopCloser(nil)); err == nil {
			drain[model.Profile](t, s, 100000)
		}
	})
}
