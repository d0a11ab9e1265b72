package readback

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/synthpipe/synthpipe/internal/domain/model"
)

func golden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../../data/snapshots/v0.2", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// first reads records until one fails (or the end).
func first[T any](s Source[T]) error {
	for {
		if _, err := s.Next(); err != nil {
			return err
		}
	}
}

func TestRecordLimits(t *testing.T) {
	persons := golden(t, "persons_v0_2.csv")
	header, rows, _ := bytes.Cut(persons, []byte("\n"))
	row, _, _ := bytes.Cut(rows, []byte("\n"))
	fields := strings.Split(string(row), ",")
	longField := append([]string(nil), fields...)
	longField[1] = strings.Repeat("x", MaxFieldBytes+1)

	cases := []struct {
		name string
		csv  []byte
		want func(t *testing.T, err error)
	}{
		{"header without an end", bytes.Repeat([]byte("a"), 10<<20), func(t *testing.T, err error) {
			var le *LimitError
			if !errors.As(err, &le) {
				t.Fatalf("want a LimitError, got %v", err)
			}
		}},
		{"record without an end", append(append(header, '\n'), bytes.Repeat([]byte("b"), 10<<20)...), func(t *testing.T, err error) {
			var le *LimitError
			if !errors.As(err, &le) || err.Error() != "CSV record longer than 65536 bytes (the limit)" {
				t.Fatalf("want a LimitError, got %v", err)
			}
		}},
		{"value too long", []byte(string(header) + "\n" + strings.Join(longField, ",") + "\n"), func(t *testing.T, err error) {
			var ce *CellError
			if !errors.As(err, &ce) || !ce.TooLong || len(ce.Value) > 256 || !strings.HasSuffix(ce.Value, "…(4097 bytes)") {
				t.Fatalf("want a truncated CellError, got %v", err)
			}
		}},
		{"longest record allowed", []byte(string(header) + "\n" + string(row) + "\n"), func(t *testing.T, err error) {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("want the end, got %v", err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewCSV[model.Person](bytes.NewReader(tc.csv), io.NopCloser(nil), model.PersonColumns)
			if err == nil {
				err = first(s)
			}
			tc.want(t, err)
		})
	}
}

func TestJSONRecordLimit(t *testing.T) {
	doc := golden(t, "dataset_v0_2.json")
	for _, tc := range []struct{ name, old, new string }{
		{"huge value", `"first_name":"`, `"first_name":"` + strings.Repeat("y", 1<<20)},
		{"megabytes of blanks", `"persons": [`, `"persons": [` + strings.Repeat(" ", 1<<20)},
		{"huge skipped section", `"metadata": {`, `"metadata": {"x":"` + strings.Repeat("z", 1<<20) + `",`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := bytes.Replace(doc, []byte(tc.old), []byte(tc.new), 1)
			s, err := NewJSON[model.Person](bytes.NewReader(b), io.NopCloser(nil), "persons", nil)
			if err == nil {
				err = first(s)
			}
			var le *LimitError
			if !errors.As(err, &le) {
				t.Fatalf("want a LimitError, got %v", err)
			}
		})
	}
	// the governed file reads to its end under the limits
	for _, key := range []string{"persons", "vehicles", "profiles"} {
		s, err := NewJSON[model.Person](bytes.NewReader(doc), io.NopCloser(nil), key, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := first(s); !errors.Is(err, io.EOF) && !Recoverable(err) {
			t.Fatalf("%s: %v", key, err)
		}
	}
}

func TestTruncate(t *testing.T) {
	long := strings.Repeat("é", 300) // 600 bytes
	got := Truncate(long)
	if !strings.HasSuffix(got, "…(600 bytes)") || len(got) > 220 {
		t.Fatalf("got %q", got)
	}
	if Truncate(got) != got {
		t.Fatal("a truncated value is cut again")
	}
	if Truncate("short") != "short" {
		t.Fatal("a short value is changed")
	}
}

func TestParquetPagesOfHugeValuesAreRefused(t *testing.T) {
	type row struct {
		S string `parquet:"s"`
	}
	var b bytes.Buffer
	w := parquet.NewGenericWriter[row](&b, parquet.Compression(&parquet.Snappy))
	rows := make([]row, 100)
	for i := range rows {
		rows[i].S = strings.Repeat("a", 5<<10)
	}
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := NewParquet[row](bytes.NewReader(b.Bytes()), int64(b.Len()), io.NopCloser(nil))
	if err == nil || !strings.Contains(err.Error(), "values (more than 4096 bytes each)") {
		t.Fatalf("want the page refused, got %v", err)
	}
}
